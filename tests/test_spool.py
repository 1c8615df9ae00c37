"""Builds over worker processes write their outputs into the staging folder as they go.

A fleet of 10 tenants is over `PARALLEL_FROM_TENANTS`, so `--jobs 2` forks two workers, which
write each checked output beside the output folder and hand the parent its hash only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from brand_overlay import snapshot
from fleet import ROOT, fleet_brand

from auth0_branding.build.artifacts import SpooledArtifact
from auth0_branding.build.parallel import PARALLEL_FROM_TENANTS, build_and_check
from auth0_branding.dist.spool import spooling
from auth0_branding.dist.writer import write_dist

TENANTS = 10
assert TENANTS >= PARALLEL_FROM_TENANTS


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fleet_brand(tmp_path_factory.mktemp("fleet"), TENANTS)


def _build(brand: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run `build.py build` on this checkout's code, as a designer would."""
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--brand", str(brand), "--out",
         str(out), "--no-cache", *extra],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False)


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}-*"))


def _inodes(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"}


def test_workers_write_what_one_process_writes(fleet: Path, tmp_path: Path) -> None:
    one, two = _build(fleet, tmp_path / "one", "--jobs", "1"), \
        _build(fleet, tmp_path / "two", "--jobs", "2")

    assert (one.returncode, two.returncode) == (0, 0), one.stderr + two.stderr
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")  # every file, manifest too
    # The same problems (warnings here); those of one line come in the order tenants are merged.
    assert sorted(two.stderr.splitlines()) == sorted(one.stderr.splitlines())
    assert len(json.loads((tmp_path / "two/manifest.json").read_bytes())["outputs"]) > 60 * TENANTS
    assert _leftovers(tmp_path / "two") == []


def test_a_partial_build_over_workers_merges_as_one_process_does(fleet: Path, tmp_path: Path
                                                                 ) -> None:
    rebuilt = [arg for index in range(1, 9) for arg in ("--tenant", f"customer{index:04d}")]
    for out, jobs in ((tmp_path / "one", "1"), (tmp_path / "two", "2")):
        assert _build(fleet, out, "--jobs", jobs).returncode == 0
        outcome = _build(fleet, out, "--jobs", jobs, *rebuilt)
        assert outcome.returncode == 0, outcome.stderr

    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")


def test_the_parent_holds_hashes_and_reads_the_text_from_disk(fleet: Path, tmp_path: Path
                                                              ) -> None:
    out = tmp_path / "dist"
    with spooling(out, fleet) as spool:
        result = build_and_check(fleet, jobs=2, spool=spool)
        spooled = result.artifacts[0]
        assert all(isinstance(a, SpooledArtifact) for a in result.artifacts)
        assert "content" not in vars(spooled) and "data" not in vars(spooled)
        staged = (spool.folder / spooled.path).read_text(encoding="utf-8")
        assert spooled.content == staged
        write_dist(result, out, spool=spool)

    # Once swapped in, the text is read from the output folder.
    assert spooled.content == (out / spooled.path).read_text(encoding="utf-8")
    assert spooled.data == (out / spooled.path).read_bytes()
    assert len(spooled.data) == spooled.size
    assert _leftovers(out) == []


def test_check_writes_nothing_beside_the_brand(fleet: Path, tmp_path: Path) -> None:
    result = build_and_check(fleet, jobs=2)

    assert not any(isinstance(a, SpooledArtifact) for a in result.artifacts)
    assert sorted(p.name for p in fleet.parent.iterdir()) == ["brand"]


def test_a_failing_check_leaves_the_output_folder_and_nothing_beside_it(
        tmp_path: Path) -> None:
    brand = fleet_brand(tmp_path, TENANTS)
    out = tmp_path / "dist"
    assert _build(brand, out, "--jobs", "2").returncode == 0
    before, inodes = snapshot(out), _inodes(out)
    page = brand / "templates/pages/error_page.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        '<section class="ap-card"', '<p id="error-title"></p><section class="ap-card"', 1),
        encoding="utf-8")

    outcome = _build(brand, out, "--jobs", "2")

    assert outcome.returncode == 1
    assert 'duplicate-id id "error-title" is used more than once' in outcome.stderr
    assert outcome.stderr.splitlines()[-1].endswith(f"; {out} left unchanged")
    assert (snapshot(out), _inodes(out)) == (before, inodes)
    assert _leftovers(out) == []


