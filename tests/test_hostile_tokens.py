"""Hostile and broken design tokens: each gets one exact line, and dist/ stays as it was."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import assert_refused, case

log = logging.getLogger(__name__)

TOKENS = "brand/tokens/base.tokens.json"
TENANTS = "brand/tenants.toml"
# The minimal brand's tokens, less the closing brace; `_extra` adds a group on line 12.
BASE = ('{\n  "color": {\n    "$type": "color",\n    "primary": { "$value": "#0055aa" },\n'
        '    "background": { "$value": "#ffffff" },\n    "text": { "$value": "{color.primary}" }\n'
        '  },\n  "size": {\n    "$type": "dimension",\n'
        '    "gap": { "$value": { "value": 16, "unit": "px" } }\n  }')
TYPE_HINT = "see the DTCG format for this $type"
COLOUR_HINT = ('write "#1a2b3c", "oklch(0.6 0.15 250)" or {"colorSpace": "srgb", '
               '"components": [0.1, 0.2, 0.3]}')
FONT_HINT = "remove it: font names are letters, digits, spaces, - and _"
NUL_HINT = "remove it: Auth0 and browsers treat NUL as the end of the text"


def _write(text: str | bytes, name: str = "base.tokens.json") -> Callable[[Path], None]:
    def mutate(brand: Path) -> None:
        path = brand / "tokens" / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return mutate


def _extra(group: str) -> Callable[[Path], None]:
    """Add `"extra": GROUP` to the tokens; its key is on line 12, GROUP's next line on 13."""
    return _write(f'{BASE},\n  "extra": {group}\n}}\n')


def _font(names: str) -> Callable[[Path], None]:
    """A fontFamily token `extra.body` (line 14) holding the JSON `names`."""
    return _extra('{\n    "$type": "fontFamily",\n    "body": { "$value": ' + names + ' }\n  }')


def _typed(token_type: str, value: str) -> Callable[[Path], None]:
    """A token `extra.x` (line 14) of `token_type` holding the JSON `value`."""
    return _extra('{\n    "$type": "' + token_type + '",\n    "x": { "$value": ' + value + ' }\n  }')


def _override(line: str) -> Callable[[Path], None]:
    """Give tenant prod one more token override, written on tenants.toml line 20."""
    def mutate(brand: Path) -> None:
        path = brand / "tenants.toml"
        text = path.read_text(encoding="utf-8")
        assert text.splitlines()[18] == '"color.primary" = "#004488"'
        path.write_text(text + line + "\n", encoding="utf-8")
    return mutate


def _symlink_out(brand: Path) -> None:
    outside = brand.parent / "elsewhere.tokens.json"
    outside.write_text('{"leak": {"$type": "color", "x": {"$value": "#000"}}}\n')
    (brand / "tokens/extra.tokens.json").symlink_to(outside)


def _folder_linked_out(brand: Path) -> None:
    (brand / "tokens").rename(brand.parent / "shared-tokens")
    (brand / "tokens").symlink_to(brand.parent / "shared-tokens")


def _folder(brand: Path) -> None:
    (brand / "tokens/x.tokens.json").mkdir()


def _fifo(brand: Path) -> None:
    os.mkfifo(brand / "tokens/pipe.tokens.json")


def _unreadable(brand: Path) -> None:
    (brand / "tokens/base.tokens.json").chmod(0)


def _unlistable_folder(brand: Path) -> None:
    (brand / "tokens").chmod(0o300)  # may be entered, not listed


def _oversized(brand: Path) -> None:
    with open(brand / "tokens/huge.tokens.json", "wb") as handle:
        handle.truncate(9 * 1024 * 1024)  # sparse: no 9 MiB written to the test disk


def _symlink_loop(brand: Path) -> None:
    (brand / "tokens/a.tokens.json").symlink_to("b.tokens.json")
    (brand / "tokens/b.tokens.json").symlink_to("a.tokens.json")


def _dangling(brand: Path) -> None:
    (brand / "tokens/gone.tokens.json").symlink_to("nowhere.json")


