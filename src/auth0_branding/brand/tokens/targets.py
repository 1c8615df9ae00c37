"""Write resolved tokens for each target: the colours each one takes (docs/colour.md).

A token's own CSS (`Token.css`) is the page's, in the space its colours were written in.
Sass colour functions, older browsers and tokens.css's `:root` need sRGB, and emails need
opaque hex: these are the same tokens written again with another colour writer, composites
(borders, shadows, gradients) and their CSS properties with them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial

from coloraide import Color

from ..colours import email_hex, srgb_hex
from .model import Token, Tokens
from .types import COLOUR_TYPES, Converted, to_css


def written(tokens: Tokens, target: str, email_background: Color) -> dict[str, Converted]:
    """Return each token's CSS and properties for `target`: sRGB for pages, hex for emails."""
    def write() -> dict[str, Converted]:
        # One writer object per set, so the colour strings it writes are cached for the set.
        writer = (srgb_hex if target == "page"
                  else partial(email_hex, background=email_background))
        return {t.path: retarget(t, writer) for t in tokens.by_path.values()}
    return tokens.derived(("written", target, colour_key(email_background)), write)


def literals(tokens: Tokens, target: str, email_background: Color) -> dict[str, str]:
    """Return each token's literal for `target`: sRGB for pages, blended hex for emails."""
    return tokens.derived(("literals", target, colour_key(email_background)), lambda: {
        path: css for path, (css, _) in written(tokens, target, email_background).items()})


def colour_key(colour: Color) -> tuple[str, tuple[float, ...]]:
    """Return a colour exactly, as a key: its space, coordinates and alpha."""
    return colour.space(), tuple(colour[:])


def retarget(token: Token, colour: Callable[[Color], str]) -> Converted:
    """Write `token` again with another colour writer; tokens without colours keep their CSS."""
    if token.value is None or token.type not in COLOUR_TYPES:
        return token.css, dict(token.properties)
    return to_css(token.type, token.value, token.path, token.location, colour)


def wide(tokens: Collection[Token], literal: dict[str, str]) -> list[Token]:
    """Return the tokens whose own CSS is not their sRGB literal: the wide-gamut colours.

    Their custom properties take their own colour space under `@supports CSS_COLOR_4`, after
    the sRGB ones, so a browser without CSS Color 4 keeps those: a custom property's value is
    not checked when declared, so a plain second declaration would replace a usable colour
    with one the browser cannot draw.
    """
    return [t for t in tokens if t.css != literal[t.path]]
