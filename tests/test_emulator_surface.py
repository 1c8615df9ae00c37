"""The emulator's partials, phone templates, organizations and MFA page, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth0.management.errors import BadRequestError, ForbiddenError, NotFoundError
from emulator_fixtures import sdk_client

from auth0_branding.emulator.limits import FakeClock
from auth0_branding.emulator.server import Emulator, run_emulator
from auth0_branding.emulator.state import EmulatedTenant, EmulatorConfig, config_from_dict

NO_RETRY = {"max_retries": 0}
TERMS = '<input type="checkbox" name="ulp-terms"> {{ prompt.screen.texts.varTerms }}'


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    config = EmulatorConfig(tenants=(
        EmulatedTenant("dev", custom_domain="login.dev.example.test", rate_limits=False,
                       organizations=("acme", "globex")),
    ))
    with run_emulator(config) as running:
        yield running


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10, verify=False) as client:
        yield client


def _bearer(emulator: Emulator, *scopes: str) -> dict[str, str]:
    token = emulator.issue_token("dev", list(scopes) if scopes else None)
    return {"Authorization": f"Bearer {token}"}


def _url(emulator: Emulator, path: str) -> str:
    return f"{emulator.api_url('dev')}/{path}"


# -- partials ---------------------------------------------------------------------------------


def test_partials_put_replaces_the_prompts_whole_set(http: httpx.Client, emulator: Emulator) -> None:
    headers = _bearer(emulator)
    url = _url(emulator, "prompts/signup/partials")
    assert http.get(url, headers=headers).json() == {}
    first = {"signup": {"form-content-end": TERMS, "form-footer-start": "<p>Hi</p>"}}
    assert http.put(url, json=first, headers=headers).status_code == 200
    assert http.get(url, headers=headers).json() == first
    assert http.get(_url(emulator, "prompts/login/partials"), headers=headers).json() == {}
    second = {"signup": {"form-content-end": TERMS}}
    http.put(url, json=second, headers=headers)
    assert http.get(url, headers=headers).json() == second
    http.put(url, json={}, headers=headers)
    assert emulator.state("dev").partials == {}


@pytest.mark.parametrize(("prompt", "body", "message"), [
    ("logn", {}, "Path validation error: 'No enum match for: \"logn\"' on property prompt."),
    ("mfa-otp", {}, "Path validation error: 'No enum match for: \"mfa-otp\"' on property prompt."),
    ("login", {"signup": {"form-content-end": "x"}}, 'Invalid screen "signup" for prompt "login".'),
    ("login", {"login": {"form-footer": "x"}},
     'Invalid insertion point "form-footer" in screen "login".'),
    ("customized-consent", {"customized-consent": {"form-content-end": "x"}},
     'Invalid insertion point "form-content-end" in screen "customized-consent".'),
    ("login", {"login": {"form-footer-end": 3}},
     "Payload validation error: 'Expected type string but found type integer' on property "
     "login.form-footer-end."),
    ("login", {"login": {"form-footer-end": "x" * 10_001}},
     "Payload validation error: 'String is too long (10001 chars), maximum 10000' on property "
     "login.form-footer-end."),
])
def test_partials_are_validated_as_auth0_does(http: httpx.Client, emulator: Emulator, prompt: str,
                                              body: dict[str, Any], message: str) -> None:
    reply = http.put(_url(emulator, f"prompts/{prompt}/partials"), json=body,
                     headers=_bearer(emulator))
    assert (reply.status_code, reply.json()["message"]) == (400, message)
    assert emulator.state("dev").partials == {}


def test_partials_accept_the_longest_fragment_and_consent_slot(http: httpx.Client,
                                                              emulator: Emulator) -> None:
    headers = _bearer(emulator)
    longest = {"login": {"form-footer-end": "x" * 10_000}}
    assert http.put(_url(emulator, "prompts/login/partials"), json=longest,
                    headers=headers).status_code == 200
    consent = {"customized-consent": {"form-content": "<p>ok</p>"}}
    assert http.put(_url(emulator, "prompts/customized-consent/partials"), json=consent,
                    headers=headers).status_code == 200


def test_partials_scopes(http: httpx.Client, emulator: Emulator) -> None:
    url = _url(emulator, "prompts/login/partials")
    reader, writer = _bearer(emulator, "read:prompts"), _bearer(emulator, "update:prompts")
    refused = http.put(url, json={}, headers=reader)
    assert (refused.status_code, refused.json()["message"]) == (
        403, "Insufficient scope, expected any of: update:prompts")
    assert http.put(url, json={}, headers=writer).status_code == 200
    assert http.get(url, headers=writer).status_code == 403
    assert http.get(url, headers=reader).status_code == 200


def test_partials_draw_from_their_own_bucket_reads_and_writes_alike(http: httpx.Client) -> None:
    clock = FakeClock()
    config = EmulatorConfig(tenants=(EmulatedTenant("dev", plan="free"),))
    with run_emulator(config, clock=clock) as emulator:
        headers = _bearer(emulator)
        url = _url(emulator, "prompts/login/partials")
        statuses = []
        for index in range(6):
            call = http.get if index % 2 else http.put
            kwargs: dict[str, Any] = {} if index % 2 else {"json": {}}
            statuses.append(call(url, headers=headers, **kwargs).status_code)
            clock.advance(1)  # the global bucket (2 a second) never runs dry
        assert statuses == [200] * 5 + [429]
        clock.advance(12)  # one call's worth at 5 a minute
        reply = http.get(url, headers=headers)
        assert reply.status_code == 200 and reply.headers["X-RateLimit-Limit"] == "5"
        assert http.get(_url(emulator, "prompts"), headers=headers).status_code == 200


def test_partials_through_the_sdk(emulator: Emulator) -> None:
    client = sdk_client(emulator)
    body = {"signup": {"form-content-end": TERMS}}
    client.prompts.partials.set("signup", request=body)
    assert client.prompts.partials.get("signup") == body
    with pytest.raises(BadRequestError) as caught:
        client.prompts.partials.set("signup", request={"signup": {"form-end": "x"}},
                                    request_options=NO_RETRY)
    assert caught.value.body["message"] == 'Invalid insertion point "form-end" in screen "signup".'


# -- phone templates --------------------------------------------------------------------------


def test_a_fresh_tenant_lists_auth0s_templates_without_ids(http: httpx.Client,
                                                          emulator: Emulator) -> None:
    reply = http.get(_url(emulator, "branding/phone/templates"), headers=_bearer(emulator))
    templates = reply.json()["templates"]
    assert [t["type"] for t in templates] == ["otp_verify", "otp_enroll", "change_password",
                                              "blocked_account", "password_breach"]
    assert all("id" not in t for t in templates)


def test_phone_templates_create_get_patch(http: httpx.Client, emulator: Emulator) -> None:
    headers = _bearer(emulator)
    url = _url(emulator, "branding/phone/templates")
    content = {"syntax": "liquid", "from": "+15550100",
               "body": {"text": "Code {{ code }}", "voice": "Your code is {{ code }}"}}
    created = http.post(url, json={"type": "otp_verify", "disabled": False, "content": content},
                        headers=headers)
    assert created.status_code == 201
    record = created.json()
    assert (record["type"], record["disabled"], record["content"]) == ("otp_verify", False, content)
    assert http.get(f"{url}/{record['id']}", headers=headers).json() == record
    listed = http.get(url, headers=headers).json()["templates"]
    assert listed[0] == record and all("id" not in t for t in listed[1:])
    again = http.post(url, json={"type": "otp_verify"}, headers=headers)
    assert (again.status_code, again.json()["message"]) == (
        409, "A phone template of type otp_verify already exists.")
    patched = http.patch(f"{url}/{record['id']}", json={
        "disabled": True, "content": {"body": {"text": "Le code {{ code }}"}}}, headers=headers)
    assert patched.json()["disabled"] is True
    assert patched.json()["content"]["body"] == {"text": "Le code {{ code }}",
                                                 "voice": "Your code is {{ code }}"}
    assert patched.json()["content"]["from"] == "+15550100"
    missing = http.get(f"{url}/pht_nope", headers=headers)
    assert (missing.status_code, missing.json()["message"]) == (404, "Phone template not found")


@pytest.mark.parametrize(("body", "message"), [
    ({"type": "otp_verfy"}, "Payload validation error: 'No enum match for: \"otp_verfy\"' on "
     "property type."),
    ({"disabled": False}, "Payload validation error: 'Missing required property: type'."),
    ({"type": "otp_verify", "content": {"syntax": "text"}},
     "Payload validation error: 'No enum match for: \"text\"' on property content.syntax."),
    ({"type": "otp_verify", "content": {"body": {"text": 1}}},
     "Payload validation error: 'Expected type string but found type integer' on property "
     "content.body.text."),
])
def test_phone_templates_are_validated(http: httpx.Client, emulator: Emulator,
                                       body: dict[str, Any], message: str) -> None:
    reply = http.post(_url(emulator, "branding/phone/templates"), json=body,
                      headers=_bearer(emulator))
    assert (reply.status_code, reply.json()["message"]) == (400, message)


def test_phone_template_scopes(http: httpx.Client, emulator: Emulator) -> None:
    url = _url(emulator, "branding/phone/templates")
    refused = http.post(url, json={"type": "otp_verify"},
                        headers=_bearer(emulator, "update:phone_templates"))
    assert refused.json()["message"] == (
        "Insufficient scope, expected any of: create:phone_templates")
    assert http.get(url, headers=_bearer(emulator, "create:phone_templates")).status_code == 403
    assert http.get(url, headers=_bearer(emulator, "read:phone_templates")).status_code == 200


def test_phone_templates_through_the_sdk(emulator: Emulator) -> None:
    client = sdk_client(emulator)
    assert all(t.id is None for t in client.branding.phone.templates.list().templates)
    created = client.branding.phone.templates.create(
        type="blocked_account", disabled=False,
        content={"syntax": "liquid", "body": {"text": "Blocked", "voice": "Blocked"}})
    assert created.id
    client.branding.phone.templates.update(created.id, disabled=True)
    assert client.branding.phone.templates.get(created.id).disabled is True


# -- organizations ----------------------------------------------------------------------------

BRANDING = {"logo_url": "https://assets.example.test/acme.png",
            "colors": {"primary": "#0055aa", "page_background": "#ffffff"}}


def test_organizations_are_found_by_name_and_branded(http: httpx.Client,
                                                     emulator: Emulator) -> None:
    headers = _bearer(emulator)
    found = http.get(_url(emulator, "organizations/name/acme"), headers=headers).json()
    assert (found["name"], found["id"].startswith("org_")) == ("acme", True)
    patched = http.patch(_url(emulator, f"organizations/{found['id']}"),
                         json={"branding": BRANDING}, headers=headers)
    assert patched.json()["branding"] == BRANDING
    assert http.get(_url(emulator, "organizations/name/acme"), headers=headers).json()[
        "branding"] == BRANDING
    missing = http.get(_url(emulator, "organizations/name/initech"), headers=headers)
    assert (missing.status_code, missing.json()["message"]) == (
        404, "No organization found by that name or ID")


@pytest.mark.parametrize(("branding", "message"), [
    ({"colors": {"primary": "#0055aa"}},
     "Payload validation error: 'Missing required property: page_background' on property "
     "branding.colors."),
    ({"logo_url": "http://assets.example.test/acme.png"},
     "Payload validation error: 'Object didn't pass validation for format "
     "absolute-https-uri-or-empty: http://assets.example.test/acme.png' on property "
     "branding.logo_url."),
    ({"colors": {"primary": "blue", "page_background": "#fff"}},
     "Payload validation error: 'String does not match pattern "
     "^#(([0-9a-fA-F]{3}){1,2}|([0-9a-fA-F]{4}){1,2})$: blue' on property branding.colors.primary."),
])
def test_organization_branding_is_validated(http: httpx.Client, emulator: Emulator,
                                            branding: dict[str, Any], message: str) -> None:
    headers = _bearer(emulator)
    org = http.get(_url(emulator, "organizations/name/globex"), headers=headers).json()
    reply = http.patch(_url(emulator, f"organizations/{org['id']}"), json={"branding": branding},
                       headers=headers)
    assert (reply.status_code, reply.json()["message"]) == (400, message)
    assert "branding" not in emulator.state("dev").organizations[org["id"]]


def test_organizations_through_the_sdk(emulator: Emulator) -> None:
    client = sdk_client(emulator)
    org = client.organizations.get_by_name("acme")
    client.organizations.update(org.id, branding=BRANDING)
    assert client.organizations.get_by_name("acme").branding.colors.primary == "#0055aa"
    with pytest.raises(NotFoundError):
        client.organizations.get_by_name("initech", request_options=NO_RETRY)
    refused = sdk_client(emulator, scopes=["read:organizations"])
    with pytest.raises(ForbiddenError):
        refused.organizations.update(org.id, branding=BRANDING, request_options=NO_RETRY)


def test_organizations_come_from_the_config_file() -> None:
    config = config_from_dict({"tenants": {"dev": {"organizations": ["acme"]}}})
    assert config.tenant("dev").organizations == ("acme",)


# -- the MFA page, and what the state file keeps ----------------------------------------------


def test_guardian_mfa_page_in_tenant_settings(emulator: Emulator) -> None:
    client = sdk_client(emulator)
    assert client.tenants.settings.get().guardian_mfa_page.enabled is False
    client.tenants.settings.update(guardian_mfa_page={"enabled": True, "html": "<p>MFA</p>"})
    page = client.tenants.settings.get(fields="guardian_mfa_page", include_fields=True)
    assert (page.guardian_mfa_page.enabled, page.guardian_mfa_page.html) == (True, "<p>MFA</p>")
    with pytest.raises(BadRequestError) as caught:
        client.tenants.settings.update(guardian_mfa_page={"enabled": "yes"},
                                       request_options=NO_RETRY)
    assert caught.value.body["message"] == (
        "Payload validation error: 'Expected type boolean but found type string' on property "
        "guardian_mfa_page.enabled.")


def test_the_state_file_keeps_partials_phone_templates_and_organizations(
        emulator: Emulator, tmp_path: Path) -> None:
    client = sdk_client(emulator)
    client.prompts.partials.set("login", request={"login": {"form-footer-end": "<p>Help</p>"}})
    created = client.branding.phone.templates.create(type="otp_verify", content={
        "syntax": "liquid", "body": {"text": "{{ code }}", "voice": "{{ code }}"}})
    org = client.organizations.get_by_name("acme")
    client.organizations.update(org.id, branding=BRANDING)
    emulator.save_state(tmp_path / "state.json")
    config = EmulatorConfig(tenants=(EmulatedTenant("dev", organizations=("acme", "globex")),))
    with run_emulator(config) as restarted:
        restarted.load_state(tmp_path / "state.json")
        again = sdk_client(restarted)
        assert again.prompts.partials.get("login") == {"login": {"form-footer-end": "<p>Help</p>"}}
        assert again.branding.phone.templates.get(created.id).content.body.text == "{{ code }}"
        assert again.organizations.get_by_name("acme").branding.logo_url == BRANDING["logo_url"]
