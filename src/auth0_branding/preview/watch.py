"""Watch the brand folder: debounce editor save bursts and map changed files to outputs."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

log = logging.getLogger(__name__)

# Editors save through scratch files: vim's `4913` probe and `file~` backup, `.file.swp`,
# emacs' `#file#` and `.#file` locks, JetBrains' `___jb_tmp___`, GNOME's `.goutputstream-*`.
NOISE_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".orig", ".kate-swp",
                  "___jb_tmp___", "___jb_old___")
# `opened` and `closed_no_write` are reads (our own build reading the brand, for one).
CHANGE_EVENTS = frozenset({"created", "modified", "moved", "deleted", "closed"})
QUIET_S = 0.04
MAX_WAIT_S = 0.5
_IDLE_WAIT_S = 1.0


def is_noise(path: Path) -> bool:
    """Tell whether `path` is an editor's scratch file rather than a brand file."""
    name = path.name
    return (not name or name.startswith((".", "#")) or name.endswith(NOISE_SUFFIXES)
            or name.isdigit() or "__pycache__" in path.parts)


def normalise(path: Path | str) -> Path:
    """Return the absolute, symlink-free form of `path`, the graph's one spelling of a file."""
    return _resolved(str(path), os.getcwd())


@lru_cache(maxsize=8192)
def _resolved(path: str, cwd: str) -> Path:
    # A rebuild spells the same few hundred sources again; resolving each is a walk of stats.
    return Path(path).resolve()


@dataclass(frozen=True)
class DependencyGraph:
    """Which outputs each source file feeds, from every output's list of sources."""

    dependents: Mapping[Path, frozenset[str]]

    @classmethod
    def of(cls, sources: Mapping[str, Iterable[Path | str]]) -> DependencyGraph:
        """Invert `{output: its sources}` into `{source: the outputs it feeds}`."""
        graph: dict[Path, set[str]] = {}
        for output, paths in sources.items():
            for path in paths:
                graph.setdefault(normalise(path), set()).add(output)
        return cls({path: frozenset(outputs) for path, outputs in graph.items()})

    def __contains__(self, path: object) -> bool:
        return isinstance(path, (Path, str)) and normalise(path) in self.dependents

    def affected(self, paths: Iterable[Path | str]) -> frozenset[str]:
        """Return the outputs built from any of `paths`."""
        found: set[str] = set()
        for path in paths:
            found |= self.dependents.get(normalise(path), frozenset())
        return frozenset(found)


class Debouncer:
    """Collect changed paths; hand them over in one batch once the burst has gone quiet."""

    def __init__(
        self, on_batch: Callable[[frozenset[Path]], object], quiet: float = QUIET_S,
        max_wait: float = MAX_WAIT_S,
    ) -> None:
        self.on_batch = on_batch
        self.quiet = quiet
        self.max_wait = max_wait
        self._pending: dict[Path, None] = {}
        self._first = self._last = 0.0
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="preview-debounce", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def add(self, paths: Iterable[Path]) -> None:
        """Note changed paths; the batch goes out `quiet` seconds after the last one."""
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._last = now
            for path in paths:
                self._pending[path] = None
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
                if not self._pending:
                    self._cond.wait(timeout=_IDLE_WAIT_S)
                    continue
                # A steady stream of writes must not postpone the rebuild for ever.
                due = min(self._last + self.quiet, self._first + self.max_wait)
                now = time.monotonic()
                if now < due:
                    self._cond.wait(timeout=due - now)
                    continue
                batch = frozenset(self._pending)
                self._pending = {}
            try:
                self.on_batch(batch)
            except Exception:  # noqa: BLE001 - one failed batch must not stop the watching
                log.exception("handling changes to %s failed", sorted(map(str, batch)))


class _Handler(FileSystemEventHandler):
    def __init__(self, debouncer: Debouncer) -> None:
        self.debouncer = debouncer

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGE_EVENTS or event.is_directory:
            return
        paths = (Path(os.fsdecode(p)) for p in (event.src_path, event.dest_path) if p)
        changed = [p for p in paths if not is_noise(p)]
        if changed:
            log.debug("%s: %s", event.event_type, changed)
            self.debouncer.add(changed)


class Watcher:
    """Watch `root` recursively and hand debounced batches of changed files to `on_batch`."""

    def __init__(
        self, root: Path, on_batch: Callable[[frozenset[Path]], object], quiet: float = QUIET_S,
        max_wait: float = MAX_WAIT_S,
    ) -> None:
        self.root = normalise(root)
        self.debouncer = Debouncer(on_batch, quiet, max_wait)
        self._observer = Observer()
        self._observer.daemon = True

    def start(self) -> None:
        self._observer.schedule(_Handler(self.debouncer), str(self.root), recursive=True)
        self.debouncer.start()
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join(timeout=5)
        self.debouncer.stop()
