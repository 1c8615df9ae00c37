"""Write a build into its output folder: staged beside it, checked to be ours, exchanged whole."""

from __future__ import annotations

import hashlib
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
    output_lock,
    refuse_unsafe,
    resolve_output,
    swap_in,
)
from .manifest import MANIFEST, earlier_manifest, manifest_bytes, manifest_of
from .spool import Spool, inside, spooling, unwritable

if TYPE_CHECKING:
    from ..build.builder import BuildResult


def write_dist(result: BuildResult, out_dir: Path, *, partial: bool = False,
               lock_wait: float = LOCK_WAIT_SECONDS, spool: Spool | None = None
               ) -> dict[str, Any]:
    """Write the build beside `out_dir`, then swap it in whole; return the manifest written.

    Only a missing, empty or earlier build's folder is replaced. Files in it that no build
    wrote (a review gallery, a .gitkeep) are carried over. With `partial`, the build holds
    some tenants only: the others' outputs are carried over too, and the manifests merge.
    `spool`: the staging folder (`spooling(out_dir, ...)`) the build wrote its outputs into
    already, in part or whole; without it, one is made here.
    """
    if spool is None:
        with spooling(out_dir, result.config.brand_dir, lock_wait) as made:
            return write_dist(result, out_dir, partial=partial, lock_wait=lock_wait, spool=made)
    target = resolve_output(out_dir)
    if target != spool.out_dir:
        raise ValueError(f"the staging folder {spool.folder} is not for {out_dir}")
    refuse_unsafe(target, result.config.brand_dir)
    try:
        with output_lock(target, lock_wait):
            clean_leftovers(target, lambda folder: earlier_manifest(folder) is not None)
            previous = _previous_build(target, spool.shown)
            manifest = _fill(spool, result, target, previous, partial)
            swap_in(spool.folder, target)
    except OSError as error:
        raise unwritable(error, spool.shown) from error
    return manifest


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


def _fill(spool: Spool, result: BuildResult, target: Path, previous: dict[str, Any] | None,
          partial: bool) -> dict[str, Any]:
    staging = spool.folder
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
    for artifact in result.artifacts:
        if not spool.holds(artifact):
            spool.write(artifact)
    for relative in _unlisted(target, listed):
        if relative in written:
            raise DistError(f"{display_path(target / relative)} is in the way of a build output "
                            "and was not written by a build", Location(display_path(target)),
                            "move it away, then build again")
        _carry(target, staging, relative)
    (staging / MANIFEST).write_bytes(manifest_bytes(manifest))
    return manifest


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
    source, copy = target / inside(relative), staging / inside(relative)
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
