"""Say where each tenant's API lives and obtain client-credentials tokens for it."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from dotenv import dotenv_values

from ..errors import Location, PublishError, display_path, printable
from .pacing import Attempts, RateBudget, RetryPolicy

log = logging.getLogger(__name__)

API_BASE_ENV = "AUTH0_BRANDING_API_BASE"
DEFAULT_API_BASE = "https://{domain}"
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Refresh this long before a token's stated expiry, so no call starts with a dying token.
_EXPIRY_MARGIN = 30.0


@dataclass(frozen=True)
class Target:
    """One tenant's endpoints and the names (never the values) of its credentials."""

    tenant: str
    domain: str
    api_url: str  # for Auth0(base_url=...): ".../api/v2"
    token_url: str  # client credentials: ".../oauth/token"
    audience: str  # always the real Management API identifier
    client_id_env: str
    client_secret_env: str
    custom_domain: str | None = None


@dataclass(frozen=True)
class Credentials:
    """A client id and secret; the secret stays out of reprs."""

    client_id: str
    client_secret: str = field(repr=False)


def api_base(option: str | None, env: Mapping[str, str] | None = None) -> str:
    """Return the API base template: the option, else $AUTH0_BRANDING_API_BASE (from `env`,
    the environment merged over the .env files, else the environment alone), else Auth0."""
    variables = os.environ if env is None else env
    return option or variables.get(API_BASE_ENV) or DEFAULT_API_BASE


def target_for(tenant: str, spec: Mapping[str, Any], base: str = DEFAULT_API_BASE) -> Target:
    """Build a tenant's Target; `base` may hold {tenant} and {domain} placeholders."""
    domain = str(spec["domain"])
    root = base.replace("{tenant}", tenant).replace("{domain}", domain).rstrip("/")
    if not root.isprintable() or any(c.isspace() for c in root):
        # A URL cannot carry them; the name would otherwise surface as an odd httpx error.
        raise PublishError(
            f"tenant '{printable(tenant)}' or its domain '{printable(domain)}' cannot be part "
            "of a URL (spaces or control characters)",
            hint="tenant names are letters, digits, '-' and '_'; fix brand/tenants.toml",
        )
    url = urlsplit(root)
    if url.scheme not in ("https", "http") or not url.netloc:
        raise PublishError(
            f"API base '{base}' is not an http(s) URL", hint="e.g. https://{domain} or "
            "http://127.0.0.1:8080/{tenant} for the emulator",
        )
    if url.scheme == "http" and url.hostname not in _LOOPBACK:
        # A client secret must never cross a network in clear text.
        raise PublishError(
            f"API base '{base}' uses plain http to a non-loopback host",
            hint="use https, or http only for 127.0.0.1/localhost (the emulator)",
        )
    return Target(
        tenant=tenant,
        domain=domain,
        api_url=f"{root}/api/v2",
        token_url=f"{root}/oauth/token",
        audience=f"https://{domain}/api/v2/",
        client_id_env=str(spec["client_id_env"]),
        client_secret_env=str(spec["client_secret_env"]),
        custom_domain=spec.get("custom_domain") or None,
    )


def load_env(env_files: Iterable[Path] = ()) -> dict[str, str]:
    """Merge .env files (later ones win) under the real environment (which wins over all)."""
    merged: dict[str, str] = {}
    for path in env_files:
        path = Path(path)
        if not path.is_file():
            raise PublishError("env file not found", Location(display_path(path)),
                               "check the --env-file path")
        merged.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    merged.update(os.environ)
    return merged


def default_env_files() -> tuple[Path, ...]:
    """Return ./.env when it exists (the usual place for local credentials)."""
    return (Path(".env"),) if Path(".env").is_file() else ()


def credentials_for(target: Target, env: Mapping[str, str]) -> Credentials:
    """Read a tenant's credentials from the environment; name what is missing."""
    missing = [n for n in (target.client_id_env, target.client_secret_env) if not env.get(n)]
    if missing:
        raise PublishError(
            f"credentials: {' and '.join(missing)} not set",
            hint="export them, or put them in a .env file (see docs/publishing.md)",
        )
    return Credentials(env[target.client_id_env], env[target.client_secret_env])


