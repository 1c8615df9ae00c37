"""The brand preview site: every output in every scenario, rendered as Auth0 would."""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from ..auth0.languages import display_name, text_direction
from ..brand.scenarios import Scenario, scenarios_for
from ..build.artifacts import Artifact
from ..errors import BrandError, Location, Problem
from ..render.liquidjs import liquid_engine
from ..render.sample import RENDERED_KINDS, Sample, localise_assets, render_sample, widget_theme
from ..render.surface import Surface
from .events import ALL_OUTPUTS, Failure, Rebuilt
from .pages import (
    DEFAULT_WIDTH,
    WIDTHS,
    Card,
    Chip,
    LanguageRow,
    index_page,
    message_page,
    raw_page,
    url,
    view_page,
)
from .rebuild import (
    Snapshot,
    apply_plan,
    asset_folders,
    changed_outputs,
    output_key,
    plan_changes,
    rebuild_first,
)
from .server import LiveServer, Page, file_page
from .watch import QUIET_S

log = logging.getLogger(__name__)

ASSETS = "assets"  # /assets/<n>/<path>: the n-th local folder of brand.toml's [preview] assets
SAMPLE_CACHE_SIZE = 1024


class BrandPreview:
    """Build a brand in memory, rebuild what changes, and serve its views (a preview Site)."""

    def __init__(self, brand_dir: Path, tenant_names: Iterable[str] = ()) -> None:
        self.brand_dir = brand_dir
        self.tenant_names = tuple(tenant_names)
        self.snapshot: Snapshot | None = None
        self.failure: Failure | None = None
        self._rebuilding = threading.Lock()
        self._cache_lock = threading.Lock()
        self._samples: OrderedDict[tuple[str, str, str | None, int], Sample | BrandError] = (
            OrderedDict())
        self._checked: tuple[Snapshot, list[Problem]] | None = None

    # -- building --------------------------------------------------------------------

    def rebuild(self, paths: frozenset[Path], watched: frozenset[str] = frozenset(),
                early: Callable[[Rebuilt], None] | None = None) -> Rebuilt:
        """Rebuild what `paths` affect (everything at first); keep the last good build on failure.

        `watched`: the outputs open tabs show. A full rebuild does those first and tells
        `early` of them, so a token edit reaches the open tab in the time its own outputs
        take, not the whole brand's (a fleet's hundred tenants, say); the returned outcome
        names the rest.
        """
        with self._rebuilding:
            old = self.snapshot
            plan = plan_changes(old, self.brand_dir, paths, failing=self.failure is not None)
            if old is not None and plan.empty:
                return Rebuilt(failure=self.failure)
            try:
                shown: frozenset[str] = frozenset()
                if plan.full and old is not None and watched and early is not None:
                    shown = self._rebuild_watched(old, watched, early)
                new = apply_plan(old, plan, self.brand_dir, self.tenant_names)
            except BrandError as error:
                self.failure = Failure.of(error)
                log.info("rebuild failed: %s", self.failure)
                return Rebuilt(failure=self.failure)
            changed = changed_outputs(old, new) | plan.rerender
            if shown:  # told already, unless the rest of the build changed them again
                changed = (changed - shown) | changed_outputs(self.snapshot, new)
            self._take(new, changed)
            self.failure = None
            log.debug("rebuilt %s: %d view(s) changed", sorted(map(str, paths)), len(changed))
            return Rebuilt(changed, told=shown - changed)

    def _rebuild_watched(self, old: Snapshot, watched: frozenset[str],
                         early: Callable[[Rebuilt], None]) -> frozenset[str]:
        """Rebuild and serve the watched outputs; return those `early` was told changed."""
        first = rebuild_first(old, self.brand_dir, self.tenant_names, watched)
        if first is None:
            return frozenset()
        changed = changed_outputs(old, first) & watched
        self._take(first, changed)
        if changed:
            early(Rebuilt(changed))
        return changed

    def _take(self, snapshot: Snapshot, changed: frozenset[str]) -> None:
        """Serve `snapshot`, its `changed` outputs as of a new generation."""
        old = self.snapshot
        generation = (old.generation if old else 0) + 1
        versions = {**(old.versions if old else {}), **dict.fromkeys(changed, generation)}
        self.snapshot = replace(snapshot, versions=versions, generation=generation)

    def problems(self) -> list[Problem]:
        """Return the current build's check findings (none while no build has succeeded)."""
        snapshot = self.snapshot
        return self._problems(snapshot) if snapshot is not None else []

    # -- serving ---------------------------------------------------------------------

    def respond(self, route: tuple[str, ...], query: Mapping[str, str]) -> Page | None:
        """Serve the index, a frame view, a rendered sample or a raw output."""
        snapshot = self.snapshot
        if snapshot is None:
            failure = self.failure or Failure("not built yet")
            return Page(message_page("The first build failed", failure.message,
                                     str(failure)), watch=ALL_OUTPUTS)
        if not route:
            return self._index(snapshot)
        action, rest = route[0], route[1:]
        if action == ASSETS and rest and rest[0].isdigit():
            return self._asset(snapshot, int(rest[0]), rest[1:])
        artifact = snapshot.artifact(*rest[:3]) if len(rest) >= 3 else None
        if artifact is None or artifact.kind == "email_settings":
            return None
        if action == "raw" and len(rest) == 3:
            return self._raw(snapshot, artifact)
        scenarios = scenarios_for(snapshot.scenarios, artifact.kind, artifact.name)
        if action == "view" and len(rest) == 3:
            if not scenarios:
                return self._raw(snapshot, artifact)
            rest = (*rest, scenarios[0].name)
        scenario = next((s for s in scenarios if len(rest) == 4 and s.name == rest[3]), None)
        if scenario is None:
            return None
        # ?lang=fr: the view as a reader of French sees it; none: the scenario's own language.
        language = query.get("lang") or None
        languages = snapshot.languages
        if language is not None and (languages is None or language not in languages.codes):
            return None
        if action == "view":
            return self._view(snapshot, artifact, scenario, scenarios, query.get("w", ""),
                              language)
        if action == "render":
            return self._render(snapshot, artifact, scenario, language,
                                embed=query.get("embed") == "1")
        return None

    def _asset(self, snapshot: Snapshot, index: int, segments: tuple[str, ...]) -> Page | None:
        folders = asset_folders(snapshot.result)
        if index >= len(folders):
            return None
        # brand.toml's mapping was confined when loaded; a folder swapped for a symlink since
        # must not reach outside the brand either (file_page confines within the folder).
        try:
            folder = folders[index].resolve(strict=True)
            brand = self.brand_dir.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        return file_page(folder, segments) if folder.is_relative_to(brand) else None

    def _index(self, snapshot: Snapshot) -> Page:
        problems = self._problems(snapshot)
        cards, views = [], 0
        names = _language_names(snapshot)
        for artifact in snapshot.result.artifacts:
            if artifact.kind == "email_settings":
                continue
            here = (artifact.tenant, artifact.kind, artifact.name)
            mine = sum(1 for p in problems if p.location and p.location.path in (
                artifact.path, artifact.sources[0] if artifact.sources else None))
            raw_url = url("raw", *here)
            scenarios: tuple[Scenario, ...] = ()
            if artifact.kind in RENDERED_KINDS:
                scenarios = scenarios_for(snapshot.scenarios, artifact.kind, artifact.name)
            if not scenarios:
                cards.append(Card(*here, artifact.size, raw_url, raw_url, None, problems=mine))
                views += 1
                continue
            chips = []
            for scenario in scenarios:
                sample = self._sample(snapshot, artifact, scenario)
                subject = (f"Liquid error: {sample}" if isinstance(sample, BrandError)
                           else sample.subject)
                chips.append(Chip(scenario.name, url("view", *here, scenario.name),
                                  subject or ""))
            first = scenarios[0].name
            views += len(scenarios)
            cards.append(Card(
                *here, artifact.size, chips[0].href, raw_url,
                url("render", *here, first, embed="1"), chips[0].title or None, mine,
                tuple(chips),
                tuple(Chip(code, url("view", *here, first, lang=code), label)
                      for code, label in names)))
        return Page(index_page(snapshot.result.config.name, cards, problems,
                               language_rows(snapshot), views, liquid_engine()), watch=ALL_OUTPUTS)

    def _view(self, snapshot: Snapshot, artifact: Artifact, scenario: Scenario,
              scenarios: tuple[Scenario, ...], width: str, language: str | None) -> Page:
        allowed = [value for _, value, kinds in WIDTHS if artifact.kind in kinds]
        width = width if width in allowed else DEFAULT_WIDTH[artifact.kind]
        here = (artifact.tenant, artifact.kind, artifact.name)
        sample = self._sample(snapshot, artifact, scenario, language)
        subject = None if isinstance(sample, BrandError) else sample.subject
        shown = language or (None if isinstance(sample, BrandError) else sample.language)
        body = view_page(
            tenant=artifact.tenant, kind=artifact.kind, name=artifact.name,
            scenario=scenario.name, scenarios=[s.name for s in scenarios], width=width,
            subject=subject, raw_url=url("raw", *here),
            frame_url=url("render", *here, scenario.name, embed="1",
                          **({"lang": language} if language else {})),
            language=shown, languages=_language_names(snapshot), chosen=language is not None,
        )
        return Page(body, watch=output_key(artifact))

    def _render(self, snapshot: Snapshot, artifact: Artifact, scenario: Scenario,
                language: str | None, embed: bool) -> Page:
        sample = self._sample(snapshot, artifact, scenario, language)
        watch = None if embed else output_key(artifact)
        if isinstance(sample, BrandError):
            where = str(sample.location) if sample.location else None
            return Page(message_page("Liquid rendering failed", str(sample), where), watch=watch)
        # Offline, the brand's remote assets come from its local folders (brand.toml [preview]).
        assets = getattr(snapshot.result.config, "preview_assets", None) or {}
        html = localise_assets(sample.html, assets, lambda index, path: f"/{ASSETS}/{index}/{path}")
        return Page(html, watch=watch)

    def _raw(self, snapshot: Snapshot, artifact: Artifact) -> Page:
        settings = snapshot.artifact(artifact.tenant, "email_settings", artifact.name)
        body = raw_page(tenant=artifact.tenant, kind=artifact.kind, name=artifact.name,
                        content=artifact.content,
                        settings=settings.content if settings else None,
                        back_url=url("view", artifact.tenant, artifact.kind, artifact.name))
        return Page(body, watch=output_key(artifact))

    def _sample(self, snapshot: Snapshot, artifact: Artifact, scenario: Scenario,
                language: str | None = None) -> Sample | BrandError:
        key = output_key(artifact)
        cache_key = (key, scenario.name, language, snapshot.versions.get(key, 0))
        with self._cache_lock:
            if cache_key in self._samples:
                self._samples.move_to_end(cache_key)
                return self._samples[cache_key]
        theme = snapshot.artifact(artifact.tenant, "theme", "theme")
        branding = snapshot.artifact(artifact.tenant, "branding", "branding")
        settings = snapshot.artifact(artifact.tenant, "email_settings", artifact.name)
        try:
            sample: Sample | BrandError = render_sample(
                artifact, scenario,
                widget_theme(json.loads(theme.content) if theme else None,
                             json.loads(branding.content) if branding else None),
                json.loads(settings.content) if settings else None,
                languages=snapshot.languages, language=language,
                surface=Surface.of(snapshot.result.artifacts, artifact.tenant),
            )
        except BrandError as error:
            sample = error  # shown in place of the view; the build itself is fine
        with self._cache_lock:
            self._samples[cache_key] = sample
            while len(self._samples) > SAMPLE_CACHE_SIZE:
                self._samples.popitem(last=False)
        return sample

    def _problems(self, snapshot: Snapshot) -> list[Problem]:
        checked = self._checked
        if checked is not None and checked[0] is snapshot:
            return checked[1]
        try:
            from ..checks.validate import check_build  # slow to import: only once the index is asked

            problems = check_build(snapshot.result)
        except BrandError as error:
            problems = [Problem("error", "check-failed", error.message, error.location)]
        except Exception as error:  # noqa: BLE001 - a broken check must not hide the previews
            log.exception("the checks failed")
            problems = [Problem("error", "check-crashed", f"{type(error).__name__}: {error}",
                                Location("validate.py"))]
        self._checked = (snapshot, problems)
        return problems


