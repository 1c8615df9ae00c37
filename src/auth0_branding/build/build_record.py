"""A whole build's record: when nothing a build reads has changed, its result is known.

The outermost stage of the cache. Its key is the digest of every file in the brand folder
(every source a build reads lies inside it: `read_source` refuses the rest), the folder the
build runs from (problems name files relative to it) and the tool's own version; its value
is the manifest the build wrote and the problems its checks found. A full build whose key
has a record, and whose output folder still holds that manifest with every file's bytes
as listed, has nothing left to do; `check` needs only the problems. A brand folder that
holds a linked folder (whose files the walk would not see), a file that cannot be read or
anything but a regular file is never recorded, so it is always built.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from ..dist.folder import has_leftovers
from ..dist.manifest import earlier_manifest
from ..errors import Problem
from .cache import MISSING, Cache, key_of
from .stages import problems_from_data, problems_to_data

STAGE = "build-record"


def brand_key(brand_dir: Path, *skipped: Path | None) -> str | None:
    """Return the digest of everything in `brand_dir` but the `skipped` folders (None: unsure)."""
    root = os.path.realpath(brand_dir)
    leave_out = {os.path.realpath(folder) for folder in skipped if folder is not None}
    files: list[list[str]] = []
    for folder, dirs, names in os.walk(root):
        for name in dirs:
            if os.path.islink(os.path.join(folder, name)):
                return None  # its files would be read, not walked
        dirs[:] = sorted(d for d in dirs if os.path.join(folder, d) not in leave_out)
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                if not stat.S_ISREG(os.stat(path).st_mode):
                    return None  # a pipe or a device: never opened here, the build refuses it
                with open(path, "rb") as file:
                    digest = hashlib.sha256(file.read()).hexdigest()
            except OSError:
                return None
            link = os.readlink(path) if os.path.islink(path) else None
            files.append([os.path.relpath(path, root), digest, link or ""])
    return key_of(STAGE, root, os.getcwd(), files)


def recorded_problems(cache: Cache | None, key: str | None) -> list[Problem] | None:
    """Return the problems of the build recorded under `key` (None: no such build)."""
    found = _record(cache, key)
    return None if found is None else problems_from_data(found["problems"], "", "")


def unchanged_output(cache: Cache | None, key: str | None, target: Path
                     ) -> tuple[list[Problem], dict[str, Any]] | None:
    """Return the recorded build's problems and manifest if `target` still holds it.

    Not while a crashed run's folders lie beside it: the build clears them away.
    """
    found = _record(cache, key)
    if found is None or has_leftovers(target):
        return None
    manifest = found["manifest"]
    if earlier_manifest(target) != manifest or not _files_match(target, manifest):
        return None
    return problems_from_data(found["problems"], "", ""), manifest


def record_build(cache: Cache | None, key: str | None, manifest: dict[str, Any],
                 problems: list[Problem]) -> None:
    """Keep what a build wrote and found under the key of what it read."""
    if cache is not None and cache.folder is not None and key is not None:
        cache.put(STAGE, key, {"manifest": manifest, "problems": problems_to_data(problems)})


def _record(cache: Cache | None, key: str | None) -> dict[str, Any] | None:
    if cache is None or cache.folder is None or key is None:
        return None
    found = cache.get(STAGE, key)
    if found is MISSING or not isinstance(found, dict) or not isinstance(
            found.get("manifest"), dict) or not isinstance(found.get("problems"), list):
        return None
    return found


def _files_match(target: Path, manifest: dict[str, Any]) -> bool:
    for output in manifest.get("outputs", ()):
        try:
            path = target / output["path"]
            if path.is_symlink():
                return False
            if hashlib.sha256(path.read_bytes()).hexdigest() != output["sha256"]:
                return False
        except (OSError, KeyError, TypeError):
            return False
    return True
