"""Incremental builds for the preview: plan what a change calls for, rebuild only that."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from ..brand.config import load_config
from ..brand.scenarios import (
    EMAILS_GROUP,
    FIXTURES_DIR,
    GROUPS,
    PHONE_GROUP,
    Scenario,
    load_scenarios,
)
from ..brand.tokens import Tokens
from ..build.artifacts import Artifact
from ..build.builder import (
    MANAGED_AS,
    BuildResult,
    build,
    build_tenant,
    load_brand_translations,
)
from ..build.templates import shared_renderer
from ..build.token_outputs import TenantTokens
from ..render.languages import Languages
from ..render.sample import RENDERED_KINDS
from .watch import DependencyGraph, normalise

COMMON_FIXTURES = "common"
# Outputs that style every rendered view of their tenant (the widget mock reads them; the
# partials go into it, and an organization's branding into its scenarios' data).
THEME_KINDS = ("theme", "branding", "partials", "organization")
WIDGET_PAGE = "login"  # the page whose views hold the widget mock


def output_key(artifact: Artifact) -> str:
    """Name the output an artifact belongs to: an email's body and settings are one output."""
    group = "email" if artifact.kind == "email_settings" else artifact.kind
    return f"{artifact.tenant}/{group}/{artifact.name}"


def fixture_group(artifact: Artifact) -> str:
    """Return the fixtures file (stem) whose scenarios an output is rendered in."""
    if artifact.kind == "phone":
        return PHONE_GROUP
    return EMAILS_GROUP if artifact.kind == "email" else GROUPS.get(artifact.name, artifact.name)


@dataclass(frozen=True)
class Snapshot:
    """One good build, with what rebuilding and serving it needs."""

    result: BuildResult
    scenarios: Mapping[str, tuple[Scenario, ...]]
    tokens: Mapping[str, Tokens]
    graph: DependencyGraph
    versions: Mapping[str, int] = field(default_factory=dict)  # output -> build it changed in
    generation: int = 0

    def artifact(self, tenant: str, kind: str, name: str) -> Artifact | None:
        for artifact in self.result.artifacts:
            if (artifact.tenant, artifact.kind, artifact.name) == (tenant, kind, name):
                return artifact
        return None

    @cached_property
    def languages(self) -> Languages | None:
        """The brand's languages and custom text, as the views render them."""
        return Languages.of(self.result)

    def rendered(self) -> list[Artifact]:
        """Return the outputs that render in scenarios: pages and email bodies."""
        return [a for a in self.result.artifacts if a.kind in RENDERED_KINDS]


@dataclass(frozen=True)
class RebuildPlan:
    """What a batch of changed files calls for."""

    full: bool = False
    outputs: frozenset[str] = frozenset()  # rebuild these
    fixtures: bool = False  # reload the scenarios
    rerender: frozenset[str] = frozenset()  # unchanged outputs whose views still change

    @property
    def empty(self) -> bool:
        return not (self.full or self.outputs or self.fixtures or self.rerender)


def plan_changes(
    snapshot: Snapshot | None, brand_dir: Path, paths: Iterable[Path], failing: bool = False
) -> RebuildPlan:
    """Decide what `paths` call for: a full build, some outputs, or only fresh views."""
    brand = normalise(brand_dir)
    changed = [normalise(p) for p in paths]
    changed = [p for p in changed if p.is_relative_to(brand)]
    if not changed:
        return RebuildPlan()
    folders = asset_folders(snapshot.result) if snapshot else ()

    def is_asset(path: Path) -> bool:
        return any(path.is_relative_to(folder) for folder in folders)

    if snapshot is None or (failing and not all(map(is_asset, changed))):
        return RebuildPlan(full=True)  # nothing good to build on: start again from the sources
    config = snapshot.result.config
    # Settings and tokens feed every output, the theme and the branding of every tenant.
    # So do the catalogues: every text, the custom text, and what each language lacks.
    everything = {normalise(brand / "brand.toml"), normalise(config.tenants_file)}
    tokens_dir, fixtures_dir = normalise(config.tokens_dir), brand / FIXTURES_DIR
    feeding_all = [tokens_dir]
    if config.languages is not None:
        feeding_all.append(normalise(config.languages.catalogues_dir))
    if any(p in everything or any(p.is_relative_to(d) for d in feeding_all) for p in changed):
        return RebuildPlan(full=True)
    rendered = snapshot.rendered()
    fixtures, rerender = False, set()
    for path in changed:
        if path.is_relative_to(fixtures_dir):
            fixtures = True
            rerender |= {output_key(a) for a in rendered
                         if path.stem in (COMMON_FIXTURES, fixture_group(a))}
        elif is_asset(path):  # the views show it, the build does not read it
            rerender |= {output_key(a) for a in rendered}
    outputs = snapshot.graph.affected(changed)
    return RebuildPlan(outputs=outputs, fixtures=fixtures, rerender=frozenset(rerender) - outputs)


def asset_folders(result: BuildResult) -> tuple[Path, ...]:
    """Return the local folders standing in for remote asset URLs in previews."""
    assets = getattr(result.config, "preview_assets", None) or {}
    return tuple(normalise(folder) for folder in assets.values())


def full_snapshot(brand_dir: Path, tenant_names: Iterable[str]) -> Snapshot:
    """Build every output and load every scenario."""
    result = build(brand_dir, tenant_names)
    return Snapshot(result, load_scenarios(brand_dir), result.tokens, graph_of(result))


def graph_of(result: BuildResult) -> DependencyGraph:
    """Map each brand file to the outputs built from it."""
    sources: dict[str, list[str]] = {}
    for artifact in result.artifacts:
        sources.setdefault(output_key(artifact), []).extend(artifact.sources)
    return DependencyGraph.of(sources)


