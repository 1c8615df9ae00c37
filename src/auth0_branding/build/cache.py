"""The build's content-addressed cache: each stage's result, keyed by a hash of what it reads.

A key is the SHA-256 of a canonical encoding of a stage's inputs and of the tool itself (the
text of this package's modules and the versions of the libraries whose output we ship), so
an upgrade, or an edit of our own code, never reuses a result computed by other code.

Two layers. In memory, identical work within one process is done once: tenants with the
same inputs share renders, inlining and checks. On disk (optional), results outlive the
run: one file per entry, `<folder>/<format>/<key[:2]>/<key>`, whose first line names the
key and the SHA-256 of the payload after it. An entry that fails either test (a torn write,
a flipped bit, a file copied from elsewhere) is reported as a warning, deleted and rebuilt:
it can cost time, never produce a wrong output. Payloads are JSON, never pickle, so a
foreign folder cannot run code. Entries are written to a temporary file and renamed into
place, so concurrent builds sharing a folder only ever see whole entries; two builds that
compute the same key write the same bytes. The folder is kept under a size bound by
deleting the least recently used entries (a hit refreshes an entry's time).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT = "v1"
MAGIC = "auth0-branding-cache"
DEFAULT_FOLDER_NAME = ".auth0-branding-cache"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# What a process holds in memory, in characters of text: a fleet's shared work fits; a
# fleet of distinct tenants is not all held at once (its results go to the folder), nor
# does a long preview session grow without end.
MEMORY_CHARS = 16 * 1024 * 1024
# The libraries whose behaviour shapes what a stage returns.
_LIBRARIES = ("libsass", "premailer", "cssutils", "css-inline", "jinja2", "markupsafe",
              "python-liquid", "beautifulsoup4", "lxml", "babel")
MISSING: Any = object()


@lru_cache(maxsize=1)
def tool_version() -> str:
    """Return a digest of this package's code and of the libraries its outputs depend on."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{FORMAT} {sys.version}".encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".html", ".css") and path.is_file():
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    for name in _LIBRARIES:
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=none".encode())
    return digest.hexdigest()


def key_of(stage: str, *parts: Any) -> str:
    """Return the key of a stage's result from its inputs (JSON values, in a fixed order)."""
    text = json.dumps([tool_version(), stage, *parts], ensure_ascii=False,
                      separators=(",", ":"))
    return text_digest(text)


