"""Commands on the brand folder: build, check, snapshot, review, serve."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from ..errors import BrandError, Problem, printable
from .group import (
    brand_option,
    cache_options,
    cli,
    fail,
    handles_errors,
    jobs_option,
    open_cache,
    out_option,
    say,
    tenant_option,
)
from .terminal import progress_bars


@cli.command()
@brand_option
@out_option
@tenant_option
@click.option("--strict", is_flag=True, help="Treat check warnings as errors.")
@jobs_option
@cache_options
@handles_errors
def build(
    brand_dir: Path, out_dir: Path, tenants: tuple[str, ...], strict: bool, jobs: int | None,
    cache_dir: Path | None, no_cache: bool,
) -> None:
    """Build the brand into dist/ (swapped in whole, only if every check passes)."""
    from ..build.build_record import brand_key, record_build
    from ..build.parallel import build_and_check
    from ..dist.spool import spooling
    from ..dist.writer import write_dist

    cache = open_cache(brand_dir, cache_dir, no_cache)
    key = None if tenants or cache is None else brand_key(brand_dir, out_dir, cache.folder)
    if _unchanged(cache, key, out_dir, strict):
        return
    # The outputs are written beside out_dir as they are built, swapped in if all is well.
    with spooling(out_dir, brand_dir) as spool:
        with progress_bars() as progress:
            result = build_and_check(brand_dir, tenants, jobs, progress, cache, spool)
        problems = list(result.problems)
        _report_problems(problems, "text")
        _fail_build_on(problems, strict, out_dir)
        manifest = write_dist(result, out_dir, partial=bool(tenants), spool=spool)
    # Recorded only if nothing changed while it built: the record stands for what was read.
    if key is not None and key == brand_key(brand_dir, out_dir, cache.folder):
        record_build(cache, key, manifest, problems)
    say(
        f"Built {len(result.artifacts)} outputs for {len(result.tenants)} tenant(s) "
        f"into {out_dir}/ ({_count(problems)})"
    )


def _fail_build_on(problems: list[Problem], strict: bool, out_dir: Path) -> None:
    """Stop the build, output folder unchanged, when its problems fail it."""
    if _failed(problems, strict):
        fail(f"build failed with {_count(problems)}{_strictly(problems, strict)}; "
             f"{out_dir} left unchanged")


def _unchanged(cache: Any, key: str | None, out_dir: Path, strict: bool) -> bool:
    """Report the recorded build when nothing it read has changed and dist/ still holds it."""
    from ..build.build_record import unchanged_output
    from ..dist.folder import resolve_output
    from ..errors import DistError

    try:
        found = unchanged_output(cache, key, resolve_output(out_dir))
    except DistError:
        return False  # the build reports it, in its order
    if found is None:
        return False
    problems, manifest = found
    _report_problems(problems, "text")
    _fail_build_on(problems, strict, out_dir)
    say(f"Built {len(manifest['outputs'])} outputs for {len(manifest['tenants'])} tenant(s) "
        f"into {out_dir}/ ({_count(problems)}); unchanged, as nothing it reads has changed since "
        "the last build")
    return True


@cli.command()
@brand_option
@tenant_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
    show_default=True, help="text for people, json for tools, github for Actions annotations.",
)
@jobs_option
@cache_options
@handles_errors
def check(
    brand_dir: Path, tenants: tuple[str, ...], strict: bool, output_format: str,
    jobs: int | None, cache_dir: Path | None, no_cache: bool,
) -> None:
    """Build in memory and check every output against the Auth0 contract; write nothing."""
    from ..build.build_record import brand_key, recorded_problems
    from ..build.parallel import build_and_check

    try:
        cache = open_cache(brand_dir, cache_dir, no_cache, writes=False)
        key = None if tenants or cache is None else brand_key(brand_dir, cache.folder)
        recorded = recorded_problems(cache, key)
        if recorded is not None:
            problems = recorded
        else:
            with progress_bars() as progress:
                problems = list(build_and_check(brand_dir, tenants, jobs, progress,
                                                cache).problems)
    except BrandError as error:
        if output_format == "text":
            _build_failed(error)
        problems = _build_problems(error)
    _report_problems(problems, output_format)
    if output_format == "text":
        say(f"Checked {brand_dir}: {_count(problems)}", err=True)
        if _failed(problems, strict) and not any(p.severity == "error" for p in problems):
            say(f"ERROR {len(problems)} warning(s) and --strict: failing", err=True)
    if _failed(problems, strict):
        sys.exit(1)


def _build_problems(error: BrandError) -> list[Problem]:
    """Return a failed build's errors as problems, with the code `build` they are listed by."""
    return [Problem("error", "build", each.message + (f" ({each.hint})" if each.hint else ""),
                    each.location) for each in error.errors]


def _build_failed(error: BrandError) -> NoReturn:
    """Print a failed build's errors as check's problems, code and all (README); exit 1."""
    if click.get_current_context().find_root().params.get("debug", False):
        raise error
    _report_problems(_build_problems(error), "text")
    sys.exit(1)


def _strictly(problems: list, strict: bool) -> str:
    """Say so when only warnings, made errors by --strict, failed the build."""
    if strict and problems and not any(p.severity == "error" for p in problems):
        return " and --strict"
    return ""


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
                where = f" file={_escape_property(problem.location.path)}"
                if problem.location.line:
                    where += f",line={problem.location.line}"
            level = "error" if problem.severity == "error" else "warning"
            message = _escape_data(f"{problem.code} {problem.message}")
            click.echo(f"::{level}{where}::{message}")
        else:
            say(str(problem), err=True)


