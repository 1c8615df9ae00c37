"""Turn a resolved token value into a CSS literal, validating it fully on the way.

What comes out goes verbatim into the generated `tokens.scss`, into page `<style>` blocks and
into inlined email `style` attributes, so a value is either a well-formed literal of its type
or refused here, at the token: Sass never sees an invalid generated file, and no value can
end a CSS string, a declaration or a rule.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from coloraide import Color

from ..errors import Location, TokenError, did_you_mean, printable
from .colours import ColourError, page_css, parse_colour

SUPPORTED_TYPES = ("color", "dimension", "fontFamily", "fontWeight", "shadow", "number", "duration")
# The types whose values hold colours, written again for each target.
COLOUR_TYPES = frozenset({"color", "shadow"})
DIMENSION_UNITS = ("px", "rem", "em", "%", "vw", "vh", "ch", "ex", "pt")
DURATION_UNITS = ("ms", "s")
# Larger magnitudes have no use in CSS, and Python would print them with an exponent.
MAX_MAGNITUDE = 1e15

_IDENTIFIER = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")
# Each of these ends a quoted CSS string, a declaration, a rule or the <style> element, or
# starts Liquid (`{{`): none belongs in a font's name.
_FONT_NAME_BREAKERS = frozenset('"\'\\;{}<>')
_FONT_WEIGHTS = {
    "thin": 100, "hairline": 100, "extra-light": 200, "ultra-light": 200, "light": 300,
    "normal": 400, "regular": 400, "book": 400, "medium": 500, "semi-bold": 600,
    "demi-bold": 600, "bold": 700, "extra-bold": 800, "ultra-bold": 800, "black": 900,
    "heavy": 900, "extra-black": 950, "ultra-black": 950,
}
_DEFAULT_HINT = "see the DTCG format for this $type"
# How the value being converted writes its colours (a page's CSS, an email's hex, ...). A
# context rather than a parameter, so every type holding colours (shadows, borders,
# gradients) writes them the same way without each converter passing it along.
_COLOUR_WRITER: ContextVar[Callable[[Color], str]] = ContextVar("colour_writer", default=page_css)


class _Invalid(ValueError):
    """A value that is not a literal of its type; the hint says how to write one."""

    def __init__(self, reason: str, hint: str = _DEFAULT_HINT) -> None:
        super().__init__(reason)
        self.hint = hint


def to_css(token_type: str, value: Any, path: str, location: Location,
           colour: Callable[[Color], str] = page_css) -> str:
    """Return `value` of `token_type` as a CSS literal, or raise TokenError at `location`.

    `colour` writes each colour in it: `page_css` (the default) for pages, or a target's own
    writer (`srgb_hex`, an email's blend onto its background).
    """
    convert = _CONVERTERS.get(token_type)
    if convert is None:
        raise TokenError(
            f"unsupported $type '{printable(token_type)}' for '{path}'", location,
            did_you_mean(token_type, SUPPORTED_TYPES) or f"use one of {', '.join(SUPPORTED_TYPES)}",
        )
    reset = _COLOUR_WRITER.set(colour)
    try:
        return convert(value)
    except _Invalid as error:
        raise TokenError(f"invalid {token_type} value {shown_value(value)} for '{path}': {error}",
                         location, error.hint) from error
    finally:
        _COLOUR_WRITER.reset(reset)


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


def shown_value(value: Any, limit: int = 60) -> str:
    """Show a value as JSON, shortened, for an error message."""
    text = json.dumps(value, default=str, ensure_ascii=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _color(value: Any) -> str:
    writer = _COLOUR_WRITER.get()
    try:
        if isinstance(value, str):  # aliases repeat their target's string: write it once
            return _written(writer, value)
        return writer(parse_colour(value))
    except ColourError as error:
        raise _Invalid(str(error), error.hint) from error


@lru_cache(maxsize=8192)
def _written(writer: Callable[[Color], str], value: str) -> str:
    return writer(parse_colour(value))


def _length(units: tuple[str, ...]) -> Callable[[Any], str]:
    pattern = re.compile(r"-?\d+(?:\.\d+)?(?:" + "|".join(map(re.escape, units)) + ")?")
    expected = f'expected {{"value": 16, "unit": "{units[0]}"}} or "16{units[0]}"'

    def convert(value: Any) -> str:
        if isinstance(value, dict):
            if set(value) - {"value", "unit"} or "value" not in value or "unit" not in value:
                raise _Invalid(expected)
            unit = value["unit"]
            if unit not in units:
                raise _Invalid(f"unknown unit {shown_value(unit)}",
                               f"use one of {', '.join(units)}")
            return f"{_number(value['value'])}{unit}"
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool) and value == 0:
            return "0"
        raise _Invalid(expected)

    return convert


_dimension = _length(DIMENSION_UNITS)


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid("expected a number")
    if not math.isfinite(value):
        raise _Invalid("expected a finite number", "write a number such as 16")
    if abs(value) >= MAX_MAGNITUDE:
        raise _Invalid("the number is out of range", "write a number CSS can use")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = repr(value)
    if "e" in text:  # tiny: CSS has no exponent notation before Level 3 parsers
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text


def _font_family(value: Any) -> str:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names:
        raise _Invalid('expected a font name or a list such as ["Inter", "sans-serif"]')
    return ", ".join(_font_name(name) for name in names)


def _font_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise _Invalid("expected each font name to be a non-empty string")
    bad = next((ch for ch in name if ch in _FONT_NAME_BREAKERS or not ch.isprintable()), None)
    if bad is not None:
        why = ("would break out of the CSS string" if bad in _FONT_NAME_BREAKERS
               else "is a control or unpaired character")
        raise _Invalid(f"the font name holds {shown_value(bad)}, which {why}",
                       "remove it: font names are letters, digits, spaces, - and _")
    return name if _IDENTIFIER.fullmatch(name) else f'"{name}"'


def _font_weight(value: Any) -> str:
    if isinstance(value, str):
        if value not in _FONT_WEIGHTS:
            raise _Invalid("expected 1-1000 or a weight name such as bold")
        return str(_FONT_WEIGHTS[value])
    text = _number(value)
    if not 1 <= value <= 1000:
        raise _Invalid("expected 1-1000 or a weight name")
    return text


def _shadow(value: Any) -> str:
    shadows = value if isinstance(value, list) else [value]
    if not shadows:
        raise _Invalid("expected a shadow object or a list of them")
    return ", ".join(_one_shadow(shadow) for shadow in shadows)


def _one_shadow(value: Any) -> str:
    keys = ("offsetX", "offsetY", "blur", "spread")
    if not isinstance(value, Mapping):
        raise _Invalid("expected a shadow object with color, offsetX, offsetY, blur, spread")
    missing = [key for key in (*keys, "color") if key not in value]
    if missing:
        raise _Invalid(f"the shadow lacks {', '.join(missing)}")
    if not isinstance(value.get("inset", False), bool):
        raise _Invalid("expected inset to be true or false")
    shadow = " ".join([*(_dimension(value[key]) for key in keys), _color(value["color"])])
    return f"inset {shadow}" if value.get("inset") else shadow


_CONVERTERS: dict[str, Callable[[Any], str]] = {
    "color": _color,
    "dimension": _dimension,
    "duration": _length(DURATION_UNITS),
    "fontFamily": _font_family,
    "fontWeight": _font_weight,
    "shadow": _shadow,
    "number": _number,
}
