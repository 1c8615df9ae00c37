"""Each tenant's resolved tokens, and the two outputs that show them: tokens.css, tokens.json.

tokens.css (every token as a custom property, Style Dictionary's names) and tokens.json
(resolved DTCG) let the customer's own apps share the login page's brand, and show token
changes per tenant in a diff. No Auth0 resource takes them: the manifest marks them as not
published, and publishing skips them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..brand.config import Config, TenantConfig
from ..brand.sources import read_source
from ..brand.tokens import (
    RawTokens,
    TokenLayout,
    Tokens,
    apply_overrides,
    find_token_files,
    ignored_problems,
    load_raw_tokens,
    resolve_tokens,
    tokens_css,
    tokens_json,
)
from ..brand.toml_lines import key_line
from ..errors import BrandError, Location, display_path
from .artifacts import TOKENS_KIND, Artifact


class TenantTokens:
    """Load each set of token files once, resolve it once, and layer each tenant's overrides."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.layout = layout_of(config)
        self._raw: dict[tuple[Path, ...], RawTokens] = {}
        self._base: dict[tuple[Path, ...], Tokens] = {}

    def of(self, tenant: TenantConfig) -> Tokens:
        files = self.layout.files_for(tenant.tokens_themes, self._themes_key(tenant))
        if files not in self._raw:
            raw = load_raw_tokens(files, self.config.brand_dir)
            self._raw[files] = replace(raw, problems=(*ignored_problems(self.layout),
                                                      *raw.problems))
        if tenant.token_overrides:
            return resolve_tokens(apply_overrides(
                self._raw[files], tenant.token_overrides, tenant.location,
                ("tenants", tenant.name, "tokens")))
        if files not in self._base:
            self._base[files] = resolve_tokens(self._raw[files])
        return self._base[files]


    def _themes_key(self, tenant: TenantConfig) -> Location:
        if not tenant.tokens_themes:
            return tenant.location
        text = read_source(self.config.tenants_file, self.config.brand_dir, "config")
        line = key_line(text, ("tenants", tenant.name, "tokens_themes"))
        return Location(tenant.location.path, line or tenant.location.line)


def layout_of(config: Config) -> TokenLayout:
    """Find the brand's token files; a brand without any cannot build."""
    layout = find_token_files(config.tokens_dir, config.brand_dir)
    if not layout.files:
        hint = (f"rename {display_path(layout.ignored[0])} to {layout.ignored[0].stem}.tokens.json"
                if layout.ignored else "add a *.tokens.json file in the DTCG format")
        raise BrandError("no design token files found", Location(display_path(config.tokens_dir)),
                         hint)
    return layout


def token_sources(config: Config) -> tuple[Path, ...]:
    """Every file the tokens are read from, for rebuild decisions and the manifest."""
    layout = find_token_files(config.tokens_dir, config.brand_dir)
    return (*layout.extra, *layout.files)


def token_artifacts(tenant: str, tokens: Tokens, sources: tuple[str, ...]
                    ) -> Iterator[Artifact]:
    """Yield the tenant's tokens.css and tokens.json (not published to Auth0)."""
    yield Artifact(tenant, TOKENS_KIND, "tokens.css", f"{tenant}/tokens.css", "",
                   tokens_css(tokens), sources)
    yield Artifact(tenant, TOKENS_KIND, "tokens.json", f"{tenant}/tokens.json", "",
                   tokens_json(tokens), sources)
