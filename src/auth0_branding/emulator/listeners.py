"""Run the emulator's listening sockets: one plain-HTTP port, and one HTTPS origin per tenant.

The plain port serves every tenant under a path prefix (`/<tenant>/api/v2/...`), which our
own client uses. An SDK that nobody here wrote takes a bare `domain` and builds
`https://{domain}/api/v2/...` itself, so each tenant also gets an origin of its own,
`https://127.0.0.1:<its port>`, where paths carry no prefix.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Mapping

from .http import LoopbackServer, Respond


class Listener:
    """One bound socket served in a daemon thread."""

    def __init__(self, name: str, port: int, respond: Respond,
                 tls: ssl.SSLContext | None = None) -> None:
        self.server = LoopbackServer(port, respond, tls)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"auth0-emulator:{name}:{self.server.port}", daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        """Return the bound port."""
        return self.server.port

    def stop(self) -> None:
        """Stop serving and close every open connection."""
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self.thread.join(timeout=5)


class Listeners:
    """The plain port and the tenants' HTTPS origins, started and stopped together."""

    def __init__(self) -> None:
        self.plain: Listener | None = None
        self.origins: dict[str, Listener] = {}

    def start(
        self, port: int, respond: Respond, origins: Mapping[str, int] | None = None,
        tenant_respond: Callable[[str], Respond] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """Bind the plain port, then each tenant's HTTPS port; on any failure, none stay bound."""
        try:
            self.plain = Listener("http", port, respond)
            for tenant, wanted in (origins or {}).items():
                assert tenant_respond is not None and tls is not None
                self.origins[tenant] = Listener(tenant, wanted, tenant_respond(tenant), tls)
        except OSError:
            self.stop()
            raise

    @property
    def running(self) -> bool:
        """Tell whether the plain port is bound."""
        return self.plain is not None

    def stop(self) -> None:
        """Stop every listener (idempotent)."""
        for listener in [*self.origins.values(), *([self.plain] if self.plain else [])]:
            listener.stop()
        self.plain, self.origins = None, {}
