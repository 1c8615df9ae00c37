"""Answer the Universal Login page template endpoints and the custom domains it renders on.

Sources: docs/api/management/v2/branding/put-universal-login (201 "Template successfully
created", 204 "Template successfully updated", "Maximum string length: 102400", JSON or
text/html bodies), get-universal-login (404 when none), and
docs/customize/login-pages/universal-login/customize-templates (the required tags).
"""

from __future__ import annotations

import re
from typing import Any

from ..auth0.contract import UL_HEAD_MARKUP, UL_HEAD_TAG, UL_MAX_BYTES, UL_WIDGET_MARKUP, UL_WIDGET_TAG
from ..checks.html import in_html_comment
from ..errors import TemplateError
from ..render.liquid_usage import TagUse, liquid_usage
from .resources import ApiRequest, Reply, _json_body, _route, _select
from .schema import HttpError, invalid, json_type
from .state import TenantState

UL_TAGS_MESSAGE = (
    "The template must contain a single auth0:head tag and at least one auth0:widget tag."
)


def _require_ul_feature(state: TenantState) -> None:
    if not state.config.allows_ul_templates:
        raise HttpError(
            402,
            "This feature is not available for your plan. Custom page templates require a paid plan.",
            "feature_not_available",
        )


def check_template(template: str) -> None:
    """Refuse a template as Auth0 does: too large, not Liquid, or without its two tags."""
    size = len(template.encode("utf-8"))
    if size > UL_MAX_BYTES:
        raise invalid(f"String is too long ({size} bytes), maximum {UL_MAX_BYTES}", "template")
    try:
        # Our one Liquid parser (render/): an unclosed {% if %} or an unknown tag fails here.
        usage = liquid_usage(template)
    except TemplateError as error:
        line = error.location.line if error.location else None
        at = f" (line {line})" if line else ""
        # UNVERIFIED wording: Auth0 documents that the template is Liquid, not its parse errors.
        raise HttpError(400, f"Invalid template: {error.message}{at}", "invalid_template") from error
    commented = in_html_comment(template)
    starts = [0] + [m.end() for m in re.finditer("\n", template)]

    def counted(tags: tuple[TagUse, ...], markup: str) -> list[TagUse]:
        # A tag inside an HTML comment renders into the comment, where no browser reads it:
        # it does not count (UNVERIFIED beyond "must include"), nor does a spaced form.
        return [tag for tag in tags if tag.markup == markup
                and not commented(starts[tag.line - 1] + tag.col - 1)]

    heads = counted(usage.tags_named(UL_HEAD_TAG), UL_HEAD_MARKUP)
    widgets = counted(usage.tags_named(UL_WIDGET_TAG), UL_WIDGET_MARKUP)
    if len(heads) != 1 or not widgets:
        raise HttpError(400, UL_TAGS_MESSAGE, "invalid_template")


def _ul_get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    _require_ul_feature(state)
    if state.ul_template is None:
        raise HttpError(404, "Template not found", "inexistent_templates_universal_login")
    return Reply(200, {"body": state.ul_template})


def _ul_put(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    _require_ul_feature(state)
    template: Any
    if request.content_type.split(";", 1)[0].strip().lower() == "text/html":
        template = request.body.decode("utf-8", errors="replace")
    else:
        body = _json_body(request)
        template = body.get("template") if isinstance(body, dict) else body
        if isinstance(body, dict) and "template" not in body:
            raise invalid("Missing required property: template", "")
    if not isinstance(template, str):
        raise invalid(f"Expected type string but found type {json_type(template)}", "template")
    check_template(template)
    created = state.ul_template is None
    state.ul_template = template
    return Reply(201 if created else 204)


def _ul_delete(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    _require_ul_feature(state)
    state.ul_template = None
    return Reply(204)


def _custom_domains(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    return Reply(200, [_select(d, request.query) for d in state.custom_domains()])


def _default_domain(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    # docs/api/management/v2/custom-domains/get-default: the domain marked is_default.
    for domain in state.custom_domains():
        if domain.get("is_default"):
            return Reply(200, _select(domain, request.query))
    # Auth0 falls back to the canonical domain ("there will always be a default",
    # docs/customize/custom-domains/multiple-custom-domains/default-domain); the emulator
    # holds no canonical-domain record, so it answers 404 (UNVERIFIED wording).
    raise HttpError(404, "The tenant has no default custom domain", "custom_domain_not_found")


_UL = "branding/templates/universal-login"
ROUTES = (
    _route("GET", _UL, "read:branding", _ul_get),
    _route("PUT", _UL, "update:branding", _ul_put),
    _route("DELETE", _UL, "delete:branding", _ul_delete),
    _route("GET", "custom-domains", "read:custom_domains", _custom_domains),
    _route("GET", "custom-domains/default", "read:custom_domains", _default_domain),
)
