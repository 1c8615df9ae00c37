"""Sass to CSS with libsass; the design tokens arrive as the virtual import `tokens`."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import sass

from .errors import Location, StyleError, display_path

log = logging.getLogger(__name__)

TOKENS_IMPORT = "tokens"
# The path runs to the end of the line: brand folders may have spaces in their names.
_WHERE = re.compile(r"on line (\d+)(?::(\d+))? of (.+?)\s*$", re.MULTILINE)


def compile_css(entry: Path, tokens_scss: str) -> str:
    """Compile the Sass file `entry`; `@import "tokens";` yields `tokens_scss`."""
    return _compile(str(entry.resolve()), tokens_scss, _mtimes(entry.parent))


_IMPORT = re.compile(r"@(?:import|use|forward)\s+([^;]+);")
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")


def style_sources(entry: Path) -> tuple[Path, ...]:
    """Return `entry` and every Sass file it imports, recursively (for rebuild decisions).

    libsass reports no dependencies, and a source map omits partials that only define
    variables, so the imports are followed here. An import that cannot be resolved makes
    every Sass file beside the entry a dependency, which is never wrong, only broader.
    """
    root = entry.parent
    seen: list[Path] = []
    pending = [entry.resolve()]
    while pending:
        current = pending.pop()
        if current in seen or not current.is_file():
            continue
        seen.append(current)
        for statement in _IMPORT.findall(current.read_text(encoding="utf-8")):
            for name in _QUOTED.findall(statement):
                if name == TOKENS_IMPORT or name.startswith(("http:", "https:", "url(")):
                    continue
                found = _resolve_import(name, current.parent, root)
                if found is None:
                    return tuple(sorted(root.rglob("*.scss")))
                pending.append(found)
    return tuple(seen)


def _resolve_import(name: str, folder: Path, root: Path) -> Path | None:
    stem = Path(name)
    for base in (folder, root):
        for candidate in (stem.with_name(f"_{stem.name}.scss"), stem.with_name(f"{stem.name}.scss"),
                          stem.with_name(f"_{stem.name}"), stem):
            path = (base / candidate).resolve()
            if path.is_file():
                return path
    return None


def _mtimes(styles_dir: Path) -> tuple[int, ...]:
    # Part of the cache key, so an edited partial is never served from the cache.
    return tuple(p.stat().st_mtime_ns for p in sorted(styles_dir.rglob("*.scss")))


@lru_cache(maxsize=256)
def _compile(entry: str, tokens_scss: str, _mtimes: tuple[int, ...]) -> str:
    def importer(path: str) -> tuple[tuple[str, str], ...] | None:
        if path in (TOKENS_IMPORT, f"_{TOKENS_IMPORT}"):
            return ((f"{TOKENS_IMPORT}.scss", tokens_scss),)
        return None

    if not Path(entry).is_file():
        raise StyleError("Sass entry file not found", Location(display_path(entry)),
                         "set [styles] in brand.toml to an existing file")
    try:
        return sass.compile(
            filename=entry,
            include_paths=[str(Path(entry).parent)],
            importers=[(0, importer)],
            output_style="compressed",
        )
    except sass.CompileError as error:
        raise _wrap(error, entry) from error


def _wrap(error: sass.CompileError, entry: str) -> StyleError:
    text = str(error)
    first = text.strip().splitlines()[0] if text.strip() else "Sass error"
    message = first.removeprefix("Error: ").strip()
    hint = "fix the Sass source"
    match = _WHERE.search(text)
    if match:
        path = match.group(3)
        if path.endswith(f"{TOKENS_IMPORT}.scss") and not Path(path).is_file():
            path = "design tokens (generated tokens.scss)"
            hint = "a token's value is not valid Sass: check brand/tokens/ and the tenant overrides"
        location = Location(display_path(path) if Path(path).exists() else path,
                            int(match.group(1)), int(match.group(2) or 0) or None)
    else:
        location = Location(display_path(entry))
    return StyleError(f"Sass error: {message}", location, hint)
