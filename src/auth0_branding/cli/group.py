"""The command group, its shared options, and the one way commands print errors and lines."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from ..errors import BrandError, printable
from .terminal import echo


def fail(message: str, code: int = 1) -> None:
    # One line, whatever the user's input held: printable() escapes line breaks and controls.
    echo(f"ERROR {printable(message)}", err=True)
    sys.exit(code)


def say(line: str, err: bool = False) -> None:
    """Print one line that may hold user text (paths, names), with its controls escaped.

    On a terminal the severity word it opens with (ERROR, WARNING) is coloured.
    """
    echo(printable(line), err=err)


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn BrandError into one line on stderr and exit 1; tracebacks only with --debug."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = click.get_current_context().find_root().params.get("debug", False)
        try:
            return command(*args, **kwargs)
        except BrandError as error:
            if debug:
                raise
            for each in error.errors[:-1]:
                say(f"ERROR {each}", err=True)
            fail(str(error.errors[-1]))

    return wrapper


class _Commands(click.Group):
    """The command group, answering bad usage with one line and exit 2, as any bad input."""

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            outcome = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx else (prog_name or "auth0-branding")
            fail(f"{error.format_message()} (see `{where} --help`)", error.exit_code)
        except click.ClickException as error:
            fail(error.format_message(), error.exit_code)
        except click.Abort:
            fail("aborted", 1)
        sys.exit(outcome if isinstance(outcome, int) else 0)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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


def cache_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --cache DIR and --no-cache: where stage results are kept between builds."""
    command = click.option(
        "--no-cache", "no_cache", is_flag=True,
        help="Keep no stage results between builds (and read none).")(command)
    return click.option(
        "--cache", "cache_dir", type=click.Path(path_type=Path), default=None,
        help="The cache folder (default: .auth0-branding-cache beside the brand folder).",
    )(command)


def open_cache(brand_dir: Path, cache_dir: Path | None, no_cache: bool,
               writes: bool = True) -> Any:
    """Return the build cache the options ask for (None: memory only).

    A command that `writes` nothing (check) reads the default cache without adding to it,
    unless --cache names a folder.
    """
    from ..build.cache import Cache, default_folder

    if no_cache:
        if cache_dir is not None:
            fail("--cache and --no-cache contradict each other; pass one of them", 2)
        return None
    if cache_dir is not None:
        return Cache(cache_dir)
    return Cache(default_folder(brand_dir), read_only=not writes)
