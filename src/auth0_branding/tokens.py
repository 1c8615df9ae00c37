"""Design tokens in the W3C DTCG format: load, layer overrides, resolve aliases, emit Sass."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Location, TokenError, did_you_mean, display_path, line_of

log = logging.getLogger(__name__)

SUPPORTED_TYPES = ("color", "dimension", "fontFamily", "fontWeight", "shadow", "number", "duration")
_ALIAS = re.compile(r"^\{([^{}]+)\}$")
_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_FONT_WEIGHTS = {
    "thin": 100, "hairline": 100, "extra-light": 200, "ultra-light": 200, "light": 300,
    "normal": 400, "regular": 400, "book": 400, "medium": 500, "semi-bold": 600,
    "demi-bold": 600, "bold": 700, "extra-bold": 800, "ultra-bold": 800, "black": 900,
    "heavy": 900, "extra-black": 950, "ultra-black": 950,
}


@dataclass(frozen=True)
class RawToken:
    """A token as written in a file, before aliases are resolved."""

    path: str
    type: str | None
    value: Any
    description: str | None
    location: Location


@dataclass(frozen=True)
class Token:
    """A resolved token: its type and its value as a CSS literal."""

    path: str
    type: str
    css: str
    description: str | None
    location: Location

    @property
    def sass_name(self) -> str:
        return self.path.replace(".", "-")


class TokenGroup(dict[str, Any]):
    """Nested token values for templates; remembers its path for did-you-mean errors."""

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path


@dataclass(frozen=True)
class Tokens:
    """A resolved token set, in a stable order."""

    by_path: Mapping[str, Token]

    def css(self, path: str) -> str:
        return self.by_path[path].css

    def tree(self) -> TokenGroup:
        """Return the tokens as nested groups, for `[[ tokens.color.brand.primary ]]`."""
        root = TokenGroup()
        for path, token in self.by_path.items():
            group = root
            parts = path.split(".")
            for depth, part in enumerate(parts[:-1]):
                group = group.setdefault(part, TokenGroup(".".join(parts[: depth + 1])))
            group[parts[-1]] = token.css
        return root


# -- loading -----------------------------------------------------------------


def load_raw_tokens(paths: Iterable[Path]) -> dict[str, RawToken]:
    """Read DTCG token files into one flat table keyed by dotted path."""
    table: dict[str, RawToken] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        shown = display_path(path)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise TokenError(
                f"malformed tokens JSON: {error.msg}",
                Location(shown, error.lineno, error.colno),
                "fix the JSON syntax",
            ) from error
        if not isinstance(document, dict):
            raise TokenError(
                "a tokens file must hold a JSON object", Location(shown, 1),
                "wrap the groups in { }",
            )
        for token in _walk(document, [], None, text, shown):
            if token.path in table:
                first = table[token.path].location
                raise TokenError(
                    f"token '{token.path}' is defined twice (first at {first})",
                    token.location, "keep one definition",
                )
            table[token.path] = token
    return table


def _walk(
    group: Mapping[str, Any], parents: list[str], inherited_type: str | None, text: str, shown: str
) -> Iterable[RawToken]:
    group_type = group.get("$type", inherited_type)
    for key, node in group.items():
        if key.startswith("$"):
            continue
        path = [*parents, key]
        location = Location(shown, _line_of_path(text, path))
        if not isinstance(node, dict):
            raise TokenError(
                f"'{'.'.join(path)}' must be a group or a token object with $value",
                location, 'write {"$value": ...}',
            )
        if "$value" in node:
            yield RawToken(
                ".".join(path), node.get("$type", group_type), node["$value"],
                node.get("$description"), location,
            )
        else:
            yield from _walk(node, path, group_type, text, shown)


def _line_of_path(text: str, path: list[str]) -> int | None:
    # JSON keeps no positions; walk the keys in order, each after its parent's line.
    line: int | None = 1
    for part in path:
        found = line_of(text, f'"{part}"', line or 1)
        if found is None:
            return line
        line = found
    return line


# -- overrides and resolution -------------------------------------------------


def apply_overrides(
    raw: Mapping[str, RawToken], overrides: Mapping[str, Any], location: Location
) -> dict[str, RawToken]:
    """Layer per-tenant `{path: value}` overrides on the base tokens.

    TOML turns an unquoted dotted key (`color.primary = ...`) into nested tables, so a
    table that is not itself a token is read as a group of overrides.
    """
    layered = dict(raw)
    text = _text_of(location) if overrides else ""
    for path, value in _flatten_overrides(overrides, raw):
        # The tenant gives one location for all its overrides: errors belong on their own line.
        where = Location(location.path, line_of(text, path, location.line or 1) or location.line)
        if path not in raw:
            raise TokenError(
                f"override of unknown token '{path}'", where,
                did_you_mean(path, raw) or "override a token defined in brand/tokens/",
            )
        base = raw[path]
        layered[path] = RawToken(path, base.type, value, base.description, where)
    return layered


def _flatten_overrides(
    overrides: Mapping[str, Any], raw: Mapping[str, RawToken], prefix: str = ""
) -> Iterable[tuple[str, Any]]:
    for key, value in overrides.items():
        path = f"{prefix}{key}"
        if path not in raw and isinstance(value, Mapping) and value:
            yield from _flatten_overrides(value, raw, f"{path}.")
        else:
            yield path, value


def resolve_tokens(raw: Mapping[str, RawToken]) -> Tokens:
    """Resolve aliases (chained, across files) and render each token as a CSS literal."""
    resolved: dict[str, tuple[str, Any]] = {}

    def resolve(path: str, chain: tuple[str, ...], origin: RawToken) -> tuple[str, Any]:
        if path in resolved:
            return resolved[path]
        if path in chain:
            cycle = " -> ".join([*chain[chain.index(path):], path])
            raise TokenError(
                f"alias cycle: {cycle}", raw[chain[0]].location, "point one alias at a value"
            )
        if path not in raw:
            reference = "{" + path + "}"
            line = line_of(_text_of(origin.location), f'"{reference}"',
                           origin.location.line or 1) or origin.location.line
            raise TokenError(
                f"unknown token reference '{reference}' in '{origin.path}'",
                Location(origin.location.path, line),
                did_you_mean(path, raw) or "reference a defined token",
            )
        token = raw[path]
        value = _resolve_value(token.value, lambda ref: resolve(ref, (*chain, path), token))
        token_type = token.type or _aliased_type(token.value, resolved)
        if token_type is None:
            raise TokenError(
                f"token '{path}' has no $type", token.location,
                "add $type to it or to its group",
            )
        # Converted here, after whatever it aliases: a bad value is reported where it is
        # written (a tenant's override, say), not at the first alias that reaches it.
        css[path] = _to_css(token_type, value, token)
        resolved[path] = (token_type, value)
        return resolved[path]

    css: dict[str, str] = {}
    tokens: dict[str, Token] = {}
    for path in sorted(raw):
        token_type, _value = resolve(path, (), raw[path])
        tokens[path] = Token(path, token_type, css[path], raw[path].description,
                             raw[path].location)
    return Tokens(tokens)


def alias_path(value: Any) -> str | None:
    """Return the token path of an alias such as `"{color.brand.primary}"`, else None."""
    match = _ALIAS.match(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def _text_of(location: Location) -> str:
    try:
        return Path(location.path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _aliased_type(value: Any, resolved: Mapping[str, tuple[str, Any]]) -> str | None:
    path = alias_path(value)
    return resolved[path][0] if path else None


def _resolve_value(value: Any, resolve: Any) -> Any:
    if isinstance(value, str):
        path = alias_path(value)
        return resolve(path)[1] if path else value
    if isinstance(value, list):
        return [_resolve_value(item, resolve) for item in value]
    if isinstance(value, dict):
        return {key: _resolve_value(item, resolve) for key, item in value.items()}
    return value


# -- CSS literals ---------------------------------------------------------------


def _to_css(token_type: str, value: Any, token: RawToken) -> str:
    try:
        if token_type == "color":
            return _color(value)
        if token_type in ("dimension", "duration"):
            return _dimension(value)
        if token_type == "fontFamily":
            return _font_family(value)
        if token_type == "fontWeight":
            return _font_weight(value)
        if token_type == "shadow":
            shadows = value if isinstance(value, list) else [value]
            return ", ".join(_shadow(shadow) for shadow in shadows)
        if token_type == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError("expected a number")
            return _number(value)
    except (ValueError, TypeError, KeyError) as error:
        raise TokenError(
            f"invalid {token_type} value {json.dumps(value)} for '{token.path}': {error}",
            token.location, "see the DTCG format for this $type",
        ) from error
    raise TokenError(
        f"unsupported $type '{token_type}' for '{token.path}'", token.location,
        did_you_mean(token_type, SUPPORTED_TYPES) or f"use one of {', '.join(SUPPORTED_TYPES)}",
    )


def _color(value: Any) -> str:
    if isinstance(value, dict) and "hex" in value:
        value = value["hex"]
    if not isinstance(value, str) or not _HEX_COLOR.match(value):
        raise ValueError("expected a hex colour such as #1a2b3c")
    return value.lower()


def _dimension(value: Any) -> str:
    if isinstance(value, dict):
        return f"{_number(value['value'])}{value['unit']}"
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?(px|rem|em|%|ms|s)?", value):
        return value
    if isinstance(value, int | float) and value == 0:
        return "0"
    raise ValueError('expected {"value": 16, "unit": "px"} or "16px"')


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _font_family(value: Any) -> str:
    names = [value] if isinstance(value, str) else list(value)
    return ", ".join(f'"{name}"' if " " in name else name for name in names)


def _font_weight(value: Any) -> str:
    if isinstance(value, str):
        if value not in _FONT_WEIGHTS:
            raise ValueError("expected 1-1000 or a weight name such as bold")
        value = _FONT_WEIGHTS[value]
    if not 1 <= int(value) <= 1000:
        raise ValueError("expected 1-1000 or a weight name")
    return str(int(value))


def _shadow(value: Mapping[str, Any]) -> str:
    parts = [_dimension(value[key]) for key in ("offsetX", "offsetY", "blur", "spread")]
    shadow = " ".join([*parts, _color(value["color"])])
    return f"inset {shadow}" if value.get("inset") else shadow


# -- Sass output ------------------------------------------------------------------


def to_scss(tokens: Tokens, target: str) -> str:
    """Render tokens as Sass: literal variables for emails, CSS custom properties for pages.

    Every target also gets `$token-values`, a map of literals, because Sass colour
    functions cannot work on `var(--...)`.
    """
    lines = ["// Generated from design tokens; do not edit."]
    for token in tokens.by_path.values():
        value = f"var(--{token.sass_name})" if target == "page" else token.css
        lines.append(f"${token.sass_name}: {value};")
    lines.append("$token-values: (")
    lines.extend(f"  \"{t.sass_name}\": ({t.css})," for t in tokens.by_path.values())
    lines.append(");")
    lines.append("@function token($name) { @return map-get($token-values, $name); }")
    lines.append("@mixin token-custom-properties {")
    lines.extend(f"  --{t.sass_name}: {t.css};" for t in tokens.by_path.values())
    lines.append("}")
    return "\n".join(lines) + "\n"
