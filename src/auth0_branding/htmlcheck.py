"""HTML checks on built outputs: nesting, ids, lang, title, alt, and unsafe URLs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import html5lib
from bs4 import BeautifulSoup

from .errors import Location, Problem

log = logging.getLogger(__name__)

_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
# html5lib parse errors that mean the markup is unclosed or misnested. The rest (implied end
# tags, doctype details) are legal HTML that browsers and mail clients all read alike.
_NESTING_ERRORS = {
    "unexpected-end-tag": "unexpected </{name}>",
    "unexpected-end-tag-before-html": "unexpected </{name}>",
    "unexpected-end-tag-after-body": "unexpected </{name}> after </body>",
    "expected-one-end-tag-but-got-another": "expected </{expectedName}> but found </{gotName}>",
    "end-tag-too-early": "</{name}> closes an element that still has open children",
    "end-tag-too-early-named": "</{gotName}> found while <{expectedName}> is still open",
    "adoption-agency-1.1": "misnested </{name}>",
    "adoption-agency-1.2": "misnested </{name}>",
    "adoption-agency-1.3": "misnested </{name}>",
    "adoption-agency-4.4": "misnested </{name}>",
    "expected-closing-tag-but-got-eof": "unclosed element at the end of the document",
    "eof-in-table": "unclosed <table>",
    "eof-in-script-in-script": "unclosed <script>",
}
_URL_ATTRIBUTES = (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src"),
                   ("area", "href"), ("source", "src"), ("form", "action"))


def blank_liquid(text: str) -> str:
    """Replace each Liquid construct by spaces (newlines kept) so positions don't move."""
    return _LIQUID.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def check_html(artifact: Any) -> Iterator[Problem]:
    """Yield HTML problems; locations are `artifact.path` lines unless a source is evident."""
    text = blank_liquid(artifact.content)
    parser = html5lib.HTMLParser(strict=False)
    parser.parse(text)
    for (line, _col), code, details in parser.errors:
        template = _NESTING_ERRORS.get(code)
        if template:
            message = template.format_map(_Missing(details or {}))
            yield Problem("error", "html-nesting", message, Location(artifact.path, line))
    soup = BeautifulSoup(artifact.content, "html.parser")
    yield from _ids(soup, artifact)
    if artifact.kind == "page":
        html = soup.find("html")
        if html is None or not html.get("lang"):
            yield Problem("error", "missing-lang", "pages need <html lang=\"...\">",
                          _at(artifact, "<html"))
        title = soup.find("title")
        if title is None or not title.get_text(strip=True):
            yield Problem("error", "missing-title", "pages need a non-empty <title>",
                          _at(artifact, "<head"))
    for image in soup.find_all("img"):
        if image.get("alt") is None:
            yield Problem("error", "img-alt",
                          "images need an alt attribute (alt=\"\" for decoration)",
                          _at(artifact, f'src="{image.get("src", "")}"'))
    for tag_name, attribute in _URL_ATTRIBUTES:
        for element in soup.find_all(tag_name):
            value = (element.get(attribute) or "").strip()
            if value.lower().startswith("http://"):
                yield Problem("error", "insecure-url", f"use https: {attribute}=\"{value}\"",
                              _at(artifact, value))
            if value.lower().startswith("javascript:"):
                yield Problem("error", "javascript-url", f"javascript: URLs are unsafe: "
                              f"{attribute}=\"{value}\"", _at(artifact, value))


def relative_urls(html: str) -> list[tuple[str, str]]:
    """Return (attribute, value) pairs whose URL is relative (useless in an email)."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag_name, attribute in _URL_ATTRIBUTES:
        for element in soup.find_all(tag_name):
            value = (element.get(attribute) or "").strip()
            if value and not _is_absolute(value):
                found.append((attribute, value))
    return found


def tag_parents(html: str) -> dict[str, tuple[str, ...]]:
    """Map each Liquid tag's text to the element names it sits inside (as written)."""
    soup = BeautifulSoup(html, "html.parser")
    parents: dict[str, tuple[str, ...]] = {}
    for string in soup.find_all(string=re.compile(r"\{%")):
        for match in re.finditer(r"\{%.*?%\}", str(string), re.DOTALL):
            names = tuple(p.name for p in string.parents if p.name)
            parents[match.group(0)] = parents.get(match.group(0), ()) + names
    return parents


def _is_absolute(value: str) -> bool:
    # Liquid may produce the whole URL ({{ url }}); Auth0 makes it absolute.
    return bool(re.match(r"^([a-z][a-z0-9+.-]*:|\{\{|\{%|#)", value, re.IGNORECASE))


def _ids(soup: BeautifulSoup, artifact: Any) -> Iterator[Problem]:
    seen: set[str] = set()
    for element in soup.find_all(id=True):
        identifier = element["id"]
        if identifier in seen:
            yield Problem("error", "duplicate-id", f"id \"{identifier}\" is used more than once",
                          _at(artifact, f'id="{identifier}"', last=True))
        seen.add(identifier)


def _at(artifact: Any, snippet: str, last: bool = False) -> Location:
    """Locate `snippet` in the output (the caller maps output lines back to sources)."""
    lines = artifact.content.splitlines()
    numbers = [n for n, line in enumerate(lines, 1) if snippet and snippet in line]
    if numbers:
        return Location(artifact.path, numbers[-1] if last else numbers[0])
    return Location(artifact.path)


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "?"
