"""The preview in a real headless Chromium: live reload, the error overlay, recovery."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_marks import NEEDS_CHROMIUM

from auth0_branding.preview.site import start_preview
from auth0_branding.review.browser import launch_chromium

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent

pytestmark = NEEDS_CHROMIUM

PANEL_COLOUR = "getComputedStyle(document.querySelector('.ap-panel')).backgroundColor"


def wait_for(probe: Callable[[], object], expected: Callable[[object], bool],
             timeout: float = 15.0) -> object:
    """Poll `probe` until `expected(value)`; a page mid-reload just means "try again"."""
    deadline = time.monotonic() + timeout
    value: object = None
    while time.monotonic() < deadline:
        try:
            value = probe()
        except Exception as error:  # noqa: BLE001 - Playwright raises while a frame navigates
            value = error
        else:
            if expected(value):
                return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s; last value: {value!r}")


@pytest.fixture(scope="module")
def browser():
    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def brand(tmp_path, monkeypatch) -> Path:
    shutil.copytree(ROOT / "brand", tmp_path / "brand")
    monkeypatch.chdir(tmp_path)
    return Path("brand")


@pytest.fixture
def live(brand):
    server, first = start_preview(brand, port=0)
    assert first.failure is None
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_token_edit_reloads_the_view_with_the_new_colour(live, brand, page):
    page.goto(f"{live.url}/view/prod/page/login/login?w=375")
    frame = page.frame(name="preview")
    frame.wait_for_selector(".ap-panel")
    before = frame.evaluate(PANEL_COLOUR)
    assert before != "rgb(18, 52, 86)"
    page.evaluate("window.beforeTheEdit = true")
    _edit(brand / "tokens/semantic.tokens.json", '"primary": { "$value": "{palette.pine.600}"',
          '"primary": { "$value": "#123456"')
    wait_for(lambda: page.frame(name="preview").evaluate(PANEL_COLOUR),
             lambda colour: colour == "rgb(18, 52, 86)")
    # Only the frame reloaded: the toolbar page and its width choice stayed.
    assert page.evaluate("window.beforeTheEdit") is True
    assert page.frame(name="preview").evaluate("window.innerWidth") == 375


def test_a_top_level_view_reloads_itself(live, brand, page):
    page.goto(f"{live.url}/render/prod/email/verify_email/default")
    assert "Thanks for joining" in page.inner_text("body")
    _edit(brand / "templates/emails/verify_email.html", "</h1>", "</h1><p>Welcome aboard</p>")
    wait_for(lambda: page.inner_text("body"), lambda text: "Welcome aboard" in str(text))


def test_broken_template_shows_the_overlay_and_recovers(live, brand, page):
    page.goto(f"{live.url}/view/dev/page/login/signup")
    frame = page.frame(name="preview")
    frame.wait_for_selector(".ap-panel")
    template = brand / "templates/pages/login.html"
    good = template.read_text(encoding="utf-8")
    _edit(template, "[% block main %]", "[% block main %]\n[% if %]")  # now line 13
    overlay = page.locator("#live-overlay")
    overlay.wait_for(state="visible")
    assert overlay.locator(".live-overlay__where").inner_text() == (
        "brand/templates/pages/login.html:13")
    assert "template syntax error" in overlay.locator(".live-overlay__message").inner_text()
    # The last good build stays on show under the overlay.
    assert "Create your account" in page.frame(name="preview").inner_text("body")
    template.write_text(good.replace('[[ t("pages.login.signup_notice") ]]',
                                     'Always: [[ t("pages.login.signup_notice") ]]'),
                        encoding="utf-8")
    overlay.wait_for(state="hidden")
    wait_for(lambda: page.frame(name="preview").inner_text("body"),
             lambda text: "Always: Members get free repairs" in str(text))


def test_email_view_reloads_its_frame_and_refreshes_the_subject(live, brand, page):
    page.goto(f"{live.url}/view/prod/email/verify_email/long-name?w=375")
    assert page.inner_text("#subject") == "Confirm your email for Alder & Pine"
    _edit(brand / "brand.toml", """subject = "[[ t('emails.verify_email.subject',""",
          """subject = "Please: [[ t('emails.verify_email.subject',""")
    _edit(brand / "templates/emails/verify_email.html", '[[ t("emails.verify_email.intro"',
          'Welcome to [[ vars.company_name ]]. [[ t("emails.verify_email.intro"')
    wait_for(lambda: page.inner_text("#subject"),
             lambda text: text == "Please: Confirm your email for Alder & Pine")
    wait_for(lambda: page.frame(name="preview").inner_text("body"),
             lambda text: "Welcome to Alder & Pine" in str(text))
    assert page.frame(name="preview").evaluate("window.innerWidth") == 375


