"""Resolve a settings table of brand.toml or tenants.toml: token references and build-time Jinja.

Branding, the theme and an organization's branding are tables of values Auth0 takes as they
are: `{token.path}` becomes the token's value (a colour as the hex Auth0 takes), a string
with Jinja is rendered with the tenant's context, and any colour a colour field holds is
written as Auth0's hex.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..auth0.theme import THEME_FIELDS
from ..brand.colours import ColourError, parse_colour, srgb_hex
from ..brand.sources import read_source
from ..brand.tokens import Tokens, alias_path
from ..brand.toml_lines import nearest_line
from ..errors import BrandError, Location, TemplateError, did_you_mean, display_path
from .templates import Renderer


def resolve_settings(
    settings: Mapping[str, Any], tokens: Tokens, renderer: Renderer, context: Mapping[str, Any],
    brand_toml: Path, table: tuple[str, ...], origins: list[tuple[str, str, Location]] | None = None,
) -> dict[str, Any]:
    """Resolve `{token.path}` aliases and build-time Jinja in a settings table.

    A colour token becomes the hex Auth0 takes (sRGB, `#rrggbbaa` when translucent), and
    `origins` collects each value that came from a token, under its key below `table`.
    """
    resolved: dict[str, Any] = {}
    for key, value in settings.items():
        if isinstance(value, Mapping):
            resolved[key] = resolve_settings(value, tokens, renderer, context, brand_toml,
                                              (*table, key), origins)
        elif not isinstance(value, str):
            resolved[key] = value
        elif (path := alias_path(value)) is not None:
            if path not in tokens.by_path:
                raise BrandError(f"unknown token reference '{value}' in '{'.'.join(table)}.{key}'",
                                 setting_location(brand_toml, (*table, key)),
                                 did_you_mean(path, tokens.by_path) or "reference a defined token")
            token = tokens.by_path[path]
            resolved[key] = (tokens.derived(("auth0-colour", path), lambda: srgb_hex(
                parse_colour(token.value))) if token.type == "color"  # noqa: B023 - called now
                and token.value is not None else token.css)
            if origins is not None:
                origins.append((".".join((*table, key)[1:]), path, token.location))
        else:
            resolved[key] = _render_setting(renderer, value, context, brand_toml, (*table, key))
            if _colour_field(table, key):
                resolved[key] = _auth0_colour(resolved[key])
    return resolved


def _colour_field(table: tuple[str, ...], key: str) -> bool:
    """Tell whether `key` of `table` is one of Auth0's colour fields (theme, branding, org)."""
    if table[:1] == ("theme",) and len(table) == 2:
        field_ = THEME_FIELDS.get(table[1], {}).get(key)
        return field_ is not None and field_.kind == "color"
    return table[-1:] == ("colors",)


@lru_cache(maxsize=1024)  # a fleet's settings share their colours
def _auth0_colour(value: str) -> str:
    # Any colour CSS reads becomes the hex Auth0 takes; what is not a colour stays as written,
    # for the settings checks to report at its line.
    try:
        return srgb_hex(parse_colour(value))
    except ColourError:
        return value


def _render_setting(renderer: Renderer, value: str, context: Mapping[str, Any],
                    brand_toml: Path, keys: tuple[str, ...]) -> str:
    try:
        return renderer.render_string(value, context, Location(display_path(brand_toml)))
    except TemplateError as error:
        raise TemplateError(error.message, setting_location(brand_toml, keys),
                            error.hint) from error


def setting_location(brand_toml: Path, keys: tuple[str, ...]) -> Location:
    """Return where the setting at `keys` is written in brand.toml."""
    text = read_source(brand_toml, brand_toml.parent, "config")
    return Location(display_path(brand_toml), nearest_line(text, keys))
