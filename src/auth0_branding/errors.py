"""Errors and problems: the part of the interface users read most."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a source file, shown as `path:line`."""

    path: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """One finding of a check: an error blocks a build, a warning does not (unless strict)."""

    severity: str  # "error" | "warning"
    code: str
    message: str
    location: Location | None = None

    def __str__(self) -> str:
        where = f" {self.location}:" if self.location else ""
        return f"{self.severity.upper()}{where} {self.code} {self.message}"


class BrandError(Exception):
    """A user-facing error: what went wrong, where, and what to do next."""

    def __init__(
        self, message: str, location: Location | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"

    @property
    def errors(self) -> tuple[BrandError, ...]:
        """Every error this one reports, one line each: itself, or the several it gathers."""
        return (self,)


class ConfigError(BrandError):
    """The brand or tenants configuration is missing, malformed or invalid."""


class ConfigErrors(ConfigError):
    """Several configuration problems, reported together: it reads as the first of `errors`."""

    def __init__(self, errors: Sequence[BrandError]) -> None:
        first = errors[0]
        super().__init__(first.message, first.location, first.hint)
        self._errors = tuple(errors)

    @property
    def errors(self) -> tuple[BrandError, ...]:
        return self._errors


class TokenError(BrandError):
    """A design token file is malformed, or an alias is unknown or cyclic."""


class TranslationError(BrandError):
    """A translation catalogue cannot be read."""


class TemplateError(BrandError):
    """A Jinja template failed to load, parse or render."""


class RenderError(BrandError):
    """`render` names no output, scenario or language of the build, or unreadable data."""


class StyleError(BrandError):
    """Sass failed to compile."""


class InlineError(BrandError):
    """An email cannot be inlined without damaging its Liquid."""

    def __init__(
        self, message: str, location: Location | None = None, hint: str | None = None,
        snippet: str | None = None,
    ) -> None:
        super().__init__(message, location, hint)
        self.snippet = snippet


class CheckError(BrandError):
    """The build produced outputs that fail the Auth0 contract checks."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} check error(s)", hint="fix them, then build again"
        )
        self.problems = problems


class DistError(BrandError):
    """dist/ is missing, incomplete or does not match its manifest."""


class PublishError(BrandError):
    """A tenant could not be read or written."""


def printable(text: str) -> str:
    """Escape control characters in user-supplied text, so what we print is one honest line.

    A tenant name or key with a newline could otherwise forge an `ERROR` line, and escape
    sequences could rewrite the terminal. Printable text, including non-ASCII letters, stays.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """Return a 'did you mean' hint for a misspelt name, or None."""
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.8)
    if not matches:
        return None
    return f"did you mean '{matches[0]}'?"


def line_of(text: str, needle: str, start_line: int = 1) -> int | None:
    """Return the 1-based line of the first `needle` at or after `start_line`."""
    lines = text.splitlines()
    for number in range(max(start_line, 1), len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return None


def locate_source(snippet: str, sources: Iterable[str]) -> Location | None:
    """Find the first source file (and line) that contains `snippet` verbatim.

    Liquid passes through the build byte-identical, so a construct seen in an output can be
    traced back to the template that wrote it.
    """
    first_line = snippet.strip().splitlines()[0] if snippet.strip() else ""
    if not first_line:
        return None
    for source in sources:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        line = line_of(text, first_line)
        if line is not None:
            return Location(source, line)
    return None


def display_path(path: Path | str) -> str:
    """Return `path` relative to the working directory when it lies under it."""
    return _display_path(str(path), os.getcwd())


@lru_cache(maxsize=4096)
def _display_path(path: str, cwd: str) -> str:
    # Lexically first, so a symlink is shown by its own name rather than its target's.
    lexical = Path(os.path.abspath(os.path.join(cwd, path)))
    if lexical.is_relative_to(cwd):
        return str(lexical.relative_to(cwd)) if lexical != Path(cwd) else "."
    try:
        return str(Path(path).resolve().relative_to(Path(cwd).resolve()))
    except (ValueError, RuntimeError, OSError):  # elsewhere, a symlink loop, an odd name
        return path
