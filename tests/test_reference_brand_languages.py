"""The reference brand in each of its languages, rendered as Auth0 would render it.

Each page and email is built once, with every language in it; these tests render it through
the preview's Liquid with the reader's language set the way Auth0 sets it (`request_language`
or `user.user_metadata.lang` for emails, `locale` for the login page, `lang` for the error and
change password pages) and check the reader sees their own language, in its direction.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jinja2.utils import htmlsafe_json_dumps

from auth0_branding.auth0 import prompts
from auth0_branding.brand.scenarios import Scenario, deep_merge, load_scenarios, scenarios_for
from auth0_branding.build.builder import build
from auth0_branding.render.sample import Sample, render_sample

ROOT = Path(__file__).resolve().parent.parent
BRAND = ROOT / "brand"
LANGUAGES = ("en", "fr", "de", "ar")
TENANT = "prod"  # its company name is the brand's own: "Alder & Pine"
EMAILS = sorted(path.stem for path in (BRAND / "templates" / "emails").glob("*.html"))


def _catalogue(language: str) -> dict[str, str]:
    def flatten(node: dict[str, Any], prefix: str = "") -> dict[str, str]:
        flat: dict[str, str] = {}
        for key, value in node.items():
            if isinstance(value, dict):
                flat.update(flatten(value, f"{prefix}{key}."))
            else:
                flat[f"{prefix}{key}"] = value
        return flat

    path = BRAND / "translations" / f"{language}.json"
    return flatten(json.loads(path.read_text(encoding="utf-8")))


CATALOGUES = {language: _catalogue(language) for language in LANGUAGES}


@pytest.fixture(scope="module")
def built():
    result = build(BRAND, [TENANT])
    assert not [p for p in result.problems if p.severity == "error"], result.problems
    return {(a.kind, a.name): a for a in result.artifacts}, load_scenarios(BRAND)


def _render(built, kind: str, name: str, scenario: str, data: dict[str, Any]) -> Sample:
    artifacts, scenarios = built
    base = next(s for s in scenarios_for(scenarios, kind, name) if s.name == scenario)
    settings = artifacts.get(("email_settings", name))
    return render_sample(
        artifacts[(kind, name)],
        Scenario(base.group, base.name, base.description, deep_merge(base.data, data)),
        settings=json.loads(settings.content) if settings else None)


def _visible(page: str) -> str:
    """Return the text a reader sees: no tags, no scripts or styles, entities decoded."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"</?(a|strong|span|em|b)\b[^>]*>", "", page)  # inline: no word break
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _root(page: str) -> tuple[str, str]:
    tag = re.search(r"<html\b[^>]*>", page)
    assert tag, page[:300]
    lang = re.search(r'\blang="([^"]*)"', tag.group())
    direction = re.search(r'\bdir="([^"]*)"', tag.group())
    return (lang.group(1) if lang else ""), (direction.group(1) if direction else "")


def _others(language: str, key: str) -> list[str]:
    return [CATALOGUES[other][key] for other in LANGUAGES
            if other != language and CATALOGUES[other][key] != CATALOGUES[language][key]]


def _phrase_key(email: str) -> str:
    # A text with no placeholder, so it reads the same in the rendered email.
    title = f"emails.{email}.title"
    return title if "{" not in CATALOGUES["en"][title] else f"emails.{email}.button"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("email", EMAILS)
def test_every_email_reads_in_the_request_language(built, email, language):
    sample = _render(built, "email", email, "default", {"request_language": language})
    text = _visible(sample.html)
    key = _phrase_key(email)
    assert CATALOGUES[language][key] in text
    assert CATALOGUES[language]["common.email_footer.questions"].split("{")[0].strip() in text
    for other in _others(language, key):
        assert other not in text
    assert _root(sample.html) == (language, "rtl" if language == "ar" else "ltr")
    assert "{{" not in sample.html and "{%" not in sample.html


@pytest.mark.parametrize(("language", "subject"), [
    ("en", "Confirm your email for Alder & Pine"),
    ("fr", "Confirmez votre adresse e-mail pour Alder & Pine"),
    ("de", "Bestätigen Sie Ihre E-Mail-Adresse für Alder & Pine"),
    # A value inside right-to-left text is isolated, so it keeps its own order.
    ("ar", "أكّدوا بريدكم الإلكتروني لدى \u2068Alder & Pine\u2069"),
])
def test_subjects_are_in_the_readers_language(built, language, subject):
    sample = _render(built, "email", "verify_email", "default", {"request_language": language})
    assert sample.subject == subject


@pytest.mark.parametrize(("data", "language"), [
    # The user's own setting is trusted over what their browser sent.
    ({"user": {"user_metadata": {"lang": "de"}}, "request_language": "fr-FR,fr;q=0.9"}, "de"),
    # A header-like request language is read by its first tag, region dropped.
    ({"request_language": "fr-FR,fr;q=0.9"}, "fr"),
    ({"request_language": "de_AT"}, "de"),
    # A language the brand lacks falls through to the next source, then to English.
    ({"user": {"user_metadata": {"lang": "es"}}, "request_language": "ar"}, "ar"),
    ({"request_language": "es"}, "en"),
    ({}, "en"),
])
def test_the_most_trusted_supported_language_wins(built, data, language):
    data = deep_merge({"request_language": None}, data)
    sample = _render(built, "email", "welcome_email", "default", data)
    text = _visible(sample.html)
    assert CATALOGUES[language]["emails.welcome_email.button"] in text
    for other in _others(language, "emails.welcome_email.button"):
        assert other not in text
    assert _root(sample.html)[0] == language


