"""Partials, phone messages and organization branding in the preview, over real HTTP."""

from __future__ import annotations

import html
import json
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


# -- phone messages ---------------------------------------------------------------------------


def bubble(page: str) -> tuple[str, str | None]:
    sms = re.search(r'<div class="phone-mock-bubble" data-channel="sms">([^<]*)</div>', page)
    assert sms, "the page shows no SMS bubble"
    voice = re.search(r'<p data-channel="voice">([^<]*)</p>', page)
    return html.unescape(sms.group(1)), html.unescape(voice.group(1)) if voice else None


def test_each_phone_message_is_a_bubble_in_each_language_with_the_voice_text_below(server):
    french = get(server, "/render/dev/phone/otp_verify/default?lang=fr")
    assert bubble(french) == ("Votre code Minimal Dev est 123456", "Votre code est 123456.")
    assert french.index('data-channel="sms"') < french.index('data-channel="voice"')
    assert '<html lang="fr" dir="ltr">' in french and "+15550100" in french
    arabic = get(server, "/render/dev/phone/otp_verify/default?lang=ar")
    assert '<html lang="ar" dir="rtl">' in arabic and "123456" in bubble(arabic)[0]
    assert bubble(arabic)[0] != bubble(french)[0]
    # Without ?lang, the default language.
    english = bubble(get(server, "/render/dev/phone/otp_verify/default"))
    assert english == bubble(get(server, "/render/dev/phone/otp_verify/default?lang=en"))
    blocked = get(server, "/render/dev/phone/blocked_account/default?lang=fr")
    text = ("Minimal Dev : votre compte est bloqué. Changez votre mot de passe pour le "
            "débloquer.")
    # Without a voice template of its own, the build has the call read the text.
    assert bubble(blocked) == (text, text)
    assert "+15550199" in blocked


def test_the_index_lists_each_phone_message_in_each_language(server):
    index = html.unescape(get(server, "/"))
    for kind in ("otp_verify", "blocked_account"):
        for lang in ("en", "fr", "ar"):
            assert f"/view/dev/phone/{kind}/default?lang={lang}" in index, (kind, lang)
    view = get(server, "/view/dev/phone/otp_verify/default?lang=fr")
    assert 'src="/render/dev/phone/otp_verify/default?embed=1&amp;lang=fr"' in view
    assert request(server.url, "/render/dev/phone/otp_verify/default?lang=de")[0] == 404


def test_the_snapshots_hold_each_phone_message_in_each_language(brand: Path) -> None:
    from auth0_branding.review.snapshot import collect_snapshots

    snapshots = collect_snapshots(brand)
    phone = sorted(k for k in snapshots if k.startswith("rendered/") and "/phones/" in k)
    assert phone == [f"rendered/dev/phones/{kind}/default.{lang}.html"
                     for kind in ("blocked_account", "otp_verify") for lang in ("ar", "en", "fr")]
    assert "Votre code Minimal Dev est 123456" in snapshots[
        "rendered/dev/phones/otp_verify/default.fr.html"]


# -- organization branding --------------------------------------------------------------------

ORG_MARK = ('{% if organization %}<img class="org-logo" src="{{ organization.branding.logo_url }}"'
            ' data-primary="{{ organization.branding.colors.primary }}"'
            ' data-background="{{ organization.branding.colors.page_background }}">{% endif %}')
FIXTURE_BRANDING = {"logo_url": "https://fixture.example/stale.png",
                    "colors": {"primary": "#111111", "page_background": "#222222"}}


def _add_scenario(path: Path, name: str, data: dict) -> None:
    fixture = json.loads(path.read_text(encoding="utf-8"))
    fixture["scenarios"][name] = {"description": "A member of Acme.", "data": data}
    path.write_text(json.dumps(fixture), encoding="utf-8")


@pytest.fixture
def organization_brand(brand: Path) -> Path:
    login = brand / "templates/pages/login.html"
    login.write_text(login.read_text().replace("{%- auth0:widget -%}",
                                               "{%- auth0:widget -%}" + ORG_MARK))
    email = brand / "templates/emails/verify_email.html"
    email.write_text(email.read_text().replace("[% endblock %]",
                                               f"<tr><td>{ORG_MARK}</td></tr>\n[% endblock %]"))
    acme = {"organization": {"name": "acme", "display_name": "Acme",
                             "branding": FIXTURE_BRANDING}}
    _add_scenario(brand / "fixtures/login.json", "acme", acme)
    _add_scenario(brand / "fixtures/emails.json", "acme", acme)
    return brand


def org_mark(page: str) -> tuple[str, str, str]:
    found = re.search(r'<img class="org-logo" src="([^"]*)" data-primary="([^"]*)"'
                      r' data-background="([^"]*)">', page)
    assert found, "the view shows no organization logo"
    return found.groups()


def test_an_organizations_scenario_shows_the_branding_its_tenant_builds(organization_brand):
    live, first = start_preview(organization_brand, port=0, quiet=QUIET)
    assert first.failure is None
    try:
        built = ("https://assets.minimal.example/acme.png", "#0055aa", "#f4f4f4")
        for target in ("/render/dev/page/login/acme", "/render/dev/page/login/acme?lang=fr",
                       "/render/dev/email/verify_email/acme"):
            assert org_mark(get(live, target)) == built, target
        # prod brands no organization: the scenario's own data stays.
        stale = ("https://fixture.example/stale.png", "#111111", "#222222")
        assert org_mark(get(live, "/render/prod/page/login/acme")) == stale
        assert org_mark(get(live, "/render/prod/email/verify_email/acme")) == stale
        # A scenario without an organization gets none.
        assert "org-logo" not in get(live, "/render/dev/page/login/login")
    finally:
        live.stop()


def test_the_snapshots_show_the_organizations_branding(organization_brand: Path) -> None:
    from auth0_branding.review.snapshot import collect_snapshots

    snapshots = collect_snapshots(organization_brand)
    page = snapshots["rendered/dev/pages/login/acme.en.html"]
    assert "https://assets.minimal.example/acme.png" in page and "stale" not in page
    assert "https://fixture.example/stale.png" in snapshots["rendered/prod/pages/login/acme.en.html"]
