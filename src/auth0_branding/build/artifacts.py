"""The build's outputs: one Artifact per file of dist/, each destined for one Auth0 resource."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..errors import Location

# Outputs for the customer's own use (tokens.css, tokens.json): built, never published.
TOKENS_KIND = "tokens"
UNPUBLISHED_KINDS = frozenset({TOKENS_KIND})


@dataclass(frozen=True)
class Artifact:
    """One file of the build, destined for one Auth0 resource of one tenant."""

    tenant: str
    kind: str  # page | email | email_settings | branding | theme | custom_text | tokens ...
    name: str
    path: str  # relative to dist/
    resource: str
    content: str
    sources: tuple[str, ...] = ()
    # An email's HTML before inlining: the inliner's parser repairs broken nesting, so the
    # HTML checks read this instead. Not part of the manifest or of equality.
    rendered: str | None = field(default=None, compare=False, repr=False)
    # The translation keys its templates read, for the unused-key check.
    translation_keys: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    # A JSON output's values that came from tokens: (dotted key, token path, where the token
    # is written), for checks that report the token rather than the brand.toml line.
    origins: tuple[tuple[str, str, Location], ...] = field(default=(), compare=False, repr=False)

    @cached_property
    def data(self) -> bytes:
        return self.content.encode("utf-8")

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def published(self) -> bool:
        """Whether publishing sends this output to an Auth0 resource."""
        return self.kind not in UNPUBLISHED_KINDS

    @property
    def size(self) -> int:
        return len(self.data)


def json_artifact(tenant: str, kind: str, name: str, resource: str, data: Any,
                  sources: Iterable[str], path: str | None = None,
                  origins: Iterable[tuple[str, str, Location]] = ()) -> Artifact:
    """Return a JSON output, written the one way every JSON output of dist/ is written."""
    content = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return Artifact(tenant, kind, name, path or f"{tenant}/{name}.json", resource,
                    content, tuple(dict.fromkeys(sources)), origins=tuple(origins))
