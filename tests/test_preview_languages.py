"""The preview in every language, over real HTTP on the multilingual fixture brand."""

from __future__ import annotations

import html
import json
import logging
import re
from pathlib import Path

import pytest
from brand_overlay import FIXTURES, make_brand
from test_preview import Events, request, wait_until

from auth0_branding.preview.events import ALL_OUTPUTS
from auth0_branding.preview.rebuild import full_snapshot, plan_changes
from auth0_branding.preview.site import start_preview

log = logging.getLogger(__name__)

MULTILINGUAL = FIXTURES / "multilingual"
QUIET = 0.05
FR = Path("brand/translations/fr.json")
FSI, PDI = "\u2068", "\u2069"


@pytest.fixture
def brand(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    make_brand(MULTILINGUAL, tmp_path)
    return Path("brand")


@pytest.fixture
def server(brand: Path):
    live, first = start_preview(brand, port=0, quiet=QUIET)
    assert first.failure is None
    yield live
    live.stop()


@pytest.fixture
def events(server):
    opened: list[Events] = []

    def open_stream(watch: str) -> Events:
        stream = Events(server.url, watch)
        opened.append(stream)
        stream.next("ok")
        return stream

    yield open_stream
    for stream in opened:
        stream.close()


def get(server, target: str) -> str:
    status, _, body = request(server.url, target)
    assert status == 200, (target, status)
    return body.decode("utf-8")


def language_chips(page: str) -> list[tuple[str, str, bool]]:
    """Return (label, href, current) of the view's language switch."""
    nav = re.search(r'<nav aria-label="language">(.*?)</nav>', page)
    assert nav, "the view has no language switch"
    return [(html.unescape(label), html.unescape(href), bool(current))
            for href, current, label in re.findall(
                r'<a class="chip" href="([^"]*)"( aria-current="true")?>([^<]*)</a>',
                nav.group(1))]


def subject(page: str) -> str:
    found = re.search(r'<strong id="subject"[^>]*>([^<]*)</strong>', page)
    assert found, "the view shows no subject"
    return html.unescape(found.group(1))


def document_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group()


def widget(page: str) -> dict[str, str]:
    root = re.search(r'<div class="ulp-mock [^>]*>', page).group()
    title = re.search(r'class="ulp-mock-title">([^<]*)<', page).group(1)
    description = re.search(r'class="ulp-mock-description">([^<]*)<', page).group(1)
    return {"root": root, "title": html.unescape(title),
            "description": html.unescape(description)}


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


# -- the switch -------------------------------------------------------------------------------


def test_every_view_switches_between_the_brands_languages_default_first(server):
    for target in ("/view/dev/page/login/login", "/view/dev/page/error_page/access_denied",
                   "/view/dev/page/password_reset/default",
                   "/view/prod/email/verify_email/default?w=375"):
        chips = language_chips(get(server, target))
        assert [label for label, _, _ in chips] == ["English", "français", "العربية"], target
        # The scenario's own data asks for English: that is the language shown.
        assert [current for _, _, current in chips] == [True, False, False], target
        path = target.split("?")[0]
        assert [href.split("?")[0] for _, href, _ in chips] == [path] * 3
        assert [href.rsplit("lang=", 1)[1] for _, href, _ in chips] == ["en", "fr", "ar"]
    # The width stays when the language changes, and the language when the width does.
    page = get(server, "/view/prod/email/verify_email/default?w=375&lang=fr")
    assert "/view/prod/email/verify_email/default?w=375&lang=ar" in html.unescape(page)
    assert "/view/prod/email/verify_email/default?w=600&lang=fr" in html.unescape(page)
    assert 'src="/render/prod/email/verify_email/default?embed=1&amp;lang=fr"' in page


def test_a_url_without_a_language_shows_what_it_showed_before(server):
    for output in ("page/login/login", "page/error_page/access_denied",
                   "email/verify_email/default"):
        own = get(server, f"/render/dev/{output}?embed=1")
        assert own == get(server, f"/render/dev/{output}?embed=1&lang=en"), output
        assert 'lang="en"' in document_tag(own)
    view = get(server, "/view/dev/email/verify_email/default")
    assert 'src="/render/dev/email/verify_email/default?embed=1"' in view


def test_the_login_page_gets_locale_and_dir_and_the_widget_the_languages_custom_text(server):
    english = get(server, "/render/dev/page/login/login?lang=en")
    assert document_tag(english) == '<html lang="en" dir="ltr">'
    # The brand's own custom text wins over the fixture's texts.
    assert widget(english)["title"] == "Welcome back"
    assert widget(english)["description"] == "Log in to Minimal"

    french = get(server, "/render/dev/page/login/login?lang=fr")
    assert document_tag(french) == '<html lang="fr" dir="ltr">'
    assert widget(french) == {
        "root": widget(french)["root"], "title": "Bon retour parmi nous",
        "description": "Connectez-vous à Minimal"}
    assert 'lang="fr" dir="ltr"' in widget(french)["root"]

    arabic = get(server, "/render/dev/page/login/login?lang=ar")
    assert document_tag(arabic) == '<html lang="ar" dir="rtl">'
    assert 'lang="ar" dir="rtl"' in widget(arabic)["root"]
    assert widget(arabic)["title"] == "مرحبًا بعودتك"
    # Arabic has no description of its own: the fixture's text shows.
    assert widget(arabic)["description"] == "Fixture description for Minimal Shop."

    # A screen without custom text keeps the fixture's texts in every language.
    signup = get(server, "/render/dev/page/login/signup?lang=fr")
    assert widget(signup)["title"] == "Create your account"
    assert document_tag(signup) == '<html lang="fr" dir="ltr">'


def test_the_classic_pages_get_lang(server):
    assert "Une erreur est survenue" in get(
        server, "/render/dev/page/error_page/access_denied?lang=fr")
    arabic = get(server, "/render/dev/page/error_page/access_denied?lang=ar")
    assert '<h1 dir="rtl">حدث خطأ ما</h1>' in arabic
    assert document_tag(arabic) == '<html lang="ar" dir="rtl">'
    reset = get(server, "/render/dev/page/password_reset/default?lang=ar")
    assert document_tag(reset) == '<html lang="ar" dir="rtl">'
    assert 'id="change-password-widget-container"' in reset


def test_emails_get_request_language_and_so_does_their_subject(server):
    french = get(server, "/view/dev/email/verify_email/default?lang=fr")
    assert subject(french) == "Confirmez votre adresse pour Minimal Dev"
    body = get(server, "/render/dev/email/verify_email/default?embed=1&lang=fr")
    assert "Bonjour Zoé," in body and document_tag(body) == '<html lang="fr" dir="ltr">'

    arabic = get(server, "/view/dev/email/verify_email/default?lang=ar")
    assert subject(arabic) == f"أكّد بريدك الإلكتروني لدى {FSI}Minimal Dev{PDI}"
    body = get(server, "/render/dev/email/verify_email/default?embed=1&lang=ar")
    assert document_tag(body) == '<html lang="ar" dir="rtl">'
    assert f"مرحبًا {FSI}Zoé{PDI}،" in body
    assert subject(get(server, "/view/dev/email/verify_email/default")) == (
        "Verify your email for Minimal Dev")


def test_a_scenario_in_its_own_language_combines_with_a_chosen_one(server):
    # The scenario's user chose Arabic in their profile: without ?lang that is what shows.
    own = get(server, "/view/dev/email/verify_email/arabic-user")
    assert [current for _, _, current in language_chips(own)] == [False, False, True]
    assert subject(own).startswith("أكّد")
    # Chosen in the switch, French wins over the profile's Arabic too.
    chosen = get(server, "/view/dev/email/verify_email/arabic-user?lang=fr")
    assert subject(chosen) == "Confirmez votre adresse pour Minimal Dev"
    assert "Bonjour Zoé," in get(server,
                                 "/render/dev/email/verify_email/arabic-user?embed=1&lang=fr")
    # Changing the scenario keeps the chosen language.
    assert "/view/dev/email/verify_email/default?w=600&lang=fr" in html.unescape(chosen)


@pytest.mark.parametrize("target", [
    "/view/dev/page/login/login?lang=de", "/render/dev/page/login/login?lang=xx",
    "/render/dev/email/verify_email/default?lang=FR",
])
def test_a_language_the_brand_lacks_is_404(server, target):
    assert request(server.url, target)[0] == 404


# -- the index --------------------------------------------------------------------------------


def test_the_index_lists_the_languages_and_the_missing_translations(server):
    index = get(server, "/")
    table = re.search(r'<table id="languages">(.*?)</table>', index, re.S).group(1)
    rows = re.findall(r'<tr data-language="([^"]+)">(.*?)</tr>', table)
    assert [code for code, _ in rows] == ["en", "fr", "ar"]
    assert "(default)" in rows[0][1] and "English" in rows[0][1]
    assert "French" in rows[1][1] and "français" in rows[1][1]
    assert "Arabic" in rows[2][1] and 'dir="rtl">العربية' in rows[2][1]
    assert "brand/translations/ar.json" in rows[2][1]
    assert re.search(r'<td class="num">1</td>$', rows[2][1])
    missing = re.search(r'<ul class="problems" id="missing-translations">(.*?)</ul>', index)
    assert html.unescape(missing.group(1)) == (
        '<li class="warning">brand/translations/ar.json: '
        "'prompts.login.login.description' is not translated into 'ar'; Auth0's own text "
        "is used (add it to ar.json)</li>")
    # Each output's card links its first scenario in each language, its others as chips.
    card = re.search(r'<article class="card" data-output="dev/email/verify_email".*?</article>',
                     index, re.S).group(0)
    first = re.search(r'data-scenario="([^"]+)"', card).group(1)
    for code in ("en", "fr", "ar"):
        assert f'href="/view/dev/email/verify_email/{first}?lang={code}"' in card
    assert 'href="/view/dev/email/verify_email/arabic-user" data-scenario="arabic-user"' in card


def test_the_index_of_a_complete_translation_says_nothing_is_missing(server, brand):
    edit_json(brand / "translations/ar.json", lambda data: data["prompts"]["login"][
        "login"].update(description="سجّل الدخول إلى ${companyName}"))
    wait_until(lambda: "Missing translations: none." in get(server, "/"))


# -- live reload ------------------------------------------------------------------------------


def test_a_catalogue_change_calls_for_a_full_rebuild(brand):
    snapshot = full_snapshot(brand, ())
    assert plan_changes(snapshot, brand, [FR]).full
    assert plan_changes(snapshot, brand, [brand / "translations/de.json"]).full


def test_editing_a_catalogue_reloads_the_views_it_feeds(server, brand, events):
    email, login = events("dev/email/verify_email"), events("dev/page/login")
    edit_json(FR, lambda data: data["emails"]["verify_email"].update(greeting="Salut {name},"))
    email.next("reload")
    assert "Salut Zoé," in get(server, "/render/dev/email/verify_email/default?lang=fr")
    assert "reload" not in login.drain(0.3)  # the login page shows no email text

    # Custom text is in no page's template, yet the widget mock shows it.
    edit_json(FR, lambda data: data["prompts"]["login"]["login"].update(title="Re-bonjour"))
    login.next("reload")
    assert widget(get(server, "/render/dev/page/login/login?lang=fr"))["title"] == "Re-bonjour"


def test_a_broken_catalogue_shows_its_error_and_keeps_the_last_good_build(server, brand, events):
    stream = events(ALL_OUTPUTS)
    before = get(server, "/render/dev/email/verify_email/default?embed=1&lang=fr")
    good = FR.read_text(encoding="utf-8")
    FR.write_text(good.replace('"button": "Confirmer",', '"button": "Confirmer"'),
                  encoding="utf-8")
    failure = json.loads(stream.next("failure"))
    assert (failure["path"], failure["line"]) == ("brand/translations/fr.json", 7)
    assert failure["message"] == "malformed translations JSON: Expecting ',' delimiter"
    assert failure["hint"] == "fix the JSON syntax"
    assert "\n" not in failure["message"]
    assert get(server, "/render/dev/email/verify_email/default?embed=1&lang=fr") == before

    FR.write_text(good.replace('"Confirmer"', '"Valider"'), encoding="utf-8")
    stream.next("ok")
    stream.next("reload")
    assert ">Valider</a>" in get(server, "/render/dev/email/verify_email/default?lang=fr")
