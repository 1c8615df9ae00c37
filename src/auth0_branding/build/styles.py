"""Sass to CSS with libsass; the design tokens arrive as the virtual import `tokens`.

libsass cannot be interrupted (an endless `@while` never returns), so compiling happens in a
long-lived worker process (`sass_worker`, running `sass_compile`) that is killed when it
overruns its time limit. Results are cached here, in the calling process.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from pathlib import Path

from ..brand.sourcemap import once_per_build, source_version
from ..brand.sources import SourceError, read_source
from ..errors import Location
from .sass_compile import CSS_IMPORT, TOKENS_IMPORT, Deps, candidates
from .sass_worker import run

CACHE_SIZE = 256

_cache: OrderedDict[tuple[str, str, str], tuple[str, Deps]] = OrderedDict()
_cache_lock = threading.Lock()  # the preview may compile from more than one thread


def compile_css(entry: Path, tokens_scss: str, root: Path | None = None,
                where: Location | None = None) -> str:
    """Compile the Sass file `entry`; `@import "tokens";` yields `tokens_scss`.

    Every file read must lie inside `root` (the brand folder; by default the entry's
    folder). `where` is the setting that named the entry, for a missing or refused entry.
    Results are cached until one of the files they were compiled from changes.
    """
    entry_path = os.path.abspath(entry)
    root_path = os.path.abspath(root if root is not None else entry.parent)
    key = (entry_path, root_path, tokens_scss)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and all(source_version(path) == version for path, version in cached[1]):
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
        return cached[0]
    css, deps = run(entry_path, root_path, tokens_scss, where)
    with _cache_lock:
        _cache[key] = (css, deps)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return css


_IMPORT = re.compile(r"@(?:import|use|forward)\s+([^;]+);")
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def style_sources(entry: Path, root: Path | None = None) -> tuple[Path, ...]:
    """Return `entry` and every Sass file it imports, recursively (for rebuild decisions).

    libsass reports no dependencies, and a source map omits partials that only define
    variables, so the imports are followed here. An import that cannot be resolved makes
    every Sass file beside the entry a dependency, which is never wrong, only broader. A
    file that cannot be read safely is left for the compile to report.
    """
    return once_per_build(("style_sources", entry, root), lambda: _style_sources(entry, root))


def _style_sources(entry: Path, root: Path | None) -> tuple[Path, ...]:
    styles_dir = entry.parent
    root = root if root is not None else styles_dir
    seen: list[Path] = []
    try:
        pending = [entry.resolve()]
    except (OSError, RuntimeError):  # a symlink loop: the compile names it
        return (entry,)
    while pending:
        current = pending.pop()
        if current in seen or not current.is_file():
            continue
        seen.append(current)
        try:
            text = read_source(current, root, "style")
        except SourceError:
            continue
        for statement in _IMPORT.findall(text):
            for name in _QUOTED.findall(statement):
                if name == TOKENS_IMPORT or CSS_IMPORT.search(name):
                    continue
                found = _resolve_import(name, current.parent, styles_dir)
                if found is None:
                    return tuple(sorted(p for p in styles_dir.rglob("*.scss") if p.is_file()))
                pending.append(found)
    return tuple(seen)


def _resolve_import(name: str, folder: Path, styles_dir: Path) -> Path | None:
    for base in (folder, styles_dir):
        for candidate in candidates(Path(name)):
            try:
                path = (base / candidate).resolve()
            except (OSError, RuntimeError):  # a symlink loop: the compile names it
                continue
            if path.is_file():
                return path
    return None
