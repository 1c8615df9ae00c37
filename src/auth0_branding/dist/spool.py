"""Write a build's outputs, one by one, into the staging folder that becomes its output folder.

The staging folder is made before the build (`spooling`), so the processes of a build can
write each output as soon as it is checked and keep only its hash: no process holds the text
of every output. `write_dist` then carries over what it must, adds the manifest and swaps the
folder in; a build that fails leaves the folder to be removed whole. An output whose bytes
equal the previous build's file is linked to that file instead of written, so it keeps its
inode and time, and tools that watch dist/ (rsync, make, a CDN sync) see only what changed.
Outputs of one build with the same bytes (a fleet's tenants sharing templates and tokens)
are links to one file: creating a file costs far more than linking one, and a thousand
tenants hold only a few dozen distinct outputs. An edit by hand then shows in every twin;
the manifest's hashes catch it (publishing refuses, the next build writes them again).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from ..build.artifacts import Artifact, SpooledArtifact
from ..errors import DistError, Location, display_path, printable
from .folder import (
    LOCK_WAIT_SECONDS,
    discard,
    in_use,
    output_lock,
    refuse_unsafe,
    resolve_output,
    staging_folder,
)
from .manifest import earlier_manifest


class Spool:
    """The staging folder of one build into `out_dir`, and what writing into it needs."""

    def __init__(self, folder: Path, out_dir: Path, shown: str,
                 previous: Mapping[str, str]) -> None:
        self.folder = folder
        self.out_dir = out_dir  # resolved
        self.shown = shown  # the output folder as the user named it
        # The previous build's outputs: path -> sha256, to find those that did not change.
        self.previous = previous
        self._folders_made: set[Path] = set()
        self._by_hash: dict[str, Path] = {}  # sha256 -> the first file this process wrote
        self._shared: dict[Any, Any] = {}  # the values its outputs share (SpooledArtifact)

    def write(self, artifact: Artifact) -> SpooledArtifact:
        """Write one output into the staging folder, or link it to a file of the same bytes:
        its unchanged previous file, else an output of this build."""
        relative = inside(artifact.path)
        file = self.folder / relative
        sha256 = artifact.sha256
        try:
            if file.parent not in self._folders_made:
                file.parent.mkdir(parents=True, exist_ok=True)
                self._folders_made.add(file.parent)
            if self.previous.get(artifact.path) == sha256 and _kept(
                    self.out_dir / relative, file, sha256):
                self._by_hash.setdefault(sha256, file)
            elif not _linked(self._by_hash.get(sha256), file):
                file.write_bytes(artifact.data)
                self._by_hash[sha256] = file  # a file past the link limit passes it on
        except OSError as error:
            raise unwritable(error, self.shown) from error
        return SpooledArtifact(artifact, self.folder, self.out_dir, self._shared)

    def holds(self, artifact: Artifact) -> bool:
        """Whether `artifact` was written into this staging folder already."""
        return isinstance(artifact, SpooledArtifact) and artifact.staging == self.folder

    def __getstate__(self) -> dict[str, Any]:
        # A worker process makes the folders it writes into itself.
        return {**self.__dict__, "_folders_made": set(), "_by_hash": {}, "_shared": {}}


@contextmanager
def spooling(out_dir: Path, brand_dir: Path | None,
             lock_wait: float = LOCK_WAIT_SECONDS) -> Iterator[Spool]:
    """Make the staging folder of a build into `out_dir`; remove it unless it was swapped in.

    It lies beside `out_dir` (the same file system, so the swap is a rename) and is named
    as `clean_leftovers` finds the folders of crashed runs; while the block runs it is
    marked in use, so other runs leave it. An output folder that must not be replaced is
    refused here, before the build.
    """
    shown = display_path(out_dir)
    target = resolve_output(out_dir)
    refuse_unsafe(target, brand_dir)
    with ExitStack() as stack:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Under the output lock: another run's clean_leftovers never sees it unmarked.
            with output_lock(target, lock_wait):
                folder = staging_folder(target)
                # Once swapped in, it holds nothing, or the folder it replaced.
                stack.callback(discard, folder)
                stack.enter_context(in_use(folder))
        except OSError as error:
            raise unwritable(error, shown) from error
        yield Spool(folder, target, shown, _hashes(earlier_manifest(target)))


def unwritable(error: OSError, shown: str) -> DistError:
    """The error for an output folder that cannot be written (permissions, a full disk)."""
    return DistError(f"cannot write the build: {error.strerror or error}", Location(shown),
                     f"check that {shown} and its parent folder are writable and the disk has "
                     "room")


def inside(relative: str) -> str:
    """Return `relative`, refusing a path that leaves the output folder."""
    # Tenant names are checked at load; this guards the manifest of an earlier build too.
    parts = Path(relative).parts
    if Path(relative).is_absolute() or ".." in parts or not parts:
        raise DistError(f"path '{printable(relative)}' leaves the output folder",
                        hint="rebuild every tenant")
    return relative


def _hashes(previous: dict[str, Any] | None) -> dict[str, str]:
    if previous is None:
        return {}
    return {str(o.get("path")): str(o.get("sha256")) for o in previous["outputs"]
            if isinstance(o, dict)}


def _linked(twin: Path | None, copy: Path) -> bool:
    """Link `copy` to `twin`, a file with the same bytes; False if it cannot be (none yet, a
    file system without links, or the twin's link count at its limit)."""
    if twin is None:
        return False
    try:
        os.link(twin, copy)
    except OSError:
        return False
    return True


def _kept(earlier: Path, copy: Path, sha256: str) -> bool:
    """Link an unchanged output of the previous build into the new one; False if it changed.

    Its bytes are checked, not its manifest line: a file edited by hand since is written
    again.
    """
    try:
        if earlier.is_symlink() or not earlier.is_file():
            return False
        if hashlib.sha256(earlier.read_bytes()).hexdigest() != sha256:
            return False
    except OSError:
        return False
    return _linked(earlier, copy)
