"""Design tokens in the W3C DTCG format: load, layer overrides, resolve aliases, emit Sass."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coloraide import Color

from ..errors import Location, TokenError, did_you_mean, display_path, line_of, printable
from .colours import WHITE
from .json_lines import MAX_DEPTH, JsonDocument, parse_json
from .sources import SourceError, read_source
from .token_css import shown_value, to_css, type_hint, unsupported_type
from .token_targets import literals, wide_colours
from .toml_lines import key_line

_ALIAS = re.compile(r"\{([^{}]+)\}")
# A token name becomes part of a Sass variable and a CSS custom property.
_NAME = re.compile(r"[A-Za-z0-9_-]+")
_FIRST = re.compile(r"^[A-Za-z_]")


@dataclass(frozen=True)
class RawToken:
    """A token as written in a file, before aliases are resolved."""

    path: str
    type: str | None
    value: Any
    description: str | None
    location: Location
    # The aliases in the value, each with the line it is written on, in order.
    references: tuple[tuple[str, int | None], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Token:
    """A resolved token: its type and its value as a CSS literal."""

    path: str
    type: str
    css: str
    description: str | None
    location: Location
    value: Any = field(default=None, compare=False, repr=False)  # each target writes it anew

    @property
    def sass_name(self) -> str:
        return self.path.replace(".", "-")


class TokenGroup(dict[str, Any]):
    """Nested token values for templates; remembers its path for did-you-mean errors."""

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path


@dataclass(frozen=True)
class Tokens:
    """A resolved token set, in a stable order."""

    by_path: Mapping[str, Token]

    def css(self, path: str) -> str:
        return self.by_path[path].css

    def tree(self, values: Mapping[str, str] | None = None) -> TokenGroup:
        """Return the tokens as nested groups, for `[[ tokens.color.brand.primary ]]`."""
        root = TokenGroup()
        for path, token in self.by_path.items():
            group = root
            parts = path.split(".")
            for depth, part in enumerate(parts[:-1]):
                group = group.setdefault(part, TokenGroup(".".join(parts[: depth + 1])))
            group[parts[-1]] = values[path] if values is not None else token.css
        return root


# -- loading -----------------------------------------------------------------


def load_raw_tokens(paths: Iterable[Path], root: Path) -> dict[str, RawToken]:
    """Read DTCG token files (confined to the brand folder `root`) into one flat table."""
    table: dict[str, RawToken] = {}
    for path in paths:
        document = parse_json(read_source(path, root, "tokens"), display_path(path))
        if not isinstance(document.data, dict):
            raise TokenError(
                "a tokens file must hold a JSON object", Location(document.shown, 1),
                "wrap the groups in { }",
            )
        for token in _walk(document):
            if token.path in table:
                first = table[token.path].location
                raise TokenError(
                    f"token '{token.path}' is defined twice (first at {first})",
                    token.location, "keep one definition",
                )
            table[token.path] = token
    _check_names(table)
    return table


def _walk(document: JsonDocument) -> Iterator[RawToken]:
    """Yield the tokens of a document in order, depth first, without recursion."""
    root = document.data
    _description(document, root, ())
    stack: list[tuple[Iterator[tuple[str, Any]], tuple[str, ...], str | None]] = [
        (iter(root.items()), (), _group_type(document, root, (), None))]
    while stack:
        entry = next(stack[-1][0], None)
        if entry is None:
            stack.pop()
            continue
        key, node = entry
        _, parents, group_type = stack[-1]
        if key.startswith("$"):
            continue
        path = (*parents, key)
        dotted = ".".join(path)
        location = document.at(path)
        if not _NAME.fullmatch(key) or (not parents and not _FIRST.match(key)):
            raise TokenError(
                f"token name {shown_value(key)} in {shown_value(dotted)} cannot be a Sass or "
                "CSS name", location,
                "use letters, digits, - and _ (starting with a letter or _ at the top level)",
            )
        if not isinstance(node, dict):
            raise TokenError(
                f"'{dotted}' must be a group or a token object with $value",
                location, 'write {"$value": ...}',
            )
        if "$value" not in node:
            _description(document, node, path)
            stack.append((iter(node.items()), path, _group_type(document, node, path, group_type)))
            continue
        child = next((k for k in node if not k.startswith("$")), None)
        if child is not None:
            raise TokenError(
                f"token '{dotted}' has a $value, so '{printable(child)}' cannot be a token inside it",
                document.at((*path, child)), "move it into a group of its own",
            )
        yield RawToken(
            dotted, _group_type(document, node, path, group_type), node["$value"],
            _description(document, node, path), location,
            _references(node["$value"], (*path, "$value"), document),
        )


def _group_type(document: JsonDocument, node: Mapping[str, Any], path: tuple[str, ...],
                inherited: str | None) -> str | None:
    if "$type" not in node:
        return inherited
    token_type = node["$type"]
    problem = unsupported_type(token_type)
    if problem is not None:
        owner = f"'{'.'.join(path)}'" if "$value" in node else (
            f"group '{'.'.join(path)}'" if path else "the top-level group")
        raise TokenError(f"{problem} on {owner}", document.at((*path, "$type")),
                         type_hint(token_type))
    return str(token_type)


def _description(document: JsonDocument, node: Mapping[str, Any],
                 path: tuple[str, ...]) -> str | None:
    description = node.get("$description")
    if description is not None and not isinstance(description, str):
        raise TokenError(f"$description must be a string, not {shown_value(description)}",
                         document.at((*path, "$description")), "write it as text in quotes")
    return description


def _references(value: Any, at: tuple[str | int, ...], document: JsonDocument | None,
                line: int | None = None) -> tuple[tuple[str, int | None], ...]:
    """Return the aliases in `value` with the line each is written on, without recursion."""
    if isinstance(value, str):  # the common case: a literal or one alias
        path = alias_path(value)
        if path is None:
            return ()
        return ((path, document.lines.get(at, line) if document else line),)
    found: list[tuple[str, int | None]] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, at)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if (path := alias_path(item)) is not None:
                found.append((path, document.lines.get(where, line) if document else line))
        elif isinstance(item, list | dict):
            if len(where) - len(at) > MAX_DEPTH:
                raise ValueError("nested too deeply")
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend(reversed([(v, (*where, k)) for k, v in pairs]))
    return tuple(found)


def _check_names(table: Mapping[str, RawToken]) -> None:
    """Refuse a token that is also a group, and two tokens that share one Sass variable."""
    sass: dict[str, str] = {}
    for path, token in table.items():
        parts = path.split(".")
        for end in range(1, len(parts)):
            prefix = ".".join(parts[:end])
            if prefix in table:
                raise TokenError(
                    f"token '{path}' lies inside token '{prefix}' (at {table[prefix].location})",
                    token.location, "a token cannot also be a group: rename one of them",
                )
        # Sass treats - and _ in names as the same character.
        name = path.replace(".", "-").replace("_", "-")
        if name in sass:
            other = table[sass[name]]
            raise TokenError(
                f"tokens '{path}' and '{other.path}' (at {other.location}) both become the "
                f"Sass variable ${path.replace('.', '-')}", token.location, "rename one of them",
            )
        sass[name] = path


# -- overrides and resolution -------------------------------------------------


def apply_overrides(
    raw: Mapping[str, RawToken], overrides: Mapping[str, Any], location: Location,
    table: tuple[str, ...] = (),
) -> dict[str, RawToken]:
    """Layer per-tenant `{path: value}` overrides on the base tokens.

    TOML turns an unquoted dotted key (`color.primary = ...`) into nested tables, so a
    table that is not itself a token is read as a group of overrides. Each value goes
    through the same checks as one written in a token file, reported at its tenants.toml line
    (`table` is where the overrides sit there, such as ("tenants", "prod", "tokens")).
    """
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
            references = _references(value, (), None, where.line)
        except ValueError as error:
            raise TokenError(f"the override of '{path}' is nested too deeply", where,
                             "write a plain value") from error
        if _holds_nul(value):
            raise TokenError(f"the override of '{path}' holds a NUL character", where,
                             "remove it: Auth0 and browsers treat NUL as the end of the text")
        layered[path] = RawToken(path, base.type, value, base.description, where, references)
    return layered


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


def resolve_tokens(raw: Mapping[str, RawToken]) -> Tokens:
    """Resolve aliases (chained, across files) and render each token as a CSS literal.

    Depth first with an explicit stack, so an alias chain of any length resolves; each
    token is resolved once, so the whole set takes time linear in its size.
    """
    resolved: dict[str, tuple[str, Any]] = {}
    css: dict[str, str] = {}
    for start in sorted(raw):
        if start in resolved:
            continue
        stack: list[list[Any]] = [[start, 0]]
        active = {start: 0}
        while stack:
            frame = stack[-1]
            path, index = frame
            token = raw[path]
            references = token.references
            while index < len(references) and references[index][0] in resolved:
                index += 1
            frame[1] = index
            if index < len(references):
                target, line = references[index]
                if target in active:
                    raise TokenError(f"alias cycle: {_cycle(stack, active[target], target)}",
                                     raw[target].location, "point one alias at a value")
                if target not in raw:
                    reference = "{" + printable(target) + "}"
                    raise TokenError(
                        f"unknown token reference '{reference}' in '{token.path}'",
                        Location(token.location.path, line or token.location.line),
                        did_you_mean(target, raw) or "reference a defined token",
                    )
                active[target] = len(stack)
                stack.append([target, 0])
                continue
            resolved[path] = _resolve(token, resolved)
            css[path] = to_css(resolved[path][0], resolved[path][1], path, token.location)
            del active[path]
            stack.pop()
    return Tokens({
        path: Token(path, resolved[path][0], css[path], raw[path].description, raw[path].location,
                    resolved[path][1])
        for path in sorted(raw)
    })


def _resolve(token: RawToken, resolved: Mapping[str, tuple[str, Any]]) -> tuple[str, Any]:
    # Converted after whatever it aliases: a bad value is reported where it is written (a
    # tenant's override, say), not at the first alias that reaches it.
    value = _substitute(token.value, resolved) if token.references else token.value
    target = alias_path(token.value)
    token_type = token.type or (resolved[target][0] if target else None)
    if token_type is None:
        raise TokenError(f"token '{token.path}' has no $type", token.location,
                         "add $type to it or to its group")
    return token_type, value


def _cycle(stack: list[list[Any]], first: int, target: str) -> str:
    names = [frame[0] for frame in stack[first:]] + [target]
    if len(names) > 12:  # one readable line, however long the loop
        names = [*names[:5], f"... ({len(names) - 10} more)", *names[-5:]]
    return " -> ".join(names)


def alias_path(value: Any) -> str | None:
    """Return the token path of an alias such as `"{color.brand.primary}"`, else None."""
    match = _ALIAS.fullmatch(value) if isinstance(value, str) else None
    return match.group(1) if match else None


def _text_of(location: Location) -> str:
    # tenants.toml, already read (and checked) by load_config: read again for its lines. If
    # it cannot be, errors fall back to the tenant's own line.
    path = Path(location.path)
    try:
        return read_source(path, path.parent, "config")
    except SourceError:
        return ""


def _substitute(value: Any, resolved: Mapping[str, tuple[str, Any]]) -> Any:
    # Values nest at most MAX_DEPTH levels (checked when their references were listed).
    if isinstance(value, str):
        path = alias_path(value)
        return resolved[path][1] if path else value
    if isinstance(value, list):
        return [_substitute(item, resolved) for item in value]
    if isinstance(value, dict):
        return {key: _substitute(item, resolved) for key, item in value.items()}
    return value


# -- Sass output ------------------------------------------------------------------


def to_scss(tokens: Tokens, target: str, email_background: Color = WHITE) -> str:
    """Render tokens as Sass: literal variables for emails, CSS custom properties for pages.

    Every target also gets `$token-values`, a map of literals, because Sass colour
    functions cannot work on `var(--...)`. Colours are written per target (`literals`).
    """
    every = tokens.by_path.values()
    literal = literals(every, target, email_background)
    lines = ["// Generated from design tokens; do not edit."]
    for token in every:
        value = f"var(--{token.sass_name})" if target == "page" else literal[token.path]
        lines.append(f"${token.sass_name}: {value};")
    lines.append("$token-values: (")
    lines.extend(f"  \"{t.sass_name}\": ({literal[t.path]})," for t in every)
    lines.append(");")
    lines.append("@function token($name) { @return map-get($token-values, $name); }")
    lines.append("@mixin token-custom-properties {")
    lines.extend(f"  --{t.sass_name}: {literal[t.path]};" for t in every)
    lines.extend(wide_colours(every, literal) if target == "page" else ())
    lines.append("}")
    return "\n".join(lines) + "\n"
