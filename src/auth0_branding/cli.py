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


# -- commands are registered below; each imports its engine lazily --


@cli.command()
@brand_option
@out_option
@tenant_option
@click.option("--strict", is_flag=True, help="Treat check warnings as errors.")
@_handles_errors
def build(brand_dir: Path, out_dir: Path, tenants: tuple[str, ...], strict: bool) -> None:
    """Build the brand into dist/ (swapped in whole, only if every check passes)."""
    from .build import build as build_brand
    from .build import write_dist
    from .validate import check_build

    result = build_brand(brand_dir, tenants)
    problems = check_build(result)
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
@_handles_errors
def check(brand_dir: Path, tenants: tuple[str, ...], strict: bool, output_format: str) -> None:
    """Build in memory and check every output against the Auth0 contract; write nothing."""
    from .build import build as build_brand
    from .errors import BrandError, Problem
    from .validate import check_build

    try:
        problems = check_build(build_brand(brand_dir, tenants))
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


def main() -> None:
    """Run the CLI (the console script and `python build.py`)."""
    cli(prog_name="auth0-branding")
