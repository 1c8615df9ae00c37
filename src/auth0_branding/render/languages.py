"""Render an output in one of the brand's languages, as Auth0 would for a reader of it.

Auth0 tells a template the reader's language through variables: `locale` (and `dir`) on the
Universal Login page, `lang` on the classic pages, `request_language` in emails. Choosing a
language for a sample sets those; the built template's own prelude then picks its texts,
exactly as it will on the tenant. The widget mock shows the language's custom text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..auth0.contract import (
    EMAIL_LANGUAGE_VARIABLE,
    PAGE_DIRECTION_VARIABLES,
    PAGE_LANGUAGE_SOURCES,
    TEXT_VARIABLES,
)
from ..auth0.languages import text_direction
from ..brand.catalogues import AUTH0_VARIABLE
from ..brand.scenarios import deep_merge
from ..build.artifacts import Artifact
from ..build.localise import LANGUAGE, language_prelude
from ..build.phone import PHONE_LANGUAGE_SOURCES
from .liquid import render_liquid

if TYPE_CHECKING:
    from ..build.builder import BuildResult

# {prompt: {language: {screen: {key: text}}}}
CustomTexts = Mapping[str, Mapping[str, Mapping[str, Mapping[str, str]]]]


@dataclass(frozen=True)
class Languages:
    """The brand's languages as rendering needs them: codes, who names the reader's, texts."""

    default: str
    codes: tuple[str, ...]  # the default first
    email_sources: tuple[str, ...]  # the Liquid variables an email reads the language from
    custom_text: CustomTexts = field(default_factory=dict)

    @classmethod
    def of(cls, result: BuildResult) -> Languages | None:
        """Return the languages of a build, or None for a brand in one language."""
        translations, config = result.translations, result.config.languages
        if translations is None or config is None:
            return None
        texts = {
            prompt: {language: {screen: {key: message.text for key, message in keys.items()
                                         if message not in translations.refused}
                                for screen, keys in screens.items()}
                     for language, screens in by_language.items()}
            for prompt, by_language in translations.custom_text().items()
        }
        return cls(translations.default, translations.languages, config.email_language, texts)


def language_sources(artifact: Artifact, languages: Languages) -> tuple[str, ...]:
    """Return the variables an output reads the reader's language from, most trusted first."""
    if artifact.kind == "email":
        return languages.email_sources
    if artifact.kind == "phone":
        return PHONE_LANGUAGE_SOURCES
    return PAGE_LANGUAGE_SOURCES.get(artifact.name, ())


def chosen_language(artifact: Artifact, data: Mapping[str, Any], languages: Languages) -> str:
    """Return the language the built output shows for `data`: its own prelude decides."""
    sources = language_sources(artifact, languages)
    if not sources:
        return languages.default
    prelude = language_prelude(sources, languages.codes, languages.default)
    return render_liquid(prelude + "{{ " + LANGUAGE + " }}", data, name=artifact.path).strip()


def in_language(artifact: Artifact, data: Mapping[str, Any], language: str,
                languages: Languages) -> dict[str, Any]:
    """Return `data` with the variables Auth0 would set for a reader of `language`."""
    values: dict[str, str] = {}
    if artifact.kind == "email":
        values[EMAIL_LANGUAGE_VARIABLE] = language
        # A language the scenario itself names in a more trusted place (the user's own
        # choice) would win over the request's: it follows the choice too.
        values.update({source: language for source in languages.email_sources
                       if _lookup(data, source) not in (None, "")})
    elif artifact.kind == "phone":
        values.update(dict.fromkeys(PHONE_LANGUAGE_SOURCES, language))
    elif artifact.kind == "page":
        values.update(dict.fromkeys(PAGE_LANGUAGE_SOURCES.get(artifact.name, ()), language))
        if artifact.name in PAGE_DIRECTION_VARIABLES:
            values[PAGE_DIRECTION_VARIABLES[artifact.name]] = text_direction(language)
    merged = dict(data)
    for dotted, value in values.items():
        nested: dict[str, Any] = {}
        *parents, last = dotted.split(".")
        cursor = nested
        for name in parents:
            cursor = cursor.setdefault(name, {})
        cursor[last] = value
        merged = deep_merge(merged, nested)
    return merged


def screen_texts(languages: Languages, prompt: str, screen: str, language: str,
                 data: Mapping[str, Any]) -> dict[str, Any]:
    """Return a screen's texts in `language`: its custom text over the fixture's texts.

    The custom text's `${companyName}`-style variables are filled from `data` as Auth0
    fills them; one `data` lacks stays as written.
    """
    fixture = data.get("prompt", {}).get("screen", {}).get("texts", {})
    custom = languages.custom_text.get(prompt, {}).get(language, {}).get(screen, {})
    values = {name: str(found) for name, path in TEXT_VARIABLES.items()
              if isinstance(found := _lookup(data, path), str | int) and found != ""}

    def fill(text: str) -> str:
        return AUTH0_VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    return {**fixture, **{key: fill(text) for key, text in custom.items()}}


def _lookup(data: Mapping[str, Any], dotted: str) -> object:
    value: object = data
    for name in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value
