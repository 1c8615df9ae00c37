"""The reference brand as a customer sees it: the change password page matches login, and
the sample texts follow the brand's own variables."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from auth0_branding.brand.scenarios import load_scenarios
from auth0_branding.build.builder import build
from auth0_branding.errors import ConfigError
from auth0_branding.render.sample import render_samples
from auth0_branding.review.browser import find_chromium, launch_chromium

ROOT = Path(__file__).resolve().parents[1]
BRAND = ROOT / "brand"
needs_chromium = pytest.mark.skipif(
    find_chromium() is None, reason="no Chromium found: apt-get install -y chromium "
    "(or set CHROMIUM_PATH)")
needs_playwright = pytest.mark.skipif(
    importlib.util.find_spec("playwright") is None,
    reason="Playwright is not installed: pip install -e '.[test]'")


def _samples(brand: Path, tenant: str = "dev") -> dict[str, str]:
    result = build(brand, [tenant])
    return {s.key: s.html for s in render_samples(result.artifacts, load_scenarios(brand))}


def _computed(page, selector: str, *properties: str) -> list[str]:
    return page.eval_on_selector(
        selector, "(node, names) => names.map(n => getComputedStyle(node)"
        ".getPropertyValue(n))", list(properties))


@needs_chromium
@needs_playwright
def test_the_change_password_page_matches_the_login_widget() -> None:
    samples = _samples(BRAND)
    with launch_chromium() as browser:
        page = browser.new_page()
        page.set_content(samples["dev/pages/login/login"])
        login_title = _computed(page, ".ulp-mock-title", "font-weight", "color")
        login_input = _computed(page, ".ulp-mock-input", "border-top-width",
                                "border-top-color", "border-top-left-radius")
        page.set_content(samples["dev/pages/password_reset/default"])
        assert _computed(page, "#change-password-widget-container h2", "font-weight",
                         "color") == login_title
        assert _computed(page, "#change-password-widget-container input", "border-top-width",
                         "border-top-color", "border-top-left-radius") == login_input
        text = page.inner_text("#change-password-widget-container")
        # The policy is spelt out as the rules Auth0's widget lists, never as its code name.
        assert "policy" not in text.lower()
        rules = page.eval_on_selector_all("[data-policy] li", "items => items.map(i => i."
                                          "textContent)")
        assert rules[:2] == ["At least 8 characters in length",
                             "Contains at least 3 of the following 4 types of characters:"]


def test_renaming_the_company_renames_the_sample_texts(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    toml = brand / "brand.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'company_name = "Alder & Pine"', 'company_name = "Birch & Co"'), encoding="utf-8")
    login = _samples(brand, "staging")["staging/pages/login/login"]
    assert "Log in to Birch &amp; Co to continue to Birch &amp; Co Shop." in login
    assert "Alder &amp; Pine" not in re.sub(r"Alder &amp; Pine \(Staging\)", "", login)


def test_an_unknown_variable_in_a_fixture_is_one_line(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    fixture = brand / "fixtures" / "login.json"
    fixture.write_text(fixture.read_text(encoding="utf-8").replace(
        "Log in to [[ vars.company_name ]]", "Log in to [[ vars.company_nam ]]"),
        encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_scenarios(brand)
    assert str(caught.value) == (
        f"{brand / 'fixtures' / 'login.json'}:16: unknown variable 'vars.company_nam' in "
        "fixtures (did you mean 'company_name'?)")