def test_a_build_error_in_a_worker_leaves_nothing_beside_the_output(tmp_path: Path) -> None:
    brand = fleet_brand(tmp_path, TENANTS)
    email = brand / "templates/emails/welcome_email.html"
    email.write_text(email.read_text(encoding="utf-8").replace(
        "vars.company_name", "vars.company_nam", 1), encoding="utf-8")

    outcome = _build(brand, tmp_path / "dist", "--jobs", "2")

    assert outcome.returncode == 1
    assert "undefined variable 'company_nam'" in outcome.stderr
    assert not (tmp_path / "dist").exists()
    assert _leftovers(tmp_path / "dist") == []


def test_a_crashed_builds_staging_folder_is_removed_by_the_next(tmp_path: Path) -> None:
    brand = fleet_brand(tmp_path, TENANTS)
    out = tmp_path / "dist"
    crashing = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--brand", str(brand), "--out",
         str(out), "--no-cache", "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    # Killed, workers and all, once the workers have written some outputs.
    deadline = time.monotonic() + 300
    while not any(out.parent.glob(f".{out.name}-new-*/*/*/*")) and crashing.poll() is None:
        assert time.monotonic() < deadline, "the build wrote nothing"
        time.sleep(0.05)
    os.killpg(crashing.pid, signal.SIGKILL)
    crashing.wait()
    left = _leftovers(out)
    assert len(left) == 1 and "-new-" in left[0] and not out.exists()

    outcome = _build(brand, out, "--jobs", "2")

    assert outcome.returncode == 0, outcome.stderr
    assert _leftovers(out) == []
    assert len(json.loads((out / "manifest.json").read_bytes())["outputs"]) > 60 * TENANTS


def test_a_live_builds_staging_folder_is_left_to_it(fleet: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    with spooling(out, fleet) as live:
        (live.folder / "half-written").write_text("still building\n")

        outcome = _build(fleet, out, "--jobs", "2")

        assert outcome.returncode == 0, outcome.stderr
        assert (live.folder / "half-written").read_text() == "still building\n"
    assert _leftovers(out) == []


def test_unchanged_outputs_keep_their_inode_across_builds_with_workers(tmp_path: Path) -> None:
    brand = fleet_brand(tmp_path, TENANTS)
    out = tmp_path / "dist"
    assert _build(brand, out, "--jobs", "2").returncode == 0
    before = _inodes(out)
    edited = out / "customer0003/pages/login.html"
    edited.write_text("changed by hand\n")  # not what the build wrote: written again
    template = brand / "templates/emails/welcome_email.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        'class="ap-title"', 'class="ap-title x"'), encoding="utf-8")

    assert _build(brand, out, "--jobs", "2").returncode == 0

    after = _inodes(out)
    assert after.keys() == before.keys()
    rewritten = {path for path in before if after[path] != before[path]}
    assert rewritten == {"customer0003/pages/login.html",
                         *(f"customer{index:04d}/emails/welcome_email.html"
                           for index in range(TENANTS))}
    assert edited.read_bytes() != b"changed by hand\n"
    assert _leftovers(out) == []


def test_outputs_with_the_same_bytes_are_one_file_and_a_hand_edit_of_one_is_undone(
        tmp_path: Path) -> None:
    brand = fleet_brand(tmp_path, TENANTS, distinct=False)
    out = tmp_path / "dist"
    assert _build(brand, out, "--jobs", "2").returncode == 0
    outputs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    by_hash: dict[str, list[Path]] = {}
    for output in outputs:
        by_hash.setdefault(output["sha256"], []).append(out / output["path"])
    shared = max(by_hash.values(), key=len)
    assert len(shared) >= TENANTS
    # At most one file per worker for each distinct output, and each holds its bytes.
    assert len({p.stat().st_ino for p in shared}) <= 2
    assert len({p.stat().st_ino for paths in by_hash.values() for p in paths}) <= 2 * len(by_hash)
    for output in outputs:
        data = (out / output["path"]).read_bytes()
        assert len(data) == output["size"]

    first = shared[0]
    original = first.read_bytes()
    with first.open("ab") as handle:  # edited in place: every twin of its inode shows it
        handle.write(b" ")
    assert _build(brand, out, "--jobs", "2").returncode == 0
    assert all(path.read_bytes() == original for path in shared)
