"""Token names as CSS and Sass see them: Style Dictionary's kebab case (`--color-blue-dark`).

Style Dictionary names a custom property by splitting the token's path into words (at
`.`, at anything that is not a letter or digit, and where a lower-case letter or digit meets
an upper-case one), lower-casing them and joining them with `-`. The same name serves the
Sass variable, so `$color-blue-dark` and `var(--color-blue-dark)` always agree.
"""

from __future__ import annotations

import functools
import re

import regex

# Unicode classes as Style Dictionary's case library uses them (`\p{Ll}`, `\p{Lu}`, `\p{L}`).
_LOWER_UPPER = regex.compile(r"([\p{Ll}\d])(\p{Lu})")
_UPPER_UPPER = regex.compile(r"(\p{Lu})(\p{Lu}\p{Ll})")
_NOT_WORD = regex.compile(r"[^\p{L}\d]+")
_PLAIN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def kebab(path: str) -> str:
    """Return the kebab-case name of a dotted token path (`color.blueDark` -> `color-blue-dark`)."""
    # A `.` always separates words, so each name converts on its own (and once: names repeat).
    return "-".join(part for part in map(_kebab_name, path.split(".")) if part)


@functools.lru_cache(maxsize=65536)
def _kebab_name(name: str) -> str:
    if _PLAIN.fullmatch(name):  # already kebab case: most names
        return name
    text = _UPPER_UPPER.sub("\\1\0\\2", _LOWER_UPPER.sub("\\1\0\\2", name.strip()))
    words = [word for word in _NOT_WORD.split(text.replace("\0", " ")) if word]
    return "-".join(word.lower() for word in words)
