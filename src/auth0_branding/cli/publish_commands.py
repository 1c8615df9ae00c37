"""Publishing commands: diff, publish, drift, rollback (engines: publish.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..auth0.plans import PLAN_NAMES
from ..errors import display_path, printable
from ..publish.pacing import DEFAULT_RATE_LIMIT_BUDGET
from .group import (
    cli,
    handles_errors,
    tenant_option,
)


def _pub_only(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    from ..publish.engine import parse_only

    try:
        return parse_only(value) if value is not None else None  # "" is an error, not "all"
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _pub_shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    from ..publish.engine import parse_shard

    try:
        return parse_shard(value) if value else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _pub_connection(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options every command that reaches tenants shares."""
    options = [
        click.option("--api-base", metavar="URL", default=None,
                     help="Tenant API root; {tenant} and {domain} are filled in "
                     "[default: $AUTH0_BRANDING_API_BASE, else https://{domain}]."),
        click.option("--env-file", "env_files", multiple=True,
                     type=click.Path(path_type=Path, dir_okay=False),
                     help="Read credentials from this .env file (repeatable; default: ./.env)."),
        click.option("--plan", "plan_name",
                     type=click.Choice(PLAN_NAMES),
                     help="Pace calls within this Auth0 plan's rate limits."),
        click.option("--email-burst", type=click.IntRange(1), default=None,
                     help="Email-template writes allowed at once [default: 5]."),
        click.option("--email-per-minute", type=click.FloatRange(min=0, min_open=True),
                     default=None, help="Email-template writes per minute [default: 25]."),
        click.option("--no-pacing", is_flag=True,
                     help="Do not pace calls client-side (for an emulator with its limits off); "
                     "429s are still honoured."),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
                     show_default=True, help="Seconds to wait for one API answer."),
        click.option("--rate-limit-budget", type=click.FloatRange(min=0),
                     default=DEFAULT_RATE_LIMIT_BUDGET, show_default=True, metavar="SECONDS",
                     help="Seconds each tenant may spend in all waiting out 429s (as "
                     "X-RateLimit-Reset or Retry-After ask) before it fails."),
        click.option("--report", "report_file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Write a JSON report for CI to this file."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _pub_selection(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the options that choose tenants and resources from dist/."""
    options = [
        click.option("--dist", "dist_dir", type=click.Path(path_type=Path), default=Path("dist"),
                     show_default=True, help="The built dist/ folder."),
        tenant_option,
        click.option("--only", callback=_pub_only, metavar="LIST",
                     help="Only these resources: emails, pages, branding, theme, "
                     "custom_text, languages, partials, phone, organizations (or login, "
                     "password_reset, error_page, classic_login, guardian_mfa_page), "
                     "comma-separated."),
        click.option("--shard", callback=_pub_shard, metavar="I/N",
                     help="Only the I-th of N shares of the tenants (for a CI matrix)."),
        click.option("--jobs", type=click.IntRange(1, 64), default=4, show_default=True,
                     help="Tenants to work on at once."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _pub_options(kwargs: dict[str, Any], backups_dir: Path = Path(".backups")) -> Any:
    from ..auth0.plans import ANY_PLAN_BUCKETS, EMAIL_WRITE, Bucket
    from ..publish.credentials import api_base, default_env_files, load_env
    from ..publish.engine import Options
    from ..publish.pacing import PLAN_LIMITS, UNPACED, Limits, RetryPolicy

    limits = PLAN_LIMITS[kwargs["plan_name"]] if kwargs.get("plan_name") else Limits()
    if kwargs.get("no_pacing"):
        limits = UNPACED
    if kwargs.get("email_burst") or kwargs.get("email_per_minute"):
        current = limits.buckets.get(EMAIL_WRITE, ANY_PLAN_BUCKETS[EMAIL_WRITE])
        limits = limits.with_bucket(EMAIL_WRITE, Bucket(
            kwargs.get("email_burst") or current.burst,
            (kwargs.get("email_per_minute") or current.per_second * 60) / 60))
    env_files = tuple(kwargs.get("env_files") or ()) or default_env_files()
    return Options(
        # The API base may come from the env files too: `emulator --brand` writes it there.
        api_base=api_base(kwargs.get("api_base"), load_env(env_files)),
        env_files=env_files,
        tenants=tuple(kwargs.get("tenants") or ()), only=kwargs.get("only"),
        shard=kwargs.get("shard"), jobs=kwargs.get("jobs") or 4, backups_dir=backups_dir,
        limits=limits, timeout=kwargs.get("timeout") or 30.0,
        retry=RetryPolicy(rate_limit_budget=kwargs.get("rate_limit_budget",
                                                       DEFAULT_RATE_LIMIT_BUDGET)),
    )


def _shown(text: str, tabs: bool = False) -> str:
    """Return user text (names, keys, values) safe to print: control characters escaped.

    A newline in a tenant name must not forge an `ERROR` line, nor an escape sequence
    rewrite the terminal. Diff lines keep their tabs, which are only indentation.
    """
    if tabs:
        return "\t".join(printable(part) for part in text.split("\t"))
    return printable(text)


def _pub_progress(console: Any) -> Any:
    """Return (context manager, callback) showing per-tenant progress on a terminal."""
    import contextlib
    import threading

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    if not console.is_terminal:
        return contextlib.nullcontext(), None
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
        "{task.fields[phase]}"), TimeElapsedColumn(), console=console, transient=True)
    tasks: dict[str, Any] = {}
    lock = threading.Lock()

    def update(tenant: str, phase: str, done: int, total: int) -> None:
        with lock:
            if tenant not in tasks:
                tasks[tenant] = progress.add_task(_shown(tenant), total=None, phase="")
            task = tasks[tenant]
        if phase == "done":
            progress.remove_task(task)
        else:
            progress.update(task, completed=done, total=total, phase=f"{phase} {done}/{total}")

    return progress, update


def _pub_render(console: Any, result: Any, show_diffs: bool) -> None:
    from rich.text import Text

    from ..publish.plan import diff_lines

    styles = {"create": "green", "update": "yellow", "delete": "red", "unchanged": "dim"}
    for tenant in result.tenants:
        # After a real publish or in drift, only what differed matters.
        shown = [c for c in tenant.changes if show_diffs or c.writes]
        if not shown:
            continue  # a failed tenant's reason goes to stderr with the others
        console.print(Text(f"tenant {_shown(tenant.tenant)}", style="bold"))
        for change in shown:
            console.print(Text.assemble("  ", (f"{change.action:<9}", styles[change.action]),
                                        " ", _shown(change.resource)))
            if not show_diffs:
                continue
            for line in diff_lines(change):
                style = ("bold" if line.startswith(("+++", "---")) else "green"
                         if line.startswith("+") else "red" if line.startswith("-")
                         else "cyan" if line.startswith("@@") else "")
                console.print(Text("    " + _shown(line, tabs=True), style=style))


def _pub_summary(console: Any, result: Any) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{result.command}{' (dry run)' if result.dry_run else ''}: "
                  f"{len(result.tenants)} tenant(s) in {result.seconds:.1f}s", box=box.SIMPLE,
                  pad_edge=False)
    for column in ("tenant", "status", "create", "update", "same", "written", "calls", "retries",
                   "backup"):
        table.add_column(column, no_wrap=column == "tenant",
                         justify="left" if column in ("tenant", "status", "backup") else "right")
    for t in result.tenants:
        count = {a: sum(c.action == a for c in t.changes) for a in ("create", "update",
                                                                     "unchanged")}
        status = ("[green]ok[/]" if t.ok else "[red]skipped[/]" if t.stage == "preflight"
                  else "[red]failed[/]")
        table.add_row(Text(_shown(t.tenant)), status, str(count["create"]), str(count["update"]),
                      str(count["unchanged"]), str(len(t.written)), str(t.calls),
                      str(t.retries), Path(t.backup).name if t.backup else "")
    console.print(table)
    for t in result.tenants:
        for note in t.notes:
            console.print(Text.assemble(("NOTE", "yellow"), f" {_shown(t.tenant)}: {_shown(note)}"))


def _pub_finish(result: Any, report_file: Path | None, show_diffs: bool) -> None:
    """Print changes and the summary, write the report, and exit 1 if any tenant failed."""
    import json

    from rich.console import Console

    from ..publish.engine import report_of

    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:  # CI logs: wide enough for the summary table, never wrapped
        console = Console(highlight=False, soft_wrap=True, width=120)
    _pub_render(console, result, show_diffs)
    _pub_summary(console, result)
    unwritten = False
    if report_file:
        try:
            report_file.parent.mkdir(parents=True, exist_ok=True)
            report_file.write_text(json.dumps(report_of(result), indent=2) + "\n",
                                   encoding="utf-8")
        except OSError as error:  # the tenants are done either way: say so, and go on
            click.echo(f"ERROR {_shown(display_path(report_file))}: cannot write the report: "
                       f"{error.strerror} (choose a writable --report path)", err=True)
            unwritten = True
    failed = [t for t in result.tenants if not t.ok]
    # One line per failed tenant, and no more: the summary above already counts them.
    for tenant in failed:
        click.echo(f"ERROR {_shown(str(tenant.reason))}", err=True)
    if failed or unwritten:
        sys.exit(1)


def _pub_run(engine: str, dist_dir: Path, kwargs: dict[str, Any], backups_dir: Path,
             dry_run: bool = False) -> Any:
    from rich.console import Console

    from ..publish import engine as engines

    dist = engines.load_dist(dist_dir)
    options = _pub_options(kwargs, backups_dir)
    context, update = _pub_progress(Console(stderr=True))
    with context:
        if engine == "publish":
            return engines.publish(dist, options, dry_run=dry_run, progress=update)
        return getattr(engines, engine)(dist, options, progress=update)


@cli.command()
@_pub_selection
@_pub_connection
@handles_errors
def diff(dist_dir: Path, **kwargs: Any) -> None:
    """Show, per tenant and resource, what publish would create or update (writes nothing)."""
    result = _pub_run("diff", dist_dir, kwargs, Path(".backups"))
    _pub_finish(result, kwargs.get("report_file"), show_diffs=True)


@cli.command()
@_pub_selection
@_pub_connection
@click.option("--dry-run", is_flag=True, help="Plan and show the diff, write nothing.")
@click.option("--backups", "backups_dir", type=click.Path(path_type=Path), default=Path(".backups"),
              show_default=True, help="Where to keep what publish overwrites.")
@handles_errors
def publish(dist_dir: Path, dry_run: bool, backups_dir: Path, **kwargs: Any) -> None:
    """Write what differs from dist/ to each tenant, backing up what it overwrites."""
    result = _pub_run("publish", dist_dir, kwargs, backups_dir, dry_run=dry_run)
    _pub_finish(result, kwargs.get("report_file"), show_diffs=dry_run)


@cli.command()
@_pub_selection
@_pub_connection
@handles_errors
def drift(dist_dir: Path, **kwargs: Any) -> None:
    """Exit 2 when any tenant differs from dist/, as after edits made in the dashboard."""
    result = _pub_run("drift", dist_dir, kwargs, Path(".backups"))
    _pub_finish(result, kwargs.get("report_file"), show_diffs=False)
    drifted = [t for t in result.tenants if t.differs]
    for tenant in drifted:
        changed = ", ".join(c.resource for c in tenant.changes if c.writes)
        click.echo(f"DRIFT {_shown(tenant.tenant)}: {_shown(changed)}", err=True)
    if drifted:
        sys.exit(2)


@cli.command()
@click.option("--tenant", "tenant", required=True, help="The tenant to restore.")
@click.option("--to", "timestamp", metavar="TIMESTAMP",
              help="The backup to restore (a unique prefix will do) [default: the latest "
              "publish backup].")
@click.option("--backups", "backups_dir", type=click.Path(path_type=Path), default=Path(".backups"),
              show_default=True, help="Where publish kept its backups.")
@click.option("--dry-run", is_flag=True, help="Show what would be restored, write nothing.")
@_pub_connection
@handles_errors
def rollback(tenant: str, timestamp: str | None, backups_dir: Path, dry_run: bool,
             **kwargs: Any) -> None:
    """Restore what a publish overwrote on one tenant, exactly as it was."""
    from ..publish.engine import rollback as restore

    result = restore(tenant, _pub_options(kwargs, backups_dir), to=timestamp, dry_run=dry_run)
    _pub_finish(result, kwargs.get("report_file"), show_diffs=True)

