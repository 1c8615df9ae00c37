"""Read token files into one flat table: groups, `$root`, `$extends`, redefinitions, names."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import Location, Problem, TokenError, did_you_mean, display_path, printable
from ..json_lines import JsonDocument, parse_json
from ..sources import read_source
from ..token_css import shown_value
from .model import RawToken, RawTokens
from .names import kebab
from .references import alias_path, find_references, pointer_target
from .studio import from_studio, is_studio_document
from .types import type_hint, unsupported_type

ROOT = "$root"
# The spec's alias syntax reserves these in names (a `.` would split the path).
_FORBIDDEN = frozenset("{}.")


@dataclass(frozen=True)
class _Extends:
    group: str
    target: str
    location: Location


@dataclass
class _Reading:
    table: dict[str, RawToken]
    problems: list[Problem]
    extends: list[_Extends]


def load_raw_tokens(paths: Iterable[Path], root: Path) -> RawTokens:
    """Read token files (confined to the brand folder `root`), later files overriding earlier."""
    reading = _Reading({}, [], [])
    for path in paths:
        document = parse_json(read_source(path, root, "tokens"), display_path(path))
        if not isinstance(document.data, dict):
            raise TokenError(
                "a tokens file must hold a JSON object", Location(document.shown, 1),
                "wrap the groups in { }",
            )
        for token in _walk(document, reading.extends, reading.problems):
            earlier = reading.table.get(token.path)
            if earlier is not None:
                reading.problems.append(Problem(
                    "warning", "token-redefined",
                    f"token '{token.path}' is defined again here, overriding {earlier.location} "
                    "(remove one, or build with --strict to make this an error)",
                    token.location))
            reading.table[token.path] = token
    _apply_extends(reading)
    _check_names(reading.table)
    return RawTokens(reading.table, tuple(reading.problems))


def _walk(document: JsonDocument, extends: list[_Extends], problems: list[Problem]
          ) -> Iterator[RawToken]:
    """Yield the tokens of a document in order, depth first, without recursion."""
    root = document.data
    studio = is_studio_document(root)
    _description(document, root, ())
    stack: list[tuple[Iterator[tuple[str, Any]], tuple[str, ...], str | None, bool | str]] = [
        (iter(root.items()), (), _group_type(document, root, (), None, studio),
         _deprecated(document, root, (), False))]
    while stack:
        entry = next(stack[-1][0], None)
        if entry is None:
            stack.pop()
            continue
        key, node = entry
        _, parents, group_type, deprecated = stack[-1]
        if key.startswith("$") and key != ROOT:
            continue
        path = (*parents, key)
        dotted = ".".join(path)
        location = document.at(path)
        _check_name(key, dotted, parents, location)
        if not isinstance(node, dict):
            raise TokenError(
                f"'{printable(dotted)}' must be a group or a token object with $value",
                location, 'write {"$value": ...}',
            )
        is_token = "$value" in node or isinstance(node.get("$ref"), str) or (
            studio and "value" in node)
        if not is_token:
            if key == ROOT:
                raise TokenError(f"'{printable(dotted)}' must be a token with $value", location,
                                 "$root names the group's own token")
            _description(document, node, path)
            if "$extends" in node:
                extends.append(_Extends(dotted, _extends_target(document, node, path),
                                        document.at((*path, "$extends"))))
            stack.append((iter(node.items()), path,
                          _group_type(document, node, path, group_type, studio),
                          _deprecated(document, node, path, deprecated)))
            continue
        # Only an object is a token or group: exporters leave plain fields beside $value
        # (Primer's "alpha": 0), which name nothing and are left alone.
        child = next((k for k, v in node.items() if not k.startswith("$")
                      and isinstance(v, dict) and not (studio and k == "value")), None)
        if child is not None:
            raise TokenError(
                f"token '{printable(dotted)}' has a $value, so '{printable(child)}' cannot be a "
                "token inside it", document.at((*path, child)), "move it into a group of its own",
            )
        token = _token(document, node, path, group_type, deprecated, studio, problems)
        if token is not None:  # None: a Tokens Studio type with no CSS form, skipped
            yield token


def _token(document: JsonDocument, node: Mapping[str, Any], path: tuple[str, ...],
           group_type: str | None, deprecated: bool | str, studio: bool,
           problems: list[Problem]) -> RawToken | None:
    dotted = ".".join(path)
    location = document.at(path)
    if "$value" in node or not studio:
        value_key = "$value" if "$value" in node else None
        value = node["$value"] if value_key else {"$ref": node["$ref"]}  # a whole-token $ref
        token_type = _group_type(document, node, path, group_type, False)
    else:
        value_key = "value"
        token_type, value = from_studio(node, dotted, location, group_type, problems)
        if token_type is None:
            return None
    at = (*path, value_key) if value_key else path
    try:
        references = find_references(value, at, document, location.line, location)
    except ValueError as error:
        raise TokenError(f"the value of '{printable(dotted)}' is nested too deeply", location,
                         "write a plain value") from error
    extensions = node.get("$extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise TokenError(f"$extensions must be an object, not {shown_value(extensions)}",
                         document.at((*path, "$extensions")), 'write {"com.example": ...}')
    return RawToken(dotted, token_type, value, _description(document, node, path), location,
                    references, _deprecated(document, node, path, deprecated), extensions)


def _check_name(key: str, dotted: str, parents: tuple[str, ...], location: Location) -> None:
    bad = next((ch for ch in key if ch in _FORBIDDEN or not ch.isprintable()), None)
    words = kebab(key)
    if bad is not None or not words or (not parents and words[0].isdigit()):
        why = (f"holds {shown_value(bad)}" if bad is not None else
               "has no letter or digit" if not words else "starts with a digit")
        raise TokenError(
            f"token name {shown_value(key)} in {shown_value(dotted)} {why}", location,
            "use letters, digits, spaces, - and _ (no { } or . ; starting with a letter at "
            "the top level)",
        )


def _group_type(document: JsonDocument, node: Mapping[str, Any], path: tuple[str, ...],
                inherited: str | None, studio: bool) -> str | None:
    if "$type" not in node or studio:
        return inherited
    token_type = node["$type"]
    problem = unsupported_type(token_type)
    if problem is not None:
        dotted = printable(".".join(path))
        owner = f"'{dotted}'" if "$value" in node else (
            f"group '{dotted}'" if path else "the top-level group")
        raise TokenError(f"{problem} on {owner}", document.at((*path, "$type")),
                         type_hint(token_type))
    return str(token_type)


def _deprecated(document: JsonDocument, node: Mapping[str, Any], path: tuple[str, ...],
                inherited: bool | str) -> bool | str:
    if "$deprecated" not in node:
        return inherited
    value = node["$deprecated"]
    if not isinstance(value, bool | str):
        raise TokenError(f"$deprecated must be true, false or a reason, not {shown_value(value)}",
                         document.at((*path, "$deprecated")), 'write true or "use x instead"')
    return value


def _description(document: JsonDocument, node: Mapping[str, Any],
                 path: tuple[str, ...]) -> str | None:
    description = node.get("$description", node.get("description") if "$value" not in node
                           and "value" in node else None)
    if description is not None and not isinstance(description, str):
        raise TokenError(f"$description must be a string, not {shown_value(description)}",
                         document.at((*path, "$description")), "write it as text in quotes")
    return description


def _extends_target(document: JsonDocument, node: Mapping[str, Any], path: tuple[str, ...]
                    ) -> str:
    value = node["$extends"]
    where = document.at((*path, "$extends"))
    target = alias_path(value)
    if target is None and isinstance(value, str) and value.startswith("#/"):
        target, part = pointer_target(value, where)
        target = target if not part else None
    if target is None:
        raise TokenError(f"$extends must name a group, not {shown_value(value)}", where,
                         'write "{group.name}" or "#/group/name"')
    return target


def _apply_extends(reading: _Reading) -> None:
    """Copy each extended group's tokens into the extending group, where it has none."""
    by_group = {e.group: e for e in reading.extends}
    done: set[str] = set()
    for start in by_group:
        chain: list[_Extends] = []
        seen: set[str] = set()
        current: _Extends | None = by_group[start]
        while current is not None and current.group not in done:
            if current.group in seen:
                names = [*(c.group for c in chain), current.group]
                if len(names) > 12:  # one readable line, however long the loop
                    names = [*names[:5], f"... ({len(names) - 10} more)", *names[-5:]]
                raise TokenError(f"$extends cycle: {' -> '.join(names)}", current.location,
                                 "a group cannot extend itself through others")
            seen.add(current.group)
            chain.append(current)
            current = by_group.get(current.target)
        for link in reversed(chain):
            _extend(reading.table, link)
            done.add(link.group)


