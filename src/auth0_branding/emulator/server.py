"""Serve a loopback Auth0 Management API for several tenants, with limits and faults.

Each tenant lives under a path prefix: `http://127.0.0.1:PORT/<tenant>/api/v2/...` and
`POST http://127.0.0.1:PORT/<tenant>/oauth/token`. With HTTPS on, each tenant also has an
origin of its own, `https://127.0.0.1:<its port>/api/v2/...`, so an SDK configured with
`domain = 127.0.0.1:<its port>` reaches it unmodified. `GET /__emulator__/state` and
`GET /__emulator__/requests` show what it holds and what it was asked.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..auth0.contract import PAYLOAD_MAX_BYTES
from ..auth0.plans import GLOBAL
from ..errors import Location, display_path, printable
from .http import (
    HOST,
    Headers,
    Outcome,
    error_outcome,
    json_outcome,
)
from .limits import Clock, FaultInjector, Faults, RateLimiter, SystemClock, retry_after_until
from .listeners import Listeners
from .resources import ApiRequest
from .routes import match
from .schema import HttpError
from .state import (
    EmulatedTenant,
    EmulatorConfig,
    EmulatorStateError,
    TenantState,
    default_config,
    read_json_file,
)
from .tls import Authority
from .tokens import TokenStore, answer_token_request

log = logging.getLogger(__name__)

REQUEST_LOG_LIMIT = 100_000  # keep memory bounded when the CLI runs for days
# Auth0's 429 body, errorCode included (as quoted in auth0-extensions/auth0-reset-tenant#31).
RATE_LIMITED = HttpError(429, "Global limit has been reached", "too_many_requests")


@dataclass(frozen=True)
class RequestRecord:
    """One request as the emulator saw it; status 0 means the connection was dropped."""

    tenant: str
    method: str
    path: str
    status: int
    time: float  # wall clock, epoch seconds

    def to_json(self) -> dict[str, Any]:
        """Return this record as a JSON-ready dict."""
        return dataclasses.asdict(self)


class _Tenant:
    """Everything the emulator keeps for one tenant."""

    def __init__(self, config: EmulatedTenant, clock: Clock) -> None:
        self.config = config
        self.state = TenantState(config)
        self.limiter = RateLimiter(config.bucket_limits(), clock)
        self.faults = FaultInjector(config.faults)


class Emulator:
    """Emulate Auth0 Management API tenants on 127.0.0.1; use as a context manager."""

    def __init__(
        self, config: EmulatorConfig | None = None, *, clock: Clock | None = None,
        port: int | None = None, https: bool = False,
    ) -> None:
        self.config = config or default_config()
        self.clock = clock or SystemClock()
        self._wanted_port = self.config.port if port is None else port
        self._lock = threading.RLock()
        self._tenants = {t.name: _Tenant(t, self.clock) for t in self.config.tenants}
        self._tokens = TokenStore(self.clock)
        self._requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_LIMIT)
        self._listeners = Listeners()
        # Made once per emulator: every start serves the same CA, so a written PEM stays good.
        self.authority: Authority | None = Authority() if https else None
        self.started = False  # ever served (so a state file is worth saving)

    # -- lifecycle --

    def start(self) -> Emulator:
        """Bind 127.0.0.1 (and, with HTTPS, each tenant's origin) and serve in daemon threads."""
        if self._listeners.running:
            return self
        origins = ({name: t.config.https_port for name, t in self._tenants.items()}
                   if self.authority else None)
        self._listeners.start(
            self._wanted_port, self.handle, origins,
            lambda tenant: partial(self.handle, tenant=tenant),
            self.authority.server_context() if self.authority else None)
        self.started = True
        log.info("Auth0 emulator listening on %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving and close every open connection."""
        self._listeners.stop()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses --

    @property
    def port(self) -> int:
        """Return the bound port (the real one when started on port 0)."""
        if self._listeners.plain is None:
            raise RuntimeError("the emulator is not running")
        return self._listeners.plain.port

    @property
    def url(self) -> str:
        """Return `http://127.0.0.1:PORT`."""
        return f"http://{HOST}:{self.port}"

    def base_url(self, tenant: str) -> str:
        """Return the tenant's root, `http://127.0.0.1:PORT/<tenant>`."""
        return f"{self.url}/{self._tenant(tenant).config.name}"

    def api_url(self, tenant: str) -> str:
        """Return the base URL for `Auth0(base_url=...)`."""
        return f"{self.base_url(tenant)}/api/v2"

    def token_url(self, tenant: str) -> str:
        """Return the tenant's `/oauth/token` URL."""
        return f"{self.base_url(tenant)}/oauth/token"

    def audience(self, tenant: str) -> str:
        """Return the audience to ask a Management API token for."""
        return f"{self.api_url(tenant)}/"

    def domain(self, tenant: str) -> str:
        """Return a "domain" for `auth0.authentication.GetToken(..., protocol="http")`."""
        return self.base_url(tenant).removeprefix("http://")

    def https_domain(self, tenant: str) -> str:
        """Return the tenant's own origin as an SDK's `domain`: `127.0.0.1:PORT` (HTTPS)."""
        listener = self._listeners.origins.get(self._tenant(tenant).config.name)
        if listener is None:
            raise RuntimeError("the emulator is not serving HTTPS (start it with https=True)")
        return f"{HOST}:{listener.port}"

    def https_url(self, tenant: str) -> str:
        """Return `https://127.0.0.1:PORT`, the tenant's own origin."""
        return f"https://{self.https_domain(tenant)}"

    def write_ca(self, path: Path | str) -> Path:
        """Write the CA's PEM where clients are pointed at it (NODE_EXTRA_CA_CERTS, ...)."""
        if self.authority is None:
            raise RuntimeError("the emulator is not serving HTTPS (start it with https=True)")
        return self.authority.write_ca(Path(path))

    def tenant_config(self, tenant: str) -> EmulatedTenant:
        """Return the tenant's config (credentials, plan, scopes)."""
        return self._tenant(tenant).config

    # -- tokens --

    def issue_token(
        self, tenant: str, scopes: tuple[str, ...] | list[str] | None = None,
        ttl: float | None = None,
    ) -> str:
        """Mint a token as /oauth/token would; scopes default to the tenant's grants."""
        config = self._tenant(tenant).config
        return self._tokens.issue(
            config.name, config.scopes if scopes is None else scopes,
            config.token_ttl if ttl is None else ttl,
        )

    def expire_all_tokens(self, tenant: str | None = None) -> None:
        """Expire every token issued so far (for one tenant, or all)."""
        self._tokens.expire_all(t.config.name for t in self._selected(tenant))

    # -- faults and limits --

    def faults(self, tenant: str) -> Faults:
        """Return the tenant's current faults."""
        return self._tenant(tenant).faults.faults

    def set_faults(self, tenant: str, faults: Faults | None = None, **changes: Any) -> Faults:
        """Replace the tenant's faults (or change some fields); reseeds and restarts storms."""
        runtime = self._tenant(tenant)
        new = dataclasses.replace(faults or runtime.faults.faults, **changes)
        runtime.faults.set(new)
        return new

    def refill(self, tenant: str | None = None) -> None:
        """Fill the rate-limit buckets (of one tenant, or all)."""
        for runtime in self._selected(tenant):
            runtime.limiter.refill()

    # -- inspection --

    @property
    def requests(self) -> list[RequestRecord]:
        """Return every request seen so far, oldest first."""
        with self._lock:
            return list(self._requests)

    def count_writes(self, tenant: str, *, status: int | None = None) -> int:
        """Count the tenant's non-GET /api/v2 requests (optionally only those answered `status`)."""
        return sum(
            1 for r in self.requests
            if r.tenant == tenant and r.method != "GET" and r.path.startswith("/api/v2/")
            and (status is None or r.status == status)
        )

    def clear_requests(self) -> None:
        """Forget the request log."""
        with self._lock:
            self._requests.clear()

    def state(self, tenant: str) -> TenantState:
        """Return the tenant's live state (mutate it only between requests)."""
        return self._tenant(tenant).state

    def dump_state(self) -> dict[str, Any]:
        """Return every tenant's stored resources as JSON-ready data."""
        with self._lock:
            return {"tenants": {name: t.state.to_json() for name, t in self._tenants.items()}}

    def save_state(self, path: Path | str) -> None:
        """Write `dump_state()` to a JSON file (atomically)."""
        path = Path(path)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.dump_state(), indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)

    def load_state(self, path: Path | str) -> None:
        """Restore tenants' resources from a `save_state` file; unknown tenants are skipped."""
        data = read_json_file(path, EmulatorStateError)
        try:
            tenants = data["tenants"]
            with self._lock:
                for name, saved in tenants.items():
                    if name not in self._tenants:
                        log.warning("state file %s: skipping unknown tenant %r", path, name)
                        continue
                    self._tenants[name].state.load_json(saved)
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
            raise EmulatorStateError(
                f"not an emulator state file ({printable(str(error))})",
                Location(printable(display_path(Path(path)))),
                hint="delete it to start from empty tenants",
            ) from error

    # -- serving (called from server threads) --

    def _tenant(self, name: str) -> _Tenant:
        try:
            return self._tenants[name]
        except KeyError:
            raise KeyError(f"unknown tenant {name!r} (have: {', '.join(self._tenants)})") from None

    def _selected(self, tenant: str | None) -> list[_Tenant]:
        return list(self._tenants.values()) if tenant is None else [self._tenant(tenant)]

    def _resolve(self, path: str, host: str) -> tuple[_Tenant | None, str]:
        first, _, rest = path.lstrip("/").partition("/")
        if first in self._tenants:
            return self._tenants[first], "/" + rest
        hostname = host.rsplit(":", 1)[0].lower()
        for runtime in self._tenants.values():
            if runtime.config.domain and runtime.config.domain.lower() == hostname:
                return runtime, path
        return None, path

    def handle(
        self, method: str, target: str, headers: Headers, body: bytes | None,
        tenant: str | None = None,
    ) -> Outcome | None:
        """Answer one request; None means drop the connection; a None body was too large.

        `tenant` is set on a tenant's own origin, where paths carry no tenant prefix.
        """
        url = urlsplit(target)
        if url.path.startswith("/__emulator__/") or url.path == "/":
            return self._inspect(method, url.path)
        runtime: _Tenant | None
        if tenant is not None:
            runtime, rest = self._tenants[tenant], url.path
        else:
            runtime, rest = self._resolve(url.path, headers.get("Host", ""))
        name = runtime.config.name if runtime else ""
        if runtime is None:
            outcome: Outcome | None = error_outcome(HttpError(404, "Unknown tenant"))
        elif body is None:
            outcome = error_outcome(HttpError(
                413, f"Payload content length greater than maximum allowed: {PAYLOAD_MAX_BYTES}"))
            outcome = dataclasses.replace(outcome, close=True)
        elif rest == "/oauth/token" and method == "POST":
            outcome = self._token(runtime, headers, body)
        elif rest.startswith("/api/v2/"):
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            request = ApiRequest(method, rest[len("/api/v2/"):], query, body,
                                 headers.get("Content-Type", ""))
            outcome = self._api(runtime, request, headers)
        else:
            outcome = error_outcome(HttpError(404, "Not Found"))
        with self._lock:
            self._requests.append(RequestRecord(
                name, method, rest, outcome.status if outcome else 0, self.clock.wall()))
        return outcome

    def _inspect(self, method: str, path: str) -> Outcome:
        if method != "GET":
            return error_outcome(HttpError(404, "Not Found"))
        if path == "/__emulator__/state":
            return json_outcome(200, self.dump_state())
        if path == "/__emulator__/requests":
            return json_outcome(200, [r.to_json() for r in self.requests])
        if path == "/":
            return json_outcome(200, {"tenants": {
                name: {"plan": t.config.plan, "api_url": self.api_url(name),
                       "token_url": self.token_url(name), "audience": self.audience(name),
                       **({"https_domain": self.https_domain(name)} if self.authority else {})}
                for name, t in self._tenants.items()}})
        return error_outcome(HttpError(404, "Not Found"))

    def _token(self, runtime: _Tenant, headers: Headers, body: bytes) -> Outcome:
        status, answer = answer_token_request(
            runtime.config, self._tokens, headers, body, runtime.faults.faults.token_ttl)
        return json_outcome(status, answer)

    def _api(self, runtime: _Tenant, request: ApiRequest, headers: Headers) -> Outcome | None:
        fault = runtime.faults.draw()
        if fault.latency:
            time.sleep(fault.latency)  # outside the lock: other tenants stay fast
        if fault.drop:
            return None
        if fault.storm_reset is not None:
            limit = runtime.config.bucket_limits()[GLOBAL].burst
            reset = math.ceil(self.clock.wall() + fault.storm_reset)
            storm = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
                     "X-RateLimit-Reset": str(reset)}
            # Whole seconds up to the reset, as HTTP says; with storm_retry_after, the
            # fraction asked for (what lets a long storm be short).
            storm["Retry-After"] = (f"{fault.storm_reset:g}" if fault.storm_retry_after
                                    else str(retry_after_until(reset, self.clock.wall())))
            return error_outcome(RATE_LIMITED, storm)
        if fault.error_status is not None:
            return error_outcome(
                HttpError(fault.error_status, "Injected fault: the emulator failed this call"))
        found = match(request.method, request.path)
        if found is None:
            return error_outcome(HttpError(404, "Not Found"))
        route, params = found
        with self._lock:
            rate: dict[str, str] = {}
            if runtime.config.rate_limits:
                decision = runtime.limiter.acquire(route.buckets)
                rate = decision.headers()
                if not decision.allowed:
                    return error_outcome(RATE_LIMITED, rate)
            try:
                token = self._tokens.check(
                    runtime.config.name, headers, runtime.faults.faults.token_ttl)
                if not token.scopes & set(route.scopes):
                    raise HttpError(
                        403, f"Insufficient scope, expected any of: {','.join(route.scopes)}",
                        "insufficient_scope")
                reply = route.handler(runtime.state, request, params)
            except HttpError as error:
                return error_outcome(error, rate)
            # Serialise under the lock: the body may be the live stored object.
            return json_outcome(reply.status, reply.body, rate)


@contextmanager
def run_emulator(
    config: EmulatorConfig | None = None, *, clock: Clock | None = None, port: int | None = None,
    https: bool = False,
) -> Iterator[Emulator]:
    """Start an emulator (port 0: a free one), yield it, and stop it afterwards."""
    emulator = Emulator(config, clock=clock, port=port, https=https).start()
    try:
        yield emulator
    finally:
        emulator.stop()
