"""References in token values: `{a.b}` aliases and JSON Pointer `$ref`s, found and looked up."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...errors import Location, TokenError, printable
from ..json_lines import MAX_DEPTH, JsonDocument
from .model import Reference

_ALIAS = re.compile(r"\{([^{}]+)\}")


def alias_path(value: Any) -> str | None:
    """Return the token path of an alias such as `"{color.brand.primary}"`, else None."""
    match = _ALIAS.fullmatch(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def pointer(value: Any) -> str | None:
    """Return the JSON Pointer of a `{"$ref": "#/..."}` object, else None."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$ref"), str):
        return str(value["$ref"])
    return None


def pointer_target(ref: str, where: Location) -> tuple[str, tuple[str | int, ...]]:
    """Split `#/color/blue/$value/components/0` into the token path and the part of its value.

    Only pointers into the token files are read (`#/...`): the files are merged into one
    document, so a pointer names a token wherever it is defined.
    """
    if not ref.startswith("#/"):
        raise TokenError(f"$ref {printable(ref)!r} is not a JSON Pointer into the tokens", where,
                         'write "#/group/token" or "#/group/token/$value/part"')
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]
    if "$value" in parts:
        index = parts.index("$value")
        token, rest = parts[:index], parts[index + 1:]
    else:
        token, rest = parts, []
    if not token or any(not p for p in token):
        raise TokenError(f"$ref {printable(ref)!r} names no token", where,
                         'write "#/group/token"')
    return ".".join(token), tuple(int(p) if p.isdigit() else p for p in rest)


def find_references(value: Any, at: tuple[str | int, ...], document: JsonDocument | None,
                    line: int | None, where: Location) -> tuple[Reference, ...]:
    """Return the references in `value` with the line each is written on, without recursion."""
    if isinstance(value, str):  # the common case: a literal or one alias
        path = alias_path(value)
        if path is None:
            return ()
        return ((path, (), document.lines.get(at, line) if document else line),)
    found: list[Reference] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, at)]
    while stack:
        item, here = stack.pop()
        written = document.lines.get(here, line) if document else line
        if isinstance(item, str):
            if (path := alias_path(item)) is not None:
                found.append((path, (), written))
        elif (ref := pointer(item)) is not None:
            found.append((*pointer_target(ref, Location(where.path, written)), written))
        elif isinstance(item, list | dict):
            if len(here) - len(at) > MAX_DEPTH:
                raise ValueError("nested too deeply")
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend(reversed([(v, (*here, k)) for k, v in pairs]))
    return tuple(found)


def read_part(value: Any, part: tuple[str | int, ...]) -> tuple[bool, Any]:
    """Return (found, the value at `part` of `value`), as a JSON Pointer reads it."""
    for key in part:
        if isinstance(value, list) and isinstance(key, int) and key < len(value):
            value = value[key]
        elif isinstance(value, Mapping) and str(key) in value:
            value = value[str(key)]
        else:
            return False, None
    return True, value


def substitute(value: Any, lookup: Mapping[tuple[str, tuple[str | int, ...]], Any]) -> Any:
    """Replace each reference in `value` by what it points at (already resolved in `lookup`)."""
    # Values nest at most MAX_DEPTH levels (checked when their references were listed).
    if isinstance(value, str):
        path = alias_path(value)
        return lookup[(path, ())] if path else value
    if (ref := pointer(value)) is not None:
        return lookup[pointer_target(ref, Location(""))]
    if isinstance(value, list):
        return [substitute(item, lookup) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, lookup) for key, item in value.items()}
    return value
