"""Colours: read every form the DTCG 2025.10 format allows, write the form each target takes.

A colour token is parsed once into a coloraide `Color` (never by pattern matching) and then
written three ways:

- `page_css`: for pages. Colours in sRGB's own family (hex, rgb(), hsl(), hwb()) become hex;
  any other space is kept as browsers read it (`oklch(...)`, `color(display-p3 ...)`), and
  `srgb_hex` gives the fallback the page's custom properties carry for older browsers.
- `srgb_hex`: for Auth0's theme and branding colours, and for Sass: mapped into sRGB with the
  CSS Color 4 gamut-mapping algorithm (coloraide's `minde-chroma`: OKLCh chroma reduction,
  JND 0.02), then `#rrggbb`, or `#rrggbbaa` when it is translucent.
- `email_hex`: for emails. Outlook ignores rgba() and 8-digit hex, so alpha cannot reach an
  email as alpha: a translucent colour is blended onto the brand's declared email background
  and written as opaque `#rrggbb`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from coloraide import Color

from ..errors import did_you_mean

# DTCG colorSpace names (Color Module 2025.10) and coloraide's, with the factor each
# component is divided by: the DTCG writes HSL's saturation and lightness and HWB's
# whiteness and blackness as 0-100, coloraide as 0-1.
_SPACES: dict[str, tuple[str, tuple[float, float, float]]] = {
    "srgb": ("srgb", (1, 1, 1)),
    "srgb-linear": ("srgb-linear", (1, 1, 1)),
    "hsl": ("hsl", (1, 100, 100)),
    "hwb": ("hwb", (1, 100, 100)),
    "lab": ("lab", (1, 1, 1)),
    "lch": ("lch", (1, 1, 1)),
    "oklab": ("oklab", (1, 1, 1)),
    "oklch": ("oklch", (1, 1, 1)),
    "display-p3": ("display-p3", (1, 1, 1)),
    "a98-rgb": ("a98-rgb", (1, 1, 1)),
    "prophoto-rgb": ("prophoto-rgb", (1, 1, 1)),
    "rec2020": ("rec2020", (1, 1, 1)),
    "xyz-d65": ("xyz-d65", (1, 1, 1)),
    "xyz-d50": ("xyz-d50", (1, 1, 1)),
}
COLOUR_SPACES = tuple(_SPACES)
# Spaces of sRGB's own gamut: written as hex, which every browser and client reads.
_SRGB_FAMILY = frozenset({"srgb", "hsl", "hwb"})
_OBJECT_KEYS = ("colorSpace", "components", "alpha", "hex")
_GAMUT_MAP = "minde-chroma"  # the CSS Color 4 algorithm (see the module docstring)
WHITE = Color("srgb", [1, 1, 1])
# The feature query under which a page's custom properties take their colours' own spaces:
# the browsers that read oklch() (2023 on) read lab(), lch() and color() as well.
CSS_COLOR_4 = "(color: oklch(0 0 0))"
_EXAMPLE = 'write "#1a2b3c", "oklch(0.6 0.15 250)" or {"colorSpace": "srgb", "components": [0.1, 0.2, 0.3]}'


class ColourError(ValueError):
    """A value that is not a colour; `hint` says how to write one."""

    def __init__(self, reason: str, hint: str = _EXAMPLE) -> None:
        super().__init__(reason)
        self.hint = hint


def parse_colour(value: Any) -> Color:
    """Read a DTCG colour: the object form, or a CSS colour string (hex, rgb(), oklch(), ...)."""
    if isinstance(value, Mapping):
        return _from_object(value)
    if not isinstance(value, str):
        raise ColourError("expected a colour object or a CSS colour string")
    if not value or value != value.strip() or not value.isprintable():
        raise ColourError("the colour has spaces around it or control characters in it",
                          "write the colour alone, such as \"#1a2b3c\"")
    try:
        colour = Color(value)
    except ValueError as error:
        raise ColourError("not a colour CSS can read") from error
    if colour.space() not in _SPACES:
        raise ColourError(f"colour space '{colour.space()}' is not one the DTCG format allows",
                          f"use one of {', '.join(COLOUR_SPACES)}")
    return colour


def _from_object(value: Mapping[str, Any]) -> Color:
    unknown = next((key for key in value if key not in _OBJECT_KEYS), None)
    if unknown is not None:
        raise ColourError(f"unknown key '{unknown}' in the colour object",
                          did_you_mean(str(unknown), _OBJECT_KEYS)
                          or f"a colour object has {', '.join(_OBJECT_KEYS)}")
    if "colorSpace" not in value or "components" not in value:
        if "hex" in value:  # the fallback alone: the pre-2025 habit of some exporters
            return _from_hex(value["hex"], value.get("alpha"))
        missing = "colorSpace" if "colorSpace" not in value else "components"
        raise ColourError(f"the colour object lacks {missing}")
    space = value["colorSpace"]
    if space not in _SPACES:
        shown = space if isinstance(space, str) else repr(space)
        raise ColourError(f"unknown colorSpace '{shown}'",
                          (did_you_mean(space, COLOUR_SPACES) if isinstance(space, str) else None)
                          or f"use one of {', '.join(COLOUR_SPACES)}")
    name, scale = _SPACES[space]
    components = value["components"]
    if not isinstance(components, list) or len(components) != 3:
        raise ColourError(f"components of a {space} colour must be a list of 3 numbers or \"none\"",
                          'write e.g. "components": [0.1, 0.2, 0.3]')
    coords = [_component(item, factor) for item, factor in zip(components, scale, strict=True)]
    if "hex" in value:
        _from_hex(value["hex"], None)  # a fallback that is not a colour is still an error
    return Color(name, coords, _alpha(value.get("alpha", 1)))


def _from_hex(text: Any, alpha: Any | None) -> Color:
    if not isinstance(text, str) or not text.startswith("#"):
        raise ColourError(f"hex must be a string such as \"#1a2b3c\", not {text!r}")
    try:
        colour = Color(text)
    except ValueError as error:
        raise ColourError(f"hex {text!r} is not a hex colour", "write #rrggbb") from error
    # An explicit alpha wins over the hex's own: dropping it made translucent colours opaque.
    if alpha is not None:
        colour.set("alpha", _alpha(alpha))
    return colour


def _component(item: Any, factor: float) -> float:
    if item == "none":
        return math.nan  # coloraide's "none": powerless, 0 where a value is needed
    if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(item):
        raise ColourError(f"component {item!r} is not a number or \"none\"",
                          'write a number, or "none" for a powerless component')
    return item / factor


def _alpha(alpha: Any) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 <= alpha <= 1:
        raise ColourError(f"alpha must be a number from 0 to 1, not {alpha!r}",
                          "write e.g. 0.5 for half transparent, 1 for opaque")
    return float(alpha)


# -- writing ------------------------------------------------------------------------


def is_srgb(colour: Color) -> bool:
    """Tell whether `colour` is written in sRGB's family (hex, rgb(), hsl(), hwb())."""
    return colour.space() in _SRGB_FAMILY


