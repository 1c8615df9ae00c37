"""Tests for the loopback Auth0 emulator, over real HTTP and through auth0-python."""

from __future__ import annotations

import copy
import json
import math
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0.management import Auth0
from auth0.management.core.api_error import ApiError
from auth0.management.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PaymentRequiredError,
    TooManyRequestsError,
    UnauthorizedError,
)
from click.testing import CliRunner
from emulator_fixtures import sdk_client
from hostile import assert_refused, case

from auth0_branding.auth0.plans import Bucket
from auth0_branding.cli import cli
from auth0_branding.emulator.limits import FakeClock, Faults
from auth0_branding.emulator.server import Emulator, run_emulator
from auth0_branding.emulator.state import (
    EmulatedTenant,
    EmulatorConfig,
    EmulatorConfigError,
    config_from_dict,
    load_config,
)

NO_RETRY = {"max_retries": 0}
UL = "<html><head>{%- auth0:head -%}</head><body>{%- auth0:widget -%}</body></html>"
FONT = {"bold": False, "size": 100}
COLOR_NAMES = (
    "body_text error header icons input_background input_border input_filled_text "
    "input_labels_placeholders links_focused_components primary_button primary_button_label "
    "secondary_button_border secondary_button_label success widget_background widget_border"
).split()
THEME = {
    "borders": {
        "button_border_radius": 3, "button_border_weight": 1, "buttons_style": "rounded",
        "input_border_radius": 3, "input_border_weight": 1, "inputs_style": "rounded",
        "show_widget_shadow": True, "widget_border_weight": 0, "widget_corner_radius": 5,
    },
    "colors": {name: "#635dff" for name in COLOR_NAMES},
    "fonts": {
        "font_url": "", "reference_text_size": 16, "links_style": "normal",
        "title": {"bold": True, "size": 150}, "subtitle": FONT, "body_text": FONT,
        "buttons_text": FONT, "input_labels": FONT, "links": FONT,
    },
    "page_background": {
        "background_color": "#000", "background_image_url": "", "page_layout": "center",
    },
    "widget": {
        "header_text_alignment": "center", "logo_height": 52, "logo_position": "center",
        "logo_url": "https://cdn.example.test/logo.png", "social_buttons_layout": "bottom",
    },
}
EMAIL = {
    "template": "verify_email", "body": "<a href=\"{{ url }}\">Verify</a>", "from": "a@example.test",
    "subject": "Verify", "syntax": "liquid", "enabled": True,
}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _free_limited(**limits: Bucket) -> EmulatorConfig:
    """Declare a Free tenant (with `limits` overrides) and an Enterprise one, limits on."""
    return EmulatorConfig(
        tenants=(
            EmulatedTenant("free", plan="free", limits=limits),
            EmulatedTenant("ent", plan="enterprise", limits={"global": Bucket(100, 100)}),
        )
    )


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """A plain-HTTP client for calls the SDK cannot make (raw bodies, headers)."""
    with httpx.Client(timeout=10, verify=False) as client:
        yield client


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves by hand."""
    return FakeClock()


@pytest.fixture
def limited(clock: FakeClock) -> Iterator[Emulator]:
    """An emulator with Auth0's Free and Enterprise buckets on an injected clock."""
    with run_emulator(_free_limited(), clock=clock) as running:
        yield running


# -- tokens and authorisation --


def test_sdk_get_token_fetches_a_token_that_opens_the_api(emulator: Emulator) -> None:
    credentials = emulator.tenant_config("dev")
    getter = GetToken(emulator.domain("dev"), credentials.client_id,
                      credentials.client_secret, protocol="http")
    answer = getter.client_credentials(emulator.audience("dev"))
    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == 86400
    assert "update:email_templates" in answer["scope"].split()
    client = Auth0(base_url=emulator.api_url("dev"), token=answer["access_token"],
                   httpx_client=httpx.Client(verify=False))
    assert client.branding.get().logo_url is None


def test_token_endpoint_accepts_a_form_body(http: httpx.Client, emulator: Emulator) -> None:
    reply = http.post(emulator.token_url("free"), data={
        "grant_type": "client_credentials", "client_id": "free-client-id",
        "client_secret": "free-client-secret", "audience": emulator.audience("free")})
    assert reply.status_code == 200
    assert len(reply.json()["access_token"]) >= 32


@pytest.mark.parametrize(
    ("change", "status", "body"),
    [
        ({"client_secret": "wrong"}, 401,
         {"error": "access_denied", "error_description": "Unauthorized"}),
        ({"client_id": "free-client-id"}, 401,
         {"error": "access_denied", "error_description": "Unauthorized"}),
        ({"grant_type": "password"}, 403, {"error": "unauthorized_client",
         "error_description": "Grant type 'password' not allowed for the client."}),
        ({"audience": "https://elsewhere.test/"}, 403, {"error": "access_denied",
         "error_description": "Service not enabled within domain: https://elsewhere.test/"}),
    ],
)
def test_token_endpoint_refuses_bad_requests(http: httpx.Client, 
    emulator: Emulator, change: dict[str, str], status: int, body: dict[str, str]
) -> None:
    request = {"grant_type": "client_credentials", "client_id": "dev-client-id",
               "client_secret": "dev-client-secret", "audience": emulator.audience("dev"), **change}
    reply = http.post(emulator.token_url("dev"), json=request)
    assert (reply.status_code, reply.json()) == (status, body)


def test_sdk_get_token_with_a_wrong_secret_raises_401(emulator: Emulator) -> None:
    getter = GetToken(emulator.domain("dev"), "dev-client-id", "nope", protocol="http")
    with pytest.raises(Auth0Error) as caught:
        getter.client_credentials(emulator.audience("dev"))
    assert caught.value.status_code == 401


def test_unknown_or_missing_token_is_401(http: httpx.Client, emulator: Emulator) -> None:
    client = Auth0(base_url=emulator.api_url("dev"), token="not-a-token", httpx_client=http)
    with pytest.raises(UnauthorizedError) as caught:
        client.branding.get()
    invalid = {"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"}
    assert caught.value.body == invalid
    for headers in ({}, {"Authorization": "Basic ZGV2OmRldg=="}):
        reply = http.get(f"{emulator.api_url('dev')}/branding", headers=headers)
        assert (reply.status_code, reply.json()) == (401, invalid)


def test_missing_scope_is_403_naming_the_scope(emulator: Emulator) -> None:
    client = sdk_client(emulator, "dev", scopes=["read:email_templates"])
    with pytest.raises(ForbiddenError) as caught:
        client.email_templates.create(template="verify_email", body="x", from_="a@b.test",
                                      subject="s", syntax="liquid", enabled=True)
    assert caught.value.body == {
        "statusCode": 403, "error": "Forbidden",
        "message": "Insufficient scope, expected any of: create:email_templates",
        "errorCode": "insufficient_scope"}


