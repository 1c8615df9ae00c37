"""The key of one build-time Jinja render: its templates' text and the values they name.

A template and everything it extends, includes or imports is read for its text and for the
context names it uses (`jinja2.meta`), once per version of each file. The render is keyed by
those texts, the values of exactly those names, and the catalogues `t()` reads: tenants
whose templates never name `tenant` share one render. A template that includes another by
a computed name is keyed by the whole context and the text of every template, which is never
wrong, only broader.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from ..brand.sourcemap import once_per_build, source_version
from ..brand.sources import read_source
from .cache import key_of, text_digest
from .stages import Uncacheable, canonical, translations_digest


@dataclass(frozen=True)
class _TemplateFacts:
    digest: str
    names: frozenset[str]  # the context names it uses
    references: tuple[str, ...]
    computed: bool  # whether it includes a template by a computed name


def referenced_templates(env: jinja2.Environment, templates_dir: Path, root: Path, name: str
                         ) -> tuple[str, ...]:
    """Return `name` and every template it extends, includes or imports, recursively.

    Read from each file's current version, so an include added since is found; a missing
    or broken template ends its branch (rendering reports it).
    """
    return tuple(current for current, _ in _closure(env, templates_dir, root, name))


def _closure(env: jinja2.Environment, templates_dir: Path, root: Path, name: str
             ) -> list[tuple[str, _TemplateFacts | None]]:
    return once_per_build(("closure", env, templates_dir, root, name),
                          lambda: _walk(env, templates_dir, root, name))


def _walk(env: jinja2.Environment, templates_dir: Path, root: Path, name: str
          ) -> list[tuple[str, _TemplateFacts | None]]:
    found: list[tuple[str, _TemplateFacts | None]] = []
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        facts = _facts_of(env, str(templates_dir), str(root), current)
        found.append((current, facts))
        if facts is not None:
            pending.extend(facts.references)
    return found


def sources_known(env: jinja2.Environment, templates_dir: Path, root: Path, name: str) -> bool:
    """Tell whether every template `name` reads is known before it renders: none is missing
    or broken, and none is named by a computed name."""
    return all(facts is not None and not facts.computed
               for _, facts in _closure(env, templates_dir, root, name))


@lru_cache(maxsize=1024)
def reads_templates(env: jinja2.Environment, source: str) -> bool:
    """Tell whether a string rendered from the configuration (a subject) may read a template:
    it includes, imports or extends one, or cannot be parsed (its render reports why)."""
    try:
        return any(True for _ in jinja2.meta.find_referenced_templates(env.parse(source)))
    except Exception:  # noqa: BLE001 - the render itself reports what is wrong
        return True


def render_key(env: jinja2.Environment, templates_dir: Path, root: Path, name: str,
               context: Mapping[str, Any], localiser: Any) -> str | None:
    """Return the key of rendering `name` with `context`, None when it cannot be keyed."""
    texts: list[list[str | None]] = []
    names: set[str] = set()
    computed = False
    for current, facts in _closure(env, templates_dir, root, name):
        if facts is None:
            return None  # missing or broken: the render reports it
        texts.append([current, facts.digest])
        names |= facts.names
        computed |= facts.computed
    if computed:
        # The template it names is known only as it renders: any of them, as it reads now.
        texts.extend(_every_template(env, templates_dir, root))
    used = sorted(context) if computed else sorted(names & set(context))
    try:
        values = [[key, canonical(context[key])] for key in used]
    except Uncacheable:
        return None
    language = None if localiser is None else [
        translations_digest(localiser.translations), list(localiser.sources)]
    return key_of("render", name, sorted(texts), values, language)


def _every_template(env: jinja2.Environment, templates_dir: Path, root: Path
                    ) -> list[list[str | None]]:
    def find() -> list[list[str | None]]:
        listed = []
        for name in env.list_templates():
            facts = _facts_of(env, str(templates_dir), str(root), name)
            listed.append([name, None if facts is None else facts.digest])
        return listed
    return once_per_build(("every template", env, templates_dir, root), find)


def _facts_of(env: jinja2.Environment, templates_dir: str, root: str, name: str
              ) -> _TemplateFacts | None:
    try:
        pieces = jinja2.loaders.split_template_path(name)
    except jinja2.TemplateNotFound:
        return None
    filename = os.path.normpath(os.path.join(templates_dir, *pieces))
    return _facts_at(source_version(filename), env, filename, root)


@lru_cache(maxsize=1024)
def _facts_at(version: tuple | None, env: jinja2.Environment, filename: str, root: str
              ) -> _TemplateFacts | None:
    if version is None:
        return None
    try:
        text = read_source(Path(filename), Path(root), "template")
        ast = env.parse(text)
    except Exception:  # noqa: BLE001 - the render itself reports what is wrong
        return None
    references = list(jinja2.meta.find_referenced_templates(ast))
    return _TemplateFacts(
        text_digest(text),
        frozenset(jinja2.meta.find_undeclared_variables(ast)),
        tuple(ref for ref in references if ref),
        any(ref is None for ref in references),
    )
