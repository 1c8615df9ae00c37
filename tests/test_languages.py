"""Tests for Auth0's languages (auth0/languages.py), checked against the SDK and babel."""

from __future__ import annotations

import typing

import pytest
from auth0.management.types.prompt_language_enum import PromptLanguageEnum
from auth0.management.types.tenant_settings_supported_locales_enum import (
    TenantSettingsSupportedLocalesEnum,
)

from auth0_branding.auth0 import languages
from auth0_branding.auth0.languages import (
    LANGUAGES,
    closest_languages,
    display_name,
    language_hint,
    text_direction,
)


def _literals(alias: object) -> tuple[str, ...]:
    # Fern's enums are Union[Literal[...], Any]: the codes are the Literal's arguments.
    literal = typing.get_args(alias)[0]
    return typing.get_args(literal)


def test_languages_are_the_sdk_enum_in_its_order() -> None:
    assert LANGUAGES == _literals(PromptLanguageEnum)
    assert len(LANGUAGES) == 82 == len(set(LANGUAGES))


def test_tenant_locales_are_the_same_set() -> None:
    assert set(_literals(TenantSettingsSupportedLocalesEnum)) == set(LANGUAGES)


def test_right_to_left_is_the_contracts_set() -> None:
    assert languages.RTL_LANGUAGES == frozenset({"ar", "ar-EG", "ar-SA", "fa", "he", "ur"})
    from auth0_branding.auth0.languages import RTL_LANGUAGES
    assert RTL_LANGUAGES is languages.RTL_LANGUAGES


@pytest.mark.parametrize(("code", "direction"), [
    ("ar-EG", "rtl"), ("he", "rtl"), ("ur", "rtl"), ("en", "ltr"), ("zh-TW", "ltr"),
    ("cnr", "ltr"), ("zgh", "ltr"), ("tl", "ltr"),
    ("qaa", "ltr"), ("", "ltr"), ("not a code", "ltr"),  # babel knows none of these
])
def test_text_direction(code: str, direction: str) -> None:
    assert text_direction(code) == direction


def test_every_language_has_a_direction_and_a_name() -> None:
    for code in LANGUAGES:
        assert text_direction(code) in ("ltr", "rtl")
        assert display_name(code)


@pytest.mark.parametrize(("code", "in_language", "name"), [
    ("es-419", "en", "Latin American Spanish"),
    ("pt-BR", "en", "Brazilian Portuguese"),
    ("fr-FR", "en", "French (France)"),
    ("ar-EG", "en", "Arabic (Egypt)"),
    ("zh-TW", "en", "Chinese (Taiwan)"),
    ("zgh", "en", "Standard Moroccan Tamazight"),
    ("de", "fr", "allemand"),
    ("ja", "ja", "日本語"),
    ("es-MX", "es-419", "español de México"),
    # CLDR has no name for Montenegrin and aliases the code to Serbian: keep the code.
    ("cnr", "en", "cnr"),
    ("qaa", "en", "qaa"),
    ("fr", "qaa", "French"),  # an unknown display language falls back to English
])
def test_display_name(code: str, in_language: str, name: str) -> None:
    assert display_name(code, in_language) == name


@pytest.mark.parametrize(("code", "expected"), [
    ("fr_FR", ["fr-FR"]),
    ("fr_fr", ["fr-FR"]),
    ("PT-br", ["pt-BR"]),
    ("ZH_cn", ["zh-CN"]),
    ("es_419", ["es-419"]),
    ("EN", ["en"]),
    ("fr-BE", ["fr", "fr-CA", "fr-FR"]),
    ("pt-XX", ["pt", "pt-BR", "pt-PT"]),
    ("klingon", []),
])
def test_closest_languages(code: str, expected: list[str]) -> None:
    assert closest_languages(code) == expected


@pytest.mark.parametrize(("code", "hint"), [
    ("fr_FR", "did you mean 'fr-FR'?"),
    ("PT-br", "did you mean 'pt-BR'?"),
    ("de-DE", "did you mean 'de'?"),
    ("fr-FR", None),
    ("xx", None),
])
def test_language_hint(code: str, hint: str | None) -> None:
    assert language_hint(code) == hint
