"""Build every tenant's outputs in memory, then swap them into dist/ whole."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from coloraide import Color
from markupsafe import Markup

from ..auth0.contract import PAGE_LANGUAGE_SOURCES
from ..auth0.resources import BRANDING, PAGE_RESOURCES, THEME, email_resource, organization_resource
from ..brand.catalogues import Translations, load_translations
from ..brand.colours import WHITE, ColourError, parse_colour
from ..brand.config import Config, EmailConfig, TenantConfig, load_config
from ..brand.tokens import (
    TokenGroup,
    Tokens,
    alias_path,
    colour_key,
    keep_used_tokens,
    literals,
    to_scss,
)
from ..errors import (
    BrandError,
    InlineError,
    Location,
    Problem,
    TemplateError,
    did_you_mean,
    display_path,
    locate_source,
)
from .artifacts import Artifact, json_artifact
from .inline import inline_css
from .language_outputs import language_artifacts
from .localise import Localiser
from .partials import partial_artifacts, partial_templates
from .phone import PHONE_FOLDER, VOICE_SUFFIX, phone_artifacts, phone_templates
from .recall import recall, recall_key, to_recall
from .settings import resolve_settings, setting_location
from .stages import compile_css_cached
from .styles import style_sources
from .templates import Renderer, shared_renderer
from .token_outputs import TenantTokens, token_artifacts, token_sources


@dataclass(frozen=True)
class BuildResult:
    """Everything a build produced, before anything touches the disk."""

    config: Config
    tenants: tuple[TenantConfig, ...]
    artifacts: tuple[Artifact, ...]
    problems: tuple[Problem, ...] = field(default=())
    # Each tenant's resolved tokens, for rebuilding some of its outputs later (the preview).
    tokens: Mapping[str, Tokens] = field(default_factory=dict, compare=False, repr=False)
    translations: Translations | None = field(default=None, compare=False, repr=False)

    def for_tenant(self, tenant: str) -> list[Artifact]:
        return [a for a in self.artifacts if a.tenant == tenant]


def build(brand_dir: Path, tenant_names: Iterable[str] = (),
          progress: Callable[[str, int, int], None] | None = None,
          config: Config | None = None) -> BuildResult:
    """Load the brand and build every (or each named) tenant's outputs in memory.

    `progress("build", done, total)` is told after each tenant. `config`: the brand's
    configuration when the caller has loaded it already (a worker process is handed its
    parent's), so a fleet's tenants.toml is read once per build.
    """
    config = config if config is not None else load_config(brand_dir)
    tenants = tuple(config.tenant(n) for n in dict.fromkeys(tenant_names)) or config.tenants
    builder = TenantBuilder(config)
    artifacts: list[Artifact] = []
    tokens_by_tenant: dict[str, Tokens] = {}
    for done, tenant in enumerate(tenants, 1):
        part = builder.build(tenant)
        artifacts.extend(part.artifacts)
        tokens_by_tenant.update(part.tokens)
        if progress is not None:
            progress("build", done, len(tenants))
    return BuildResult(config, tenants, tuple(artifacts), tokens=tokens_by_tenant,
                       translations=builder.translations)


class TenantBuilder:
    """Build one tenant at a time, each as a build of that tenant alone.

    What the tenants share (tokens files, catalogues, templates, style sources) is read once;
    a caller that writes each tenant's outputs away before the next holds one tenant's text.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.tenant_tokens = TenantTokens(config)
        self.translations = load_brand_translations(config)
        self.renderer = shared_renderer(config.templates_dir)
        self.shared = _SharedSources.of(config, self.translations)

    def build(self, tenant: TenantConfig) -> BuildResult:
        """Build `tenant`'s outputs, as `build` would among the others."""
        tokens = self.tenant_tokens.of(tenant)
        artifacts = (*build_tenant(self.config, tenant, tokens, self.renderer, self.shared,
                                   self.translations),
                     *token_artifacts(tenant.name, tokens, self.shared.common))
        return BuildResult(self.config, (tenant,), artifacts, tokens={tenant.name: tokens},
                           translations=self.translations)


def load_brand_translations(config: Config) -> Translations | None:
    """Read the catalogues of the languages brand.toml declares (None: it declares none)."""
    languages = config.languages
    if languages is None:
        return None
    return load_translations(languages.catalogues_dir, config.brand_dir, languages.default,
                             languages.supported, languages.location)


@dataclass(frozen=True)
class _SharedSources:
    """The source files every tenant's outputs share, found once per build."""

    page_styles: tuple[str, ...]
    email_styles: tuple[str, ...]
    common: tuple[str, ...]  # the token files and tenants.toml
    brand_toml: str
    catalogues: tuple[str, ...] = ()

    @classmethod
    def of(cls, config: Config, translations: Translations | None = None) -> _SharedSources:
        tokens = tuple(display_path(p) for p in token_sources(config))
        return cls(
            page_styles=tuple(display_path(p) for p in
                              style_sources(config.page_style, config.brand_dir)),
            email_styles=tuple(display_path(p) for p in
                               style_sources(config.email_style, config.brand_dir)),
            common=(*tokens, display_path(config.tenants_file)),
            brand_toml=display_path(config.brand_dir / "brand.toml"),
            catalogues=tuple(c.shown for c in translations.catalogues.values())
            if translations else (),
        )


# The `manage` entry for which build_tenant yields each kind of output (a page's is its name).
MANAGED_AS = {"email": "emails", "email_settings": "emails", "branding": "branding",
              "theme": "theme", "partials": "partials", "phone": "phone",
              "organization": "organizations", "custom_text": "custom_text",
              "languages": "languages"}


def build_tenant(
    config: Config, tenant: TenantConfig, tokens: Tokens, renderer: Renderer,
    shared: _SharedSources | None = None, translations: Translations | None = None,
) -> Iterator[Artifact]:
    """Yield one tenant's artifacts: the outputs its `manage` list and the config ask for."""
    context = {
        "brand": {"name": config.name},
        "tenant": {"name": tenant.name, "domain": tenant.domain,
                   "custom_domain": tenant.custom_domain},
        "vars": {**config.variables, **tenant.variables},
        # A template's value has no @supports to fall back on: sRGB (alpha kept) for pages.
        "tokens": _template_tokens(tokens, "page", WHITE),
    }
    shared = shared or _SharedSources.of(config, translations)
    pages = [page for page in PAGE_RESOURCES if page in tenant.manage]

    # Compiled when an output is built rather than recalled.
    @cache
    def page_css() -> Markup:
        return Markup(keep_used_tokens(compile_css_cached(
            config.page_style, to_scss(tokens, "page"), config.brand_dir,
            config.style_locations.get("page")), tokens))

    for page in pages:
        template = f"pages/{page}.html"
        if not renderer.exists(template):
            raise TemplateError(
                f"template not found: '{template}'", tenant.location,
                f"create templates/{template} or remove '{page}' from "
                f"tenants.{tenant.name}.manage",
            )
        def build_page(page: str = page, template: str = template) -> Iterator[Artifact]:
            localiser = _localiser(translations, PAGE_LANGUAGE_SOURCES.get(page, ()))
            with renderer.localised(localiser):
                html = renderer.render(template, {
                    **context, "css": page_css(), "output": {"kind": "page", "name": page},
                })
            yield Artifact(
                tenant.name, "page", page, f"{tenant.name}/pages/{page}.html",
                PAGE_RESOURCES[page], _with_prelude(localiser, html),
                _sources(renderer, template, shared.page_styles, shared.common,
                         shared.catalogues if localiser and localiser.used else ()),
                translation_keys=_used(localiser),
            )

        yield from _recalled_or_built(renderer, tenant, ("page", page), (template,), (
            *shared.page_styles, *shared.common, shared.brand_toml, *shared.catalogues),
            build_page)
    if "emails" in tenant.manage and config.emails:
        @cache
        def email_style() -> tuple[str, dict[str, Any]]:
            background = _email_background(config, tokens)
            return compile_css_cached(
                config.email_style, to_scss(tokens, "email", background), config.brand_dir,
                config.style_locations.get("email"),
            ), {**context, "tokens": _template_tokens(tokens, "email", background)}

        for email in config.emails.values():
            def build_email(email: EmailConfig = email) -> Iterator[Artifact]:
                email_css, email_context = email_style()
                yield from _build_email(
                    config, tenant, email, renderer, email_context, email_css,
                    _sources(renderer, f"emails/{email.name}.html", shared.email_styles,
                             shared.common, shared.catalogues),
                    shared.brand_toml, translations)

            yield from _recalled_or_built(
                renderer, tenant, ("email", email.name), (f"emails/{email.name}.html",),
                (*shared.email_styles, *shared.common, shared.brand_toml, *shared.catalogues),
                build_email, email.subject, email.from_, email.result_url or "")
    brand_toml = config.brand_dir / "brand.toml"
    if "branding" in tenant.manage and config.branding:
        settings = resolve_settings(config.branding, tokens, renderer, context,
                                     brand_toml, ("branding",))
        yield json_artifact(tenant.name, "branding", "branding", BRANDING, settings,
                             (shared.brand_toml, *shared.common))
    if "theme" in tenant.manage and config.theme:
        origins: list[tuple[str, str, Location]] = []
        theme = resolve_settings(config.theme, tokens, renderer, context,
                                  brand_toml, ("theme",), origins)
        yield json_artifact(tenant.name, "theme", "theme", THEME, theme,
                             (shared.brand_toml, *shared.common), origins=origins)
    if translations is not None and config.languages is not None:
        yield from language_artifacts(tenant, translations, shared.brand_toml)
    # Their settings and texts: brand.toml, the catalogues; their values: tenants.toml, tokens.
    texts = (*shared.common, shared.brand_toml, *shared.catalogues)
    if "partials" in tenant.manage:
        # The prompts' folders (a folder with no fragment clears its prompt) and fragments.
        prompts = partial_templates(renderer.templates_dir)
        yield from _recalled_or_built(
            renderer, tenant, ("partials", prompts),
            tuple(t for screens in prompts.values() for points in screens.values()
                  for t in points.values()), texts,
            lambda: partial_artifacts(tenant, renderer, context, translations,
                                      (shared.brand_toml, *shared.catalogues)))
    if "phone" in tenant.manage:
        yield from _recalled_or_built(
            renderer, tenant, ("phone",), tuple(
                name for kind in phone_templates(config)
                for name in (f"{PHONE_FOLDER}/{kind}.txt", f"{PHONE_FOLDER}/{kind}{VOICE_SUFFIX}")
                if renderer.exists(name)), texts,
            lambda: phone_artifacts(config, tenant, renderer, context, translations,
                                    (shared.brand_toml, *shared.catalogues)))
    if "organizations" in tenant.manage:
        for name, branding in sorted(tenant.organizations.items()):
            resolved = resolve_settings(branding, tokens, renderer, context, config.tenants_file,
                                         ("tenants", tenant.name, "organizations", name, "branding"))
            yield json_artifact(tenant.name, "organization", name, organization_resource(name),
                                {"branding": resolved},
                                (display_path(config.tenants_file), *shared.common),
                                path=f"{tenant.name}/organizations/{name}.json")


def _build_email(
    config: Config, tenant: TenantConfig, email: EmailConfig, renderer: Renderer,
    context: Mapping[str, Any], css: str, sources: tuple[str, ...], brand_toml: str,
    translations: Translations | None = None,
) -> Iterator[Artifact]:
    template = f"emails/{email.name}.html"
    if not renderer.exists(template):
        raise TemplateError(
            f"template not found: '{template}'", email.location,
            f"create templates/{template} or remove [emails.{email.name}]",
        )
    context = {**context, "output": {"kind": "email", "name": email.name}}
    def where(key: str) -> Location:
        return email.locations.get(key, email.location)

    reader = config.languages.email_language if config.languages else ()
    # The subject is a Liquid template of its own: it chooses its language itself.
    subject_localiser = _localiser(translations, reader)
    with renderer.localised(subject_localiser):
        subject = _with_prelude(subject_localiser, renderer.render_string(
            email.subject, context, where("subject")))
    localiser = _localiser(translations, reader)
    settings: dict[str, Any] = {
        "template": email.name,
        "from": renderer.render_string(email.from_, context, where("from")),
        "subject": subject,
        "syntax": email.syntax,
        "urlLifetimeInSeconds": email.url_lifetime_in_seconds,
        "includeEmailInRedirect": email.include_email_in_redirect,
        "enabled": email.enabled,
    }
    if email.result_url is not None:
        settings["resultUrl"] = renderer.render_string(email.result_url, context,
                                                       where("result_url"))
    with renderer.localised(localiser):
        # The body shows the subject too (its <title>): rendered again for HTML, escaped,
        # and choosing its language with the body's own prelude rather than a second one.
        subject_html = renderer.render_string(
            f"[% autoescape true %]{email.subject}[% endautoescape %]", context,
            where("subject"))
        html = renderer.render(template, {**context, "email": {
            **settings, "subject": Markup(subject_html)}})
    try:
        # The choice of language goes in after inlining: Liquid before the doctype is
        # outside any element, where an inliner's parser keeps nothing.
        body = _with_prelude(localiser, inline_css(html, css, config.inliner, sources[0]))
    except InlineError as error:
        # The output's line means nothing to a designer: point at the template instead.
        found = locate_source(error.snippet or "", sources)
        if found:
            raise InlineError(error.message, found, error.hint, error.snippet) from error
        raise
    resource = email_resource(email.name)
    yield Artifact(tenant.name, "email", email.name, f"{tenant.name}/emails/{email.name}.html",
                   resource, body, sources, rendered=_with_prelude(localiser, html),
                   translation_keys=_used(localiser) | _used(subject_localiser))
    yield json_artifact(tenant.name, "email_settings", email.name, resource, settings,
                         (brand_toml, *sources[1:]),
                         path=f"{tenant.name}/emails/{email.name}.json")


def _recalled_or_built(renderer: Renderer, tenant: TenantConfig, what: tuple[Any, ...],
                       templates: tuple[str, ...], sources: tuple[str, ...],
                       build: Callable[[], Iterable[Artifact]], *strings: str
                       ) -> list[Artifact]:
    """Return the outputs `build` yields, recalled whole from the cache when they can be.

    `what`: the outputs' kind and what tells them apart; `templates` are rendered (with
    all they read) and `strings` of the configuration too, besides `sources`. An output whose
    reads are not known before it renders (a missing template, which rendering reports, a
    computed name) is built every time.
    """
    key = None
    if all(renderer.exists(t) and renderer.sources_known(t, *strings) for t in templates):
        read = (display_path(renderer.templates_dir / name)
                for t in templates for name in renderer.sources_of(t))
        key = recall_key(tenant.name, what, (*read, *sources))
    recalled = recall(key, tenant.name)
    return recalled if recalled is not None else to_recall(list(build()), key)


def _localiser(translations: Translations | None, sources: tuple[str, ...]) -> Localiser | None:
    return Localiser(translations, sources) if translations is not None else None


def _with_prelude(localiser: Localiser | None, text: str) -> str:
    """Put the language choice first, where a text depends on it."""
    return localiser.prelude() + text if localiser is not None and localiser.chose else text


def _used(localiser: Localiser | None) -> frozenset[str]:
    return frozenset(localiser.used) if localiser is not None else frozenset()


def _sources(renderer: Renderer, template: str, *groups: tuple[str, ...]) -> tuple[str, ...]:
    templates = tuple(display_path(renderer.templates_dir / n) for n in renderer.sources_of(template))
    return tuple(dict.fromkeys((*templates, *(s for group in groups for s in group))))


def _template_tokens(tokens: Tokens, target: str, background: Color) -> TokenGroup:
    """Return the tokens as templates read them for `target`, once per token set."""
    return tokens.derived(("template", target, colour_key(background)),
                          lambda: tokens.tree(literals(tokens, target, background)))


def _email_background(config: Config, tokens: Tokens) -> Color:
    """Return the colour a translucent colour is blended onto in emails (white if undeclared)."""
    declared = config.colours.get("email_background")
    if declared is None:
        return WHITE
    brand_toml = config.brand_dir / "brand.toml"
    path = alias_path(declared)
    token = tokens.by_path.get(path) if path is not None else None
    if path is not None and token is None:
        raise BrandError(f"unknown token reference '{declared}' in 'colours.email_background'",
                         setting_location(brand_toml, ("colours", "email_background")),
                         did_you_mean(path, tokens.by_path) or "reference a colour token")
    try:
        if token is not None and token.type != "color":
            raise ColourError(f"'{path}' is a {token.type} token", "reference a colour token")
        return parse_colour(token.value if token is not None else declared)
    except ColourError as error:
        raise BrandError(f"colours.email_background is not a colour: {error}",
                         setting_location(brand_toml, ("colours", "email_background")),
                         error.hint) from error