def test_tokens_expire_by_ttl_by_hand_and_by_fault(http: httpx.Client, clock: FakeClock) -> None:
    config = EmulatorConfig((EmulatedTenant("dev", rate_limits=False),))
    with run_emulator(config, clock=clock) as emu:
        short = Auth0(base_url=emu.api_url("dev"), token=emu.issue_token("dev", ttl=10),
                      httpx_client=http)
        short.branding.get()
        clock.advance(10)
        with pytest.raises(UnauthorizedError) as caught:
            short.branding.get()
        assert caught.value.body["message"] == "Expired token"

        older = Auth0(base_url=emu.api_url("dev"), token=emu.issue_token("dev"), httpx_client=http)
        emu.expire_all_tokens()
        with pytest.raises(UnauthorizedError, match="Expired token"):
            older.branding.get()
        fresh = sdk_client(emu, "dev")
        fresh.branding.get()

        emu.set_faults("dev", token_ttl=5)
        clock.advance(5)
        with pytest.raises(UnauthorizedError, match="Expired token"):
            fresh.branding.get()
        answer = http.post(emu.token_url("dev"), json={
            "grant_type": "client_credentials", "client_id": "dev-client-id",
            "client_secret": "dev-client-secret", "audience": emu.audience("dev")}).json()
        assert answer["expires_in"] == 5


# -- Universal Login template --


def test_universal_login_template_lifecycle(http: httpx.Client, auth0_client, emulator: Emulator) -> None:
    templates = auth0_client("dev").branding.templates
    with pytest.raises(NotFoundError) as caught:
        templates.get_universal_login()
    assert caught.value.body == {
        "statusCode": 404, "error": "Not Found", "message": "Template not found",
        "errorCode": "inexistent_templates_universal_login"}
    url = f"{emulator.api_url('dev')}/branding/templates/universal-login"
    headers = _bearer(emulator.issue_token("dev"))
    # Auth0's reference: 201 "Template successfully created", 204 "... updated".
    created = http.put(url, json={"template": UL}, headers=headers)
    assert (created.status_code, created.content) == (201, b"")
    assert templates.get_universal_login().body == UL
    templates.update_universal_login(request=UL.replace("<html>", "<html lang='fr'>"))
    assert "lang='fr'" in templates.get_universal_login().body
    raw = http.put(url, content=UL.encode(), headers={**headers, "Content-Type": "text/html"})
    assert (raw.status_code, raw.content) == (204, b"")
    assert templates.get_universal_login().body == UL
    templates.delete_universal_login()
    with pytest.raises(NotFoundError):
        templates.get_universal_login()
    assert http.put(url, json={"template": UL}, headers=headers).status_code == 201


