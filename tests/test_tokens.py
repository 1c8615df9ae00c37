"""Design tokens: DTCG parsing, aliases, overrides, and Sass output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auth0_branding.brand.json_lines import MAX_DEPTH, parse_json
from auth0_branding.brand.tokens import (
    apply_overrides,
    keep_used_tokens,
    load_raw_tokens,
    resolve_tokens,
    to_scss,
)
from auth0_branding.brand.tokens.types import to_css
from auth0_branding.build.styles import compile_css
from auth0_branding.errors import BrandError, Location, TokenError


def _write(tmp_path: Path, name: str, document) -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document, indent=2))
    return path


@pytest.fixture
def two_files(tmp_path):
    core = _write(tmp_path, "a.tokens.json", {
        "palette": {"$type": "color", "green": {"$value": "#23724A"}},
        "space": {"$type": "dimension", "md": {"$value": {"value": 16, "unit": "px"}},
                  "lg": {"$value": "24px"}},
        "font": {
            "family": {"$type": "fontFamily", "sans": {"$value": ["Inter", "Segoe UI", "sans-serif"]}},
            "weight": {"$type": "fontWeight", "bold": {"$value": "bold"}, "w5": {"$value": 500}},
        },
        "shadow": {"$type": "shadow", "card": {"$value": {
            "color": "#00000033", "offsetX": "0px", "offsetY": "2px", "blur": "8px", "spread": "0px"}}},
    })
    semantic = _write(tmp_path, "b.tokens.json", {
        "color": {"$type": "color", "$description": "meanings",
                  "primary": {"$value": "{palette.green}", "$description": "buttons"},
                  "link": {"$value": "{color.primary}"}},
        "card": {"shadow": {"$value": "{shadow.card}"}},
    })
    return [core, semantic]


def test_aliases_resolve_chained_and_across_files(two_files):
    tokens = resolve_tokens(load_raw_tokens(two_files, two_files[0].parent))
    assert tokens.css("color.link") == "#23724a"
    assert tokens.by_path["color.link"].type == "color"
    assert tokens.by_path["color.primary"].description == "buttons"
    # An alias with no $type of its own takes the type of what it points at.
    assert tokens.by_path["card.shadow"].type == "shadow"


def test_each_type_becomes_a_css_literal(two_files):
    tokens = resolve_tokens(load_raw_tokens(two_files, two_files[0].parent))
    assert tokens.css("space.md") == "16px"
    assert tokens.css("space.lg") == "24px"
    assert tokens.css("font.family.sans") == "Inter, 'Segoe UI', sans-serif"
    assert tokens.css("font.weight.bold") == "700"
    assert tokens.css("font.weight.w5") == "500"
    assert tokens.css("shadow.card") == "0px 2px 8px 0px #00000033"


def test_tree_serves_templates(two_files):
    tree = resolve_tokens(load_raw_tokens(two_files, two_files[0].parent)).tree()
    assert tree["color"]["primary"] == "#23724a"
    assert tree["color"].path == "color"


def test_overrides_layer_on_the_base_and_may_alias(two_files):
    raw = load_raw_tokens(two_files, two_files[0].parent)
    layered = apply_overrides(raw, {"palette.green": "#004488", "color.link": "{space.md}"},
                              Location("tenants.toml", 3))
    with pytest.raises(TokenError):  # a colour token cannot point at a dimension's value
        resolve_tokens(layered)
    layered = apply_overrides(raw, {"palette.green": "#004488"}, Location("tenants.toml", 3))
    assert resolve_tokens(layered).css("color.link") == "#004488"
    assert resolve_tokens(raw).css("color.link") == "#23724a"  # the base is untouched


def test_override_of_an_unknown_token_names_the_tenant_line(two_files):
    with pytest.raises(TokenError) as caught:
        apply_overrides(load_raw_tokens(two_files, two_files[0].parent), {"color.primray": "#000"},
                        Location("brand/tenants.toml", 9))
    assert str(caught.value) == ("brand/tenants.toml:9: override of unknown token 'color.primray' "
                                 "(did you mean 'color.primary'?)")


@pytest.mark.parametrize("document, message", [
    ('{\n  "a": {"$type": "color", "x": {"$value": "{a.y}"},\n  "y": {"$value": "{a.x}"}}\n}',
     "t.tokens.json:2: alias cycle: a.x -> a.y -> a.x (point one alias at a value)"),
    ('{\n  "a": {"$type": "color",\n    "x": {"$value": "{a.yy}"},\n    "y": {"$value": "#fff"}}\n}',
     "t.tokens.json:3: unknown token reference '{a.yy}' in 'a.x' (did you mean 'a.y'?)"),
    ('{\n  "a": {"$type": "color",\n    "x": {"$value": "#ff"}\n  }\n}',
     't.tokens.json:3: invalid color value "#ff" for \'a.x\': not a colour CSS can read (write '
     '"#1a2b3c", "oklch(0.6 0.15 250)" or {"colorSpace": "srgb", "components": [0.1, 0.2, 0.3]})'),
    ('{\n  "a": {\n    "x": {"$value": "#fff"}\n  }\n}',
     "t.tokens.json:3: token 'a.x' has no $type (add $type to it or to its group)"),
    ('{\n  "a": {"$type": "color",\n    "x": {"$value": "#fff"},\n  }\n}',
     "t.tokens.json:4: malformed tokens JSON: Expecting property name enclosed in double quotes "
     "(fix the JSON syntax)"),
    ('{\n  "a": {"$type": "colour",\n    "x": {"$value": "#fff"}\n  }\n}',
     "t.tokens.json:2: unsupported $type 'colour' on group 'a' (did you mean 'color'?)"),
])
def test_token_errors_say_what_where_and_what_next(tmp_path, monkeypatch, document, message):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "t.tokens.json", document)
    with pytest.raises(TokenError) as caught:
        resolve_tokens(load_raw_tokens([Path("t.tokens.json")], Path(".")))
    assert str(caught.value) == message


def test_pages_get_custom_properties_and_emails_get_literals(two_files, tmp_path):
    tokens = resolve_tokens(load_raw_tokens(two_files, two_files[0].parent))
    entry = tmp_path / "s.scss"
    entry.write_text('@import "tokens";\n:root { @include token-custom-properties; }\n'
                     "a { color: $color-link; border-color: darken(token('color-link'), 10%); }\n")
    page = keep_used_tokens(compile_css(entry, to_scss(tokens, "page")), tokens)
    email = compile_css(entry, to_scss(tokens, "email"))
    assert ":root{--color-link:#23724a}" in page  # only the one the rules read
    assert "a{color:var(--color-link)" in page
    assert "a{color:#23724a" in email
    assert "var(" not in email.split(":root")[0] + email.split("}", 1)[1]


def test_overrides_written_as_dotted_toml_keys_or_tables_are_read_as_paths(two_files):
    raw = load_raw_tokens(two_files, two_files[0].parent)
    # `palette.green = "#004488"` in TOML parses as nested tables.
    nested = {"palette": {"green": "#004488"}, "space": {"md": {"value": 2, "unit": "rem"}}}
    tokens = resolve_tokens(apply_overrides(raw, nested, Location("tenants.toml", 3)))
    assert tokens.css("color.link") == "#004488"
    assert tokens.css("space.md") == "2rem"  # a composite value, not a group
    with pytest.raises(TokenError, match="unknown token 'palette.gren'.*'palette.green'"):
        apply_overrides(raw, {"palette": {"gren": "#000"}}, Location("tenants.toml", 3))


def test_an_override_error_names_the_override_line(two_files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("tenants.toml").write_text(
        '[tenants.dev.tokens]\n"palette.green" = "#fff"\n\n[tenants.prod]\ndomain = "x"\n'
        '\n[tenants.prod.tokens]\n"space.lg" = "#fff"\n"palette.green" = "nope"\n')
    layered = apply_overrides(load_raw_tokens(two_files, two_files[0].parent), {"palette.green": "nope"},
                              Location("tenants.toml", 4))
    with pytest.raises(TokenError) as caught:
        resolve_tokens(layered)
    assert str(caught.value.location) == "tenants.toml:9"


def test_an_unknown_reference_is_found_on_its_own_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "t.tokens.json", '{\n  "a": {"$type": "color",\n'
           '    "x": {"$value": "#fff", "$description": "{a.q}"},\n'
           '    "y": {"$value": "{a.q}"}\n  }\n}')
    with pytest.raises(TokenError) as caught:
        resolve_tokens(load_raw_tokens([Path("t.tokens.json")], Path(".")))
    assert str(caught.value.location) == "t.tokens.json:4"


def test_an_unknown_font_weight_name_says_what_is_expected(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "t.tokens.json", {"w": {"$type": "fontWeight", "x": {"$value": "boldd"}}})
    with pytest.raises(TokenError, match="expected 1-1000 or a weight name such as bold"):
        resolve_tokens(load_raw_tokens([Path("t.tokens.json")], Path(".")))


def test_an_alias_chain_of_any_length_resolves(tmp_path):
    chain = {f"a{i}": {"$value": f"{{c.a{i + 1}}}"} for i in range(3000)}
    path = _write(tmp_path, "t.tokens.json", {"c": {"$type": "color", **chain,
                                                    "a3000": {"$value": "#ABCDEF"}}})
    tokens = resolve_tokens(load_raw_tokens([path], tmp_path))
    assert tokens.css("c.a0") == "#abcdef"
    assert len(tokens.by_path) == 3001


def test_nesting_is_refused_past_the_documented_limit_only():
    def nested(depth: int) -> str:  # `depth` objects, one inside the next
        return '{"g": ' * (depth - 1) + '{"x": {"$value": 1}}' + "}" * (depth - 1)

    assert parse_json(nested(MAX_DEPTH - 1), "t.json").data  # MAX_DEPTH objects in all
    with pytest.raises(TokenError, match=f"nested more than {MAX_DEPTH} levels deep"):
        parse_json(nested(MAX_DEPTH), "t.json")


def test_every_key_and_array_item_has_its_line():
    text = ('{\n  "a\\u0062": {\n    "$type": "shadow",\n    "x": {\n      "$value": [\n'
            '        {"color": "#000"},\n        {"color": "#fff"}\n      ]\n    }\n  }\n}\n')
    lines = parse_json(text, "t.json").lines
    assert lines[("ab",)] == 2
    assert lines[("ab", "$type")] == 3
    assert lines[("ab", "x", "$value")] == 5
    assert lines[("ab", "x", "$value", 1)] == 7
    assert lines[("ab", "x", "$value", 1, "color")] == 7


def test_an_escaped_backslash_before_u0000_is_not_a_nul():
    assert parse_json('{"a": "x\\\\u0000"}', "t.json").data == {"a": "x\\u0000"}
    with pytest.raises(TokenError, match="NUL"):
        parse_json('{"a": "x\\\\\\u0000"}', "t.json")


@pytest.mark.parametrize("names, css", [
    (["Inter", "sans-serif"], "Inter, sans-serif"),
    (["Segoe UI", "_x", "-webkit-body"], "'Segoe UI', _x, -webkit-body"),
    (["8bit Wonder", "Times.New"], "'8bit Wonder', 'Times.New'"),
    # A string holding a CSS list is that list (Primer writes one inside a list).
    ("Times New Roman, serif", "'Times New Roman', serif"),
    (["'Mona Sans VF', -apple-system", "serif"], "'Mona Sans VF', -apple-system, serif"),
    ("Georgia", "Georgia"),
])
def test_font_names_are_quoted_unless_they_are_css_identifiers(names, css):
    assert to_css("fontFamily", names, "f", Location("t.json", 1)) == (css, {})


@pytest.mark.parametrize("token_type, value, css", [
    ("number", 0.5, "0.5"), ("number", 16.0, "16"), ("number", 1e-7, "0.0000001"),
    ("number", -3, "-3"), ("dimension", {"value": 1.5, "unit": "rem"}, "1.5rem"),
    ("dimension", 0, "0"), ("duration", {"value": 200, "unit": "ms"}, "200ms"),
    ("fontWeight", 450.5, "450.5"), ("color", {"hex": "#ABC"}, "#aabbcc"),
])
def test_numbers_become_plain_css_numbers(token_type, value, css):
    assert to_css(token_type, value, "t", Location("t.json", 1)) == (css, {})


def test_an_override_goes_through_the_same_checks_at_its_own_line(two_files, tmp_path,
                                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("tenants.toml").write_text('[tenants.a.tokens]\n"palette.green" = "#fff"\n'
                                    '"font.family.sans" = ["Inter\\"; x"]\n')
    layered = apply_overrides(load_raw_tokens(two_files, tmp_path),
                              {"palette.green": "#fff", "font.family.sans": ['Inter"; x']},
                              Location("tenants.toml", 1))
    with pytest.raises(TokenError) as caught:
        resolve_tokens(layered)
    assert str(caught.value).startswith(
        "tenants.toml:3: invalid fontFamily value [\"Inter\\\"; x\"] for 'font.family.sans': "
        "the font name holds")


def test_a_byte_order_mark_is_dropped_and_lines_still_count_from_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("t.tokens.json").write_bytes(
        b'\xef\xbb\xbf{\n  "a": {"$type": "color",\n    "x": {"$value": "#ff"}\n  }\n}\n')
    with pytest.raises(TokenError) as caught:
        resolve_tokens(load_raw_tokens([Path("t.tokens.json")], Path(".")))
    assert str(caught.value.location) == "t.tokens.json:3"


def test_a_token_file_outside_the_root_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "brand").mkdir()
    _write(tmp_path, "t.tokens.json", {"a": {"$type": "color", "x": {"$value": "#fff"}}})
    (tmp_path / "brand/t.tokens.json").symlink_to(tmp_path / "t.tokens.json")
    with pytest.raises(BrandError, match="lies outside the brand folder"):
        load_raw_tokens([Path("brand/t.tokens.json")], Path("brand"))
