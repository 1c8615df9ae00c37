"""A deprecated token warns wherever it is used: Sass, settings, build-time templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from brand_overlay import make_brand, run_cli

OLD = {"old": {"$type": "color", "$deprecated": "use color.primary instead",
               "panel": {"$value": "#123456"},
               "flag": {"$value": "#654321", "$deprecated": True}},
       "fresh": {"$type": "color", "$value": "#abcdef"}}
PANEL = ("token-deprecated 'old.panel' is deprecated (use color.primary instead; defined at "
         "brand/tokens/old.tokens.json:5)")
FLAG = "token-deprecated 'old.flag' is deprecated (defined at brand/tokens/old.tokens.json:8)"


@pytest.fixture
def brand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    brand = make_brand(None, tmp_path)
    (brand / "tokens" / "old.tokens.json").write_text(json.dumps(OLD, indent=2))
    monkeypatch.chdir(tmp_path)
    return brand


def _warnings(outcome_stderr: str) -> list[str]:
    return [line for line in outcome_stderr.splitlines() if "token-deprecated" in line]


def _build(*extra: str):
    return run_cli("build", "--brand", "brand", "--out", "dist", "--cache", "cache", *extra)


def test_sass_uses_warn_at_their_line_on_a_cold_and_a_warm_build(brand: Path) -> None:
    (brand / "styles" / "page.scss").write_text(
        '@import "tokens";\n@import "parts";\n'
        "// $old-panel in a comment\n"
        "/* var(--old-panel)\n   $old-flag */\n"
        ":root { @include token-custom-properties; }\n"
        "body { color: $old_panel; background: $fresh; }\n"
        '.a { color: token("old-flag"); border-color: var(--old-panel); }\n'
        "$old-panel: red;\n")
    (brand / "styles" / "_parts.scss").write_text(
        '.b { @include token-properties("old-panel"); content: "#{$old-flag}"; }\n')
    (brand / "styles" / "email.scss").write_text(
        '@import "tokens";\n.button { background: $old-panel; }\n')
    expected = [
        f"WARNING brand/styles/_parts.scss:1: {PANEL}",  # in the order of use
        f"WARNING brand/styles/_parts.scss:1: {FLAG}",
        f"WARNING brand/styles/email.scss:2: {PANEL}",
        f"WARNING brand/styles/page.scss:7: {PANEL}",
        f"WARNING brand/styles/page.scss:8: {FLAG}",
        f"WARNING brand/styles/page.scss:8: {PANEL}",
    ]
    cold = _build()
    assert cold.exit_code == 0, cold.stderr
    assert (Path("cache")).is_dir()
    warm = _build()  # every stage from the cache: the warnings come from the sources
    assert warm.exit_code == 0, warm.stderr
    assert _warnings(cold.stderr) == _warnings(warm.stderr) == expected


def test_settings_referencing_a_deprecated_token_warn_once_at_their_line(brand: Path) -> None:
    with (brand / "brand.toml").open("a") as toml:
        toml.write('\n[branding.colors]\nprimary = "{old.panel}"\n'
                   'page_background = "{fresh}"\n\n[colours]\nemail_background = "{old.flag}"\n')
    tenants = (brand / "tenants.toml").read_text().replace('"emails"]', '"emails", "branding"]')
    tenants = tenants.replace('manage = ["login", "password_reset", "error_page", "emails", '
                              '"branding"]\n\n[tenants.dev.variables]',
                              'manage = ["login", "password_reset", "error_page", "emails", '
                              '"branding", "organizations"]\n\n[tenants.dev.variables]')
    tenants += ('\n[tenants.dev.organizations.acme.branding.colors]\n'
                'primary = "{old.panel}"\npage_background = "#ffffff"\n')
    (brand / "tenants.toml").write_text(tenants)
    outcome = run_cli("check", "--brand", "brand", "--cache", "cache")
    assert outcome.exit_code == 0, outcome.stderr
    # Two tenants build brand.toml's branding: one warning each use, not one per tenant.
    assert _warnings(outcome.stderr) == [
        f"WARNING brand/brand.toml:18: {PANEL}",
        f"WARNING brand/brand.toml:22: {FLAG}",
        f"WARNING brand/tenants.toml:22: {PANEL}",
    ]


def test_build_time_jinja_reading_a_deprecated_token_warns(brand: Path) -> None:
    login = brand / "templates" / "pages" / "login.html"
    login.write_text(login.read_text().replace(
        "[% block body %]",
        '[% block body %]\n  <p style="color: [[ tokens.old.flag ]]">[[ tokens["old"].panel ]]'
        "[[ tokens.fresh ]]</p>\n  [# [[ tokens.old.panel ]] #]"))
    outcome = _build()
    assert outcome.exit_code == 0, outcome.stderr
    assert _warnings(outcome.stderr) == [
        f"WARNING brand/templates/pages/login.html:6: {FLAG}",
        f"WARNING brand/templates/pages/login.html:6: {PANEL}",
    ]


def test_strict_makes_a_deprecated_use_fatal(brand: Path) -> None:
    (brand / "styles" / "email.scss").write_text(
        '@import "tokens";\n.button { background: $old-panel; }\n')
    outcome = run_cli("check", "--brand", "brand", "--strict", "--format", "json")
    assert outcome.exit_code != 0
    assert outcome.problems() == [("warning", "token-deprecated", PANEL.split(" ", 1)[1],
                                   "brand/styles/email.scss", 2)]
    assert _build("--strict").exit_code != 0
    assert not Path("dist").exists()


def test_no_warning_without_a_deprecated_token_in_use(brand: Path) -> None:
    # [branding] is built for no tenant here (none manages it), so nothing reads the alias.
    with (brand / "brand.toml").open("a") as toml:
        toml.write('\n[branding.colors]\nprimary = "{old.panel}"\n')
    outcome = _build()
    assert outcome.exit_code == 0, outcome.stderr
    assert _warnings(outcome.stderr) == []


def test_a_name_beyond_ascii_is_found(brand: Path) -> None:
    (brand / "tokens" / "farbe.tokens.json").write_text(
        '{\n  "farbe": {"$type": "color", "$deprecated": true,\n'
        '    "grün": {"$value": "#00aa00"}\n  }\n}', encoding="utf-8")
    (brand / "styles" / "email.scss").write_text(
        '@import "tokens";\n.button { color: $farbe-grün; }\n', encoding="utf-8")
    outcome = _build()
    assert outcome.exit_code == 0, outcome.stderr
    assert _warnings(outcome.stderr) == [
        "WARNING brand/styles/email.scss:2: token-deprecated 'farbe.grün' is deprecated "
        "(defined at brand/tokens/farbe.tokens.json:3)"]
