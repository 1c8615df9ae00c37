"""Read and write one tenant's branding through auth0-python: the only importer of the SDK.

The SDK retries by itself (429, 408, 409, 5xx, connect errors), but invisibly: it cannot
count, it sleeps up to 60 s per try without a bound per run, and it retries 409, which for
us means "exists, update instead". So every client here is built with `max_retries=0` and
`_call` retries instead: paced by the tenant's client-side buckets, counted, bounded, with
backoff and jitter, honouring X-RateLimit-Reset, refreshing the token after a 401.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from auth0.management import Auth0
from auth0.management.core.api_error import ApiError
from auth0.management.core.parse_error import ParsingError

from ..auth0.plans import EMAIL_READ, EMAIL_WRITE, GLOBAL
from ..auth0.resources import (
    BRANDING,
    CLASSIC_LOGIN,
    EMAIL_PREFIX,
    ENABLED_LOCALES,
    PROMPT_SETTINGS,
    SETTINGS_PREFIX,
    THEME,
    UL_TEMPLATE,
    parse_custom_text_resource,
)
from ..auth0.theme import THEME_GROUPS
from ..errors import PublishError
from . import surface_api
from .credentials import Target, TokenSource, scrub
from .pacing import Attempts, Pacer, RateBudget, RetryPolicy

log = logging.getLogger(__name__)

T = TypeVar("T")
_EMAIL_ARGS = {
    "body": "body", "from": "from_", "subject": "subject", "syntax": "syntax",
    "resultUrl": "result_url", "urlLifetimeInSeconds": "url_lifetime_in_seconds",
    "includeEmailInRedirect": "include_email_in_redirect", "enabled": "enabled",
}
_BRANDING_ARGS = ("colors", "favicon_url", "logo_url", "font")
# Every settings part we manage, read in one GET (the same call answers them all).
_SETTINGS_FIELDS = "change_password,error_page,guardian_mfa_page,enabled_locales"
_HINTS = {
    400: "Auth0 rejected the payload; fix the brand and build again",
    401: "the credentials or token were refused; check the client id and secret",
    402: "the tenant's plan lacks this feature (custom Universal Login templates need a paid plan)",
    403: "grant the missing scope to the application in Auth0 > Applications > APIs",
    404: "the resource does not exist on this tenant",
}


class RemoteError(PublishError):
    """An API call that failed for good; `status` is None when no answer came back."""

    def __init__(self, message: str, hint: str | None, status: int | None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class Counters:
    """Count one tenant's API traffic (touched by that tenant's worker thread only)."""

    def __init__(self) -> None:
        self.calls = 0
        self.writes = 0
        self.retries = 0
        self.rate_limited = 0


def _reads_email(resource: str) -> bool:
    return resource.startswith(EMAIL_PREFIX)


class Auth0Target:
    """One tenant's branding resources, read and written through the SDK."""

    def __init__(
        self, target: Target, tokens: TokenSource, pacer: Pacer, retry: RetryPolicy,
        http: httpx.Client, budget: RateBudget | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.target, self.tokens, self.pacer, self.retry = target, tokens, pacer, retry
        self.budget = budget or RateBudget(retry.rate_limit_budget)
        # Set on Ctrl-C: waits end at once and no further call starts.
        self.stop = stop or threading.Event()
        self.counters = Counters()
        self.client = Auth0(base_url=target.api_url, token=tokens, max_retries=0,
                            httpx_client=http)
        self._settings: dict[str, Any] | None = None
        self._global_client_id: str | None = None
        self._theme_id: str | None = None
        # For surface_api: the phone messages by type (None: list again), organizations by name.
        self.phone_templates: dict[str, dict[str, Any]] | None = None
        self.organizations: dict[str, dict[str, Any]] = {}

    # -- reads --

    def custom_domains(self) -> list[dict[str, Any]]:
        """Return the tenant's custom domains as plain dicts."""
        found = self.call("read", "custom-domains", self.client.custom_domains.list)
        return [_plain(d) for d in found or []]

    def read(self, resource: str) -> Any:
        """Return the remote value of `resource` in dist's shape, or None when it does not exist."""
        if resource == UL_TEMPLATE:
            found = self.call("read", resource, self.client.branding.templates.get_universal_login,
                               missing_ok=True)
            if found is None or isinstance(found, str):
                return found
            return getattr(found, "body", None)
        if resource.startswith(SETTINGS_PREFIX):
            if self._settings is None:
                settings = self.call("read", resource, lambda: self.client.tenants.settings.get(
                    fields=_SETTINGS_FIELDS, include_fields=True))
                self._settings = _plain(settings)
            return self._settings.get(resource.removeprefix(SETTINGS_PREFIX))
        if resource == CLASSIC_LOGIN:
            return self._read_global_client(resource)
        if resource == BRANDING:
            return _plain(self.call("read", resource, self.client.branding.get))
        if resource == THEME:
            found = self.call("read", resource, self.client.branding.themes.get_default,
                               missing_ok=True)
            if found is None:
                self._theme_id = None
                return None
            theme = _plain(found)
            self._theme_id = theme.get("themeId")
            return {k: v for k, v in theme.items() if k in THEME_GROUPS}
        if resource.startswith(EMAIL_PREFIX):
            name = resource.removeprefix(EMAIL_PREFIX)
            found = self.call("read", resource, lambda: self.client.email_templates.get(name),
                               buckets=(GLOBAL, EMAIL_READ), missing_ok=True)
            return None if found is None else _plain(found)
        if (texts := parse_custom_text_resource(resource)) is not None:
            prompt, language = texts
            found = self.call("read", resource, lambda: self.client.prompts.custom_text.get(
                prompt, language))
            return _plain(found) or None  # {}: the tenant holds no text there
        if resource == PROMPT_SETTINGS:
            return _plain(self.call("read", resource, self.client.prompts.get_settings))
        if surface_api.handles(resource):
            return surface_api.read(self, resource)
        raise PublishError(f"{self.target.tenant}: unknown resource '{resource}'")

    def _read_global_client(self, resource: str) -> Any:
        page = self.call("read", resource, lambda: self.client.clients.list(
            is_global=True, fields="client_id,custom_login_page,custom_login_page_on",
            include_fields=True))
        clients = [_plain(c) for c in (page.items or [])] if page is not None else []
        if not clients:
            raise RemoteError(f"{self.target.tenant}: no global client found",
                              "the tenant's 'All Applications' client is missing", 404)
        self._global_client_id = clients[0]["client_id"]
        return {"custom_login_page": clients[0].get("custom_login_page", ""),
                "custom_login_page_on": clients[0].get("custom_login_page_on", False)}

    # -- writes --

    def write(self, resource: str, action: str, value: Any, exact: bool = False) -> str | None:
        """Create, update or delete one resource; return a note when Auth0 forced a compromise.

        `exact` (a restore) replaces an email template whole with PUT, so fields the saved
        value lacks disappear; PATCH could only null them, which Auth0 refuses for some.
        """
        if resource == UL_TEMPLATE:
            if action == "delete":
                self.call("delete", resource, self.client.branding.templates.delete_universal_login,
                           write=True)
            else:
                self.call("write", resource, lambda: self.client.branding.templates
                           .update_universal_login(request={"template": value}), write=True)
        elif resource.startswith(SETTINGS_PREFIX):
            self.write_settings({resource.removeprefix(SETTINGS_PREFIX): value})
        elif resource == CLASSIC_LOGIN:
            if self._global_client_id is None:
                self._read_global_client(resource)
            client_id = self._global_client_id
            self.call("write", resource, lambda: self.client.clients.update(
                client_id, **(value or {"custom_login_page_on": False})), write=True)
        elif resource == BRANDING:
            known = {k: value.get(k) for k in _BRANDING_ARGS}
            extra = {k: v for k, v in value.items() if k not in _BRANDING_ARGS}
            # Omitted fields get wiped, so the whole object goes every time.
            self.call("write", resource, lambda: self.client.branding.update(
                **known, request_options={"additional_body_parameters": extra} if extra else None),
                write=True)
        elif resource == THEME:
            return self._write_theme(action, value)
        elif resource.startswith(EMAIL_PREFIX):
            return self._write_email(resource, action, value, exact)
        elif (texts := parse_custom_text_resource(resource)) is not None:
            prompt, language = texts
            # One PUT replaces every screen of the prompt and language; {} clears them.
            body = {} if action == "delete" else value
            self.call("write", resource, lambda: self.client.prompts.custom_text.set(
                prompt, language, request=body), write=True)
        elif resource == PROMPT_SETTINGS:
            self.call("write", resource, lambda: self.client.prompts.update_settings(**value),
                       write=True)
        elif surface_api.handles(resource):
            surface_api.write(self, resource, action, value)
        else:
            raise PublishError(f"{self.target.tenant}: unknown resource '{resource}'")
        return None

    def enabled_locales(self) -> Any:
        """Return the tenant's enabled_locales (from the one settings read)."""
        return self.read(ENABLED_LOCALES)

    def write_settings(self, parts: Mapping[str, Any]) -> None:
        """PATCH tenant settings once with every changed part (change_password, error_page,
        guardian_mfa_page, enabled_locales)."""
        resource = " + ".join(SETTINGS_PREFIX + p for p in parts)
        self.call("write", resource, lambda: self.client.tenants.settings.update(**parts),
                   write=True)
        self._settings = None

    def _write_theme(self, action: str, value: Any) -> str | None:
        themes = self.client.branding.themes
        if action == "delete":
            if self._theme_id:
                theme_id = self._theme_id
                self.call("delete", THEME, lambda: themes.delete(theme_id), write=True)
            return None
        groups = {k: value[k] for k in THEME_GROUPS}
        if action == "create" or not self._theme_id:
            try:
                created = self.call("create", THEME, lambda: themes.create(**groups), write=True)
                self._theme_id = _plain(created).get("themeId")
                return None
            except RemoteError as error:
                if error.status != 409:
                    raise
                # A retried POST whose first try landed, or a theme made meanwhile: update it.
                self.read(THEME)
        current = self._theme_id
        if current is None:
            raise RemoteError(f"{self.target.tenant}: the theme vanished while being written",
                              "re-run (publish converges)", 404)
        self.call("update", THEME, lambda: themes.update(current, **groups), write=True)
        return None

    def _write_email(self, resource: str, action: str, value: Any, exact: bool) -> str | None:
        name = resource.removeprefix(EMAIL_PREFIX)
        templates = self.client.email_templates
        buckets = (GLOBAL, EMAIL_WRITE)
        if action == "delete":
            # Auth0 has no DELETE for email templates: disabling restores Auth0's default email.
            # The plan shows this change as `disable` (Change.shown_action): no note needed.
            self.call("update", resource, lambda: templates.update(name, enabled=False),
                       buckets=buckets, write=True)
            return None
        fields = {_EMAIL_ARGS[k]: v for k, v in value.items() if k in _EMAIL_ARGS}
        if exact and action == "update":
            whole = {k: v for k, v in fields.items() if v is not None}
            self.call("replace", resource, lambda: templates.set(name, template=name, **whole),
                       buckets=buckets, write=True)
            return None
        if action == "create":
            try:
                self.call("create", resource, lambda: templates.create(template=name, **fields),
                           buckets=buckets, write=True)
                return None
            except RemoteError as error:
                if error.status != 409:
                    raise
                # Created by a try whose answer was lost, or by someone else: update it.
        self.call("update", resource, lambda: templates.update(name, **fields), buckets=buckets,
                   write=True)
        return None

    @staticmethod
    def plain(model: Any) -> Any:
        """Return an SDK model as JSON-like data (for surface_api)."""
        return _plain(model)

    # -- the retry loop --

    def call(
        self, verb: str, resource: str, fn: Callable[[], T], *,
        buckets: Sequence[str] = (GLOBAL,), write: bool = False, missing_ok: bool = False,
    ) -> T | None:
        """Run one SDK call paced, retried and counted; wrap its failure in RemoteError."""
        attempts, refreshed = Attempts(self.retry, self.budget), 0
        while True:
            check_stop(self.target.tenant, self.stop, f"{verb} {resource}")
            self.pacer.acquire(buckets)
            check_stop(self.target.tenant, self.stop, f"{verb} {resource}")
            sent = self.pacer.now()
            self.counters.calls += 1
            try:
                try:
                    result = fn()
                finally:
                    self.pacer.settle(buckets, sent)
            except ApiError as error:
                status = error.status_code or 0
                if missing_ok and status == 404:
                    return None
                if status == 429:
                    headers = error.headers or {}
                    if (wait := attempts.after_rate_limit(headers)) is None:
                        raise self._failure(verb, resource, status, _api_message(error),
                                            self.budget.exhausted_hint()) from None
                    self.counters.rate_limited += 1
                    self._retrying(verb, resource, f"429, waiting {wait:.2f} s")
                    self.pacer.hold(buckets, wait, _limit(headers))
                    continue
                if status == 401 and refreshed < self.retry.token_refreshes:
                    refreshed += 1
                    self._retrying(verb, resource, "401, new token")
                    self.tokens.invalidate()
                    continue
                # 408: the server timed the request out unprocessed, like a 5xx or a reset.
                if (status == 408 or status >= 500) and (
                        delay := attempts.after_failure()) is not None:
                    self._retrying(verb, resource, str(status))
                    self.stop.wait(delay)
                    continue
                raise self._failure(verb, resource, status, _api_message(error)) from None
            except ParsingError as error:
                raise self._failure(verb, resource, error.status_code,
                                    "the answer did not match Auth0's schema") from None
            except httpx.TransportError as error:
                # Timeouts, resets and dropped connections: nothing came back, so try again.
                if (delay := attempts.after_failure()) is not None:
                    self._retrying(verb, resource, type(error).__name__)
                    self.stop.wait(delay)
                    continue
                raise self._failure(verb, resource, None, type(error).__name__) from None
            if write:
                self.counters.writes += 1
            return result

    def _retrying(self, verb: str, resource: str, why: str) -> None:
        self.counters.retries += 1
        log.info("%s: retrying %s %s (%s)", self.target.tenant, verb, resource, why)

    def _failure(self, verb: str, resource: str, status: int | None, detail: str,
                 hint: str | None = None) -> RemoteError:
        answer = f"{status} " if status else ""
        message = scrub(f"{self.target.tenant}: {verb} {resource} failed: {answer}{detail}",
                        self.tokens.secrets())
        hint = hint or _HINTS.get(status or 0) or (
            "Auth0 or the network failed repeatedly; re-run (publish converges)")
        return RemoteError(message, hint, status)


def check_stop(tenant: str, stop: threading.Event | None, next_step: str) -> None:
    """Raise when the run was interrupted (Ctrl-C): checked between calls, never inside one."""
    if stop is not None and stop.is_set():
        raise PublishError(f"{tenant}: interrupted before {next_step}",
                           hint="re-run to finish (publish converges; rollback still restores "
                           "the tenant as it was before)")


def warm_up() -> None:
    """Import the SDK's lazily loaded sub-clients once, before worker threads race for them."""
    client = Auth0(base_url="http://127.0.0.1/api/v2", token="unused")
    for sub in (client.branding.templates, client.branding.themes, client.email_templates,
                client.tenants.settings, client.clients, client.custom_domains, client.prompts,
                client.prompts.custom_text, client.prompts.partials, client.branding.phone.templates,
                client.organizations):
        assert sub is not None


def _limit(headers: Mapping[str, str]) -> int | None:
    try:
        return int({k.lower(): v for k, v in headers.items()}["x-ratelimit-limit"])
    except (KeyError, ValueError):
        return None


def _api_message(error: ApiError) -> str:
    body = error.body
    if isinstance(body, Mapping):
        return str(body.get("message") or body.get("error") or "")
    return str(body or "")[:200]


def _plain(model: Any) -> Any:
    """Return an SDK model as JSON-like data (aliases as keys, as the API spells them)."""
    if isinstance(model, float) and model.is_integer():
        return int(model)  # the SDK types every number a float; Auth0 sent an integer
    if model is None or isinstance(model, str | int | float | bool):
        return model
    if isinstance(model, Mapping):
        return {k: _plain(v) for k, v in model.items()}
    if isinstance(model, list | tuple):
        return [_plain(v) for v in model]
    if hasattr(model, "dict"):
        return _plain(model.dict())
    return model