def apply_plan(snapshot: Snapshot | None, plan: RebuildPlan, brand_dir: Path,
               tenant_names: Iterable[str]) -> Snapshot:
    """Return the snapshot after `plan`, rebuilding as little as it allows."""
    if plan.full or snapshot is None:
        return full_snapshot(brand_dir, tenant_names)
    if plan.outputs:
        result = build_outputs(snapshot.result, snapshot.tokens, plan.outputs)
        # Resolving every source path is the slow part of a graph: redo it only when needed.
        same = _sources(result) == _sources(snapshot.result)
        snapshot = replace(snapshot, result=result,
                           graph=snapshot.graph if same else graph_of(result))
    if plan.fixtures:
        snapshot = replace(snapshot, scenarios=load_scenarios(brand_dir))
    return snapshot


def rebuild_first(snapshot: Snapshot, brand_dir: Path, tenant_names: Iterable[str],
                  keys: Iterable[str]) -> Snapshot | None:
    """Rebuild only the outputs named by `keys` (with their tenants' theme outputs, which
    style their views) from the sources as they are now: what the open tabs show, ahead of
    the full rebuild a settings or token edit calls for.

    None when no such part can stand for the full build's: no key names a known output, or
    the tenants are no longer the same. A brand error is raised as the full build would.
    """
    known = {output_key(artifact) for artifact in snapshot.result.artifacts}
    wanted = {key for key in keys if key in known}
    config = load_config(brand_dir)
    tenants = tuple(config.tenant(n) for n in dict.fromkeys(tenant_names)) or config.tenants
    if not wanted or [t.name for t in tenants] != [t.name for t in snapshot.result.tenants]:
        return None
    shown = {key.split("/", 1)[0] for key in wanted}
    wanted |= {output_key(artifact) for artifact in snapshot.result.artifacts
               if artifact.tenant in shown and artifact.kind in THEME_KINDS}
    tenant_tokens = TenantTokens(config)
    tokens = {tenant.name: tenant_tokens.of(tenant) for tenant in tenants if tenant.name in shown}
    result = replace(snapshot.result, config=config, tenants=tenants,
                     translations=load_brand_translations(config))
    return replace(snapshot, result=build_outputs(result, tokens, wanted),
                   tokens={**snapshot.tokens, **tokens})


def build_outputs(result: BuildResult, tokens: Mapping[str, Tokens],
                  keys: Iterable[str]) -> BuildResult:
    """Rebuild only the outputs named by `keys` and splice them into `result`.

    build.py builds whole tenants; narrowing a tenant's `manage` list and the configured
    emails to the wanted outputs makes its own per-tenant builder do just those.
    """
    wanted: dict[str, set[tuple[str, str]]] = {}
    for key in keys:
        tenant_name, group, name = key.split("/", 2)
        wanted.setdefault(tenant_name, set()).add((group, name))
    config = result.config
    renderer = shared_renderer(config.templates_dir)  # reads each edited template again
    targeted = {f"{t}/{g}/{n}" for t, parts in wanted.items() for g, n in parts}
    fresh: dict[str, list[Artifact]] = {}
    for tenant in result.tenants:
        parts = wanted.get(tenant.name, set())
        entries = {name if group == "page" else MANAGED_AS[group] for group, name in parts}
        manage = tuple(m for m in tenant.manage if m in entries)
        if not manage:
            continue
        emails = {name for group, name in parts if group == "email"}
        narrowed = replace(config, emails={k: v for k, v in config.emails.items() if k in emails})
        for artifact in build_tenant(narrowed, replace(tenant, manage=manage),
                                      tokens[tenant.name], renderer,
                                      translations=result.translations):
            # A manage entry yields all its outputs (every prompt's partials): keep the asked.
            if output_key(artifact) in targeted:
                fresh.setdefault(output_key(artifact), []).append(artifact)
    merged: list[Artifact] = []
    placed: set[str] = set()
    for artifact in result.artifacts:
        key = output_key(artifact)
        if key not in targeted:
            merged.append(artifact)
        elif key not in placed:
            merged.extend(fresh.get(key, ()))
            placed.add(key)
    for key, artifacts in fresh.items():
        if key not in placed:
            merged.extend(artifacts)
    return replace(result, artifacts=tuple(merged))


def changed_outputs(old: Snapshot | None, new: Snapshot) -> frozenset[str]:
    """Return the outputs whose built content differs between two snapshots."""
    before = _contents(old.result) if old else {}
    after = _contents(new.result)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    # A tenant's theme, branding and partials make its login widget mock, hence all its views.
    restyled = {key.split("/", 1)[0] for key in changed if key.split("/")[1] in THEME_KINDS}
    changed |= {key for key in after if key.split("/", 1)[0] in restyled}
    # The login widget mock shows the custom text, which no page's content holds.
    if old is None or _spoken(old.languages) != _spoken(new.languages):
        changed |= {output_key(a) for a in new.rendered()
                    if a.kind == "page" and a.name == WIDGET_PAGE}
    return frozenset(changed)


def _spoken(languages: Languages | None) -> object:
    return None if languages is None else (languages.codes, languages.custom_text)


def _contents(result: BuildResult) -> dict[str, tuple[str, ...]]:
    contents: dict[str, tuple[str, ...]] = {}
    for artifact in result.artifacts:
        key = output_key(artifact)
        contents[key] = (*contents.get(key, ()), artifact.content)
    return contents


def _sources(result: BuildResult) -> dict[str, tuple[str, ...]]:
    return {f"{output_key(a)}:{a.kind}": a.sources for a in result.artifacts}
