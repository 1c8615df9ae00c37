"""Answer the Management API endpoints the publisher uses, from one tenant's state."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..auth0.contract import EMAIL_TEMPLATES
from ..auth0.plans import EMAIL_READ, EMAIL_WRITE, GLOBAL
from . import schema
from .schema import HttpError, invalid, json_type
from .state import TenantState

_EMAIL_FIELD_ORDER = (
    "template body from subject syntax resultUrl urlLifetimeInSeconds "
    "includeEmailInRedirect enabled"
).split()


@dataclass(frozen=True)
class ApiRequest:
    """One authenticated /api/v2 call, the path relative to /api/v2/."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str = ""


@dataclass(frozen=True)
class Reply:
    """A successful answer: status and JSON body (None: no body)."""

    status: int
    body: Any = None


Handler = Callable[[TenantState, ApiRequest, dict[str, str]], Reply]


@dataclass(frozen=True)
class Route:
    """One endpoint: which scopes open it and which rate-limit buckets it draws from."""

    method: str
    pattern: re.Pattern[str]
    scopes: tuple[str, ...]
    buckets: tuple[str, ...]
    handler: Handler


# UNVERIFIED: Auth0 documents no nesting limit; no payload of the API nests past ~5 levels,
# and a bound keeps a hostile body from exhausting the parser's (or our validators') stack.
MAX_JSON_DEPTH = 64


def _json_body(request: ApiRequest) -> Any:
    if not request.body.strip():
        return None
    if not _is_json(request.content_type):
        raise HttpError(415, "Unsupported Media Type")  # Auth0's body, message and all
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise HttpError(400, "Invalid request payload JSON format", "invalid_body") from error
    if _depth(body) > MAX_JSON_DEPTH:
        raise HttpError(400, "Invalid request payload JSON format", "invalid_body")
    return body


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/")
                                           and media.endswith("+json"))


