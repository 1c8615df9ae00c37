"""Per-tenant token overrides from tenants.toml, layered on the brand's tokens."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...errors import Location, TokenError, did_you_mean, line_of, printable
from ..sourcemap import source_version
from ..sources import SourceError, read_source
from ..toml_lines import key_line
from .model import RawToken, RawTokens
from .references import find_references


def apply_overrides(
    tokens: RawTokens | Mapping[str, RawToken], overrides: Mapping[str, Any],
    location: Location, table: tuple[str, ...] = (),
) -> RawTokens:
    """Layer per-tenant `{path: value}` overrides on the base tokens.

    TOML turns an unquoted dotted key (`color.primary = ...`) into nested tables, so a
    table that is not itself a token is read as a group of overrides. Each value goes
    through the same checks as one written in a token file, reported at its tenants.toml line
    (`table` is where the overrides sit there, such as ("tenants", "prod", "tokens")).
    """
    raw = tokens.table if isinstance(tokens, RawTokens) else tokens
    layered = dict(raw)
    text = _text_of(location) if overrides else ""
    for path, keys, value in _flatten_overrides(overrides, raw):
        # The tenant gives one location for all its overrides: errors belong on their own line.
        where = Location(location.path, (key_line(text, (*table, *keys)) if table else None)
                         or line_of(text, path, location.line or 1) or location.line)
        if path not in raw:
            raise TokenError(
                f"override of unknown token '{printable(path)}'", where,
                did_you_mean(path, raw) or "override a token defined in brand/tokens/",
            )
        base = raw[path]
        try:
            references = find_references(value, (), None, where.line, where)
        except ValueError as error:
            raise TokenError(f"the override of '{path}' is nested too deeply", where,
                             "write a plain value") from error
        if _holds_nul(value):
            raise TokenError(f"the override of '{path}' holds a NUL character", where,
                             "remove it: Auth0 and browsers treat NUL as the end of the text")
        layered[path] = RawToken(path, base.type, value, base.description, where, references,
                                 base.deprecated, base.extensions)
    problems = tokens.problems if isinstance(tokens, RawTokens) else ()
    return RawTokens(layered, problems)


def _flatten_overrides(
    overrides: Mapping[str, Any], raw: Mapping[str, RawToken]
) -> Iterator[tuple[str, tuple[str, ...], Any]]:
    """Yield each override's token path, the TOML keys that wrote it, and its value."""
    stack: list[tuple[Iterator[tuple[str, Any]], tuple[str, ...]]] = [
        (iter(overrides.items()), ())]
    while stack:
        entry = next(stack[-1][0], None)
        if entry is None:
            stack.pop()
            continue
        key, value = entry
        keys = (*stack[-1][1], key)
        path = ".".join(keys)
        if path not in raw and isinstance(value, Mapping) and value:
            stack.append((iter(value.items()), keys))
        else:
            yield path, keys, value


def _holds_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _text_of(location: Location) -> str:
    # tenants.toml, already read (and checked) by load_config: read again for its lines,
    # once per version of the file rather than once per tenant. If it cannot be, errors
    # fall back to the tenant's own line.
    return _text_at(source_version(location.path), location.path)


@lru_cache(maxsize=8)
def _text_at(version: tuple[object, ...] | None, shown: str) -> str:
    path = Path(shown)
    try:
        return read_source(path, path.parent, "config")
    except SourceError:
        return ""


