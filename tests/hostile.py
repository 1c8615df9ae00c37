"""A harness for bad and hostile input: one exact line, its exit code, and nothing touched.

Each case starts from the minimal brand next to a previous `dist/`, changes the brand (or
the folder around it) with `mutate`, runs the CLI, and asserts:
- stderr is exactly the expected `ERROR <path>:<line>: <what> (<hint>)` line(s);
- the exit code;
- no traceback reached the user;
- every file and folder under the working folder, dist/ and brand/ included, is byte for
  byte what it was after `mutate` (so nothing was written next to dist/ either).

Cases that could hang (FIFOs, endless Sass loops) run the CLI in a subprocess with a time
limit, so a regression fails the test instead of stalling the suite.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from brand_overlay import make_brand, run_cli

import auth0_branding
from auth0_branding.build.cache import DEFAULT_FOLDER_NAME

log = logging.getLogger(__name__)

BUILD = ("build", "--brand", "brand", "--out", "dist")


# An earlier build's manifest, listing the one file of the old dist/.
OLD_MANIFEST = (b'{"format": 1, "generator": "auth0-branding build", "brand": "Minimal", '
                b'"tenants": {"dev": {}}, "outputs": [{"tenant": "dev", '
                b'"path": "dev/pages/login.html"}]}\n')


@dataclass(frozen=True)
class Hostile:
    """One bad input and the exact line the CLI must answer it with."""

    id: str
    mutate: Callable[[Path], None]  # receives the brand folder; its parent is the cwd
    lines: tuple[str, ...]  # expected stderr lines, each without the leading "ERROR "
    args: tuple[str, ...] = BUILD
    exit_code: int = 1
    subprocess: bool = False  # run in a child process with a time limit (may hang)
    # Run the child without the root's power to read any file, so permissions mean what they
    # say (CI runs as root).
    drop_file_overrides: bool = False


def case(id: str, mutate: Callable[[Path], None], *lines: str, args: tuple[str, ...] = BUILD,
         exit_code: int = 1, subprocess: bool = False, drop_file_overrides: bool = False
         ) -> Hostile:
    """Shorthand for a Hostile with its expected lines as trailing arguments."""
    return Hostile(id, mutate, lines, args, exit_code, subprocess or drop_file_overrides,
                   drop_file_overrides)


def tree(root: Path) -> dict[str, tuple[str, bytes | str | None]]:
    """Every entry under `root` (symlinks not followed): its kind and contents."""
    entries: dict[str, tuple[str, bytes | str | None]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            relative = str(path.relative_to(root))
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                entries[relative] = ("link", os.readlink(path))
            elif stat.S_ISDIR(mode):
                entries[relative] = ("dir", None)
            elif stat.S_ISREG(mode):
                try:
                    entries[relative] = ("file", path.read_bytes())
                except PermissionError:
                    entries[relative] = ("unreadable", None)
            else:
                entries[relative] = ("special", None)
    return entries


def lay_out(root: Path) -> Path:
    """Make the minimal brand and a previous dist/ in `root`; return the brand folder."""
    brand = make_brand(None, root)
    old = root / "dist"
    (old / "dev/pages").mkdir(parents=True)
    (old / "dev/pages/login.html").write_bytes(b"<!-- the last good build -->\n")
    (old / "manifest.json").write_bytes(OLD_MANIFEST)
    return brand


def assert_refused(hostile: Hostile, root: Path) -> None:
    """Run `hostile` in `root` (the current directory) and assert everything the class asks."""
    brand = lay_out(root)
    hostile.mutate(brand)
    before = tree(root)
    if hostile.subprocess:
        code, stderr, traceback = _run_child(hostile.args, root, hostile.drop_file_overrides)
    else:
        outcome = run_cli(*hostile.args)
        code, stderr = outcome.exit_code, outcome.stderr
        traceback = repr(outcome.exception) if outcome.exception is not None else None
    assert traceback is None, traceback
    assert stderr.splitlines() == [f"ERROR {line}" for line in hostile.lines]
    assert code == hostile.exit_code
    # The build cache beside the brand may keep the stages that ran before the refusal:
    # entries keyed by what they read, outside every output.
    after = {path: entry for path, entry in tree(root).items()
             if DEFAULT_FOLDER_NAME not in Path(path).parts}
    assert sorted(set(after) ^ set(before)) == []
    changed = [path for path in before if before[path] != after[path]]
    assert changed == []


def _run_child(args: tuple[str, ...], root: Path, drop_file_overrides: bool = False,
               timeout: float = 60.0) -> tuple[int, str, str | None]:
    prefix: list[str] = []
    if drop_file_overrides and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv (util-linux) to drop CAP_DAC_OVERRIDE")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    # The child runs in `root`, where a relative PYTHONPATH (src) means nothing: point it at
    # the code under test, not whatever copy is installed.
    code = str(Path(auth0_branding.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (code, os.environ.get("PYTHONPATH", "")) if p)}
    result = subprocess.run(
        [*prefix, sys.executable, "-c", "from auth0_branding.cli import main; main()", *args],
        cwd=root, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        env=env,
    )
    traceback = result.stderr if "Traceback (most recent call last)" in result.stderr else None
    return result.returncode, result.stderr, traceback
