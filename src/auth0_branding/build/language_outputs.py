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
from .artifacts import Artifact, json_artifact


def language_artifacts(tenant: TenantConfig, translations: Translations,
                       brand_toml: str) -> Iterator[Artifact]:
    """Yield the tenant's custom text (every prompt × language) and its enabled_locales."""
    if "custom_text" in tenant.manage:
        for prompt, by_language in sorted(translations.custom_text().items()):
            for language in translations.languages:
                screens = by_language.get(language, {})
                # A language without texts for a prompt still gets its file: {} clears
                # whatever the tenant held, so Auth0 shows its own text in that language.
                body = {screen: {key: message.text for key, message in sorted(keys.items())}
                        for screen, keys in sorted(screens.items())}
                sources = tuple(dict.fromkeys(
                    message.location.path for keys in screens.values()
                    for message in keys.values()))
                yield json_artifact(
                    tenant.name, "custom_text", f"{prompt}/{language}",
                    custom_text_resource(prompt, language), body, (*sources, brand_toml),
                    path=f"{tenant.name}/prompts/{prompt}/custom-text/{language}.json")
    if "languages" in tenant.manage:
        yield json_artifact(tenant.name, "languages", "languages", ENABLED_LOCALES,
                            {"enabled_locales": list(translations.languages)}, (brand_toml,))