def test_the_greeting_and_the_values_it_holds_are_in_the_readers_language(built):
    named = _visible(_render(built, "email", "reset_email", "default",
                             {"request_language": "fr"}).html)
    assert "Bonjour Maya," in named
    assert "réinitialisation du mot de passe de maya.okafor@example.com." in named
    anonymous = _render(built, "email", "reset_email", "missing-optional",
                        {"request_language": "de"})
    assert "Hallo," in _visible(anonymous.html)
    arabic = _visible(_render(built, "email", "reset_email", "rtl", {}).html)
    assert "مرحبًا \u2068ليلى\u2069،" in arabic
    assert "للحساب \u2068layla.haddad@example.com\u2069." in arabic


LOGIN_NOTICES = {"login": None, "signup": "pages.login.signup_notice",
                 "reset-password": "pages.login.reset_password_notice",
                 "mfa": "pages.login.mfa_notice"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("scenario", LOGIN_NOTICES)
def test_the_login_page_reads_in_the_locale_auth0_gives_it(built, scenario, language):
    direction = "rtl" if language == "ar" else "ltr"
    sample = _render(built, "page", "login", scenario, {"locale": language, "dir": direction})
    text = _visible(sample.html)
    keys = ["common.panel.copy", "common.legal.privacy", "common.tagline"]
    if LOGIN_NOTICES[scenario]:
        keys.append(LOGIN_NOTICES[scenario])
    for key in keys:
        assert CATALOGUES[language][key] in text, key
        for other in _others(language, key):
            assert other not in text, key
    assert _root(sample.html) == (language, direction)


def test_the_login_page_leaves_its_direction_to_auth0(built):
    sample = _render(built, "page", "login", "login", {"locale": "ar", "dir": None})
    assert _root(sample.html) == ("ar", "auto")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("scenario", "key"), [
    ("access_denied", "pages.error_page.access_denied_title"),
    ("invalid_request", "pages.error_page.title"),
])
def test_the_error_page_reads_in_its_lang(built, scenario, key, language):
    sample = _render(built, "page", "error_page", scenario, {"lang": language})
    text = _visible(sample.html)
    assert CATALOGUES[language][key] in text
    for other in _others(language, key):
        assert other not in text
    assert _root(sample.html) == (language, "rtl" if language == "ar" else "ltr")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_change_password_page_reads_in_its_lang(built, language):
    sample = _render(built, "page", "password_reset", "default", {"lang": language})
    catalogue = CATALOGUES[language]
    assert catalogue["pages.password_reset.page_title"] in _visible(sample.html)
    # The widget's texts are JavaScript string literals, not HTML-escaped text: & and <
    # become \\u0026 and \\u003c, which a script reads back as the characters.
    title = catalogue["pages.password_reset.widget.title"]
    assert f"title: {htmlsafe_json_dumps(title, ensure_ascii=False)}" in sample.html
    special = catalogue["pages.password_reset.widget.passwordStrength.specialCharacters"]
    assert f"specialCharacters: {htmlsafe_json_dumps(special, ensure_ascii=False)}" in sample.html
    assert "\\u0026" in htmlsafe_json_dumps(special)
    assert _root(sample.html) == (language, "rtl" if language == "ar" else "ltr")


def test_every_language_has_every_text():
    for language in LANGUAGES[1:]:
        assert CATALOGUES[language].keys() == CATALOGUES["en"].keys(), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_custom_text_uses_only_auth0s_keys_and_the_screens_variables(language):
    custom = {key: text for key, text in CATALOGUES[language].items()
              if key.startswith("prompts.")}
    assert custom
    for key, text in custom.items():
        _, prompt, screen, name = key.split(".", 3)
        # A partial's own texts are custom `var-*` keys, which every screen may add.
        assert name in prompts.keys(prompt, screen) or prompts.is_custom_variable_key(name), key
        assert set(re.findall(r"\$\{(\w+)\}", text)) <= prompts.variables(prompt, screen), key
        assert not re.search(r"(?<!\$)\{", text), key


@pytest.fixture(scope="module")
def custom_text():
    """The reference brand's custom text, as built for one tenant."""
    return {a.name: a for a in build(BRAND, [TENANT]).artifacts if a.kind == "custom_text"}


@pytest.mark.parametrize("prompt", ["login", "login-id", "login-password", "signup",
                                    "reset-password", "mfa", "mfa-otp"])
def test_custom_text_is_built_for_every_prompt_the_login_page_shows(custom_text, prompt):
    bodies = {language: json.loads(custom_text[f"{prompt}/{language}"].content)
              for language in LANGUAGES}
    shape = {screen: sorted(keys) for screen, keys in bodies["en"].items()}
    assert shape
    for language, body in bodies.items():
        assert {screen: sorted(keys) for screen, keys in body.items()} == shape, language
    screen = next(iter(bodies["en"]))
    titles = {body[screen].get("title") or body[screen]["pageTitle"] for body in bodies.values()}
    assert len(titles) == len(LANGUAGES)  # each language its own text
