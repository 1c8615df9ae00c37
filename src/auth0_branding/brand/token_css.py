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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from coloraide import Color

from .colours import ColourError, page_css, parse_colour

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


@contextmanager
def writing_colours(colour: Callable[[Color], str]) -> Iterator[None]:
    """Write every colour converted inside the block with `colour` (a target's writer)."""
    reset = _COLOUR_WRITER.set(colour)
    try:
        yield
    finally:
        _COLOUR_WRITER.reset(reset)


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
            if unit == "" and value["value"] == 0:  # a bare zero, as Carbon writes it
                return "0"
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
    # A string may hold a CSS list ("Times New Roman, serif", Primer's "'Mona Sans', serif"):
    # each name in it is a family of its own.
    return ", ".join(_font_name(_unquoted(part.strip())) for name in names
                     for part in (name.split(",") if isinstance(name, str) else [name]))


def _unquoted(name: str) -> str:
    # CSS quotes a name in a list ("'IBM Plex Mono', monospace"): the name is what is inside.
    if len(name) > 1 and name[0] == name[-1] and name[0] in "'\"":
        return name[1:-1]
    return name


def _font_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise _Invalid("expected each font name to be a non-empty string")
    bad = next((ch for ch in name if ch in _FONT_NAME_BREAKERS or not ch.isprintable()), None)
    if bad is not None:
        why = ("would break out of the CSS string" if bad in _FONT_NAME_BREAKERS
               else "is a control or unpaired character")
        raise _Invalid(f"the font name holds {shown_value(bad)}, which {why}",
                       "remove it: font names are letters, digits, spaces, - and _")
    # Quoted as Style Dictionary quotes them; no name can hold a quote (refused above).
    return name if _IDENTIFIER.fullmatch(name) else f"'{name}'"


def _font_weight(value: Any) -> str:
    if isinstance(value, bool):  # JSON's true is no weight (Python would take it for 1)
        raise _Invalid("expected 1-1000 or a weight name, not true or false")
    if isinstance(value, str):
        if value not in _FONT_WEIGHTS:
            raise _Invalid("expected 1-1000 or a weight name such as bold")
        return str(_FONT_WEIGHTS[value])
    text = _number(value)
    if not 1 <= value <= 1000:
        raise _Invalid("expected 1-1000 or a weight name")
    return text


# The names the token types (tokens/types.py) convert with; colours have this one door.
Invalid = _Invalid
color_css = _color
dimension_css = _dimension
duration_css = _length(DURATION_UNITS)
number_css = _number
font_family_css = _font_family
font_weight_css = _font_weight
