"""Build the outputs that exist because the brand has languages: custom text and locales.

Custom text goes to `dist/<tenant>/prompts/<prompt>/custom-text/<language>.json`, exactly the
body of `PUT /api/v2/prompts/{prompt}/custom-text/{language}`; the tenant's enabled_locales,
default first, to `dist/<tenant>/languages.json`.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..auth0.resources import ENABLED_LOCALES, custom_text_resource
from ..brand.catalogues import Translations
from ..brand.config import TenantConfig
from .artifacts import Artifact, json_artifact, json_text


def language_artifacts(tenant: TenantConfig, translations: Translations,
                       brand_toml: str) -> Iterator[Artifact]:
    """Yield the tenant's custom text (every prompt × language) and its enabled_locales."""
    if "custom_text" in tenant.manage:
        for prompt, language, content, sources in _custom_text_files(translations, brand_toml):
            yield Artifact(tenant.name, "custom_text", f"{prompt}/{language}",
                           f"{tenant.name}/prompts/{prompt}/custom-text/{language}.json",
                           custom_text_resource(prompt, language), content, sources)
    if "languages" in tenant.manage:
        yield json_artifact(tenant.name, "languages", "languages", ENABLED_LOCALES,
                            {"enabled_locales": list(translations.languages)}, (brand_toml,))


_CustomTextFile = tuple[str, str, str, tuple[str, ...]]
# The custom text files of the last catalogues asked about: the same for every tenant.
_LAST: list[tuple[Translations, str, list[_CustomTextFile]]] = []


def _custom_text_files(translations: Translations, brand_toml: str) -> list[_CustomTextFile]:
    """Return each (prompt, language, file content, sources), written once per catalogues."""
    for held, held_toml, files in _LAST:
        if held is translations and held_toml == brand_toml:
            return files
    files = []
    for prompt, by_language in sorted(translations.custom_text().items()):
        for language in translations.languages:
            screens = by_language.get(language, {})
            # A language without texts for a prompt still gets its file: {} clears
            # whatever the tenant held, so Auth0 shows its own text in that language.
            body = {screen: {key: message.text for key, message in sorted(keys.items())}
                    for screen, keys in sorted(screens.items())}
            sources = tuple(dict.fromkeys(
                (*(message.location.path for keys in screens.values()
                   for message in keys.values()), brand_toml)))
            files.append((prompt, language, json_text(body), sources))
    _LAST[:] = [(translations, brand_toml, files)]
    return files
