"""dist/ under stress: partial builds, files no build wrote, crashes, concurrent builds, full disks."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from brand_overlay import MINIMAL, run_cli
from hostile import tree

from auth0_branding.build.builder import build
from auth0_branding.dist import folder as output_folder
from auth0_branding.dist.folder import output_lock
from auth0_branding.dist.reader import load_dist
from auth0_branding.dist.writer import write_dist
from auth0_branding.errors import DistError

log = logging.getLogger(__name__)

BUILD = ("build", "--brand", "brand", "--out", "dist")
CLI = (sys.executable, "-c", "from auth0_branding.cli import main; main()")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "brand")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _built(workdir: Path, *args: str) -> dict:
    outcome = run_cli(*BUILD, *args)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    return tree(workdir / "dist")


def _leftovers(workdir: Path) -> list[str]:
    return sorted(p.name for p in workdir.iterdir() if p.name.startswith(".dist-"))


def _edit_template(workdir: Path, text: str) -> None:
    layout = workdir / "brand/templates/layouts/page.html"
    layout.write_text(layout.read_text() + f"<!-- {text} -->\n")


# -- what a build may replace, and what it keeps --------------------------------------


def test_a_tenant_build_updates_only_that_tenant_and_merges_the_manifest(workdir: Path) -> None:
    full = _built(workdir)
    _edit_template(workdir, "prod only")
    after = _built(workdir, "--tenant", "prod")

    dev = {p: v for p, v in full.items() if p.startswith("dev/")}
    assert dev and {p: v for p, v in after.items() if p.startswith("dev/")} == dev
    assert after["prod/pages/login.html"] != full["prod/pages/login.html"]
    manifest = json.loads((workdir / "dist/manifest.json").read_text())
    assert sorted(manifest["tenants"]) == ["dev", "prod"]
    assert {o["tenant"] for o in manifest["outputs"]} == {"dev", "prod"}
    # The merged dist/ verifies as a whole, as publishing reads it.
    assert sorted(load_dist(workdir / "dist").tenants) == ["dev", "prod"]


def test_a_tenant_build_refuses_to_carry_an_edited_output(workdir: Path) -> None:
    _built(workdir)
    (workdir / "dist/dev/pages/login.html").write_text("edited by hand")
    before = tree(workdir)
    outcome = run_cli(*BUILD, "--tenant", "prod")
    assert outcome.stderr.splitlines() == [
        "ERROR dist/dev/pages/login.html: changed or missing since its build (build tenant "
        "'dev' again too, or build every tenant)"]
    assert outcome.exit_code == 1
    assert tree(workdir) == before


def test_a_tenant_build_does_not_merge_another_brand(workdir: Path) -> None:
    _built(workdir)
    brand_toml = workdir / "brand/brand.toml"
    brand_toml.write_text(brand_toml.read_text().replace('name = "Minimal"', 'name = "Other"'))
    outcome = run_cli(*BUILD, "--tenant", "prod")
    assert outcome.stderr.splitlines() == [
        "ERROR dist: holds a build of brand 'Minimal', not 'Other' (build every tenant "
        "(without --tenant) to replace it, or choose another --out)"]
    assert run_cli(*BUILD).exit_code == 0  # a full build replaces it


def test_files_no_build_wrote_survive_every_build(workdir: Path) -> None:
    (workdir / "dist/review").mkdir(parents=True)
    (workdir / "dist/review/.auth0-branding-review").write_text("gallery\n")
    (workdir / "dist/review/index.html").write_text("<h1>gallery</h1>\n")
    (workdir / "dist/.gitkeep").write_text("")
    _built(workdir)
    (workdir / "dist/dev/notes.txt").write_text("mine\n")
    (workdir / "dist/latest").symlink_to("dev")
    _edit_template(workdir, "again")
    after = _built(workdir)
    assert after["review/index.html"] == ("file", b"<h1>gallery</h1>\n")
    assert after["dev/notes.txt"] == ("file", b"mine\n")
    assert after["latest"] == ("link", "dev")
    assert ".gitkeep" in after
    assert _leftovers(workdir) == []


def test_outputs_of_tenants_no_longer_configured_go(workdir: Path) -> None:
    _built(workdir)
    tenants = workdir / "brand/tenants.toml"
    text = tenants.read_text()
    tenants.write_text(text[: text.index("[tenants.prod]")])
    after = _built(workdir)
    assert not [p for p in after if p.startswith("prod")]


# -- leftovers, the atomic exchange and its fallback ----------------------------------


def test_leftovers_of_crashed_builds_are_removed(workdir: Path) -> None:
    _built(workdir)
    for name in (".dist-new-0badc0de", ".dist-old-deadbeef"):
        (workdir / name / "dev").mkdir(parents=True)
        (workdir / name / "dev/x.html").write_text("half written")
    (workdir / ".distant-new-1").mkdir()  # not ours: a different folder's name
    _built(workdir)
    assert _leftovers(workdir) == []
    assert (workdir / ".distant-new-1").is_dir()


def test_a_dist_lost_between_two_renames_comes_back_first(workdir: Path) -> None:
    old = _built(workdir)
    os.rename(workdir / "dist", workdir / ".dist-old-0badc0de")  # what a crash there leaves
    (workdir / ".dist-new-0badc0de").mkdir()
    brand_toml = workdir / "brand/brand.toml"
    brand_toml.write_text(brand_toml.read_text().replace('name = "Minimal"', 'name = "Other"'))
    outcome = run_cli(*BUILD, "--tenant", "prod")
    # Restored, then treated as the earlier build it is: a partial build won't merge brands.
    assert outcome.exit_code == 1
    assert tree(workdir / "dist") == old
    assert _leftovers(workdir) == []


def test_without_an_atomic_exchange_two_renames_still_swap(workdir: Path, monkeypatch) -> None:
    _built(workdir)
    monkeypatch.setattr(output_folder, "_exchange_syscall", None)
    _edit_template(workdir, "renamed twice")
    after = _built(workdir)
    assert b"renamed twice" in after["dev/pages/login.html"][1]
    assert _leftovers(workdir) == []


# Runs a build in a child that SIGKILLs itself at one moment, named by (step, count).
CRASHING_BUILD = r"""
import os, signal, sys
from pathlib import Path
from auth0_branding.dist import folder as output_folder

