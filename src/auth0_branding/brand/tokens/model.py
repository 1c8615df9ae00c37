"""The records every stage of the tokens shares: raw tokens, resolved tokens, the token set."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from ...errors import Location, Problem
from .names import kebab

# One reference in a value: the token it names, the part of that token's value it reads
# (a JSON Pointer's path after `$value`, empty for a whole-token alias), and its line.
Reference = tuple[str, tuple[str | int, ...], int | None]
_Derived = TypeVar("_Derived")


@dataclass(frozen=True)
class RawToken:
    """A token as written in a file, before aliases are resolved."""

    path: str
    type: str | None
    value: Any
    description: str | None
    location: Location
    references: tuple[Reference, ...] = field(default=(), compare=False)
    # True, or the reason given, when the token (or a group around it) is deprecated.
    deprecated: bool | str = field(default=False, compare=False)
    extensions: Mapping[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RawTokens:
    """Every token of the brand's files, and what reading them found worth a warning."""

    table: Mapping[str, RawToken]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Token:
    """A resolved token: its type, its value with every alias replaced, and its CSS."""

    path: str
    type: str
    css: str
    description: str | None
    location: Location
    # The resolved DTCG value (for tokens.json, and for targets that need the value itself).
    value: Any = field(default=None, compare=False)
    # A composite's CSS properties (`font-size`, `border-color`...), for Sass and emails.
    properties: Mapping[str, str] = field(default_factory=dict, compare=False)
    deprecated: bool | str = field(default=False, compare=False)
    extensions: Mapping[str, Any] | None = field(default=None, compare=False)

    @cached_property
    def name(self) -> str:
        """The CSS custom property and Sass variable name, without `--` or `$`."""
        return kebab(self.path)

    @property
    def sass_name(self) -> str:
        return self.name


class TokenGroup(dict[str, Any]):
    """Nested token values for templates; remembers its path for did-you-mean errors."""

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.path = path


@dataclass(frozen=True)
class Tokens:
    """A resolved token set, in a stable order, with the warnings found on the way."""

    by_path: Mapping[str, Token]
    problems: tuple[Problem, ...] = field(default=(), compare=False)

    def derived(self, key: Hashable, compute: Callable[[], _Derived]) -> _Derived:
        """Return `compute()`, computed once per `key` for this set.

        Tenants that share a token set share what is written from it (its Sass, its CSS, its
        literals per target): a fleet writes them once, not once per tenant. What is kept is
        read, never changed, and stays out of the set's pickle.
        """
        memo = self._derived
        try:
            return memo[key]
        except KeyError:
            value = memo[key] = compute()
            return value

    @cached_property
    def _derived(self) -> dict[Hashable, Any]:
        return {}

    def __getstate__(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if name != "_derived"}

    def css(self, path: str) -> str:
        return self.by_path[path].css

    def tree(self, values: Mapping[str, str] | None = None) -> TokenGroup:
        """Return the tokens as nested groups, for `[[ tokens.color.brand.primary ]]`.

        `values` replaces each token's CSS (a target's literals, `targets.literals`).
        """
        root = TokenGroup()
        for path, token in self.by_path.items():
            group = root
            parts = path.split(".")
            for depth, part in enumerate(parts[:-1]):
                group = group.setdefault(part, TokenGroup(".".join(parts[: depth + 1])))
            group[parts[-1]] = values[path] if values is not None else token.css
        return root
