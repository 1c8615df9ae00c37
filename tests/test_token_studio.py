"""Tokens Studio's exports: the legacy value/type format, token sets and themes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auth0_branding.brand.tokens import find_token_files, load_raw_tokens, resolve_tokens
from auth0_branding.errors import Location, TokenError


def _studio(tmp_path: Path, sets: dict[str, dict], themes: list | None = None) -> Path:
    for name, document in sets.items():
        path = tmp_path / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2))
    (tmp_path / "$metadata.json").write_text(json.dumps({"tokenSetOrder": list(sets)}))
    if themes is not None:
        (tmp_path / "$themes.json").write_text(json.dumps(themes))
    return tmp_path


def _css(folder: Path, themes: tuple[str, ...] = ()) -> dict[str, str]:
    layout = find_token_files(folder, folder)
    tokens = resolve_tokens(load_raw_tokens(layout.files_for(themes, Location("t")), folder))
    return {t.name: t.css for t in tokens.by_path.values()}


def test_legacy_values_become_their_dtcg_meaning(tmp_path: Path) -> None:
    folder = _studio(tmp_path, {"core": {
        "space": {"sm": {"value": "8", "type": "spacing"},
                  "md": {"value": "{space.sm}", "type": "spacing"},
                  "lg": {"value": "1.5rem", "type": "sizing"}},
        "opacity": {"half": {"value": "50%", "type": "opacity"}},
        "weight": {"bold": {"value": "Semi Bold", "type": "fontWeights"}},
        "family": {"body": {"value": "Inter, sans-serif", "type": "fontFamilies"}},
        "shadow": {"card": {"value": [
            {"x": "0", "y": "2", "blur": "4", "spread": "0", "color": "#000000",
             "type": "dropShadow"},
            {"x": 0, "y": 1, "blur": 2, "spread": 0, "color": "#ffffff", "type": "innerShadow"}],
            "type": "boxShadow"}},
        "text": {"body": {"value": {"fontFamily": "{family.body}", "fontWeight": "Bold",
                                    "fontSize": "16", "lineHeight": "150%",
                                    "letterSpacing": "0"}, "type": "typography",
                          "description": "Body copy"}},
    }})
    assert _css(folder) == {
        "space-sm": "8px", "space-md": "8px", "space-lg": "1.5rem", "opacity-half": "0.5",
        "weight-bold": "600", "family-body": "Inter, sans-serif",
        "shadow-card": "0px 2px 4px 0px #000000, inset 0px 1px 2px 0px #ffffff",
        "text-body": "700 16px/1.5 Inter, sans-serif"}


def test_a_type_with_no_css_form_is_left_out_with_a_warning(tmp_path: Path) -> None:
    folder = _studio(tmp_path, {"core": {"logo": {"value": "logo.svg", "type": "asset"},
                                         "gap": {"value": "4", "type": "spacing"}}})
    raw = load_raw_tokens(find_token_files(folder, folder).files, folder)
    assert list(raw.table) == ["gap"]
    assert [str(p) for p in raw.problems] == [
        f"WARNING {folder}/core.json:2: token-skipped token 'logo' has Tokens Studio type "
        "'asset', which has no CSS form: it is left out"]


def test_sets_merge_in_token_set_order_and_themes_choose_sets(tmp_path: Path) -> None:
    folder = _studio(tmp_path, {
        "core": {"c": {"value": "#000000", "type": "color"}},
        "theme/light": {"bg": {"value": "#ffffff", "type": "color"}},
        "theme/dark": {"bg": {"value": "{c}", "type": "color"}},
    }, [{"name": "light", "selectedTokenSets": {"core": "source", "theme/light": "enabled",
                                                 "theme/dark": "disabled"}},
        {"name": "dark", "selectedTokenSets": {"theme/dark": "enabled", "core": "source"}}])
    assert _css(folder, ("light",)) == {"bg": "#ffffff", "c": "#000000"}
    assert _css(folder, ("dark",)) == {"bg": "#000000", "c": "#000000"}
    assert _css(folder)["bg"] == "#000000"  # no themes: every set, the later one winning
    with pytest.raises(TokenError, match=r"unknown Tokens Studio theme 'darkk' \(did you mean "
                                         r"'dark'\?\)"):
        _css(folder, ("darkk",))


@pytest.mark.parametrize("metadata, themes, message", [
    ({"tokenSetOrder": "core"}, None,
     "$metadata.json:1: $metadata.json needs a tokenSetOrder list of token set names (write "
     '{"tokenSetOrder": ["core", "semantic"]})'),
    ({"tokenSetOrder": ["core", "missing"]}, None,
     "$metadata.json: token set 'missing' has no file {folder}/missing.json (export the set "
     "from Tokens Studio, or remove it from tokenSetOrder)"),
    ({"tokenSetOrder": ["core"]}, [{"name": "x", "selectedTokenSets": {"cor": "enabled"}}],
     "$themes.json:1: theme 'x' enables token set 'cor', which $metadata.json does not list "
     "(did you mean 'core'?)"),
])
def test_a_broken_export_says_what_to_fix(tmp_path: Path, metadata, themes, message) -> None:
    (tmp_path / "core.json").write_text('{"a": {"value": "1", "type": "number"}}')
    (tmp_path / "$metadata.json").write_text(json.dumps(metadata))
    if themes is not None:
        (tmp_path / "$themes.json").write_text(json.dumps(themes))
    with pytest.raises(TokenError) as caught:
        find_token_files(tmp_path, tmp_path)
    assert str(caught.value) == f"{tmp_path}/" + message.replace("{folder}", str(tmp_path))
