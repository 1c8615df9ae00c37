"""Tokens Studio's legacy format (`value`/`type`, no `$`), read as the DTCG values it means.

Tokens Studio's own types map onto DTCG ones; a unitless size is in pixels, as Tokens Studio
and its Style Dictionary transforms take it. A type with no CSS form (an asset, a
composition) is skipped with a warning rather than stopping the build.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...errors import Location, Problem, printable
from .names import kebab

_TYPES = {
    "color": "color", "dimension": "dimension", "sizing": "dimension", "spacing": "dimension",
    "borderRadius": "dimension", "borderWidth": "dimension", "fontSizes": "dimension",
    "letterSpacing": "dimension", "paragraphSpacing": "dimension",
    "fontFamilies": "fontFamily", "fontFamily": "fontFamily",
    "fontWeights": "fontWeight", "fontWeight": "fontWeight",
    "lineHeights": "number", "opacity": "number", "number": "number",
    "duration": "duration", "boxShadow": "shadow", "shadow": "shadow",
    "typography": "typography", "border": "border",
}
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_PERCENT = re.compile(r"(-?\d+(?:\.\d+)?)%")
_DIMENSION_FIELDS = {"fontSize", "letterSpacing", "paragraphSpacing", "width", "x", "y",
                     "blur", "spread"}


def is_studio_document(data: Mapping[str, Any]) -> bool:
    """Tell whether a file is in the legacy format: tokens with `value`, none with `$value`."""
    stack: list[Any] = [data]
    legacy = False
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "$value" in node:
                return False
            if "value" in node and "type" in node:
                legacy = True
                continue
            stack.extend(v for k, v in node.items() if not k.startswith("$"))
    return legacy


def from_studio(node: Mapping[str, Any], path: str, location: Location,
                group_type: str | None, problems: list[Problem]) -> tuple[str | None, Any]:
    """Return the DTCG type and value of a legacy token (type None: skip it)."""
    studio_type = node.get("type", group_type)
    token_type = _TYPES.get(studio_type) if isinstance(studio_type, str) else None
    if token_type is None:
        problems.append(Problem(
            "warning", "token-skipped",
            f"token '{printable(path)}' has Tokens Studio type "
            f"'{printable(str(studio_type))}', which has no CSS form: it is left out",
            location))
        return None, node.get("value")
    return token_type, _value(token_type, node.get("value"))


def _value(token_type: str, value: Any) -> Any:
    if token_type == "dimension":
        return _size(value)
    if token_type == "fontWeight" and isinstance(value, str):
        # Figma's style names ("ExtraBold", "Semi Bold") are the spec's names, cased.
        return int(value) if value.isdigit() else kebab(value)
    if token_type == "number" and isinstance(value, str):
        if (match := _PERCENT.fullmatch(value)) is not None:
            return float(match.group(1)) / 100
        if _PLAIN_NUMBER.fullmatch(value):
            return float(value) if "." in value else int(value)
    if token_type == "shadow":
        return [_shadow(v) for v in value] if isinstance(value, list) else _shadow(value)
    if token_type == "typography" and isinstance(value, dict):
        return {k: _size(v) if k in _DIMENSION_FIELDS else
                _value("fontWeight", v) if k == "fontWeight" else _line(k, v)
                for k, v in value.items() if k in _TYPOGRAPHY}
    if token_type == "border" and isinstance(value, dict):
        return {k: _size(v) if k == "width" else v for k, v in value.items()}
    return value


_TYPOGRAPHY = ("fontFamily", "fontWeight", "fontSize", "lineHeight", "letterSpacing")


def _line(key: str, value: Any) -> Any:
    # A line height in percent is a multiple of the font size, as DTCG's number is.
    if key == "lineHeight" and isinstance(value, str):
        if (match := _PERCENT.fullmatch(value)) is not None:
            return float(match.group(1)) / 100
        if _PLAIN_NUMBER.fullmatch(value):
            return float(value)
    return value


def _size(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"value": value, "unit": "px"}
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value):
        return {"value": float(value) if "." in value else int(value), "unit": "px"}
    return value


def _shadow(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    shadow = {"offsetX": _size(value.get("x", 0)), "offsetY": _size(value.get("y", 0)),
              "blur": _size(value.get("blur", 0)), "spread": _size(value.get("spread", 0)),
              "color": value.get("color")}
    if value.get("type") == "innerShadow":
        shadow["inset"] = True
    return shadow
