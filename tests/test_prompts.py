"""Tests for the custom-text catalogue (auth0/prompts.py, prompt_texts.json) and its ids."""

from __future__ import annotations

import json
import typing
from importlib import resources

import pytest
from auth0.management.types.prompt_group_name_enum import PromptGroupNameEnum
from auth0.management.types.screen_group_name_enum import ScreenGroupNameEnum

from auth0_branding.auth0 import prompts
from auth0_branding.auth0.prompts import (
    MAX_CUSTOM_VARIABLE_KEYS,
    PROMPTS,
    custom_variable_reference,
    is_custom_variable_key,
    keys,
    keys_documented,
    screen_prompt,
    screens,
    variables,
)
from auth0_branding.auth0.resources import custom_text_resource, parse_custom_text_resource

# The prompts the reference brand customises: every one must have documented keys.
REFERENCE_PROMPTS = (
    "login login-id login-password signup signup-id signup-password reset-password mfa mfa-otp "
    "mfa-sms mfa-email mfa-push mfa-recovery-code mfa-webauthn mfa-voice mfa-phone common status "
    "consent logout email-verification organizations invitation"
).split()


def _literals(alias: object) -> tuple[str, ...]:
    return typing.get_args(typing.get_args(alias)[0])


def _data() -> dict[str, typing.Any]:
    text = resources.files("auth0_branding.auth0").joinpath("prompt_texts.json").read_text("utf-8")
    return typing.cast(dict[str, typing.Any], json.loads(text))


def test_prompts_are_the_sdk_enum() -> None:
    assert PROMPTS == _literals(PromptGroupNameEnum)
    assert len(PROMPTS) == 37
    assert tuple(_data()["prompts"]) == PROMPTS


def test_every_screen_is_in_the_sdk_enum_and_belongs_to_one_prompt() -> None:
    all_screens = [s for p in PROMPTS for s in screens(p)]
    assert len(all_screens) == len(set(all_screens))
    assert set(all_screens) == set(_literals(ScreenGroupNameEnum))


def test_the_data_says_where_it_came_from() -> None:
    data = _data()
    assert any("Customize Universal Login Text Elements" in s for s in data["sources"])
    assert data["max_custom_variable_keys"] == MAX_CUSTOM_VARIABLE_KEYS == 30
    assert "://" not in json.dumps(data["sources"])


@pytest.mark.parametrize("prompt", REFERENCE_PROMPTS)
def test_reference_prompts_have_documented_keys(prompt: str) -> None:
    documented = [s for s in screens(prompt) if keys_documented(prompt, s)]
    assert documented, prompt
    for screen in documented:
        assert keys(prompt, screen)


@pytest.mark.parametrize(("prompt", "screen", "present", "absent"), [
    ("login", "login", {"pageTitle", "title", "description", "buttonText", "wrong-credentials"},
     {"copyCodeLinkText"}),
    ("login-id", "login-id", {"passkeyButtonText", "no-hrd-connection"}, {"pickAuthenticatorText"}),
    ("signup-password", "signup-password", {"invitationTitle", "passwordSecurityText"}, set()),
    ("mfa-push", "mfa-push-enrollment-qr", {"pageTitle", "title", "pickAuthenticatorText"},
     {"copyCodeLinkText"}),
    ("mfa-webauthn", "mfa-webauthn-error", {"errorTitle", "errorTitlePlatform"}, set()),
    ("reset-password", "reset-password-request", {"pageTitle", "backToLoginLinkText"}, set()),
])
def test_keys(prompt: str, screen: str, present: set[str], absent: set[str]) -> None:
    found = keys(prompt, screen)
    assert present <= found
    assert not absent & found


def test_variables_are_names_without_the_dollar() -> None:
    assert {"clientName", "companyName"} <= variables("login", "login")
    assert "inviterName" in variables("login", "login")
    assert "appName" in variables("mfa-push", "mfa-push-welcome")
    assert all("$" not in v and "{" not in v for p in PROMPTS for s in screens(p)
               for v in variables(p, s))
    assert prompts.documented_variables()["clientName"] == "Auth0 Application Name"


def test_undocumented_screens_say_so_rather_than_listing_no_keys() -> None:
    assert screens("customized-consent") == ("customized-consent",)
    assert not keys_documented("customized-consent", "customized-consent")
    assert keys("customized-consent", "customized-consent") == frozenset()
    assert not keys_documented("logout", "logout-complete")
    assert keys_documented("logout", "logout")


@pytest.mark.parametrize(("call", "message"), [
    (lambda: screens("loginn"), "unknown prompt 'loginn' (did you mean 'login'?)"),
    (lambda: keys("login", "login-idd"),
     "unknown screen 'login-idd' of prompt 'login' (its screens: login)"),
    (lambda: keys("mfa-otp", "mfa-otp-challenje"),
     "unknown screen 'mfa-otp-challenje' of prompt 'mfa-otp' (did you mean 'mfa-otp-challenge'?)"),
])
def test_unknown_names_are_one_line_with_a_hint(call: typing.Callable[[], object],
                                                message: str) -> None:
    with pytest.raises(ValueError) as caught:
        call()
    assert str(caught.value) == message


def test_screen_prompt() -> None:
    assert screen_prompt("mfa-otp-enrollment-qr") == "mfa-otp"
    assert screen_prompt("passkey-enrollment") == "passkeys"
    assert screen_prompt("nope") is None


@pytest.mark.parametrize(("key", "custom"), [
    ("var-tos", True), ("var-terms_of_service", True), ("var-a1", True),
    ("var-", False), ("var", False), ("variable", False), ("pageTitle", False),
    ("VAR-tos", False), ("var-tos!", False),
])
def test_is_custom_variable_key(key: str, custom: bool) -> None:
    assert is_custom_variable_key(key) is custom


def test_custom_variable_reference_is_camel_case() -> None:
    assert custom_variable_reference("var-tos") == "prompt.screen.texts.varTos"
    assert custom_variable_reference("var-terms-of-service") == (
        "prompt.screen.texts.varTermsOfService")


@pytest.mark.parametrize(("prompt", "language"), [
    ("login", "fr"), ("mfa-push", "es-419"), ("login-id", "zh-CN")])
def test_custom_text_resource_round_trips(prompt: str, language: str) -> None:
    resource = custom_text_resource(prompt, language)
    assert resource == f"prompts/{prompt}/custom-text/{language}"
    assert parse_custom_text_resource(resource) == (prompt, language)


@pytest.mark.parametrize("resource", [
    "prompts", "branding", "prompts/login", "prompts/login/custom-text/",
    "prompts//custom-text/fr", "prompts/login/partials", "prompts/a/b/custom-text/fr",
    "prompts/login/custom-text/fr/x", "email-templates/verify_email",
])
def test_other_ids_are_not_custom_text(resource: str) -> None:
    assert parse_custom_text_resource(resource) is None
