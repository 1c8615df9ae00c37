"""Whole outputs recalled from the cache: an unchanged page or email costs one read.

A page, or an email with its settings, is a function of its tenant, its name and the text of
the files it reads: its templates (all they extend, include or import), the styles, the token
files, tenants.toml, brand.toml and the catalogues. Keyed by those files (and the tool's own
version, as every key), the outputs and the problems their own checks found are kept as one
entry once the checks have run; a later build whose files read the same takes them whole,
without rendering, inlining or checking them again. What one output cannot tell alone (the
checks across outputs, the unused catalogue keys) still runs on every build.

An output whose reads are not known before it renders (a template named by a computed
name, a subject that includes a template) is never recalled. Only a cache with a folder
keeps outputs: within one run, each tenant's outputs are built once anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from ..errors import Location, Problem
from .artifacts import Artifact
from .cache import MISSING, active, key_of
from .stages import problems_from_data, problems_to_data, sources_key

STAGE = "output"


def recall_key(tenant: str, what: tuple[Any, ...], sources: Iterable[str]) -> str | None:
    """Return the key of one tenant's outputs `what` (their kind, what tells them apart: JSON
    values) built from `sources`, None when nothing is kept between runs."""
    if active().folder is None:
        return None
    return key_of(STAGE, tenant, list(what), sources_key(dict.fromkeys(sources)))


def recall(key: str | None, tenant: str) -> list[Artifact] | None:
    """Return the checked outputs kept under `key`, None when there are none to recall."""
    if key is None:
        return None
    found = active().get(STAGE, key)
    if found is MISSING:
        return None
    try:
        return [_artifact_from_data(tenant, data) for data in found]
    except (TypeError, ValueError):
        return None  # a value of another shape: built again, never used


def to_recall(artifacts: list[Artifact], key: str | None) -> list[Artifact]:
    """Mark freshly built outputs to be kept under `key` once checked (`keep_checked`)."""
    if key is None:
        return artifacts
    return [replace(a, recall=(key, len(artifacts))) for a in artifacts]


def check_outputs(artifacts: Iterable[Artifact],
                  check: Callable[[Artifact], list[Problem]]) -> list[Problem]:
    """Return the problems `check` finds on each output (a recalled one's are kept with it),
    and keep the outputs marked to be recalled with theirs (`keep_checked`)."""
    checked = [(a, list(a.checked) if a.checked is not None else check(a)) for a in artifacts]
    keep_checked(checked)
    return [problem for _, found in checked for problem in found]


def keep_checked(checked: Iterable[tuple[Artifact, list[Problem]]]) -> None:
    """Keep each marked output with the problems its checks found, a key's outputs together.

    A key is kept only when all of its outputs are here (the preview splices single outputs
    into an earlier build).
    """
    by_key: dict[str, list[tuple[Artifact, list[Problem]]]] = {}
    sizes: dict[str, int] = {}
    for artifact, problems in checked:
        if artifact.recall is not None:
            key, sizes[artifact.recall[0]] = artifact.recall
            by_key.setdefault(key, []).append((artifact, problems))
    cache = active()
    for key, outputs in by_key.items():
        if len(outputs) == sizes[key]:
            cache.put(STAGE, key, [_artifact_to_data(a, p) for a, p in outputs])


def _artifact_to_data(artifact: Artifact, problems: list[Problem]) -> list[Any]:
    return [artifact.kind, artifact.name, artifact.path, artifact.resource, artifact.content,
            list(artifact.sources), sorted(artifact.translation_keys),
            [[key, token, [where.path, where.line, where.col]]
             for key, token, where in artifact.origins],
            problems_to_data(problems), artifact.sha256]


def _artifact_from_data(tenant: str, data: list[Any]) -> Artifact:
    kind, name, path, resource, content, sources, keys, origins, problems, sha256 = data
    if not all(isinstance(text, str) for text in (kind, name, path, resource, content, sha256)):
        raise TypeError("an output's fields are text")
    artifact = Artifact(
        tenant, kind, name, path, resource, content, tuple(str(s) for s in sources),
        translation_keys=frozenset(str(k) for k in keys),
        origins=tuple((str(key), str(token), Location(*where)) for key, token, where in origins),
        checked=tuple(problems_from_data(problems, path, path)))
    artifact.__dict__["sha256"] = sha256  # the entry's own hash vouches for its content
    return artifact
