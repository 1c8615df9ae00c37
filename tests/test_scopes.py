"""Tests for the scopes each resource needs (auth0/scopes.py)."""

from __future__ import annotations

import pytest

from auth0_branding.auth0.resources import (
    PROMPT_SETTINGS,
    THEME,
    UL_TEMPLATE,
    custom_text_resource,
    email_resource,
)
from auth0_branding.auth0.scopes import check_scopes, read_scopes, write_scopes
from auth0_branding.errors import PublishError


@pytest.mark.parametrize(("resource", "needed"), [
    (custom_text_resource("login", "fr"), [("read:prompts",)]),
    (PROMPT_SETTINGS, [("read:prompts",)]),
    (UL_TEMPLATE, [("read:branding",), ("read:custom_domains",)]),
    (email_resource("verify_email"), [("read:email_templates",)]),
])
def test_read_scopes(resource: str, needed: list[tuple[str, ...]]) -> None:
    assert read_scopes([resource]) == needed


@pytest.mark.parametrize(("write", "needed"), [
    ((custom_text_resource("login-id", "es-419"), "update"), [("update:prompts",)]),
    ((PROMPT_SETTINGS, "update"), [("update:prompts",)]),
    ((THEME, "create"), [("create:branding",)]),
    ((email_resource("verify_email"), "create"), [("create:email_templates",)]),
])
def test_write_scopes(write: tuple[str, str], needed: list[tuple[str, ...]]) -> None:
    assert write_scopes([write]) == needed


def test_custom_text_of_many_languages_needs_each_scope_once() -> None:
    resources = [custom_text_resource("login", lang) for lang in ("en", "fr", "ar")]
    assert read_scopes(resources) == [("read:prompts",)]
    assert write_scopes((r, "update") for r in resources) == [("update:prompts",)]


def test_a_token_without_update_prompts_is_refused_by_name() -> None:
    needed = write_scopes([(custom_text_resource("login", "fr"), "update")])
    with pytest.raises(PublishError, match=r"^dev: the token lacks scope\(s\): update:prompts"):
        check_scopes("dev", frozenset({"read:prompts"}), needed)
    check_scopes("dev", frozenset({"update:prompts"}), needed)