@pytest.mark.parametrize(
    "template",
    [
        "<head></head><body>{%- auth0:widget -%}</body>",
        "{%- auth0:head -%}{%- auth0:head -%}{%- auth0:widget -%}",
        "<head>{%- auth0:head -%}</head><body></body>",
        "<head>{% auth0:head %}</head><body>{% auth0:widget %}</body>",
        "<head><!-- {%- auth0:head -%} --></head><body>{%- auth0:widget -%}</body>",
        "<head>{%- auth0:head -%}</head><body><!--\n{%- auth0:widget -%}\n--></body>",
        "<head>{% comment %}{%- auth0:head -%}{% endcomment %}</head>{%- auth0:widget -%}",
        "<head>{% raw %}{%- auth0:head -%}{% endraw %}</head>{%- auth0:widget -%}",
    ],
    ids=["no-head", "two-heads", "no-widget", "unhyphenated", "head-in-html-comment",
         "widget-in-html-comment", "head-in-liquid-comment", "head-in-raw"],
)
def test_universal_login_template_needs_its_tags(auth0_client, template: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        auth0_client("dev").branding.templates.update_universal_login(request={"template": template})
    assert caught.value.body["message"] == (
        "The template must contain a single auth0:head tag and at least one auth0:widget tag.")


@pytest.mark.parametrize("template, message", [
    ("<head>{%- auth0:head -%}</head><body>{% if user %}{%- auth0:widget -%}</body>",
     "Invalid template: expected tag endif, found end of expression (line 1)"),
    ("<head>{%- auth0:head -%}</head>\n<body>{% frobnicate %}{%- auth0:widget -%}</body>",
     "Invalid template: unknown tag 'frobnicate' (line 2)"),
], ids=["unclosed-if", "unknown-tag"])
def test_universal_login_template_must_parse_as_liquid(auth0_client, template: str,
                                                        message: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        auth0_client("dev").branding.templates.update_universal_login(request={"template": template})
    assert caught.value.body == {"statusCode": 400, "error": "Bad Request", "message": message,
                                 "errorCode": "invalid_template"}


def test_universal_login_template_size_limit_counts_bytes(auth0_client) -> None:
    templates = auth0_client("dev").branding.templates
    exact = UL + " " * (102_400 - len(UL))
    templates.update_universal_login(request={"template": exact})
    with pytest.raises(BadRequestError) as caught:
        templates.update_universal_login(request={"template": exact + " "})
    assert caught.value.body["message"] == (
        "Payload validation error: 'String is too long (102401 bytes), maximum 102400' "
        "on property template.")
    # 'é' is one character but two bytes of UTF-8: half as many of them fill the limit.
    accented = UL + "é" * ((102_400 - len(UL)) // 2 + 1)
    assert len(accented) < 102_400
    with pytest.raises(BadRequestError):
        templates.update_universal_login(request={"template": accented})


def test_universal_login_template_needs_a_paid_plan(auth0_client) -> None:
    with pytest.raises(PaymentRequiredError) as caught:
        auth0_client("free").branding.templates.update_universal_login(request={"template": UL})
    assert caught.value.status_code == 402


def test_universal_login_template_is_stored_without_a_custom_domain(http: httpx.Client) -> None:
    # Auth0 stores it; it only renders on a custom domain, which the publisher checks itself.
    config = EmulatorConfig((EmulatedTenant("bare", plan="essentials", rate_limits=False),))
    with run_emulator(config) as emu:
        client = sdk_client(emu, "bare")
        assert client.custom_domains.list() == []
        client.branding.templates.update_universal_login(request={"template": UL})
        assert client.branding.templates.get_universal_login().body == UL


def test_payload_over_one_megabyte_is_413(http: httpx.Client, emulator: Emulator) -> None:
    reply = http.put(
        f"{emulator.api_url('dev')}/branding/templates/universal-login",
        json={"template": "x" * (1024 * 1024)}, headers=_bearer(emulator.issue_token("dev")))
    assert reply.status_code == 413
    assert reply.json()["error"] == "Request Entity Too Large"


BAD_JSON = {"statusCode": 400, "error": "Bad Request",
            "message": "Invalid request payload JSON format", "errorCode": "invalid_body"}
UNSUPPORTED = {"statusCode": 415, "error": "Unsupported Media Type",
               "message": "Unsupported Media Type"}


@pytest.mark.parametrize(("method", "path", "content", "content_type", "status", "answer"), [
    ("PATCH", "branding", b"[" * 100_000 + b"]" * 100_000, "application/json", 400, BAD_JSON),
    ("PATCH", "branding", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "application/json", 400,
     BAD_JSON),
    ("PATCH", "branding", b'{"colors": ' * 65 + b"{}" + b"}" * 65, "application/json", 400,
     BAD_JSON),
    ("PATCH", "branding", b'{"logo_url": "https://x.example/l.png"}', "text/plain", 415,
     UNSUPPORTED),
    ("PATCH", "branding", b'{"logo_url": "https://x.example/l.png"}', "", 415, UNSUPPORTED),
    ("PUT", "branding/templates/universal-login", UL.encode(), "text/plain", 415, UNSUPPORTED),
    ("PUT", "branding/templates/universal-login", b'"' + b"[" * 100_000, "application/json",
     400, BAD_JSON),
], ids=["deep-array", "deep-object", "65-deep", "text-plain", "no-content-type",
        "template-as-text-plain", "template-deep-json"])
def test_bad_bodies_are_refused_as_auth0_does_and_change_nothing(
    http: httpx.Client, emulator: Emulator, method: str, path: str, content: bytes,
    content_type: str, status: int, answer: dict[str, object],
) -> None:
    before = emulator.dump_state()
    headers = {**_bearer(emulator.issue_token("dev")), "Content-Type": content_type}
    reply = http.request(method, f"{emulator.api_url('dev')}/{path}", content=content,
                         headers=headers)
    assert (reply.status_code, reply.json()) == (status, answer)
    assert emulator.dump_state() == before


def test_a_deep_token_request_is_a_400(http: httpx.Client, emulator: Emulator) -> None:
    reply = http.post(emulator.token_url("dev"), content=b"[" * 100_000,
                      headers={"Content-Type": "application/json"})
    assert (reply.status_code, reply.json()) == (400, {
        "error": "invalid_request", "error_description": "Invalid request body"})


def test_json_with_a_charset_is_json(http: httpx.Client, emulator: Emulator) -> None:
    reply = http.patch(f"{emulator.api_url('dev')}/branding",
                       content=b'{"logo_url": "https://x.example/l.png"}',
                       headers={**_bearer(emulator.issue_token("dev")),
                                "Content-Type": "application/json; charset=utf-8"})
    assert reply.status_code == 200
    assert emulator.state("dev").branding == {"logo_url": "https://x.example/l.png"}


# -- email templates --


def test_email_template_lifecycle(auth0_client) -> None:
    emails = auth0_client("dev").email_templates
    with pytest.raises(ApiError) as missing:
        emails.get("verify_email")
    assert missing.value.status_code == 404
    with pytest.raises(NotFoundError):
        emails.update("verify_email", subject="x")
    created = emails.create(template="verify_email", body=EMAIL["body"], from_="a@example.test",
                            subject="Verify", syntax="liquid", enabled=True,
                            url_lifetime_in_seconds=432000)
    assert created.template == "verify_email" and created.url_lifetime_in_seconds == 432000
    updated = emails.update("verify_email", subject="Please verify", result_url="https://x.test/")
    assert (updated.subject, updated.body, updated.result_url) == (
        "Please verify", EMAIL["body"], "https://x.test/")
    replaced = emails.set("verify_email", template="verify_email", body="<p>{{ url }}</p>",
                          from_="b@example.test", subject="New", syntax="liquid", enabled=False)
    assert replaced.result_url is None and replaced.enabled is False
    got = emails.get("verify_email")
    assert (got.from_, got.subject, got.body) == ("b@example.test", "New", "<p>{{ url }}</p>")


def test_duplicate_email_template_post_is_409(auth0_client, emulator: Emulator) -> None:
    emails = auth0_client("dev").email_templates
    emails.create(**_sdk_email())
    emulator.clear_requests()
    with pytest.raises(ConflictError) as caught:
        emails.create(**_sdk_email(), request_options=NO_RETRY)
    assert caught.value.body["statusCode"] == 409
    assert emulator.count_writes("dev") == 1


def _sdk_email() -> dict[str, object]:
    fields = {k: v for k, v in EMAIL.items() if k != "from"}
    return {**fields, "from_": EMAIL["from"]}


@pytest.mark.parametrize("missing", ["body", "from", "subject", "syntax", "enabled"])
def test_email_template_post_requires_fields(http: httpx.Client, emulator: Emulator, missing: str) -> None:
    payload = {k: v for k, v in EMAIL.items() if k != missing}
    reply = http.post(f"{emulator.api_url('dev')}/email-templates", json=payload,
                       headers=_bearer(emulator.issue_token("dev")))
    assert reply.status_code == 400
    assert reply.json()["message"] == (
        f"Payload validation error: 'Missing required property: {missing}'.")


def test_email_template_names_are_an_enum(auth0_client) -> None:
    emails = auth0_client("dev").email_templates
    with pytest.raises(BadRequestError) as caught:
        emails.get("newsletter")
    assert "No enum match for: \"newsletter\"" in caught.value.body["message"]
    with pytest.raises(BadRequestError):
        emails.create(**{**_sdk_email(), "template": "newsletter"})


# -- tenant settings, branding, theme, clients, custom domains --


def test_tenant_settings_fields_and_merge(auth0_client) -> None:
    settings = auth0_client("dev").tenants.settings
    picked = settings.get(fields="change_password,error_page", include_fields=True)
    assert picked.error_page.url == "" and picked.friendly_name is None
    assert settings.get(fields="error_page", include_fields=False).error_page is None
    settings.update(error_page={"html": "<p>oops</p>", "show_log_link": False, "url": ""},
                    support_email="help@example.test")
    settings.update(change_password={"enabled": True, "html": "<div>cp</div>"})
    got = settings.get()
    assert got.error_page.html == "<p>oops</p>"
    assert got.support_email == "help@example.test"
    assert (got.change_password.enabled, got.change_password.html) == (True, "<div>cp</div>")
    with pytest.raises(BadRequestError) as caught:
        settings.update(change_password={"enabled": "yes"})
    assert "on property change_password.enabled" in caught.value.body["message"]


def _full_branding(branding: Any) -> None:
    branding.update(colors={"primary": "#0059d6", "page_background": "#000000"},
                    logo_url="https://cdn.example.test/logo.png",
                    favicon_url="https://cdn.example.test/favicon.ico",
                    font={"url": "https://cdn.example.test/font.woff2"})


def test_branding_patch_merges_by_default(auth0_client) -> None:
    branding = auth0_client("dev").branding
    _full_branding(branding)
    after = branding.update(logo_url="https://cdn.example.test/other.png",
                            colors={"primary": "#112233"})
    assert after.logo_url == "https://cdn.example.test/other.png"
    assert (after.colors.primary, after.colors.page_background) == ("#112233", None)
    assert after.favicon_url == "https://cdn.example.test/favicon.ico"
    assert branding.update(font=None).font is None  # null removes
    with pytest.raises(BadRequestError) as caught:
        branding.update(logo_url="http://cdn.example.test/logo.png")
    assert "on property logo_url" in caught.value.body["message"]


def test_branding_patch_can_wipe_what_it_omits() -> None:
    config = EmulatorConfig((EmulatedTenant("dev", rate_limits=False, branding_patch="replace"),))
    with run_emulator(config) as emu:
        branding = sdk_client(emu, "dev").branding
        _full_branding(branding)
        assert branding.get().font.url == "https://cdn.example.test/font.woff2"
        after = branding.update(logo_url="https://cdn.example.test/other.png")
        assert after.logo_url == "https://cdn.example.test/other.png"
        assert (after.colors, after.favicon_url, after.font) == (None, None, None)


def test_theme_lifecycle(auth0_client) -> None:
    themes = auth0_client("dev").branding.themes
    with pytest.raises(NotFoundError):
        themes.get_default()
    created = themes.create(**copy.deepcopy(THEME), display_name="Brand")
    assert created.display_name == "Brand" and created.widget.logo_height == 52
    assert themes.get_default().theme_id == created.theme_id
    with pytest.raises(ConflictError):
        themes.create(**copy.deepcopy(THEME), request_options=NO_RETRY)
    changed = copy.deepcopy(THEME)
    changed["colors"]["primary_button"] = "#ff0000"
    updated = themes.update(created.theme_id, **changed)
    assert updated.colors.primary_button == "#ff0000" and updated.display_name == "Brand"
    themes.delete(created.theme_id)
    with pytest.raises(NotFoundError):
        themes.get_default()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("colors.primary_button", "red", "String does not match pattern"),
        ("colors.captcha_widget_theme", "blue", 'No enum match for: "blue"'),
        ("borders.button_border_radius", 11, "Value 11 is greater than maximum 10"),
        ("borders.input_border_weight", 4, "Value 4 is greater than maximum 3"),
        ("fonts.title.size", 50, "Value 50 is less than minimum 75"),
        ("fonts.reference_text_size", "16", "Expected type number but found type string"),
        ("widget.logo_position", "top", 'No enum match for: "top"'),
        ("page_background.background_image_url", "http://x.test/a.png",
         "absolute-https-uri-or-empty"),
    ],
)
def test_theme_validation_names_the_field(
    auth0_client, path: str, value: object, message: str
) -> None:
    theme = copy.deepcopy(THEME)
    *parents, leaf = path.split(".")
    target = theme
    for parent in parents:
        target = target[parent]
    target[leaf] = value
    with pytest.raises(BadRequestError) as caught:
        auth0_client("dev").branding.themes.create(**theme)
    assert message in caught.value.body["message"]
    assert caught.value.body["message"].endswith(f"on property {path}.")


@pytest.mark.parametrize("group", ["borders", "colors", "fonts", "page_background", "widget"])
def test_theme_requires_all_five_groups(http: httpx.Client, emulator: Emulator, group: str) -> None:
    theme = {k: v for k, v in THEME.items() if k != group}
    reply = http.post(f"{emulator.api_url('dev')}/branding/themes", json=theme,
                       headers=_bearer(emulator.issue_token("dev")))
    assert reply.status_code == 400
    assert reply.json()["message"] == f"Payload validation error: 'Missing required property: {group}'."


def test_global_client_login_page(http: httpx.Client, auth0_client, emulator: Emulator) -> None:
    clients = auth0_client("dev").clients
    found = list(clients.list(is_global=True))
    assert [(c.name, c.global_) for c in found] == [("All Applications", True)]
    updated = clients.update(found[0].client_id, custom_login_page="<p>@@config@@</p>",
                             custom_login_page_on=True)
    assert (updated.custom_login_page, updated.custom_login_page_on) == ("<p>@@config@@</p>", True)
    plain = http.get(f"{emulator.api_url('dev')}/clients", params={"is_global": "true"},
                      headers=_bearer(emulator.issue_token("dev")))
    assert plain.json()[0]["custom_login_page_on"] is True  # no include_totals: a plain array


def test_custom_domains(auth0_client) -> None:
    [domain] = auth0_client("dev").custom_domains.list()
    assert (domain.domain, domain.status, domain.primary) == ("login.dev.example.test", "ready", True)
    assert auth0_client("free").custom_domains.list() == []


def test_tenants_are_isolated(http: httpx.Client, auth0_client, emulator: Emulator) -> None:
    auth0_client("dev").tenants.settings.update(friendly_name="Dev")
    assert auth0_client("free").tenants.settings.get().friendly_name == "free"
    stolen = Auth0(base_url=emulator.api_url("free"), token=emulator.issue_token("dev"),
                   httpx_client=http)
    with pytest.raises(UnauthorizedError):
        stolen.branding.get()
    assert http.get(f"{emulator.url}/nobody/api/v2/branding").status_code == 404


def test_host_header_selects_a_tenant_by_domain(http: httpx.Client) -> None:
    config = EmulatorConfig((EmulatedTenant("dev", domain="dev.example.test", rate_limits=False),))
    with run_emulator(config) as emu:
        reply = http.get(f"{emu.url}/api/v2/tenants/settings",
                          headers={**_bearer(emu.issue_token("dev")), "Host": "dev.example.test"})
        assert reply.json()["friendly_name"] == "dev"


# -- rate limits --


def test_rate_limit_headers_429_and_refill(http: httpx.Client, limited: Emulator, clock: FakeClock) -> None:
    url = f"{limited.api_url('free')}/branding"
    headers = _bearer(limited.issue_token("free"))
    first, second, third = (http.get(url, headers=headers) for _ in range(3))
    wall = clock.wall()
    assert [r.headers["X-RateLimit-Remaining"] for r in (first, second)] == ["1", "0"]
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Reset"] == str(math.ceil(wall + 0.5))  # one token away
    assert second.headers["X-RateLimit-Reset"] == str(math.ceil(wall + 1.0))  # full again
    assert third.status_code == 429
    assert third.json() == {"statusCode": 429, "error": "Too Many Requests",
                            "message": "Global limit has been reached",
                            "errorCode": "too_many_requests"}
    assert third.headers["X-RateLimit-Reset"] == str(math.ceil(wall + 0.5))
    assert third.headers["Retry-After"] == "1"  # half a second, in HTTP's whole seconds
    assert "Retry-After" not in first.headers
    clock.advance(0.49)
    assert http.get(url, headers=headers).status_code == 429
    clock.advance(0.01)
    assert http.get(url, headers=headers).status_code == 200
    clock.advance(10)  # refills up to the burst, never past it
    assert [http.get(url, headers=headers).status_code for _ in range(3)] == [200, 200, 429]


def test_sdk_sees_429_as_too_many_requests(limited: Emulator) -> None:
    client = sdk_client(limited, "free")
    for _ in range(2):  # the burst
        client.branding.get()
    with pytest.raises(TooManyRequestsError) as caught:
        client.branding.get(request_options=NO_RETRY)
    assert caught.value.headers["x-ratelimit-remaining"] == "0"


@pytest.mark.parametrize(("tenant", "burst", "per_minute"), [("free", 5, 25), ("ent", 10, 100)])
def test_email_writes_have_their_own_bucket(
    clock: FakeClock, tenant: str, burst: int, per_minute: int
) -> None:
    config = _free_limited(**{"global": Bucket(100, 100)})
    with run_emulator(config, clock=clock) as emu:
        emails = sdk_client(emu, tenant).email_templates
        emails.create(**_sdk_email())
        for _ in range(burst - 1):
            emails.update("verify_email", subject="s", request_options=NO_RETRY)
        wall = clock.wall()
        with pytest.raises(TooManyRequestsError) as caught:
            emails.update("verify_email", subject="s", request_options=NO_RETRY)
        assert caught.value.headers["x-ratelimit-limit"] == str(burst)
        assert caught.value.headers["x-ratelimit-reset"] == str(math.ceil(wall + 60 / per_minute))
        emails.get("verify_email")  # reads draw from another bucket
        clock.advance(60 / per_minute)
        emails.update("verify_email", subject="s", request_options=NO_RETRY)


def test_email_reads_have_their_own_bucket(clock: FakeClock) -> None:
    config = _free_limited(**{"global": Bucket(100, 100)})
    with run_emulator(config, clock=clock) as emu:
        emails = sdk_client(emu, "free").email_templates
        emails.create(**_sdk_email())
        for _ in range(10):
            emails.get("verify_email", request_options=NO_RETRY)
        with pytest.raises(TooManyRequestsError) as caught:
            emails.get("verify_email", request_options=NO_RETRY)
        assert caught.value.headers["x-ratelimit-limit"] == "10"
        clock.advance(60 / 50)
        emails.get("verify_email", request_options=NO_RETRY)


def test_concurrent_requests_never_overdraw_a_bucket(limited: Emulator) -> None:
    headers = _bearer(limited.issue_token("free"))
    url = f"{limited.api_url('free')}/branding"

    def call(_: int) -> int:
        with httpx.Client(timeout=10, verify=False) as client:
            return client.get(url, headers=headers).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(call, range(20)))
    assert sorted(statuses) == [200] * 2 + [429] * 18


