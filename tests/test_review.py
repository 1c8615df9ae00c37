"""Review: real headless Chromium screenshots, compared with a git ref pixel by pixel."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from auth0_branding.cli import cli
from auth0_branding.review.browser import find_chromium
from auth0_branding.review.gallery_run import plan_views, review
from auth0_branding.review.shots import Shot, capture, diff_images
from auth0_branding.review.views import View

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
BRAND = REPO / "brand"

needs_chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium on this machine: apt-get install -y chromium (or set CHROMIUM_PATH)",
)
pytest.importorskip("PIL", reason="Pillow is not installed: pip install 'auth0-branding[review]'")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Review Test",
                    "-c", "user.email=review@example.com", "-c", "commit.gpgsign=false", *args],
                   check=True, capture_output=True, timeout=60)


@pytest.fixture
def repo_brand(tmp_path: Path) -> Path:
    """A copy of the reference brand, committed in a git repository of its own."""
    repo = tmp_path / "repo"
    shutil.copytree(BRAND, repo / "brand")
    _git(repo, "init", "--quiet")
    _git(repo, "add", "brand")
    _git(repo, "commit", "--quiet", "-m", "base brand")
    return repo / "brand"


def _set_token(brand: Path, old: str, new: str, file: str) -> None:
    path = brand / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{file} no longer holds {old!r}: update this test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _keys(result, status: str) -> set[str]:
    return {c.view.key for c in result.comparisons if c.status == status}


@needs_chromium
def test_one_tenant_token_change_marks_exactly_that_tenants_views(
    repo_brand: Path, tmp_path: Path
):
    # The page background shows in every page view; only dev's override changes.
    _set_token(repo_brand, '[tenants.dev.tokens]\n',
               '[tenants.dev.tokens]\n"color.page.background" = "#ffe4f0"\n', "tenants.toml")
    out = tmp_path / "review"
    result = review(repo_brand, out, ("dev", "staging"), base="HEAD", only=("pages",))

    dev = {c.view.key for c in result.comparisons if c.view.tenant == "dev"}
    assert dev and _keys(result, "changed") == dev
    assert _keys(result, "unchanged") == {
        c.view.key for c in result.comparisons if c.view.tenant == "staging"}
    assert result.count("added") == result.count("removed") == 0
    for comparison in result.comparisons:
        if comparison.status == "changed":
            assert comparison.changed_pixels > 0
            assert (out / comparison.diff).stat().st_size > 0
            assert (out / comparison.before).is_file() and (out / comparison.after).is_file()
    _assert_gallery_is_self_contained(out)


@needs_chromium
def test_shared_token_change_marks_only_views_that_show_it(repo_brand: Path, tmp_path: Path):
    # The notice colour sits in every login page's CSS, but only some scenarios show a notice:
    # the others' HTML differs while their pixels must not.
    notice = '"notice": { "$value": "{palette.pine.50}" }'
    _set_token(repo_brand, notice, '"notice": { "$value": "#ffd400" }',
               "tokens/semantic.tokens.json")
    plan = plan_views(repo_brand, ("dev",), ("login",), strict=True)
    showing = {v.key for v, html in plan.views.items() if 'class="ap-notice"' in html}
    result = review(repo_brand, tmp_path / "review", ("dev",), base="HEAD", only=("login",))

    assert showing and showing != {c.view.key for c in result.comparisons}
    assert _keys(result, "changed") == showing
    quiet = [c for c in result.comparisons if c.status == "unchanged"]
    assert quiet and all(c.html_changed for c in quiet)


@needs_chromium
def test_a_changed_asset_file_alone_marks_the_views_showing_it(repo_brand: Path, tmp_path: Path):
    from PIL import Image

    logo = repo_brand / "assets" / "brand" / "logo-256.png"
    assert logo.is_file(), "the reference brand no longer maps its logo: update this test"
    with Image.open(logo) as image:
        size = image.size
    Image.new("RGB", size, (255, 0, 255)).save(logo)
    result = review(repo_brand, tmp_path / "review", ("dev",), base="HEAD", only=("login",))

    assert result.comparisons and {c.status for c in result.comparisons} == {"changed"}
    assert not any(c.html_changed for c in result.comparisons)


@needs_chromium
def test_unchanged_brand_yields_zero_changed_views(repo_brand: Path, tmp_path: Path):
    out = tmp_path / "review"
    outcome = CliRunner().invoke(cli, [
        "review", "--brand", str(repo_brand), "--out", str(out), "--tenant", "dev",
        "--only", "pages", "--only", "verify_email", "--base", "HEAD",
    ])
    assert outcome.exit_code == 0, outcome.output
    assert re.search(r"against HEAD: 0 changed, 0 added, 0 removed, (\d+) unchanged",
                     outcome.stdout)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<li class="changed">0 changed</li>' in index
    assert "unchanged view(s)</summary>" in index
    assert list((out / "current/dev/emails/verify_email").glob("*-600px.png"))
    assert not (out / "diff").exists()
    _assert_gallery_is_self_contained(out)


@needs_chromium
def test_gallery_without_base_groups_views_by_tenant_and_output(tmp_path: Path):
    out = tmp_path / "review"
    result = review(BRAND, out, ("prod",), only=("login", "welcome_email"))
    widths = {(c.view.kind, c.view.width) for c in result.comparisons}
    assert widths == {("page", 375), ("page", 1280), ("email", 375), ("email", 600)}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<h2>Tenant prod</h2>" in index
    assert index.index("pages / login") < index.index("emails / welcome_email")
    _assert_gallery_is_self_contained(out)
    # A second run replaces the folder whole; a stranger's folder is never replaced.
    review(BRAND, out, ("prod",), only=("login",))
    assert not (out / "current/prod/emails").exists()
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "keep.txt").write_text("mine")
    outcome = CliRunner().invoke(cli, ["review", "--brand", str(BRAND), "--out", str(stranger),
                                       "--tenant", "prod", "--only", "login"])
    assert outcome.exit_code == 1 and "was not written by review" in outcome.stderr
    assert (stranger / "keep.txt").read_text() == "mine"


@needs_chromium
def test_the_same_html_screenshots_to_the_same_pixels(tmp_path: Path):
    plan = plan_views(BRAND, ("dev",), ("login",), strict=True)
    html = plan.views[View("dev", "page", "login", "signup", 375, "en")]
    capture([Shot(html, 375, tmp_path / f"{name}.png", plan.assets) for name in "ab"], jobs=2)
    assert diff_images(tmp_path / "a.png", tmp_path / "b.png", tmp_path / "d.png") == (0, 0)
    assert not (tmp_path / "d.png").exists()


def test_diff_images_counts_a_size_change_as_changed(tmp_path: Path):
    from PIL import Image

    Image.new("RGB", (10, 10), "white").save(tmp_path / "a.png")
    grown = Image.new("RGB", (10, 12), "white")
    grown.putpixel((0, 0), (254, 255, 255))  # a one-level change still counts
    grown.save(tmp_path / "b.png")
    changed, total = diff_images(tmp_path / "a.png", tmp_path / "b.png", tmp_path / "d.png")
    assert (changed, total) == (1 + 20, 120)
    with Image.open(tmp_path / "d.png") as diff:
        assert diff.size == (10, 12)
        assert diff.getpixel((0, 11)) == (255, 0, 110)


def test_review_base_outside_git_is_a_clear_error(tmp_path: Path):
    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    outcome = CliRunner().invoke(cli, ["review", "--brand", str(brand), "--out",
                                       str(tmp_path / "out"), "--base", "HEAD", "--only",
                                       "login", "--tenant", "dev"])
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("ERROR git rev-parse:")
    assert "inside a git repository" in outcome.stderr


def test_review_only_rejects_unknown_outputs(tmp_path: Path):
    outcome = CliRunner().invoke(cli, ["review", "--brand", str(BRAND), "--out",
                                       str(tmp_path / "out"), "--only", "logn"])
    assert outcome.exit_code == 1
    assert "ERROR --only 'logn' matches no output (did you mean 'login'?)" in outcome.stderr


def _assert_gallery_is_self_contained(out: Path) -> None:
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert links
    for link in links:
        if link.startswith("#"):
            continue
        assert not re.match(r"[a-z]+:|/", link), link
        assert (out / unquote(link)).is_file(), link
    assert str(out) not in index


def test_review_base_must_name_a_commit(repo_brand: Path, tmp_path: Path):
    outcome = CliRunner().invoke(cli, ["review", "--brand", str(repo_brand), "--out",
                                       str(tmp_path / "out"), "--base", "no-such-ref",
                                       "--only", "login", "--tenant", "dev"])
    assert outcome.exit_code == 1
    assert "'no-such-ref' is not a commit here" in outcome.stderr
    assert not (tmp_path / "out").exists()


def test_a_scenario_name_cannot_lead_a_screenshot_out_of_the_gallery(tmp_path: Path):
    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    fixtures = brand / "fixtures" / "login.json"
    text = fixtures.read_text(encoding="utf-8")
    fixtures.write_text(text.replace('"login": {', '"../../../escaped": {', 1), encoding="utf-8")
    outcome = CliRunner().invoke(cli, ["review", "--brand", str(brand), "--out",
                                       str(tmp_path / "out"), "--only", "login", "--tenant",
                                       "dev"])
    assert outcome.exit_code == 1
    assert "scenario name '../../../escaped' cannot name a snapshot file" in outcome.stderr
    assert not list(tmp_path.rglob("escaped*"))


@needs_chromium
def test_the_gallery_lists_the_languages_and_shows_each_one(tmp_path: Path, monkeypatch):
    from brand_overlay import FIXTURES, make_brand

    monkeypatch.chdir(tmp_path)
    brand = make_brand(FIXTURES / "multilingual", tmp_path)
    out = tmp_path / "review"
    result = review(brand, out, ("dev",), only=("error_page", "verify_email"))
    assert result.languages == ("en", "fr", "ar")
    shown = {(c.view.name, c.view.scenario, c.view.language) for c in result.comparisons}
    assert shown == {("error_page", "access_denied", code) for code in ("en", "fr", "ar")} | {
        ("verify_email", "default", code) for code in ("en", "fr", "ar")} | {
        ("verify_email", "arabic-user", "ar")}
    assert (out / "current/dev/pages/error_page/access_denied.ar-375px.png").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    languages = re.search(r'<p class="languages" id="languages">(.*?)</p>', index, re.S)
    assert re.findall(r"<code>([^<]+)</code>", languages.group(1)) == ["en", "fr", "ar"]
    assert "Arabic · <span lang=\"ar\">العربية</span>" in languages.group(1)
    assert re.findall(r'<figcaption>access_denied · <span class="language">(\w+)</span> · 375 px',
                      index) == ["en", "fr", "ar"]
    _assert_gallery_is_self_contained(out)


@needs_chromium
def test_the_gallery_covers_partials_phone_messages_and_organization_branding(tmp_path: Path):
    plan = plan_views(BRAND, ("prod",), (), strict=True)
    phones = {(v.name, v.language) for v in plan.views if v.kind == "phone"}
    assert phones == {(m, lang) for m in ("otp_verify", "otp_enroll", "change_password",
                                          "blocked_account", "password_breach")
                      for lang in ("en", "fr", "de", "ar")}
    assert {v.width for v in plan.views if v.kind == "phone"} == {375}
    # The signup view carries the terms partial inside the widget, in each language.
    signup = plan.views[View("prod", "page", "login", "signup", 375, "en")]
    assert 'name="ulp-terms"' in signup
    # The organization scenario shows Ridgeline Guiding Co.'s own branding.
    mfa = plan.views[View("prod", "page", "login", "mfa", 1280, "en")]
    assert "organizations/ridgeline-guides.png" in mfa
    arabic = plan.views[View("prod", "phone", "otp_verify", "default", 375, "ar")]
    capture([Shot(arabic, 375, tmp_path / "sms.png", plan.assets)], jobs=1)
    from PIL import Image

    with Image.open(tmp_path / "sms.png") as shot:
        assert shot.size[0] == 375 and shot.getbbox() is not None
