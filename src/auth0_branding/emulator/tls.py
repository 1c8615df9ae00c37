"""Give the emulator HTTPS: a certificate authority made at start, and a loopback certificate.

Auth0's SDKs build `https://{domain}` and nothing else (node-auth0 refuses plain HTTP), so
a client that nobody here wrote reaches the emulator only over TLS. trustme makes the CA
and the server certificate (for 127.0.0.1 and localhost) in memory; the CA's PEM is
written where a client can be pointed at it: `NODE_EXTRA_CA_CERTS` for node,
`SSL_CERT_FILE` for OpenSSL-based clients, `REQUESTS_CA_BUNDLE` for requests.
"""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import trustme

# Names the server certificate holds: an SDK given `domain = 127.0.0.1:PORT` checks the IP.
CERTIFICATE_NAMES = ("127.0.0.1", "localhost")
# The variables that point common clients at a CA file.
CA_VARIABLES = ("NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


class Authority:
    """A throwaway certificate authority and the server context signed by it."""

    def __init__(self) -> None:
        self._ca = trustme.CA(organization_name="auth0-branding emulator")
        self._server = self._ca.issue_cert(*CERTIFICATE_NAMES)
        self._context: ssl.SSLContext | None = None

    @property
    def ca_pem(self) -> bytes:
        """Return the CA certificate, PEM-encoded (what a client must trust)."""
        return self._ca.cert_pem.bytes()

    def server_context(self) -> ssl.SSLContext:
        """Return the TLS context every HTTPS listener of the emulator serves with."""
        if self._context is None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._server.configure_cert(context)
            self._context = context
        return self._context

    def client_context(self) -> ssl.SSLContext:
        """Return a client context that trusts this CA alone (for tests and probes)."""
        context = ssl.create_default_context()
        self._ca.configure_trust(context)
        return context

    def write_ca(self, path: Path) -> Path:
        """Write the CA's PEM to `path` (atomically, its folder created) and return it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(self.ca_pem)
        os.replace(temporary, path)
        return path
