"""Issue and check the emulator's opaque access tokens, and answer /oauth/token."""

from __future__ import annotations

import base64
import hmac
import itertools
import json
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from .http import Headers
from .limits import Clock
from .schema import HttpError
from .state import EmulatedTenant

_PURGE_ABOVE = 10_000  # tokens kept before the dead ones are forgotten (bounded memory)


@dataclass(frozen=True)
class IssuedToken:
    """An opaque access token the emulator remembers."""

    value: str
    tenant: str
    scopes: frozenset[str]
    issued_at: float  # monotonic
    expires_at: float  # monotonic
    serial: int


class TokenStore:
    """Remember every token issued, so a bearer can be checked like Auth0 checks a JWT."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, IssuedToken] = {}
        self._serials = itertools.count(1)
        self._expired_below: dict[str, int] = {}  # per tenant: older serials were expired by hand

    def issue(self, tenant: str, scopes: Iterable[str], ttl: float) -> str:
        """Mint a token for `tenant` granting `scopes`, valid `ttl` seconds."""
        with self._lock:
            now = self._clock.monotonic()
            token = IssuedToken(secrets.token_urlsafe(32), tenant, frozenset(scopes),
                                now, now + ttl, next(self._serials))
            if len(self._tokens) > _PURGE_ABOVE:
                self._tokens = {k: t for k, t in self._tokens.items() if t.expires_at > now}
            self._tokens[token.value] = token
            return token.value

    def expire_all(self, tenants: Iterable[str]) -> None:
        """Expire every token issued so far to `tenants`."""
        with self._lock:
            cutoff = next(self._serials)
            for tenant in tenants:
                self._expired_below[tenant] = cutoff

    def check(self, tenant: str, headers: Headers, max_age: float | None = None) -> IssuedToken:
        """Return the bearer token of `headers`, or raise Auth0's 401 for `tenant`."""
        scheme, _, value = headers.get("Authorization", "").partition(" ")
        with self._lock:
            token = self._tokens.get(value.strip()) if scheme.lower() == "bearer" else None
            cutoff = self._expired_below.get(tenant, 0)
        # Another tenant's token is as unknown here as a made-up one.
        if token is None or token.tenant != tenant:
            raise HttpError(401, "Invalid token")
        now = self._clock.monotonic()
        if (
            now >= token.expires_at
            or token.serial < cutoff
            or (max_age is not None and now >= token.issued_at + max_age)
        ):
            raise HttpError(401, "Expired token")
        return token


def _oauth_error(status: int, error: str, description: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": error, "error_description": description}


def answer_token_request(
    config: EmulatedTenant, store: TokenStore, headers: Headers, body: bytes,
    max_age: float | None = None,
) -> tuple[int, dict[str, Any]]:
    """Answer a client-credentials request as Auth0's /oauth/token does: (status, JSON)."""
    try:
        if "x-www-form-urlencoded" in headers.get("Content-Type", ""):
            params: Any = dict(parse_qsl(body.decode("utf-8")))
        else:
            params = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _oauth_error(400, "invalid_request", "Invalid request body")
    if not isinstance(params, dict):
        return _oauth_error(400, "invalid_request", "Invalid request body")
    scheme, _, encoded = headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":  # client_secret_basic
        try:
            pair = base64.b64decode(encoded).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            pair = ":"
        params["client_id"], _, params["client_secret"] = pair.partition(":")
    grant = params.get("grant_type")
    if not grant:
        return _oauth_error(400, "invalid_request", "Missing required parameter: grant_type")
    if grant != "client_credentials":
        return _oauth_error(403, "unauthorized_client",
                            f"Grant type '{grant}' not allowed for the client.")
    # Constant-time comparisons, as anything handing out credentials should.
    if not (
        hmac.compare_digest(str(params.get("client_id") or ""), config.client_id)
        and hmac.compare_digest(str(params.get("client_secret") or ""), config.client_secret)
    ):
        return _oauth_error(401, "access_denied", "Unauthorized")
    audience = str(params.get("audience") or "")
    if not audience.rstrip("/").endswith("/api/v2"):
        return _oauth_error(403, "access_denied", f"Service not enabled within domain: {audience}")
    lifetime = config.token_ttl if max_age is None else min(max_age, config.token_ttl)
    value = store.issue(config.name, config.scopes, config.token_ttl)
    return 200, {"access_token": value, "token_type": "Bearer",
                 "expires_in": int(lifetime), "scope": " ".join(config.scopes)}
