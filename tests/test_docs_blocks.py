"""The docs' command blocks run as written: each is extracted and run with bash in a fresh copy.

A block that stops working is a failing test, not a newcomer's first hour lost. Each runs in a
temporary folder holding the repository's build.py and brand/, with `python` on PATH being this
interpreter and PYTHONPATH the source tree, so nothing (.env, .emulator/, dist/) is written into
the checkout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The variables `publish` reads: the real environment wins over .env, so none may leak in.
_LEAKY = re.compile(r"^AUTH0_")


def first_sh_block(doc: Path, heading: str) -> str:
    """Return the first ```sh block after `heading` in `doc`."""
    text = doc.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    match = re.compile(r"^```sh\n(.*?)^```$", re.S | re.M).search(text, start)
    assert match, f"{doc.name}: no sh block after {heading!r}"
    return match.group(1)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """Return a fresh working folder with build.py and a copy of the brand, dist/ not built."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy2(ROOT / "build.py", work / "build.py")
    shutil.copytree(ROOT / "brand", work / "brand")
    (work / "dist").mkdir()
    return work


def _environment(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    python = bin_dir / "python"
    if not python.exists():
        python.symlink_to(sys.executable)
    env = {k: v for k, v in os.environ.items() if not _LEAKY.match(k)}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(ROOT / "src"),
               CI="1", COLUMNS="120")
    return env


def run_block(block: str, cwd: Path, env: dict[str, str], timeout: float) -> str:
    """Run `block` with `bash -e`; return its output; fail on a non-zero exit or a leftover."""
    process = subprocess.Popen(
        ["bash", "-e", "-o", "pipefail", "-c", block], cwd=cwd, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        output = ""
    finally:
        # Whatever happened, nothing the block started outlives the test.
        try:
            os.killpg(process.pid, 0)
            left_behind = True
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            left_behind = False
        process.wait(timeout=10)
    assert process.returncode == 0, f"exit {process.returncode}:\n{output}"
    assert not left_behind, f"the block left processes behind:\n{output}"
    return output


def _rows(output: str, tenant: str) -> list[dict[str, str]]:
    """Return the summary table rows of `tenant`, by column, in the order they were printed."""
    rows: list[dict[str, str]] = []
    header: list[str] = []
    for line in output.splitlines():
        words = line.split()
        if words[:2] == ["tenant", "status"]:
            header = words
        elif header and words[:1] == [tenant]:
            rows.append(dict(zip(header, words, strict=False)))
    return rows


def _counts(row: dict[str, str]) -> dict[str, int]:
    return {name: int(row[name]) for name in ("create", "update", "same", "written")}


def _untouched(paths: list[Path]) -> dict[Path, float | None]:
    return {path: path.stat().st_mtime if path.exists() else None for path in paths}


def test_the_publishing_quick_start_runs_verbatim_twice(workdir: Path, tmp_path: Path) -> None:
    block = first_sh_block(ROOT / "docs" / "publishing.md", "## Quick start")
    env = _environment(tmp_path)
    guarded = [ROOT / ".env", ROOT / ".emulator", ROOT / ".backups"]
    before = _untouched(guarded)
    built = subprocess.run([sys.executable, "build.py", "build"], cwd=workdir, env=env,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    output = run_block(block, workdir, env, timeout=240)

    # diff, publish, publish, drift, publish, drift, in the block's order.
    rows = _rows(output, "dev")
    assert len(rows) == 6, output
    assert all(row["status"] == "ok" for row in rows), output
    diff, publish, again, drifted, repair, clean = map(_counts, rows)
    # A fresh tenant: everything to create, nothing written.
    assert diff["create"] > 40 and diff["written"] == 0
    assert publish["written"] == diff["create"] + diff["update"]
    assert (publish["create"], publish["update"]) == (diff["create"], diff["update"])
    assert (again["create"], again["update"], again["written"]) == (0, 0, 0)  # nothing to do
    # The curl edit: drift exits 2 naming branding; the repair writes it back.
    assert (drifted["create"], drifted["update"]) == (0, 1) and "DRIFT dev: branding\n" in output
    assert (repair["update"], repair["written"]) == (1, 1)
    assert (clean["create"], clean["update"]) == (0, 0)  # drift exit 0 (else the block fails)

    log = (workdir / ".emulator" / "log").read_text(encoding="utf-8")
    assert "State saved to .emulator/state.json" in log and log.endswith("Emulator stopped.\n")
    state = json.loads((workdir / ".emulator" / "state.json").read_text(encoding="utf-8"))
    shipped = json.loads((workdir / "dist" / "dev" / "branding.json").read_text(encoding="utf-8"))
    # Saved on SIGTERM, after the repair: dev holds dist/'s colours again, not the edit's.
    assert state["tenants"]["dev"]["branding"]["colors"] == shipped["colors"] != {
        **shipped["colors"], "primary": "#ff00ff"}
    assert (workdir / ".env").read_text(encoding="utf-8").startswith("# Written by the")
    assert _untouched(guarded) == before  # nothing landed in the checkout


def test_the_emulator_quick_start_runs_verbatim(workdir: Path, tmp_path: Path) -> None:
    block = first_sh_block(ROOT / "docs" / "emulator.md", "## Quick start")
    output = run_block(block, workdir, _environment(tmp_path), timeout=240)

    assert re.search(r"^Built \d+ outputs for 3 tenant\(s\) into dist/ \(0 error", output, re.M)
    for tenant in ("dev", "staging", "prod"):
        publish_row, drift_row = _rows(output, tenant)
        assert publish_row["status"] == drift_row["status"] == "ok", output
        publish, drift = _counts(publish_row), _counts(drift_row)
        assert publish["create"] > 40
        assert publish["written"] == publish["create"] + publish["update"]
        assert (drift["create"], drift["update"]) == (0, 0)  # exit 0 (else the block fails)
    state = json.loads((workdir / ".emulator" / "state.json").read_text(encoding="utf-8"))
    assert sorted(state["tenants"]) == ["dev", "prod", "staging"]
