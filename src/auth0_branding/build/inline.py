"""Inline CSS into emails without touching their Liquid: protect, inline, restore.

Inliners parse HTML, and HTML parsers damage Liquid: premailer URL-encodes `{{ url }}`
in `href`, HTML5 parsers move text between `<tr>` rows out of the table. So every Liquid
construct is first swapped for an inert token: a plain word inside attribute values,
comments and raw-text elements, an HTML comment everywhere else (comments stay where they
are in every parser). After inlining, the tokens are swapped back and counted: a token that
did not come back is an error, never silent damage.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import css_inline
from premailer import Premailer

from ..brand.schema import INLINERS
from ..errors import InlineError, Location
from .cache import key_of, text_digest
from .stages import cached

LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_RAW_TEXT = frozenset({"style", "script", "title", "textarea"})
# A <style> block whose rules depend on Liquid cannot be inlined (its values exist only when
# Auth0 renders the email), so the whole block is set aside and kept exactly as written.
_STYLE_WITH_LIQUID = (
    r"<style\b[^>]*>(?:(?!</style>).)*?(?:\{\{|\{%)(?:(?!</style>).)*?</style>"
)
# One pass over the original HTML, so every match's offset (hence its line) is the author's.
_PROTECTED = re.compile(rf"{_STYLE_WITH_LIQUID}|{LIQUID.pattern}",
                        re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Protected:
    """HTML with its Liquid swapped for tokens, and the way back."""

    html: str
    originals: dict[str, str]
    commented: frozenset[str]


def inline_css(html: str, css: str, inliner: str = "premailer", name: str = "<email>") -> str:
    """Inline `css` into `html`, keeping @media rules, `!important` and all Liquid intact.

    Cached by the HTML, the CSS and the inliner (`name` only places an error).
    """
    if inliner not in INLINERS:
        return _inline_cached(html, css, inliner, name)  # raises, naming the inliners
    return str(cached("inline", key_of("inline", inliner, text_digest(html), text_digest(css)),
                      lambda: _inline_cached(html, css, inliner, name)))


@lru_cache(maxsize=64)  # the build cache holds the results; this, the last few
def _inline_cached(html: str, css: str, inliner: str, name: str) -> str:
    protected = protect_liquid(html, name)
    if inliner == "premailer":
        inlined = _premailer(protected.html, css)
    elif inliner == "css-inline":
        inlined = _css_inline(protected.html, css)
    else:
        raise InlineError(f"unknown inliner '{inliner}'", Location(name),
                          f"use one of: {', '.join(INLINERS)}")
    return restore_liquid(inlined, protected, name)


def protect_liquid(html: str, name: str = "<email>") -> Protected:
    """Swap each Liquid construct for a token no inliner will alter or move."""
    prefix = _unused_prefix(html)
    constructs = list(_PROTECTED.finditer(html))
    tokens = [f"{prefix}{index:05d}Q" for index in range(len(constructs))]
    originals = {token: match.group(0) for token, match in zip(tokens, constructs, strict=True)}
    masked = _masked(html, constructs, tokens)
    in_start_tag, in_content = _where_liquid_sits(html, masked, prefix, len(constructs))
    if in_start_tag:
        first = constructs[in_start_tag[0]]
        line = html.count("\n", 0, first.start()) + 1
        raise InlineError(
            f"Liquid inside a start tag cannot survive CSS inlining: {first.group(0)}",
            Location(name, line),
            "move the condition around the whole element, or put the Liquid inside an "
            "attribute value",
            snippet=first.group(0),
        )
    # A token inside an HTML comment (an Outlook conditional block, say) stays plain: a
    # comment within it would end the outer comment early.
    commented = [tokens[index] for index in in_content]
    for token in commented:
        masked = masked.replace(token, f"<!--{token}-->", 1)
    return Protected(masked, originals, frozenset(commented))


def _masked(html: str, constructs: list[re.Match[str]], tokens: list[str]) -> str:
    pieces, end = [], 0
    for match, token in zip(constructs, tokens, strict=True):
        pieces += [html[end:match.start()], token]
        end = match.end()
    pieces.append(html[end:])
    return "".join(pieces)


# Where a construct sits (a start tag, text, a comment, a raw-text element) is decided by
# the markup around it, not by the words of the text or of attribute values, so an email's
# copies for a fleet's tenants (their names, their colours) are classified once, on the
# email with its words shortened to "x": a run of words after the whitespace that ends a
# tag's name (ASCII: the parser takes a no-break space as part of the name) or `>`, one word
# after a quote, `=` or `,.;:()` (which a tag's name may hold: a run there could swallow
# the space after the name). Never a tag's or an entity's name, nor what follows `<!`,
# `<![`, `&#` or `/`; the spaces a run takes separate no attribute holding Liquid, as a run
# holds none. The parser reads a name after whitespace in one place, `</ name>`: an email
# with a `<` before whitespace is classified on its own, as is one whose shortened text
# holds the stand-ins' prefix.
_WORDS = re.compile(r"(?<=[\t\n\r\f >])\w+(?:\s+\w+)*|(?<=[\"'=,.;:()])\w+")
_NAME_AFTER_SPACE = re.compile(r"</?\s")
_SHARED_PREFIX = "LQ00000000"


def _where_liquid_sits(html: str, masked: str, prefix: str, count: int
                       ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return the constructs (by number) inside a start tag, and those in plain text."""
    shortened = _WORDS.sub("x", html)
    if _NAME_AFTER_SPACE.search(html) is None and _SHARED_PREFIX not in shortened:
        constructs = list(_PROTECTED.finditer(shortened))
        if len(constructs) == count:  # shortening words moves no construct's bounds
            return _classified(_masked(shortened, constructs, [
                f"{_SHARED_PREFIX}{index:05d}Q" for index in range(count)]), _SHARED_PREFIX)
    return _classify(masked, prefix)


