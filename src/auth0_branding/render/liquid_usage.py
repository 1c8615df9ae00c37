"""Static analysis of Auth0 Liquid: which variables, tags, filters and outputs a text uses."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from liquid import RenderContext
from liquid.ast import Node
from liquid.builtin.expressions import FilteredExpression, Path
from liquid.builtin.output import OutputNode
from liquid.token import TOKEN_TAG

from ..errors import TemplateError
from .liquid import (
    _DECODING_FILTERS,
    _SANITISING_FILTERS,
    AUTH0_FILTERS,
    ESCAPING_FILTERS,
    FILE_TAGS,
    LIQUIDJS_FILTERS,
    UNVERIFIED_TAGS,
    check_liquid,
    parse_liquid,
)
from .liquid_skeleton import skeleton_of

if TYPE_CHECKING:
    from liquid.expression import Expression


@dataclass(frozen=True)
class Use:
    """One use of a variable, tag or filter, at a 1-based line and column."""

    name: str
    line: int
    col: int


@dataclass(frozen=True)
class TagUse:
    """One tag; `markup` is its source, e.g. `{%- auth0:head -%}`."""

    name: str
    line: int
    col: int
    markup: str
    trim_left: bool
    trim_right: bool

    @property
    def hyphenated(self) -> bool:
        """Whether written with whitespace control on both sides, `{%- ... -%}`."""
        return self.trim_left and self.trim_right


@dataclass(frozen=True)
class OutputUse:
    """One `{{ ... }}` (or `echo`), and which variables reach the page unescaped."""

    markup: str
    line: int
    col: int
    variables: tuple[str, ...]
    filters: tuple[str, ...]
    escaped: bool
    unescaped_variables: tuple[str, ...]


@dataclass(frozen=True)
class LiquidUsage:
    """Variables (from the data, not locals), tags, filters and outputs of one template."""

    variables: tuple[Use, ...]
    tags: tuple[TagUse, ...]
    filters: tuple[Use, ...]
    outputs: tuple[OutputUse, ...]

    @property
    def variable_names(self) -> frozenset[str]:
        return frozenset(use.name for use in self.variables)

    @property
    def tag_names(self) -> frozenset[str]:
        return frozenset(use.name for use in self.tags)

    @property
    def filter_names(self) -> frozenset[str]:
        return frozenset(use.name for use in self.filters)

    def tags_named(self, name: str) -> tuple[TagUse, ...]:
        """Return every use of tag `name`, e.g. `auth0:head`."""
        return tuple(use for use in self.tags if use.name == name)

    @property
    def unverified_tags(self) -> tuple[TagUse, ...]:
        # A file tag is reported as an error of its own, not also as unverified.
        return tuple(use for use in self.tags
                     if use.name in UNVERIFIED_TAGS and use.name not in FILE_TAGS)

    @property
    def unknown_filters(self) -> tuple[Use, ...]:
        """Filters neither Auth0 nor LiquidJS define: they do nothing on Auth0."""
        known = AUTH0_FILTERS | LIQUIDJS_FILTERS
        return tuple(use for use in self.filters if use.name not in known)

    @property
    def unverified_filters(self) -> tuple[Use, ...]:
        """Standard LiquidJS filters that Auth0 does not document."""
        return tuple(use for use in self.filters if use.name in LIQUIDJS_FILTERS)

    def unescaped_outputs(self, *roots: str) -> tuple[OutputUse, ...]:
        """Return outputs printing a variable at or under any of `roots` without escaping."""
        return tuple(
            out for out in self.outputs
            if any(_under(var, root) for var in out.unescaped_variables for root in roots)
        )


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith((f"{root}.", f"{root}["))


class _Lines:
    """Turn string offsets into 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def at(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


def _tag_use(name: str, index: int, text: str, lines: _Lines) -> TagUse:
    line, col = lines.at(index)
    start = text.rfind("{%", 0, index)
    between = text[start + 2 : index] if start >= 0 else "x"
    if between.strip() not in ("", "-"):
        # A line inside `{% liquid %}` has no delimiters of its own.
        line_text = text[lines.starts[line - 1] :].split("\n", 1)[0]
        return TagUse(name, line, col, line_text.strip(), False, False)
    end = text.find("%}", index)
    return TagUse(
        name, line, col, text[start : end + 2], between.strip() == "-", text[end - 1] == "-"
    )


def _paths(expressions: Iterable[Expression]) -> list[str]:
    found: list[str] = []
    for expr in expressions:
        if isinstance(expr, Path):
            found.append(str(expr))
        found.extend(_paths(expr.children()))
    return found


@dataclass(frozen=True)
class _OutputFacts:
    """What the parse tells of one output; where it is, the text tells."""

    index: int
    echo: bool  # `{% echo %}` rather than `{{ }}`
    markup: str
    variables: tuple[str, ...]
    filters: tuple[str, ...]
    escaped: bool
    unescaped_variables: tuple[str, ...]


def _output_facts(node: OutputNode) -> _OutputFacts:
    expr = node.expression
    left, filters = (expr.left, expr.filters or []) if isinstance(expr, FilteredExpression) else (
        expr, []
    )
    seen = _paths([left])
    tainted = list(seen)
    escaped = False
    for filter_ in filters:
        arg_paths = _paths(filter_.children())
        seen += arg_paths
        if filter_.name in _SANITISING_FILTERS:
            tainted, escaped = [], filter_.name in ESCAPING_FILTERS
        elif filter_.name in _DECODING_FILTERS:
            tainted, escaped = list(seen), False
        elif arg_paths:
            tainted += arg_paths
            escaped = False
    return _OutputFacts(
        node.token.start_index, node.token.kind == TOKEN_TAG, node.token.value,
        tuple(dict.fromkeys(seen)), tuple(f.name for f in filters), escaped and not tainted,
        tuple(dict.fromkeys(tainted)),
    )


def _output_use(facts: _OutputFacts, index: int, text: str, lines: _Lines) -> OutputUse:
    markup = _tag_use("echo", index, text, lines).markup if facts.echo else facts.markup
    return OutputUse(markup, *lines.at(index), facts.variables, facts.filters, facts.escaped,
                     facts.unescaped_variables)


def _walk(nodes: Iterable[Node], context: RenderContext) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from _walk(node.children(context, include_partials=False), context)


@dataclass(frozen=True)
class LiquidAnalysis:
    """What parsing a text tells of its Liquid, at offsets into the text parsed."""

    variables: tuple[tuple[int, str], ...]
    filters: tuple[tuple[int, str], ...]
    tags: tuple[tuple[int, str], ...]
    outputs: tuple[_OutputFacts, ...]


@lru_cache(maxsize=512)
def analysis_of(text: str) -> LiquidAnalysis:
    """Parse and analyse `text` itself (its skeleton's analysis is shared, this is not)."""
    template = parse_liquid(text)
    analysis = template.analyze(include_partials=False)
    return LiquidAnalysis(
        variables=tuple(sorted((var.span.index, str(var)) for uses in analysis.globals.values()
                               for var in uses)),
        filters=tuple(sorted((span.index, name) for name, spans in analysis.filters.items()
                             for span in spans)),
        tags=tuple(sorted((span.index, name) for name, spans in analysis.tags.items()
                          for span in spans)),
        outputs=tuple(_output_facts(node)
                      for node in _walk(template.nodes, RenderContext(template))
                      if isinstance(node, OutputNode)),
    )


@lru_cache(maxsize=64)  # keyed by a whole output: the last few tenants
def _usage_cached(text: str) -> LiquidUsage:
    # Outputs whose Liquid is the same (a fleet's tenants) share one analysis, of the
    # skeleton; the positions and markup are then read off the text itself.
    skeleton = skeleton_of(text)
    try:
        return usage_from(text, analysis_of(skeleton.text), skeleton.original_index)
    except TemplateError:  # never seen: the text parsed, so would its skeleton
        return usage_from(text, analysis_of(text), _same_index)


def usage_from(text: str, facts: LiquidAnalysis, at: Callable[[int], int]) -> LiquidUsage:
    """Return the usage of `text` from an analysis whose offsets `at` maps to the text's."""
    lines = _Lines(text)
    return LiquidUsage(
        variables=tuple(Use(name, *lines.at(at(index))) for index, name in facts.variables),
        tags=tuple(_tag_use(name, at(index), text, lines) for index, name in facts.tags),
        filters=tuple(Use(name, *lines.at(at(index))) for index, name in facts.filters),
        outputs=tuple(_output_use(output, at(output.index), text, lines)
                      for output in facts.outputs),
    )


def _same_index(index: int) -> int:
    return index


def liquid_usage(text: str, name: str = "<template>") -> LiquidUsage:
    """Report the variables, tags, filters and outputs of `text` by static analysis."""
    check_liquid(text, name)  # raise a located TemplateError before analysing
    return _usage_cached(text)