def _depth(value: Any) -> int:
    """Return how deeply `value` nests, without recursing (the value may be hostile)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _json_object(request: ApiRequest, at_least_one: bool = True) -> dict[str, Any]:
    body = _json_body(request)
    if not isinstance(body, dict):
        raise invalid(f"Expected type object but found type {json_type(body)}", "")
    if at_least_one and not body:
        raise invalid("Too few properties defined (0), minimum 1", "")
    return body


def _without_nulls(value: Any) -> Any:
    # Auth0 treats null as "remove"; stored objects never keep a null.
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def _merged(stored: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """Merge a PATCH into a stored object: top-level keys merge, null removes, and a nested
    object replaces the stored one as given (as tenant settings do)."""
    merged = dict(stored)
    for key, value in change.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _without_nulls(value)
    return merged


def _truthy(text: str | None, default: bool) -> bool:
    return default if text is None else text.lower() in ("true", "1")


def _select(item: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    """Apply the `fields` / `include_fields` query parameters."""
    names = [n.strip() for n in (query.get("fields") or "").split(",") if n.strip()]
    if not names:
        return item
    include = _truthy(query.get("include_fields"), True)
    return {k: v for k, v in item.items() if (k in names) == include}


def _branding_get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    return Reply(200, state.branding)


def _branding_patch(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    body = _json_object(request)
    schema.branding(body, "")
    if state.config.branding_patch == "replace":
        # UNVERIFIED quirk, opt-in: a PATCH wipes whatever it omits. Our contract notes it,
        # but Auth0's reference (docs/api/management/v2/branding/patch-branding) says nothing
        # of it, so the default is a PATCH's usual merge.
        state.branding = _without_nulls(body)
    else:
        state.branding = _merged(state.branding, body)
    if body.get("colors") is None:
        # deploy-cli #1402, Terraform #1509: without colors it also resets identifier_first
        # (UNVERIFIED: to false, and that a null colors counts as none).
        state.prompt_settings["identifier_first"] = False
    return Reply(200, state.branding)


def _theme_record(state: TenantState, theme_id: str) -> dict[str, Any]:
    if state.theme is None or state.theme["themeId"] != theme_id:
        raise HttpError(404, "The theme does not exist", "theme_not_found")
    return state.theme


def _theme_default(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    if state.theme is None:
        raise HttpError(404, "There is no default theme", "theme_not_found")
    return Reply(200, state.theme)


def _theme_get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    return Reply(200, _theme_record(state, params["id"]))


def _theme_post(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    body = _json_object(request)
    schema.theme(body, "")
    if state.theme is not None:
        raise HttpError(409, "A theme already exists for this tenant", "theme_already_exists")
    # The answer holds what was sent and the new themeId, nothing made up. Its schema
    # requires a displayName string (docs/api/management/v2/branding/post-branding-theme),
    # so a theme created without one has "" (UNVERIFIED: what Auth0 fills in).
    state.theme = {"themeId": secrets.token_hex(16), "displayName": "", **_without_nulls(body)}
    return Reply(200, state.theme)


def _theme_patch(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    theme = _theme_record(state, params["id"])
    body = _json_object(request)
    schema.theme(body, "")
    theme.update(_without_nulls(body))
    return Reply(200, theme)


def _theme_delete(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    _theme_record(state, params["id"])
    state.theme = None
    return Reply(204)


def _email_name(params: dict[str, str]) -> str:
    name = params["name"]
    if name not in EMAIL_TEMPLATES:
        raise HttpError(
            400,
            f"Path validation error: 'No enum match for: \"{name}\"' on property templateName.",
            "invalid_uri",
        )
    return name


def _email_record(state: TenantState, name: str) -> dict[str, Any]:
    record = state.email_templates.get(name)
    if record is None:
        raise HttpError(404, "Email template not found", "inexistent_email_template")
    return record


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in _EMAIL_FIELD_ORDER if k in record}


def _email_payload(request: ApiRequest, name: str | None, complete: bool) -> dict[str, Any]:
    body = _json_object(request)
    schema.email_template(body, "")
    if complete:
        for key in schema.EMAIL_REQUIRED:
            if body.get(key) is None:
                raise invalid(f"Missing required property: {key}", "")
    if name is not None and body.get("template", name) != name:
        raise invalid(f'Template name must match the path: "{name}"', "template")
    return body


def _email_get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    return Reply(200, _email_record(state, _email_name(params)))


def _email_post(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    body = _email_payload(request, None, complete=True)
    name = body["template"]
    if name in state.email_templates:
        raise HttpError(409, f"Template {name} already exists.", "email_template_already_exists")
    state.email_templates[name] = _ordered(_without_nulls(body))
    return Reply(200, state.email_templates[name])


def _email_patch(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    name = _email_name(params)
    record = _email_record(state, name)
    body = _email_payload(request, name, complete=False)
    merged = {**record, **body, "template": name}
    state.email_templates[name] = _ordered(_without_nulls(merged))
    return Reply(200, state.email_templates[name])


def _email_put(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    name = _email_name(params)
    # UNVERIFIED: PUT on a template never created answers 404 (the SDK lists 404 for it).
    _email_record(state, name)
    body = _email_payload(request, name, complete=True)
    state.email_templates[name] = _ordered(_without_nulls(body))
    return Reply(200, state.email_templates[name])


def _settings_get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    return Reply(200, _select(state.settings, request.query))


def _settings_patch(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    body = _json_object(request)
    schema.tenant_settings(body, "")
    # Top-level keys merge; a nested object replaces the stored one as given.
    for key, value in body.items():
        if value is None:
            state.settings.pop(key, None)
        else:
            state.settings[key] = _without_nulls(value)
    return Reply(200, state.settings)


def _clients_list(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    clients = list(state.clients.values())
    if "is_global" in request.query:
        wanted = _truthy(request.query["is_global"], False)
        clients = [c for c in clients if c.get("global", False) == wanted]
    page = _query_integer(request.query, "page", 0, 0, None)
    per_page = _query_integer(request.query, "per_page", 50, 0, 100)
    shown = [_select(c, request.query) for c in clients[page * per_page : (page + 1) * per_page]]
    if not _truthy(request.query.get("include_totals"), False):
        return Reply(200, shown)  # Auth0's default: a plain array
    return Reply(
        200,
        {"start": page * per_page, "limit": per_page, "length": len(shown),
         "total": len(clients), "clients": shown},
    )


def _query_integer(query: dict[str, str], name: str, default: int, low: int,
                   high: int | None) -> int:
    """Read an integer query parameter; out of range is a 400, as Auth0 answers, not a clamp.

    docs/api/management/v2/clients/get-clients: page >= 0, per_page 0 to 100. The wording
    follows Auth0's payload validation errors (UNVERIFIED for query strings).
    """
    text = query.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise _query_error("Expected type integer but found type string", name) from None
    if value < low:
        raise _query_error(f"Value {value} is less than minimum {low}", name)
    if high is not None and value > high:
        raise _query_error(f"Value {value} is greater than maximum {high}", name)
    return value


def _query_error(what: str, name: str) -> HttpError:
    return HttpError(400, f"Query validation error: '{what}' on property {name}.",
                     "invalid_query_string")


def _client_record(state: TenantState, client_id: str) -> dict[str, Any]:
    client = state.clients.get(client_id)
    if client is None:
        raise HttpError(404, "The client does not exist", "inexistent_client")
    return client


def _client_get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    return Reply(200, _select(_client_record(state, params["id"]), request.query))


def _client_patch(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    client = _client_record(state, params["id"])
    body = _json_object(request)
    schema.client_update(body, "")
    client.update(body)
    return Reply(200, client)


def _route(method: str, path: str, scopes: str, handler: Handler, *buckets: str) -> Route:
    pattern = re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path))
    return Route(method, pattern, tuple(scopes.split()), (GLOBAL, *buckets), handler)


ROUTES = (
    _route("GET", "branding", "read:branding", _branding_get),
    _route("PATCH", "branding", "update:branding", _branding_patch),
    _route("GET", "branding/themes/default", "read:branding", _theme_default),
    _route("GET", "branding/themes/{id}", "read:branding", _theme_get),
    _route("POST", "branding/themes", "create:branding", _theme_post),
    _route("PATCH", "branding/themes/{id}", "update:branding", _theme_patch),
    _route("DELETE", "branding/themes/{id}", "delete:branding", _theme_delete),
    _route("GET", "email-templates/{name}", "read:email_templates", _email_get, EMAIL_READ),
    _route("POST", "email-templates", "create:email_templates", _email_post, EMAIL_WRITE),
    _route("PATCH", "email-templates/{name}", "update:email_templates", _email_patch, EMAIL_WRITE),
    _route("PUT", "email-templates/{name}", "update:email_templates", _email_put, EMAIL_WRITE),
    _route("GET", "tenants/settings", "read:tenant_settings", _settings_get),
    _route("PATCH", "tenants/settings", "update:tenant_settings", _settings_patch),
    _route("GET", "clients", "read:clients read:client_keys", _clients_list),
    _route("GET", "clients/{id}", "read:clients read:client_keys", _client_get),
    _route("PATCH", "clients/{id}", "update:clients update:client_keys", _client_patch),
)

