"""Real token files from design systems and design tools: each builds, with Style Dictionary's values.

tests/fixtures/tokens/<folder>/style-dictionary.css is Style Dictionary 5's `css/variables`
output for the folder's files, generated once (the command is in that folder's README). Our
tokens.css must give every token the same value, except where Style Dictionary is wrong or
writes the same CSS differently: those are listed below with the value we assert instead.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auth0_branding.brand.tokens import (
    find_token_files,
    load_raw_tokens,
    resolve_tokens,
    tokens_css,
)
from auth0_branding.cli import cli
from auth0_branding.errors import Location

CORPUS = Path(__file__).parent / "fixtures" / "tokens"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
# The themes whose sets Style Dictionary was given, for the Tokens Studio export.
STUDIO_THEMES = ("desktop", "light")
FOLDERS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())

_SD_OBJECT = "[object Object]"
_MONO = "ui-monospace, SFMono-Regular, 'SF Mono', Menlo, Consolas, 'Liberation Mono', monospace"
# (Style Dictionary's value, ours) per token: where it prints an object, leaves a CSS list in
# one quoted string, or writes a weight CSS does not know; and where both are the same CSS.
DIFFERENT = {
    "github-primer": {
        **{name: (_SD_OBJECT, css) for name, css in [
            ("base-duration-200", "200ms"), ("base-duration-300", "300ms"),
            ("base-duration-800", "800ms"), ("base-duration-900", "900ms"),
            ("base-duration-1000", "1000ms"), ("motion-duration-short", "200ms"),
            ("motion-duration-medium", "300ms")]},
        "motion-transition-state-change": (f"{_SD_OBJECT} cubic-bezier(0.6, 0, 0.2, 1) undefined",
                                           "200ms cubic-bezier(0.6, 0, 0.2, 1)"),
        "motion-transition-enter": (f"{_SD_OBJECT} cubic-bezier(0.3, 0.8, 0.6, 1) undefined",
                                    "300ms cubic-bezier(0.3, 0.8, 0.6, 1)"),
        "motion-transition-exit": (f"{_SD_OBJECT} cubic-bezier(0.7, 0.1, 0.75, 0.9) undefined",
                                   "200ms cubic-bezier(0.7, 0.1, 0.75, 0.9)"),
        "font-stack-monospace": (
            "'ui-monospace, SFMono-Regular, SF Mono, Menlo, Consolas, Liberation Mono, monospace'",
            _MONO),
        "text-code-block-shorthand": (f"400 13px/1.5 \\'{_MONO}\\'", f"400 13px/1.5 {_MONO}"),
        "text-code-inline-shorthand": (f"400 0.9285em \\'{_MONO}\\'", f"400 0.9285em {_MONO}"),
    },
    "ibm-carbon": {  # the same font list: Georgia needs no quotes
        "type-quotation01": ("400 1.25rem/1.3 'IBM Plex Serif', 'Georgia', Times, serif",
                             "400 1.25rem/1.3 'IBM Plex Serif', Georgia, Times, serif"),
        "type-quotation02": ("300 2rem/1.25 'IBM Plex Serif', 'Georgia', Times, serif",
                             "300 2rem/1.25 'IBM Plex Serif', Georgia, Times, serif"),
    },
    "terrazzo": {
        # oklch stops: their components mapped into sRGB (CSS Color 4), not the files' `hex`
        # fallbacks (#051fcf, #00e089); the oklch ones follow under @supports.
        "gradient-blue-to-green": (f"{_SD_OBJECT},{_SD_OBJECT}",
                                   "linear-gradient(#1900ff 0%, #00ed85 100%)"),
        "timing-none": (_SD_OBJECT, "0ms"), "timing-quick": (_SD_OBJECT, "100ms"),
        "timing-slow": (_SD_OBJECT, "1s"),
        "transition-circ-in-quick": (f"{_SD_OBJECT} cubic-bezier(0.55, 0, 1, 0.45) {_SD_OBJECT}",
                                     "100ms cubic-bezier(0.55, 0, 1, 0.45) 0ms"),
        "transition-cubic-in-out-slow": (
            f"{_SD_OBJECT} cubic-bezier(0.65, 0, 0.35, 1) {_SD_OBJECT}",
            "1s cubic-bezier(0.65, 0, 0.35, 1) 0ms"),
        "transition-linear-quick": (f"{_SD_OBJECT} cubic-bezier(0, 0, 1, 1) {_SD_OBJECT}",
                                    "100ms cubic-bezier(0, 0, 1, 1) 0ms"),
    },
    "tokens-studio-spectrum": {  # Figma's weight names, which Style Dictionary passes on
        "black-font-weight": ("Black", "900"), "bold-font-weight": ("Bold", "700"),
        "extra-bold-font-weight": ("ExtraBold", "800"),
        "cjk-font-family": ("Adobe Clean Han", "'Adobe Clean Han'"),
        "default-font-family": ("Adobe Clean", "'Adobe Clean'"),
        "sans-serif-font-family": ("Adobe Clean", "'Adobe Clean'"),
    },
}
# Tokens Style Dictionary writes that we leave out, with a warning: Tokens Studio's "other".
LEFT_OUT = {"tokens-studio-spectrum": {"default-font-style", "italic-font-style"}}
# Colours written as components alone, with no `hex` to fall back on.
COMPONENT_COLOURS = {
    "adobe-spectrum": {"black", "static-black-text-color", "swatch-disabled-icon-border-color",
                       "transparent-black-1000"},
}


def _properties(css: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(
        r"^\s*--([^:]+):\s*(.*?);(?:\s*/\*\*.*\*/)?\s*$", css, re.M)}


def _ours(folder: Path) -> tuple[dict[str, str], list[str]]:
    layout = find_token_files(folder, folder)
    files = layout.files_for(STUDIO_THEMES, Location(str(folder))) if layout.studio else (
        layout.files)
    raw = load_raw_tokens(files, folder)
    # Style Dictionary writes no @supports block: compare the sRGB values of :root.
    root = tokens_css(resolve_tokens(raw)).split("\n@supports")[0]
    return _properties(root), [p.message for p in raw.problems]


@pytest.mark.parametrize("name", FOLDERS)
def test_values_equal_style_dictionary_except_where_it_is_wrong(name: str) -> None:
    ours, _ = _ours(CORPUS / name)
    expected = _properties((CORPUS / name / "style-dictionary.css").read_text())
    different, left_out = DIFFERENT.get(name, {}), LEFT_OUT.get(name, set())
    assert len(expected) >= 8
    for token, sd_value in expected.items():
        if token in left_out:
            continue
        if token in different:
            assert different[token][0] == sd_value, token  # the table says what SD writes
            assert ours[token] == different[token][1], token
        else:
            assert ours.get(token) == sd_value, token
    assert set(ours) == set(expected) - left_out
    assert not left_out & set(ours)


@pytest.mark.parametrize("name", sorted(COMPONENT_COLOURS))
def test_colours_equal_style_dictionary(name: str) -> None:
    ours, _ = _ours(CORPUS / name)
    expected = _properties((CORPUS / name / "style-dictionary.css").read_text())
    assert {t: ours[t] for t in COMPONENT_COLOURS[name]} == {
        t: expected[t] for t in COMPONENT_COLOURS[name]}


def test_wide_gamut_colours_follow_in_their_own_space_under_supports() -> None:
    folder = CORPUS / "terrazzo"
    css = tokens_css(resolve_tokens(load_raw_tokens(find_token_files(folder, folder).files,
                                                    folder)))
    root, supports = css.split("\n@supports (color: oklch(0 0 0)) {\n")
    assert "--gradient-blue-to-green: linear-gradient(#1900ff 0%, #00ed85 100%);" in root
    assert _properties(supports) == {"gradient-blue-to-green": (
        "linear-gradient(oklch(0.4559 0.328 265.76) 0%, oklch(0.8206 0.286 156.71) 100%)")}


def test_the_corpus_covers_every_type_and_enough_design_systems() -> None:
    types: set[str] = set()
    for name in FOLDERS:
        for path in (CORPUS / name).rglob("*.json"):
            types |= set(re.findall(r'"\$?type": "([A-Za-z]+)"', path.read_text()))
    assert {"color", "dimension", "fontFamily", "fontWeight", "duration", "cubicBezier",
            "number", "border", "transition", "shadow", "gradient", "typography"} <= types
    assert len(FOLDERS) >= 6  # five design systems, Terrazzo's fixtures, a Tokens Studio export


def test_the_tokens_studio_export_skips_what_has_no_css_with_a_warning() -> None:
    _, warnings = _ours(CORPUS / "tokens-studio-spectrum")
    assert warnings == [
        "token 'default-font-style' has Tokens Studio type 'other', which has no CSS form: "
        "it is left out",
        "token 'italic-font-style' has Tokens Studio type 'other', which has no CSS form: "
        "it is left out",
    ]


@pytest.mark.parametrize("name", FOLDERS)
def test_each_folder_builds_as_a_brand_s_tokens(name: str, tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(MINIMAL, tmp_path / "brand")
    monkeypatch.chdir(tmp_path)
    # The corpus goes in a subfolder beside the brand's own tokens, merged after them.
    studio = (CORPUS / name / "$metadata.json").exists()
    target = tmp_path / "brand/tokens" if studio else tmp_path / "brand/tokens/zz-corpus"
    if studio:  # a Tokens Studio folder is the whole of tokens/: the brand's own become a set
        shutil.rmtree(target)
    shutil.copytree(CORPUS / name, target, ignore=shutil.ignore_patterns("*.css", "*.md"))
    if studio:
        _studio_with_the_brand_s_tokens(target)
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert result.exit_code == 0, result.output
    ours, _ = _ours(CORPUS / name)
    built = _properties((tmp_path / "dist/prod/tokens.css").read_text().split("\n@supports")[0])
    assert {k: v for k, v in built.items() if k in ours} == ours
    assert built["color-primary"] == "#004488"  # the brand's own, with prod's override


def _studio_with_the_brand_s_tokens(tokens: Path) -> None:
    # The brand's own tokens become a set every theme reads; prod takes desktop and light,
    # dev mobile and dark (tenants.toml's tokens_themes).
    shutil.copy(MINIMAL / "tokens/base.tokens.json", tokens / "brand.json")
    metadata = json.loads((tokens / "$metadata.json").read_text())
    metadata["tokenSetOrder"].insert(0, "brand")
    (tokens / "$metadata.json").write_text(json.dumps(metadata))
    themes = json.loads((tokens / "$themes.json").read_text())
    for theme in themes:
        theme["selectedTokenSets"]["brand"] = "source"
    (tokens / "$themes.json").write_text(json.dumps(themes))
    tenants = tokens.parent / "tenants.toml"
    text = tenants.read_text()
    for tenant, chosen in (("dev", '["mobile", "dark"]'), ("prod", '["desktop", "light"]')):
        text = text.replace(f"[tenants.{tenant}]\n", f"[tenants.{tenant}]\ntokens_themes = {chosen}\n")
    tenants.write_text(text)


@pytest.fixture
def studio_brand(tmp_path: Path, monkeypatch) -> Path:
    """The minimal brand with the Tokens Studio export as its tokens/."""
    shutil.copytree(MINIMAL, tmp_path / "brand")
    monkeypatch.chdir(tmp_path)
    shutil.rmtree(tmp_path / "brand/tokens")
    shutil.copytree(CORPUS / "tokens-studio-spectrum", tmp_path / "brand/tokens",
                    ignore=shutil.ignore_patterns("*.css"))
    _studio_with_the_brand_s_tokens(tmp_path / "brand/tokens")
    return tmp_path


def test_tenants_take_the_tokens_studio_themes_they_name(studio_brand: Path) -> None:
    tmp_path = studio_brand
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert result.exit_code == 0, result.output
    prod = _properties((tmp_path / "dist/prod/tokens.css").read_text())
    dev = _properties((tmp_path / "dist/dev/tokens.css").read_text())
    assert (prod["arrow-icon-size-75"], dev["arrow-icon-size-75"]) == ("10px", "12px")
    assert "background-opacity-down" in prod and "background-opacity-down" in dev


def test_an_unknown_tokens_studio_theme_is_named_with_a_did_you_mean(studio_brand: Path) -> None:
    tenants = studio_brand / "brand/tenants.toml"
    tenants.write_text(tenants.read_text().replace('"desktop", "light"', '"desktp"'))
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert result.exit_code == 1
    assert result.output == ("ERROR brand/tenants.toml:13: unknown Tokens Studio theme 'desktp' "
                             "(did you mean 'desktop'?)\n")