def page_css(colour: Color) -> str:
    """Write `colour` for a page: hex for sRGB colours, else its own space as CSS reads it.

    An sRGB-family colour outside sRGB's gamut (components past 0-1) is gamut-mapped, as no
    wider space was asked for.
    """
    if is_srgb(colour):
        return srgb_hex(colour)
    # `none` stays `none`: CSS Color 4 browsers, the only ones reading these forms, take it.
    return colour.to_string(none=True)


def srgb_hex(colour: Color) -> str:
    """Write `colour` in sRGB, gamut-mapped, as #rrggbb (or #rrggbbaa when translucent)."""
    return _in_srgb(colour).to_string(hex=True)


def opaque(colour: Color, background: Color = WHITE) -> Color:
    """Return `colour` blended onto `background` (itself made opaque on white) in sRGB."""
    # Each is mapped into sRGB first: blending a colour outside it would mix in negative light.
    under = _in_srgb(background)
    if under.alpha() < 1:
        under = Color.layer([under, WHITE], space="srgb")
    return Color.layer([_in_srgb(colour), under], space="srgb")


def _in_srgb(colour: Color) -> Color:
    if colour.space() == "srgb" and colour.in_gamut("srgb"):
        return colour  # the common case, and a third of the time of converting
    return colour.convert("srgb").fit("srgb", method=_GAMUT_MAP)


def email_hex(colour: Color, background: Color = WHITE) -> str:
    """Write `colour` for an email: opaque #rrggbb, blended onto `background` if translucent."""
    if colour.alpha() >= 1:
        return _in_srgb(colour).to_string(hex=True)
    return opaque(colour, background).to_string(hex=True)


def contrast(foreground: Color, background: Color) -> float:
    """Return the WCAG 2.x contrast ratio of `foreground` drawn on `background`."""
    under = opaque(background)
    return opaque(foreground, under).contrast(under, method="wcag21")
