"""The Liquid of a text without its literal text: all that parsing it reads.

A fleet's tenants share templates, so their outputs differ in literal text (a company name,
a colour inside an inline style) and not in their Liquid. Parsing and analysing each
output's Liquid again per tenant is most of what the checks cost. The skeleton keeps every
tag, output, raw block and comment exactly where its line puts it, and shrinks each run of
literal text between them to what the parser can tell of it: its line breaks, and whether it
holds anything but whitespace. Texts whose Liquid is the same have the same skeleton, so
they are parsed and analysed once; positions map back to the text's own.

Why this is exact for python-liquid 2: its lexer cuts a text into literal runs and markup
with one regular expression (`liquid.lex`), and its parser reads a literal run's value only
to hold it (a text node) and, between `{% case %}` and the first `when`, to compare it with
a tag name. A run can hold `{{` or `{%` only at its start, where the lexer reports a broken
output or tag; so a run is replaced only when it holds neither (a stylesheet's braces are
fine) and is not a bare word (it cannot equal a tag name), and its
replacement keeps its line breaks and its being blank or not, which decides whether
whitespace control drops it. What parses in the skeleton parses in the text, with the same
tags, outputs, variables and filters at the mapped positions; an error is always reported
from the text itself.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from liquid.lex import compile_liquid_rules
from liquid.token import TOKEN_CONTENT

_RULES = compile_liquid_rules()
# Blank runs and bare words are kept as written: the first decide what whitespace control
# trims, the second could be a tag's name to the `case` tag.
_BARE_WORD = re.compile(r"\s*\w*\s*")


@dataclass(frozen=True)
class Skeleton:
    """A text's skeleton and the way back to the text's own offsets."""

    text: str
    # For each piece of the skeleton in order: where it starts there, and in the text.
    starts: tuple[int, ...]
    original_starts: tuple[int, ...]

    def original_index(self, index: int) -> int:
        """Return the offset in the text of the skeleton's offset `index`."""
        piece = bisect.bisect_right(self.starts, index) - 1
        if piece < 0:
            return index
        return self.original_starts[piece] + index - self.starts[piece]


# A text is asked for twice in a row (its syntax, its usage): the last few suffice, and
# each holds a whole output.
@lru_cache(maxsize=32)
def skeleton_of(text: str) -> Skeleton:
    """Return the skeleton of `text` (the text itself when nothing in it can be shrunk)."""
    pieces: list[str] = []
    starts: list[int] = []
    original_starts: list[int] = []
    length = 0
    end = 0
    for match in _RULES.finditer(text):
        if match.start() != end:  # the lexer skipped something: keep the text as it is
            return Skeleton(text, (0,), (0,))
        end = match.end()
        value = match.group()
        kept = match.lastgroup != TOKEN_CONTENT or "{{" in value or "{%" in value or bool(
            _BARE_WORD.fullmatch(value))
        if not kept:
            value = _literal_stand_in(value)
        # A piece kept as written right after another continues its span of the map.
        if kept and pieces and original_starts[-1] - starts[-1] == match.start() - length:
            pieces.append(value)
        else:
            starts.append(length)
            original_starts.append(match.start())
            pieces.append(value)
        length += len(value)
    if end != len(text):
        return Skeleton(text, (0,), (0,))
    return Skeleton("".join(pieces), tuple(starts), tuple(original_starts))


def _literal_stand_in(value: str) -> str:
    """Return what stands for a run of literal text that is not blank: a letter, its breaks."""
    return "x" + "\n" * value.count("\n")
