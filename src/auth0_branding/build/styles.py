"""Sass to CSS with libsass; the design tokens arrive as the virtual import `tokens`.

libsass would read imported files itself, from anywhere and without limits, so every import
goes through an importer that resolves it inside the brand folder and reads it with
`read_source`. libsass cannot be interrupted either (an endless `@while` never returns), so
compiling happens in a long-lived worker process (see `sass_worker`) that is killed when it
overruns its time limit.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import OrderedDict
from pathlib import Path

import sass

from ..brand.sourcemap import source_version
from ..brand.sources import SourceError, confine, inside, read_source
from ..errors import BrandError, Location, StyleError, display_path, line_of

log = logging.getLogger(__name__)

TOKENS_IMPORT = "tokens"
# The path runs to the end of the line (brand folders may have spaces in their names), less
# the ", in function `f`" (or mixin) libsass appends inside a call.
_WHERE = re.compile(r"on line (\d+)(?::(\d+))? of (.+?)(?:, in (?:function|mixin) `[^`]*`)?\s*$",
                    re.MULTILINE)
# Imports libsass leaves to the browser as plain CSS `@import url(...)`.
_CSS_IMPORT = re.compile(r"^(?:https?:|//|url\()|\.css$")
_STDIN = "stdin"  # what libsass calls a source compiled from a string
CACHE_SIZE = 256

Deps = tuple[tuple[str, tuple | None], ...]
_cache: OrderedDict[tuple[str, str, str], tuple[str, Deps]] = OrderedDict()
_cache_lock = threading.Lock()  # the preview may compile from more than one thread


def compile_css(entry: Path, tokens_scss: str, root: Path | None = None,
                where: Location | None = None) -> str:
    """Compile the Sass file `entry`; `@import "tokens";` yields `tokens_scss`.

    Every file read must lie inside `root` (the brand folder; by default the entry's
    folder). `where` is the setting that named the entry, for a missing or refused entry.
    Results are cached until one of the files they were compiled from changes.
    """
    from .sass_worker import run  # the worker imports this module: import it late

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


def compile_here(entry: str, root: str, tokens_scss: str,
                 where: Location | None = None) -> tuple[str, Deps]:
    """Compile in this process; return the CSS and the files read, with their versions."""
    texts: dict[str, str] = {}
    failures: list[BrandError] = []
    entry_text = read_source(Path(entry), Path(root), "style", where)
    texts[entry] = entry_text

    def importer(name: str, previous: str) -> tuple[tuple[str, str], ...] | None:
        if name in (TOKENS_IMPORT, f"_{TOKENS_IMPORT}"):
            return ((f"{TOKENS_IMPORT}.scss", tokens_scss),)
        if _CSS_IMPORT.search(name):
            return None  # a plain CSS import: libsass writes it out, reading nothing
        parent = entry if previous == _STDIN else previous
        try:
            path = _resolve(name, parent, entry, root, texts)
            texts[path] = read_source(Path(path), Path(root), "style")
        except BrandError as error:
            failures.append(error)
            raise
        return ((path, texts[path]),)

    try:
        css = sass.compile(string=entry_text, importers=[(0, importer)],
                           output_style="compressed")
    except sass.CompileError as error:
        if failures:
            raise failures[0] from error
        raise _wrap(error, entry) from error
    # The folders too: a partial created there may now win an import's resolution.
    read = [*texts, *dict.fromkeys(os.path.dirname(path) for path in texts)]
    return css, tuple((path, source_version(path)) for path in read)


def _resolve(name: str, parent: str, entry: str, root: str, texts: dict[str, str]) -> str:
    """Find the file `@import name` in `parent` means, refusing one outside the brand."""
    where = Location(display_path(parent), _import_line(texts.get(parent, ""), name))
    stem = Path(name)
    # Beside the importing file first, then beside the entry (libsass's include path).
    for base in dict.fromkeys((Path(parent).parent, Path(entry).parent)):
        target = Path(os.path.normpath(base / stem))
        if stem.is_absolute() or not inside(target, Path(root)):
            raise SourceError(f"@import '{name}' lies outside the brand folder", where,
                              "import only Sass files inside the brand folder")
        for candidate in _candidates(target):
            if os.path.lexists(candidate) and not os.path.isdir(candidate):
                confine(candidate, Path(root), where)  # a symlink out of the brand
                return str(candidate)
    raise StyleError(f"Sass error: File to import not found or unreadable: {name}.", where,
                     "fix the Sass source")


def _candidates(stem: Path) -> tuple[Path, ...]:
    return (stem.with_name(f"_{stem.name}.scss"), stem.with_name(f"{stem.name}.scss"),
            stem.with_name(f"_{stem.name}"), stem)


def _import_line(text: str, name: str) -> int | None:
    return line_of(text, f'"{name}"') or line_of(text, f"'{name}'") or line_of(text, name)


_IMPORT = re.compile(r"@(?:import|use|forward)\s+([^;]+);")
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def style_sources(entry: Path, root: Path | None = None) -> tuple[Path, ...]:
    """Return `entry` and every Sass file it imports, recursively (for rebuild decisions).

    libsass reports no dependencies, and a source map omits partials that only define
    variables, so the imports are followed here. An import that cannot be resolved makes
    every Sass file beside the entry a dependency, which is never wrong, only broader. A
    file that cannot be read safely is left for the compile to report.
    """
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
                if name == TOKENS_IMPORT or _CSS_IMPORT.search(name):
                    continue
                found = _resolve_import(name, current.parent, styles_dir)
                if found is None:
                    return tuple(sorted(p for p in styles_dir.rglob("*.scss") if p.is_file()))
                pending.append(found)
    return tuple(seen)


def _resolve_import(name: str, folder: Path, styles_dir: Path) -> Path | None:
    for base in (folder, styles_dir):
        for candidate in _candidates(Path(name)):
            try:
                path = (base / candidate).resolve()
            except (OSError, RuntimeError):  # a symlink loop: the compile names it
                continue
            if path.is_file():
                return path
    return None


def _wrap(error: sass.CompileError, entry: str) -> StyleError:
    text = str(error)
    first = text.strip().splitlines()[0] if text.strip() else "Sass error"
    message = first.removeprefix("Error: ").strip()
    if "Unable to allocate memory" in message:  # the worker's memory limit (sass_worker)
        return StyleError("Sass compilation ran out of memory", Location(display_path(entry)),
                          "look for an endless @while or @for loop, or a string or list that "
                          "keeps growing")
    hint = "fix the Sass source"
    match = _WHERE.search(text)
    if match:
        path = entry if match.group(3) == _STDIN else match.group(3)
        if path.endswith(f"{TOKENS_IMPORT}.scss") and not Path(path).is_file():
            path = "design tokens (generated tokens.scss)"
            hint = "a token's value is not valid Sass: check brand/tokens/ and the tenant overrides"
        location = Location(display_path(path) if Path(path).exists() else path,
                            int(match.group(1)), int(match.group(2) or 0) or None)
    else:
        location = Location(display_path(entry))
    return StyleError(f"Sass error: {message}", location, hint)

