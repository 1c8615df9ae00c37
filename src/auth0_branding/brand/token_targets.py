"""Write resolved tokens for each target: the colours each one takes (docs/tokens.md, "Colour").

A token's own CSS (`Token.css`) is the page's, in the space its colours were written in.
Sass colour functions and older browsers need sRGB, and emails need opaque hex: these are
the same tokens written again with another colour writer.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial
from typing import TYPE_CHECKING

from coloraide import Color

from .colours import CSS_COLOR_4, email_hex, srgb_hex
from .token_css import COLOUR_TYPES, to_css

if TYPE_CHECKING:
    from .tokens import Token


def literals(tokens: Collection[Token], target: str, email_background: Color) -> dict[str, str]:
    """Return each token's literal for `target`: sRGB for pages, blended hex for emails."""
    # One writer object per call, so the colour strings it writes are cached for the call.
    writer = srgb_hex if target == "page" else partial(email_hex, background=email_background)
    return {t.path: retarget(t, writer) for t in tokens}


def retarget(token: Token, colour: Callable[[Color], str]) -> str:
    """Write `token` again with another colour writer; tokens without colours keep their CSS."""
    if token.value is None or token.type not in COLOUR_TYPES:
        return token.css
    return to_css(token.type, token.value, token.path, token.location, colour)


def wide_colours(tokens: Collection[Token], literal: dict[str, str]) -> list[str]:
    """Return the custom properties that take their own colour space where browsers read it.

    They follow the sRGB ones, so a browser without CSS Color 4 keeps those: a custom
    property's value is not checked when declared, so a plain second declaration would
    replace a usable colour with one the browser cannot draw.
    """
    wide = [t for t in tokens if t.css != literal[t.path]]
    if not wide:
        return []
    return [f"  @supports {CSS_COLOR_4} {{",
            *(f"    --{t.sass_name}: {t.css};" for t in wide), "  }"]
