"""Run libsass in a long-lived worker process, killed when a compile overruns its time limit.

libsass holds the GIL-free C++ stack of a compile and offers no way to stop it, so an
endless `@while` would hang the build (and the preview) for ever. One worker is started on
the first compile and reused: a request costs a pipe round trip (well under a millisecond),
not a process start. On Linux the worker is forked, so it starts in milliseconds with the
modules already imported.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from ..errors import BrandError, Location, StyleError, display_path

log = logging.getLogger(__name__)

TIME_LIMIT_S = 5.0
# Address space the worker may add to what it starts with: a runaway Sass string or list
# fails the compile instead of pushing the machine into swap within the time limit.
MEMORY_LIMIT = 1024 * 1024 * 1024
_CONTEXT: Any = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def run(entry: str, root: str, tokens_scss: str, where: Location | None,
        time_limit: float = TIME_LIMIT_S) -> tuple[str, Any]:
    """Compile `entry` in the worker; raise the compile's BrandError, or one for a timeout."""
    reply = _worker().ask((os.getcwd(), entry, root, tokens_scss, where), entry, time_limit)
    if reply[0] == "ok":
        return reply[1], reply[2]
    _, kind, message, location, hint = reply  # the class travels by name: pickled by reference
    raise kind(message, location, hint)


class _Worker:
    """One child process answering compile requests over a pipe, one at a time."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self.lock = threading.Lock()
        self.process: Any = None
        self.conn: Connection | None = None

    def ask(self, request: tuple, entry: str, time_limit: float) -> tuple:
        with self.lock:
            if self.process is None or not self.process.is_alive():
                self._start()
            assert self.conn is not None
            self.conn.send(request)
            try:
                if self.conn.poll(time_limit):
                    return self.conn.recv()
            except (EOFError, OSError):
                self._stop()
                raise StyleError("the Sass compiler crashed (out of memory?)",
                                 Location(display_path(entry)),
                                 "look for a runaway loop or recursion in the Sass") from None
            self._stop()
            raise StyleError(f"Sass compilation did not finish within {time_limit:g} s",
                             Location(display_path(entry)),
                             "look for an endless @while or @for loop in the Sass")

    def _start(self) -> None:
        parent, child = _CONTEXT.Pipe()
        # A forked worker inherits our end too: it must close it, or it would never see EOF
        # when we die (SIGKILL included), and would outlive us holding our stdout and stderr.
        ours = parent if _CONTEXT.get_start_method() == "fork" else None
        self.process = _CONTEXT.Process(target=_serve, args=(child, ours), daemon=True,
                                        name="sass-worker")
        self.process.start()
        child.close()
        self.conn = parent

    def _stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join()
        if self.conn is not None:
            self.conn.close()
        self.process = self.conn = None


_lock = threading.Lock()
_current: _Worker | None = None


def _worker() -> _Worker:
    global _current
    with _lock:
        # A forked process (the parallel build's workers) must not share its parent's pipe.
        if _current is None or _current.owner != os.getpid():
            _current = _Worker()
        return _current


def _serve(conn: Connection, parents_end: Connection | None = None) -> None:
    from .sass_compile import compile_here

    if parents_end is not None:
        parents_end.close()
    _limit_memory()
    while True:
        try:
            cwd, entry, root, tokens_scss, where = conn.recv()
        except (EOFError, OSError):
            return
        try:
            os.chdir(cwd)  # paths in messages are shown relative to the caller's folder
            css, deps = compile_here(entry, root, tokens_scss, where)
            reply: tuple = ("ok", css, deps)
        except BrandError as error:
            reply = ("error", type(error), error.message, error.location, error.hint)
        except Exception as error:  # noqa: BLE001 - a bug must not look like a hang or crash
            reply = ("error", StyleError, f"the Sass compiler failed: {error}",
                     Location(display_path(entry)), "run with --debug and report it")
        conn.send(reply)


def _limit_memory() -> None:
    try:
        import resource

        with open("/proc/self/statm") as statm:  # Linux: the size now, in pages
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        soft = size + MEMORY_LIMIT
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (ImportError, OSError, ValueError):  # elsewhere: the time limit still holds
        log.debug("no memory limit for the Sass worker")
