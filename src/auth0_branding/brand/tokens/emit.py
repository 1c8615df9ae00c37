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
"""

from __future__ import annotations

import json
import re
from typing import Any

from .model import Token, Tokens

MARKER = "--auth0-branding-tokens"
_MARKER_DECLARATION = re.compile(re.escape(MARKER) + r":\s*used(;?)")
_VAR = re.compile(r"var\(\s*--([^\s,)]+)")


def _sass(css: str) -> str:
    # Sass divides `16px/1.5` inside parentheses (a map value): keep such values as written.
    return f'unquote("{css}")' if "/" in css else f"({css})"


def to_scss(tokens: Tokens, target: str) -> str:
    """Render tokens as Sass: literal variables for emails, CSS custom properties for pages.

    Every target also gets `$token-values`, a map of literals (Sass colour functions cannot
    work on `var(--...)`), and `$token-properties`, each composite's CSS properties.
    """
    lines = ["// Generated from design tokens; do not edit."]
    values = tokens.by_path.values()
    for token in values:
        value = f"var(--{token.name})" if target == "page" else _plain(token.css)
        lines.append(f"${token.name}: {value};")
        lines.extend(f"${token.name}-{prop}: {_plain(css)};"
                     for prop, css in token.properties.items())
    lines.append("$token-values: (")
    lines.extend(f'  "{t.name}": {_sass(t.css)},' for t in values)
    lines.append(");")
    lines.append("$token-properties: (")
    for token in values:
        if token.properties:
            pairs = ", ".join(f'"{p}": {_sass(c)}' for p, c in token.properties.items())
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
    else:
        lines.extend(f"  --{t.name}: {t.css};" for t in values)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _plain(css: str) -> str:
    return f'unquote("{css}")' if "/" in css else css


def keep_used_tokens(css: str, tokens: Tokens) -> str:
    """Replace the page's marker with the custom properties that its CSS reads."""
    if MARKER not in css:
        return css
    used = set(_VAR.findall(css))
    declarations = [f"--{t.name}:{t.css}" for t in tokens.by_path.values() if t.name in used]
    joined = ";".join(declarations)
    return _MARKER_DECLARATION.sub(lambda m: joined + (m.group(1) if joined else ""), css)


def tokens_css(tokens: Tokens) -> str:
    """Every token as a CSS custom property, as Style Dictionary's `css/variables` writes them."""
    lines = ["/**", " * Do not edit directly, this file was generated from design tokens.",
             " */", "", ":root {"]
    lines.extend(f"  --{t.name}: {t.css};" for t in tokens.by_path.values())
    lines.append("}")
    return "\n".join(lines) + "\n"


def tokens_json(tokens: Tokens) -> str:
    """Every token in the DTCG format, with its references resolved."""
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
