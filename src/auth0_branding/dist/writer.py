"""Write a build into its output folder: staged beside it, checked to be ours, exchanged whole."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DistError, Location, display_path, printable
from .folder import (
    LOCK_WAIT_SECONDS,
    REVIEW_MARKER,
    clean_leftovers,
    contents_of,
    discard,
    output_lock,
    refuse_unsafe,
    resolve_output,
    staging_folder,
    swap_in,
)
from .manifest import MANIFEST, earlier_manifest, manifest_of

if TYPE_CHECKING:
    from ..build.builder import BuildResult


def write_dist(result: BuildResult, out_dir: Path, *, partial: bool = False,
               lock_wait: float = LOCK_WAIT_SECONDS) -> None:
    """Write the build beside `out_dir`, then swap it in whole.

    Only a missing, empty or earlier build's folder is replaced. Files in it that no build
    wrote (a review gallery, a .gitkeep) are carried over. With `partial`, the build holds
    some tenants only: the others' outputs are carried over too, and the manifests merge.
    """
    shown = display_path(out_dir)
    target = resolve_output(out_dir)
    refuse_unsafe(target, result.config.brand_dir)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with output_lock(target, lock_wait):
            clean_leftovers(target, lambda folder: earlier_manifest(folder) is not None)
            previous = _previous_build(target, shown)
            staging = staging_folder(target)
            try:
                _fill(staging, result, target, previous, partial)
                swap_in(staging, target)
            except BaseException:
                discard(staging)
                raise
    except OSError as error:
        raise DistError(f"cannot write the build: {error.strerror or error}", Location(shown),
                        f"check that {shown} and its parent folder are writable and the disk "
                        "has room") from error


def _previous_build(target: Path, shown: str) -> dict[str, Any] | None:
    manifest = earlier_manifest(target)
    if manifest is not None:
        return manifest
    foreign = [entry for entry in contents_of(target)
               if not (target / entry / REVIEW_MARKER).is_file()]
    if foreign:
        raise DistError(f"holds files no build wrote, such as '{printable(foreign[0])}', and the "
                        "build replaces its output folder whole", Location(shown),
                        "choose an empty or new folder with --out, or move those files away")
    return None


def _fill(staging: Path, result: BuildResult, target: Path, previous: dict[str, Any] | None,
          partial: bool) -> None:
    manifest = manifest_of(result)
    written = {a.path for a in result.artifacts}
    listed = {str(o.get("path")) for o in previous["outputs"] if isinstance(o, dict)} \
        if previous else set()
    if partial and previous:
        kept_tenants, kept_outputs = _kept_tenants(result, previous, target)
        for output in kept_outputs:
            _carry(target, staging, output["path"], output)
        written |= {o["path"] for o in kept_outputs}
        manifest["tenants"] = dict(sorted({**kept_tenants, **manifest["tenants"]}.items()))
        order = list(manifest["tenants"])
        manifest["outputs"] = sorted([*kept_outputs, *manifest["outputs"]],
                                     key=lambda o: order.index(o["tenant"]))
    folders: set[Path] = set()
    before = _hashes(previous)
    for artifact in result.artifacts:
        relative = _inside(artifact.path)
        target_file = staging / relative
        if target_file.parent not in folders:
            target_file.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target_file.parent)
        if before.get(artifact.path) != artifact.sha256 or not _kept(
                target / relative, target_file, artifact.sha256):
            target_file.write_bytes(artifact.data)
    for relative in _unlisted(target, listed):
        if relative in written:
            raise DistError(f"{display_path(target / relative)} is in the way of a build output "
                            "and was not written by a build", Location(display_path(target)),
                            "move it away, then build again")
        _carry(target, staging, relative)
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                    encoding="utf-8")


def _hashes(previous: dict[str, Any] | None) -> dict[str, str]:
    if previous is None:
        return {}
    return {str(o.get("path")): str(o.get("sha256")) for o in previous["outputs"]
            if isinstance(o, dict)}


def _kept(earlier: Path, copy: Path, sha256: str) -> bool:
    """Link an unchanged output of the previous build into the new one; False if it changed.

    The file keeps its inode and time, so tools that watch dist/ (rsync, make, a CDN sync)
    see only what the build changed. Its bytes are checked, not its manifest line: a file
    edited by hand since is written again.
    """
    try:
        if earlier.is_symlink() or not earlier.is_file():
            return False
        if hashlib.sha256(earlier.read_bytes()).hexdigest() != sha256:
            return False
        os.link(earlier, copy)
    except OSError:
        return False
    return True


def _kept_tenants(result: BuildResult, previous: dict[str, Any], target: Path
                  ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    shown = display_path(target)
    if previous.get("brand") != result.config.name:
        raise DistError(f"holds a build of brand '{printable(str(previous.get('brand')))}'"
                        f", not '{printable(result.config.name)}'", Location(shown),
                        "build every tenant (without --tenant) to replace it, or choose another "
                        "--out")
    rebuilt = {t.name for t in result.tenants}
    tenants = {name: spec for name, spec in previous["tenants"].items() if name not in rebuilt}
    outputs = [o for o in previous["outputs"]
               if isinstance(o, dict) and o.get("tenant") in tenants]
    return tenants, outputs


def _unlisted(target: Path, listed: set[str]) -> Iterator[str]:
    """Files and links under `target` that no build wrote (none of the manifest's outputs)."""
    if not target.is_dir():
        return
    for folder, dirs, files in os.walk(target):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            relative = os.path.relpath(os.path.join(folder, name), target)
            if relative != MANIFEST and relative not in listed:
                yield relative


def _carry(target: Path, staging: Path, relative: str, output: Mapping[str, Any] | None = None
           ) -> None:
    """Bring one file of the previous folder into the staging folder, unchanged."""
    source, copy = target / _inside(relative), staging / _inside(relative)
    copy.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), copy)
        return
    if output is not None:
        data = source.read_bytes() if source.is_file() else b""
        if hashlib.sha256(data).hexdigest() != output.get("sha256"):
            raise DistError("changed or missing since its build", Location(display_path(source)),
                            f"build tenant '{printable(str(output.get('tenant')))}' again too, or "
                            "build every tenant")
    try:
        # The previous folder is retired right after: a link shares the bytes without copying.
        os.link(source, copy)
    except OSError:
        shutil.copy2(source, copy)


def _inside(relative: str) -> str:
    # Tenant names are checked at load; this guards the manifest of an earlier build too.
    parts = Path(relative).parts
    if Path(relative).is_absolute() or ".." in parts or not parts:
        raise DistError(f"path '{printable(relative)}' leaves the output folder",
                        hint="rebuild every tenant")
    return relative
