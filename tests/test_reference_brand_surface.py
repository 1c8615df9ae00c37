"""The reference brand's partials, phone messages and organization branding, in each language.

The brand is built into a real dist/ folder; each output is then rendered through the
preview's Liquid as Auth0 would render it (`locale` set to the reader's language, the custom
text of that language as `prompt.screen.texts`), and what the reader gets is compared with
the brand's own catalogue for that language.
"""

from __future__ import annotations

import html
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import smsutil

from auth0_branding.build.builder import build
from auth0_branding.dist.writer import write_dist
from auth0_branding.render.liquid import render_liquid

ROOT = Path(__file__).resolve().parent.parent
BRAND = ROOT / "brand"
LANGUAGES = ("en", "fr", "de", "ar")
TENANTS = ("dev", "prod", "staging")
COMPANY = {"dev": "Alder & Pine (Dev)", "staging": "Alder & Pine (Staging)",
           "prod": "Alder & Pine"}
FSI, PDI = "\u2068", "\u2069"  # Arabic texts isolate each value they print
CODE = "740219"
PHONE_TYPES = ("otp_verify", "otp_enroll", "change_password", "blocked_account",
               "password_breach")
# The messages that carry a code: the two OTP ones, and change_password, which Auth0
# describes as sending "the customer their password change code".
CODED = ("otp_verify", "otp_enroll", "change_password")
TERMS_URL = "https://www.alderandpine.example/terms"
HELP_URL = "https://help.alderandpine.example"


def _catalogue(language: str) -> dict[str, Any]:
    return json.loads((BRAND / "translations" / f"{language}.json").read_text(encoding="utf-8"))


CATALOGUES = {language: _catalogue(language) for language in LANGUAGES}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reference") / "dist"
    result = build(BRAND)
    assert [p for p in result.problems] == [], result.problems
    write_dist(result, out)
    return out


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _fill(text: str, language: str, **values: str) -> str:
    """Fill a catalogue text's {placeholders} the way the build prints them."""
    for name, value in values.items():
        text = text.replace(f"{{{name}}}", f"{FSI}{value}{PDI}" if language == "ar" else value)
    return text


