"""Alpha and wide-gamut colours reach every output, each in the form its target takes.

The alpha fixture (tests/fixtures/alpha/, over the minimal brand) writes its colours in the
DTCG object form: an oklch primary at alpha 0.9, muted text of black at alpha 0.5 beside a
`hex` fallback, an hsl page background at 0.5, a shadow aliasing the muted text, and prod's
override of the primary as a display-p3 colour at 0.75 in tenants.toml.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from brand_overlay import FIXTURES, build_overlay, make_brand, run_cli

from auth0_branding.brand.tokens import (
    keep_used_tokens,
    load_raw_tokens,
    resolve_tokens,
    to_scss,
    tokens_css,
)
from auth0_branding.build.styles import compile_css

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    return build_overlay(FIXTURES / "alpha", tmp_path_factory.mktemp("alpha"))


def _style(page: Path) -> str:
    found = re.search(r"<style>(.*?)</style>", page.read_text(encoding="utf-8"), re.S)
    assert found is not None
    return found.group(1)


def test_pages_keep_the_written_space_with_an_srgb_fallback(dist: Path) -> None:
    css = _style(dist / "dev/pages/login.html")
    # sRGB first, for every browser; the original space where CSS Color 4 is read.
    assert ":root{--color-background:#ffffff;--color-primary:#0053a5e6;" in css
    assert "--color-text-body:#1a1a1ae6;--color-text-muted:#00000080;--color-veil:#f1f5f980;" in css
    assert "--shadow-card:0px 1px 2px 0px #00000080}" in css
    assert "@supports (color: oklch(0 0 0)){:root{--color-primary:oklch(0.45 0.15 255 / 0.9)}}" in css
    # Sass functions get sRGB literals, alpha and all.
    assert ".sass{border-color:rgba(0,83,165,0.901961)}" in css


def test_a_tenant_override_keeps_its_space_and_alpha(dist: Path) -> None:
    css = _style(dist / "prod/pages/login.html")
    assert "--color-primary:#004e9ebf;" in css
    assert "{:root{--color-primary:color(display-p3 0.1 0.3 0.6 / 0.75)}}" in css


def test_emails_get_opaque_hex_blended_onto_their_background(dist: Path) -> None:
    dev = (dist / "dev/emails/verify_email.html").read_text(encoding="utf-8")
    prod = (dist / "prod/emails/verify_email.html").read_text(encoding="utf-8")
    # Black at 0.5 on white is #808080, which libsass writes by its name.
    assert 'style="color:gray"' in dev
    assert 'style="background:#1964ae; padding:16px; box-shadow:0 1px 2px 0 gray"' in dev
    assert 'style="background:#407ab7; padding:16px; box-shadow:0 1px 2px 0 gray"' in prod
    for html in (dev, prod):
        assert "rgba(" not in html and "oklch" not in html and "display-p3" not in html
        assert not re.search(r"#[0-9a-f]{8}\b", html)  # no alpha hex either: Outlook drops it


def test_templates_read_each_outputs_own_literal(dist: Path) -> None:
    # A value in a template has no @supports to fall back on: sRGB with its alpha in pages,
    # the blended hex in emails (hsl(210 40% 96%) at 0.5 on white).
    page = (dist / "prod/pages/login.html").read_text(encoding="utf-8")
    assert '<meta name="theme-color" content="#004e9ebf">' in page
    email = (dist / "dev/emails/verify_email.html").read_text(encoding="utf-8")
    assert 'bgcolor="#f8fafc"' in email


def test_the_theme_and_branding_get_auth0s_8_digit_hex(dist: Path) -> None:
    dev = json.loads((dist / "dev/theme.json").read_text(encoding="utf-8"))["colors"]
    prod = json.loads((dist / "prod/theme.json").read_text(encoding="utf-8"))["colors"]
    assert dev["body_text"] == "#1a1a1ae6"
    assert dev["input_labels_placeholders"] == "#00000080"  # not the same as opaque black
    assert dev["primary_button"] == dev["links_focused_components"] == "#0053a5e6"
    assert prod["primary_button"] == "#004e9ebf"
    for tenant, primary in (("dev", "#0053a5e6"), ("prod", "#004e9ebf")):
        branding = json.loads((dist / tenant / "branding.json").read_text(encoding="utf-8"))
        assert branding["colors"] == {"page_background": "#f1f5f980", "primary": primary}


def test_literal_colours_in_brand_toml_become_auth0_hex(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    brand = make_brand(FIXTURES / "alpha", tmp_path)
    toml = brand / "brand.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('error = "#d03c38"', 'error = "oklch(0.5 0.2 25)"')
    text = text.replace('success = "#13a688"', 'success = "rgb(19 166 136 / 50%)"')
    toml.write_text(text, encoding="utf-8")
    outcome = run_cli("build", "--brand", "brand", "--out", "dist", "--tenant", "dev")
    assert outcome.exit_code == 0, outcome.stderr
    colours = json.loads((tmp_path / "dist/dev/theme.json").read_text(encoding="utf-8"))["colors"]
    assert colours["error"] == "#bb061e"  # as color.js maps it
    assert colours["success"] == "#13a68880"


def test_organization_colours_become_auth0_hex(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    brand = make_brand(FIXTURES / "alpha", tmp_path)
    tenants = brand / "tenants.toml"
    text = tenants.read_text(encoding="utf-8").replace(
        '"branding", "theme"]', '"branding", "theme", "organizations"]', 1)
    tenants.write_text(text + '\n[tenants.dev.organizations.acme.branding]\n'
                       'colors = { primary = "oklch(0.5 0.1 250 / 0.5)", '
                       'page_background = "{color.veil}" }\n', encoding="utf-8")
    outcome = run_cli("build", "--brand", "brand", "--out", "dist", "--tenant", "dev")
    assert outcome.exit_code == 0, outcome.stderr
    org = json.loads((tmp_path / "dist/dev/organizations/acme.json").read_text(encoding="utf-8"))
    # The primary as color.js writes it.
    assert org["branding"]["colors"] == {"page_background": "#f1f5f980", "primary": "#32669a80"}


def test_the_reference_brands_card_shadow_stays_translucent_in_the_object_form(
        tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    brand = tmp_path / "brand"
    shutil.copytree(REPO / "brand", brand)
    core = brand / "tokens/core.tokens.json"
    text = core.read_text(encoding="utf-8")
    for hex_, components, alpha in (("#17201c14", [0.0902, 0.1255, 0.1098], 0.08),
                                    ("#17201c1f", [0.0902, 0.1255, 0.1098], 0.12)):
        value = {"colorSpace": "srgb", "components": components, "alpha": alpha, "hex": hex_[:7]}
        text = text.replace(f'"{hex_}"', json.dumps(value))
    core.write_text(text, encoding="utf-8")
    outcome = run_cli("build", "--brand", "brand", "--out", "dist", "--tenant", "prod")
    assert outcome.exit_code == 0, outcome.stderr
    css = _style(tmp_path / "dist/prod/pages/login.html")
    assert "--shadow-card:0px 1px 2px 0px #17201c14, 0px 12px 32px -8px #17201c1f" in css


def _wide_tokens(tmp_path: Path):
    path = tmp_path / "t.tokens.json"
    p3 = {"colorSpace": "display-p3", "components": [1, 0, 0], "alpha": 0.5}
    path.write_text(json.dumps({
        "color": {"$type": "color", "red": {"$value": p3}, "ink": {"$value": "#123456"}},
        "border": {"$type": "border", "alert": {"$value": {
            "color": "{color.red}", "width": "1px", "style": "solid"}}},
        "gradient": {"$type": "gradient", "fade": {"$value": [
            {"color": "{color.red}", "position": 0}, {"color": "#fff", "position": 1}]}},
    }), encoding="utf-8")
    return resolve_tokens(load_raw_tokens([path], tmp_path))


def test_composites_write_their_colours_for_each_target(tmp_path) -> None:
    tokens = _wide_tokens(tmp_path)
    entry = tmp_path / "s.scss"
    entry.write_text('@import "tokens";\n:root { @include token-custom-properties; }\n'
                     ".alert { border: $border-alert; color: $border-alert-border-color; }\n"
                     ".fade { background: $gradient-fade; }\n", encoding="utf-8")
    page = keep_used_tokens(compile_css(entry, to_scss(tokens, "page")), tokens)
    # sRGB (gamut-mapped, alpha kept) for every browser, display-p3 where CSS Color 4 is read.
    assert page.startswith(":root{--border-alert:1px solid #ff0b0c80;"
                           "--gradient-fade:linear-gradient(#ff0b0c80 0%, #ffffff 100%)}")
    assert ("@supports (color: oklch(0 0 0)){:root{--border-alert:1px solid "
            "color(display-p3 1 0 0 / 0.5);--gradient-fade:linear-gradient("
            "color(display-p3 1 0 0 / 0.5) 0%, #ffffff 100%)}}") in page
    assert ".alert{border:var(--border-alert);color:rgba(255,11,12,0.501961)}" in page
    email = compile_css(entry, to_scss(tokens, "email"))
    # Blended onto white, opaque: Outlook reads no alpha.
    assert ".alert{border:1px solid #ff8585;color:#ff8585}" in email
    assert ".fade{background:linear-gradient(#ff8585 0%, #fff 100%)}" in email


def test_a_page_reading_no_wide_colour_gets_no_supports_block(tmp_path) -> None:
    tokens = _wide_tokens(tmp_path)
    entry = tmp_path / "s.scss"
    entry.write_text('@import "tokens";\n:root { @include token-custom-properties; }\n'
                     "p { color: $color-ink; }\n", encoding="utf-8")
    page = keep_used_tokens(compile_css(entry, to_scss(tokens, "page")), tokens)
    assert page == ":root{--color-ink:#123456}p{color:var(--color-ink)}\n"


def test_tokens_css_is_srgb_with_the_wide_colours_after_it(tmp_path) -> None:
    css = tokens_css(_wide_tokens(tmp_path))
    assert "  --color-red: #ff0b0c80;\n" in css
    assert css.endswith("@supports (color: oklch(0 0 0)) {\n  :root {\n"
                        "    --border-alert: 1px solid color(display-p3 1 0 0 / 0.5);\n"
                        "    --color-red: color(display-p3 1 0 0 / 0.5);\n"
                        "    --gradient-fade: linear-gradient(color(display-p3 1 0 0 / 0.5) 0%, "
                        "#ffffff 100%);\n  }\n}\n")
