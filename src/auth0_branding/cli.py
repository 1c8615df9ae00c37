"""The command line: the only module that prints or exits."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from .errors import BrandError

log = logging.getLogger(__name__)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"ERROR {message}", err=True)
    sys.exit(code)


def _handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn BrandError into one line on stderr and exit 1; tracebacks only with --debug."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except BrandError as error:
            if debug:
                raise
            _fail(str(error))

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="auth0-branding")
def cli(debug: bool) -> None:
    """Build, check, preview and publish Auth0 branding from one brand folder."""
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING)


brand_option = click.option(
    "--brand",
    "brand_dir",
    type=click.Path(path_type=Path),
    default=Path("brand"),
    show_default=True,
    help="The brand source folder.",
)
out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="The build output folder.",
)
tenant_option = click.option(
    "--tenant",
    "tenants",
    multiple=True,
    help="Only this tenant (repeatable; default: all).",
)

jobs_option = click.option(
    "--jobs", type=click.IntRange(min=1), default=None,
    help="Worker processes for large builds (default: one per CPU).",
)


# -- commands are registered below; each imports its engine lazily --


@cli.command()
@brand_option
@out_option
@tenant_option
@click.option("--strict", is_flag=True, help="Treat check warnings as errors.")
@jobs_option
@_handles_errors
def build(
    brand_dir: Path, out_dir: Path, tenants: tuple[str, ...], strict: bool, jobs: int | None
) -> None:
    """Build the brand into dist/ (swapped in whole, only if every check passes)."""
    from .build import write_dist
    from .pipeline import build_and_check

    result = build_and_check(brand_dir, tenants, jobs)
    problems = list(result.problems)
    _report_problems(problems, "text")
    if _failed(problems, strict):
        _fail(f"build failed with {_count(problems)}; {out_dir} left unchanged")
    write_dist(result, out_dir)
    click.echo(
        f"Built {len(result.artifacts)} outputs for {len(result.tenants)} tenant(s) "
        f"into {out_dir}/ ({_count(problems)})"
    )


@cli.command()
@brand_option
@tenant_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
    show_default=True, help="text for people, json for tools, github for Actions annotations.",
)
@jobs_option
@_handles_errors
def check(
    brand_dir: Path, tenants: tuple[str, ...], strict: bool, output_format: str,
    jobs: int | None,
) -> None:
    """Build in memory and check every output against the Auth0 contract; write nothing."""
    from .errors import BrandError, Problem
    from .pipeline import build_and_check

    try:
        problems = list(build_and_check(brand_dir, tenants, jobs).problems)
    except BrandError as error:
        if output_format == "text":
            raise
        problems = [Problem("error", "build", _message_of(error), error.location)]
    _report_problems(problems, output_format)
    if output_format == "text":
        click.echo(f"Checked {brand_dir}: {_count(problems)}", err=True)
    if _failed(problems, strict):
        sys.exit(1)


def _message_of(error: BrandError) -> str:
    return error.message + (f" ({error.hint})" if error.hint else "")


def _failed(problems: list, strict: bool) -> bool:
    return any(p.severity == "error" or strict for p in problems)


def _count(problems: list) -> str:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error(s), {warnings} warning(s)"


def _report_problems(problems: list, output_format: str) -> None:
    if output_format == "json":
        import json

        click.echo(json.dumps([
            {"severity": p.severity, "code": p.code, "message": p.message,
             "path": p.location.path if p.location else None,
             "line": p.location.line if p.location else None}
            for p in problems
        ], indent=2))
        return
    for problem in problems:
        if output_format == "github":
            where = ""
            if problem.location:
                where = f" file={problem.location.path}"
                if problem.location.line:
                    where += f",line={problem.location.line}"
            level = "error" if problem.severity == "error" else "warning"
            click.echo(f"::{level}{where}::{problem.code} {problem.message}")
        else:
            click.echo(str(problem), err=True)


@cli.command()
@click.option("--port", type=int, default=None,
              help="Port on 127.0.0.1 (default: the config's 'port', else a free one).")
@click.option("--state", "state_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Load resources from FILE if it exists; save them there on exit.")
@click.option("--config", "config_file",
              type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Tenants as JSON (default: 'dev' on Professional with a custom domain, "
                   "and 'free' on Free).")
@_handles_errors
def emulator(port: int | None, state_file: Path | None, config_file: Path | None) -> None:
    """Run a loopback Auth0 Management API for local publishing until Ctrl-C.

    \b
    Config JSON (every tenant key but "name" is optional):
      {"port": 8787, "tenants": [{"name": "dev", "plan": "professional",
        "client_id": "...", "client_secret": "...", "scopes": ["read:branding", ...],
        "custom_domain": "login.example.com", "domain": null, "ul_templates": null,
        "rate_limits": true, "limits": {"global": {"burst": 2, "per_second": 2}},
        "token_ttl": 86400, "faults": {"error_rate": 0, "error_status": 503,
        "latency_ms": 0, "drop_rate": 0, "token_ttl": null, "storm_requests": 0,
        "storm_reset": 1, "seed": 0}}]}
    Plans: free, essentials, professional, enterprise.
    """
    import threading

    from .emulator import Emulator
    from .emulator_state import default_config, load_config

    config = load_config(config_file) if config_file else default_config()
    engine = Emulator(config, port=port)
    if state_file is not None and state_file.exists():
        engine.load_state(state_file)
    try:
        engine.start()
    except OSError as error:
        raise BrandError(
            f"cannot listen on 127.0.0.1:{port if port is not None else config.port}: "
            f"{error.strerror}",
            hint="pick another --port, or 0 for any free one",
        ) from error
    click.echo(f"Auth0 emulator on {engine.url}  (Ctrl-C to stop)")
    for tenant in config.tenants:
        domain = f", custom domain {tenant.custom_domain}" if tenant.custom_domain else ""
        click.echo(f"\n  {tenant.name} ({tenant.plan}{domain})")
        click.echo(f"    API base URL   {engine.api_url(tenant.name)}")
        click.echo(f"    token          POST {engine.token_url(tenant.name)}")
        click.echo(f"    audience       {engine.audience(tenant.name)}")
        click.echo(f"    client_id      {tenant.client_id}")
        click.echo(f"    client_secret  {tenant.client_secret}")
    click.echo(f"\nInspect: {engine.url}/__emulator__/state  {engine.url}/__emulator__/requests")
    try:
        threading.Event().wait()  # until Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        engine.stop()
        if state_file is not None:
            engine.save_state(state_file)
            click.echo(f"\nState saved to {state_file}")
    click.echo("Emulator stopped.")


@cli.command()
@brand_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              default=Path("tests/snapshots"), show_default=True, help="The snapshot folder.")
@tenant_option
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 with a unified diff if any snapshot differs.")
@click.option("--update", is_flag=True, help="Write the snapshots (the default).")
@_handles_errors
def snapshot(brand_dir: Path, out_dir: Path, tenants: tuple[str, ...], check: bool,
             update: bool) -> None:
    """Render every output in every scenario into reviewable snapshots (or --check them)."""
    from .snapshot import snapshot as take_snapshots

    if check and update:
        raise click.UsageError("--check and --update exclude each other")
    report = take_snapshots(brand_dir, out_dir, tenants, update=not check)
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("changed", "added", "removed"))
    if check:
        for change in report.changes:
            click.echo(change.diff, nl=False)
        if report.changes:
            _fail(f"{len(report.changes)} snapshot(s) differ from {out_dir}/ ({counts}); "
                  "if the change is intended, run `python build.py snapshot --update`")
        click.echo(f"All {report.files} snapshots match {out_dir}/")
        return
    click.echo(f"Snapshots in {out_dir}/: {report.files} files ({counts})")


@cli.command()
@brand_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              default=Path("dist/review"), show_default=True,
              help="The gallery folder (replaced whole).")
@tenant_option
@click.option("--base", "base_ref", metavar="REF",
              help="Compare with the brand folder at this git ref (e.g. origin/main).")
@click.option("--only", multiple=True, metavar="OUTPUT",
              help="Only 'pages', 'emails' or one output by name (repeatable).")
@click.option("--jobs", type=click.IntRange(1, 32), default=4, show_default=True,
              help="Screenshots taken at once in the one browser.")
@_handles_errors
def review(brand_dir: Path, out_dir: Path, tenants: tuple[str, ...], base_ref: str | None,
           only: tuple[str, ...], jobs: int) -> None:
    """Screenshot every page and email in every scenario into a static gallery."""
    from .review import review as run_review

    result = run_review(brand_dir, out_dir, tenants, base=base_ref, only=only, jobs=jobs)
    line = (f"Reviewed {len(result.comparisons)} views of {len(result.tenants)} tenant(s) "
            f"in {result.seconds:.1f}s: {out_dir / 'index.html'}")
    if base_ref is not None:
        counts = ", ".join(f"{result.count(s)} {s}"
                           for s in ("changed", "added", "removed", "unchanged"))
        line += f" (against {base_ref}: {counts})"
    click.echo(line)


# -- publishing: diff, publish, drift, rollback (engines: publish.py) --


def _pub_only(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    from .publish import parse_only

    try:
        return parse_only(value) if value else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def _pub_shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    from .publish import parse_shard

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
                     type=click.Choice(["free", "essentials", "professional", "enterprise"]),
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
                     help="Only these resources: emails, pages, branding, theme (or login, "
                     "password_reset, error_page, classic_login), comma-separated."),
        click.option("--shard", callback=_pub_shard, metavar="I/N",
                     help="Only the I-th of N shares of the tenants (for a CI matrix)."),
        click.option("--jobs", type=click.IntRange(1, 64), default=4, show_default=True,
                     help="Tenants to work on at once."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _pub_options(kwargs: dict[str, Any], backups_dir: Path = Path(".backups")) -> Any:
    from dataclasses import replace

    from .credentials import api_base, default_env_files
    from .pacing import PLAN_LIMITS, UNPACED, Limits, Rate
    from .publish import Options

    limits = PLAN_LIMITS[kwargs["plan_name"]] if kwargs.get("plan_name") else Limits()
    if kwargs.get("no_pacing"):
        limits = UNPACED
    if kwargs.get("email_burst") or kwargs.get("email_per_minute"):
        current = limits.email_write or Rate(5, 25 / 60)
        limits = replace(limits, email_write=Rate(
            kwargs.get("email_burst") or current.burst,
            (kwargs.get("email_per_minute") or current.per_second * 60) / 60))
    return Options(
        api_base=api_base(kwargs.get("api_base")),
        env_files=tuple(kwargs.get("env_files") or ()) or default_env_files(),
        tenants=tuple(kwargs.get("tenants") or ()), only=kwargs.get("only"),
        shard=kwargs.get("shard"), jobs=kwargs.get("jobs") or 4, backups_dir=backups_dir,
        limits=limits, timeout=kwargs.get("timeout") or 30.0,
    )


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
                tasks[tenant] = progress.add_task(tenant, total=None, phase="")
            task = tasks[tenant]
        if phase == "done":
            progress.remove_task(task)
        else:
            progress.update(task, completed=done, total=total, phase=f"{phase} {done}/{total}")

    return progress, update


def _pub_render(console: Any, result: Any, show_diffs: bool) -> None:
    from rich.text import Text

    from .plan import diff_lines

    styles = {"create": "green", "update": "yellow", "delete": "red", "unchanged": "dim"}
    for tenant in result.tenants:
        # After a real publish or in drift, only what differed matters.
        shown = [c for c in tenant.changes if show_diffs or c.writes]
        if not shown:
            continue  # a failed tenant's reason goes to stderr with the others
        console.print(Text(f"tenant {tenant.tenant}", style="bold"))
        for change in shown:
            console.print(Text.assemble("  ", (f"{change.action:<9}", styles[change.action]),
                                        " ", change.resource))
            if not show_diffs:
                continue
            for line in diff_lines(change):
                style = ("bold" if line.startswith(("+++", "---")) else "green"
                         if line.startswith("+") else "red" if line.startswith("-")
                         else "cyan" if line.startswith("@@") else "")
                console.print(Text("    " + line, style=style))


def _pub_summary(console: Any, result: Any) -> None:
    from rich import box
    from rich.table import Table

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
        table.add_row(t.tenant, status, str(count["create"]), str(count["update"]),
                      str(count["unchanged"]), str(len(t.written)), str(t.calls),
                      str(t.retries), Path(t.backup).name if t.backup else "")
    console.print(table)
    for t in result.tenants:
        for note in t.notes:
            console.print(f"[yellow]NOTE[/] {t.tenant}: {note}", highlight=False)


def _pub_finish(result: Any, report_file: Path | None, show_diffs: bool) -> None:
    """Print changes and the summary, write the report, and exit 1 if any tenant failed."""
    import json

    from rich.console import Console

    from .publish import report_of

    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:  # CI logs: wide enough for the summary table, never wrapped
        console = Console(highlight=False, soft_wrap=True, width=120)
    _pub_render(console, result, show_diffs)
    _pub_summary(console, result)
    if report_file:
        report_file.parent.mkdir(parents=True, exist_ok=True)
        report_file.write_text(json.dumps(report_of(result), indent=2) + "\n", encoding="utf-8")
    failed = [t for t in result.tenants if not t.ok]
    for tenant in failed:
        click.echo(f"ERROR {tenant.reason}", err=True)
    if failed:
        _fail(f"{result.command} failed for {len(failed)} of {len(result.tenants)} tenant(s)")


def _pub_run(engine: str, dist_dir: Path, kwargs: dict[str, Any], backups_dir: Path,
             dry_run: bool = False) -> Any:
    from rich.console import Console

    from . import publish as engines

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
@_handles_errors
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
@_handles_errors
def publish(dist_dir: Path, dry_run: bool, backups_dir: Path, **kwargs: Any) -> None:
    """Write what differs from dist/ to each tenant, backing up what it overwrites."""
    result = _pub_run("publish", dist_dir, kwargs, backups_dir, dry_run=dry_run)
    _pub_finish(result, kwargs.get("report_file"), show_diffs=dry_run)


@cli.command()
@_pub_selection
@_pub_connection
@_handles_errors
def drift(dist_dir: Path, **kwargs: Any) -> None:
    """Exit 2 when any tenant differs from dist/, as after edits made in the dashboard."""
    result = _pub_run("drift", dist_dir, kwargs, Path(".backups"))
    _pub_finish(result, kwargs.get("report_file"), show_diffs=False)
    drifted = [t for t in result.tenants if t.differs]
    for tenant in drifted:
        changed = ", ".join(c.resource for c in tenant.changes if c.writes)
        click.echo(f"DRIFT {tenant.tenant}: {changed}", err=True)
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
@_handles_errors
def rollback(tenant: str, timestamp: str | None, backups_dir: Path, dry_run: bool,
             **kwargs: Any) -> None:
    """Restore what a publish overwrote on one tenant, exactly as it was."""
    from .publish import rollback as restore

    result = restore(tenant, _pub_options(kwargs, backups_dir), to=timestamp, dry_run=dry_run)
    _pub_finish(result, kwargs.get("report_file"), show_diffs=True)


@cli.command()
@brand_option
@tenant_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind; anything but loopback exposes the preview.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free one).")
@click.option("--no-open", is_flag=True, help="Don't open the preview in a browser.")
@_handles_errors
def serve(brand_dir: Path, tenants: tuple[str, ...], host: str, port: int, no_open: bool) -> None:
    """Preview every output with sample data, rebuilding and reloading on save (alias: watch)."""
    import threading
    import webbrowser

    from .preview_site import start_preview

    def report(rebuilt: Any, seconds: float) -> None:
        if rebuilt.failure is not None:
            click.echo(f"ERROR {rebuilt.failure}"
                       + (f" ({rebuilt.failure.hint})" if rebuilt.failure.hint else ""), err=True)
        elif rebuilt.changed:
            click.echo(f"Rebuilt in {seconds * 1000:.0f} ms: "
                       f"{len(rebuilt.changed)} output(s) changed")

    server, first = start_preview(brand_dir, tenants, host=host, port=port, on_rebuilt=report)
    if first.failure is not None:
        report(first, 0.0)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"WARNING the preview is reachable from other machines on {host}", err=True)
    click.echo(f"Previewing {brand_dir}/ on {server.url}/  (Ctrl-C to stop; dist/ is untouched)")
    if not no_open:
        webbrowser.open(f"{server.url}/")
    try:
        threading.Event().wait()  # until Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    click.echo("Preview stopped.")


cli.add_command(serve, name="watch")


def main() -> None:
    """Run the CLI (the console script and `python build.py`)."""
    cli(prog_name="auth0-branding")
