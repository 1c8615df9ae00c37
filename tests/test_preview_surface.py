"""Partials, phone messages and organization branding in the preview, over real HTTP."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from brand_overlay import FIXTURES, make_brand
from test_preview import request
from test_surface import _lay

from auth0_branding.preview.site import start_preview

MULTILINGUAL = FIXTURES / "multilingual"
QUIET = 0.05


@pytest.fixture
def brand(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    _lay(make_brand(MULTILINGUAL, tmp_path))
    return Path("brand")


@pytest.fixture
def server(brand: Path):
    live, first = start_preview(brand, port=0, quiet=QUIET)
    assert first.failure is None
    yield live
    live.stop()


def get(server, target: str) -> str:
    status, _, body = request(server.url, target)
    assert status == 200, (target, status)
    return body.decode("utf-8")


def form(page: str) -> str:
    found = re.search(r'<form class="ulp-mock-form"[^>]*>(.*?)</form>', page, re.S)
    assert found, "the page has no widget form"
    return found.group(1)


def after_form(page: str) -> str:
    return re.search(r"</form>(.*?)</main>", page, re.S).group(1)


# -- partials ---------------------------------------------------------------------------------


def test_the_signup_widget_holds_the_terms_checkbox_in_its_form_in_each_language(server):
    checkbox = ('<div class="ulp-field">\n  <input type="checkbox" name="ulp-terms" '
                'id="ulp-terms" required>\n  <label for="ulp-terms">{}</label>\n</div>')
    french = get(server, "/render/dev/page/login/signup?lang=fr")
    inside = form(french)
    assert checkbox.format("J'accepte les conditions d'utilisation") in inside
    # form-content-end: after the fields, before the button.
    assert inside.index('type="password"') < inside.index("ulp-terms") < inside.index(
        "<button")
    english = form(get(server, "/render/dev/page/login/signup?lang=en"))
    assert checkbox.format("I accept the terms of service") in english
    # The login screen has no partial of signup's, and signup none of login's.
    assert "ulp-terms" not in get(server, "/render/dev/page/login/login?lang=fr")
    assert "help.minimal.example" not in after_form(french)


def test_the_login_widget_ends_its_footer_with_the_help_link_in_the_chosen_language(server):
    link = '<p class="help"><a href="https://help.minimal.example">{}</a></p>'
    for lang, text in (("en", "Need help?"), ("fr", "Besoin d&#39;aide ?"),
                       ("ar", "هل تحتاج إلى مساعدة؟")):
        page = get(server, f"/render/dev/page/login/login?lang={lang}")
        outside = after_form(page)
        assert link.format(text) in outside, lang
        assert link.format(text) not in form(page)
    # The scenario's own language, without ?lang: English.
    assert link.format("Need help?") in get(server, "/render/dev/page/login/login")


def test_a_tenant_without_partials_shows_the_bare_widget(server):
    page = get(server, "/render/prod/page/login/signup?lang=fr")
    assert "ulp-terms" not in page and 'class="help"' not in page
    assert html.unescape(form(page)).count("<label") == 2
