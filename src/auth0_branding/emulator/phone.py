"""Answer the phone message endpoints: list, create, get, patch and delete the tenant's templates.

A fresh tenant lists Auth0's own template for every type, without an id: it has none of its
own until one is created. Error wordings are UNVERIFIED (modelled on the email templates').
"""

from __future__ import annotations

import secrets
from typing import Any

from ..auth0.phone import PHONE_SYNTAX, PHONE_TYPES
from . import schema
from .resources import ApiRequest, Reply, _json_object, _route
from .schema import HttpError, invalid
from .state import TenantState

# What Auth0 sends when the tenant has not written its own (the wording is Auth0's, roughly).
_DEFAULT_TEXTS = {
    "otp_verify": "{{ code }} is your verification code for {{ friendly_name }}.",
    "otp_enroll": "{{ code }} is your enrollment code for {{ friendly_name }}.",
    "change_password": "{{ code }} is your password change code for {{ friendly_name }}.",
    "blocked_account": "Your {{ friendly_name }} account was blocked after failed attempts.",
    "password_breach": "Your {{ friendly_name }} password was found in a breach: change it.",
}

_content = schema.obj({
    "syntax": schema.enum(PHONE_SYNTAX),
    "from": schema.string,
    "body": schema.obj({"text": schema.string, "voice": schema.string}),
})
_create = schema.obj({"type": schema.enum(*PHONE_TYPES), "disabled": schema.boolean,
                      "content": _content}, required=("type",))
_update = schema.obj({"disabled": schema.boolean, "content": _content})


def _default(state: TenantState, kind: str) -> dict[str, Any]:
    text = _DEFAULT_TEXTS[kind]
    return {"channel": "phone", "customizable": True, "tenant": state.config.name,
            "type": kind, "disabled": False,
            "content": {"syntax": PHONE_SYNTAX, "from": "", "body": {"text": text, "voice": text}}}


def _record(state: TenantState, template_id: str) -> dict[str, Any]:
    record = state.phone_templates.get(template_id)
    if record is None:
        raise HttpError(404, "Phone template not found", "phone_template_not_found")
    return record


def _list(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    own = {record["type"]: record for record in state.phone_templates.values()}
    return Reply(200, {"templates": [own.get(kind) or _default(state, kind)
                                     for kind in PHONE_TYPES]})


def _create_template(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    body = _json_object(request)
    _create(body, "")
    if any(r["type"] == body["type"] for r in state.phone_templates.values()):
        raise HttpError(409, f"A phone template of type {body['type']} already exists.",
                        "phone_template_already_exists")
    record = _default(state, body["type"])
    record["id"] = "pht_" + secrets.token_hex(8)
    _apply(record, body)
    state.phone_templates[record["id"]] = record
    return Reply(201, record)


def _get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    return Reply(200, _record(state, params["id"]))


def _patch(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    record = _record(state, params["id"])
    body = _json_object(request)
    if "type" in body and body["type"] != record["type"]:
        raise invalid("The type of a phone template cannot change", "type")
    _update({k: v for k, v in body.items() if k != "type"}, "")
    _apply(record, body)
    return Reply(200, record)


def _delete(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    # The type's own template goes; Auth0's default for it is listed again.
    _record(state, params["id"])
    del state.phone_templates[params["id"]]
    return Reply(204, None)


def _apply(record: dict[str, Any], body: dict[str, Any]) -> None:
    if "disabled" in body:
        record["disabled"] = body["disabled"]
    content = body.get("content") or {}
    record["content"] = {**record["content"], **{k: v for k, v in content.items() if k != "body"}}
    if "body" in content:
        record["content"]["body"] = {**record["content"]["body"], **content["body"]}


_TEMPLATES = "branding/phone/templates"
ROUTES = (
    _route("GET", _TEMPLATES, "read:phone_templates", _list),
    _route("POST", _TEMPLATES, "create:phone_templates", _create_template),
    _route("GET", _TEMPLATES + "/{id}", "read:phone_templates", _get),
    _route("PATCH", _TEMPLATES + "/{id}", "update:phone_templates", _patch),
    _route("DELETE", _TEMPLATES + "/{id}", "delete:phone_templates", _delete),
)