def _extend(table: dict[str, RawToken], link: _Extends) -> None:
    prefix = link.target + "."
    if link.target in table:
        raise TokenError(f"$extends of group '{link.group}' names token '{link.target}', not a "
                         "group", link.location, "extend a group of tokens")
    inherited = [t for p, t in table.items() if p.startswith(prefix)]
    if not inherited:
        groups = {".".join(p.split(".")[:n]) for p in table for n in range(1, p.count(".") + 1)}
        raise TokenError(f"$extends of group '{link.group}' names unknown group "
                         f"'{printable(link.target)}'", link.location,
                         did_you_mean(link.target, groups) or "extend a defined group")
    for token in inherited:
        path = link.group + "." + token.path[len(prefix):]
        if path not in table:
            table[path] = RawToken(path, token.type, token.value, token.description,
                                   token.location, token.references, token.deprecated,
                                   token.extensions)


def _check_names(table: Mapping[str, RawToken]) -> None:
    """Refuse a token that is also a group, and two tokens that share one CSS name."""
    names: dict[str, str] = {}
    for path, token in table.items():
        parts = path.split(".")
        for end in range(1, len(parts)):
            prefix = ".".join(parts[:end])
            if prefix in table:
                raise TokenError(
                    f"token '{printable(path)}' lies inside token '{printable(prefix)}' (at "
                    f"{table[prefix].location})", token.location,
                    "a token cannot also be a group: rename one of them, or name the group's "
                    "own token $root",
                )
        name = kebab(path)
        if name in names:
            other = table[names[name]]
            raise TokenError(
                f"tokens '{printable(path)}' and '{printable(other.path)}' (at {other.location}) "
                f"both become the CSS property --{name}", token.location, "rename one of them",
            )
        names[name] = path
