"""The one TOML key-to-line mapper: every key path tomllib reads, at the line that writes it."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from typing import Any

import pytest

from auth0_branding.brand.toml_lines import key_line, nearest_line

log = logging.getLogger(__name__)

DOCUMENT = r'''# a comment with [brackets] and = signs
name = "Acme" # [not.a.table]
[tenants."dev\nx"]
domain = "dev.example.com"
"quoted.key" = 1
dotted.key.x = { a = 1, b = { c = [1, { d = 2 }] } }
text = """
[fake.header]
fake = 1
\""" still inside """"
list = [
  "a", # ]
  "[not a header]",
]
after = true
[[aot]]
x = 1
[aot.sub]
y = 2
[[aot]]
x = 2
[[aot.list]]
z = 3
[ spaced . "table" ] # spaces around the names
literal = 'C:\no\escapes'
'''

LINES: list[tuple[tuple[Any, ...], int]] = [
    (("name",), 2),
    (("tenants",), 3),
    (("tenants", "dev\nx"), 3),
    (("tenants", "dev\nx", "domain"), 4),
    (("tenants", "dev\nx", "quoted.key"), 5),
    (("tenants", "dev\nx", "dotted", "key", "x"), 6),
    (("tenants", "dev\nx", "dotted", "key", "x", "b", "c", 1, "d"), 6),
    (("tenants", "dev\nx", "text"), 7),
    (("tenants", "dev\nx", "list"), 11),
    (("tenants", "dev\nx", "after"), 15),
    (("aot", 0), 16),
    (("aot", 0, "x"), 17),
    (("aot", 0, "sub", "y"), 19),
    (("aot", 1, "x"), 21),
    (("aot", 1, "list", 0, "z"), 23),
    (("spaced", "table"), 24),
    (("spaced", "table", "literal"), 25),
]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(
        node, list) else ()
    for key, value in items:
        found.append((*prefix, key))
        found.extend(_paths(value, (*prefix, key)))
    return found


@pytest.mark.parametrize(("keys", "line"), LINES, ids=[".".join(map(str, k)) for k, _ in LINES])
def test_each_key_is_found_at_the_line_that_writes_it(keys: tuple[Any, ...], line: int) -> None:
    assert key_line(DOCUMENT, keys) == line


def test_every_key_tomllib_reads_has_a_line_and_no_fake_key_does() -> None:
    data = tomllib.loads(DOCUMENT)

    assert all(key_line(DOCUMENT, path) for path in _paths(data))
    assert key_line(DOCUMENT, ("fake",)) is None
    assert key_line(DOCUMENT, ("not",)) is None


def test_a_missing_key_is_placed_at_its_closest_written_table() -> None:
    assert key_line(DOCUMENT, ("tenants", "dev\nx", "manage")) is None
    assert nearest_line(DOCUMENT, ("tenants", "dev\nx", "manage")) == 3
    assert nearest_line(DOCUMENT, ("aot", 1, "nothing", "here")) == 20
    assert nearest_line(DOCUMENT, ("nowhere",)) is None


def test_lines_are_counted_as_toml_counts_them() -> None:
    # A line separator inside a string is not a line break to TOML, nor to the mapper.
    text = 'a = "one\u2028two"\r\nb = 2\r\n'

    assert (key_line(text, ("a",)), key_line(text, ("b",))) == (1, 2)


def test_the_first_statement_writing_a_table_is_its_line() -> None:
    text = "[theme.colors]\nprimary = 1\n[theme]\nextra = 2\n"

    assert key_line(text, ("theme",)) == 1
    assert key_line(text, ("theme", "extra")) == 4


def test_every_key_of_every_toml_file_here_maps_to_a_line_that_names_it() -> None:
    root = Path(__file__).parent.parent
    files = sorted({*root.glob("brand/*.toml"), *root.glob("tests/fixtures/**/*.toml")})
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        for keys in _paths(tomllib.loads(text)):
            line = key_line(text, keys)
            assert line, (path, keys)
            name = next(str(k) for k in reversed(keys) if isinstance(k, str))
            assert name.split(".")[0] in lines[line - 1], (path, keys, line)
