"""The keys of the cached stages: what each one reads, encoded canonically and hashed.

Sass is keyed by the text of every Sass file it reads and the token Sass; a render by its
templates' text, the context values its templates name and the catalogues; inlining by its
HTML, CSS and inliner; the checks by the output they read and the text of its sources.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..brand.sourcemap import once_per_build, source_version
from ..brand.tokens import TokenGroup
from ..errors import Location, Problem
from .cache import MISSING, active, key_of
from .styles import compile_css, style_sources


class Uncacheable(TypeError):
    """A value with no canonical encoding: the stage runs without the cache."""


def canonical(value: Any) -> Any:
    """Encode a context value as JSON that tells apart what renders differently.

    Order is kept (a template may loop over a table), and text that is markup stays apart
    from plain text, which autoescaping treats differently.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Markup):
        return ["markup", str(value)]
    if isinstance(value, str):
        return value
    if isinstance(value, TokenGroup):
        return ["tokens", value.path, [[str(k), canonical(v)] for k, v in value.items()]]
    if isinstance(value, Mapping):
        return ["map", type(value).__name__, [[str(k), canonical(v)] for k, v in value.items()]]
    if isinstance(value, list | tuple):
        return ["list", type(value).__name__, [canonical(item) for item in value]]
    if isinstance(value, datetime.date | datetime.time):
        return ["time", type(value).__name__, value.isoformat()]
    raise Uncacheable(type(value).__name__)


@lru_cache(maxsize=4096)
def _digest_at(version: tuple, path: str) -> str | None:
    """Return the SHA-256 of a file's bytes (None: unreadable), read once per version."""
    try:
        with open(path, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()
    except OSError:
        return None


def files_digest(paths: Iterable[str | Path]) -> list[list[Any]]:
    """Return each file's absolute path and digest (None: unreadable), for a key."""
    listed = []
    for path in paths:
        version = source_version(str(path))
        listed.append([os.path.abspath(path), None] if version is None
                      else [version[0], _digest_at(version, str(path))])
    return listed


def sources_key(paths: Iterable[str]) -> str:
    """Return the key of these files as named and as they read, once per build per tuple.

    A fleet's outputs share their sources tuple: keyed once, not once per output.
    """
    named = tuple(paths)
    return once_per_build(("sources", named),
                          lambda: key_of("sources", list(named), files_digest(named)))


def cached(stage: str, key: str, compute: Callable[[], Any], on_disk: bool = True) -> Any:
    """Return the stored result for `key`, else compute, store and return it.

    `on_disk` False: in memory only, for work cheaper than writing and reading an entry.
    """
    cache = active()
    found = cache.get(stage, key, on_disk)
    if found is not MISSING:
        return found
    return cache.put(stage, key, compute(), on_disk)


def css_key(entry: Path, root: Path, sources: Iterable[Path], tokens_scss: str) -> str:
    return key_of("sass", os.path.abspath(entry), os.path.abspath(root), files_digest(sources),
                  tokens_scss)


# -- checks -------------------------------------------------------------------------------


def problems_to_data(problems: Iterable[Problem]) -> list[list[Any]]:
    return [[p.severity, p.code, p.message,
             *( [p.location.path, p.location.line, p.location.col] if p.location else [])]
            for p in problems]


def problems_from_data(data: list[list[Any]], own: str, path: str) -> list[Problem]:
    """Rebuild problems found on an output at `own`, for the same content at `path`."""
    problems = []
    for severity, code, message, *where in data:
        if own != path and own in message:
            # The path as a whole word: a tenant "s" must not rewrite "templates/emails".
            message = _mention(own).sub(lambda _: path, message)
        location = None
        if where:
            shown, line, col = where
            location = Location(path if shown == own else shown, line, col)
        problems.append(Problem(severity, code, message, location))
    return problems


@lru_cache(maxsize=256)
def _mention(path: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/.-]){re.escape(path)}(?![\w/.-])")


def translations_digest(translations: Any) -> str | None:
    """Return a digest of the catalogues' texts (what t() can answer), None without them."""
    if translations is None:
        return None
    return _translations_digest(id(translations), translations)


_TRANSLATIONS: dict[int, tuple[Any, str]] = {}


def _translations_digest(identity: int, translations: Any) -> str:
    held = _TRANSLATIONS.get(identity)
    if held is not None and held[0] is translations:
        return held[1]
    refused = sorted([m.key, m.text] for m in translations.refused)
    digest = key_of("translations", translations.default, list(translations.languages),
                    [[c.language, c.shown, [[k, m.text] for k, m in c.messages.items()]]
                     for c in translations.catalogues.values()], refused)
    if len(_TRANSLATIONS) > 16:
        _TRANSLATIONS.clear()
    _TRANSLATIONS[identity] = (translations, digest)
    return digest


def compile_css_cached(entry: Path, tokens_scss: str, root: Path,
                       where: Location | None = None) -> str:
    """Compile Sass as `styles.compile_css` does, once per distinct sources and tokens."""
    sources = style_sources(entry, root)
    return cached("sass", css_key(entry, root, sources, tokens_scss),
                  lambda: compile_css(entry, tokens_scss, root, where))