def _escape_data(text: str) -> str:
    """Escape a workflow command's message: a line break would end the annotation early."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@cli.command()
@brand_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              default=Path("tests/snapshots"), show_default=True, help="The snapshot folder.")
@tenant_option
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 with a unified diff if any snapshot differs.")
@click.option("--update", is_flag=True, help="Write the snapshots (the default).")
@handles_errors
def snapshot(brand_dir: Path, out_dir: Path, tenants: tuple[str, ...], check: bool,
             update: bool) -> None:
    """Render every output in every scenario into reviewable snapshots (or --check them)."""
    from ..review.snapshot import snapshot as take_snapshots

    if check and update:
        raise click.UsageError("--check and --update exclude each other")
    with progress_bars() as progress:
        report = take_snapshots(brand_dir, out_dir, tenants, update=not check, progress=progress)
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("changed", "added", "removed"))
    if check:
        for change in report.changes:
            click.echo(change.diff, nl=False)
        if report.changes:
            fail(f"{len(report.changes)} snapshot(s) differ from {out_dir}/ ({counts}); "
                  "if the change is intended, run `python build.py snapshot --update`")
        say(f"All {report.files} snapshots match {out_dir}/")
        return
    say(f"Snapshots in {out_dir}/: {report.files} files ({counts})")


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
@handles_errors
def review(brand_dir: Path, out_dir: Path, tenants: tuple[str, ...], base_ref: str | None,
           only: tuple[str, ...], jobs: int) -> None:
    """Screenshot every page and email in every scenario into a static gallery."""
    from ..review.gallery_run import review as run_review

    with progress_bars() as progress:
        result = run_review(brand_dir, out_dir, tenants, base=base_ref, only=only, jobs=jobs,
                            progress=progress)
    line = (f"Reviewed {len(result.comparisons)} views of {len(result.tenants)} tenant(s) "
            f"in {result.seconds:.1f}s: {out_dir / 'index.html'}")
    if base_ref is not None:
        counts = ", ".join(f"{result.count(s)} {s}"
                           for s in ("changed", "added", "removed", "unchanged"))
        line += f" (against {base_ref}: {counts})"
    say(line)


def _serve_options(command: Any) -> Any:
    """Add the options of `serve` (and `watch`, its other name)."""
    for option in reversed([
        brand_option, tenant_option,
        click.option("--host", default="127.0.0.1", show_default=True,
                     help="Interface to bind; anything but loopback exposes the preview."),
        click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
                     help="Port to listen on (0: any free one)."),
        click.option("--no-open", is_flag=True, help="Don't open the preview in a browser."),
        cache_options,
    ]):
        command = option(command)
    return command


@cli.command()
@_serve_options
@handles_errors
def serve(brand_dir: Path, tenants: tuple[str, ...], host: str, port: int, no_open: bool,
          cache_dir: Path | None, no_cache: bool) -> None:
    """Preview every output with sample data, rebuilding and reloading on save."""
    from ..build.cache import using

    # The builds' cache: the first preview starts from the last build's stages, and every
    # rebuild redoes only the stages an edit reaches, a token edit included.
    cache = open_cache(brand_dir, cache_dir, no_cache)
    if cache is None:
        _serve(brand_dir, tenants, host, port, no_open)
        return
    with using(cache):
        _serve(brand_dir, tenants, host, port, no_open)


def _serve(brand_dir: Path, tenants: tuple[str, ...], host: str, port: int,
           no_open: bool) -> None:
    import threading
    import webbrowser

    from ..preview.site import BrandPreview, start_preview

    shown: set[str] = set()  # the findings already printed, as printed

    def findings() -> None:
        """Print the check findings new since the last build, and how many went away."""
        site = server.site
        assert isinstance(site, BrandPreview)  # start_preview serves one
        current = {str(problem): problem for problem in site.problems()}
        for line in current:
            if line not in shown:
                say(line, err=True)
        fixed = len(shown - set(current))
        if fixed or set(current) != shown:
            say(f"Checks: {_count(list(current.values()))}"
                + (f" ({fixed} fixed)" if fixed else ""), err=True)
        shown.clear()
        shown.update(current)

    def report(rebuilt: Any, seconds: float) -> None:
        if rebuilt.failure is not None:
            say(f"ERROR {rebuilt.failure}"
                + (f" ({rebuilt.failure.hint})" if rebuilt.failure.hint else ""), err=True)
            return
        if rebuilt.changed or rebuilt.told:
            click.echo(f"Rebuilt in {seconds * 1000:.0f} ms: "
                       f"{len(rebuilt.changed | rebuilt.told)} output(s) changed")
        findings()

    server, first = start_preview(brand_dir, tenants, host=host, port=port, on_rebuilt=report)
    if first.failure is not None:
        report(first, 0.0)
    else:
        findings()  # the first build's, before the address
    if host not in ("127.0.0.1", "localhost", "::1"):
        say(f"WARNING the preview is reachable from other machines on {host}", err=True)
    say(f"Previewing {brand_dir}/ on {server.url}/  (Ctrl-C to stop; dist/ is untouched)")
    if not no_open:
        webbrowser.open(f"{server.url}/")
    try:
        threading.Event().wait()  # until Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    click.echo("Preview stopped.")


@cli.command()
@_serve_options
@click.pass_context
def watch(context: click.Context, **options: Any) -> None:
    """Another name for `serve`: preview, rebuilding and reloading on save."""
    context.invoke(serve, **options)