def test_rate_limits_can_be_turned_off(http: httpx.Client, emulator: Emulator) -> None:
    headers = _bearer(emulator.issue_token("free"))
    replies = [http.get(f"{emulator.api_url('free')}/branding", headers=headers)
               for _ in range(12)]
    assert {r.status_code for r in replies} == {200}
    assert "X-RateLimit-Limit" not in replies[0].headers


def test_sdk_retries_pace_to_the_real_bucket() -> None:
    config = EmulatorConfig((EmulatedTenant("free", plan="free"),))
    with run_emulator(config) as emu:
        client = sdk_client(emu, "free")
        started = time.monotonic()
        for _ in range(3):
            client.branding.get()  # the third waits for X-RateLimit-Reset, then succeeds
        elapsed = time.monotonic() - started
        statuses = [r.status for r in emu.requests]
    assert statuses.count(200) == 3 and set(statuses) <= {200, 429}
    assert 0.5 <= elapsed < 2.5  # one token takes 0.5 s; Reset is whole seconds


# -- faults --


def test_error_rate_is_seeded_and_deterministic(emulator: Emulator) -> None:
    client = sdk_client(emulator, "dev")

    def pattern() -> list[int]:
        statuses = []
        for _ in range(40):
            try:
                client.branding.get(request_options=NO_RETRY)
                statuses.append(200)
            except ApiError as error:
                statuses.append(error.status_code)
        return statuses

    emulator.set_faults("dev", error_rate=0.5, seed=7)
    first = pattern()
    emulator.set_faults("dev", error_rate=0.5, seed=7)
    assert pattern() == first
    assert 8 <= first.count(503) <= 32 and set(first) == {200, 503}
    emulator.set_faults("dev", Faults(error_rate=1.0, error_status=500))
    with pytest.raises(ApiError) as caught:
        client.branding.get(request_options=NO_RETRY)
    assert caught.value.body["statusCode"] == 500