def _visible(fragment: str) -> str:
    """Return the text a reader sees: no tags (a link is inline, no word break there)."""
    fragment = re.sub(r"</?a\b[^>]*>", "", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# -- phone messages -------------------------------------------------------------------------


def test_every_tenant_gets_the_five_messages_from_the_brands_sender(dist: Path) -> None:
    for tenant in TENANTS:
        found = sorted(p.stem for p in (dist / tenant / "phone").glob("*.json"))
        assert found == sorted(PHONE_TYPES), tenant
        for kind in PHONE_TYPES:
            message = _json(dist / tenant / "phone" / f"{kind}.json")
            assert (message["type"], message["disabled"]) == (kind, False)
            assert message["content"]["syntax"] == "liquid"
            assert message["content"]["from"] == "+15415550142"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", PHONE_TYPES)
def test_each_sms_reads_in_the_readers_language_and_fits_two_segments(
        dist: Path, kind: str, language: str) -> None:
    body = _json(dist / "staging" / "phone" / f"{kind}.json")["content"]["body"]
    text = render_liquid(body["text"], {"locale": language, "code": CODE})
    expected = _fill(CATALOGUES[language]["phone"][kind]["text"], language,
                     company=COMPANY["staging"], code=CODE)
    assert text == expected
    if language != "en":
        english = render_liquid(body["text"], {"locale": "en", "code": CODE})
        assert text != english
    assert (CODE in text) == (kind in CODED)
    # The longest company name of the three tenants, and still at most two segments.
    assert len(smsutil.split(text).parts) <= 2, (len(text), text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", CODED)
def test_each_voice_script_says_the_code_twice_in_the_readers_language(
        dist: Path, kind: str, language: str) -> None:
    body = _json(dist / "prod" / "phone" / f"{kind}.json")["content"]["body"]
    # Auth0 passes a call the code with dots between its digits, so each is read alone
    # (documented for the MFA voice messages; assumed for phone templates).
    spoken = "7.4.0.2.1.9"
    voice = render_liquid(body["voice"], {"locale": language, "code": spoken})
    assert voice == _fill(CATALOGUES[language]["phone"][kind]["voice"], language,
                          company=COMPANY["prod"], code=spoken)
    assert voice.count(spoken) == 2
    assert voice != render_liquid(body["text"], {"locale": language, "code": spoken})


def test_messages_without_a_code_are_read_as_their_text(dist: Path) -> None:
    for kind in set(PHONE_TYPES) - set(CODED):
        body = _json(dist / "prod" / "phone" / f"{kind}.json")["content"]["body"]
        assert body["voice"] == body["text"], kind


@pytest.mark.parametrize("locale, language", [("fr-CA", "fr"), ("de-AT", "de"),
                                              ("es", "en"), ("", "en")])
def test_a_regional_or_unknown_locale_finds_its_language_or_english(
        dist: Path, locale: str, language: str) -> None:
    body = _json(dist / "prod" / "phone" / "otp_verify.json")["content"]["body"]
    assert render_liquid(body["text"], {"locale": locale, "code": CODE}) == _fill(
        CATALOGUES[language]["phone"]["otp_verify"]["text"], language,
        company=COMPANY["prod"], code=CODE)


# -- prompt partials ------------------------------------------------------------------------


def test_every_tenant_gets_the_signup_and_login_partials_only(dist: Path) -> None:
    for tenant in TENANTS:
        assert sorted(p.parent.name for p in (dist / tenant / "prompts").glob("*/partials.json")) \
            == ["login", "signup"], tenant
        signup = _json(dist / tenant / "prompts/signup/partials.json")
        login = _json(dist / tenant / "prompts/login/partials.json")
        assert {s: list(points) for s, points in signup.items()} == {"signup": ["form-content-end"]}
        assert {s: list(points) for s, points in login.items()} == {"login": ["form-footer-end"]}
        # Each tenant's help link goes to its own help centre (dev has one of its own).
        support = "https://help.dev.alderandpine.example" if tenant == "dev" else HELP_URL
        assert f'<a href="{support}">' in login["login"]["form-footer-end"]


def test_the_terms_checkbox_reaches_actions_as_a_required_ulp_field(dist: Path) -> None:
    fragment = _json(dist / "prod/prompts/signup/partials.json")["signup"]["form-content-end"]
    rendered = render_liquid(fragment, {"locale": "en"})
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", rendered)
    assert len(fields) == 1
    assert re.findall(r'\bname="([^"]*)"', rendered) == ["ulp-terms"]
    assert 'type="checkbox"' in fields[0] and re.search(r"\brequired\b", fields[0])
    assert re.search(r'<label for="ulp-terms">', rendered)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_terms_sentence_and_its_link_are_in_the_readers_language(
        dist: Path, language: str) -> None:
    fragment = _json(dist / "prod/prompts/signup/partials.json")["signup"]["form-content-end"]
    rendered = render_liquid(fragment, {"locale": language})
    texts = CATALOGUES[language]["partials"]["signup"]
    link = re.search(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', rendered)
    assert link and link.group(1) == TERMS_URL
    assert html.unescape(link.group(2)) == texts["terms_link"]
    label = re.search(r'<label for="ulp-terms">(.*?)</label>', rendered, re.S)
    assert label
    assert _visible(label.group(1)) == _fill(texts["terms"], language, terms=texts["terms_link"])


def _camel(key: str) -> str:
    head, *rest = key.split("-")
    return head + "".join(part.capitalize() for part in rest)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_help_link_prints_the_custom_text_of_the_readers_language(
        dist: Path, language: str) -> None:
    fragment = _json(dist / "prod/prompts/login/partials.json")["login"]["form-footer-end"]
    # What Auth0 gives the partial: the custom text dist/ publishes for that language.
    custom = _json(dist / f"prod/prompts/login/custom-text/{language}.json")["login"]
    texts = {_camel(key): value for key, value in custom.items()}
    rendered = render_liquid(fragment, {"locale": language,
                                        "prompt": {"screen": {"texts": texts}}})
    own = CATALOGUES[language]["prompts"]["login"]["login"]
    assert custom["var-help-text"] == own["var-help-text"]
    assert re.findall(r'<a href="([^"]*)"', rendered) == [HELP_URL]
    assert _visible(rendered) == f"{own['var-help-text']} {own['var-help-link']}"


# -- organization branding ------------------------------------------------------------------


def test_prod_brands_ridgeline_guides_and_no_other_tenant_brands_any(dist: Path) -> None:
    assert _json(dist / "prod/organizations/ridgeline-guides.json") == {"branding": {
        "logo_url": "https://assets.alderandpine.example/organizations/ridgeline-guides.png",
        # Its own slate blue, on the brand's page background token (palette.sand.50).
        "colors": {"primary": "#35526b", "page_background": "#fbf8f2"}}}
    assert [p.name for p in (dist / "prod/organizations").iterdir()] == ["ridgeline-guides.json"]
    assert not (dist / "dev/organizations").exists()
    assert not (dist / "staging/organizations").exists()


def test_the_organizations_logo_is_served_offline_and_its_name_is_the_fixtures(dist: Path) -> None:
    logo = _json(dist / "prod/organizations/ridgeline-guides.json")["branding"]["logo_url"]
    mapping = tomllib.loads((BRAND / "brand.toml").read_text(encoding="utf-8"))["preview"]
    remote, local = next(iter(mapping["assets"].items()))
    assert logo.startswith(remote)
    path = BRAND / local / logo[len(remote):]
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The organization the login and email scenarios sign in through.
    for fixture in ("login", "emails"):
        assert '"name": "ridgeline-guides"' in (BRAND / "fixtures" / f"{fixture}.json").read_text(
            encoding="utf-8")
