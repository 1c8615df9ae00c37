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
    fail,
    handles_errors,
    say,
    tenant_option,
)
from .terminal import rich_console, tenant_bars


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


_STYLES = {"create": "green", "update": "yellow", "delete": "red", "disable": "red",
           "unchanged": "dim"}


def _pub_render(console: Any, result: Any, view: str, resources: tuple[str, ...] = ()) -> None:
    """Print each tenant's changes: as a summary, in full (diffs), or only what was written.

    `resources` (shell patterns) keep only the matching resources, shown in full.
    """
    from fnmatch import fnmatchcase

    from rich.text import Text

    from ..publish.plan import diff_lines, diff_stat

    for tenant in result.tenants:
        if resources:
            shown = [c for c in tenant.changes
                     if any(fnmatchcase(c.resource, p) for p in resources)]
        else:  # the summary and what was written leave out what needs nothing
            shown = [c for c in tenant.changes if view == "full" or c.writes]
        if not shown:
            continue  # a failed tenant's reason goes to stderr with the others
        console.print(Text(f"tenant {_shown(tenant.tenant)}", style="bold"))
        width = max(len(c.resource) for c in shown)
        for change in shown:
            line = Text.assemble("  ", (f"{change.shown_action:<9}", _STYLES[change.shown_action]),
                                 " ", _shown(change.resource))
            if view == "summary":
                added, removed = diff_stat(change)
                line.append(" " * (width - len(change.resource) + 2))
                line.append(f"+{added}", "green")
                line.append(" ")
                line.append(f"-{removed}", "red")
            console.print(line)
            if view != "full":
                continue
            for diff in diff_lines(change, source=result.source):
                style = ("bold" if diff.startswith(("+++", "---")) else "green"
                         if diff.startswith("+") else "red" if diff.startswith("-")
                         else "cyan" if diff.startswith("@@") else "")
                console.print(Text("    " + _shown(diff, tabs=True), style=style))
        if view == "summary":
            same = len(tenant.changes) - len(shown)
            console.print(Text(f"  {len(shown)} to write, {same} unchanged", style="dim"))


def _pub_summary(console: Any, result: Any) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{result.command}{' (dry run)' if result.dry_run else ''}: "
                  f"{len(result.tenants)} tenant(s) in {result.seconds:.1f}s", box=box.SIMPLE,
                  pad_edge=False)
    actions = ("create", "update", "delete", "disable", "unchanged")
    for column in ("tenant", "status", *actions[:-1], "same", "written", "calls", "retries",
                   "backup"):
        table.add_column(column, no_wrap=column == "tenant",
                         justify="left" if column in ("tenant", "status", "backup") else "right")
    for t in result.tenants:
        count = [str(sum(c.shown_action == a for c in t.changes)) for a in actions]
        status = ("[green]ok[/]" if t.ok else "[red]skipped[/]" if t.stage == "preflight"
                  else "[red]failed[/]")
        table.add_row(Text(_shown(t.tenant)), status, *count, str(len(t.written)), str(t.calls),
                      str(t.retries), Path(t.backup).name if t.backup else "")
    console.print(table)
    for t in result.tenants:
        for note in t.notes:
            console.print(Text.assemble(("NOTE", "yellow"), f" {_shown(t.tenant)}: {_shown(note)}"))


def _pub_finish(result: Any, report_file: Path | None, view: str,
                resources: tuple[str, ...] = ()) -> None:
    """Print changes and the summary, write the report, and exit 1 if any tenant failed."""
    import json

    from ..publish.engine import report_of

    console = rich_console(soft_wrap=True)
    if not console.is_terminal:  # CI logs: wide enough for the summary table, never wrapped
        console = rich_console(soft_wrap=True, width=120)
    _pub_render(console, result, view, resources)
    _pub_summary(console, result)
    unwritten = False
    if report_file:
        try:
            report_file.parent.mkdir(parents=True, exist_ok=True)
            report_file.write_text(json.dumps(report_of(result), indent=2) + "\n",
                                   encoding="utf-8")
        except OSError as error:  # the tenants are done either way: say so, and go on
            say(f"ERROR {display_path(report_file)}: cannot write the report: "
                f"{error.strerror} (choose a writable --report path)", err=True)
            unwritten = True
    failed = [t for t in result.tenants if not t.ok]
    # One line per failed tenant, and no more: the summary above already counts them.
    for tenant in failed:
        say(f"ERROR {tenant.reason}", err=True)
    if failed or unwritten:
        sys.exit(1)


def _pub_run(engine: str, dist_dir: Path, kwargs: dict[str, Any], backups_dir: Path,
             dry_run: bool = False) -> Any:
    from ..publish import engine as engines

    dist = engines.load_dist(dist_dir)
    options = _pub_options(kwargs, backups_dir)
    with tenant_bars() as update:
        if engine == "publish":
            return engines.publish(dist, options, dry_run=dry_run, progress=update)
        return getattr(engines, engine)(dist, options, progress=update)


@cli.command()
@_pub_selection
@_pub_connection
@click.option("--full", is_flag=True, help="Print the unified diff of every resource.")
@click.option("--resource", "resources", multiple=True, metavar="ID",
              help="Print the unified diff of this resource only, e.g. "
              "email-templates/verify_email ('*' matches any part; repeatable).")
@handles_errors
def diff(dist_dir: Path, full: bool, resources: tuple[str, ...], **kwargs: Any) -> None:
    """Summarise, per tenant and resource, what publish would write (writes nothing).

    Each resource publish would write is listed with the lines it adds and removes;
    --full or --resource prints the diffs themselves.
    """
    result = _pub_run("diff", dist_dir, kwargs, Path(".backups"))
    if resources:
        _check_resources(result, resources)
    _pub_finish(result, kwargs.get("report_file"), "full" if full or resources else "summary",
                resources)


def _check_resources(result: Any, patterns: tuple[str, ...]) -> None:
    from fnmatch import fnmatchcase

    from ..errors import did_you_mean

    known = sorted({c.resource for t in result.tenants for c in t.changes})
    for pattern in patterns:
        if known and not any(fnmatchcase(r, pattern) for r in known):
            hint = did_you_mean(pattern, known) or "run `diff --full` to see every resource"
            fail(f"--resource '{pattern}' matches no resource ({hint})", 2)


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
    _pub_finish(result, kwargs.get("report_file"), "full" if dry_run else "writes")


@cli.command()
@_pub_selection
@_pub_connection
@handles_errors
def drift(dist_dir: Path, **kwargs: Any) -> None:
    """Exit 2 when any tenant differs from dist/, as after edits made in the dashboard."""
    result = _pub_run("drift", dist_dir, kwargs, Path(".backups"))
    _pub_finish(result, kwargs.get("report_file"), "writes")
    drifted = [t for t in result.tenants if t.differs]
    for tenant in drifted:
        changed = ", ".join(c.resource for c in tenant.changes if c.writes)
        say(f"DRIFT {tenant.tenant}: {changed}", err=True)
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

    with tenant_bars() as update:
        result = restore(tenant, _pub_options(kwargs, backups_dir), to=timestamp,
                         dry_run=dry_run, progress=update)
    _pub_finish(result, kwargs.get("report_file"), "full")