def test_latency_is_added(emulator: Emulator) -> None:
    client = sdk_client(emulator, "dev")
    emulator.set_faults("dev", latency_ms=200)
    started = time.monotonic()
    client.branding.get()
    assert time.monotonic() - started >= 0.2
    emulator.set_faults("dev", latency_ms=0)
    started = time.monotonic()
    client.branding.get()
    assert time.monotonic() - started < 0.2


def test_dropped_connection(emulator: Emulator) -> None:
    client = sdk_client(emulator, "dev")
    emulator.set_faults("dev", drop_rate=1.0)
    with pytest.raises(httpx.RemoteProtocolError):
        client.branding.get(request_options=NO_RETRY)
    assert emulator.requests[-1].status == 0
    emulator.set_faults("dev", drop_rate=0.0)
    client.branding.get()


def test_429_storm(emulator: Emulator) -> None:
    client = sdk_client(emulator, "dev")
    emulator.set_faults("dev", storm_requests=2, storm_reset=1)
    for _ in range(2):
        with pytest.raises(TooManyRequestsError) as caught:
            client.branding.get(request_options=NO_RETRY)
        reset = int(caught.value.headers["x-ratelimit-reset"])
        assert time.time() <= reset <= time.time() + 2
    client.branding.get(request_options=NO_RETRY)


# -- inspection, state, config, CLI --


def test_dump_save_load_state_and_http_inspection(http: httpx.Client, auth0_client, emulator: Emulator,
                                                  emulator_config: EmulatorConfig,
                                                  tmp_path: Path) -> None:
    client = auth0_client("dev")
    client.branding.templates.update_universal_login(request={"template": UL})
    client.email_templates.create(**_sdk_email())
    client.branding.get()
    dumped = emulator.dump_state()
    json.dumps(dumped)
    assert dumped["tenants"]["dev"]["universal_login_template"] == UL
    assert dumped["tenants"]["free"]["email_templates"] == {}
    assert emulator.count_writes("dev") == 2 and emulator.count_writes("free") == 0
    over_http = http.get(f"{emulator.url}/__emulator__/state").json()
    assert over_http == dumped
    log = http.get(f"{emulator.url}/__emulator__/requests").json()
    assert [(r["method"], r["path"], r["status"]) for r in log][-1] == (
        "GET", "/api/v2/branding", 200)

    state_file = tmp_path / "state.json"
    emulator.save_state(state_file)
    with run_emulator(emulator_config) as again:
        again.load_state(state_file)
        restored = sdk_client(again, "dev")
        assert restored.branding.templates.get_universal_login().body == UL
        assert restored.email_templates.get("verify_email").subject == "Verify"



