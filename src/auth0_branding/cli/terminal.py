"""What a terminal gets that a pipe or a CI log does not: colours and progress bars."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import click

# The words lines open with, and how a terminal shows them.
_SEVERITIES = {"ERROR": ("red", True), "WARNING": ("yellow", True), "DRIFT": ("yellow", True),
               "NOTE": ("cyan", False)}
# Stages engines report, as the bars name them.
_SHOW_AFTER_S = 0.5
_STAGES = {"build": "Building tenants", "render": "Rendering views",
           "screenshot": "Taking screenshots"}


def is_interactive(stream: IO[str]) -> bool:
    """Tell whether `stream` is a person's terminal: not a pipe, a file or a CI log."""
    if os.environ.get("CI"):
        return False  # CI runners may allocate a tty, but their logs keep escape codes
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def colour_wanted(stream: IO[str]) -> bool:
    """Colour on a terminal; never with NO_COLOR set (https://no-color.org) or when piped."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_interactive(stream) and os.environ.get("TERM") != "dumb"


def coloured(line: str, stream: IO[str]) -> str:
    """Colour the severity word a line opens with, when `stream` is a terminal that wants it."""
    word = line.split(" ", 1)[0]
    if word not in _SEVERITIES or not colour_wanted(stream):
        return line
    colour, bold = _SEVERITIES[word]
    return click.style(word, fg=colour, bold=bold) + line[len(word):]


def echo(line: str, err: bool = False) -> None:
    """Print one line, its severity word coloured on a terminal."""
    stream = sys.stderr if err else sys.stdout
    shown = coloured(line, stream)
    click.echo(shown, err=err, color=shown != line or None)


def rich_console(stderr: bool = False, **options: Any) -> Any:
    """Return a rich Console that colours exactly when `echo` would."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    if not colour_wanted(stream):
        options["color_system"] = None
    return Console(stderr=stderr, highlight=False, **options)


@contextmanager
def progress_bars() -> Iterator[Callable[[str, int, int], None] | None]:
    """Yield `progress(stage, done, total)` drawing one bar per stage on stderr, or None.

    Engines report; only a terminal shows it. The bars vanish when done, so the command's
    own summary is what stays on screen.
    """
    if not is_interactive(sys.stderr):
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bars = Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=rich_console(stderr=True), transient=True)
    tasks: dict[str, Any] = {}
    lock = threading.Lock()
    started = time.monotonic()

    def update(stage: str, done: int, total: int) -> None:
        with lock:
            if stage not in tasks:
                tasks[stage] = bars.add_task(_STAGES.get(stage, stage), total=total)
            bars.update(tasks[stage], completed=done, total=total)
            # A quick command finishes before it would flicker a bar at all.
            if not bars.live.is_started and time.monotonic() - started >= _SHOW_AFTER_S:
                bars.start()

    try:
        yield update
    finally:
        bars.stop()


@contextmanager
def tenant_bars() -> Iterator[Callable[[str, str, int, int], None] | None]:
    """Yield `progress(tenant, phase, done, total)` with a bar per tenant on stderr, or None."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ..errors import printable

    if not is_interactive(sys.stderr):
        yield None
        return
    bars = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
        "{task.fields[phase]}"), TimeElapsedColumn(), console=rich_console(stderr=True),
        transient=True)
    tasks: dict[str, Any] = {}
    lock = threading.Lock()

    def update(tenant: str, phase: str, done: int, total: int) -> None:
        with lock:
            if tenant not in tasks:
                tasks[tenant] = bars.add_task(printable(tenant), total=None, phase="")
            task = tasks[tenant]
        if phase == "done":
            bars.remove_task(task)
        else:
            bars.update(task, completed=done, total=total, phase=f"{phase} {done}/{total}")

    with bars:
        yield update
