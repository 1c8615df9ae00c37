"""Build every tenant's outputs in memory, then swap them into dist/ whole."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..brand.config import Config, EmailConfig, TenantConfig, load_config
from ..brand.sources import read_source
from ..brand.tokens import (
    Tokens,
    alias_path,
    apply_overrides,
    load_raw_tokens,
    resolve_tokens,
    to_scss,
)
from ..brand.toml_lines import nearest_line
from ..dist.folder import (
    LOCK_WAIT_SECONDS,
    REVIEW_MARKER,
    clean_leftovers,
    contents_of,
    discard,
    output_lock,
    refuse_unsafe,
    resolve_output,
    staging_folder,
    swap_in,
)
from ..errors import (
    BrandError,
    DistError,
    InlineError,
    Location,
    Problem,
    TemplateError,
    did_you_mean,
    display_path,
    locate_source,
    printable,
)
from .inline import inline_css
from .styles import compile_css, style_sources
from .templates import Renderer

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
PAGE_RESOURCES = {
    "login": "branding/templates/universal-login",
    "password_reset": "tenants/settings#change_password",
    "error_page": "tenants/settings#error_page",
    "classic_login": "clients/global#custom_login_page",
}


@dataclass(frozen=True)
class Artifact:
    """One file of the build, destined for one Auth0 resource of one tenant."""

    tenant: str
    kind: str  # page | email | email_settings | branding | theme
    name: str
    path: str  # relative to dist/
    resource: str
    content: str
    sources: tuple[str, ...] = ()
    # An email's HTML before inlining: the inliner's parser repairs broken nesting, so the
    # HTML checks read this instead. Not part of the manifest or of equality.
    rendered: str | None = field(default=None, compare=False, repr=False)

    @cached_property
    def data(self) -> bytes:
        return self.content.encode("utf-8")

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class BuildResult:
    """Everything a build produced, before anything touches the disk."""

    config: Config
    tenants: tuple[TenantConfig, ...]
    artifacts: tuple[Artifact, ...]
    problems: tuple[Problem, ...] = field(default=())
    # Each tenant's resolved tokens, for rebuilding some of its outputs later (the preview).
    tokens: Mapping[str, Tokens] = field(default_factory=dict, compare=False, repr=False)

    def for_tenant(self, tenant: str) -> list[Artifact]:
        return [a for a in self.artifacts if a.tenant == tenant]


def build(brand_dir: Path, tenant_names: Iterable[str] = ()) -> BuildResult:
    """Load the brand and build every (or each named) tenant's outputs in memory."""
    config = load_config(brand_dir)
    tenants = tuple(config.tenant(n) for n in dict.fromkeys(tenant_names)) or config.tenants
    token_files = _token_files(config)
    if not token_files:
        raise BrandError("no design token files found", Location(display_path(config.tokens_dir)),
                         "add a *.tokens.json file in the DTCG format")
    raw_tokens = load_raw_tokens(token_files, config.brand_dir)
    renderer = Renderer(config.templates_dir)
    shared = _SharedSources.of(config)
    base: Tokens | None = None
    artifacts: list[Artifact] = []
    tokens_by_tenant: dict[str, Tokens] = {}
    for tenant in tenants:
        if tenant.token_overrides:
            tokens = resolve_tokens(
                apply_overrides(raw_tokens, tenant.token_overrides, tenant.location))
        else:
            tokens = base = base or resolve_tokens(raw_tokens)
        tokens_by_tenant[tenant.name] = tokens
        artifacts.extend(build_tenant(config, tenant, tokens, renderer, shared))
    return BuildResult(config, tenants, tuple(artifacts), tokens=tokens_by_tenant)


def _token_files(config: Config) -> list[Path]:
    # Whatever the names lead to (folders, FIFOs, links out of the brand) is refused when
    # each file is read, through read_source.
    return sorted(config.tokens_dir.glob("*.json"))


@dataclass(frozen=True)
class _SharedSources:
    """The source files every tenant's outputs share, found once per build."""

    page_styles: tuple[str, ...]
    email_styles: tuple[str, ...]
    common: tuple[str, ...]  # the token files and tenants.toml
    brand_toml: str

    @classmethod
    def of(cls, config: Config) -> _SharedSources:
        tokens = tuple(display_path(p) for p in _token_files(config))
        return cls(
            page_styles=tuple(display_path(p) for p in
                              style_sources(config.page_style, config.brand_dir)),
            email_styles=tuple(display_path(p) for p in
                               style_sources(config.email_style, config.brand_dir)),
            common=(*tokens, display_path(config.tenants_file)),
            brand_toml=display_path(config.brand_dir / "brand.toml"),
        )


