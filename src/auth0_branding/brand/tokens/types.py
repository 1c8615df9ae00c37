"""Every DTCG 2025.10 type as CSS: a value for the custom property, and the properties it sets.

Simple types become one literal (token_css). Composites become the shorthand CSS knows them
by (`font`, `border`, `transition`, `box-shadow`, `linear-gradient()`) and, for Sass and
emails, the longhand properties they describe (`font-size`, `border-color`...). A missing or
unknown field names the field. Every colour goes through the one colour conversion,
`token_css.color_css`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from coloraide import Color

from ...errors import Location, TokenError, did_you_mean, printable
from .. import token_css as base
from ..colours import page_css
from ..token_css import Invalid, shown_value, writing_colours

SIMPLE_TYPES = ("color", "dimension", "fontFamily", "fontWeight", "duration", "cubicBezier",
                "number")
# Not in the spec, but written by real systems (Spectrum's font styles; Terrazzo reads it).
EXTRA_TYPES = ("string",)
COMPOSITE_TYPES = ("strokeStyle", "border", "transition", "shadow", "gradient", "typography")
SUPPORTED_TYPES = SIMPLE_TYPES + COMPOSITE_TYPES + EXTRA_TYPES
# The types whose values hold colours, written again for each target (tokens/targets.py).
COLOUR_TYPES = frozenset({"color", "border", "shadow", "gradient"})
# Each ends a CSS string, a declaration, a rule or the <style> element.
_BREAKERS = frozenset('"\'\\;{}<>')
STROKE_STYLES = ("solid", "dashed", "dotted", "double", "groove", "ridge", "outset", "inset")
LINE_CAPS = ("round", "butt", "square")

Converted = tuple[str, dict[str, str]]


def to_css(token_type: str, value: Any, path: str, location: Location,
           colour: Callable[[Color], str] = page_css) -> Converted:
    """Return `value` of `token_type` as CSS and its properties, or raise TokenError.

    `colour` writes each colour in it: `page_css` (the default) for pages, or a target's own
    writer (`srgb_hex`, an email's blend onto its background).
    """
    convert = _CONVERTERS.get(token_type)
    if convert is None:
        raise TokenError(
            f"unsupported $type '{printable(token_type)}' for '{printable(path)}'", location,
            type_hint(token_type))
    try:
        with writing_colours(colour):
            return convert(value)
    except Invalid as error:
        raise TokenError(f"invalid {token_type} value {shown_value(value)} for "
                         f"'{printable(path)}': {error}", location, error.hint) from error


def unsupported_type(token_type: Any) -> str | None:
    """Return why `token_type` cannot be a `$type`, or None if it can."""
    if not isinstance(token_type, str):
        return f"$type must be a string, not {shown_value(token_type)}"
    if token_type not in SUPPORTED_TYPES:
        return f"unsupported $type '{printable(token_type)}'"
    return None


def type_hint(token_type: Any) -> str:
    """Say what to write instead of a bad `$type`."""
    close = did_you_mean(token_type, SUPPORTED_TYPES) if isinstance(token_type, str) else None
    return close or f"use one of {', '.join(SUPPORTED_TYPES)}"


def _simple(convert: Callable[[Any], str]) -> Callable[[Any], Converted]:
    return lambda value: (convert(value), {})


def _fields(value: Any, kind: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
            ) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Invalid(f"expected a {kind} object with {', '.join(required)}")
    missing = [key for key in required if key not in value]
    if missing:
        raise Invalid(f"the {kind} lacks {', '.join(missing)}",
                      f"add {', '.join(missing)} (a {kind} has {', '.join(required + optional)})")
    unknown = [key for key in value if key not in required + optional]
    if unknown:
        close = did_you_mean(unknown[0], required + optional)
        raise Invalid(f"the {kind} has no field {shown_value(unknown[0])}",
                      close or f"a {kind} has {', '.join(required + optional)}")
    return value


def _field(kind: str, name: str, convert: Callable[[Any], str], value: Any) -> str:
    try:
        return convert(value)
    except Invalid as error:
        raise Invalid(f"{kind} {name}: {error}", error.hint) from error


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("expected a non-empty string")
    bad = next((ch for ch in value if ch in _BREAKERS or not ch.isprintable()), None)
    if bad is not None:
        raise Invalid(f"the string holds {shown_value(bad)}, which CSS cannot take as written",
                      "write a CSS keyword such as italic")
    return value


def _cubic_bezier(value: Any) -> str:
    if not isinstance(value, list) or len(value) != 4:
        raise Invalid("expected four numbers [x1, y1, x2, y2]")
    numbers = [base.number_css(n) for n in value]
    if not (0 <= value[0] <= 1 and 0 <= value[2] <= 1):
        raise Invalid("the x coordinates (first and third) must lie in 0-1")
    return f"cubic-bezier({', '.join(numbers)})"


def _stroke_style(value: Any) -> str:
    if isinstance(value, str):
        if value not in STROKE_STYLES:
            raise Invalid(f"unknown stroke style {shown_value(value)}",
                          did_you_mean(value, STROKE_STYLES)
                          or f"use one of {', '.join(STROKE_STYLES)}")
        return value
    fields = _fields(value, "strokeStyle", ("dashArray", "lineCap"))
    dashes = fields["dashArray"]
    if not isinstance(dashes, list) or not dashes:
        raise Invalid("expected dashArray to be a list of dimensions")
    for dash in dashes:
        _field("strokeStyle", "dashArray", base.dimension_css, dash)
    if fields["lineCap"] not in LINE_CAPS:
        raise Invalid(f"unknown lineCap {shown_value(fields['lineCap'])}",
                      f"use one of {', '.join(LINE_CAPS)}")
    # CSS borders take no dash pattern: "dashed" is the closest (the spec's own fallback).
    return "dashed"


def _border(value: Any) -> Converted:
    fields = _fields(value, "border", ("color", "width", "style"))
    width = _field("border", "width", base.dimension_css, fields["width"])
    style = _field("border", "style", _stroke_style, fields["style"])
    color = _field("border", "color", base.color_css, fields["color"])
    return f"{width} {style} {color}", {
        "border-width": width, "border-style": style, "border-color": color}


def _transition(value: Any) -> Converted:
    # The spec requires a delay; real exports (Primer's) leave it out, meaning none.
    fields = _fields(value, "transition", ("duration", "timingFunction"), ("delay",))
    duration = _field("transition", "duration", base.duration_css, fields["duration"])
    timing = _field("transition", "timingFunction", _cubic_bezier, fields["timingFunction"])
    properties = {"transition-duration": duration, "transition-timing-function": timing}
    if "delay" not in fields:
        return f"{duration} {timing}", properties
    delay = properties["transition-delay"] = _field("transition", "delay", base.duration_css,
                                                    fields["delay"])
    return f"{duration} {timing} {delay}", properties


def _shadow(value: Any) -> Converted:
    shadows = value if isinstance(value, list) else [value]
    if not shadows:
        raise Invalid("expected a shadow object or a list of them")
    css = ", ".join(_one_shadow(shadow) for shadow in shadows)
    return css, {"box-shadow": css}


def _one_shadow(value: Any) -> str:
    fields = _fields(value, "shadow", ("color", "offsetX", "offsetY", "blur", "spread"),
                     ("inset",))
    if not isinstance(fields.get("inset", False), bool):
        raise Invalid("expected inset to be true or false")
    parts = [_field("shadow", key, base.dimension_css, fields[key])
             for key in ("offsetX", "offsetY", "blur", "spread")]
    shadow = " ".join([*parts, _field("shadow", "color", base.color_css, fields["color"])])
    return f"inset {shadow}" if fields.get("inset") else shadow


def _gradient(value: Any) -> Converted:
    if not isinstance(value, list) or not value:
        raise Invalid("expected a list of stops such as {\"color\": ..., \"position\": 0}")
    stops = []
    for stop in value:
        fields = _fields(stop, "gradient stop", ("color", "position"))
        color = _field("gradient stop", "color", base.color_css, fields["color"])
        base.number_css(fields["position"])
        # The spec clamps positions to 0-1.
        position = min(max(float(fields["position"]), 0.0), 1.0) * 100
        stops.append(f"{color} {base.number_css(round(position, 4))}%")
    css = f"linear-gradient({', '.join(stops)})"
    return css, {"background-image": css}


def _line_height(value: Any) -> str:
    # A number in 2025.10; older files (and Tokens Studio) write a dimension.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return base.number_css(value)
    return base.dimension_css(value)


def _typography(value: Any) -> Converted:
    # The spec requires all five; real exports (Primer's) leave out letterSpacing and
    # lineHeight, meaning normal. The `font` shorthand cannot do without the other three.
    fields = _fields(value, "typography", ("fontFamily", "fontSize", "fontWeight"),
                     ("lineHeight", "letterSpacing"))
    family = _field("typography", "fontFamily", base.font_family_css, fields["fontFamily"])
    size = _field("typography", "fontSize", base.dimension_css, fields["fontSize"])
    weight = _field("typography", "fontWeight", base.font_weight_css, fields["fontWeight"])
    properties = {"font-family": family, "font-size": size, "font-weight": weight}
    if "lineHeight" in fields:
        properties["line-height"] = _field("typography", "lineHeight", _line_height,
                                           fields["lineHeight"])
    if "letterSpacing" in fields:
        properties["letter-spacing"] = _field("typography", "letterSpacing", base.dimension_css,
                                              fields["letterSpacing"])
    line = f"/{properties['line-height']}" if "line-height" in properties else ""
    return f"{weight} {size}{line} {family}", properties


_CONVERTERS: dict[str, Callable[[Any], Converted]] = {
    "color": _simple(base.color_css),
    "dimension": _simple(base.dimension_css),
    "duration": _simple(base.duration_css),
    "fontFamily": _simple(base.font_family_css),
    "fontWeight": _simple(base.font_weight_css),
    "number": _simple(base.number_css),
    "cubicBezier": _simple(_cubic_bezier),
    "strokeStyle": _simple(_stroke_style),
    "string": _simple(_string),
    "border": _border,
    "transition": _transition,
    "shadow": _shadow,
    "gradient": _gradient,
    "typography": _typography,
}
