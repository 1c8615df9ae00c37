"""Tokens out: the generated Sass, the page CSS's custom properties, tokens.css, tokens.json.

Sass sees every token as `$<name>`, the same kebab-case name as its custom property
`--<name>`: for pages `$color-brand-primary` is `var(--color-brand-primary)`, so a tenant's
colours stay readable and overridable in the browser; for emails it is the literal value,
as email clients know no `var()`. A composite token also gets one variable per CSS property
it describes (`$font-heading-font-size`), and `@include token-properties("font-heading")`
writes them all.

The page CSS declares only the custom properties its rules read: `token-custom-properties`
leaves a marker that `keep_used_tokens` replaces, after compiling, with the declarations of
the tokens some `var()` names. Unused tokens cost the page nothing.

Colours are written per target (docs/colour.md, `targets`): Sass literals and a page's custom
properties in sRGB hex (alpha kept as `#rrggbbaa`), with the wide-gamut colours again in their
own space under `@supports (color: oklch(0 0 0))`; emails in opaque hex, blended onto the
brand's email background. tokens.css does as pages do.
"""

from __future__ import annotations

import json
import re
from typing import Any

from coloraide import Color

from ..colours import CSS_COLOR_4, WHITE
from .model import Token, Tokens
from .targets import colour_key, literals, wide, written

MARKER = "--auth0-branding-tokens"
# The page's wide-gamut colours: Sass hoists the `@supports` around it out of the rule.
WIDE_MARKER = "--auth0-branding-wide-tokens"
_MARKER_DECLARATION = re.compile(re.escape(MARKER) + r":\s*used(;?)")
_WIDE_DECLARATION = re.compile(re.escape(WIDE_MARKER) + r":\s*used;?")
# The block left when no colour the page reads is wide: dropped whole.
_EMPTY_WIDE = re.compile(r"@supports\s*" + re.escape(CSS_COLOR_4) + r"\s*\{[^{}]*\{\s*"
                         + re.escape(WIDE_MARKER) + r":\s*used;?\s*\}\s*\}")
_VAR = re.compile(r"var\(\s*--([^\s,)]+)")


def _sass(css: str) -> str:
    # Sass divides `16px/1.5` inside parentheses (a map value): keep such values as written.
    return f'unquote("{css}")' if "/" in css else f"({css})"


def to_scss(tokens: Tokens, target: str, email_background: Color = WHITE) -> str:
    """Render tokens as Sass: literal variables for emails, CSS custom properties for pages.

    Every target also gets `$token-values`, a map of literals (Sass colour functions cannot
    work on `var(--...)`), and `$token-properties`, each composite's CSS properties. Their
    colours are the target's: sRGB for pages, blended hex for emails.
    """
    return tokens.derived(("scss", target, colour_key(email_background)),
                          lambda: _scss(tokens, target, email_background))


def _scss(tokens: Tokens, target: str, email_background: Color) -> str:
    lines = ["// Generated from design tokens; do not edit."]
    values = tokens.by_path.values()
    target_css = written(tokens, target, email_background)
    for token in values:
        css, properties = target_css[token.path]
        value = f"var(--{token.name})" if target == "page" else _plain(css)
        lines.append(f"${token.name}: {value};")
        lines.extend(f"${token.name}-{prop}: {_plain(css)};" for prop, css in properties.items())
    lines.append("$token-values: (")
    lines.extend(f'  "{t.name}": {_sass(target_css[t.path][0])},' for t in values)
    lines.append(");")
    lines.append("$token-properties: (")
    for token in values:
        if properties := target_css[token.path][1]:
            pairs = ", ".join(f'"{p}": {_sass(c)}' for p, c in properties.items())
            lines.append(f'  "{token.name}": ({pairs}),')
    lines.append(");")
    lines.append("@function token($name) { @return map-get($token-values, $name); }")
    lines.append("@mixin token-properties($name) {")
    lines.append("  @each $property, $value in map-get($token-properties, $name) {")
    lines.append("    #{$property}: $value;")
    lines.append("  }")
    lines.append("}")
    lines.append("@mixin token-custom-properties {")
    if target == "page":
        lines.append(f"  {MARKER}: used;")
        if wide(values, {p: css for p, (css, _) in target_css.items()}):
            lines.append(f"  @supports {CSS_COLOR_4} {{ {WIDE_MARKER}: used; }}")
    else:
        lines.extend(f"  --{t.name}: {target_css[t.path][0]};" for t in values)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _plain(css: str) -> str:
    return f'unquote("{css}")' if "/" in css else css


def keep_used_tokens(css: str, tokens: Tokens) -> str:
    """Replace the page's markers with the custom properties that its CSS reads.

    Each is declared in sRGB; the wide-gamut ones again in their own space under
    `@supports`, where the second marker stood.
    """
    if MARKER not in css:
        return css
    return tokens.derived(("used", css), lambda: _declare_used(css, tokens))


def _declare_used(css: str, tokens: Tokens) -> str:
    used = set(_VAR.findall(css))
    read = [t for t in tokens.by_path.values() if t.name in used]
    literal = literals(tokens, "page", WHITE)
    joined = ";".join(f"--{t.name}:{literal[t.path]}" for t in read)
    css = _MARKER_DECLARATION.sub(lambda m: joined + (m.group(1) if joined else ""), css)
    if WIDE_MARKER not in css:
        return css
    wide_joined = ";".join(f"--{t.name}:{t.css}" for t in wide(read, literal))
    if not wide_joined:
        return _EMPTY_WIDE.sub("", css)
    return _WIDE_DECLARATION.sub(lambda _: wide_joined, css)


def tokens_css(tokens: Tokens) -> str:
    """Every token as a CSS custom property, as Style Dictionary's `css/variables` writes them.

    Colours are sRGB hex, `#rrggbbaa` when translucent (Style Dictionary writes `rgba()`, the
    same colour); a colour in a wider space follows in its own under `@supports`, as on pages.
    """
    return tokens.derived("tokens.css", lambda: _tokens_css(tokens))


def _tokens_css(tokens: Tokens) -> str:
    values = tokens.by_path.values()
    literal = literals(tokens, "page", WHITE)
    lines = ["/**", " * Do not edit directly, this file was generated from design tokens.",
             " */", "", ":root {"]
    lines.extend(f"  --{t.name}: {literal[t.path]};" for t in values)
    lines.append("}")
    if wide_tokens := wide(values, literal):
        lines.extend(["", f"@supports {CSS_COLOR_4} {{", "  :root {"])
        lines.extend(f"    --{t.name}: {t.css};" for t in wide_tokens)
        lines.extend(["  }", "}"])
    return "\n".join(lines) + "\n"


def tokens_json(tokens: Tokens) -> str:
    """Every token in the DTCG format, with its references resolved."""
    return tokens.derived("tokens.json", lambda: _tokens_json(tokens))


def _tokens_json(tokens: Tokens) -> str:
    root: dict[str, Any] = {}
    for token in tokens.by_path.values():
        group = root
        *parents, last = token.path.split(".")
        for part in parents:
            group = group.setdefault(part, {})
        group[last] = _entry(token)
    return json.dumps(root, indent=2, ensure_ascii=False) + "\n"


def _entry(token: Token) -> dict[str, Any]:
    entry: dict[str, Any] = {"$type": token.type, "$value": token.value}
    if token.description:
        entry["$description"] = token.description
    if token.deprecated is not False:
        entry["$deprecated"] = token.deprecated
    if token.extensions:
        entry["$extensions"] = token.extensions
    return entry