# -- prompts: settings and custom text --

LOGIN_TEXT = {"login": {"title": "Bienvenue", "description": "Connectez-vous à ${companyName}",
                        "var-tos": "J'accepte les [conditions](https://example.test/tos)"}}


def _custom_text_url(emulator: Emulator, prompt: str, language: str) -> str:
    return f"{emulator.api_url('dev')}/prompts/{prompt}/custom-text/{language}"


def test_custom_text_put_get_replace_and_delete(http: httpx.Client, emulator: Emulator) -> None:
    headers = _bearer(emulator.issue_token("dev"))
    url = _custom_text_url(emulator, "login", "fr")
    assert http.get(url, headers=headers).json() == {}
    assert http.put(url, json=LOGIN_TEXT, headers=headers).status_code == 200
    assert http.get(url, headers=headers).json() == LOGIN_TEXT
    # Other languages and prompts are untouched by it.
    assert http.get(_custom_text_url(emulator, "login", "en"), headers=headers).json() == {}
    assert http.get(_custom_text_url(emulator, "login-id", "fr"), headers=headers).json() == {}
    # A second PUT replaces the prompt and language wholesale: nothing of the first survives.
    second = {"login": {"buttonText": "Continuer"}}
    assert http.put(url, json=second, headers=headers).status_code == 200
    assert http.get(url, headers=headers).json() == second
    assert http.put(url, json={}, headers=headers).status_code == 200
    assert http.get(url, headers=headers).json() == {}
    assert emulator.state("dev").custom_text == {}


def _var_keys(count: int) -> dict[str, str]:
    return {f"var-v{i}": "x" for i in range(count)}


@pytest.mark.parametrize(("prompt", "language", "body", "status", "message"), [
    ("loginn", "fr", {}, 400,
     "Path validation error: 'No enum match for: \"loginn\"' on property prompt."),
    ("login", "fr_FR", {}, 400,
     "Path validation error: 'No enum match for: \"fr_FR\"' on property language."),
    ("login", "fr", {"login-id": {"title": "x"}}, 400,
     'Invalid screen "login-id" for prompt "login".'),
    ("mfa-push", "en", {"mfa-push-enrollment-qr": {"copyCodeLinkText": "Copy"}}, 400,
     'Invalid key "copyCodeLinkText" in screen "mfa-push-enrollment-qr".'),
    ("login", "fr", {"login": {"title": 3}}, 400,
     "Payload validation error: 'Expected type string but found type integer' on property "
     "login.title."),
    ("login", "fr", {"login": "Bienvenue"}, 400,
     "Payload validation error: 'Expected type object but found type string' on property login."),
    ("signup", "en", {"signup": _var_keys(31)}, 400,
     'Too many custom text variables in screen "signup" (31), maximum 30.'),
])
def test_custom_text_is_validated_as_auth0_does(
        http: httpx.Client, emulator: Emulator, prompt: str, language: str, body: Any,
        status: int, message: str) -> None:
    headers = _bearer(emulator.issue_token("dev"))
    reply = http.put(_custom_text_url(emulator, prompt, language), json=body, headers=headers)
    assert (reply.status_code, reply.json()["message"]) == (status, message)
    assert emulator.state("dev").custom_text == {}


@pytest.mark.parametrize(("prompt", "body"), [
    ("signup", {"signup": {**_var_keys(30), "title": "Hello"}}),  # thirty is allowed
    ("logout", {"logout-complete": {"anyKey": "Auth0 lists no keys for this screen"}}),
    ("login", {"login": {}}),
])
def test_custom_text_accepts(http: httpx.Client, emulator: Emulator, prompt: str,
                             body: dict[str, Any]) -> None:
    headers = _bearer(emulator.issue_token("dev"))
    url = _custom_text_url(emulator, prompt, "es-419")
    assert http.put(url, json=body, headers=headers).status_code == 200
    assert http.get(url, headers=headers).json() == body


def test_custom_text_scopes(http: httpx.Client, emulator: Emulator) -> None:
    url = _custom_text_url(emulator, "login", "fr")
    reader = _bearer(emulator.issue_token("dev", ["read:prompts"]))
    writer = _bearer(emulator.issue_token("dev", ["update:prompts"]))
    refused = http.put(url, json=LOGIN_TEXT, headers=reader)
    assert (refused.status_code, refused.json()["message"]) == (
        403, "Insufficient scope, expected any of: update:prompts")
    assert http.put(url, json=LOGIN_TEXT, headers=writer).status_code == 200
    assert http.get(url, headers=writer).status_code == 403
    assert http.get(url, headers=reader).json() == LOGIN_TEXT


def test_custom_text_through_the_sdk(auth0_client) -> None:
    client = auth0_client("dev")
    assert client.prompts.custom_text.get("mfa-otp", "ar") == {}
    texts = {"mfa-otp-enrollment-qr": {"title": "أمّن حسابك"},
             "mfa-otp-challenge": {"buttonText": "متابعة"}}
    client.prompts.custom_text.set("mfa-otp", "ar", request=texts)
    assert client.prompts.custom_text.get("mfa-otp", "ar") == texts
    with pytest.raises(BadRequestError) as caught:
        client.prompts.custom_text.set(
            "mfa-otp", "ar", request={"mfa-otp-challenge": {"copyCodeLinkText": "x"}},
            request_options=NO_RETRY)
    assert caught.value.body["message"] == (
        'Invalid key "copyCodeLinkText" in screen "mfa-otp-challenge".')
    assert client.prompts.custom_text.get("mfa-otp", "ar") == texts
    client.prompts.custom_text.set("mfa-otp", "ar", request={})
    assert client.prompts.custom_text.get("mfa-otp", "ar") == {}


def test_prompt_settings(http: httpx.Client, auth0_client, emulator: Emulator) -> None:
    client = auth0_client("dev")
    settings = client.prompts.get_settings()
    assert (settings.universal_login_experience, settings.identifier_first,
            settings.webauthn_platform_first_factor) == ("new", False, False)
    updated = client.prompts.update_settings(identifier_first=True,
                                             webauthn_platform_first_factor=True)
    assert updated.identifier_first is True and updated.universal_login_experience == "new"
    assert client.prompts.get_settings().webauthn_platform_first_factor is True
    headers = _bearer(emulator.issue_token("dev"))
    url = f"{emulator.api_url('dev')}/prompts"
    for body, message in [
        ({"identifier_first": "yes"},
         "Payload validation error: 'Expected type boolean but found type string' on property "
         "identifier_first."),
        ({"universal_login_experience": "modern"},
         "Payload validation error: 'No enum match for: \"modern\"' on property "
         "universal_login_experience."),
        ({"identifierFirst": True},
         "Payload validation error: 'Additional properties not allowed: identifierFirst'."),
        ({}, "Payload validation error: 'Too few properties defined (0), minimum 1'."),
    ]:
        reply = http.patch(url, json=body, headers=headers)
        assert (reply.status_code, reply.json()["message"]) == (400, message)
    assert http.get(url, headers=_bearer(emulator.issue_token("dev", ["update:prompts"]))
                    ).status_code == 403
    assert client.prompts.get_settings().identifier_first is True