@lru_cache(maxsize=256)
def _classified(text: str, prefix: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return _classify(text, prefix)


def _classify(text: str, prefix: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    scanner = _ContextScanner(re.compile(re.escape(prefix) + r"(\d{5})Q"))
    scanner.feed(text)
    scanner.close()
    return (tuple(int(number) for number in scanner.in_start_tag),
            tuple(int(number) for number in scanner.in_content))


def restore_liquid(html: str, protected: Protected, name: str = "<email>") -> str:
    """Swap the tokens back for the original Liquid and check none went missing."""
    if not protected.originals:
        return html
    prefix = re.escape(next(iter(protected.originals))[:-6])
    counts: dict[str, int] = dict.fromkeys(protected.originals, 0)

    def back(match: re.Match[str]) -> str:
        # One pass over the email: a token is swapped back in the form it was given (a
        # token of the email's own comments keeps that comment around its Liquid).
        token, commented = (match.group(1), True) if match.group(1) else (match.group(0), False)
        original = protected.originals.get(token)
        if original is None or (token in protected.commented and not commented):
            return match.group(0)  # not ours, or a bare copy of a token given in a comment
        counts[token] += 1
        if commented and token not in protected.commented:
            return f"<!--{original}-->"
        return original

    html = re.sub(rf"<!--({prefix}\d{{5}}Q)-->|{prefix}\d{{5}}Q", back, html)
    for token, count in counts.items():
        if count != 1:
            original = protected.originals[token]
            raise InlineError(
                f"the CSS inliner {'dropped' if count == 0 else 'duplicated'} Liquid "
                f"{original!r}",
                Location(name), "report this template; meanwhile wrap the Liquid in an element",
                snippet=original,
            )
    return html


def _unused_prefix(html: str) -> str:
    # A random word that the email cannot already contain, so restoring never hits user text.
    while True:
        prefix = "LQ" + secrets.token_hex(4).upper()
        if prefix not in html:
            return prefix


class _ContextScanner(HTMLParser):
    """Classify each token by where the HTML parser sees it."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.pattern = pattern
        self.raw_text_depth = 0
        self.in_start_tag: list[str] = []
        self.in_content: list[str] = []

    def _found(self, text: str | None) -> list[str]:
        if not text:
            return []
        return self.pattern.findall(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for attribute, _value in attrs:
            # html.parser lowercases attribute names, tokens are upper case.
            self.in_start_tag.extend(self._found(attribute.upper()))
        if tag in _RAW_TEXT:
            self.raw_text_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for attribute, _value in attrs:
            self.in_start_tag.extend(self._found(attribute.upper()))

    def handle_endtag(self, tag: str) -> None:
        if tag in _RAW_TEXT and self.raw_text_depth:
            self.raw_text_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.raw_text_depth:
            self.in_content.extend(self._found(data))

    def unknown_decl(self, data: str) -> None:
        # Downlevel-revealed conditional comments (<![endif]>) carry no Liquid tokens to move.
        return None


class _SharedRulesPremailer(Premailer):
    """Premailer that turns a stylesheet into rules once, not once per email.

    Every email of a tenant shares one stylesheet, and parsing it (cssutils) is most of
    premailer's time. The rules it makes of a stylesheet, and the text of the rules it
    keeps in a <style> (the @media ones), are a stage of the build cache: kept between runs,
    so an edited email is inlined without parsing its tenant's stylesheet again. Its options
    here never change, and it only reads the returned lists, so sharing them is safe.
    """

    def _parse_style_rules(self, css_body: str, ruleset_index: int):  # type: ignore[override]
        return _parsed_rules(self, css_body, ruleset_index)

    def _css_rules_to_string(self, rules: list) -> str:  # type: ignore[override]
        if isinstance(rules, _KeptRules):
            return rules.text
        return super()._css_rules_to_string(rules)


class _KeptRules(list):
    """The rules premailer keeps in a <style>, standing for their text (empty: none)."""

    def __init__(self, text: str) -> None:
        super().__init__([text] if text else [])
        self.text = text


_RULES: dict[str, tuple[list, _KeptRules]] = {}


def _parsed_rules(premailer: Premailer, css_body: str, ruleset_index: int
                  ) -> tuple[list, _KeptRules]:
    key = key_of("premailer-rules", css_body, ruleset_index)
    held = _RULES.get(key)
    if held is None:
        def parse() -> list:
            rules, kept = Premailer._parse_style_rules(premailer, css_body, ruleset_index)
            text = Premailer._css_rules_to_string(premailer, kept) if kept else ""
            return [[[list(specificity), selector, bulk] for specificity, selector, bulk in rules],
                    text]
        rules, text = cached("premailer-rules", key, parse)
        # A tenant's emails share one stylesheet, built one after another: a few suffice.
        if len(_RULES) > 8:
            _RULES.clear()
        held = _RULES[key] = ([(tuple(specificity), selector, bulk)
                               for specificity, selector, bulk in rules], _KeptRules(text))
    return held


def _premailer(html: str, css: str) -> str:
    return _SharedRulesPremailer(
        html,
        css_text=css,
        allow_network=False,
        allow_loading_external_files=False,
        disable_link_rewrites=True,
        strip_important=False,
        keep_style_tags=False,
        remove_classes=False,
        disable_validation=True,
        cssutils_logging_level=logging.CRITICAL,
        exclude_pseudoclasses=True,
        align_floating_images=False,
    ).transform(pretty_print=False)


def _css_inline(html: str, css: str) -> str:
    inliner = css_inline.CSSInliner(
        keep_at_rules=True,
        keep_style_tags=False,
        load_remote_stylesheets=False,
        extra_css=css,
    )
    return inliner.inline(html)
