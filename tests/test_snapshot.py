"""Snapshots: deterministic, checked against the committed ones, accepted with --update."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auth0_branding.cli import cli
from auth0_branding.review.snapshot import format_css, normalise_html

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
BRAND = REPO / "brand"
COMMITTED = REPO / "tests" / "snapshots"


def _run(*args: str):
    return CliRunner().invoke(cli, ["snapshot", *args])


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def brand(tmp_path: Path) -> Path:
    copy = tmp_path / "brand"
    shutil.copytree(BRAND, copy)
    return copy


def test_committed_snapshots_match_the_reference_brand():
    result = _run("--brand", str(BRAND), "--out", str(COMMITTED), "--check")
    assert result.exit_code == 0, (
        "the rendered outputs differ from tests/snapshots/: if intended, run "
        "`python build.py snapshot --update` and commit the result\n"
        + result.stderr + result.stdout[:4000]
    )


def test_same_inputs_give_byte_identical_snapshots(tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    assert _run("--brand", str(BRAND), "--out", str(first)).exit_code == 0
    assert _run("--brand", str(BRAND), "--out", str(second)).exit_code == 0
    files = _files(first)
    assert files == _files(second)
    assert any(p.startswith("raw/dev/") for p in files)
    assert any(p.startswith("rendered/prod/emails/verify_email/") for p in files)


def test_snapshots_hold_no_absolute_paths(brand: Path, tmp_path: Path):
    out = tmp_path / "snaps"
    assert _run("--brand", str(brand), "--out", str(out)).exit_code == 0
    for path, content in _files(out).items():
        text = content.decode("utf-8")
        assert str(tmp_path) not in text, path
        assert str(REPO) not in text, path


def test_check_fails_after_a_template_edit_and_passes_after_update(brand: Path, tmp_path: Path):
    out = tmp_path / "snaps"
    assert _run("--brand", str(brand), "--out", str(out), "--update").exit_code == 0
    assert _run("--brand", str(brand), "--out", str(out), "--check").exit_code == 0

    template = brand / "templates" / "emails" / "welcome_email.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "</h1>", "</h1><p>Snapshot canary paragraph</p>", 1), encoding="utf-8")
    before = _files(out)
    checked = _run("--brand", str(brand), "--out", str(out), "--check")
    assert checked.exit_code == 1
    assert "--- a/rendered/dev/emails/welcome_email/default.en.html" in checked.output
    assert "+++ b/raw/prod/emails/welcome_email.html" in checked.output
    assert any(line.startswith("+") and "Snapshot canary paragraph" in line
               for line in checked.output.splitlines())
    assert "snapshot --update" in checked.stderr
    assert "verify_email" not in "".join(
        line for line in checked.output.splitlines(keepends=True) if line.startswith("+++"))
    assert _files(out) == before, "--check must write nothing"

    assert _run("--brand", str(brand), "--out", str(out), "--update").exit_code == 0
    assert _run("--brand", str(brand), "--out", str(out), "--check").exit_code == 0


def test_check_reports_added_and_removed_snapshots(brand: Path, tmp_path: Path):
    out = tmp_path / "snaps"
    assert _run("--brand", str(brand), "--out", str(out)).exit_code == 0
    (out / "rendered/dev/emails/welcome_email/default.en.html").unlink()
    (out / "rendered/dev/emails/retired_email").mkdir()
    (out / "rendered/dev/emails/retired_email/default.html").write_text("<p>old</p>\n")
    checked = _run("--brand", str(brand), "--out", str(out), "--check")
    assert checked.exit_code == 1
    assert "--- /dev/null\n+++ b/rendered/dev/emails/welcome_email/default.en.html" in checked.output
    assert "--- a/rendered/dev/emails/retired_email/default.html\n+++ /dev/null" in (
        checked.output)
    assert "1 added, 1 removed" in checked.stderr

    assert _run("--brand", str(brand), "--out", str(out), "--update").exit_code == 0
    assert not (out / "rendered/dev/emails/retired_email").exists()
    assert _run("--brand", str(brand), "--out", str(out), "--check").exit_code == 0


def test_one_tenant_leaves_the_other_tenants_snapshots_alone(brand: Path, tmp_path: Path):
    out = tmp_path / "snaps"
    assert _run("--brand", str(brand), "--out", str(out), "--tenant", "prod").exit_code == 0
    assert _run("--brand", str(brand), "--out", str(out), "--tenant", "dev").exit_code == 0
    tenants = {p.split("/")[1] for p in _files(out)}
    assert tenants == {"dev", "prod"}
    assert _run("--brand", str(brand), "--out", str(out), "--check",
                "--tenant", "dev").exit_code == 0


def test_email_snapshots_carry_the_rendered_subject(tmp_path: Path):
    out = tmp_path / "snaps"
    assert _run("--brand", str(BRAND), "--out", str(out), "--tenant", "dev").exit_code == 0
    first = (out / "rendered/dev/emails/verify_email_by_code/default.en.html").read_text()
    assert first.startswith("<!-- subject: 482913 is your Alder & Pine (Dev) verification code")


def test_check_and_update_together_is_a_usage_error(tmp_path: Path):
    result = _run("--brand", str(BRAND), "--out", str(tmp_path), "--check", "--update")
    assert result.exit_code == 2


def test_normalise_html_puts_one_node_per_line_and_shows_invisible_characters():
    html = ('<!DOCTYPE html><html><head><style>a{color:red;margin:0}@media (max-width:9px)'
            '{b{content:"x;}"}}</style></head><body><p class="a  b">Hi&nbsp;<b>you</b></p>'
            "</body></html>")
    assert normalise_html(html) == (
        "<!DOCTYPE html>\n"
        "<html>\n"
        "  <head>\n"
        "    <style>\n"
        "      a {\n"
        "        color:red;\n"
        "        margin:0\n"
        "      }\n"
        "      @media (max-width:9px) {\n"
        "        b {\n"
        '          content:"x;}"\n'
        "        }\n"
        "      }\n"
        "    </style>\n"
        "  </head>\n"
        "  <body>\n"
        '    <p class="a b">\n'
        "      Hi&#x00a0;\n"
        "      <b>\n"
        "        you\n"
        "      </b>\n"
        "    </p>\n"
        "  </body>\n"
        "</html>\n"
    )


def test_format_css_keeps_comments_and_strings_whole():
    assert format_css('/* a; b { */ x { y: "}" }') == '/* a; b { */ x {\n  y: "}"\n}'


# -- a brand in several languages ---------------------------------------------------------------


@pytest.fixture
def multilingual(tmp_path: Path, monkeypatch) -> Path:
    from brand_overlay import FIXTURES, make_brand

    monkeypatch.chdir(tmp_path)
    make_brand(FIXTURES / "multilingual", tmp_path)
    return Path("brand")


def _rendered(files: dict[str, bytes], tenant: str = "dev") -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in files:
        top, owner, kind, output, name = (path.split("/") + [""] * 5)[:5]
        if top == "rendered" and owner == tenant:
            found.setdefault(f"{kind}/{output}", set()).add(name)
    return found


def test_each_output_shows_its_first_scenario_in_every_language(multilingual: Path,
                                                               tmp_path: Path):
    out = tmp_path / "snaps"
    assert _run("--brand", str(multilingual), "--out", str(out)).exit_code == 0
    files = _files(out)
    # The first scenario once per language, every other one once, in the language it names.
    assert _rendered(files) == {
        "pages/login": {"login.en.html", "login.fr.html", "login.ar.html", "signup.en.html"},
        "pages/password_reset": {"default.en.html", "default.fr.html", "default.ar.html"},
        "pages/error_page": {"access_denied.en.html", "access_denied.fr.html",
                             "access_denied.ar.html"},
        "emails/verify_email": {"default.en.html", "default.fr.html", "default.ar.html",
                                "arabic-user.ar.html"},
        "emails/enrollment_email": {"default.en.html", "default.fr.html", "default.ar.html",
                                    "arabic-user.ar.html"},
    }
    assert "raw/dev/prompts/login/custom-text/ar.json" in files
    folder = out / "rendered/dev"
    arabic = (folder / "emails/verify_email/default.ar.html").read_text(encoding="utf-8")
    assert arabic.startswith("<!-- subject: أكّد بريدك الإلكتروني لدى")
    assert re.search(r'<html dir="rtl" lang="ar">', arabic)
    assert "Bonjour Zoé," in (folder / "emails/verify_email/default.fr.html").read_text(
        encoding="utf-8")
    login = (folder / "pages/login/login.ar.html").read_text(encoding="utf-8")
    assert re.search(r'<html dir="rtl" lang="ar">', login)
    assert "مرحبًا بعودتك" in login and 'dir="rtl"' in login.split("ulp-mock-prompt-login")[1]
    own = (folder / "emails/verify_email/arabic-user.ar.html").read_text(encoding="utf-8")
    assert re.search(r'<html dir="rtl" lang="ar">', own)


def test_a_translation_edit_changes_only_that_languages_snapshots(multilingual: Path,
                                                                  tmp_path: Path):
    out = tmp_path / "snaps"
    assert _run("--brand", str(multilingual), "--out", str(out), "--tenant", "dev").exit_code == 0
    catalogue = multilingual / "translations/fr.json"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(
        '"Confirmer"', '"Valider"'), encoding="utf-8")
    checked = _run("--brand", str(multilingual), "--out", str(out), "--check", "--tenant", "dev")
    assert checked.exit_code == 1
    changed = re.findall(r"^\+\+\+ b/(\S+)", checked.output, re.M)
    # The email holds every language; of its renderings only the French one changes.
    assert changed == ["raw/dev/emails/verify_email.html",
                       "rendered/dev/emails/verify_email/default.fr.html"]
