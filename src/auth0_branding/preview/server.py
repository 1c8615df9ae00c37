"""A generic live-reload server handed a site: GET/HEAD only, reloads over Server-Sent Events."""

from __future__ import annotations

import ipaddress
import logging
import mimetypes
import queue
import select
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

from .events import ALL_OUTPUTS, CLOSED, Failure, Hub, Rebuilt
from .pages import EVENTS_URL, inject, reload_client
from .watch import QUIET_S, Watcher

log = logging.getLogger(__name__)

ALLOWED_METHODS = "GET, HEAD"
EVENTS_ROUTE = tuple(EVENTS_URL.strip("/").split("/"))
KEEPALIVE_S = 10.0
GONE_POLL_S = 0.2  # how often an idle event stream checks that its tab is still there


@dataclass(frozen=True)
class Page:
    """One response of a site; HTML naming the output it shows gets the reload client."""

    body: str | bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    watch: str | None = None


class Site(Protocol):
    """What the server serves: pages by route, and a rebuild for changed files."""

    def respond(self, route: tuple[str, ...], query: Mapping[str, str]) -> Page | None: ...

    def rebuild(self, paths: frozenset[Path], watched: frozenset[str] = frozenset(),
                early: Callable[[Rebuilt], None] | None = None) -> Rebuilt: ...


def parse_target(target: str) -> tuple[tuple[str, ...], dict[str, str]] | None:
    """Split a request target into decoded path segments and query; None when unsafe."""
    if not target.startswith("/") or target.startswith("//"):
        return None  # absolute-form and network-path targets name no file of ours
    parts = urlsplit(target)
    raw = parts.path.split("/")[1:]
    if raw and raw[-1] == "" and len(raw) > 1:
        raw = raw[:-1]  # tolerate one trailing slash
    segments = []
    for piece in raw:
        try:
            segment = unquote(piece, errors="strict")
        except UnicodeDecodeError:
            return None
        # Decoded, a segment must still be one plain name: no `..`, `%2e%2e`, `%2f`, `\`, NUL.
        if segment in (".", "..") or any(c in segment for c in "/\\\0"):
            return None
        segments.append(segment)
    if segments == [""]:
        segments = []
    if "" in segments:
        return None
    return tuple(segments), dict(parse_qsl(parts.query))


