"""Validate Management API payloads the way Auth0 does, with Auth0's error bodies."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from ..auth0.contract import EMAIL_TEMPLATES
from ..auth0.languages import LANGUAGES
from ..auth0.theme import COLOR_PATTERN, THEME_FIELDS, THEME_GROUPS, ThemeField, is_color

# Pinned rather than taken from HTTPStatus: Python 3.13 renamed 413's phrase.
_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Request Entity Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
}


def phrase(status: int) -> str:
    """Return the reason phrase Auth0 puts in `error` for `status`."""
    return _PHRASES.get(status) or HTTPStatus(status).phrase


class HttpError(Exception):
    """An API answer other than success, carrying Auth0's error body."""

    def __init__(
        self,
        status: int,
        message: str,
        error_code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_code = error_code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """Return the JSON body Auth0 sends with this error."""
        body: dict[str, Any] = {
            "statusCode": self.status,
            "error": phrase(self.status),
            "message": self.message,
        }
        if self.error_code:
            body["errorCode"] = self.error_code
        return body


def invalid(what: str, where: str) -> HttpError:
    """Return a 400 in Auth0's "Payload validation error" wording, naming the property."""
    on = f" on property {where}" if where else ""
    return HttpError(400, f"Payload validation error: '{what}'{on}.", "invalid_body")


def json_type(value: Any) -> str:
    """Name a JSON value's type as Auth0's messages do (never a Python type name)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


Check = Callable[[Any, str], None]


def anything(value: Any, where: str) -> None:
    """Accept any value (fields the emulator stores but does not model)."""


def _typed(expected: str, test: Callable[[Any], bool]) -> Check:
    def check(value: Any, where: str) -> None:
        if not test(value):
            raise invalid(f"Expected type {expected} but found type {json_type(value)}", where)

    return check


string = _typed("string", lambda v: isinstance(v, str))
boolean = _typed("boolean", lambda v: isinstance(v, bool))
_number = _typed("number", lambda v: isinstance(v, int | float) and not isinstance(v, bool))


def number(low: float | None = None, high: float | None = None) -> Check:
    """Check a JSON number within [low, high]."""

    def check(value: Any, where: str) -> None:
        _number(value, where)
        if low is not None and value < low:
            raise invalid(f"Value {value} is less than minimum {low}", where)
        if high is not None and value > high:
            raise invalid(f"Value {value} is greater than maximum {high}", where)

    return check


def enum(*values: str) -> Check:
    """Check a string among `values`."""

    def check(value: Any, where: str) -> None:
        if value not in values:
            raise invalid(f'No enum match for: "{value}"', where)

    return check


def color(value: Any, where: str) -> None:
    """Check a #rgb, #rgba, #rrggbb or #rrggbbaa colour."""
    string(value, where)
    if not is_color(value):
        raise invalid(f"String does not match pattern {COLOR_PATTERN}: {value}", where)


def https_or_empty(value: Any, where: str) -> None:
    """Check an absolute https URL or "" (Auth0 rejects http and relative URLs)."""
    string(value, where)
    if value and not re.match(r"^https://[^\s/]+", value):
        raise invalid(
            f"Object didn't pass validation for format absolute-https-uri-or-empty: {value}", where
        )


def nullable(check: Check) -> Check:
    """Also accept null."""

    def wrapped(value: Any, where: str) -> None:
        if value is not None:
            check(value, where)

    return wrapped


def obj(fields: dict[str, Check], required: Iterable[str] = ()) -> Check:
    """Check an object: required keys present, no unknown keys, each value valid."""
    required = tuple(required)

    def check(value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise invalid(f"Expected type object but found type {json_type(value)}", where)
        for key in required:
            if key not in value:
                raise invalid(f"Missing required property: {key}", where)
        for key, item in value.items():
            if key not in fields:
                raise invalid(f"Additional properties not allowed: {key}", where)
            fields[key](item, f"{where}.{key}" if where else key)

    return check


def _all(fields: dict[str, Check]) -> Check:
    return obj(fields, required=fields)


def _theme_check(field: ThemeField) -> Check:
    if field.kind == "number":
        return number(field.low, field.high)
    if field.kind == "font":
        return _all({"bold": boolean, "size": number(field.low, field.high)})
    if field.kind == "enum":
        return enum(*field.choices)
    return {"bool": boolean, "color": color, "url": https_or_empty}[field.kind]


# Contract §3: all five groups are required on create and on update.
theme = obj(
    {
        **{
            group: obj({name: _theme_check(field) for name, field in fields.items()},
                       required=[name for name, field in fields.items() if not field.optional])
            for group, fields in THEME_FIELDS.items()
        },
        "displayName": nullable(string),
        "identifiers": nullable(obj({"login_display": anything, "otp_autocomplete": anything,
                                     "phone_display": anything})),
    },
    required=THEME_GROUPS,
)


def _page_background(value: Any, where: str) -> None:
    # A plain colour, or a gradient object Auth0 documents loosely: accept any object.
    if not isinstance(value, dict):
        color(value, where)


branding = obj(
    {
        "colors": nullable(obj({"primary": nullable(color), "page_background": nullable(_page_background)})),
        "logo_url": nullable(https_or_empty),
        "favicon_url": nullable(https_or_empty),
        "font": nullable(obj({"url": nullable(https_or_empty)})),
        # docs/api/management/v2/branding/patch-branding lists identifiers too.
        "identifiers": nullable(obj({"login_display": anything, "otp_autocomplete": anything,
                                     "phone_display": anything})),
    }
)

EMAIL_REQUIRED = ("template", "body", "from", "subject", "syntax", "enabled")
email_template = obj(
    {
        "template": enum(*EMAIL_TEMPLATES),
        "body": string,
        "from": string,
        "subject": string,
        "syntax": enum("liquid"),
        "resultUrl": nullable(string),
        "urlLifetimeInSeconds": nullable(number(0)),
        "includeEmailInRedirect": boolean,
        "enabled": boolean,
    }
)

# Keys PATCH /tenants/settings accepts (auth0-python 6.8.0's update()); only the
# branding-related ones are type-checked, the rest are stored as given.
_SETTINGS_KEYS = (
    "device_flow default_audience default_directory default_token_quota flags "
    "allowed_logout_urls session_lifetime session_lifetime_in_minutes idle_session_lifetime "
    "idle_session_lifetime_in_minutes ephemeral_session_lifetime idle_ephemeral_session_lifetime "
    "ephemeral_session_lifetime_in_minutes idle_ephemeral_session_lifetime_in_minutes "
    "sandbox_version legacy_sandbox_version default_redirection_uri enabled_locales access_token "
    "security_headers session_cookie sessions oidc_logout customize_mfa_in_postlogin_action "
    "allow_organization_name_in_authentication_api acr_values_supported mtls "
    "pushed_authorization_requests_supported authorization_response_iss_parameter_supported "
    "dpop_strict_refresh_token_binding skip_non_verifiable_callback_uri_confirmation_prompt "
    "resource_parameter_profile client_id_metadata_document_supported "
    "client_id_metadata_document_dynamic_registration_supported enable_ai_guide "
    "phone_consolidated_experience include_session_metadata_in_tenant_logs "
    "dynamic_client_registration_security_mode country_codes"
).split()


def _locales(value: Any, where: str) -> None:
    """Check `enabled_locales`: Auth0's language codes, each once (the first is the default)."""
    if not isinstance(value, list):
        raise invalid(f"Expected type array but found type {json_type(value)}", where)
    seen: dict[str, int] = {}
    for index, code in enumerate(value):
        string(code, f"{where}[{index}]")
        enum(*LANGUAGES)(code, f"{where}[{index}]")
        if code in seen:
            raise invalid(f"Array items are not unique (indexes {seen[code]} and {index})", where)
        seen[code] = index


tenant_settings = obj(
    {
        **{key: anything for key in _SETTINGS_KEYS},
        "enabled_locales": _locales,
        "change_password": nullable(obj({"enabled": boolean, "html": nullable(string)})),
        "guardian_mfa_page": nullable(obj({"enabled": boolean, "html": nullable(string)})),
        "error_page": nullable(
            obj({"html": nullable(string), "show_log_link": boolean, "url": nullable(string)})
        ),
        "friendly_name": string,
        "picture_url": string,
        "support_email": string,
        "support_url": string,
    }
)

# Keys PATCH /clients/{id} accepts (auth0-python 6.8.0's update()).
_CLIENT_KEYS = (
    "description client_secret logo_uri callbacks oidc_logout oidc_backchannel_logout "
    "session_transfer allowed_origins web_origins grant_types client_aliases allowed_clients "
    "allowed_logout_urls jwt_configuration encryption_key sso cross_origin_authentication "
    "cross_origin_loc sso_disabled token_endpoint_auth_method is_token_endpoint_ip_header_trusted "
    "app_type is_first_party oidc_conformant custom_login_page_preview token_quota "
    "identity_assertion_authorization_grant anonymous_sessions "
    "enforce_anon_session_transfer_network_binding form_template addons client_metadata mobile "
    "initiate_login_uri native_social_login fedcm_login refresh_token default_organization "
    "organization_usage organization_require_behavior organization_discovery_methods "
    "client_authentication_methods"
).split()
client_update = obj(
    {
        **{key: anything for key in _CLIENT_KEYS},
        "name": string,
        "custom_login_page": string,
        "custom_login_page_on": boolean,
    }
)

prompt_settings = obj(
    {
        "universal_login_experience": nullable(enum("new", "classic")),
        "identifier_first": nullable(boolean),
        "webauthn_platform_first_factor": nullable(boolean),
    }
)
