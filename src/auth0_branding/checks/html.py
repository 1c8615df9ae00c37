"""HTML checks on built outputs: nesting, ids, lang, title, alt, and unsafe or relative URLs."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from ..brand.sourcemap import SourceMap
from ..errors import Problem

_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr", "basefont", "bgsound", "frame", "keygen"})
# HTML lets these close implicitly: leaving them open is legal and every client reads it alike.
_OPTIONAL_END = frozenset({"html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup",
                           "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption",
                           "rb", "rt", "rtc", "rp"})
_CLOSES_P = frozenset({"address", "article", "aside", "blockquote", "details", "dialog", "div",
                       "dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
                       "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav",
                       "ol", "p", "pre", "section", "table", "ul"})
_CELL_CLOSERS = frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"})
# Which start tags close an open element whose end tag is optional.
_CLOSED_BY = {
    "p": _CLOSES_P, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"},
    "option": {"option", "optgroup"}, "optgroup": {"optgroup"},
    "tr": {"tr", "tbody", "thead", "tfoot"}, "td": _CELL_CLOSERS, "th": _CELL_CLOSERS,
    "thead": {"tbody", "tfoot"}, "tbody": {"tbody", "tfoot"}, "head": {"body"},
    "colgroup": {"thead", "tbody", "tfoot", "tr", "caption"},
}
# Where a URL can be, for the http/javascript/relative URL checks.
_URL_ATTRIBUTES = {"a": "href", "img": "src", "link": "href", "script": "src", "area": "href",
                   "source": "src", "form": "action", "iframe": "src", "video": "poster",
                   "td": "background", "table": "background", "body": "background",
                   "v:fill": "src", "v:image": "src"}
_ABSOLUTE = re.compile(r"^([a-z][a-z0-9+.-]*:|\{\{|\{%|#)", re.IGNORECASE)
# Browsers drop ASCII tabs and newlines inside a URL, so `java\tscript:` still runs.
_URL_NOISE = re.compile(r"[\x00-\x20]")


# An HTML comment; one never closed runs to the end of the text, as a browser reads it.
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def in_html_comment(text: str) -> Callable[[int], bool]:
    """Return a test of whether an offset of `text` lies inside an HTML comment.

    Liquid there still renders, but into the comment, where no browser reads it: the
    Universal Login tags count only outside (the build's check and the emulator's alike).
    """
    spans = [(m.start(), m.end()) for m in _HTML_COMMENT.finditer(text)]
    starts = [start for start, _ in spans]

    def inside(offset: int) -> bool:
        index = bisect.bisect_right(starts, offset) - 1
        return index >= 0 and offset < spans[index][1]

    return inside


def blank_liquid(text: str) -> str:
    """Replace each Liquid construct by spaces (newlines kept) so positions don't move."""
    return _LIQUID.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@dataclass(frozen=True)
class Nesting:
    """One nesting fault at an output line; `snippet` is the tag as the output has it."""

    message: str
    line: int
    snippet: str


@dataclass(frozen=True)
class Element:
    """One element as the output has it: its name, attributes (Liquid kept) and line."""

    name: str
    attributes: Mapping[str, str] = field(repr=False)
    line: int

    def get(self, attribute: str) -> str | None:
        return self.attributes.get(attribute)


@dataclass(frozen=True)
class Scan:
    """What the one pass over an HTML text learnt: its nesting faults, the open elements at
    each offset, every element in document order, and the text of its first <title>
    (None: it has none)."""

    faults: tuple[Nesting, ...]
    offsets: tuple[int, ...]
    stacks: tuple[tuple[str, ...], ...]
    elements: tuple[Element, ...] = ()
    title_text: str | None = None

    def open_at(self, offset: int) -> tuple[str, ...]:
        """Return the names of the elements open at `offset`, outermost first."""
        index = bisect.bisect_right(self.offsets, offset) - 1
        return self.stacks[index] if index >= 0 else ()


