"""Check colour contrast against WCAG 2.2 AA: the theme's pairs and the emails' declared ones.

Text needs 4.5:1 and user-interface components 3:1 (WCAG 2.2, 1.4.3 and 1.4.11). The
ratio is WCAG's (coloraide's `wcag21` method, unchanged in 2.2), measured on what ships: a
translucent foreground is first blended onto its background, as a reader sees it. Below
AA is a warning, not an error: a brand may knowingly keep a decorative pair. It names the
token the colour came from, at its file and line, since that is what a designer changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from coloraide import Color

from ..auth0.theme import CONTRAST_PAIRS
from ..brand.colours import WHITE, ColourError, contrast, opaque, parse_colour
from ..brand.sourcemap import toml_location
from ..brand.tokens import Tokens, alias_path
from ..errors import Location, Problem
from .registry import Subject, check

# WCAG 2.2 AA minimum ratios.
MINIMUM = {"text": 4.5, "component": 3.0}
_WHAT = {"text": "text", "component": "user-interface components"}


def ratio_text(ratio: float) -> str:
    """Show a ratio as WCAG readers do, `4.49:1`, never rounded up past a threshold."""
    return f"{math.floor(ratio * 100) / 100:.2f}:1"


def _problem(kind: str, ratio: float, foreground: str, background: str,
             where: Location | None) -> Problem:
    need = MINIMUM[kind]
    return Problem("warning", "contrast",
                   f"{foreground} on {background}: contrast {ratio_text(ratio)} is below "
                   f"WCAG 2.2 AA for {_WHAT[kind]}, {need:g}:1 (darken or lighten one of them)",
                   where)


@check("contrast", kinds=("theme",))
def _theme_contrast(subject: Subject) -> Iterator[Problem]:
    """Check the pairs Universal Login draws from the theme, on the colours that ship."""
    data = subject.data if isinstance(subject.data, Mapping) else {}
    colours: Mapping[str, Any] = data.get("colors") or {}
    if not isinstance(colours, Mapping):
        return
    origins = {key: (path, location) for key, path, location in subject.artifact.origins}
    brand_toml = subject.artifact.sources[0] if subject.artifact.sources else subject.artifact.path
    page_background = data.get("page_background")
    page = _text(page_background.get("background_color")
                 if isinstance(page_background, Mapping) else None)
    # What shows through a translucent background: the page under the widget, the widget
    # under everything drawn on it.
    widget = _text(colours.get("widget_background"))
    for foreground, background, kind in CONTRAST_PAIRS:
        under = (page,) if background == "widget_background" else (widget, page)
        ratio = _ratio(_text(colours.get(foreground)), _text(colours.get(background)), under)
        if ratio is None or ratio >= MINIMUM[kind]:
            # None: absent (optional) or not a colour, which the settings checks report.
            continue
        where = origins.get(f"colors.{foreground}")
        yield _problem(kind, ratio, _named(foreground, where),
                       _named(background, origins.get(f"colors.{background}")),
                       where[1] if where else toml_location(brand_toml, f"theme.colors.{foreground}"))


def _named(field: str, origin: tuple[str, Location] | None) -> str:
    return f"theme colors.{field}" + (f" ({{{origin[0]}}})" if origin is not None else "")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@lru_cache(maxsize=1024)  # a fleet's themes share their colours
def _ratio(foreground: str | None, background: str | None,
           under: tuple[str | None, ...]) -> float | None:
    """Return the ratio of `foreground` on `background` laid over `under` (innermost first,
    white where absent), None unless both are colours."""
    fore, back = _colour(foreground), _colour(background)
    if fore is None or back is None:
        return None
    base = WHITE
    for layer in reversed(under):
        base = opaque(_colour(layer) or WHITE, base)
    return contrast(fore, opaque(back, base))


def _colour(value: str | None) -> Color | None:
    try:
        return parse_colour(value) if value is not None else None
    except ColourError:
        return None


def check_email_contrast(colours: Mapping[str, Any], tokens: Mapping[str, Tokens],
                         brand_toml: str) -> list[Problem]:
    """Check the emails' [colours] pairs with each tenant's tokens (a tenant may override)."""
    problems: list[Problem] = []
    for kind, key in (("text", "email_text"), ("component", "email_components")):
        for index, pair in enumerate(colours.get(key, ())):
            for tenant_tokens in tokens.values():
                problem = _email_pair(kind, pair, tenant_tokens,
                                      toml_location(brand_toml, f"colours.{key}"), index)
                if problem is not None:
                    problems.append(problem)
    return problems


def _email_pair(kind: str, pair: list[str], tokens: Tokens, where: Location,
                index: int) -> Problem | None:
    found = []
    for alias in pair:
        path = alias_path(alias)
        token = tokens.by_path.get(path) if path else None
        if token is None or token.type != "color":
            why = "is not a token" if token is None else f"is a {token.type} token"
            return Problem("error", "contrast-pair",
                           f"{alias} in pair {index + 1} of colours.email_{_KEY[kind]} {why}; "
                           "name a colour token", where)
        found.append(token)
    fore, back = found
    ratio = tokens.derived(("contrast", fore.path, back.path),
                           lambda: contrast(parse_colour(fore.value), parse_colour(back.value)))
    if ratio >= MINIMUM[kind]:
        return None
    return _problem(kind, ratio, f"email {_LABEL[kind]} {{{fore.path}}}",
                    f"{{{back.path}}}", fore.location)


_KEY = {"text": "text", "component": "components"}
_LABEL = {"text": "text", "component": "component"}
