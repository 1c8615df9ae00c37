"""Rendering built outputs with scenario data: the shared base of preview and snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from auth0_branding.auth0.contract import CHANGE_PASSWORD_SCRIPT
from auth0_branding.brand.scenarios import deep_merge, load_scenarios, scenarios_for
from auth0_branding.build.builder import build
from auth0_branding.errors import ConfigError
from auth0_branding.render.sample import asset_file, localise_assets, render_samples

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def samples():
    result = build(ROOT / "brand", ["dev"])
    return {s.key: s for s in render_samples(result.artifacts, load_scenarios(ROOT / "brand"))}


def test_every_page_and_email_renders_in_each_of_its_scenarios(samples):
    assert "dev/pages/login/login" in samples and "dev/pages/login/mfa" in samples
    assert "dev/pages/error_page/access_denied" in samples
    emails = {k for k in samples if k.startswith("dev/emails/verify_email/")}
    assert emails == {f"dev/emails/verify_email/{name}" for name in
                      ("default", "long-name", "missing-optional", "organization", "rtl")}


def test_login_gets_the_widget_mock_for_its_prompt_and_no_liquid_is_left(samples):
    signup = samples["dev/pages/login/signup"].html
    assert "auth0:" not in signup and "{{" not in signup and "{%" not in signup
    assert "ulp-mock-prompt-signup" in signup
    assert "Create your account" in signup
    assert "Members get free repairs for life" in signup  # the template's signup branch


def test_liquid_semantics_apply(samples):
    # An empty string is truthy in Liquid: a missing given name falls back only when absent.
    assert "Hi there," in samples["dev/emails/verify_email/missing-optional"].html
    assert "Hi Maya," in samples["dev/emails/verify_email/default"].html
    assert 'dir="rtl"' in samples["dev/emails/verify_email/rtl"].html


def test_untrusted_values_are_escaped_in_the_error_page(samples):
    html = samples["dev/pages/error_page/invalid_request"].html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_subjects_are_rendered_with_the_scenario(samples):
    assert samples["dev/emails/user_invitation/organization"].subject == (
        "Jonas Lindqvist invited you to Ridgeline Guiding Co. on Alder & Pine (Dev)")


def test_change_password_page_gets_an_offline_stand_in_for_the_widget(samples):
    html = samples["dev/pages/password_reset/default"].html
    assert CHANGE_PASSWORD_SCRIPT not in html
    assert 'data-preview-stub="change-password"' in html
    assert 'email: "maya.okafor@example.com"' in html


def test_asset_mapping_serves_only_files_inside_the_folder(tmp_path):
    (tmp_path / "assets" / "img").mkdir(parents=True)
    (tmp_path / "assets" / "img" / "logo.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("no")
    assets = {"https://cdn.example/": (tmp_path / "assets").resolve()}
    assert asset_file("https://cdn.example/img/logo.png?v=2", assets) == \
        (tmp_path / "assets/img/logo.png").resolve()
    assert asset_file("https://cdn.example/../secret.txt", assets) is None
    assert asset_file("https://other.example/img/logo.png", assets) is None
    html = '<img src="https://cdn.example/img/logo.png"><a href="https://other.example/x">'
    assert localise_assets(html, assets, lambda i, p: f"/__assets__/{i}/{p}") == (
        '<img src="/__assets__/0/img/logo.png"><a href="https://other.example/x">')


def test_scenarios_merge_common_group_and_template_data():
    scenarios = load_scenarios(ROOT / "brand")
    enrollment = scenarios_for(scenarios, "email", "enrollment_email")[0].data
    assert "url" not in enrollment and enrollment["link"].startswith("https://")
    assert enrollment["tenant"]["friendly_name"] == "Alder & Pine"  # from common.json
    assert deep_merge({"a": {"b": 1, "c": 2}}, {"a": {"c": None, "d": 3}}) == {"a": {"b": 1, "d": 3}}


@pytest.mark.parametrize("document, message", [
    ('{"scenarios": {\n  "a": "oops"}}', "login.json:2: 'scenarios.a' must be a JSON object"),
    ('{"defaults": [],\n "scenarios": {"a": {}}}', "login.json:1: 'defaults' must be a JSON object"),
    ('{"scenarios": {"a": {\n  "data": 3}}}', "login.json:2: 'scenarios.a.data' must be a JSON object"),
])
def test_fixtures_of_the_wrong_shape_are_errors_not_tracebacks(tmp_path, monkeypatch, document,
                                                              message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "login.json").write_text(document)
    with pytest.raises(ConfigError) as caught:
        load_scenarios(tmp_path)
    assert str(caught.value).split(" (")[0] == f"fixtures/{message}"