def build_tenant(
    config: Config, tenant: TenantConfig, tokens: Tokens, renderer: Renderer,
    shared: _SharedSources | None = None,
) -> Iterator[Artifact]:
    """Yield one tenant's artifacts: the outputs its `manage` list and the config ask for."""
    context = {
        "brand": {"name": config.name},
        "tenant": {"name": tenant.name, "domain": tenant.domain,
                   "custom_domain": tenant.custom_domain},
        "vars": {**config.variables, **tenant.variables},
        "tokens": tokens.tree(),
    }
    shared = shared or _SharedSources.of(config)
    pages = [page for page in PAGE_RESOURCES if page in tenant.manage]
    if pages:
        page_css = Markup(compile_css(config.page_style, to_scss(tokens, "page"),
                                      config.brand_dir, config.style_locations.get("page")))
    for page in pages:
        template = f"pages/{page}.html"
        if not renderer.exists(template):
            raise TemplateError(
                f"template not found: '{template}'", tenant.location,
                f"create templates/{template} or remove '{page}' from "
                f"tenants.{tenant.name}.manage",
            )
        html = renderer.render(template, {
            **context, "css": page_css, "output": {"kind": "page", "name": page},
        })
        yield Artifact(
            tenant.name, "page", page, f"{tenant.name}/pages/{page}.html", PAGE_RESOURCES[page],
            html, _sources(renderer, template, shared.page_styles, shared.common),
        )
    if "emails" in tenant.manage and config.emails:
        email_css = compile_css(config.email_style, to_scss(tokens, "email"),
                                config.brand_dir, config.style_locations.get("email"))
        for email in config.emails.values():
            yield from _build_email(
                config, tenant, email, renderer, context, email_css,
                _sources(renderer, f"emails/{email.name}.html", shared.email_styles,
                         shared.common),
                shared.brand_toml,
            )
    brand_toml = config.brand_dir / "brand.toml"
    if "branding" in tenant.manage and config.branding:
        settings = _resolve_settings(config.branding, tokens, renderer, context,
                                     brand_toml, ("branding",))
        yield _json_artifact(tenant, "branding", "branding", "branding", settings,
                             (shared.brand_toml, *shared.common))
    if "theme" in tenant.manage and config.theme:
        theme = _resolve_settings(config.theme, tokens, renderer, context,
                                  brand_toml, ("theme",))
        yield _json_artifact(tenant, "theme", "theme", "branding/themes/default", theme,
                             (shared.brand_toml, *shared.common))


