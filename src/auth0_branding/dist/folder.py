"""Replace an output folder whole, safely: refuse folders that aren't ours, lock, swap atomically.

A build (or a review gallery) is written into a hidden staging folder beside its output folder,
then exchanged with it in one step, so a reader or a crash only ever sees the old folder or the
new one, whole. On Linux the exchange is `renameat2(RENAME_EXCHANGE)`; elsewhere, or on a file
system without it, two renames, and the next run puts a retired folder back if a crash fell
between them. Leftovers of crashed runs are removed under the same lock that serialises runs.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import DistError, Location, display_path

log = logging.getLogger(__name__)

# Files that don't make a folder someone's: an empty dist/ kept in git still counts as empty.
IGNORABLE = frozenset({".gitkeep", ".gitignore", ".DS_Store"})
# Inside a folder `review` writes: such a folder (dist/review/ by default) is carried over.
REVIEW_MARKER = ".auth0-branding-review"
LOCK_WAIT_SECONDS = 300.0
_NEW, _OLD = "new", "old"
# The longest name a sibling can take: `.<name>-new-<8 hex>` must fit in NAME_MAX (255).
MAX_NAME = 255 - len(".-new-") - 8

try:  # Linux only; the package is not installed elsewhere.
    from renameat2 import exchange as _exchange_syscall
except ImportError:  # pragma: no cover - exercised only off Linux
    _exchange_syscall = None


def resolve_output(out_dir: Path, option: str = "--out") -> Path:
    """Return `out_dir` made absolute, refusing names no folder can have (one line each)."""
    shown = display_path(out_dir)
    absolute = Path(os.path.abspath(out_dir))
    if len(absolute.name) > MAX_NAME:
        raise DistError(f"{option} {shown[:40]}…: the folder name is {len(absolute.name)} "
                        f"characters long, over the {MAX_NAME} this file system allows",
                        hint=f"give {option} a shorter name")
    for ancestor in (absolute, *absolute.parents):
        if ancestor.is_symlink() or ancestor.exists():
            if not ancestor.is_dir():
                what = "is a file" if ancestor == absolute else f"lies under {display_path(ancestor)}, a file"
                raise DistError(f"{option} {shown} {what}, not a folder",
                                hint=f"pass {option} a folder, or move the file away")
            break
    return Path(os.path.realpath(absolute))


def refuse_unsafe(out_dir: Path, brand_dir: Path | None, option: str = "--out") -> None:
    """Refuse an output folder whose replacement would destroy sources or a working tree."""
    shown = display_path(out_dir)
    out = Path(os.path.realpath(out_dir))
    hint = f"give {option} a folder of its own, such as dist"
    brand = Path(os.path.realpath(brand_dir)) if brand_dir is not None else None
    cwd = Path(os.getcwd())
    roots = _work_tree_roots(out, cwd, brand)
    refusals = [
        (brand is not None and out == brand, "is the brand folder"),
        (brand is not None and out.is_relative_to(brand), "lies inside the brand folder"),
        (out == cwd, "is the current folder"),
        (any(root == out for root in roots), "is the root of a git work tree"),
        (cwd.is_relative_to(out), "holds the current folder"),
        (brand is not None and brand.is_relative_to(out), "holds the brand folder"),
        (any(root.is_relative_to(out) for root in roots), "holds a git work tree"),
    ]
    for refused, what in refusals:
        if refused:
            raise DistError(f"{option} {shown} {what}, whose contents would be replaced",
                            hint=hint)


def _work_tree_roots(out: Path, cwd: Path, brand: Path | None) -> set[Path]:
    roots = set()
    starts = [out, cwd] + ([brand] if brand else [])
    for start in starts:
        for folder in (start, *start.parents):
            if (folder / ".git").exists():
                roots.add(folder)
                break
    return roots


def contents_of(out_dir: Path) -> list[str]:
    """The entries of `out_dir` that make it someone's (empty for a missing or empty folder)."""
    try:
        return sorted(set(os.listdir(out_dir)) - IGNORABLE)
    except FileNotFoundError:
        return []


