"""Server-Sent Events for the preview: rebuild outcomes, and which open tab hears what."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass

from ..errors import BrandError

ALL_OUTPUTS = "*"  # what the index watches: it shows every output
MAX_STREAMS = 64  # each open tab holds a server thread; beyond this, refuse rather than starve
CLOSED = ("", "", 0)  # the message that ends a stream


@dataclass(frozen=True)
class Failure:
    """A failed rebuild, as the overlay shows it: what, where, what next."""

    message: str
    path: str | None = None
    line: int | None = None
    col: int | None = None
    hint: str | None = None

    @classmethod
    def of(cls, error: BaseException) -> Failure:
        """Describe `error`; anything but a BrandError is our bug, and says so."""
        if isinstance(error, BrandError):
            where = error.location
            return cls(error.message, where.path if where else None,
                       where.line if where else None, where.col if where else None, error.hint)
        return cls(f"internal error: {type(error).__name__}: {error}",
                   hint="this is a bug in the preview: see the terminal (run with --debug)")

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else (self.path or "")
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild did: the outputs whose views changed, or the failure to show.

    `told`: outputs that changed too, of which the open tabs showing them were told while
    the rest was still being built (`changed` names the rest).
    """

    changed: frozenset[str] = frozenset()
    failure: Failure | None = None
    told: frozenset[str] = frozenset()


class Stream:
    """One open tab's event stream: the output it shows, and the messages due to it.

    `gone` tells, without blocking, whether the tab has hung up (None: never known).
    """

    def __init__(self, watch: str, gone: Callable[[], bool] | None = None) -> None:
        self.watch = watch
        self.gone = gone
        self.messages: queue.Queue[tuple[str, str, int]] = queue.Queue()


class Hub:
    """Keep the open event streams, and tell each what it must hear after a rebuild."""

    def __init__(self) -> None:
        self.generation = 0
        self.failure: Failure | None = None
        self._changed_at: dict[str, int] = {}
        self._streams: set[Stream] = set()
        self._closed = False
        self._lock = threading.Lock()

    def open(self, watch: str, since: int | None,
             gone: Callable[[], bool] | None = None) -> Stream | None:
        """Open a stream for a tab showing `watch`, rendered at generation `since`."""
        with self._lock:
            if len(self._streams) >= MAX_STREAMS:
                self._release_gone()
            if self._closed or len(self._streams) >= MAX_STREAMS:
                return None
            stream = Stream(watch, gone)
            self._streams.add(stream)
            self._state_to(stream)
            # The page was rendered before this stream opened: a rebuild in between counts.
            if since is not None and self._last_change(watch) > since:
                stream.messages.put(("reload", watch, self.generation))
            return stream

    def watched(self) -> frozenset[str]:
        """Return the outputs the open tabs show (not the index, which shows them all)."""
        with self._lock:
            return frozenset(stream.watch for stream in self._streams) - {ALL_OUTPUTS}

    def close(self, stream: Stream) -> None:
        """Forget a stream whose tab has gone."""
        with self._lock:
            self._streams.discard(stream)

    def publish(self, rebuilt: Rebuilt) -> None:
        """Show or clear the failure everywhere; reload only tabs showing a changed output."""
        with self._lock:
            if not rebuilt.changed and rebuilt.failure == self.failure:
                return
            if rebuilt.changed:
                self.generation += 1
                for key in rebuilt.changed:
                    self._changed_at[key] = self.generation
            self.failure = rebuilt.failure
            for stream in self._streams:
                self._state_to(stream)
                if stream.watch in rebuilt.changed or (
                    stream.watch == ALL_OUTPUTS and rebuilt.changed
                ):
                    stream.messages.put(("reload", stream.watch, self.generation))

    def shutdown(self) -> None:
        """End every stream, for the server is stopping."""
        with self._lock:
            self._closed = True
            for stream in self._streams:
                stream.messages.put(CLOSED)

    def _release_gone(self) -> None:
        # Full up: the tabs that hung up since their stream last looked give their slots
        # back now, so a new tab is refused only when every slot is really in use.
        for stream in [s for s in self._streams if s.gone is not None and s.gone()]:
            self._streams.discard(stream)
            stream.messages.put(CLOSED)

    def _last_change(self, watch: str) -> int:
        if watch == ALL_OUTPUTS:
            return max(self._changed_at.values(), default=0)
        return self._changed_at.get(watch, 0)

    def _state_to(self, stream: Stream) -> None:
        if self.failure is None:
            stream.messages.put(("ok", "{}", self.generation))
        else:
            stream.messages.put(("failure", json.dumps(asdict(self.failure)), self.generation))