def test_branding_patch_without_colors_resets_identifier_first(auth0_client) -> None:
    client = auth0_client("dev")
    client.prompts.update_settings(identifier_first=True)
    client.branding.update(colors={"primary": "#635dff"})
    assert client.prompts.get_settings().identifier_first is True
    client.branding.update(logo_url="https://cdn.example.test/logo.png")
    assert client.prompts.get_settings().identifier_first is False
    # A null colors (what the SDK sends for colors=None) counts as none.
    client.prompts.update_settings(identifier_first=True)
    client.branding.update(colors=None, logo_url="https://cdn.example.test/logo.png")
    assert client.prompts.get_settings().identifier_first is False


@pytest.mark.parametrize(("locales", "message"), [
    (["fr", "fr_FR"], "Payload validation error: 'No enum match for: \"fr_FR\"' on property "
     "enabled_locales[1]."),
    (["en", "fr", "en"], "Payload validation error: 'Array items are not unique (indexes 0 and 2)'"
     " on property enabled_locales."),
    ("en", "Payload validation error: 'Expected type array but found type string' on property "
     "enabled_locales."),
    ([1], "Payload validation error: 'Expected type string but found type integer' on property "
     "enabled_locales[0]."),
])
def test_enabled_locales_are_auth0_codes_each_once(http: httpx.Client, emulator: Emulator,
                                                   locales: Any, message: str) -> None:
    url = f"{emulator.api_url('dev')}/tenants/settings"
    reply = http.patch(url, json={"enabled_locales": locales},
                       headers=_bearer(emulator.issue_token("dev")))
    assert (reply.status_code, reply.json()["message"]) == (400, message)
    assert emulator.state("dev").settings["enabled_locales"] == ["en"]


def test_enabled_locales_through_the_sdk(auth0_client) -> None:
    client = auth0_client("dev")
    client.tenants.settings.update(enabled_locales=["fr-CA", "en", "ar-EG", "zgh"])
    assert client.tenants.settings.get().enabled_locales == ["fr-CA", "en", "ar-EG", "zgh"]


def test_prompts_and_custom_text_survive_the_state_file(
        auth0_client, emulator: Emulator, emulator_config: EmulatorConfig, tmp_path: Path) -> None:
    client = auth0_client("dev")
    client.prompts.custom_text.set("login", "fr", request=LOGIN_TEXT)
    client.prompts.custom_text.set("signup-id", "pt-BR", request={"signup-id": {"title": "Oi"}})
    client.prompts.update_settings(identifier_first=True)
    state_file = tmp_path / "state.json"
    emulator.save_state(state_file)
    saved = json.loads(state_file.read_text(encoding="utf-8"))["tenants"]["dev"]
    assert saved["custom_text"]["login"]["fr"] == LOGIN_TEXT
    with run_emulator(emulator_config) as again:
        again.load_state(state_file)
        restored = sdk_client(again, "dev")
        assert restored.prompts.custom_text.get("login", "fr") == LOGIN_TEXT
        assert restored.prompts.custom_text.get("signup-id", "pt-BR") == {
            "signup-id": {"title": "Oi"}}
        assert restored.prompts.get_settings().identifier_first is True
        assert again.dump_state()["tenants"]["dev"] == emulator.dump_state()["tenants"]["dev"]


def test_prompt_calls_draw_from_the_global_bucket(http: httpx.Client, limited: Emulator) -> None:
    headers = _bearer(limited.issue_token("free"))
    url = f"{limited.api_url('free')}/prompts/login/custom-text/fr"
    statuses = [http.get(url, headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # Free: a global burst of 2

def test_config_from_json(tmp_path: Path) -> None:
    path = tmp_path / "emulator.json"
    path.write_text(json.dumps({"port": 0, "tenants": [
        {"name": "prod", "plan": "enterprise", "custom_domain": "login.example.test",
         "scopes": ["read:branding"], "limits": {"email_write": {"burst": 3, "per_second": 1}},
         "faults": {"error_rate": 0.1, "seed": 3}},
        {"name": "trial", "plan": "free", "ul_templates": True, "rate_limits": False}]}))
    config = load_config(path)
    prod, trial = config.tenants
    assert prod.client_id == "prod-client-id" and prod.scopes == ("read:branding",)
    assert prod.bucket_limits()["email_write"] == Bucket(3, 1.0)
    assert prod.faults == Faults(error_rate=0.1, seed=3)
    assert trial.allows_ul_templates and not trial.rate_limits


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tenants": [{"name": "x", "plan": "gold"}]},
         "emulator.json: tenants[0]: plan must be one of free, essentials, professional, "
         "enterprise (got 'gold') (see `auth0-branding emulator --help` for the config format)"),
        ({"tenants": [{"name": "x", "custom_domian": "a"}]},
         "emulator.json: tenants[0].custom_domian: unknown key (did you mean 'custom_domain'?)"),
        ({"tenants": [{"name": "x", "faults": {"error_rate": 2}}]},
         "emulator.json: tenants[0]: error_rate must be between 0 and 1 "
         "(see `auth0-branding emulator --help` for the config format)"),
        ({"tenants": []}, "emulator.json: tenants: expected a non-empty list of tenant objects "
         "(see `auth0-branding emulator --help` for the config format)"),
    ],
)
def test_config_errors_name_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(EmulatorConfigError) as caught:
        config_from_dict(data, "emulator.json")
    assert str(caught.value) == message


def test_cli_emulator_help() -> None:
    result = CliRunner().invoke(cli, ["emulator", "--help"])
    assert result.exit_code == 0
    assert "--state" in result.output and "--config" in result.output
    assert '"tenants"' in result.output