def _build_email(
    config: Config, tenant: TenantConfig, email: EmailConfig, renderer: Renderer,
    context: Mapping[str, Any], css: str, sources: tuple[str, ...], brand_toml: str,
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

    settings: dict[str, Any] = {
        "template": email.name,
        "from": renderer.render_string(email.from_, context, where("from")),
        "subject": renderer.render_string(email.subject, context, where("subject")),
        "syntax": email.syntax,
        "urlLifetimeInSeconds": email.url_lifetime_in_seconds,
        "includeEmailInRedirect": email.include_email_in_redirect,
        "enabled": email.enabled,
    }
    if email.result_url is not None:
        settings["resultUrl"] = renderer.render_string(email.result_url, context,
                                                       where("result_url"))
    html = renderer.render(template, {**context, "email": settings})
    try:
        body = inline_css(html, css, config.inliner, sources[0])
    except InlineError as error:
        # The output's line means nothing to a designer: point at the template instead.
        found = locate_source(error.snippet or "", sources)
        if found:
            raise InlineError(error.message, found, error.hint, error.snippet) from error
        raise
    resource = f"email-templates/{email.name}"
    yield Artifact(tenant.name, "email", email.name, f"{tenant.name}/emails/{email.name}.html",
                   resource, body, sources, rendered=html)
    yield _json_artifact(tenant, "email_settings", email.name, resource, settings,
                         (brand_toml, *sources[1:]),
                         path=f"{tenant.name}/emails/{email.name}.json")


def _sources(renderer: Renderer, template: str, *groups: tuple[str, ...]) -> tuple[str, ...]:
    templates = tuple(display_path(renderer.templates_dir / n) for n in renderer.sources_of(template))
    return tuple(dict.fromkeys((*templates, *(s for group in groups for s in group))))


def _resolve_settings(
    settings: Mapping[str, Any], tokens: Tokens, renderer: Renderer, context: Mapping[str, Any],
    brand_toml: Path, table: tuple[str, ...],
) -> dict[str, Any]:
    """Resolve `{token.path}` aliases and build-time Jinja in a settings table."""
    resolved: dict[str, Any] = {}
    for key, value in settings.items():
        if isinstance(value, Mapping):
            resolved[key] = _resolve_settings(value, tokens, renderer, context, brand_toml,
                                              (*table, key))
        elif not isinstance(value, str):
            resolved[key] = value
        elif (path := alias_path(value)) is not None:
            if path not in tokens.by_path:
                raise BrandError(f"unknown token reference '{value}' in '{'.'.join(table)}.{key}'",
                                 _setting_location(brand_toml, (*table, key)),
                                 did_you_mean(path, tokens.by_path) or "reference a defined token")
            resolved[key] = tokens.css(path)
        else:
            resolved[key] = _render_setting(renderer, value, context, brand_toml, (*table, key))
    return resolved


def _render_setting(renderer: Renderer, value: str, context: Mapping[str, Any],
                    brand_toml: Path, keys: tuple[str, ...]) -> str:
    try:
        return renderer.render_string(value, context, Location(display_path(brand_toml)))
    except TemplateError as error:
        raise TemplateError(error.message, _setting_location(brand_toml, keys),
                            error.hint) from error


def _setting_location(brand_toml: Path, keys: tuple[str, ...]) -> Location:
    """Return where the setting at `keys` is written in brand.toml."""
    text = read_source(brand_toml, brand_toml.parent, "config")
    return Location(display_path(brand_toml), nearest_line(text, keys))


def _json_artifact(tenant, kind, name, resource, data, sources, path=None) -> Artifact:
    content = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return Artifact(tenant.name, kind, name, path or f"{tenant.name}/{name}.json", resource,
                    content, tuple(dict.fromkeys(sources)))


# -- dist/ -------------------------------------------------------------------------


GENERATOR = "auth0-branding build"


def manifest_of(result: BuildResult) -> dict[str, Any]:
    """Describe the build: tenants, and every output with its hash, size and sources."""
    return {
        "format": MANIFEST_FORMAT,
        # Marks the folder as a build's own output: the only kind `write_dist` replaces.
        "generator": GENERATOR,
        "brand": result.config.name,
        "tenants": {
            t.name: {
                "domain": t.domain,
                "custom_domain": t.custom_domain,
                "client_id_env": t.client_id_env,
                "client_secret_env": t.client_secret_env,
                "manage": list(t.manage),
            }
            for t in result.tenants
        },
        "outputs": [
            {
                "tenant": a.tenant, "kind": a.kind, "name": a.name, "path": a.path,
                "resource": a.resource, "sha256": a.sha256, "size": a.size,
                "sources": list(a.sources),
            }
            for a in result.artifacts
        ],
    }


def write_dist(result: BuildResult, out_dir: Path, *, partial: bool = False,
               lock_wait: float = LOCK_WAIT_SECONDS) -> None:
    """Write the build beside `out_dir`, then swap it in whole.

    Only a missing, empty or earlier build's folder is replaced. Files in it that no build
    wrote (a review gallery, a .gitkeep) are carried over. With `partial`, the build holds
    some tenants only: the others' outputs are carried over too, and the manifests merge.
    """
    shown = display_path(out_dir)
    target = resolve_output(out_dir)
    refuse_unsafe(target, result.config.brand_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(target, lock_wait):
            clean_leftovers(target, lambda folder: _earlier_manifest(folder) is not None)
            previous = _previous_build(target, shown)
            staging = staging_folder(target)
            try:
                _fill(staging, result, target, previous, partial)
                swap_in(staging, target)
            except BaseException:
                discard(staging)
                raise
    except OSError as error:
        raise DistError(f"cannot write the build: {error.strerror or error}", Location(shown),
                        f"check that {shown} and its parent folder are writable and the disk "
                        "has room") from error


def _earlier_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of an earlier build in `folder`, or None if it holds none."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    marked = manifest.get("generator") == GENERATOR
    # Builds before the marker: the same format, with its two tables.
    legacy = (manifest.get("format") == MANIFEST_FORMAT and isinstance(manifest.get("tenants"), dict)
              and isinstance(manifest.get("outputs"), list))
    return manifest if marked or legacy else None


def _previous_build(target: Path, shown: str) -> dict[str, Any] | None:
    manifest = _earlier_manifest(target)
    if manifest is not None:
        return manifest
    foreign = [entry for entry in contents_of(target)
               if not (target / entry / REVIEW_MARKER).is_file()]
    if foreign:
        raise DistError(f"holds files no build wrote, such as '{printable(foreign[0])}', and the "
                        "build replaces its output folder whole", Location(shown),
                        "choose an empty or new folder with --out, or move those files away")
    return None


def _fill(staging: Path, result: BuildResult, target: Path, previous: dict[str, Any] | None,
          partial: bool) -> None:
    manifest = manifest_of(result)
    written = {a.path for a in result.artifacts}
    listed = {str(o.get("path")) for o in previous["outputs"] if isinstance(o, dict)} \
        if previous else set()
    if partial and previous:
        kept_tenants, kept_outputs = _kept_tenants(result, previous, target)
        for output in kept_outputs:
            _carry(target, staging, output["path"], output)
        written |= {o["path"] for o in kept_outputs}
        manifest["tenants"] = dict(sorted({**kept_tenants, **manifest["tenants"]}.items()))
        order = list(manifest["tenants"])
        manifest["outputs"] = sorted([*kept_outputs, *manifest["outputs"]],
                                     key=lambda o: order.index(o["tenant"]))
    folders: set[Path] = set()
    for artifact in result.artifacts:
        target_file = staging / _inside(artifact.path)
        if target_file.parent not in folders:
            target_file.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target_file.parent)
        target_file.write_bytes(artifact.data)
    for relative in _unlisted(target, listed):
        if relative in written:
            raise DistError(f"{display_path(target / relative)} is in the way of a build output "
                            "and was not written by a build", Location(display_path(target)),
                            "move it away, then build again")
        _carry(target, staging, relative)
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                    encoding="utf-8")