def text_digest(text: str) -> str:
    """Return the SHA-256 of a text: a long text keys a stage without being encoded as JSON."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Stats:
    """How a cache answered, per stage: hits in memory, hits on disk, misses, bad entries."""

    memory: dict[str, int] = field(default_factory=dict)
    disk: dict[str, int] = field(default_factory=dict)
    missed: dict[str, int] = field(default_factory=dict)
    corrupt: int = 0

    def count(self, table: dict[str, int], stage: str) -> None:
        table[stage] = table.get(stage, 0) + 1


class Cache:
    """A memory layer over an optional folder of entries (None: within this process only)."""

    def __init__(self, folder: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 read_only: bool = False) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.read_only = read_only  # `check` reads a build's cache and writes nothing
        self.stats = Stats()
        self._memory: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._held = 0  # characters of text in memory
        self.memory_chars = MEMORY_CHARS  # the bound on it
        self._root = os.path.join(folder, FORMAT) if folder is not None else ""
        self.written = 0  # entries written by this process: a build that wrote none, prunes none
        self._lock = threading.Lock()  # the preview renders from more than one thread

    def get(self, stage: str, key: str, on_disk: bool = True) -> Any:
        """Return the stored result for `key`, else MISSING (`on_disk`: look in the folder)."""
        with self._lock:
            held = self._memory.get(key)
            if held is not None:
                self._memory.move_to_end(key)
                self.stats.count(self.stats.memory, stage)
                return held[0]
        value = self._read(key) if self.folder is not None and on_disk else MISSING
        if value is MISSING:
            self.stats.count(self.stats.missed, stage)
            return MISSING
        self.stats.count(self.stats.disk, stage)
        self._remember(key, value)
        return value

    def put(self, stage: str, key: str, value: Any, on_disk: bool = True) -> Any:
        """Store `value` (JSON data) for `key` and return it (`on_disk`: in the folder too)."""
        self._remember(key, value)
        if self.folder is not None and on_disk and not self.read_only:
            self._write(key, value)
        return value

    def _remember(self, key: str, value: Any) -> None:
        size = _size(value)
        with self._lock:
            earlier = self._memory.pop(key, None)
            if earlier is not None:
                self._held -= earlier[1]
            self._memory[key] = (value, size)
            self._held += size
            while self._held > self.memory_chars and len(self._memory) > 1:
                self._held -= self._memory.popitem(last=False)[1][1]

    def _path(self, key: str) -> str:
        return os.path.join(self._root, key[:2], key)

    def _read(self, key: str) -> Any:
        path = self._path(key)
        try:
            with open(path, "rb") as file:
                data = file.read()
        except FileNotFoundError:
            return MISSING
        except OSError as error:
            log.warning("cannot read cache entry %s (%s); building it again", path,
                        error.strerror or error)
            return MISSING
        header, _, payload = data.partition(b"\n")
        expected = f"{MAGIC} {FORMAT} {key} {hashlib.sha256(payload).hexdigest()}".encode()
        value = MISSING
        if header == expected:
            try:
                value = json.loads(payload)
            except ValueError:
                value = MISSING
        if value is MISSING:
            self.stats.corrupt += 1
            log.warning("cache entry %s is corrupt or was not written for this key; "
                        "building it again", path)
            if not self.read_only:
                _unlink(path)
            return MISSING
        if not self.read_only:
            try:
                os.utime(path)  # recently used: the last to be evicted
            except OSError:
                pass
        return value

    def _write(self, key: str, value: Any) -> None:
        path = self._path(key)
        payload = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass")
        header = f"{MAGIC} {FORMAT} {key} {hashlib.sha256(payload).hexdigest()}\n".encode()
        folder = os.path.dirname(path)
        try:
            os.makedirs(folder, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(header + payload)
                os.replace(temporary, path)
            except BaseException:
                _unlink(temporary)
                raise
            self.written += 1
        except OSError as error:
            # A full or read-only cache slows the next build down; it never fails this one.
            log.warning("cannot write cache entry %s (%s)", path, error.strerror or error)

    def prune(self) -> int:
        """Delete the least recently used entries until the folder is under its bound.

        Returns the number of entries deleted. Safe beside other builds: a reader that loses
        an entry to eviction sees a miss and builds it again.
        """
        if self.folder is None or not self.written:
            return 0
        entries = []
        total = 0
        for path in _entries(self._root):
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                continue
            entries.append((stat.st_mtime_ns, stat.st_size, path))
            total += stat.st_size
        if total <= self.max_bytes:
            return 0
        deleted = 0
        # Down to 80% of the bound, so the next few builds do not prune again.
        for _, size, path in sorted(entries, key=lambda entry: entry[0]):
            if total <= self.max_bytes * 0.8:
                break
            _unlink(path)
            total -= size
            deleted += 1
        return deleted


def _size(value: Any) -> int:
    """Return about how many characters a JSON value holds (its strings, nested)."""
    total, pending = 0, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item) + 50
        elif isinstance(item, list):
            total += 50
            pending.extend(item)
        else:
            total += 50
    return total


def _entries(root: str) -> Iterator[str]:
    try:
        shards = list(os.scandir(root))
    except FileNotFoundError:
        return
    for shard in shards:
        if shard.is_dir(follow_symlinks=False):
            for entry in os.scandir(shard.path):
                # Temporary files of a write under way are left to the build writing them.
                if entry.is_file(follow_symlinks=False) and not entry.name.startswith("."):
                    yield entry.path


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# The process's cache: a memory-only one unless a build names a folder. A module global
# rather than a context variable, so worker processes forked from a build inherit it.
_active = Cache()


def active() -> Cache:
    """Return the cache the stages of this process consult."""
    return _active


@contextmanager
def using(cache: Cache) -> Iterator[Cache]:
    """Make `cache` the one the stages consult while the block runs."""
    global _active
    earlier, _active = _active, cache
    try:
        yield cache
    finally:
        _active = earlier


def default_folder(brand_dir: Path) -> Path:
    """Return where a brand's cache lives by default: beside the brand folder."""
    return brand_dir.resolve().parent / DEFAULT_FOLDER_NAME
