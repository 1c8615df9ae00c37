"""Trace what a check finds in a built output back to the brand source line that wrote it.

Liquid and most markup pass through the build byte-identical, so a construct seen in an
output can be searched for in the artifact's sources: its own template first, then layouts,
partials and the rest. Files are read once per version (keyed by mtime and size), because
`serve` checks again after every edit and a stale line number would send a designer astray.
Within one build (`one_version_each`) each file's version is looked up once: the build reads
one state of its sources, and a fleet does not ask the file system the same question for
every tenant.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG
from typing import Any, TypeVar

from ..errors import Location
from .toml_lines import key_line, nearest_line

# Pieces of an output line that usually survive rendering and inlining verbatim.
_PIECES = re.compile(r"<[a-zA-Z][^<>]*>|[\w:-]+=\"[^\"]*\"|>([^<>]{8,})<")


# Each file's version as this build first saw it, and what was found from the sources alone
# (`once_per_build`); None outside a build.
_BUILD_VERSIONS: dict[str, tuple | None] | None = None
_BUILD_FINDINGS: dict[Hashable, Any] | None = None
_Found = TypeVar("_Found")


@contextmanager
def one_version_each() -> Iterator[None]:
    """Within this block, each file's version is read once and then taken as read.

    The build is recorded only if its inputs are as they were when it started, so a file
    edited while it runs is seen by the next build, never mixed into a recorded one.
    """
    global _BUILD_VERSIONS, _BUILD_FINDINGS
    outer = _BUILD_VERSIONS, _BUILD_FINDINGS
    if _BUILD_VERSIONS is None or _BUILD_FINDINGS is None:
        _BUILD_VERSIONS, _BUILD_FINDINGS = {}, {}
    try:
        yield
    finally:
        _BUILD_VERSIONS, _BUILD_FINDINGS = outer


def once_per_build(key: Hashable, find: Callable[[], _Found]) -> _Found:
    """Return `find()`, found once per build for `key` (every time outside a build).

    For what follows from the source files alone (which Sass files an entry imports, which
    templates one includes): a fleet asks it for every tenant, and within a build the
    files are taken as they were first read.
    """
    findings = _BUILD_FINDINGS
    if findings is None:
        return find()
    try:
        return findings[key]
    except KeyError:
        found = findings[key] = find()
        return found


def source_version(path: str) -> tuple | None:
    """Return what identifies this version of a file (None if unreadable), for cache keys."""
    seen = _BUILD_VERSIONS
    if seen is None:
        return _current_version(path)
    try:
        return seen[path]
    except KeyError:
        version = seen[path] = _current_version(path)
        return version


def _current_version(path: str) -> tuple | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    # The absolute path, because two brands can share relative paths; ctime and inode too,
    # because an edit within the mtime granularity that keeps the size must still count.
    return (os.path.abspath(path), stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns,
            stat.st_size, S_ISREG(stat.st_mode))


def source_lines(path: str) -> tuple[str, ...]:
    """Return the lines of `path` (empty when unreadable), cached until the file changes."""
    version = source_version(path)
    # Only regular files: opening a FIFO put where a source was would block.
    return _read(version) if version and version[-1] else ()


@lru_cache(maxsize=1024)
def _read(version: tuple) -> tuple[str, ...]:
    return tuple(_read_text(version).splitlines())


@lru_cache(maxsize=64)
def _read_text(version: tuple) -> str:
    try:
        return Path(version[0]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def occurrences(snippet: str, sources: tuple[str, ...]) -> list[Location]:
    """Return every source line holding the first line of `snippet`, in source order."""
    stripped = snippet.strip()
    needle = stripped.splitlines()[0].strip() if stripped else ""
    if not needle:
        return []
    return [Location(path, number) for path in sources
            for number, line in enumerate(source_lines(path), 1) if needle in line]


def toml_location(path: str, dotted: str) -> Location:
    """Return where key `a.b.c` is written in a TOML file, else its closest enclosing table.

    When the key is absent (a missing field), that table is the place to add it.
    """
    return Location(path, nearest_line(_text(path), tuple(dotted.split("."))))


def toml_table_line(path: str, table: str) -> int | None:
    """Return the line that opens table `a.b` in a TOML file, or None."""
    return key_line(_text(path), tuple(table.split(".")))


def toml_key_line(path: str, table: str, key: str) -> int | None:
    """Return the line of `key` in table `a.b` of a TOML file, or None."""
    return key_line(_text(path), (*table.split("."), key))


def _text(path: str) -> str:
    version = source_version(path)
    return _read_text(version) if version and version[-1] else ""


class SourceMap:
    """Locate constructs of one built output in the brand files it was built from."""

    def __init__(self, artifact: Any) -> None:
        self.sources: tuple[str, ...] = tuple(artifact.sources)
        self.content: str = artifact.content
        # A missing construct, or a size, belongs to the output's own template as a whole.
        self.file = Location(self.sources[0]) if self.sources else Location(artifact.path)
        self._output_lines: list[str] | None = None

    @property
    def output_lines(self) -> list[str]:
        if self._output_lines is None:
            self._output_lines = self.content.splitlines()
        return self._output_lines

    def find(self, snippet: str, nth: int = 0) -> Location:
        """Return the source line of the `nth` occurrence of `snippet`, else the template."""
        found = occurrences(snippet, self.sources)
        return found[min(nth, len(found) - 1)] if found else self.file

    def at_output(self, line: int | None, snippet: str | None = None) -> Location:
        """Map output line `line` (and the snippet seen on it, if known) to a source line.

        Inlining rewrites start tags, so when the snippet or the whole line is not in a
        source, try the line's tags, attributes and text runs, the longest (most telling)
        first. Repeated text is matched occurrence by occurrence.
        """
        lines = self.output_lines
        if line is None or not 0 < line <= len(lines):
            return self.find(snippet) if snippet else self.file
        text = lines[line - 1].strip()
        pieces = sorted((m.group(1) or m.group(0) for m in _PIECES.finditer(text)),
                        key=len, reverse=True)
        for candidate in (snippet, text, *pieces):
            if not candidate or not candidate.strip():
                continue
            found = occurrences(candidate, self.sources)
            if found:
                needle = candidate.strip().splitlines()[0].strip()
                nth = sum(needle in earlier for earlier in lines[: line - 1])
                return found[min(nth, len(found) - 1)]
        return self.file
