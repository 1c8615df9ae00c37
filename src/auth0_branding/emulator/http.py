"""Carry HTTP to and from the emulator: a loopback keep-alive server and JSON answers."""

from __future__ import annotations

import dataclasses
import json
import logging
import socket
import socketserver
import ssl
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..auth0.contract import PAYLOAD_MAX_BYTES
from .schema import HttpError, phrase

log = logging.getLogger(__name__)

HOST = "127.0.0.1"  # loopback only: the emulator hands out tokens to anyone who asks

# http.server hands over an email Message (case-insensitive); tests may pass a dict.
Headers = Message | Mapping[str, str]


@dataclass(frozen=True)
class Outcome:
    """A complete answer, its body already serialised; `close` ends the connection."""

    status: int
    payload: bytes = b""
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    close: bool = False


def json_outcome(status: int, body: Any = None, headers: Mapping[str, str] | None = None) -> Outcome:
    """Serialise `body` (None: no body) into an answer."""
    payload = b"" if body is None else json.dumps(body).encode("utf-8")
    return Outcome(status, payload, dict(headers or {}))


def error_outcome(error: HttpError, headers: Mapping[str, str] | None = None) -> Outcome:
    """Answer with Auth0's error body for `error`, plus any extra headers."""
    return json_outcome(error.status, error.body(), {**(headers or {}), **error.headers})


# (method, target, headers, body) -> the answer; None drops the connection unanswered,
# a None body means the payload was over PAYLOAD_MAX_BYTES and was left unread.
Respond = Callable[[str, str, Headers, "bytes | None"], "Outcome | None"]


class _Handler(BaseHTTPRequestHandler):
    """Translate one HTTP exchange into a call of the server's `respond`, and back."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's httpx client expects
    server_version = "auth0-emulator"
    sys_version = ""
    timeout = 60  # an idle keep-alive connection frees its thread after this
    server: LoopbackServer

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            # The handshake happens here, in this connection's thread, not in the accept
            # loop: a client that stalls it cannot hold up everyone else.
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("%s %s", self.address_string(), format % args)

    def _dispatch(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._send(error_outcome(HttpError(411, "Length Required")), close=True)
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send(error_outcome(HttpError(400, "Invalid Content-Length")), close=True)
            return
        body = None if length > PAYLOAD_MAX_BYTES else self.rfile.read(length)
        if body is not None and len(body) < length:
            # The client hung up mid-body: a truncated write must never be applied.
            log.debug("%s hung up after %d of %d body bytes", self.address_string(),
                      len(body), length)
            self.close_connection = True
            return
        try:
            outcome = self.server.respond(self.command, self.path, self.headers, body)
        except Exception:  # a bug in the emulator must not kill the connection thread silently
            log.exception("emulator failed on %s %s", self.command, self.path)
            outcome = error_outcome(HttpError(500, "Emulator error (see its log)"))
        if outcome is None:
            self.close_connection = True
            return
        self._send(outcome, close=outcome.close)

    def _send(self, outcome: Outcome, close: bool = False) -> None:
        self.send_response(outcome.status, phrase(outcome.status))
        if outcome.status != 204:
            self.send_header("Content-Length", str(len(outcome.payload)))
        if outcome.payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        for key, value in outcome.headers.items():
            self.send_header(key, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(outcome.payload)


class LoopbackServer(ThreadingHTTPServer):
    """Serve `respond` on 127.0.0.1, one thread per connection, closable on shutdown.

    With a TLS context it speaks HTTPS instead of plain HTTP.
    """

    daemon_threads = True

    def __init__(self, port: int, respond: Respond, tls: ssl.SSLContext | None = None) -> None:
        self.respond = respond
        self.tls = tls
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__((HOST, port), _Handler)

    @property
    def port(self) -> int:
        """Return the bound port (the real one when asked for port 0)."""
        return int(self.server_address[1])

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup, slow on machines without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.port

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, address = super().get_request()
        # Headers and body go out as two writes; without this, Nagle's algorithm and
        # delayed ACKs add ~40 ms to every answer and distort the rate-limit benchmark.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        with self._open_lock:
            self._open.add(sock)
        return sock, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver prints a traceback to stderr; a client hanging up early is routine.
        error = sys.exc_info()[1]
        # A client that does not trust our CA hangs up during the handshake: routine too.
        if isinstance(error, ConnectionError | TimeoutError | ssl.SSLError):
            log.debug("%s went away: %s", client_address, error)
        else:
            log.exception("request from %s failed", client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every handler thread blocked on an idle keep-alive connection."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
