"""Resolve aliases and JSON Pointers (chained, across files) and render each token as CSS."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import Location, Problem, TokenError, did_you_mean, printable
from .model import RawToken, RawTokens, Token, Tokens
from .references import alias_path, pointer, pointer_target, read_part, substitute
from .types import to_css

_Part = tuple[str | int, ...]


def resolve_tokens(raw: RawTokens | Mapping[str, RawToken]) -> Tokens:
    """Resolve every reference and render each token as a CSS literal.

    Depth first with an explicit stack, so a chain of any length resolves; each token is
    resolved once, so the whole set takes time linear in its size.
    """
    table = raw.table if isinstance(raw, RawTokens) else raw
    problems = list(raw.problems) if isinstance(raw, RawTokens) else []
    resolved: dict[str, tuple[str, Any]] = {}
    converted: dict[str, tuple[str, dict[str, str]]] = {}
    for start in sorted(table):
        if start in resolved:
            continue
        stack: list[list[Any]] = [[start, 0]]
        active = {start: 0}
        while stack:
            frame = stack[-1]
            path, index = frame
            token = table[path]
            references = token.references
            while index < len(references) and references[index][0] in resolved:
                index += 1
            frame[1] = index
            if index < len(references):
                target, _, line = references[index]
                if target in active:
                    raise TokenError(f"alias cycle: {_cycle(stack, active[target], target)}",
                                     table[target].location, "point one alias at a value")
                if target not in table:
                    raise TokenError(
                        f"unknown token reference '{_shown(references[index])}' in "
                        f"'{printable(token.path)}'",
                        Location(token.location.path, line or token.location.line),
                        did_you_mean(target, table) or "reference a defined token",
                    )
                active[target] = len(stack)
                stack.append([target, 0])
                continue
            resolved[path] = _resolve(token, table, resolved, problems)
            converted[path] = to_css(*resolved[path], path, token.location)
            del active[path]
            stack.pop()
    return Tokens({
        path: Token(path, resolved[path][0], converted[path][0], table[path].description,
                    table[path].location, resolved[path][1], converted[path][1],
                    table[path].deprecated, table[path].extensions)
        for path in sorted(table)
    }, tuple(problems))


def _resolve(token: RawToken, table: Mapping[str, RawToken],
             resolved: Mapping[str, tuple[str, Any]], problems: list[Problem]
             ) -> tuple[str, Any]:
    # Converted after whatever it aliases: a bad value is reported where it is written (a
    # tenant's override, say), not at the first alias that reaches it.
    lookup: dict[tuple[str, _Part], Any] = {}
    for target, part, line in token.references:
        where = Location(token.location.path, line or token.location.line)
        found, value = read_part(resolved[target][1], part)
        if not found:
            raise TokenError(
                f"'{_shown((target, part, line))}' in '{printable(token.path)}' points at no "
                f"part of the value of '{printable(target)}'", where,
                "point at a field the value has, such as $value/components/0")
        lookup[(target, part)] = value
        used = table[target]
        if used.deprecated is not False and token.deprecated is False:
            reason = f": {used.deprecated}" if isinstance(used.deprecated, str) else ""
            problems.append(Problem(
                "warning", "token-deprecated",
                f"'{printable(token.path)}' uses deprecated token '{printable(target)}'{reason}",
                where))
    value = substitute(token.value, lookup) if token.references else token.value
    token_type = token.type or _aliased_type(token.value, resolved)
    if token_type is None:
        raise TokenError(f"token '{printable(token.path)}' has no $type", token.location,
                         "add $type to it or to its group")
    return token_type, value


def _aliased_type(value: Any, resolved: Mapping[str, tuple[str, Any]]) -> str | None:
    """An alias of a whole token, with no $type of its own, takes the type of its target."""
    target = alias_path(value)
    if target is None and (ref := pointer(value)) is not None:
        path, part = pointer_target(ref, Location(""))
        target = None if part else path
    return resolved[target][0] if target else None


def _shown(reference: tuple[str, _Part, int | None]) -> str:
    target, part, _ = reference
    if not part:
        return "{" + printable(target) + "}"
    return printable("#/" + "/".join([*target.split("."), "$value", *map(str, part)]))


def _cycle(stack: list[list[Any]], first: int, target: str) -> str:
    names = [frame[0] for frame in stack[first:]] + [target]
    if len(names) > 12:  # one readable line, however long the loop
        names = [*names[:5], f"... ({len(names) - 10} more)", *names[-5:]]
    return " -> ".join(names)