@lru_cache(maxsize=16)
def scan_html(text: str) -> Scan:
    """Walk the HTML (Liquid blanked out) with a stack, as a browser would, noting faults."""
    scanner = _Nesting(text)
    scanner.feed(blank_liquid(text))
    scanner.close()
    scanner.finish()
    return Scan(tuple(scanner.faults), tuple(scanner.offsets), tuple(scanner.stacks),
                tuple(scanner.elements), scanner.title_text())


class _Nesting(HTMLParser):
    """Keep the stack of open elements; an element an outer end tag closed early waits in
    `forced` so that its own late end tag makes one misnesting fault, not two.

    The parser reads the text with its Liquid blanked (a `>` or a quote in Liquid moves no
    tag), so a tag that holds Liquid has its attributes read again from the output's own
    start tag, at the same place: the checks see `href="{{ url }}"`, not spaces.
    """

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.stack: list[tuple[str, int, str]] = []  # (name, output line, start tag)
        self.forced: list[tuple[str, int, str, str]] = []  # closed early by an outer end tag
        self.faults: list[Nesting] = []
        self.offsets: list[int] = [0]
        self.stacks: list[tuple[str, ...]] = [()]
        self.elements: list[Element] = []
        # The first <title>: where its text starts and ends, and where it sits in the stack.
        self.title_start: int | None = None
        self.title_end: int | None = None
        self.title_depth: int | None = None

    def _mark(self) -> None:
        self.offsets.append(self._offset())
        self.stacks.append(tuple(name for name, _, _ in self.stack))

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def _original(self) -> str:
        # The tag as the output has it, Liquid included (the parser saw it blanked).
        start = self._offset()
        return self.text[start:start + len(self.get_starttag_text() or "")]

    def _element(self, tag: str, attrs: list[tuple[str, str | None]], original: str) -> None:
        if original != self.get_starttag_text():  # it holds Liquid: read the tag as written
            attrs = _attributes_of(original)
        # As BeautifulSoup reads them: a bare attribute is empty, a repeated one's last wins.
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs},
                                     self.getpos()[0]))
        if tag == "title" and self.title_start is None:
            self.title_start, self.title_depth = self._offset() + len(original), len(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        while self.stack and tag in _CLOSED_BY.get(self.stack[-1][0], ()):
            self.stack.pop()
        original = self._original()
        self._element(tag, attrs, original)
        if tag not in _VOID:
            self.stack.append((tag, self.getpos()[0], original))
        self._mark()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # `<x/>`: void, or foreign (SVG) content that closes itself; no nesting to keep.
        self._element(tag, attrs, self._original())

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        names = [name for name, _, _ in self.stack]
        if tag in _VOID:
            return
        if tag in names:
            while self.stack:
                name, opened, start = self.stack.pop()
                if len(self.stack) == self.title_depth:  # the first <title>, by any end tag
                    self.title_end, self.title_depth = self._offset(), None
                if name == tag:
                    break
                if name not in _OPTIONAL_END:
                    self.forced.append((name, opened, start, tag))
            self._mark()
            return
        for index in range(len(self.forced) - 1, -1, -1):
            name, _opened, _start, closer = self.forced[index]
            if name == tag:
                del self.forced[index]
                self.faults.append(Nesting(
                    f"misnested tags: </{closer}> closes <{closer}> while <{tag}> inside it "
                    f"is still open; write </{tag}></{closer}>", line, f"</{tag}>"))
                return
        # A stray </p> or </td> makes browsers invent an element; a stray </body> is harmless.
        if tag not in _OPTIONAL_END or tag in ("p", "li", "td", "th", "tr"):
            self.faults.append(Nesting(f"</{tag}> has no matching <{tag}>; remove it or add "
                                       f"the missing <{tag}>", line, f"</{tag}>"))

    def finish(self) -> None:
        for name, opened, start, closer in self.forced:
            self.faults.append(Nesting(f"<{name}> is never closed (still open at </{closer}>); "
                                       f"add </{name}>", opened, start))
        for name, opened, start in self.stack:
            if name not in _OPTIONAL_END:
                self.faults.append(Nesting(f"<{name}> is never closed; add </{name}>", opened,
                                           start))
        self.faults.sort(key=lambda fault: fault.line)

    def title_text(self) -> str | None:
        if self.title_start is None:
            return None
        # An unclosed <title> runs to the end.
        return _Text.of(self.text[self.title_start:self.title_end])


def _attributes_of(start_tag: str) -> list[tuple[str, str | None]]:
    reader = _StartTag()
    reader.feed(start_tag)
    reader.close()
    return reader.attrs


class _StartTag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.attrs:
            self.attrs = attrs

    handle_startendtag = handle_starttag


class _Text(HTMLParser):
    """The text of some HTML: no tags, comments, scripts or styles; entities read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("script", "style") and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.pieces.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        reader = cls()
        reader.feed(html)
        reader.close()
        return "".join(reader.pieces)


def check_html(artifact: Any, where: SourceMap) -> Iterator[Problem]:
    """Yield the HTML problems of one page or email, located in the brand's sources."""
    scan = scan_html(artifact.content)  # one pass serves every check below
    for fault in scan.faults:
        yield Problem("error", "html-nesting", fault.message,
                      where.at_output(fault.line, fault.snippet))
    yield from _ids(scan.elements, where)
    if artifact.kind == "page":
        yield from _lang_and_title(scan, where)
    for element in scan.elements:
        if element.name == "img" and element.get("alt") is None:
            yield Problem("error", "img-alt",
                          f"<img src=\"{element.get('src') or ''}\"> has no alt attribute; add "
                          "alt=\"...\" (alt=\"\" if it is decoration)",
                          where.at_output(element.line))
        attribute = _URL_ATTRIBUTES.get(element.name)
        value = element.get(attribute) if attribute else None
        if isinstance(value, str):
            yield from _url(value.strip(), attribute or "", element, artifact.kind, where)


def _url(value: str, attribute: str, element: Element, kind: str, where: SourceMap
         ) -> Iterator[Problem]:
    shown = f'{attribute}="{value}"'
    bare = _URL_NOISE.sub("", value).lower()
    if bare.startswith("http://"):
        yield Problem("error", "insecure-url", f"insecure URL {shown}; use https://",
                      where.at_output(element.line, shown))
    elif bare.startswith("javascript:"):
        yield Problem("error", "javascript-url",
                      f"javascript: URL {shown} is unsafe; link to a real URL instead",
                      where.at_output(element.line, shown))
    elif kind == "email" and value and not _ABSOLUTE.match(value):
        yield Problem("error", "relative-url",
                      f"relative URL {shown} in an email leads nowhere; use an absolute "
                      "https:// URL", where.at_output(element.line, shown))


def _ids(elements: tuple[Element, ...], where: SourceMap) -> Iterator[Problem]:
    seen: set[str] = set()
    for element in elements:
        identifier = element.get("id")
        if not isinstance(identifier, str):
            continue
        if identifier in seen:
            yield Problem("error", "duplicate-id",
                          f"id \"{identifier}\" is used more than once; make each id unique",
                          where.at_output(element.line, f'id="{identifier}"'))
        seen.add(identifier)


def _lang_and_title(scan: Scan, where: SourceMap) -> Iterator[Problem]:
    first: dict[str, Element] = {}
    for element in scan.elements:
        first.setdefault(element.name, element)
    html = first.get("html")
    if html is None or not (html.get("lang") or "").strip():
        yield Problem("error", "missing-lang",
                      "<html> has no lang attribute; add one, e.g. <html lang=\"en\">",
                      where.at_output(html.line) if html else where.file)
    title = first.get("title")
    if title is None:
        head = first.get("head")
        yield Problem("error", "missing-title", "the page has no <title>; add one inside <head>",
                      where.at_output(head.line) if head else where.file)
    elif not (scan.title_text or "").strip():
        yield Problem("error", "missing-title", "<title> is empty; give the page a title",
                      where.at_output(title.line))
