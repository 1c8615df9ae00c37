"""Design tokens in the W3C DTCG format (2025.10), and Tokens Studio's exports.

The stages, one module each: `discovery` (which files, in which order), `parse` (files to
one flat table of raw tokens: groups, `$root`, `$extends`, redefinitions, names; `studio`
reads Tokens Studio's legacy format), `overrides` (a tenant's tokens from tenants.toml),
`resolve` (aliases and JSON Pointers; `types` turns each value into CSS), `targets` (each
output's colours: sRGB, an email's blended hex) and `emit` (Sass, the page's custom
properties, tokens.css, tokens.json).
"""

from __future__ import annotations

from .discovery import TokenLayout, find_token_files, ignored_problems
from .emit import keep_used_tokens, to_scss, tokens_css, tokens_json
from .model import RawToken, RawTokens, Token, TokenGroup, Tokens
from .names import kebab
from .overrides import apply_overrides
from .parse import load_raw_tokens
from .references import alias_path
from .resolve import resolve_tokens
from .targets import colour_key, literals

__all__ = [
    "RawToken", "RawTokens", "Token", "TokenGroup", "TokenLayout", "Tokens", "alias_path",
    "colour_key",
    "apply_overrides", "find_token_files", "ignored_problems", "kebab", "keep_used_tokens", "literals",
    "load_raw_tokens", "resolve_tokens", "to_scss", "tokens_css", "tokens_json",
]