def _start_cli_emulator(state_file: Path, *options: str) -> tuple[subprocess.Popen[str], str]:
    """Start `python build.py emulator --state F` as a real process; return it and its URL."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        # Plain HTTP only: these tests need no CA, and must leave no .emulator/ behind.
        [sys.executable, str(root / "build.py"), "emulator", "--port", "0", "--no-https",
         "--state", str(state_file), *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env)
    first_line = process.stdout.readline() if process.stdout else ""
    if not first_line.startswith("Auth0 emulator on http://127.0.0.1:"):
        process.kill()
        raise AssertionError(f"the emulator did not start: {first_line!r}")
    return process, first_line.split()[3]


def _cli_client(http: httpx.Client, base: str) -> Auth0:
    token = http.post(f"{base}/dev/oauth/token", json={
        "grant_type": "client_credentials", "client_id": "dev-client-id",
        "client_secret": "dev-client-secret", "audience": f"{base}/dev/api/v2/"}).json()
    return Auth0(base_url=f"{base}/dev/api/v2", token=token["access_token"], httpx_client=http)


def _stop(process: subprocess.Popen[str], sig: int) -> tuple[str, str]:
    try:
        process.send_signal(sig)
        return process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_cli_emulator_saves_its_state_when_stopped(http: httpx.Client, tmp_path: Path,
                                                   sig: int) -> None:
    state_file = tmp_path / "state.json"
    process, base = _start_cli_emulator(state_file)
    try:
        _cli_client(http, base).tenants.settings.update(friendly_name="Saved")
    finally:
        output, errors = _stop(process, sig)
    assert process.returncode == 0, errors
    assert "State saved to" in output and errors == ""
    saved = json.loads(state_file.read_text())
    assert saved["tenants"]["dev"]["tenant_settings"]["friendly_name"] == "Saved"
    # Started again on the same file, it serves what it saved.
    again, base = _start_cli_emulator(state_file)
    try:
        assert _cli_client(http, base).tenants.settings.get().friendly_name == "Saved"
    finally:
        _stop(again, signal.SIGTERM)


def test_cli_emulator_that_cannot_save_its_state_says_so_in_one_line(tmp_path: Path) -> None:
    state_file = tmp_path / "gone" / "state.json"
    process, _ = _start_cli_emulator(state_file)
    _, errors = _stop(process, signal.SIGTERM)
    assert process.returncode == 1
    assert errors.splitlines() == [
        f"ERROR {state_file}: cannot save the emulator state: No such file or directory "
        "(check that its folder exists and is writable)"]


def test_cli_emulator_prints_config_strings_escaped(tmp_path: Path) -> None:
    config = tmp_path / "emu.json"
    config.write_text(json.dumps({"tenants": [{
        "name": "dev", "client_id": "id\nERROR forged", "client_secret": "s\x1b[2J",
        "custom_domain": "login.example.test\r"}]}), encoding="utf-8")
    process, _ = _start_cli_emulator(tmp_path / "state.json", "--config", str(config))
    shown = []
    while process.stdout is not None and not (shown and shown[-1].startswith("Inspect")):
        shown.append(process.stdout.readline())  # bounded: the emulator prints these at once
        assert shown[-1], "the emulator stopped printing"
    rest, errors = _stop(process, signal.SIGTERM)
    output = "".join(shown) + rest
    assert process.returncode == 0, errors
    assert "client_id      id\\nERROR forged" in output and "s\\x1b[2J" in output
    assert "login.example.test\\r" in output
    assert not any(line.startswith("ERROR") for line in output.splitlines())
    assert "\x1b" not in output and "\r" not in output


def _hang_up(base: str, data: bytes, reset: bool = False) -> None:
    """Send `data` on a raw socket and close it (with a TCP reset when `reset`)."""
    parts = httpx.URL(base)
    with socket.create_connection((parts.host, parts.port), timeout=5) as sock:
        sock.sendall(data)
        if reset:
            time.sleep(0.05)  # let the server start answering, then cut it off
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def test_clients_that_hang_up_early_leave_no_traceback_and_no_write(
    http: httpx.Client, tmp_path: Path
) -> None:
    state_file = tmp_path / "state.json"
    process, base = _start_cli_emulator(state_file)
    try:
        client = _cli_client(http, base)
        client.branding.update(logo_url="https://x.example/kept.png")
        token = client._client_wrapper._token  # type: ignore[attr-defined]
        token = token() if callable(token) else token
        patch = (f"PATCH /dev/api/v2/branding HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                 f"{token}\r\nContent-Type: application/json\r\n").encode()
        body = b'{"logo_url": "https://x.example/cut.png"}'
        for data, reset in [
            (b"GET /dev/api/v2/bra", False),  # half a request line
            (patch, False),  # headers without their end
            (patch + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10], False),
            (patch + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10], True),
            (b"GET /__emulator__/state HTTP/1.1\r\nHost: x\r\n\r\n" * 50, True),
        ]:
            _hang_up(base, data, reset)
        # Still serving, and the cut-off PATCH was never applied.
        assert client.branding.get().logo_url == "https://x.example/kept.png"
    finally:
        output, errors = _stop(process, signal.SIGTERM)
    assert process.returncode == 0
    assert "Traceback" not in errors and "Error" not in errors, errors
    saved = json.loads(state_file.read_text())
    assert saved["tenants"]["dev"]["branding"] == {"logo_url": "https://x.example/kept.png"}


def _beside(name: str, data: bytes | None = None) -> Callable[[Path], None]:
    """Write `name` beside the brand (a FIFO when `data` is None)."""

    def mutate(brand: Path) -> None:
        if data is None:
            os.mkfifo(brand.parent / name)
        else:
            (brand.parent / name).write_bytes(data)

    return mutate


EMULATOR_FILE_CASES = [
    case("deep-config", _beside("emu.json", b"[" * 100_000),
         "emu.json: invalid JSON: nested too deeply (fix the JSON)",
         args=("emulator", "--config", "emu.json", "--port", "0"), subprocess=True),
    case("config-is-a-fifo", _beside("emu.json"),
         "emu.json: cannot read it: not a regular file (give the path of a JSON file)",
         args=("emulator", "--config", "emu.json", "--port", "0"), subprocess=True),
    case("config-not-utf8", _beside("emu.json", b'{"tenants":\n "\xff"}'),
         "emu.json:2: not UTF-8 text (save it as UTF-8)",
         args=("emulator", "--config", "emu.json", "--port", "0"), subprocess=True),
    case("deep-state", _beside("state.json", b'{"tenants": ' + b"[" * 100_000),
         "state.json: invalid JSON: nested too deeply (fix the JSON)",
         args=("emulator", "--state", "state.json", "--port", "0"), subprocess=True),
    case("state-is-a-fifo", _beside("state.json"),
         "state.json: cannot read it: not a regular file (give the path of a JSON file)",
         args=("emulator", "--state", "state.json", "--port", "0"), subprocess=True),
    case("state-of-the-wrong-shape", _beside("state.json", b'{"tenants": {"dev": 5}}'),
         "state.json: not an emulator state file ('int' object has no attribute 'get') "
         "(delete it to start from empty tenants)",
         args=("emulator", "--state", "state.json", "--port", "0"), subprocess=True),
]


@pytest.mark.parametrize("hostile", EMULATOR_FILE_CASES, ids=[c.id for c in EMULATOR_FILE_CASES])
def test_bad_config_and_state_files_get_one_line_and_never_hang(
    hostile: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(hostile, tmp_path)