# The heading's text, measured as laid out: where its line box starts and ends in its block.
HEADING_LAYOUT = """() => {
  const h1 = document.querySelector("h1"), range = document.createRange();
  range.selectNodeContents(h1);
  const box = h1.getBoundingClientRect(), text = range.getBoundingClientRect();
  return {document: getComputedStyle(document.documentElement).direction,
          heading: getComputedStyle(h1).direction,
          fromLeft: text.left - box.left, fromRight: box.right - text.right,
          width: box.width};
}"""


@pytest.fixture
def multilingual(tmp_path, monkeypatch):
    from brand_overlay import FIXTURES, make_brand

    monkeypatch.chdir(tmp_path)
    make_brand(FIXTURES / "multilingual", tmp_path)
    server, first = start_preview(Path("brand"), port=0)
    assert first.failure is None
    yield server
    server.stop()


def test_the_arabic_view_lays_out_right_to_left(multilingual, page):
    page.goto(f"{multilingual.url}/view/dev/page/error_page/access_denied?lang=ar")
    page.locator("nav[aria-label=language] [aria-current]").wait_for()
    assert page.inner_text("nav[aria-label=language] [aria-current]") == "العربية"
    frame = page.frame(name="preview")
    frame.wait_for_selector("h1")
    arabic = frame.evaluate(HEADING_LAYOUT)
    assert frame.inner_text("h1") == "حدث خطأ ما"
    assert (arabic["document"], arabic["heading"]) == ("rtl", "rtl")
    # The line ends at the right edge of its block, far from the left one.
    assert abs(arabic["fromRight"]) <= 1, arabic
    assert arabic["fromLeft"] > arabic["width"] / 2, arabic

    page.click("nav[aria-label=language] >> text=English")
    page.wait_for_url("**lang=en")
    frame = page.frame(name="preview")
    frame.wait_for_selector("h1")
    wait_for(lambda: page.frame(name="preview").inner_text("h1"),
             lambda text: text == "Something went wrong")
    english = page.frame(name="preview").evaluate(HEADING_LAYOUT)
    assert (english["document"], english["heading"]) == ("ltr", "ltr")
    assert abs(english["fromLeft"]) <= 1 and english["fromRight"] > english["width"] / 2


# -- the index --------------------------------------------------------------------------------


THUMBNAILS_LOADED = """() => Array.from(document.querySelectorAll('.card:not([hidden]) .thumb iframe'))
  .filter(f => f.getBoundingClientRect().top < innerHeight)
  .map(f => { const d = f.contentDocument; return d && d.readyState === 'complete'
    && d.body && d.body.getBoundingClientRect().height > 100
    && f.getBoundingClientRect().width <= 241; })"""


def test_the_index_shows_a_loaded_thumbnail_per_output(live, page):
    page.goto(f"{live.url}/")
    # The thumbnails in view load (the rest load lazily as they scroll in), each a whole
    # rendered page scaled into its card.
    loaded = wait_for(lambda: page.evaluate(THUMBNAILS_LOADED),
                      lambda found: len(found) >= 4 and all(found))
    assert len(loaded) >= 4
    login = page.frame_locator('[data-output="dev/page/login"] .thumb iframe')
    assert "Welcome back" in login.locator(".ulp-mock-title").inner_text()
    # Every rendered output has one; settings outputs show their kind instead.
    assert page.locator('[data-output="dev/email/verify_email"] .thumb iframe').count() == 1
    assert page.locator('[data-output="dev/theme/theme"] .thumb-raw').inner_text() == "theme"


def test_the_filter_box_filters_the_cards(live, page):
    page.goto(f"{live.url}/")
    every = page.locator(".card").count()
    assert every > 100

    page.fill("#filter", "staging verify_email")

    shown = [page.locator(".card:not([hidden])").nth(i).get_attribute("data-output")
             for i in range(page.locator(".card:not([hidden])").count())]
    assert shown == ["staging/email/verify_email", "staging/email/verify_email_by_code"]
    assert page.inner_text("#filter-count") == f"2 of {every}"
    assert page.locator('.tenant[data-tenant="dev"]').is_hidden()
    # Scenario and language chips count as words of their card; nothing matching says so.
    page.fill("#filter", "prod organization verify_email ")
    assert page.locator(".card:not([hidden])").count() == 2
    page.fill("#filter", "no-such-output")
    assert page.locator("#no-match").is_visible()
    page.fill("#filter", "")
    assert page.locator(".card:not([hidden])").count() == every
    assert page.inner_text("#filter-count") == ""
