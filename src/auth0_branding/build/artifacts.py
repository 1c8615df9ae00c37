"""The build's outputs: one Artifact per file of dist/, each destined for one Auth0 resource."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from ..errors import DistError, Location, Problem, display_path

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
    # The problems its own checks found, when it was recalled whole from the cache with them
    # (`recall`); None: not checked yet.
    checked: tuple[Problem, ...] | None = field(default=None, compare=False, repr=False)
    # Where its checked outputs are to be kept for a later build (`recall`): the key, and
    # how many outputs that key holds (an email's HTML and its settings are one entry).
    recall: tuple[str, int] | None = field(default=None, compare=False, repr=False)

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


class SpooledArtifact(Artifact):
    """An output written into its build's staging folder already: its text stays on disk.

    A build over worker processes writes each output once it is checked, and hands back
    this: what the manifest and the writer need (hash, size, sources), not the text, which
    `content` and `data` read from the staging folder, or from the output folder once that
    staging folder is swapped in; always checked against the hash. Not for `replace`.
    """

    _size: int
    _folders: tuple[Path, Path]  # the staging folder, then the output folder

    def __init__(self, artifact: Artifact, staging: Path, out_dir: Path,
                 shared: dict[Any, Any] | None = None) -> None:
        """`shared`: equal values seen before (a tenant's sources, the keys it reads), so that
        the outputs of a fleet hold one copy of each, and so does their pickle."""
        shared = {} if shared is None else shared
        for each in fields(Artifact):
            # What the checks need (the HTML before inlining, what to recall) has served.
            if each.name not in ("content", "rendered", "checked", "recall"):
                value = getattr(artifact, each.name)
                if each.name != "path":
                    value = shared.setdefault(value, value)
                object.__setattr__(self, each.name, value)
        object.__setattr__(self, "sha256", shared.setdefault(artifact.sha256, artifact.sha256))
        object.__setattr__(self, "_size", artifact.size)
        object.__setattr__(self, "_folders", shared.setdefault((staging, out_dir),
                                                               (staging, out_dir)))

    @property
    def content(self) -> str:
        return self.data.decode("utf-8")

    @property
    def data(self) -> bytes:
        for folder in self._folders:
            try:
                data = (folder / self.path).read_bytes()
            except FileNotFoundError:
                continue
            if hashlib.sha256(data).hexdigest() == self.sha256:
                return data
        shown = display_path(self._folders[1] / self.path)
        raise DistError("is no longer what the build wrote", Location(shown),
                        "build again, and read its outputs before another build replaces them")

    @property
    def size(self) -> int:
        return self._size

    @property
    def staging(self) -> Path:
        """The staging folder it was written into."""
        return self._folders[0]


def json_artifact(tenant: str, kind: str, name: str, resource: str, data: Any,
                  sources: Iterable[str], path: str | None = None,
                  origins: Iterable[tuple[str, str, Location]] = ()) -> Artifact:
    """Return a JSON output, written the one way every JSON output of dist/ is written."""
    return Artifact(tenant, kind, name, path or f"{tenant}/{name}.json", resource,
                    json_text(data), tuple(dict.fromkeys(sources)), origins=tuple(origins))


def json_text(data: Any) -> str:
    """Return `data` as every JSON output of dist/ is written."""
    # Indented JSON is written by the json module's Python encoder, ten times slower than
    # its C one: a fleet's tenants, whose settings mostly repeat, indent each text once.
    return _indented(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


@lru_cache(maxsize=1024)
def _indented(compact: str) -> str:
    # The keys are strings (TOML's, Auth0's), so the text reads back as the same data.
    return json.dumps(json.loads(compact), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
