"""Show a built phone message as a reader's phone would: the SMS bubble, the voice text below.

A message is rendered through Liquid with Auth0's sample values (a six-digit code) and the
scenario's data; its `locale` picks the language, as the built message's own prelude does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..auth0.languages import text_direction
from ..auth0.phone import SAMPLE_DATA
from ..build.artifacts import Artifact
from .html_templates import html_template
from .liquid import render_liquid


def render_phone(artifact: Artifact, data: Mapping[str, Any], language: str | None) -> str:
    """Render one phone message (`dist/<tenant>/phone/<type>.json`) as an HTML page."""
    message = json.loads(artifact.content)
    content = message.get("content", {})
    body = content.get("body", {})
    values = {**SAMPLE_DATA, **data}
    text = render_liquid(body.get("text", ""), values, name=f"{artifact.path} (text)")
    voice = body.get("voice")
    spoken = render_liquid(voice, values, name=f"{artifact.path} (voice)") if voice else None
    lang = language or str(values.get("locale") or "")
    return html_template(__package__, "phone.html").render(
        type=artifact.name, sender=content.get("from") or "", text=text.strip(),
        voice=spoken.strip() if spoken is not None else None,
        disabled=bool(message.get("disabled")), language=lang or None,
        direction=text_direction(lang) if lang else "ltr",
    )
