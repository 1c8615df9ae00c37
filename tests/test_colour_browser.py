"""The built colours as a real headless Chromium draws them: the wide-gamut space, the alpha."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from brand_overlay import FIXTURES, build_overlay
from browser_marks import NEEDS_CHROMIUM

from auth0_branding.review.browser import launch_chromium

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    return build_overlay(FIXTURES / "alpha", tmp_path_factory.mktemp("alpha-browser"))


@pytest.fixture(scope="module")
def page():
    with launch_chromium() as browser:
        context = browser.new_context()
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        yield tab
        context.close()


def _colours(page, css: str) -> dict[str, str]:
    page.set_content(f"<!doctype html><style>{css}</style><body><p class='muted'>m</p>"
                     "<p id='primary' style='color: var(--color-primary)'>p</p></body>")
    return page.evaluate("""() => ({
        body: getComputedStyle(document.body).color,
        muted: getComputedStyle(document.querySelector('.muted')).color,
        primary: getComputedStyle(document.querySelector('#primary')).color,
        shadow: getComputedStyle(document.body).boxShadow,
    })""")


def _style(path: Path) -> str:
    found = re.search(r"<style>(.*?)</style>", path.read_text(encoding="utf-8"), re.S)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("tenant, primary", [
    ("dev", "oklch(0.45 0.15 255 / 0.9)"),
    ("prod", "color(display-p3 0.1 0.3 0.6 / 0.75)"),
])
def test_pages_draw_the_written_space_with_its_alpha(dist, page, tenant, primary) -> None:
    drawn = _colours(page, _style(dist / tenant / "pages/login.html"))
    assert drawn["primary"] == primary
    assert drawn["body"] == "rgba(26, 26, 26, 0.9)"
    assert drawn["muted"] == "rgba(0, 0, 0, 0.5)"
    assert drawn["shadow"] == "rgba(0, 0, 0, 0.5) 0px 1px 2px 0px"


def test_without_css_color_4_the_srgb_fallback_stays(dist, page) -> None:
    # What a browser that does not read oklch() keeps: the block it skips removed.
    css = re.sub(r"@supports \(color: oklch\(0 0 0\)\)\{:root\{[^}]*\}\}", "",
                 _style(dist / "dev/pages/login.html"))
    assert "oklch" not in css
    assert _colours(page, css)["primary"] == "rgba(0, 83, 165, 0.9)"


def test_emails_draw_opaque_colours(dist, page) -> None:
    page.set_content((dist / "dev/emails/verify_email.html").read_text(encoding="utf-8"))
    cell = page.evaluate("() => getComputedStyle(document.querySelector('td[bgcolor]')).color")
    button = page.evaluate("() => getComputedStyle(document.querySelector('a')).backgroundColor")
    assert cell == "rgb(128, 128, 128)"
    assert button == "rgb(25, 100, 174)"
