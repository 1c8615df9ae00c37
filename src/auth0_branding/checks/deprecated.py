"""Warn where a deprecated token is used: the brand's Sass, its settings, its templates.

A token aliasing a deprecated token is reported while resolving (`brand.tokens.resolve`);
the other uses are found here, by a light scan of the sources rather than inside libsass or
Jinja. It reads the sources on every build, cold or warm, so a cached build still warns.
Shared sources are scanned once, whatever the number of tenants: one warning per use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..brand.sources import SourceError, read_source
from ..brand.tokens import Token, Tokens, alias_path
from ..brand.toml_lines import nearest_line
from ..build.builder import BuildResult
from ..build.styles import style_sources
from ..errors import Location, Problem, display_path, printable

# Strings are kept (`token("...")` quotes its name, `"#{$x}"` interpolates); comments are
# blanked, their line breaks kept.
# An unclosed comment or block runs to the end (`\Z`), so a hostile file is read in linear time.
_SASS_LEXEME = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|/\*.*?(?:\*/|\Z)|//[^\n]*',
                          re.DOTALL)
_SASS_USE = re.compile(
    r"\$(?P<variable>[\w-]+)(?!\s*:(?!:))"
    r"|\b(?:token|token-properties)\(\s*[\"'](?P<name>[^\"']+)[\"']"
    r"|\bvar\(\s*--(?P<custom>[\w-]+)")
_JINJA = re.compile(r"\[\[.*?(?:\]\]|\Z)|\[%.*?(?:%\]|\Z)", re.DOTALL)
_JINJA_COMMENT = re.compile(r"\[#.*?(?:#\]|\Z)", re.DOTALL)
_JINJA_TOKENS = re.compile(
    r"\btokens((?:\s*\.\s*[\w$-]+|\s*\[\s*[\"'][^\"']+[\"']\s*\])+)")
_PART = re.compile(r"\.\s*([\w$-]+)|\[\s*[\"']([^\"']+)[\"']\s*\]")


def check_deprecated_uses(result: BuildResult) -> list[Problem]:
    """Return a warning for each place (Sass, settings, templates) using a deprecated token."""
    shared = _deprecated({id(t): t for t in result.tokens.values()}.values())
    if not shared:
        return []
    config = result.config
    problems: list[Problem] = []
    seen: set[Path] = set()
    for entry in (config.page_style, config.email_style):
        for source in style_sources(entry, config.brand_dir):
            if source not in seen:
                seen.add(source)
                problems.extend(_sass_uses(source, config.brand_dir, shared))
    for template in sorted(config.templates_dir.rglob("*")):
        if template.is_file():
            problems.extend(_template_uses(template, config.brand_dir, shared))
    brand_toml = config.brand_dir / "brand.toml"
    # A settings table counts where some tenant built gets it, as the build reads it only then.
    managed = {part for tenant in result.tenants for part in tenant.manage}
    for table in ("theme", "branding", "colours"):
        if table in managed or table == "colours":
            settings = getattr(config, table)
            problems.extend(_setting_uses(settings, (table,), brand_toml, shared))
    for tenant in result.tenants:
        if "organizations" not in tenant.manage or tenant.name not in result.tokens:
            continue
        own = _deprecated([result.tokens[tenant.name]])
        for name, branding in tenant.organizations.items():
            problems.extend(_setting_uses(
                branding, ("tenants", tenant.name, "organizations", name, "branding"),
                config.tenants_file, own))
    return list(dict.fromkeys(problems))


def deprecated_use(path: str, token: Token, where: Location) -> Problem:
    """The warning for a use of deprecated `token` at `where`."""
    reason = f"{token.deprecated}; " if isinstance(token.deprecated, str) else ""
    return Problem("warning", "token-deprecated",
                   f"'{printable(path)}' is deprecated ({reason}defined at {token.location})",
                   where)


def _deprecated(sets: Iterable[Tokens]) -> dict[str, Token]:
    found: dict[str, Token] = {}
    for tokens in sets:
        for path, token in tokens.by_path.items():
            if token.deprecated is not False:
                found.setdefault(path, token)
    return found


def _sass_uses(source: Path, root: Path, deprecated: Mapping[str, Token]) -> Iterator[Problem]:
    try:
        text = read_source(source, root, "style")
    except SourceError:  # the compile reports it
        return
    by_name = {token.name: token for token in deprecated.values()}
    code = _SASS_LEXEME.sub(lambda m: m.group() if m.group()[0] in "\"'" else _blank(m), text)
    shown = display_path(source)
    for match in _SASS_USE.finditer(code):
        if match.group("variable") is not None:
            # Sass treats `_` and `-` alike in names; token names never hold `_`.
            name = match.group("variable").replace("_", "-")
        else:
            name = match.group("name") or match.group("custom")
        token = by_name.get(name)
        if token is not None:
            line = code.count("\n", 0, match.start()) + 1
            yield deprecated_use(token.path, token, Location(shown, line))


def _blank(match: re.Match[str]) -> str:
    """Blank a comment, keeping its line breaks so later lines keep their numbers."""
    return re.sub(r"[^\n]", " ", match.group())


def _template_uses(template: Path, root: Path, deprecated: Mapping[str, Token]
                   ) -> Iterator[Problem]:
    try:
        text = read_source(template, root, "template")
    except (SourceError, UnicodeDecodeError):  # the render reports it
        return
    shown = display_path(template)
    text = _JINJA_COMMENT.sub(_blank, text)
    for block in _JINJA.finditer(text):
        for path in _jinja_paths(block.group()):
            if path in deprecated:
                line = text.count("\n", 0, block.start()) + 1
                yield deprecated_use(path, deprecated[path], Location(shown, line))


def _jinja_paths(expression: str) -> Iterator[str]:
    for match in _JINJA_TOKENS.finditer(expression):
        parts = [dotted or quoted for dotted, quoted in _PART.findall(match.group(1))]
        yield ".".join(parts)


def _setting_uses(settings: Mapping[str, Any], table: tuple[str, ...], toml: Path,
                  deprecated: Mapping[str, Token]) -> Iterator[Problem]:
    for key, value in settings.items():
        keys = (*table, key)
        if isinstance(value, Mapping):
            yield from _setting_uses(value, keys, toml, deprecated)
            continue
        if not isinstance(value, str):
            continue
        path = alias_path(value)
        paths = [path] if path is not None else [
            p for block in _JINJA.findall(value) for p in _jinja_paths(block)]
        for path in dict.fromkeys(paths):
            if path in deprecated:
                text = read_source(toml, toml.parent, "config")
                yield deprecated_use(path, deprecated[path],
                                     Location(display_path(toml), nearest_line(text, keys)))
