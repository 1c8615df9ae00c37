"""Bring one tenant to what it should hold: preflight, read, plan, back up, then apply.

Everything is checked before the first write: the credentials (a token), the scopes the
token carries, the custom domain when the Universal Login template is managed, what prompt
partials need (a verified custom domain and a page template), the organizations whose
branding is published (they must exist: reading them finds them), and the plan
(reading the template answers 402 on plans without the feature, so the check writes
nothing; the template is also the first write, so a 402 there still finds the tenant
untouched). Then each resource is read, planned, and only what differs is written, each
write after a backup of what it overwrites. A failure stops the tenant where it stands.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..auth0.resources import (
    BRANDING,
    ENABLED_LOCALES,
    PROMPT_SETTINGS,
    SETTINGS_PREFIX,
    UL_TEMPLATE,
    parse_custom_text_resource,
)
from ..auth0.scopes import check_scopes, read_scopes, write_scopes
from ..errors import PublishError, printable
from .backup import BackupWriter
from .credentials import DEFAULT_API_BASE, TokenSource, credentials_for, load_env, scrub, target_for
from .pacing import Limits, Pacer, RateBudget, RetryPolicy, load_levels, save_levels
from .plan import Change, cleared_texts, plan
from .preflight import check_custom_domain, check_partials, sends_partials
from .tenant_api import Auth0Target, check_stop

log = logging.getLogger(__name__)

Progress = Callable[[str, str, int, int], None]  # tenant, phase, done, total
PACING_DIR = ".pacing"  # under the backups folder: each tenant's buckets as a run left them


@dataclass(frozen=True)
class Options:
    """How to reach tenants and how hard to push them."""

    api_base: str = DEFAULT_API_BASE  # may hold {tenant} and {domain}
    env_files: tuple[Path, ...] = ()
    tenants: tuple[str, ...] = ()
    only: frozenset[str] | None = None
    shard: tuple[int, int] | None = None  # (i, n), 1-based
    jobs: int = 4
    backups_dir: Path = Path(".backups")
    limits: Limits = field(default_factory=Limits)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 30.0


@dataclass(frozen=True)
class TenantResult:
    """What happened to one tenant."""

    tenant: str
    ok: bool
    stage: str  # done | preflight | write
    reason: str | None
    changes: tuple[Change, ...] = ()
    written: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    calls: int = 0
    writes: int = 0
    retries: int = 0
    rate_limited: int = 0
    token_requests: int = 0
    backup: str | None = None
    seconds: float = 0.0

    @property
    def differs(self) -> bool:
        """Tell whether any resource differs (before this run's writes)."""
        return any(c.writes for c in self.changes)


class _Run:
    """Track one tenant's run so a failure at any point still reports what was done."""

    def __init__(self) -> None:
        self.stage = "preflight"
        self.changes: list[Change] = []
        self.written: list[str] = []
        self.notes: list[str] = []


def sync_tenant(name: str, spec: Mapping[str, Any], desired: dict[str, Any], options: Options,
                http: httpx.Client, *, write: bool, reason: str, progress: Progress | None,
                restore: bool = False, stop: threading.Event | None = None) -> TenantResult:
    """Preflight, read, plan and (with `write`) apply one tenant; never raise, report."""
    started = time.monotonic()
    run, api, tokens, backups = _Run(), None, None, None
    pacer: Pacer | None = None
    secrets: list[str] = []
    try:
        target = target_for(name, spec, options.api_base)
        credentials = credentials_for(target, load_env(options.env_files))
        secrets.append(credentials.client_secret)
        # One budget for waiting out 429s, shared by the token endpoint and every API call.
        budget = RateBudget(options.retry.rate_limit_budget)
        stop = stop or threading.Event()
        tokens = TokenSource(target, credentials, http, options.retry, budget, stop)
        # The buckets as the last run on this tenant left them: Auth0's outlive a run.
        levels_file = options.backups_dir / PACING_DIR / f"{target.tenant}.json"
        pacer = Pacer(options.limits, stop=stop,  # Ctrl-C cuts a pacing wait short
                      levels=load_levels(levels_file, options.limits))
        api = Auth0Target(target, tokens, pacer, options.retry, http, budget, stop)
        _report(progress, name, "token", 0, 1)
        tokens()  # the credentials work, or we stop here
        # Custom text is managed per language: the tenant's enabled_locales tell which
        # languages the brand dropped, whose texts are then cleared.
        texts = not restore and any(map(parse_custom_text_resource, desired))
        # Partials' preflight reads the custom domains and the page template.
        check_scopes(name, tokens.scopes, read_scopes(
            [*desired, *([ENABLED_LOCALES] if texts else []),
             *([UL_TEMPLATE] if sends_partials(desired) else [])]))
        domains: list[dict[str, Any]] | None = None
        if UL_TEMPLATE in desired and desired[UL_TEMPLATE] is not None:
            domains = api.custom_domains()
            check_custom_domain(name, domains, target.custom_domain)
        if sends_partials(desired):
            check_partials(name, desired, api.custom_domains() if domains is None else domains,
                           lambda: api.read(UL_TEMPLATE))
        remote: dict[str, Any] = {}
        for done, resource in enumerate(desired, 1):
            check_stop(name, stop, f"reading {resource}")
            remote[resource] = api.read(resource)
            _report(progress, name, "read", done, len(desired))
        if texts:
            for resource in cleared_texts(desired, api.enabled_locales()):
                check_stop(name, stop, f"reading {resource}")
                remote[resource] = api.read(resource)
                if remote[resource] is not None:  # only where the tenant holds text
                    desired = {**desired, resource: None}
        if restore:
            desired = {r: _restoring(r, v, remote.get(r)) for r, v in desired.items()}
        run.changes = plan(name, desired, remote, exact=restore)
        if write:
            check_scopes(name, tokens.scopes, _write_needs(run.changes, restore))
            backups = BackupWriter(options.backups_dir, name, reason, {
                k: spec.get(k) for k in ("domain", "custom_domain", "client_id_env",
                                         "client_secret_env")})
            apply(api, run.changes, backups, run,
                  lambda d, n: _report(progress, name, "write", d, n), exact=restore, stop=stop)
            backups.finish()  # only now: a run that dies or fails leaves its chain open
        run.stage = "done"
        error: PublishError | None = None
    except PublishError as caught:
        error = caught
        if run.stage == "write" and not run.written and getattr(caught, "status", None) == 402:
            run.stage = "preflight"  # the first write was refused for the plan: nothing written
    except Exception as caught:  # a bug or an odd answer in one tenant must not sink the rest
        # Scrubbed like the report: an exception's text may quote a secret or a token.
        # The traceback only with --debug (DEBUG logging): the reason below is the one line.
        shown = [*secrets, *(tokens.secrets() if tokens is not None else [])]
        log.debug("%s: unexpected failure\n%s", printable(name),
                  scrub("".join(traceback.format_exception(caught)), shown))
        error = PublishError(f"{name}: unexpected {type(caught).__name__}: {caught}",
                             hint="re-run with --debug and report it")
    if pacer is not None and options.limits.buckets:
        save_levels(levels_file, pacer)
    if tokens is not None:
        secrets.extend(tokens.secrets())
    _report(progress, name, "done", 1, 1)
    counters = api.counters if api is not None else None
    return TenantResult(
        tenant=name, ok=error is None, stage=run.stage,
        reason=scrub(str(error), secrets) if error else None,
        changes=tuple(run.changes), written=tuple(run.written), notes=tuple(run.notes),
        calls=counters.calls if counters else 0, writes=counters.writes if counters else 0,
        retries=counters.retries if counters else 0,
        rate_limited=counters.rate_limited if counters else 0,
        token_requests=tokens.calls if tokens else 0,
        backup=str(backups.path) if backups is not None and backups.path else None,
        seconds=time.monotonic() - started,
    )


def apply(api: Any, changes: list[Change], backups: BackupWriter, run: _Run | None = None,
          progress: Callable[[int, int], None] | None = None, exact: bool = False,
          stop: threading.Event | None = None) -> list[str]:
    """Write every change that writes, in order, each after backing up what it overwrites."""
    run = run or _Run()
    run.stage = "write"
    pending = [c for c in changes if c.writes]
    settings = [c for c in pending if c.resource.startswith(SETTINGS_PREFIX)]
    for done, change in enumerate(pending, 1):
        if change in settings and change is not settings[0]:
            continue  # written together with the first settings change
        check_stop(change.tenant, stop, f"writing {change.resource}")
        if change is (settings[0] if settings else None):
            # One PATCH carries every changed settings part: fewer calls, one atomic write.
            for part in settings:
                backups.save(part.resource, part.remote)
            api.write_settings({c.resource.removeprefix(SETTINGS_PREFIX): c.desired
                                for c in settings})
            run.written.extend(c.resource for c in settings)
        elif change.resource == BRANDING:
            backups.save(change.resource, change.remote)
            _write_branding(api, change, exact, run)
        else:
            backups.save(change.resource, change.remote)
            note = api.write(change.resource, change.action, change.desired, exact)
            run.written.append(change.resource)
            if note:
                run.notes.append(f"{change.resource}: {note}")
        if progress:
            progress(done, len(pending))
    return run.written


def _write_needs(changes: list[Change], exact: bool) -> list[tuple[str, ...]]:
    """Return the scopes the writes need, with the prompts' for a branding PATCH without colors."""
    pending = [c for c in changes if c.writes]
    needed = write_scopes((c.resource, c.action) for c in pending)
    if any(c.resource == BRANDING and _branding_payload(c, exact).get("colors") is None
           for c in pending):
        needed += read_scopes([PROMPT_SETTINGS]) + write_scopes([(PROMPT_SETTINGS, "update")])
    return list(dict.fromkeys(needed))


def _branding_payload(change: Change, exact: bool) -> dict[str, Any]:
    """Return the body of the branding PATCH for `change`."""
    if exact:
        return dict(change.desired or {})
    # Auth0 wipes what a PATCH /branding omits: send the tenant's fields too.
    return dict(_merged(change.remote or {}, change.desired))


def _write_branding(api: Any, change: Change, exact: bool, run: _Run) -> None:
    """PATCH branding; when the body has no colors, put identifier_first back as it was.

    Auth0 resets the prompts' identifier_first on a PATCH /branding without colors
    (contract §6: deploy-cli #1402, Terraform #1509). A null colors is taken to count as
    none (UNVERIFIED), so it is guarded too: read before, read after, restore if changed.
    """
    value = _branding_payload(change, exact)
    guarded = value.get("colors") is None
    before = api.read(PROMPT_SETTINGS) if guarded else None
    api.write(BRANDING, change.action, value, exact)
    run.written.append(BRANDING)
    if not guarded or not isinstance(before, Mapping):
        return
    after = api.read(PROMPT_SETTINGS)
    wanted = before.get("identifier_first")
    if isinstance(after, Mapping) and wanted is not None and \
            after.get("identifier_first") != wanted:
        api.write(PROMPT_SETTINGS, "update", {"identifier_first": wanted})
        run.written.append(PROMPT_SETTINGS)
        run.notes.append(f"{PROMPT_SETTINGS}: identifier_first restored to {wanted} after the "
                         "branding PATCH without colors reset it")


def _merged(base: Any, over: Any) -> Any:
    """Return `base` with every field `over` sets laid on top (objects merge, all else replaces)."""
    if isinstance(base, Mapping) and isinstance(over, Mapping):
        return {**base, **{k: _merged(base.get(k), v) for k, v in over.items()}}
    return over


def _restoring(resource: str, value: Any, remote: Any) -> Any:
    """Return a backed-up value ready to restore exactly.

    Branding is the one PATCH that merges top-level fields: each field the backup lacks
    but the tenant now has is sent as null, which removes it. Other values go back whole
    (settings parts and theme groups replace what they hold; emails go back with PUT).
    """
    if resource == BRANDING and isinstance(value, Mapping) and isinstance(remote, Mapping):
        return {**{k: None for k in remote if k not in value}, **value}
    return value


def _report(progress: Progress | None, tenant: str, phase: str, done: int, total: int) -> None:
    if progress is not None:
        progress(tenant, phase, done, total)
