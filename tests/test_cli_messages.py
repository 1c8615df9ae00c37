"""The messages a newcomer reads first: help texts, and the preview console's findings."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

from brand_overlay import BROKEN, make_brand, run_cli

REPO = Path(__file__).resolve().parents[1]
_WAIT_S = 60


def test_watch_is_serve_under_another_name() -> None:
    watch, serve = run_cli("watch", "--help"), run_cli("serve", "--help")

    assert watch.exit_code == serve.exit_code == 0
    assert "alias" not in watch.stdout + serve.stdout
    assert watch.stdout.splitlines()[2].strip() == (
        "Another name for `serve`: preview, rebuilding and reloading on save.")
    # The same options, in the same words.
    assert watch.stdout.split("Options:")[1] == serve.stdout.split("Options:")[1]


def _lines(stream) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _until(lines: queue.Queue[str], wanted: str) -> list[str]:
    seen = []
    while True:
        line = lines.get(timeout=_WAIT_S)  # queue.Empty fails the test
        seen.append(line)
        if line.startswith(wanted):
            return seen


def test_the_preview_console_prints_findings_as_they_change(tmp_path: Path) -> None:
    brand = make_brand(BROKEN / "email-unescaped-user-name", tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--brand", "brand", "--port", "0",
         "--no-open"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        text=True)
    try:
        lines = _lines(server.stderr)
        assert _until(lines, "Checks: ") == [
            "WARNING brand/templates/emails/verify_email.html:3: unescaped untrusted user.name "
            "printed without | escape: {{ user.name }} (add | escape as the last filter)",
            "Checks: 0 error(s), 1 warning(s)"]
        email = brand / "templates" / "emails" / "verify_email.html"
        email.write_text(email.read_text(encoding="utf-8").replace(
            "{{ user.name }}", "{{ user.name | escape }}"), encoding="utf-8")
        assert _until(lines, "Checks: ") == ["Checks: 0 error(s), 0 warning(s) (1 fixed)"]
    finally:
        server.terminate()
        server.wait(timeout=_WAIT_S)
