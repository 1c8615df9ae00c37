"""Colour and progress on a terminal, plain text in pipes, CI logs and with NO_COLOR."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from brand_overlay import BROKEN, make_brand

REPO = Path(__file__).resolve().parents[1]
ESCAPE = b"\x1b["
_TIMEOUT_S = 120


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CI", "NO_COLOR", "FORCE_COLOR", "TERM")}
    env.update(PYTHONPATH=str(REPO / "src"), TERM="xterm-256color", COLUMNS="100", **extra)
    return env


def _in_terminal(args: list[str], cwd: Path, **extra: str) -> tuple[int, bytes]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; return its status and bytes."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the command
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, str(REPO / "build.py"), *args],
                  _environment(**extra))
    output = b""
    deadline = time.monotonic() + _TIMEOUT_S
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output


@pytest.fixture()
def warning_brand(tmp_path: Path) -> Path:
    make_brand(BROKEN / "email-unescaped-user-name", tmp_path)
    return tmp_path


def test_a_terminal_gets_coloured_severities(warning_brand: Path) -> None:
    code, output = _in_terminal(["check", "--brand", "brand"], warning_brand)

    assert code == 0
    # The severity word alone is coloured (bold yellow); the message stays plain.
    assert b"\x1b[33m\x1b[1mWARNING\x1b[0m brand/templates/emails/verify_email.html:3: " \
        b"unescaped" in output


def test_a_pipe_gets_plain_text(warning_brand: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--brand", "brand"],
                          cwd=warning_brand, env=_environment(), capture_output=True,
                          timeout=_TIMEOUT_S, check=False)

    assert done.returncode == 0
    assert done.stderr.startswith(b"WARNING brand/templates/emails/verify_email.html:3: ")
    assert ESCAPE not in done.stderr + done.stdout


def test_ci_gets_plain_text_even_on_a_terminal(warning_brand: Path) -> None:
    code, output = _in_terminal(["check", "--brand", "brand"], warning_brand, CI="true")

    assert code == 0
    assert b"WARNING brand/templates/emails/verify_email.html:3: " in output
    assert ESCAPE not in output  # no colour, and no progress bar redrawn into the log


def test_no_color_keeps_progress_but_drops_colour(warning_brand: Path) -> None:
    code, output = _in_terminal(["check", "--brand", "brand"], warning_brand, NO_COLOR="1")

    assert code == 0
    assert b"WARNING brand/templates/emails/verify_email.html:3: " in output
    assert re.search(rb"\x1b\[[0-9;]*m", output) is None  # no colour or weight at all


def test_errors_are_red_on_a_terminal(tmp_path: Path) -> None:
    make_brand(BROKEN / "html-duplicate-id", tmp_path)

    code, output = _in_terminal(["check", "--brand", "brand"], tmp_path)

    assert code == 1
    assert b"\x1b[31m\x1b[1mERROR\x1b[0m brand/templates/pages/error_page.html:4: " in output


def test_snapshot_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    # The reference brand takes seconds: long enough for the bars to show.
    args = ["snapshot", "--brand", str(REPO / "brand"), "--out", "snapshots"]

    code, output = _in_terminal(args, tmp_path)
    piped = subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=tmp_path,
                           env=_environment(), capture_output=True, timeout=_TIMEOUT_S,
                           check=False)

    assert (code, piped.returncode) == (0, 0)
    text = output.decode("utf-8", "replace")
    assert "Building tenants" in text and "Rendering views" in text
    rendered = len(list((tmp_path / "snapshots" / "rendered").rglob("*.html")))
    assert f"{rendered}/{rendered}" in text  # the bar ends full, counting every view
    assert b"Building tenants" not in piped.stderr + piped.stdout
    assert piped.stdout.decode().startswith("Snapshots in snapshots/: ")
    assert ESCAPE not in piped.stderr + piped.stdout
