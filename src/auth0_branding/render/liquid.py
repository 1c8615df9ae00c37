"""Parse and render Liquid as Auth0's LiquidJS does: LiquidJS renders, python-liquid parses.

`render_liquid` sends a template to LiquidJS itself (`liquidjs`) and falls back to the
python-liquid environment here only where node or LiquidJS is missing; `check` parses with
that environment, taught LiquidJS's syntax (`liquid_tags`), filters (`liquid_filters`) and
dates (`liquid_dates`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TextIO

from liquid import BoundTemplate, Environment, Mode, RenderContext, Undefined
from liquid.ast import Node
from liquid.builtin.tags.if_tag import TAG_ELSE, TAG_ELSIF, IfTag
from liquid.exceptions import LiquidError, LiquidSyntaxError, TemplateNotFoundError
from liquid.tag import Tag
from liquid.token import TOKEN_DOC, TOKEN_EXPRESSION, TOKEN_ILLEGAL, TOKEN_TAG, Token

from ..errors import Location, TemplateError, did_you_mean
from .liquid_dates import DATE_FILTERS
from .liquid_filters import FILTERS
from .liquid_skeleton import skeleton_of
from .liquid_tags import BlockTag, LayoutTag, accept_keyword_properties, template_lexer
from .liquidjs import liquidjs_engine

if TYPE_CHECKING:
    from liquid.stream import TokenStream


# Auth0's published tag list (emails, phone and page templates), plus the inner tags that
# belong to `if`/`case`/`for` in every LiquidJS version. `raw` never reaches the tag table:
# python-liquid's lexer turns it into text.
AUTH0_TAGS = frozenset(
    {"for", "break", "continue", "cycle", "tablerow", "if", "elsif", "else", "unless",
     "case", "when", "assign", "increment", "decrement", "include", "layout", "raw", "comment"}
)
# Tags that load another template file. Auth0 stores none, so they parse but fail to render
# (LiquidJS runs with no files here, as there): `check` reports them as errors.
FILE_TAGS = frozenset({"include", "render", "layout"})
# Auth0's own tags. `debug` is documented for emails only; here it renders nothing.
AUTH0_CUSTOM_TAGS = frozenset({"auth0:head", "auth0:widget", "debug"})
# UNVERIFIED: standard LiquidJS tags that Auth0's list omits. They parse, and
# `LiquidUsage.unverified_tags` reports them so a check can warn rather than fail.
UNVERIFIED_TAGS = frozenset({"capture", "echo", "liquid", "#", "render", "block"})
ALLOWED_TAGS = AUTH0_TAGS | AUTH0_CUSTOM_TAGS | UNVERIFIED_TAGS

# Filters Auth0 documents for its Liquid templates.
AUTH0_FILTERS = frozenset(
    {"plus", "minus", "modulo", "times", "floor", "ceil", "round", "divided_by", "abs",
     "at_least", "at_most", "append", "prepend", "capitalize", "upcase", "downcase", "strip",
     "lstrip", "rstrip", "strip_newlines", "split", "replace", "replace_first", "remove",
     "remove_first", "truncate", "truncatewords", "escape", "escape_once", "url_encode",
     "url_decode", "strip_html", "newline_to_br", "slice", "map", "sort", "sort_natural",
     "first", "last", "join", "reverse", "size", "date", "default"}
)
# UNVERIFIED: the rest of LiquidJS 10.30's filters, which Auth0 does not list. Reported,
# never fatal; tests/test_liquid_differential.py checks the two lists make LiquidJS's.
LIQUIDJS_FILTERS = frozenset(
    {"xml_escape", "cgi_escape", "uri_escape", "slugify", "sum", "compact", "concat", "push",
     "unshift", "pop", "shift", "where", "reject", "where_exp", "reject_exp", "group_by",
     "group_by_exp", "has", "has_exp", "find_index", "find_index_exp", "find", "find_exp", "uniq",
     "sample", "date_to_xmlschema", "date_to_rfc822", "date_to_string", "date_to_long_string",
     "remove_last", "squish", "replace_last", "normalize_whitespace", "number_of_words",
     "array_to_sentence_string", "base64_encode", "base64_decode", "sha256", "hmac_sha256", "raw",
     "jsonify", "to_integer", "json", "inspect"}
)
# Output through these is safe to place in HTML: escaped, URL-encoded, or a number.
ESCAPING_FILTERS = frozenset({"escape", "escape_once", "url_encode", "xml_escape", "cgi_escape"})
_SANITISING_FILTERS = ESCAPING_FILTERS | frozenset(
    {"size", "plus", "minus", "times", "divided_by", "modulo", "abs", "ceil", "floor", "round",
     "at_least", "at_most", "sum", "to_integer", "number_of_words"}
)
_DECODING_FILTERS = frozenset({"url_decode", "base64_decode", "base64_url_safe_decode"})

# Tags python-liquid knows but LiquidJS does not parse.
_REJECTED_TAGS = frozenset({"doc", "ifchanged"})
_BLOCK_INNER = frozenset({"else", "elsif", "when"})

# A ContextVar, not template data: each thread (and each render) sees only its own HTML,
# and a template cannot read or overwrite it.
_SLOTS: ContextVar[Mapping[str, str]] = ContextVar(
    "auth0_liquid_slots", default=MappingProxyType({})
)


class _TagError(LiquidSyntaxError):
    """A syntax error that carries a hint for the user."""

    def __init__(self, message: str, *, token: Token, hint: str | None) -> None:
        super().__init__(message, token=token)
        self.hint = hint


class _IfTag(IfTag):
    """`if` as LiquidJS parses it: a second `else`, an `elsif` after the `else` and words
    after `else` are errors (python-liquid's lax `if` ignores them)."""

    mode = Mode.STRICT

    def parse(self, stream: TokenStream) -> Node:
        opening = stream.current  # where LiquidJS reports it, as the error is the block's
        try:
            return super().parse(stream)
        except LiquidSyntaxError as error:
            extra = stream.current
            if extra.kind == TOKEN_TAG and extra.value in (TAG_ELSE, TAG_ELSIF):
                raise _TagError(
                    f"this {{% if %}} has an {{% {extra.value} %}} after its {{% else %}}, "
                    "which LiquidJS refuses", token=opening,
                    hint="keep one {% else %}, last, with every {% elsif %} before it",
                ) from error
            raise


class _Auth0SlotNode(Node):
    """`{%- auth0:head -%}` or `{%- auth0:widget -%}`: HTML the caller supplies."""

    __slots__ = ("slot",)

    def __init__(self, token: Token, slot: str) -> None:
        super().__init__(token)
        self.slot = slot
        # Not blank, or `{% if %}` would swallow a block holding only the widget.
        self.blank = False

    def __str__(self) -> str:
        return f"{{%- auth0:{self.slot} -%}}"

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return buffer.write(_SLOTS.get().get(self.slot, ""))


class _Auth0Tag(Tag):
    """Parse `auth0:head`/`auth0:widget`, which the lexer splits into `auth0` + `:head`."""

    name = "auth0"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        expr = stream.peek
        # `auth0 :head` lexes the same as `auth0:head`; Auth0 only knows the joined name.
        joined = expr.kind == TOKEN_EXPRESSION and expr.start_index == token.start_index + 5
        if not (joined and expr.value in (":head", ":widget")):
            end = expr.start_index + len(expr.value) if expr.kind == TOKEN_EXPRESSION else -1
            written = token.source[token.start_index : end] if end > 0 else "auth0"
            raise _TagError(
                f"unknown Auth0 tag '{written}'",
                token=token,
                hint="write {%- auth0:head -%} or {%- auth0:widget -%}",
            )
        next(stream)
        slot = expr.value[1:]
        return _Auth0SlotNode(Token(TOKEN_TAG, f"auth0:{slot}", token.start_index, token.source),
                              slot)


class _DebugNode(Node):
    """Auth0's email-only `{% debug %}`; the preview has no variable dump to show."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return 0


class _DebugTag(Tag):
    """Parse Auth0's `{% debug %}`, ignoring any arguments."""

    name = "debug"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        if stream.peek.kind == TOKEN_EXPRESSION:
            next(stream)
        return _DebugNode(token)


class _UnsupportedTag(Tag):
    """Replace python-liquid's 'unexpected tag' with what Auth0 allows instead."""

    name = TOKEN_ILLEGAL
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.current
        name = "doc" if token.kind == TOKEN_DOC else token.value
        if stream.peek.kind == TOKEN_EXPRESSION:
            next(stream)
        if name.startswith("end") or name in _BLOCK_INNER:
            raise _TagError(
                f"unexpected '{name}'",
                token=token,
                hint="a block opened before it is not closed, or it has no opening tag",
            )
        if name in _REJECTED_TAGS:
            raise _TagError(f"tag '{name}' is not supported by Auth0's Liquid", token=token,
                            hint="LiquidJS, which Auth0 runs, has no such tag")
        hint = did_you_mean(name, ALLOWED_TAGS) or "Auth0's Liquid knows: " + ", ".join(
            sorted(ALLOWED_TAGS)
        )
        raise _TagError(f"unknown tag '{name}'", token=token, hint=hint)


class _Environment(Environment):
    """python-liquid's Environment with `liquid_tags`' template lexer."""

    def tokenizer(self) -> Callable[[str], Iterator[Token]]:
        return template_lexer()


def auth0_environment() -> Environment:
    """Return a new python-liquid Environment restricted to what Auth0's LiquidJS runs.

    Tags outside `ALLOWED_TAGS` are parse errors. Filters outside Auth0's and LiquidJS's
    sets are removed and, like LiquidJS's default, pass their input through when rendered;
    `liquid_usage` reports them. Undefined variables render as empty text.
    """
    accept_keyword_properties()
    env = _Environment(
        tolerance=Mode.STRICT, undefined=Undefined, strict_filters=False, autoescape=False
    )
    for name in list(env.tags):
        if name not in ALLOWED_TAGS and name not in ("content", "output", TOKEN_ILLEGAL):
            del env.tags[name]
    for name in list(env.filters):
        if name not in AUTH0_FILTERS | LIQUIDJS_FILTERS:
            del env.filters[name]
    for name, function in {**FILTERS, **DATE_FILTERS}.items():
        env.add_filter(name, function)
    env.add_tag(_UnsupportedTag)
    env.add_tag(BlockTag)
    env.add_tag(LayoutTag)
    env.add_tag(_Auth0Tag)
    env.add_tag(_DebugTag)
    env.add_tag(_IfTag)
    for tag in env.tags.values():
        _locate_errors(tag)
    return env


def _locate_errors(tag: Tag) -> None:
    """Point errors that python-liquid raises at end-of-input back at the failing tag.

    An unclosed `{% if %}` or a dangling `|` fails on an end-of-stream token with no
    position; the tag or output that was being parsed is where the user must look.
    """
    parse_node = tag.get_node

    def get_node(stream: TokenStream) -> Node:
        start = stream.current
        try:
            return parse_node(stream)
        except LiquidError as error:
            if error.token is None or error.token.start_index < 0:
                error.token = start
            raise

    tag.get_node = get_node  # type: ignore[method-assign]


@lru_cache(maxsize=1)
def _shared_environment() -> Environment:
    return auth0_environment()


# LiquidJS ends a raw block only at `{% endraw`: `{%- endraw` leaves it open (python-liquid's
# lexer takes both).
_TRIMMED_ENDRAW = re.compile(r"\{%-\s*endraw\b")
_RAW_START = re.compile(r"\{%-?\s*raw\s*-?%\}")


def _check_raw_ends(text: str) -> None:
    trimmed = _TRIMMED_ENDRAW.search(text)
    if trimmed is None:
        return
    starts = [m.start() for m in _RAW_START.finditer(text, 0, trimmed.start())]
    index = starts[-1] if starts else trimmed.start()
    raise _TagError("raw block is not closed: LiquidJS ends it only at {% endraw %}",
                    token=Token(TOKEN_TAG, "raw", index, text),
                    hint="remove the '-' before endraw; one after it, {% endraw -%}, is fine")


@lru_cache(maxsize=512)
def _parse_cached(text: str) -> BoundTemplate:
    # Keyed by text alone: the preview renders one template many times per second.
    _check_raw_ends(text)
    return _shared_environment().from_string(text)


def _template_error(error: LiquidError, name: str) -> TemplateError:
    context = error.context()
    line, col = (context[0], context[1] + 1) if context else (None, None)
    message = str(error.message) if error.message else error.__class__.__name__
    hint = getattr(error, "hint", None)
    if isinstance(error, TemplateNotFoundError):
        message = f"no template named '{message}' to include or render"
        hint = "Auth0 stores no partial templates: inline the markup at build time"
    return TemplateError(message, location=Location(name, line, col), hint=hint)


def parse_liquid(text: str, name: str = "<template>") -> BoundTemplate:
    """Parse `text` as Auth0 Liquid, raising TemplateError with `name:line` on failure."""
    try:
        return _parse_cached(text)
    except LiquidError as error:
        raise _template_error(error, name) from error


def check_liquid(text: str, name: str = "<template>") -> None:
    """Raise TemplateError, at `name:line`, where `text` does not parse as Auth0 Liquid.

    Parses the text's skeleton (`liquid_skeleton`), which texts with the same Liquid share;
    a failure is reported from the text itself, at its own line and column.
    """
    try:
        _parse_cached(skeleton_of(text).text)
    except LiquidError:
        parse_liquid(text, name)


@contextmanager
def auth0_slots(*, head_html: str = "", widget_html: str = "") -> Iterator[None]:
    """Make the auth0 tags render this HTML in templates rendered inside the block."""
    reset = _SLOTS.set({"head": head_html, "widget": widget_html})
    try:
        yield
    finally:
        _SLOTS.reset(reset)


def render_liquid(
    text: str,
    data: Mapping[str, Any],
    *,
    head_html: str = "",
    widget_html: str = "",
    name: str = "<template>",
    in_process: bool = False,
) -> str:
    """Render `text` with `data`, filling `{%- auth0:head -%}` and `{%- auth0:widget -%}`.

    LiquidJS renders it where it can run (`liquidjs`); python-liquid where it cannot, or
    when `in_process` asks, as the checks do: a build never starts node.
    """
    engine = None if in_process else liquidjs_engine()
    if engine is not None:
        return engine.render(text, data, head_html=head_html, widget_html=widget_html,
                             name=name)
    template = parse_liquid(text, name)
    try:
        with auth0_slots(head_html=head_html, widget_html=widget_html):
            return template.render(dict(data))
    except LiquidError as error:
        raise _template_error(error, name) from error
