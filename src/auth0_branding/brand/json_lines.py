"""Parse one JSON source (design tokens, translations): values plus the line of every key.

The json module parses fast but keeps no positions, and it silently accepts what a source
file must not hold: a duplicate key (the last one wins), `NaN` and `Infinity`, and nesting
so deep that it raises RecursionError. One linear pass over the already validated text
(a regular-expression tokenizer, no recursion) records where each key is and refuses those
at their own line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import BrandError, Location, TokenError, printable

# Objects and arrays nested deeper than this are refused. DTCG groups nest a handful of
# levels (color.brand.primary, font.size.body), translation keys as many; 64 leaves room
# for any real naming scheme.
MAX_DEPTH = 64
# A CSS value has no use for longer numbers; Python refuses ints over 4,300 digits anyway.
MAX_NUMBER_LENGTH = 100

Path_ = tuple[str | int, ...]

_SCAN = re.compile(r"""
    (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<open>[{\[])
  | (?P<close>[}\]])
  | (?P<colon>:)
  | (?P<comma>,)
  | (?P<number>-?\d[\d.eE+-]*)
  | (?P<word>-?[A-Za-z]+)
""", re.VERBOSE)
_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")
_LITERALS = frozenset({"true", "false", "null"})


@dataclass(frozen=True)
class JsonKind:
    """What a JSON source holds: named in its errors, raised as its own kind of error."""

    name: str  # "tokens", "translations"
    error: type[BrandError]
    flatten_hint: str  # what to do about nesting past MAX_DEPTH


TOKENS = JsonKind("tokens", TokenError,
                  "flatten the groups: names such as color.brand.primary need only a few levels")


@dataclass(frozen=True)
class JsonDocument:
    """A parsed JSON source: its data, and the line of each key (array items by index)."""

    data: Any
    lines: Mapping[Path_, int]
    shown: str

    def at(self, path: Path_, default: int | None = None) -> Location:
        """Return the location of the key at `path`, else of `default`."""
        return Location(self.shown, self.lines.get(path, default))


def parse_json(text: str, shown: str, kind: JsonKind = TOKENS) -> JsonDocument:
    """Parse `text` (the file shown as `shown`), refusing what JSON would accept silently."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise kind.error(f"malformed {kind.name} JSON: {error.msg}",
                         Location(shown, error.lineno, error.colno),
                         "fix the JSON syntax") from error
    except (RecursionError, ValueError) as error:
        # Nested past the interpreter's limit, or an integer too long to convert: the text
        # up to that point is valid, so the scan below stops there at the right line.
        scan_json_keys(text, shown, kind)
        raise kind.error(f"the {kind.name} JSON cannot be read", Location(shown),
                         "simplify the file") from error
    return JsonDocument(data, scan_json_keys(text, shown, kind), shown)


def scan_json_keys(text: str, shown: str, kind: JsonKind = TOKENS) -> dict[Path_, int]:
    """Return the line of every key in `text`; raise `kind.error` at what JSON should refuse."""
    lines: dict[Path_, int] = {}
    # Each open container: [path, is_object, keys seen (object) or next index (array),
    # whether the next string is a key, the key whose value comes next].
    stack: list[list[Any]] = []
    line, last = 1, 0
    for match in _SCAN.finditer(text):
        start = match.start()
        line += text.count("\n", last, start)
        last = start
        token = match.lastgroup
        top = stack[-1] if stack else None
        if token == "string":
            raw = match.group()
            if "\\u0000" in raw and _NUL_ESCAPE.search(raw):
                raise kind.error("a string holds a NUL character (\\u0000)", Location(shown, line),
                                 "remove it: Auth0 and browsers treat NUL as the end of the text")
            if top is not None and top[1] and top[3]:
                key = raw[1:-1] if "\\" not in raw else json.loads(raw)
                if key in top[2]:
                    where = printable(".".join(str(p) for p in top[0])) or "the top level"
                    raise kind.error(
                        f"duplicate key '{printable(key)}' in {where} (first on line {top[2][key]})",
                        Location(shown, line),
                        "remove one of them: JSON would silently keep only the last")
                top[2][key] = line
                top[4] = key
                lines[(*top[0], key)] = line
            else:
                _item(top, lines, line)
        elif token == "open":
            if len(stack) >= MAX_DEPTH:
                raise kind.error(f"{kind.name} nested more than {MAX_DEPTH} levels deep",
                                 Location(shown, line), kind.flatten_hint)
            path = () if top is None else _child(top)
            _item(top, lines, line)
            is_object = match.group() == "{"
            stack.append([path, is_object, {} if is_object else 0, is_object, None])
        elif token == "close":
            stack.pop()
        elif token == "colon":
            if top is not None:
                top[3] = False
        elif token == "comma":
            if top is not None:
                if top[1]:
                    top[3] = True
                else:
                    top[2] += 1
        elif token == "number":
            if len(match.group()) > MAX_NUMBER_LENGTH:
                raise kind.error(f"a number longer than {MAX_NUMBER_LENGTH} characters",
                                 Location(shown, line), "write a number CSS can use")
        elif match.group() not in _LITERALS:
            raise kind.error(f"{match.group()} is not a finite JSON number",
                             Location(shown, line), "write a finite number")
    return lines


def _child(frame: list[Any]) -> Path_:
    return (*frame[0], frame[4] if frame[1] else frame[2])


def _item(frame: list[Any] | None, lines: dict[Path_, int], line: int) -> None:
    # Array items have no key: record where each string or container starts, by its index
    # (numbers need no line: no alias or key can be in one).
    if frame is not None and not frame[1]:
        lines[(*frame[0], frame[2])] = line