def _language_names(snapshot: Snapshot) -> list[tuple[str, str]]:
    """Return the brand's languages, default first, each with its name in itself."""
    languages = snapshot.languages
    return [(code, display_name(code, code)) for code in (languages.codes if languages else ())]


def language_rows(snapshot: Snapshot) -> list[LanguageRow]:
    """Describe each language for the index, with the translations its catalogue lacks."""
    translations = snapshot.result.translations
    if translations is None or snapshot.languages is None:
        return []
    missing = [p for p in translations.problems if p.code == "translation-missing"]
    rows = []
    for code in translations.languages:
        catalogue = translations.catalogues.get(code)
        mine = tuple(p for p in missing if p.location and (
            p.location.path == catalogue.shown if catalogue else f"'{code}'" in p.message))
        rows.append(LanguageRow(code, display_name(code), display_name(code, code),
                                text_direction(code), catalogue.shown if catalogue else None,
                                mine))
    return rows


def start_preview(
    brand_dir: Path, tenant_names: Iterable[str] = (), *, host: str = "127.0.0.1",
    port: int = 0, quiet: float = QUIET_S,
    on_rebuilt: Callable[[Rebuilt, float], None] | None = None,
) -> tuple[LiveServer, Rebuilt]:
    """Build the brand, then serve and watch it; a failed first build is served as an overlay."""
    site = BrandPreview(brand_dir, tenant_names)
    first = site.rebuild(frozenset())
    try:
        server = LiveServer(site, host, port, watch_root=brand_dir, quiet=quiet,
                            on_rebuilt=on_rebuilt)
    except OSError as error:
        raise BrandError(f"cannot listen on {host}:{port}: {error.strerror or error}",
                         hint="pick another --port, or 0 for any free one") from error
    server.publish(first)
    return server.start(), first
