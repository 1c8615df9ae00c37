"""The registry of contract checks: each declares the outputs it applies to.

A check is a function of one `Subject` (an output, with what several checks read from it
computed once) registered with `@check(...)` beside its code. `run_checks` runs, in
registration order, every check whose kinds and names match the output. A gate check (the
Liquid syntax check) stops the checks after it when it finds a problem, as they cannot read
what does not parse.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..brand.sourcemap import SourceMap
from ..build.artifacts import Artifact
from ..errors import Problem
from ..render.liquid_usage import LiquidUsage, liquid_usage

MARKUP = ("page", "email")


@dataclass
class Subject:
    """One output under check, and what its checks share: source map, Liquid use, JSON."""

    artifact: Artifact

    @cached_property
    def where(self) -> SourceMap:
        return SourceMap(self.artifact)

    @cached_property
    def usage(self) -> LiquidUsage:
        return liquid_usage(self.artifact.content, self.artifact.path)

    @cached_property
    def data(self) -> Any:
        return json.loads(self.artifact.content)


@dataclass(frozen=True)
class Check:
    """A registered check and the outputs it applies to."""

    name: str
    run: Callable[[Subject], Iterable[Problem]]
    kinds: frozenset[str]
    names: frozenset[str] | None = None  # None: every output of those kinds
    gate: bool = False

    def applies_to(self, artifact: Artifact) -> bool:
        return artifact.kind in self.kinds and (self.names is None or artifact.name in self.names)


CHECKS: list[Check] = []


def check(name: str, *, kinds: Iterable[str], names: Iterable[str] | None = None,
          gate: bool = False) -> Callable[[Callable[[Subject], Iterable[Problem]]],
                                          Callable[[Subject], Iterable[Problem]]]:
    """Register the decorated function as the check `name` for outputs of `kinds` (`names`)."""
    def register(run: Callable[[Subject], Iterable[Problem]]
                 ) -> Callable[[Subject], Iterable[Problem]]:
        if any(existing.name == name for existing in CHECKS):
            raise ValueError(f"a check named {name!r} is already registered")
        CHECKS.append(Check(name, run, frozenset(kinds),
                            frozenset(names) if names is not None else None, gate))
        return run
    return register


def checks_for(artifact: Artifact) -> list[Check]:
    """The registered checks that apply to `artifact`, in the order they run."""
    return [c for c in CHECKS if c.applies_to(artifact)]


def run_checks(artifact: Artifact) -> Iterator[Problem]:
    """Run every check that applies to `artifact`; a gate's problems stop those after it."""
    yield from check_outcome(artifact)[0]


def check_outcome(artifact: Artifact, skip: Iterable[str] = ()
                  ) -> tuple[list[Problem], bool]:
    """Run the checks of `artifact` but those named in `skip`; say whether a gate stopped them."""
    subject = Subject(artifact)
    skipped = frozenset(skip)
    found: list[Problem] = []
    for registered in checks_for(artifact):
        if registered.name in skipped:
            continue
        problems = list(registered.run(subject))
        found.extend(problems)
        if registered.gate and problems:
            return found, True
    return found, False


def merge_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Drop repeats and order problems: errors first, then by file and line.

    Tenants share templates: the same fault found in each tenant's output is one problem.
    """
    return sorted(dict.fromkeys(problems), key=lambda p: (
        p.severity != "error", p.location.path if p.location else "",
        (p.location.line or 0) if p.location else 0))
