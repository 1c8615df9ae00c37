"""The DTCG Format Module 2025.10, one test per rule, on real files in a temporary folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auth0_branding.brand.tokens import (
    find_token_files,
    kebab,
    keep_used_tokens,
    load_raw_tokens,
    resolve_tokens,
    to_scss,
    tokens_json,
)
from auth0_branding.build.styles import compile_css
from auth0_branding.cli import cli
from auth0_branding.errors import TokenError

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def _tokens(tmp_path: Path, monkeypatch, *documents: dict | str):
    monkeypatch.chdir(tmp_path)
    paths = []
    for index, document in enumerate(documents):
        path = Path(f"t{index}.tokens.json")
        path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2))
        paths.append(path)
    raw = load_raw_tokens(paths, Path("."))
    return resolve_tokens(raw)


def _refused(tmp_path: Path, monkeypatch, *documents: dict | str) -> str:
    with pytest.raises(TokenError) as caught:
        _tokens(tmp_path, monkeypatch, *documents)
    return str(caught.value)


# -- 5.1.1 names, 6.1 groups, 6.2 $root -------------------------------------------------


# What Style Dictionary 5's name/kebab (change-case's kebabCase) makes of each, run once.
KEBAB = {
    "color.blueDark": "color-blue-dark", "palette.pine.600": "palette-pine-600",
    "font_size.XLarge": "font-size-x-large", "color.accent.$root": "color-accent-root",
    "ABCDef": "abc-def", "a.b-c": "a-b-c",
    "@typography_primitives.family-sans": "typography-primitives-family-sans",
    "fontSize2xl": "font-size2xl", "HTMLParser": "html-parser", "x_y.z": "x-y-z",
    "Ärger.ÖlPreis": "ärger-öl-preis", "2xl.lineHeight": "2xl-line-height",
}


@pytest.mark.parametrize("path", KEBAB)
def test_names_become_style_dictionary_kebab_case(path: str) -> None:
    assert kebab(path) == KEBAB[path]


def test_a_root_token_is_the_group_s_own_and_can_be_referenced(tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {"color": {"$type": "color", "accent": {
        "$root": {"$value": "#dd0000"}, "light": {"$value": "#ff2222"}},
        "link": {"$value": "{color.accent.$root}"}}})
    assert {t.name: t.css for t in tokens.by_path.values()} == {
        "color-accent-root": "#dd0000", "color-accent-light": "#ff2222", "color-link": "#dd0000"}


def test_a_reference_to_a_group_is_unknown(tmp_path, monkeypatch) -> None:
    assert _refused(tmp_path, monkeypatch, '{\n  "color": {"$type": "color",\n'
                    '    "accent": {"$root": {"$value": "#d00"}},\n'
                    '    "link": {"$value": "{color.accent}"}\n  }\n}') == (
        "t0.tokens.json:4: unknown token reference '{color.accent}' in 'color.link' "
        "(did you mean 'color.accent.$root'?)")


def test_a_token_with_value_and_children_is_an_error(tmp_path, monkeypatch) -> None:
    assert _refused(tmp_path, monkeypatch, '{\n  "a": {"$type": "color", "$value": "#fff",\n'
                    '    "b": {"$value": "#000"}\n  }\n}') == (
        "t0.tokens.json:3: token 'a' has a $value, so 'b' cannot be a token inside it "
        "(move it into a group of its own)")


def test_a_plain_field_beside_value_is_no_child(tmp_path, monkeypatch) -> None:
    # Primer's exports write "alpha": 0 beside $value: not an object, so no token or group.
    tokens = _tokens(tmp_path, monkeypatch, {"a": {"$type": "color", "$value": "#fff",
                                                   "alpha": 0}})
    assert tokens.css("a") == "#ffffff"


# -- 5.2 properties ---------------------------------------------------------------------


def test_deprecated_tokens_warn_where_they_are_used(tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, '{\n  "old": {"$type": "color",\n'
                     '    "$deprecated": "use new.blue",\n    "blue": {"$value": "#00f"}\n  },\n'
                     '  "link": {"$type": "color", "$value": "{old.blue}"},\n'
                     '  "kept": {"$type": "color", "$value": "{old.blue}", "$deprecated": true}\n}')
    assert [str(p) for p in tokens.problems] == [
        "WARNING t0.tokens.json:6: token-deprecated 'link' uses deprecated token 'old.blue': "
        "use new.blue"]
    assert tokens.by_path["old.blue"].deprecated == "use new.blue"  # inherited from its group


def test_extensions_are_kept_in_tokens_json(tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {"a": {"$type": "dimension", "$description": "gap",
        "$value": {"value": 4, "unit": "px"}, "$extensions": {"com.figma": {"id": "1:2"}}},
        "b": {"$value": "{a}"}})
    assert json.loads(tokens_json(tokens)) == {
        "a": {"$type": "dimension", "$value": {"value": 4, "unit": "px"}, "$description": "gap",
              "$extensions": {"com.figma": {"id": "1:2"}}},
        "b": {"$type": "dimension", "$value": {"value": 4, "unit": "px"}}}


def test_a_type_is_required(tmp_path, monkeypatch) -> None:
    assert _refused(tmp_path, monkeypatch, '{\n  "a": {"$value": 1}\n}') == (
        "t0.tokens.json:2: token 'a' has no $type (add $type to it or to its group)")


# -- 6.4 $extends -----------------------------------------------------------------------


def test_extends_inherits_a_group_and_local_tokens_win(tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {
        "button": {"$type": "color", "bg": {"$value": "#111"}, "fg": {"$value": "#fff"}},
        "danger": {"$extends": "{button}", "bg": {"$type": "color", "$value": "#c00"}}})
    assert {p: t.css for p, t in tokens.by_path.items() if p.startswith("danger")} == {
        "danger.bg": "#cc0000", "danger.fg": "#ffffff"}


def test_extends_chains_and_takes_json_pointers(tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {
        "a": {"$type": "number", "x": {"$value": 1}},
        "b": {"$extends": "#/a", "y": {"$type": "number", "$value": 2}},
        "c": {"$extends": "{b}"}})
    assert {p: t.css for p, t in tokens.by_path.items() if p.startswith("c")} == {
        "c.x": "1", "c.y": "2"}


@pytest.mark.parametrize("document, message", [
    ('{\n  "a": {"$extends": "{b}"},\n  "b": {"$extends": "{c}"},\n  "c": {"$extends": "{a}"}\n}',
     "t0.tokens.json:2: $extends cycle: a -> b -> c -> a (a group cannot extend itself through "
     "others)"),
    ('{\n  "t": {"$type": "number", "$value": 1},\n  "g": {"$extends": "{t}"}\n}',
     "t0.tokens.json:3: $extends of group 'g' names token 't', not a group (extend a group of "
     "tokens)"),
    ('{\n  "button": {"x": {"$type": "number", "$value": 1}},\n  "g": {"$extends": "{buton}"}\n}',
     "t0.tokens.json:3: $extends of group 'g' names unknown group 'buton' (did you mean "
     "'button'?)"),
    ('{\n  "g": {"$extends": 3}\n}',
     't0.tokens.json:2: $extends must name a group, not 3 (write "{group.name}" or '
     '"#/group/name")'),
])
def test_extends_errors(tmp_path, monkeypatch, document, message) -> None:
    assert _refused(tmp_path, monkeypatch, document) == message


# -- 7 aliases and JSON Pointer ----------------------------------------------------------


def test_a_whole_token_ref_is_an_alias(tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {"base": {"$type": "dimension",
                                                      "$value": {"value": 2, "unit": "rem"}},
                                             "alias": {"$ref": "#/base"}})
    assert (tokens.by_path["alias"].type, tokens.css("alias")) == ("dimension", "2rem")


def test_a_ref_reads_a_part_of_a_value_inside_a_composite(tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {
        "base": {"spacing": {"$type": "dimension", "$value": {"value": 8, "unit": "px"}},
                 "text": {"$type": "typography", "$value": {
                     "fontFamily": ["Inter", "sans-serif"], "fontSize": "16px",
                     "fontWeight": 400, "letterSpacing": "0px", "lineHeight": 1.5}}},
        "gap": {"$type": "dimension", "$value": {
            "value": {"$ref": "#/base/spacing/$value/value"}, "unit": "rem"}},
        "heading": {"$type": "typography", "$value": {
            "fontFamily": {"$ref": "#/base/text/$value/fontFamily"}, "fontSize": "24px",
            "fontWeight": "bold", "letterSpacing": "0px",
            "lineHeight": {"$ref": "#/base/text/$value/lineHeight"}}}})
    assert tokens.css("gap") == "8rem"
    assert tokens.css("heading") == "700 24px/1.5 Inter, sans-serif"


@pytest.mark.parametrize("document, message", [
    ('{\n  "a": {"$type": "number",\n    "$value": {"$ref": "#/b/$value/x"}},\n'
     '  "b": {"$type": "number", "$value": 1}\n}',
     "t0.tokens.json:3: '#/b/$value/x' in 'a' points at no part of the value of 'b' (point at a "
     "field the value has, such as $value/components/0)"),
    ('{\n  "a": {"$type": "number",\n    "$value": {"$ref": "#/c"}}\n}',
     "t0.tokens.json:3: unknown token reference '{c}' in 'a' (reference a defined token)"),
    ('{\n  "a": {"$type": "number",\n    "$value": {"$ref": "other.json#/c"}}\n}',
     "t0.tokens.json:3: $ref 'other.json#/c' is not a JSON Pointer into the tokens (write "
     '"#/group/token" or "#/group/token/$value/part")'),
    ('{\n  "a": {"$type": "number", "$value": "{b}"},\n  "b": {"$type": "number", '
     '"$value": {"$ref": "#/a"}}\n}',
     "t0.tokens.json:2: alias cycle: a -> b -> a (point one alias at a value)"),
])
def test_reference_errors(tmp_path, monkeypatch, document, message) -> None:
    assert _refused(tmp_path, monkeypatch, document) == message


def test_references_inside_composites_and_shadow_arrays_resolve(tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {
        "c": {"$type": "color", "ink": {"$value": "#000"}},
        "d": {"$type": "dimension", "one": {"$value": {"value": 1, "unit": "px"}}},
        "s": {"$type": "shadow",
              "low": {"$value": {"color": "{c.ink}", "offsetX": "{d.one}", "offsetY": "{d.one}",
                                 "blur": "2px", "spread": "0px"}},
              "both": {"$value": ["{s.low}", {"color": "#fff", "offsetX": "0px",
                                              "offsetY": "0px", "blur": "4px", "spread": "1px",
                                              "inset": True}]}}})
    assert tokens.css("s.both") == "1px 1px 2px 0px #000000, inset 0px 0px 4px 1px #ffffff"


# -- 8 types ------------------------------------------------------------------------------


@pytest.mark.parametrize("token_type, value, css", [
    ("fontWeight", "extra-bold", "800"),
    ("fontFamily", "Times New Roman, serif", "'Times New Roman', serif"),
    ("duration", {"value": 1.5, "unit": "s"}, "1.5s"),
    ("cubicBezier", [0.5, -1, 0.5, 2], "cubic-bezier(0.5, -1, 0.5, 2)"),
    ("strokeStyle", "dotted", "dotted"),
    ("strokeStyle", {"dashArray": ["2px", {"value": 1, "unit": "rem"}], "lineCap": "round"},
     "dashed"),
    ("border", {"color": "#000", "width": "1px", "style": "solid"}, "1px solid #000000"),
    ("transition", {"duration": "200ms", "delay": "0ms", "timingFunction": [0, 0, 1, 1]},
     "200ms cubic-bezier(0, 0, 1, 1) 0ms"),
    # Positions outside 0-1 are clamped, as the spec says.
    ("gradient", [{"color": "#000", "position": -1}, {"color": "#fff", "position": 0.5},
                  {"color": "#f00", "position": 42}],
     "linear-gradient(#000000 0%, #ffffff 50%, #ff0000 100%)"),
    ("typography", {"fontFamily": "Inter", "fontSize": {"value": 1, "unit": "rem"},
                    "fontWeight": 600, "letterSpacing": "0.01em", "lineHeight": 1.25},
     "600 1rem/1.25 Inter"),
    ("string", "italic", "italic"),
])
def test_each_type_becomes_its_css(tmp_path, monkeypatch, token_type, value, css) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {"x": {"$type": token_type, "$value": value}})
    assert tokens.css("x") == css


@pytest.mark.parametrize("token_type, value, message", [
    ("fontWeight", True, "invalid fontWeight value true for 'x': expected 1-1000 or a weight "
     "name, not true or false (see the DTCG format for this $type)"),
    ("fontWeight", "Bold", "invalid fontWeight value \"Bold\" for 'x': expected 1-1000 or a "
     "weight name such as bold (see the DTCG format for this $type)"),
    ("duration", "2px", "invalid duration value \"2px\" for 'x': expected "
     "{\"value\": 16, \"unit\": \"ms\"} or \"16ms\" (see the DTCG format for this $type)"),
    ("cubicBezier", [2, 0, 1, 1], "invalid cubicBezier value [2, 0, 1, 1] for 'x': the x "
     "coordinates (first and third) must lie in 0-1 (see the DTCG format for this $type)"),
    ("strokeStyle", "dashd", "invalid strokeStyle value \"dashd\" for 'x': unknown stroke style "
     "\"dashd\" (did you mean 'dashed'?)"),
    ("border", {"color": "#000", "width": "1px"}, "invalid border value {\"color\": \"#000\", "
     "\"width\": \"1px\"} for 'x': the border lacks style (add style (a border has color, "
     "width, style))"),
    ("shadow", {"color": "#000", "offsetX": "0px", "offsetY": "0px", "blur": "0px",
                "spread": "0px", "inst": True}, "invalid shadow value {\"color\": \"#000\", "
     "\"offsetX\": \"0px\", \"offsetY\": \"0px\", \"bl... for 'x': the shadow has no field "
     "\"inst\" (did you mean 'inset'?)"),
    ("typography", {"fontFamily": "Inter", "fontWeight": 400}, "invalid typography value "
     "{\"fontFamily\": \"Inter\", \"fontWeight\": 400} for 'x': the typography lacks fontSize "
     "(add fontSize (a typography has fontFamily, fontSize, fontWeight, lineHeight, "
     "letterSpacing))"),
    ("transition", {"duration": "1px", "timingFunction": [0, 0, 1, 1]}, "invalid transition "
     "value {\"duration\": \"1px\", \"timingFunction\": [0, 0, 1, 1]} for 'x': transition "
     "duration: expected {\"value\": 16, \"unit\": \"ms\"} or \"16ms\" (see the DTCG format for "
     "this $type)"),
    ("gradient", [{"color": "#000"}], "invalid gradient value [{\"color\": \"#000\"}] for 'x': "
     "the gradient stop lacks position (add position (a gradient stop has color, position))"),
    ("string", "a; b", "invalid string value \"a; b\" for 'x': the string holds \";\", which "
     "CSS cannot take as written (write a CSS keyword such as italic)"),
])
def test_each_type_s_errors_name_the_field(tmp_path, monkeypatch, token_type, value,
                                           message) -> None:
    assert _refused(tmp_path, monkeypatch, {"x": {"$type": token_type, "$value": value}}) == (
        "t0.tokens.json:2: " + message)


# -- files: names, folders, order, redefinitions ----------------------------------------


def test_token_files_are_found_in_subfolders_in_a_documented_order(tmp_path) -> None:
    for name in ("b.tokens", "a/z.tokens.json", "a/b/c.tokens.json", "c.json", ".h.tokens",
                 "a.tokens.json", "notes.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    layout = find_token_files(tmp_path, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in layout.files] == [
        "a/b/c.tokens.json", "a/z.tokens.json", "a.tokens.json", "b.tokens"]
    assert [p.relative_to(tmp_path).as_posix() for p in layout.ignored] == ["c.json"]


def test_a_json_file_not_named_as_a_token_file_is_left_unread_with_a_warning(brand: Path) -> None:
    (brand / "tokens/extra.json").write_text('{"x": {"$type": "number", "$value": 1}}')
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert result.exit_code == 0
    assert ("WARNING brand/tokens/extra.json: token-file-ignored not read: token files are named "
            "*.tokens.json or *.tokens (rename it to extra.tokens.json)") in result.output
    (brand / "tokens/base.tokens.json").rename(brand / "tokens/base.json")
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert (result.exit_code, result.output) == (1, (
        "ERROR brand/tokens: no design token files found (rename brand/tokens/base.json to "
        "base.tokens.json)\n"))


def test_a_redefinition_overrides_and_warns_naming_both_places(tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {"a": {"$type": "number", "$value": 1}},
                     {"a": {"$type": "number", "$value": 2}})
    assert tokens.css("a") == "2"
    assert [str(p) for p in tokens.problems] == [
        "WARNING t1.tokens.json:2: token-redefined token 'a' is defined again here, overriding "
        "t0.tokens.json:2 (remove one, or build with --strict to make this an error)"]


@pytest.fixture
def brand(tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "brand")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "brand"


def test_strict_makes_a_redefinition_fatal(brand: Path) -> None:
    (brand / "tokens/more").mkdir()
    (brand / "tokens/more/again.tokens").write_text(
        '{\n  "size": {\n    "gap": {"$type": "dimension", "$value": "20px"}\n  }\n}\n')
    lenient = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert lenient.exit_code == 0
    assert "WARNING brand/tokens/more/again.tokens:3: token-redefined token 'size.gap'" in (
        lenient.output)
    strict = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist2", "--strict"])
    assert strict.exit_code == 1
    assert not (brand.parent / "dist2").exists()


# -- what reaches Sass and the pages ------------------------------------------------------


def test_composites_reach_sass_as_properties_and_only_used_tokens_reach_the_page(
        tmp_path, monkeypatch) -> None:
    tokens = _tokens(tmp_path, monkeypatch, {
        "font": {"heading": {"$type": "typography", "$value": {
            "fontFamily": ["Source Serif Pro", "serif"], "fontSize": "24px", "fontWeight": 600,
            "letterSpacing": "0px", "lineHeight": 1.2}}},
        "unused": {"$type": "color", "a": {"$value": "#123456"}},
        "border": {"$type": "border", "card": {"$value": {
            "color": "#ddd", "width": "1px", "style": "solid"}}}})
    entry = tmp_path / "s.scss"
    entry.write_text('@import "tokens";\n:root { @include token-custom-properties; }\n'
                     'h1 { @include token-properties("font-heading"); }\n'
                     ".card { border: $border-card; color: $border-card-border-color; }\n"
                     "p { font: $font-heading; }\n")
    page = keep_used_tokens(compile_css(entry, to_scss(tokens, "page")), tokens)
    email = compile_css(entry, to_scss(tokens, "email"))
    assert page.startswith(":root{--border-card:1px solid #dddddd;"
                           "--font-heading:600 24px/1.2 'Source Serif Pro', serif}")
    assert "#123456" not in page
    # Sass writes the quoted name its own way.
    assert ('h1{font-family:"Source Serif Pro",serif;font-size:24px;font-weight:600;'
            "line-height:1.2;letter-spacing:0px}") in page
    assert ".card{border:var(--border-card);color:#ddd}" in page
    assert "p{font:600 24px/1.2 'Source Serif Pro', serif}" in email
