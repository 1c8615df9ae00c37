"""Publish dist/ to tenants (load_dist -> plan -> apply); the diff, drift and rollback engines.

Tenants are chosen (--tenant, --shard), then worked on concurrently (--jobs), each by
`sync.sync_tenant`: a tenant that fails stops where it stands and the others carry on.
Re-running converges, because every run plans from what each tenant holds now.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from ..dist.reader import Dist, DistTenant, load_dist
from ..errors import PublishError, did_you_mean, display_path, printable
from .backup import load_backup
from .plan import CATEGORIES, category_matches
from .sync import Options, Progress, TenantResult, apply, sync_tenant
from .tenant_api import warm_up

__all__ = ["Dist", "Options", "RunResult", "TenantResult", "apply", "diff", "drift", "load_dist",
           "parse_only", "parse_shard", "publish", "report_of", "rollback", "select_tenants"]


@dataclass(frozen=True)
class RunResult:
    """What one command did to every selected tenant."""

    command: str
    dry_run: bool
    tenants: tuple[TenantResult, ...]
    seconds: float
    # Where the values written come from, as diffs label them: None for dist/<tenant>.
    source: str | None = None

    @property
    def failed(self) -> bool:
        """Tell whether any tenant failed (the CLI then exits 1)."""
        return any(not t.ok for t in self.tenants)

    @property
    def drifted(self) -> bool:
        """Tell whether any tenant differs from dist/."""
        return any(t.differs for t in self.tenants)


def parse_shard(text: str) -> tuple[int, int]:
    """Parse `i/n` (1 <= i <= n)."""
    index, _, count = text.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        raise ValueError(f"'{text}' is not i/n, e.g. 1/4") from None
    if not 1 <= i <= n:
        raise ValueError(f"'{text}': need 1 <= i <= n")
    return i, n


def parse_only(text: str) -> frozenset[str]:
    """Parse a comma-separated list of resource categories."""
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    unknown = sorted(names - set(CATEGORIES))
    if unknown or not names:
        hint = did_you_mean(unknown[0], CATEGORIES) if unknown else None
        raise ValueError(f"unknown category '{unknown[0] if unknown else text}'"
                         f" ({hint or 'choose from ' + ', '.join(CATEGORIES)})")
    return names


def select_tenants(names: Iterable[str], wanted: Iterable[str] = (),
                   shard: tuple[int, int] | None = None) -> list[str]:
    """Pick tenants by name, then this shard's share (round-robin over sorted names)."""
    names = sorted(names)
    wanted = list(dict.fromkeys(wanted))
    for name in wanted:
        if name not in names:
            hint = did_you_mean(name, names) or f"dist/ has: {', '.join(names)}"
            raise PublishError(f"unknown tenant '{printable(name)}'", hint=printable(hint))
    chosen = [n for n in names if n in wanted] if wanted else names
    if shard is not None:
        i, n = shard
        chosen = chosen[i - 1::n]
    return chosen


# -- the engines --------------------------------------------------------------------


def diff(dist: Dist, options: Options, progress: Progress | None = None) -> RunResult:
    """Read every selected tenant and plan, writing nothing."""
    return _run("diff", dist, options, write=False, progress=progress)


def drift(dist: Dist, options: Options, progress: Progress | None = None) -> RunResult:
    """Like diff; the CLI exits 2 when any tenant differs."""
    return _run("drift", dist, options, write=False, progress=progress)


def publish(dist: Dist, options: Options, *, dry_run: bool = False,
            progress: Progress | None = None) -> RunResult:
    """Write what differs to every selected tenant (nothing with dry_run)."""
    return _run("publish", dist, options, write=not dry_run, progress=progress)


def rollback(tenant: str, options: Options, *, to: str | None = None, dry_run: bool = False,
             progress: Progress | None = None) -> RunResult:
    """Restore a tenant's backup (the latest publish backup unless `to` names one)."""
    started = time.monotonic()
    backup = load_backup(options.backups_dir, tenant, to)
    spec = {"client_id_env": "", "client_secret_env": "", **backup.target}
    with _http_client(options, 1) as http:
        result = sync_tenant(tenant, spec, dict(backup.entries), options, http,
                             write=not dry_run, reason="rollback", progress=progress,
                             restore=True)
    return RunResult("rollback", dry_run, (result,), time.monotonic() - started,
                     source=display_path(backup.path))


def _http_client(options: Options, jobs: int) -> httpx.Client:
    # One client for the whole run: building one costs ~20-200 ms (its TLS context), and
    # httpx clients are thread-safe; each tenant still gets its own token and SDK client.
    return httpx.Client(timeout=options.timeout,
                        limits=httpx.Limits(max_connections=max(10, 2 * jobs)))


def _run(command: str, dist: Dist, options: Options, *, write: bool,
         progress: Progress | None) -> RunResult:
    started = time.monotonic()
    names = select_tenants(dist.tenants, options.tenants, options.shard)

    stop = threading.Event()

    def one(name: str) -> TenantResult:
        tenant: DistTenant = dist.tenants[name]
        desired = {r: v for r, v in tenant.desired.items() if category_matches(r, options.only)}
        return sync_tenant(name, tenant.spec, desired, options, http, write=write,
                           reason="publish", progress=progress, stop=stop)

    workers = max(1, min(options.jobs, len(names) or 1))
    warm_up()
    with _http_client(options, workers) as http, ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix="publish"
    ) as pool:
        futures = [pool.submit(one, name) for name in names]
        try:
            results = tuple(f.result() for f in futures)
        except KeyboardInterrupt:
            # Ctrl-C: every tenant stops before its next call and reports where it stopped;
            # a call in flight finishes (bounded by --timeout), so no value is left half set.
            stop.set()
            results = tuple(f.result() for f in futures)
    return RunResult(command, command == "publish" and not write, results,
                     time.monotonic() - started)


def report_of(result: RunResult) -> dict[str, Any]:
    """Return the JSON report for CI: per tenant, what changed and how it went (no values)."""
    return {
        "command": result.command,
        "dry_run": result.dry_run,
        "ok": not result.failed,
        "drifted": result.drifted,
        "seconds": round(result.seconds, 3),
        "tenants": [
            {
                "tenant": t.tenant, "ok": t.ok, "stage": t.stage, "reason": t.reason,
                "changes": [{"resource": c.resource, "action": c.action} for c in t.changes],
                "written": list(t.written), "notes": list(t.notes), "api_calls": t.calls,
                "writes": t.writes, "retries": t.retries, "rate_limited": t.rate_limited,
                "token_requests": t.token_requests, "backup": t.backup,
                "seconds": round(t.seconds, 3),
            }
            for t in result.tenants
        ],
    }