step, count = sys.argv[1], int(sys.argv[2])
calls = [0]

def dying(original, before=False):
    def wrapper(*args, **kwargs):
        calls[0] += 1
        if before and calls[0] >= count:
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if calls[0] >= count:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    return wrapper

if step == "write":
    Path.write_bytes = dying(Path.write_bytes)
elif step == "staged":
    output_folder.swap_in = dying(output_folder.swap_in, before=True)
elif step == "exchange":
    output_folder._exchange = dying(output_folder._exchange)
elif step == "rename":
    output_folder._exchange_syscall = None
    output_folder._rename = dying(output_folder._rename)
elif step == "unlink":
    os.unlink = dying(os.unlink)
import auth0_branding.dist.writer
auth0_branding.dist.writer.swap_in = output_folder.swap_in
from auth0_branding.cli import main
sys.argv = ["auth0-branding", "build", "--brand", "brand", "--out", "dist"]
main()
"""

# An edit rewrites only the outputs it changes (the rest are linked from the last build), so
# the second write moment falls among those few.
MOMENTS = [
    ("write", 1), ("write", 4), ("staged", 1), ("exchange", 1), ("unlink", 1), ("unlink", 15),
    ("rename", 1), ("rename", 2),
]


@pytest.mark.parametrize(("step", "count"), MOMENTS, ids=[f"{s}-{c}" for s, c in MOMENTS])
def test_a_killed_build_leaves_the_old_or_the_new_dist_whole(workdir: Path, step: str,
                                                             count: int) -> None:
    old = _built(workdir)
    _edit_template(workdir, "the new build")
    shutil.copytree(workdir / "brand", workdir / "reference/brand")
    reference = subprocess.run([*CLI, *BUILD],
                               cwd=workdir / "reference", capture_output=True, text=True)
    assert reference.returncode == 0, reference.stderr
    new = tree(workdir / "reference/dist")

    killed = subprocess.run([sys.executable, "-c", CRASHING_BUILD, step, str(count)],
                            cwd=workdir, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -9, killed.stderr

    if step == "rename" and count == 1:
        # Only the fallback has a moment without dist/: the old one waits whole beside it.
        assert not (workdir / "dist").exists()
        retired = [p for p in workdir.iterdir() if p.name.startswith(".dist-old-")]
        assert [tree(p) for p in retired] == [old]
    else:
        assert tree(workdir / "dist") in (old, new)
    assert _built(workdir) == new
    assert _leftovers(workdir) == []


# -- builds at once, and a full disk ---------------------------------------------------


def test_a_build_waits_for_another_writing_the_same_dist(workdir: Path) -> None:
    result = build(workdir / "brand")
    target = workdir / "dist"
    with output_lock(target):
        with pytest.raises(DistError) as refused:
            write_dist(result, target, lock_wait=0.2)
    assert str(refused.value) == (
        "dist: another run is still writing dist (waited 0 s) (wait for it to finish, then run "
        "again)")

    held = threading.Event()

    def hold_briefly() -> None:
        with output_lock(target):
            held.set()
            time.sleep(0.3)

    holder = threading.Thread(target=hold_briefly)
    holder.start()
    held.wait(5)
    write_dist(result, target, lock_wait=10)  # serialised behind the holder
    holder.join()
    assert load_dist(target).tenants


def test_builds_started_together_both_succeed_one_after_the_other(workdir: Path) -> None:
    children = [subprocess.Popen([*CLI, *BUILD],
                                 cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(3)]
    outcomes = [(child.wait(timeout=120), child.stderr.read()) for child in children]
    for child in children:
        child.stdout.close()
        child.stderr.close()
    assert outcomes == [(0, "")] * 3
    assert sorted(load_dist(workdir / "dist").tenants) == ["dev", "prod"]
    assert _leftovers(workdir) == []


def _fill_the_disk(path: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(descriptor, b"\0" * 4096):
            pass
    except OSError:
        pass  # full
    finally:
        os.close(descriptor)


def test_a_full_disk_is_one_line_and_leaves_dist_as_it_was(workdir: Path) -> None:
    disk = workdir / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        assert run_cli(*BUILD[:-1], "disk/dist").exit_code == 0
        _fill_the_disk(disk / "filler")
        _edit_template(workdir, "does not fit")
        before = tree(disk)
        outcome = run_cli(*BUILD[:-1], "disk/dist")
        assert outcome.stderr.splitlines() == [
            "ERROR disk/dist: cannot write the build: No space left on device (check that "
            "disk/dist and its parent folder are writable and the disk has room)"]
        assert outcome.exit_code == 1
        assert tree(disk) == before
    finally:
        subprocess.run(["umount", str(disk)], check=False)
