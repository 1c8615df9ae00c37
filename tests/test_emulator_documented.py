"""The emulator follows Auth0's documented answers where it used to guess or clamp."""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Iterator

import httpx
import pytest
from auth0.management.errors import TooManyRequestsError
from emulator_fixtures import sdk_client
from test_emulator import NO_RETRY, THEME

from auth0_branding.emulator.server import Emulator


def _get(emulator: Emulator, path: str, tenant: str = "dev") -> httpx.Response:
    headers = {"Authorization": f"Bearer {emulator.issue_token(tenant)}"}
    return httpx.get(f"{emulator.api_url(tenant)}/{path}", headers=headers, timeout=10)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.mark.parametrize(("query", "message"), [
    ("per_page=101", "Query validation error: 'Value 101 is greater than maximum 100' on "
                     "property per_page."),
    ("page=-1", "Query validation error: 'Value -1 is less than minimum 0' on property page."),
    ("per_page=ten", "Query validation error: 'Expected type integer but found type string' on "
                     "property per_page."),
])
def test_client_pages_out_of_range_are_400_not_clamped(emulator: Emulator, query: str,
                                                        message: str) -> None:
    answer = _get(emulator, f"clients?{query}")
    assert (answer.status_code, answer.json()) == (400, {
        "statusCode": 400, "error": "Bad Request", "message": message,
        "errorCode": "invalid_query_string"})


def test_client_pages_at_their_limits_are_served(emulator: Emulator) -> None:
    answer = _get(emulator, "clients?per_page=100&page=0&include_totals=true")
    assert answer.status_code == 200
    assert (answer.json()["limit"], answer.json()["total"]) == (100, 2)
    assert _get(emulator, "clients?page=5").json() == []


@pytest.mark.parametrize(("body", "found"), [
    ([1, 2], "array"), ("text", "string"), (3, "integer"), (1.5, "number"), (True, "boolean"),
])
def test_type_errors_name_json_types(emulator: Emulator, body: object, found: str) -> None:
    headers = {"Authorization": f"Bearer {emulator.issue_token('dev')}"}
    answer = httpx.patch(f"{emulator.api_url('dev')}/branding", json=body, headers=headers)
    assert answer.json()["message"] == (
        f"Payload validation error: 'Expected type object but found type {found}'.")
    if found == "string":
        return  # a string template is a template
    template = httpx.put(f"{emulator.api_url('dev')}/branding/templates/universal-login",
                         json={"template": body}, headers=headers)
    assert template.json()["message"] == (
        f"Payload validation error: 'Expected type string but found type {found}' on property "
        "template.")


def test_default_custom_domain(emulator: Emulator) -> None:
    answer = _get(emulator, "custom-domains/default")
    assert answer.status_code == 200
    assert answer.json() == {**_get(emulator, "custom-domains").json()[0], "is_default": True}
    assert answer.json()["domain"] == "login.dev.example.test"
    missing = _get(emulator, "custom-domains/default", "free")
    assert (missing.status_code, missing.json()["errorCode"]) == (404, "custom_domain_not_found")


def test_a_theme_without_a_display_name_gets_none_invented(emulator: Emulator) -> None:
    themes = sdk_client(emulator).branding.themes
    created = themes.create(**copy.deepcopy(THEME))
    assert created.display_name == ""
    named = themes.update(created.theme_id, **copy.deepcopy(THEME), display_name="Alder")
    assert named.display_name == "Alder"
    assert themes.update(created.theme_id, **copy.deepcopy(THEME)).display_name == "Alder"


def test_prompt_settings_are_read(emulator: Emulator) -> None:
    assert _get(emulator, "prompts").json() == {
        "universal_login_experience": "new", "identifier_first": False,
        "webauthn_platform_first_factor": False}


@pytest.mark.parametrize("storm_reset", [0.2, 2.5])
def test_storm_429s_carry_retry_after_up_to_the_reset(emulator: Emulator,
                                                      storm_reset: float) -> None:
    emulator.set_faults("dev", storm_requests=1, storm_reset=storm_reset)
    with pytest.raises(TooManyRequestsError) as caught:
        sdk_client(emulator).branding.get(request_options=NO_RETRY)
    answered = time.time()
    retry_after = int(caught.value.headers["retry-after"])
    reset = int(caught.value.headers["x-ratelimit-reset"])
    # Whole seconds that never point before the reset, and no further than a second past it.
    assert answered + retry_after >= reset - 0.05
    assert retry_after <= math.ceil(storm_reset) + 1


def test_storm_429s_carry_retry_after_and_error_code(emulator: Emulator) -> None:
    emulator.set_faults("dev", storm_requests=1, storm_reset=0.2, storm_retry_after=True)
    with pytest.raises(TooManyRequestsError) as caught:
        sdk_client(emulator).branding.get(request_options=NO_RETRY)
    assert caught.value.headers["retry-after"] == "0.2"
    assert caught.value.body == {"statusCode": 429, "error": "Too Many Requests",
                                 "message": "Global limit has been reached",
                                 "errorCode": "too_many_requests"}
