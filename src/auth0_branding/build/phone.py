"""Build the phone messages: the SMS text and the voice script of each message type.

`templates/phone/<type>.txt` is the SMS text; `<type>.voice.txt`, when present, what the
voice call reads (else the text). Both are build-time Jinja around Liquid, localised with
t() over the `locale` Auth0 renders them with. brand.toml `[phone]` gives the sender
(`from`) and, per type, `disabled` and its own `from`. Each type becomes
`dist/<tenant>/phone/<type>.json`: `{type, disabled, content: {syntax, from, body: {text,
voice}}}`, the body the publisher creates or patches the tenant's template with.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from ..auth0.phone import PHONE_SYNTAX
from ..auth0.resources import phone_resource
from ..brand.catalogues import Translations
from ..brand.config import Config, TenantConfig
from ..errors import display_path
from .artifacts import Artifact, json_artifact
from .localise import Localiser
from .templates import Renderer

PHONE_FOLDER = "phone"
VOICE_SUFFIX = ".voice.txt"
# The variable a phone message is rendered with that names the reader's language.
PHONE_LANGUAGE_SOURCES = ("locale",)


def phone_templates(config: Config) -> list[str]:
    """Return the message types the brand has an SMS text for, sorted."""
    try:
        names = os.listdir(config.templates_dir / PHONE_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(name[:-len(".txt")] for name in names
                  if name.endswith(".txt") and not name.endswith(VOICE_SUFFIX)
                  and not name.startswith("."))


def phone_artifacts(
    config: Config, tenant: TenantConfig, renderer: Renderer, context: Mapping[str, Any],
    translations: Translations | None, shared: tuple[str, ...],
) -> Iterator[Artifact]:
    """Yield one message per type the brand writes."""
    settings = config.phone
    for kind in phone_templates(config):
        own = settings.get(kind) or {}
        text_name = f"{PHONE_FOLDER}/{kind}.txt"
        voice_name = f"{PHONE_FOLDER}/{kind}{VOICE_SUFFIX}"
        used: set[str] = set()
        names = [text_name]
        text = _render(renderer, text_name, context, kind, translations, used)
        voice = text
        if renderer.exists(voice_name):
            names.append(voice_name)
            voice = _render(renderer, voice_name, context, kind, translations, used)
        content: dict[str, Any] = {"syntax": PHONE_SYNTAX, "body": {"text": text, "voice": voice}}
        sender = own.get("from", settings.get("from"))
        if sender is not None:
            content["from"] = sender
        body = {"type": kind, "disabled": bool(own.get("disabled", False)), "content": content}
        sources = [display_path(renderer.templates_dir / source)
                   for name in names for source in renderer.sources_of(name)]
        artifact = json_artifact(tenant.name, "phone", kind, phone_resource(kind), body,
                                 (*sources, *shared), path=f"{tenant.name}/phone/{kind}.json")
        yield replace(artifact, translation_keys=frozenset(used))


def _render(renderer: Renderer, name: str, context: Mapping[str, Any], kind: str,
            translations: Translations | None, used: set[str]) -> str:
    localiser = Localiser(translations, PHONE_LANGUAGE_SOURCES) if translations else None
    with renderer.localised(localiser):
        text = renderer.render(name, {**context, "output": {"kind": "phone", "name": kind}})
    # The file's trailing newline would be sent (and counted) as a character.
    text = text.rstrip("\n")
    if localiser is None:
        return text
    used |= localiser.used
    return localiser.prelude() + text if localiser.chose else text