def _kept_tenants(result: BuildResult, previous: dict[str, Any], target: Path
                  ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    shown = display_path(target)
    if previous.get("brand") != result.config.name:
        raise DistError(f"holds a build of brand '{printable(str(previous.get('brand')))}'"
                        f", not '{printable(result.config.name)}'", Location(shown),
                        "build every tenant (without --tenant) to replace it, or choose another "
                        "--out")
    rebuilt = {t.name for t in result.tenants}
    tenants = {name: spec for name, spec in previous["tenants"].items() if name not in rebuilt}
    outputs = [o for o in previous["outputs"]
               if isinstance(o, dict) and o.get("tenant") in tenants]
    return tenants, outputs


def _unlisted(target: Path, listed: set[str]) -> Iterator[str]:
    """Files and links under `target` that no build wrote (none of the manifest's outputs)."""
    if not target.is_dir():
        return
    for folder, dirs, files in os.walk(target):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            relative = os.path.relpath(os.path.join(folder, name), target)
            if relative != MANIFEST and relative not in listed:
                yield relative


def _carry(target: Path, staging: Path, relative: str, output: Mapping[str, Any] | None = None
           ) -> None:
    """Bring one file of the previous folder into the staging folder, unchanged."""
    source, copy = target / _inside(relative), staging / _inside(relative)
    copy.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), copy)
        return
    if output is not None:
        data = source.read_bytes() if source.is_file() else b""
        if hashlib.sha256(data).hexdigest() != output.get("sha256"):
            raise DistError("changed or missing since its build", Location(display_path(source)),
                            f"build tenant '{printable(str(output.get('tenant')))}' again too, or "
                            "build every tenant")
    try:
        # The previous folder is retired right after: a link shares the bytes without copying.
        os.link(source, copy)
    except OSError:
        shutil.copy2(source, copy)


def _inside(relative: str) -> str:
    # Tenant names are checked at load; this guards the manifest of an earlier build too.
    parts = Path(relative).parts
    if Path(relative).is_absolute() or ".." in parts or not parts:
        raise DistError(f"path '{printable(relative)}' leaves the output folder",
                        hint="rebuild every tenant")
    return relative
