"""Build and check every tenant, spreading tenants over worker processes when it pays."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..brand.config import Config, load_config
from ..brand.sourcemap import one_version_each
from ..checks.registry import merge_problems
from ..checks.translations import check_translations
from ..checks.validate import check_build
from ..errors import Problem
from .artifacts import Artifact
from .builder import BuildResult, TenantBuilder, build, load_brand_translations
from .cache import Cache, active, using
from .collector import build_collector

if TYPE_CHECKING:
    from ..dist.spool import Spool

# Below this many tenants a second process costs more than it saves.
PARALLEL_FROM_TENANTS = 8
# Tenants per task: a worker hands each task's outputs back as it finishes, so none holds
# its share of a fleet's outputs to send at the end, when the parent receives them all.
TASK_TENANTS = 25
# A worker's share of the memory layer. Its tenants come one after another, so what they
# share is a few recent entries: a smaller layer leaves each worker lighter and no slower.
WORKER_MEMORY_CHARS = 2 * 1024 * 1024


def build_and_check(
    brand_dir: Path, tenant_names: Iterable[str] = (), jobs: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    cache: Cache | None = None, spool: Spool | None = None,
) -> BuildResult:
    """Build the brand in memory and run every check; problems ride on the result.

    `progress("build", done, total)` counts the tenants built (and checked). `cache`: where
    stage results are kept between runs (None: this process's memory only). The folder is
    pruned to its size bound afterwards. `spool`: the staging folder of the output folder
    to be written (`dist.spool.spooling`); worker processes write each output into it once
    checked and hand back only its hash (`SpooledArtifact`), so no process holds them all.
    """
    with build_collector(), one_version_each():
        if cache is None:
            return _build_and_check(brand_dir, tenant_names, jobs, active(), progress, spool)
        with using(cache):
            result = _build_and_check(brand_dir, tenant_names, jobs, cache, progress, spool)
    cache.prune()
    return result


def _build_and_check(brand_dir: Path, tenant_names: Iterable[str], jobs: int | None,
                     cache: Cache, progress: Callable[[str, int, int], None] | None,
                     spool: Spool | None) -> BuildResult:
    config = load_config(brand_dir)
    names = [config.tenant(n).name for n in dict.fromkeys(tenant_names)] or [
        t.name for t in config.tenants
    ]
    workers = min(jobs or os.cpu_count() or 1, len(names))
    if workers <= 1 or len(names) < PARALLEL_FROM_TENANTS:
        result = build(brand_dir, names, progress, config)
        return replace(result, problems=tuple(check_build(result)))
    # Contiguous chunks keep the tenants' order in the merged result.
    size = min(-(-len(names) // workers), TASK_TENANTS)
    chunks = [names[i:i + size] for i in range(0, len(names), size)]
    # fork shares the already imported modules with the workers; elsewhere, the default.
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    # Forked workers share the parent's objects until they write to them; the collector of
    # a worker walking them would copy every page they lie on. Frozen with what the build
    # froze first (`build_collector`), and thawed with it.
    gc.freeze()
    # Each worker is handed what every task shares once, as it starts (forked: not even
    # pickled); a task is a list of tenant names and comes back as outputs and problems.
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_start_worker,
                             initargs=(config, (cache.folder, cache.max_bytes, cache.read_only),
                                       min(cache.memory_chars // workers,
                                           WORKER_MEMORY_CHARS), spool)) as pool:
        futures = [pool.submit(_build_chunk, chunk) for chunk in chunks]
        done = 0
        for finished in as_completed(futures):
            done += len(chunks[futures.index(finished)])
            if progress is not None:
                progress("build", done, len(names))
        parts = [future.result() for future in futures]
    artifacts = tuple(a for built, _ in parts for a in built)
    translations = load_brand_translations(config)
    problems = merge_problems([
        *(p for _, found in parts for p in found),
        *check_translations(translations, artifacts,
                            every_output=len(names) == len(config.tenants))])
    return BuildResult(config, tuple(config.tenant(n) for n in names), artifacts,
                       tuple(problems), translations=translations)


@dataclass
class _Worker:
    """What a worker process's tasks share: the brand's configuration, cache and spool."""

    config: Config
    cache: Cache
    spool: Spool | None


_worker: _Worker | None = None


def _start_worker(config: Config, cache: tuple[Path | None, int, bool], memory_chars: int,
                  spool: Spool | None) -> None:
    global _worker
    # A forked worker inherits its parent's memory layer; any worker reaches its folder.
    inherited = active()
    if (inherited.folder, inherited.read_only) != (cache[0], cache[2]):
        inherited = Cache(*cache)
    # The workers share out one process's bound: a build holds as much as in one process.
    inherited.memory_chars = memory_chars
    _worker = _Worker(config, inherited, spool)


def _build_chunk(names: list[str]) -> tuple[tuple[Artifact, ...], tuple[Problem, ...]]:
    assert _worker is not None, "a task runs in a worker _start_worker started"
    config, spool = _worker.config, _worker.spool
    artifacts: list[Artifact] = []
    problems: list[Problem] = []
    with using(_worker.cache):
        builder = TenantBuilder(config)
        # Tenant by tenant, each checked, then written away: one tenant's text at a time.
        for tenant in (config.tenant(n) for n in names):
            part = builder.build(tenant)
            problems.extend(check_build(part, translations=False))
            if spool is not None:
                artifacts.extend(spool.write(a) for a in part.artifacts)
            else:  # the pre-inlining HTML only serves the checks, which have run
                artifacts.extend(replace(a, rendered=None) if a.rendered else a
                                 for a in part.artifacts)
    return tuple(artifacts), tuple(merge_problems(problems))
