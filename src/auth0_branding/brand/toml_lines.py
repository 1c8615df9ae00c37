"""Map a TOML key path to the line that writes it: the one home of TOML locations.

TOML parsers keep no positions, so the text is cut into statements (a table header, an array
of tables header, or one `key = value`, however many lines its value spans) by a scanner that
knows only where strings, comments and brackets begin and end. Each statement is then parsed
on its own with `tomllib`, which says exactly which keys it writes: quoted, escaped and dotted
keys, inline tables and arrays of tables are read by the parser itself, never by a pattern.
Keys inside a value that spans lines are placed on the line where the statement starts.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

Key = str | int  # an int is the index of an entry in an array of tables
_QUOTES = "\"'"


def key_line(text: str, keys: tuple[Key, ...]) -> int | None:
    """Return the line where `keys` (a table, a key, a key in an inline table) is written."""
    return _lines(text).get(tuple(keys))


def nearest_line(text: str, keys: tuple[Key, ...]) -> int | None:
    """Return the line of `keys`, else of its closest written ancestor: where to add it."""
    lines = _lines(text)
    for end in range(len(keys), 0, -1):
        line = lines.get(tuple(keys[:end]))
        if line is not None:
            return line
    return None


@lru_cache(maxsize=64)
def _lines(text: str) -> dict[tuple[Key, ...], int]:
    """Return the first line writing each key path of `text` (any path it opens, implicitly too)."""
    found: dict[tuple[Key, ...], int] = {}
    table: tuple[Key, ...] = ()
    arrays: dict[tuple[Key, ...], int] = {}  # an array of tables -> the index of its last entry
    for line, statement in _statements(text.removeprefix("\ufeff")):
        try:
            parsed = tomllib.loads(statement)
        except tomllib.TOMLDecodeError:  # the file as a whole was refused by its reader first
            continue
        if statement.startswith("["):
            names, is_array = _header(parsed)
            table = (*_resolve(names[:-1], arrays), *names[-1:])
            if is_array:
                arrays[table] = arrays.get(table, -1) + 1
                table = (*table, arrays[table])
            else:
                table = _resolve(names, arrays)
            _record(found, table, line)
        else:
            for path in _paths(parsed):
                _record(found, (*table, *path), line)
    return found


def _record(found: dict[tuple[Key, ...], int], path: tuple[Key, ...], line: int) -> None:
    for end in range(1, len(path) + 1):
        found.setdefault(path[:end], line)


def _resolve(names: tuple[str, ...], arrays: dict[tuple[Key, ...], int]) -> tuple[Key, ...]:
    # A header under an array of tables belongs to that array's latest entry.
    path: tuple[Key, ...] = ()
    for name in names:
        path = (*path, name)
        if path in arrays:
            path = (*path, arrays[path])
    return path


def _header(parsed: dict[str, Any]) -> tuple[tuple[str, ...], bool]:
    names: list[str] = []
    node: Any = parsed
    while isinstance(node, dict) and len(node) == 1:
        name, node = next(iter(node.items()))
        names.append(name)
    return tuple(names), isinstance(node, list)


def _paths(node: Any, prefix: tuple[Key, ...] = ()) -> Iterator[tuple[Key, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def _statements(text: str) -> Iterator[tuple[int, str]]:
    """Yield (first line, text) of each statement; TOML counts lines by "\\n" alone."""
    start, depth, quote = 0, 0, ""
    pending: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not pending and not quote and not depth:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            start = number
        pending.append(line)
        depth, quote = _scan(line, depth, quote)
        if not quote and depth <= 0:
            yield start, "\n".join(pending).strip()
            pending, depth = [], 0
    if pending:
        yield start, "\n".join(pending).strip()


def _scan(line: str, depth: int, quote: str) -> tuple[int, str]:
    """Return the bracket depth and the open multi-line string (if any) after `line`."""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:  # inside a multi-line string
            if char == "\\" and quote == '"""':
                index += 2
                continue
            if line.startswith(quote, index):
                index += len(quote)
                while index < len(line) and line[index] == quote[0]:
                    index += 1  # up to two quotes may end the content before the delimiter
                quote = ""
                continue
            index += 1
        elif char == "#":
            break
        elif char in _QUOTES:
            if line.startswith(char * 3, index):
                quote, index = char * 3, index + 3
                continue
            index = _string_end(line, index)
        else:
            depth += (char in "[{") - (char in "]}")
            index += 1
    return depth, quote


def _string_end(line: str, index: int) -> int:
    """Return the index after the one-line string opening at `index`."""
    quote, index = line[index], index + 1
    while index < len(line):
        if line[index] == "\\" and quote == '"':
            index += 2
        elif line[index] == quote:
            return index + 1
        else:
            index += 1
    return index