class TokenSource:
    """Fetch a client-credentials token over httpx, cache it, and refetch when told or due."""

    def __init__(
        self, target: Target, credentials: Credentials, http: httpx.Client,
        retry: RetryPolicy, budget: RateBudget | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.target, self._credentials, self._http, self._retry = target, credentials, http, retry
        self._budget = budget or RateBudget(retry.rate_limit_budget)
        self._stop = stop or threading.Event()  # set on Ctrl-C: a wait ends, no retry follows
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0
        self.scopes: frozenset[str] | None = None
        self.fetches = 0
        self.calls = 0
        self.issued: list[str] = []  # every token seen, so reports can be scrubbed of them

    def __call__(self) -> str:
        """Return a live token (the SDK calls this before every request)."""
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires:
                self._fetch()
            assert self._token is not None
            return self._token

    def invalidate(self) -> None:
        """Forget the cached token (the API said 401): the next call fetches a new one."""
        with self._lock:
            self._token = None

    def secrets(self) -> list[str]:
        """Return every value that must never be shown: the client secret and all tokens."""
        return [self._credentials.client_secret, *self.issued]

    def _pause(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise PublishError(f"{self.target.tenant}: interrupted while asking for a token",
                               hint="re-run to finish (publish converges)")

    def _fetch(self) -> None:
        payload = {
            "grant_type": "client_credentials",
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
            "audience": self.target.audience,
        }
        where = f"token endpoint {self.target.token_url}"
        attempts = Attempts(self._retry, self._budget)
        while True:
            self.calls += 1
            try:
                response = self._http.post(self.target.token_url, json=payload)
            except httpx.TransportError as error:
                if (delay := attempts.after_failure()) is not None:
                    self._pause(delay)
                    continue
                raise PublishError(
                    f"{self.target.tenant}: {where} unreachable ({type(error).__name__})",
                    hint="check the domain, --api-base and the network",
                ) from None
            if response.status_code == 429:
                if (wait := attempts.after_rate_limit(response.headers)) is not None:
                    self._pause(wait)
                    continue
                raise PublishError(
                    f"{self.target.tenant}: {where} kept answering 429 {_oauth_error(response)}",
                    hint=self._budget.exhausted_hint(),
                )
            if response.status_code >= 500:
                if (delay := attempts.after_failure()) is not None:
                    self._pause(delay)
                    continue
                raise PublishError(
                    f"{self.target.tenant}: {where} kept failing: {response.status_code} "
                    f"{_oauth_error(response)}",
                    hint="Auth0 or the network failed repeatedly; re-run (publish converges)",
                )
            if response.status_code != 200:
                raise PublishError(
                    f"{self.target.tenant}: credentials rejected by {where}: "
                    f"{response.status_code} {_oauth_error(response)}",
                    hint=f"check {self.target.client_id_env} and {self.target.client_secret_env}, "
                    "and that the application is authorised for the Management API",
                )
            break
        try:
            data = response.json()
        except ValueError:
            data = None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise PublishError(f"{self.target.tenant}: {where} returned no access_token")
        self.fetches += 1
        self.issued.append(token)
        self._token = token
        lifetime = float(data["expires_in"]) if "expires_in" in data else 86400.0
        self._expires = time.monotonic() + max(lifetime - _EXPIRY_MARGIN, lifetime / 2)
        scope = data.get("scope")
        self.scopes = frozenset(scope.split()) if isinstance(scope, str) else None
        log.info("%s: obtained a token (%d so far)", self.target.tenant, self.fetches)


def _oauth_error(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    if isinstance(data, dict):
        return f"{data.get('error', '')}: {data.get('error_description', '')}".strip(": ")
    return response.reason_phrase


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret in `text` with '***'."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
