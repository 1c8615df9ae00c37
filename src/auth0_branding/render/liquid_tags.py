"""LiquidJS syntax that python-liquid 2.3 lacks, so `check` accepts what LiquidJS parses.

Used by `liquid.auth0_environment`: the `layout` and `block` tags, properties named like
keywords (`application.metadata.offset`), which python-liquid's expression lexer refuses,
and a template lexer that keeps the final newline after a right-trimmed tag.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from typing import TYPE_CHECKING, TextIO

import liquid.builtin.output
import liquid.stream
from liquid.ast import BlockNode, Node
from liquid.builtin.expressions import tokenize as _python_liquid_tokenize
from liquid.exceptions import TemplateNotFoundError
from liquid.lex import _tokenize_template, compile_liquid_rules
from liquid.parser import get_parser
from liquid.tag import Tag
from liquid.token import TOKEN_DOT, TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG, TOKEN_WORD, Token

if TYPE_CHECKING:
    from liquid import RenderContext
    from liquid.stream import TokenStream

# Kinds the expression lexer gives words it reserves; after a dot they are property names.
_KEYWORD_KINDS = frozenset(
    {"true", "false", "nil", "null", "empty", "blank", "and", "or", "contains", "not", "in",
     "offset", "limit", "reversed", "cols", "continue", "with", "for", "as", "if", "else",
     "required"}
)


def _tokenize(source: str, parent_token: Token) -> Iterator[Token]:
    """Tokenize like python-liquid, but read a keyword after `.` as a property name."""
    previous = None
    for token in _python_liquid_tokenize(source, parent_token):
        if previous == TOKEN_DOT and token.kind in _KEYWORD_KINDS:
            token = Token(TOKEN_WORD, token.value, token.start_index, token.source)
        previous = token.kind
        yield token


def accept_keyword_properties() -> None:
    """Install `_tokenize` where python-liquid looks its expression lexer up.

    python-liquid is pinned exactly (pyproject.toml), and the differential tests cover
    keyword-named properties, so an upgrade that moves these names fails loudly.
    """
    liquid.stream.tokenize = _tokenize  # type: ignore[attr-defined]
    liquid.builtin.output.tokenize = _tokenize  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def template_lexer() -> Callable[[str], Iterator[Token]]:
    """Return python-liquid's template lexer with text running to the very end.

    Its text rule stops at `$`, which in Python also matches before a final newline; after
    `-%}` that newline was then lost, where LiquidJS keeps it. `\\Z` is the true end.
    """
    rules = compile_liquid_rules()
    return partial(_tokenize_template,
                   rules=re.compile(rules.pattern.replace("|$)", r"|\Z)"), rules.flags))


class _BlockNode(Node):
    """A `{% block %}` outside any layout: LiquidJS renders its content in place."""

    __slots__ = ("block",)

    def __init__(self, token: Token, block: BlockNode) -> None:
        super().__init__(token)
        self.block = block

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return self.block.render(context, buffer)

    def children(self, static_context: RenderContext, *, include_partials: bool = True
                 ) -> Iterable[Node]:
        yield self.block


class BlockTag(Tag):
    """Parse LiquidJS's `{% block name %}...{% endblock %}`."""

    name = sys.intern("block")
    end = sys.intern("endblock")

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        if stream.current.kind == TOKEN_EXPRESSION:
            next(stream)  # the block's name: outside a layout it names nothing
        block = get_parser(self.env).parse_block(stream, frozenset((self.end, TOKEN_EOF)))
        stream.expect(TOKEN_TAG, value=self.end)
        return _BlockNode(token, block)


class _LayoutNode(Node):
    """A `{% layout %}`: with no template files (as on Auth0) rendering it fails."""

    __slots__ = ("file",)

    def __init__(self, token: Token, file: str) -> None:
        super().__init__(token)
        self.file = file

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        raise TemplateNotFoundError(self.file, token=self.token)


class LayoutTag(Tag):
    """Parse LiquidJS's `{% layout 'file' %}` (the rest of the template is its blocks)."""

    name = sys.intern("layout")
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        file = ""
        if stream.peek.kind == TOKEN_EXPRESSION:
            next(stream)
            file = stream.current.value.split()[0].strip("'\"")
        return _LayoutNode(token, file)