def _nested_groups(depth: int) -> Callable[[Path], None]:
    # One group per line, 1,000 deep, a token at the bottom.
    opening = "".join(f'{"  " * i}"g{i}": {{\n' for i in range(depth))
    text = '{\n  "$type": "color",\n' + opening + '"x": {"$value": "#fff"}' + "}" * (depth + 1)
    return _write(text + "\n")


def _chain(length: int, cycle: bool) -> Callable[[Path], None]:
    lines = [f'    "a{i}": {{ "$value": "{{extra.a{i + 1}}}" }},' for i in range(length - 1)]
    last = '{extra.a0}' if cycle else '#123456'
    lines.append(f'    "a{length - 1}": {{ "$value": "{last}" }}')
    return _extra('{\n    "$type": "color",\n' + "\n".join(lines) + "\n  }")


def _second_file(text: str) -> Callable[[Path], None]:
    return _write(text, "z.tokens.json")


CASES = [
    # -- the file itself, through the sandboxed reader
    case("symlink-out-of-the-brand", _symlink_out,
         "brand/tokens/extra.tokens.json: brand/tokens/extra.tokens.json lies outside the brand "
         "folder (keep every source inside the brand folder; copy the file in instead of "
         "linking to it)"),
    case("tokens-folder-linked-from-outside", _folder_linked_out,
         f"{TOKENS}: {TOKENS} lies outside the brand folder (keep every source inside the brand "
         "folder; copy the file in instead of linking to it)"),
    case("folder-named-like-a-token-file", _folder,
         "brand/tokens/x.tokens.json: expected a token file, found a folder (rename the folder, "
         "or move it out of the way)"),
    case("fifo-among-the-token-files", _fifo,
         "brand/tokens/pipe.tokens.json: not a regular file (a FIFO, socket or device): token "
         "sources must be plain files (replace it with a regular file)", subprocess=True),
    case("oversized", _oversized,
         "brand/tokens/huge.tokens.json: token file is 9.0 MiB, over the 8.0 MiB limit (split it, "
         "or remove generated or pasted content)"),
    case("symlink-loop", _symlink_loop,
         "brand/tokens/a.tokens.json: symlink loop at brand/tokens/a.tokens.json (point the "
         "symlink at a real file inside the brand folder)"),
    case("dangling-symlink", _dangling,
         "brand/tokens/gone.tokens.json: file not found: brand/tokens/gone.tokens.json (create "
         "it, or fix the name that points at it)"),
    case("empty-file", _write(""),
         f"{TOKENS}:1: malformed tokens JSON: Expecting value (fix the JSON syntax)"),
    case("not-utf-8", _write(BASE.encode() + b',\n  "extra": {\n    "\xff": 1 }\n}\n'),
         f"{TOKENS}:13: not valid UTF-8 (byte 0xff) (save the file as UTF-8)"),
    case("raw-nul-byte", _write(BASE.encode() + b',\n  "extra": {\n\n    "\x00": 1 }\n}\n'),
         f"{TOKENS}:14: contains a NUL byte ({NUL_HINT})"),
    case("unreadable", _unreadable,
         f"{TOKENS}: cannot read token file (permission denied) (make it readable by the user "
         "running the build)", drop_file_overrides=True),
    case("unlistable-folder", _unlistable_folder,
         "brand/tokens: cannot list the token folder (Permission denied) (make it readable by "
         "the user running the build)", drop_file_overrides=True),
    case("not-an-object", _write('[\n  {"color": {}}\n]\n'),
         f"{TOKENS}:1: a tokens file must hold a JSON object (wrap the groups in {{ }})"),
    # -- JSON that the json module accepts silently, or chokes on
    case("groups-nested-1000-deep", _nested_groups(1000),
         f"{TOKENS}:66: tokens nested more than 64 levels deep (flatten the groups: names such "
         "as color.brand.primary need only a few levels)"),
    case("json-nested-past-the-interpreter-limit",
         _extra('{\n    "$type": "number",\n    "x": { "$value": ' + "[" * 100_000 + "]" * 100_000
                + " }\n  }"),
         f"{TOKENS}:14: tokens nested more than 64 levels deep (flatten the groups: names such "
         "as color.brand.primary need only a few levels)"),
    case("duplicate-token", _extra('{\n    "$type": "color",\n    "x": { "$value": "#fff" },\n'
                                   '    "x": { "$value": "#000" }\n  }'),
         f"{TOKENS}:15: duplicate key 'x' in extra (first on line 14) (remove one of them: JSON "
         "would silently keep only the last)"),
    case("duplicate-token-under-check",
         _extra('{\n    "$type": "color",\n    "x": { "$value": "#fff" },\n'
                '    "x": { "$value": "#000" }\n  }'),
         f"{TOKENS}:15: build duplicate key 'x' in extra (first on line 14) (remove one of them: JSON "
         "would silently keep only the last)", args=("check", "--brand", "brand")),
    case("duplicate-key-forging-a-line",
         _extra('{\n    "$type": "color",\n    "x\\nERROR y": { "$value": "#fff" },\n'
                '    "x\\nERROR y": { "$value": "#000" }\n  }'),
         f"{TOKENS}:15: duplicate key 'x\\nERROR y' in extra (first on line 14) (remove one of "
         "them: JSON would silently keep only the last)"),
    case("duplicate-value-key", _extra('{\n    "$type": "color",\n    "x": { "$value": "#fff",\n'
                                       '           "$value": "#000" }\n  }'),
         f"{TOKENS}:15: duplicate key '$value' in extra.x (first on line 14) (remove one of them: "
         "JSON would silently keep only the last)"),
    case("duplicate-top-level-group", _write(BASE + ',\n  "color": {}\n}\n'),
         f"{TOKENS}:12: duplicate key 'color' in the top level (first on line 2) (remove one of "
         "them: JSON would silently keep only the last)"),
    case("nan", _typed("number", "NaN"),
         f"{TOKENS}:14: NaN is not a finite JSON number (write a finite number)"),
    case("infinity", _typed("dimension", '{ "value": Infinity, "unit": "px" }'),
         f"{TOKENS}:14: Infinity is not a finite JSON number (write a finite number)"),
    case("minus-infinity", _typed("number", "-Infinity"),
         f"{TOKENS}:14: -Infinity is not a finite JSON number (write a finite number)"),
    case("overflowing-float", _typed("dimension", '{ "value": 1e999, "unit": "px" }'),
         f"{TOKENS}:14: invalid dimension value {{\"value\": Infinity, \"unit\": \"px\"}} for "
         "'extra.x': expected a finite number (write a number such as 16)"),
    case("integer-too-long", _typed("number", "1" + "0" * 5000),
         f"{TOKENS}:14: a number longer than 100 characters (write a number CSS can use)"),
    case("colour-with-a-trailing-newline", _typed("color", '"#fff\\n"'),
         f"{TOKENS}:14: invalid color value \"#fff\\n\" for 'extra.x': the colour has spaces "
         "around it or control characters in it (write the colour alone, such as \"#1a2b3c\")"),
    case("nul-escape-in-a-value", _typed("color", '"#fff\\u0000"'),
         f"{TOKENS}:14: a string holds a NUL character (\\u0000) ({NUL_HINT})"),
    case("nul-escape-in-a-description",
         _extra('{\n    "$type": "color",\n    "x": { "$value": "#fff",\n'
                '      "$description": "a\\u0000b" }\n  }'),
         f"{TOKENS}:15: a string holds a NUL character (\\u0000) ({NUL_HINT})"),
    # -- font names that would break out of the CSS string or declaration
    case("font-with-a-double-quote", _font('["Inter\\"; } body { display: none"]'),
         f"{TOKENS}:14: invalid fontFamily value [\"Inter\\\"; }} body {{ display: none\"] for "
         f"'extra.body': the font name holds \"\\\"\", which would break out of the CSS string "
         f"({FONT_HINT})"),
    case("font-with-a-semicolon", _font('"Inter; color: red"'),
         f"{TOKENS}:14: invalid fontFamily value \"Inter; color: red\" for 'extra.body': the "
         f"font name holds \";\", which would break out of the CSS string ({FONT_HINT})"),
    case("font-with-an-opening-brace", _font('["Inter", "{{ user.name }}"]'),
         f"{TOKENS}:14: invalid fontFamily value [\"Inter\", \"{{{{ user.name }}}}\"] for "
         f"'extra.body': the font name holds \"{{\", which would break out of the CSS string "
         f"({FONT_HINT})"),
    case("font-with-a-closing-brace", _font('"Inter}"'),
         f"{TOKENS}:14: invalid fontFamily value \"Inter}}\" for 'extra.body': the font name "
         f"holds \"}}\", which would break out of the CSS string ({FONT_HINT})"),
    case("font-with-a-newline", _font('"Inter\\nSans"'),
         f"{TOKENS}:14: invalid fontFamily value \"Inter\\nSans\" for 'extra.body': the font "
         f"name holds \"\\n\", which is a control or unpaired character ({FONT_HINT})"),
    case("font-with-an-unpaired-surrogate", _font('"Inter\\ud800"'),
         f"{TOKENS}:14: invalid fontFamily value \"Inter\\ud800\" for 'extra.body': the font "
         f"name holds \"\\ud800\", which is a control or unpaired character ({FONT_HINT})"),
    case("font-with-a-backslash", _font('"Inter\\\\"'),
         f"{TOKENS}:14: invalid fontFamily value \"Inter\\\\\" for 'extra.body': the font name "
         f"holds \"\\\\\", which would break out of the CSS string ({FONT_HINT})"),
    case("font-closing-the-style-element", _font('"</style><script>x()</script>"'),
         f"{TOKENS}:14: invalid fontFamily value \"</style><script>x()</script>\" for "
         f"'extra.body': the font name holds \"<\", which would break out of the CSS string "
         f"({FONT_HINT})"),
    case("font-empty-list", _font("[]"),
         f"{TOKENS}:14: invalid fontFamily value [] for 'extra.body': expected a font name or a "
         f"list such as [\"Inter\", \"sans-serif\"] ({TYPE_HINT})"),
    # -- misplaced messages: at the $type, at the token
    case("bad-type-on-a-group", _extra('{\n    "$type": "colour",\n    "x": { "$value": "#fff" }\n  }'),
         f"{TOKENS}:13: unsupported $type 'colour' on group 'extra' (did you mean 'color'?)"),
    case("bad-type-on-a-token", _extra('{\n    "x": { "$value": "#fff",\n'
                                       '           "$type": "dimensions" }\n  }'),
         f"{TOKENS}:14: unsupported $type 'dimensions' on 'extra.x' (did you mean 'dimension'?)"),
    case("type-forging-a-line",
         _extra('{\n    "$type": "color\\nERROR x",\n    "x": { "$value": 1 }\n  }'),
         f"{TOKENS}:13: unsupported $type 'color\\nERROR x' on group 'extra' (use one of color, "
         "dimension, fontFamily, fontWeight, duration, cubicBezier, number, strokeStyle, border, "
         "transition, shadow, gradient, typography, string)"),
    case("type-not-a-string", _extra('{\n    "$type": {"name": "color"},\n    "x": { "$value": 1 }\n  }'),
         f"{TOKENS}:13: $type must be a string, not {{\"name\": \"color\"}} on group 'extra' (use "
         "one of color, dimension, fontFamily, fontWeight, duration, cubicBezier, number, "
         "strokeStyle, border, transition, shadow, gradient, typography, string)"),
    case("dimension-value-not-a-number", _typed("dimension", '{ "value": "abc", "unit": "px" }'),
         f"{TOKENS}:14: invalid dimension value {{\"value\": \"abc\", \"unit\": \"px\"}} for "
         f"'extra.x': expected a number ({TYPE_HINT})"),
    case("dimension-unknown-unit", _typed("dimension", '{ "value": 4, "unit": "furlong" }'),
         f"{TOKENS}:14: invalid dimension value {{\"value\": 4, \"unit\": \"furlong\"}} for "
         "'extra.x': unknown unit \"furlong\" (use one of px, rem, em, %, vw, vh, ch, ex, pt)"),
    case("dimension-unit-injecting-css", _typed("dimension", '{ "value": 4, "unit": "px; x: y" }'),
         f"{TOKENS}:14: invalid dimension value {{\"value\": 4, \"unit\": \"px; x: y\"}} for "
         "'extra.x': unknown unit \"px; x: y\" (use one of px, rem, em, %, vw, vh, ch, ex, pt)"),
    case("dimension-without-a-unit", _typed("dimension", '{ "value": 4 }'),
         f"{TOKENS}:14: invalid dimension value {{\"value\": 4}} for 'extra.x': expected "
         f"{{\"value\": 16, \"unit\": \"px\"}} or \"16px\" ({TYPE_HINT})"),
    case("dimension-huge", _typed("dimension", '{ "value": 1e300, "unit": "px" }'),
         f"{TOKENS}:14: invalid dimension value {{\"value\": 1e+300, \"unit\": \"px\"}} for "
         "'extra.x': the number is out of range (write a number CSS can use)"),
    case("duration-in-pixels", _typed("duration", '"200px"'),
         f"{TOKENS}:14: invalid duration value \"200px\" for 'extra.x': expected "
         f"{{\"value\": 16, \"unit\": \"ms\"}} or \"16ms\" ({TYPE_HINT})"),
    case("font-weight-out-of-range", _typed("fontWeight", "1200"),
         f"{TOKENS}:14: invalid fontWeight value 1200 for 'extra.x': expected 1-1000 or a weight "
         f"name ({TYPE_HINT})"),
    case("number-that-is-a-boolean", _typed("number", "true"),
         f"{TOKENS}:14: invalid number value true for 'extra.x': expected a number ({TYPE_HINT})"),
    case("shadow-missing-offsets", _typed("shadow", '{ "color": "#000", "blur": "2px" }'),
         f"{TOKENS}:14: invalid shadow value {{\"color\": \"#000\", \"blur\": \"2px\"}} for "
         "'extra.x': the shadow lacks offsetX, offsetY, spread (add offsetX, offsetY, spread (a "
         "shadow has color, offsetX, offsetY, blur, spread, inset))"),
    case("description-not-a-string",
         _extra('{\n    "$type": "color",\n    "$description": ["a"],\n    "x": { "$value": "#fff" }\n  }'),
         f"{TOKENS}:14: $description must be a string, not [\"a\"] (write it as text in quotes)"),
    # -- names and shapes that would break the generated Sass or the template tree
    case("name-injecting-sass",
         _extra('{\n    "$type": "color",\n    "x: red; } a { b": { "$value": "#fff" }\n  }'),
         f"{TOKENS}:14: token name \"x: red; }} a {{ b\" in \"extra.x: red; }} a {{ b\" holds "
         "\"}\" (use letters, digits, spaces, - and _ (no { } or . ; starting with a letter at "
         "the top level))"),
    case("name-with-a-trailing-newline",
         _extra('{\n    "$type": "color",\n    "x\\n": { "$value": "#fff" }\n  }'),
         f"{TOKENS}:14: token name \"x\\n\" in \"extra.x\\n\" holds \"\\n\" (use letters, digits, "
         "spaces, - and _ (no { } or . ; starting with a letter at the top level))"),
    case("name-starting-with-a-digit", _write(BASE + ',\n  "1x": { "$type": "color" }\n}\n'),
         f"{TOKENS}:12: token name \"1x\" in \"1x\" starts with a digit (use letters, digits, "
         "spaces, - and _ (no { } or . ; starting with a letter at the top level))"),
    case("token-with-children",
         _extra('{\n    "$type": "color",\n    "x": { "$value": "#fff",\n'
                '      "y": { "$value": "#000" } }\n  }'),
         f"{TOKENS}:15: token 'extra.x' has a $value, so 'y' cannot be a token inside it (move "
         "it into a group of its own)"),
    case("token-inside-a-token-of-another-file",
         _second_file('{\n  "color": {\n    "primary": {\n      "dark": { "$value": "#000",'
                      ' "$type": "color" }\n    }\n  }\n}\n'),
         "brand/tokens/z.tokens.json:4: token 'color.primary.dark' lies inside token "
         f"'color.primary' (at {TOKENS}:4) (a token cannot also be a group: rename one of them, "
         "or name the group's own token $root)"),
    case("two-tokens-one-sass-variable",
         _extra('{\n    "$type": "color",\n    "a-b": { "$value": "#fff" },\n'
                '    "a_b": { "$value": "#000" }\n  }'),
         f"{TOKENS}:15: tokens 'extra.a_b' and 'extra.a-b' (at {TOKENS}:14) both become the "
         "CSS property --extra-a-b (rename one of them)"),
    # -- aliases
    case("alias-cycle-3000-long", _chain(3000, cycle=True),
         f"{TOKENS}:14: alias cycle: extra.a0 -> extra.a1 -> extra.a2 -> extra.a3 -> extra.a4 "
         "-> ... (2991 more) -> extra.a2996 -> extra.a2997 -> extra.a2998 -> extra.a2999 -> "
         "extra.a0 (point one alias at a value)"),
    case("unknown-alias-forging-a-line", _typed("color", '"{a\\nERROR b}"'),
         f"{TOKENS}:14: unknown token reference '{{a\\nERROR b}}' in 'extra.x' (reference a "
         "defined token)"),
    case("unknown-alias-inside-a-shadow",
         _extra('{\n    "$type": "shadow",\n    "x": { "$value": {\n      "offsetX": "0px", '
                '"offsetY": "1px", "blur": "2px", "spread": "0px",\n'
                '      "color": "{color.primry}" } }\n  }'),
         f"{TOKENS}:16: unknown token reference '{{color.primry}}' in 'extra.x' (did you mean "
         "'color.primary'?)"),
    # -- tenant overrides: the same checks, at their tenants.toml line
    case("override-dimension-not-a-number", _override('"size.gap" = { value = "abc", unit = "px" }'),
         f"{TENANTS}:20: invalid dimension value {{\"value\": \"abc\", \"unit\": \"px\"}} for "
         f"'size.gap': expected a number ({TYPE_HINT})"),
    case("override-infinite", _override('"size.gap" = { value = inf, unit = "px" }'),
         f"{TENANTS}:20: invalid dimension value {{\"value\": Infinity, \"unit\": \"px\"}} for "
         "'size.gap': expected a finite number (write a number such as 16)"),
    case("override-nan", _override('"size.gap" = nan'),
         f"{TENANTS}:20: invalid dimension value NaN for 'size.gap': expected "
         f"{{\"value\": 16, \"unit\": \"px\"}} or \"16px\" ({TYPE_HINT})"),
    case("override-with-a-nul", _override('"color.background" = "#fff\\u0000"'),
         # tenants.toml as a whole refuses it first, before the override is applied.
         f"{TENANTS}:20: 'tenants.prod.tokens.color.background' contains a NUL character "
         "(remove the \\u0000 escape)"),
    case("override-after-a-comment-naming-it",
         _override('# color.background stays close to white\n"color.background" = "nope"'),
         f"{TENANTS}:21: invalid color value \"nope\" for 'color.background': not a "
         f"colour CSS can read ({COLOUR_HINT})"),
    case("override-in-an-inline-table",
         _override('color = { background = "nope" }'),
         f"{TENANTS}:20: invalid color value \"nope\" for 'color.background': not a "
         f"colour CSS can read ({COLOUR_HINT})"),
    case("override-a-date", _override('"color.background" = 1979-05-27'),
         f"{TENANTS}:20: invalid color value \"1979-05-27\" for 'color.background': expected a "
         f"colour object or a CSS colour string ({COLOUR_HINT})"),
    case("override-unknown-alias", _override('"color.background" = "{color.nope}"'),
         f"{TENANTS}:20: unknown token reference '{{color.nope}}' in 'color.background' "
         "(reference a defined token)"),
]


@pytest.mark.parametrize("hostile", CASES, ids=[c.id for c in CASES])
def test_refused(hostile, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(hostile, tmp_path)


def test_every_case_is_a_distinct_input() -> None:
    assert len({c.id for c in CASES}) == len(CASES) >= 30