def is_loopback(host: str) -> bool:
    """Tell whether `host` is a loopback address (127.0.0.0/8 or ::1)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "auth0-branding-preview"

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        self._respond(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(head=True)

    def __getattr__(self, name: str) -> Any:
        # http.server answers 501 for methods it has no do_X for; every other method,
        # known or invented, is simply not allowed here.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self._send(Page(b"405 method not allowed\n", "text/plain; charset=utf-8", 405),
                   head=self.command == "HEAD", extra={"Allow": ALLOWED_METHODS})

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        log.debug("%s %s", self.address_string(), format % args)

    def _respond(self, head: bool) -> None:
        live = self.server.live
        if not self._host_allowed():
            return self._send(Page(b"403 unexpected Host header\n", "text/plain; charset=utf-8",
                                   403), head)
        parsed = parse_target(self.path)
        if parsed is None:
            return self._send(_NOT_FOUND, head)
        route, query = parsed
        if route == EVENTS_ROUTE:
            return self._events(query, head)
        since = live.hub.generation  # read first: a rebuild during rendering must still reach it
        try:
            page = live.site.respond(route, query)
        except Exception:  # noqa: BLE001 - a broken view must not take the server down
            log.exception("rendering %s failed", self.path)
            page = Page(b"500 preview error: see the terminal\n", "text/plain; charset=utf-8",
                        500)
        self._send(page or _NOT_FOUND, head, since)

    def _host_allowed(self) -> bool:
        """Refuse other host names on a loopback server, so DNS rebinding cannot reach it."""
        if not is_loopback(str(self.server.server_address[0])):
            return True  # bound elsewhere on purpose with --host
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name == "localhost" or is_loopback(name.strip("[]"))

    def _send(self, page: Page, head: bool, since: int = 0,
              extra: Mapping[str, str] | None = None) -> None:
        body = page.body
        if page.watch is not None and page.content_type.startswith("text/html"):
            text = body.decode("utf-8") if isinstance(body, bytes) else body
            body = inject(text, reload_client(page.watch, since))
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(page.status)
        self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _events(self, query: Mapping[str, str], head: bool) -> None:
        since = query.get("since", "")
        watch = query.get("watch", ALL_OUTPUTS)
        if "\n" in watch or "\r" in watch:
            # It is echoed as an event's data: a line break would forge events.
            return self._send(_NOT_FOUND, head)
        # On a reconnect the browser sends the id of the last event it saw: resume from there.
        resume = self.headers.get("Last-Event-ID", "") or since
        connection = self.connection
        stream = None if head else self.server.live.hub.open(
            watch, int(resume) if resume.isdigit() else None,
            gone=lambda: _client_gone(connection))
        if stream is None and not head:
            return self._send(Page(b"503 too many open previews\n", "text/plain", 503), head)
        try:
            # Inside the try: a tab gone before the headers are out must still free its stream.
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if stream is None:
                return
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            quiet_since = time.monotonic()
            while True:  # ends when the server shuts down or the tab goes away
                try:
                    event, data, generation = stream.messages.get(timeout=GONE_POLL_S)
                except queue.Empty:
                    # A closed tab must give its slot back now, not at the next keep-alive.
                    if _client_gone(self.connection):
                        log.debug("event stream for %s: the tab went away", watch)
                        return
                    if time.monotonic() - quiet_since >= KEEPALIVE_S:
                        self.wfile.write(b": keep-alive\n\n")  # proxies drop idle streams
                        self.wfile.flush()
                        quiet_since = time.monotonic()
                    continue
                quiet_since = time.monotonic()
                if (event, data, generation) == CLOSED:
                    return
                self.wfile.write(f"id: {generation}\nevent: {event}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except OSError:
            log.debug("event stream for %s closed by the browser", watch)
        finally:
            if stream is not None:
                self.server.live.hub.close(stream)


_NOT_FOUND = Page(b"404 not found\n", "text/plain; charset=utf-8", 404)


def _client_gone(sock: socket.socket) -> bool:
    """Tell whether the peer closed (or reset) the connection, without blocking or reading.

    An event stream's client sends nothing after its request, so a readable socket means
    end of file (the tab closed) or a reset; bytes waiting (a pipelined request) mean it is
    still there.
    """
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):  # reset, or already closed
        return True


def file_page(root: Path, segments: tuple[str, ...]) -> Page | None:
    """Serve a file under `root`; never a directory, a dotfile or a way out of `root`."""
    if not segments or any(s.startswith(".") for s in segments):
        return None
    try:
        top = root.resolve(strict=True)
        # resolve() follows symlinks, so a link pointing out of the tree lands outside it.
        path = top.joinpath(*segments).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(top) or not path.is_file():
        return None
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Page(path.read_bytes(), kind)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    live: LiveServer

    def __init__(self, address: tuple[str, int], live: LiveServer) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.live = live
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints tracebacks to stderr; a tab closed mid-response is routine.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            log.debug("%s went away: %s", client_address, error)
        else:
            log.exception("request from %s failed", client_address)


class LiveServer:
    """Serve a Site with live reload, rebuilding it when files under `watch_root` change."""

    def __init__(
        self, site: Site, host: str = "127.0.0.1", port: int = 0, *,
        watch_root: Path | None = None, quiet: float = QUIET_S,
        on_rebuilt: Callable[[Rebuilt, float], None] | None = None,
    ) -> None:
        self.site = site
        self.on_rebuilt = on_rebuilt  # told each outcome and its duration in seconds
        self.hub = Hub()
        self._httpd = _HTTPServer((host, port), self)
        self._watcher = Watcher(watch_root, self.changed, quiet) if watch_root else None
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={
            "poll_interval": 0.2}, name="preview-http", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> LiveServer:
        """Serve in a background thread and watch for changes."""
        self._thread.start()
        if self._watcher:
            self._watcher.start()
        return self

    def stop(self) -> None:
        """Stop watching, end every event stream and close the socket."""
        if self._watcher:
            self._watcher.stop()
        self.hub.shutdown()
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def publish(self, rebuilt: Rebuilt) -> None:
        """Tell the open tabs: reload those showing a changed output, show or clear failures."""
        self.hub.publish(rebuilt)

    def changed(self, paths: frozenset[Path]) -> Rebuilt:
        """Rebuild for `paths` and tell the tabs; the watcher calls this after each burst."""
        started = time.perf_counter()
        try:
            rebuilt = self.site.rebuild(paths, self.hub.watched(), self.publish)
        except Exception as error:  # noqa: BLE001 - shown in the browser, the server lives on
            log.exception("rebuild failed unexpectedly")
            rebuilt = Rebuilt(failure=Failure.of(error))
        self.publish(rebuilt)
        if self.on_rebuilt is not None:
            self.on_rebuilt(rebuilt, time.perf_counter() - started)
        return rebuilt