@contextmanager
def output_lock(out_dir: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive lock for writing `out_dir`, waiting up to `wait` seconds.

    The lock is taken on the parent folder itself (flock works on a folder's descriptor), so
    it writes nothing next to the output, and dies with the process that held it.
    """
    parent = out_dir.parent
    descriptor = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DistError(
                        f"another run is still writing {display_path(out_dir)} (waited "
                        f"{wait:.0f} s)", Location(display_path(out_dir)),
                        "wait for it to finish, then run again") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def clean_leftovers(out_dir: Path, is_ours: Callable[[Path], bool]) -> None:
    """Remove the staging and retired folders of crashed runs; restore a lost `out_dir` first.

    Call with the lock held: another run's staging folder is not a leftover, nor is one
    still marked `in_use` by a live build.
    """
    siblings = {role: sorted(_siblings(out_dir, role), key=_mtime, reverse=True)
                for role in (_NEW, _OLD)}
    if not out_dir.exists():
        # Only the two-rename fallback leaves this: the crash fell between its renames.
        retired = next((p for p in siblings[_OLD] if p.is_dir() and is_ours(p)), None)
        if retired is not None:
            log.warning("restoring %s from %s, left by an interrupted run", out_dir, retired)
            os.rename(retired, out_dir)
            siblings[_OLD].remove(retired)
    for leftover in siblings[_NEW] + siblings[_OLD]:
        if _in_use(leftover):
            continue  # a build still writing into it (`in_use`), this one's own included
        log.info("removing %s, left by an interrupted run", leftover)
        discard(leftover)


def has_leftovers(out_dir: Path) -> bool:
    """Tell whether crashed runs left staging or retired folders beside `out_dir`."""
    return any(next(_siblings(out_dir, role), None) is not None for role in (_NEW, _OLD))


def _siblings(out_dir: Path, role: str) -> Iterator[Path]:
    """The staging (`new`) or retired (`old`) folders of runs writing `out_dir`."""
    return out_dir.parent.glob(f".{glob.escape(out_dir.name)}-{role}-*")


def staging_folder(out_dir: Path) -> Path:
    """Make an empty sibling folder to build the next `out_dir` in."""
    staging = _sibling(out_dir, _NEW)
    # Not tempfile.mkdtemp: its folders are private (0700), and this one becomes the output.
    staging.mkdir()
    return staging


@contextmanager
def in_use(folder: Path) -> Iterator[None]:
    """Mark `folder` as a live run's until the block ends, so `clean_leftovers` leaves it.

    A build's staging folder lasts the whole build, without the output lock, which other
    runs take meanwhile. The mark is a lock on the folder: it dies with the processes that
    hold it (workers forked inside the block too), so a crashed run's folder is a leftover.
    """
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the mark


def _in_use(folder: Path) -> bool:
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def swap_in(staging: Path, out_dir: Path) -> None:
    """Put `staging` in place of `out_dir` in one step, then remove the old folder."""
    if not out_dir.exists():
        _rename(staging, out_dir)
        return
    if _exchange_syscall is not None:
        try:
            _exchange(staging, out_dir)
        except OSError as error:
            if error.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                raise
            log.info("no atomic exchange on this file system (%s); renaming twice", error)
        else:
            discard(staging)  # now holds the old folder
            return
    retired = _sibling(out_dir, _OLD)
    _rename(out_dir, retired)
    try:
        _rename(staging, out_dir)
    except BaseException:
        _rename(retired, out_dir)
        raise
    discard(retired)


def discard(folder: Path) -> None:
    """Remove a folder of ours whole, whatever it holds."""
    shutil.rmtree(folder, ignore_errors=True)


# The single steps, named so crash tests can stop a run between any two of them.
def _exchange(first: Path, second: Path) -> None:
    assert _exchange_syscall is not None
    _exchange_syscall(first, second)


def _rename(source: Path, target: Path) -> None:
    os.rename(source, target)


def _sibling(out_dir: Path, role: str) -> Path:
    return out_dir.parent / f".{out_dir.name}-{role}-{secrets.token_hex(4)}"


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0
