"""Assemble fixture brands from overlays and run the CLI on them in-process."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from auth0_branding.cli import cli

log = logging.getLogger(__name__)

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
BROKEN = FIXTURES / "broken"
VALID = FIXTURES / "valid"
DELETE_LIST = ".delete"


@dataclass(frozen=True)
class Outcome:
    """What one CLI run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def problems(self) -> list[tuple[str, str, str, str | None, int | None]]:
        """Parse `--format json` output into (severity, code, message, path, line) rows."""
        return [(p["severity"], p["code"], p["message"], p["path"], p["line"])
                for p in json.loads(self.stdout)]


def make_brand(overlay: Path | None, root: Path, name: str = "brand") -> Path:
    """Copy the minimal brand to `root/name`, then lay `overlay` over it.

    Files in the overlay replace or add files; a `.delete` file lists paths (one a line,
    relative to the brand) to remove, so a case can express a missing file.
    """
    brand = root / name
    shutil.copytree(MINIMAL, brand)
    if overlay is None:
        return brand
    for source in sorted(overlay.rglob("*")):
        relative = source.relative_to(overlay)
        if source.is_dir() or relative == Path(DELETE_LIST):
            continue
        target = brand / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    deletions = overlay / DELETE_LIST
    if deletions.is_file():
        for line in deletions.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                (brand / line.strip()).unlink()
    return brand


def run_cli(*args: str) -> Outcome:
    """Run the CLI in the current directory, as `python build.py ARGS` would."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True,
                                prog_name="auth0-branding")
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    return Outcome(result.exit_code, result.stdout, result.stderr, exception)


def build_overlay(overlay: Path, root: Path) -> Path:
    """Build `overlay` (over the minimal brand) into `root/dist` with the CLI; return dist."""
    make_brand(overlay, root)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        outcome = run_cli("build", "--brand", "brand", "--out", "dist")
    assert outcome.exit_code == 0, outcome.stderr
    return root / "dist"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under `folder` with its bytes, for before/after comparisons."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}
