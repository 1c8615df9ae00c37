"""The checks registry: each check declares the outputs it applies to."""

from __future__ import annotations

import logging

import pytest

from auth0_branding.build.artifacts import Artifact
from auth0_branding.checks.registry import CHECKS, check, checks_for, run_checks
from auth0_branding.checks.validate import check_artifact

log = logging.getLogger(__name__)


def _artifact(kind: str, name: str, content: str = "") -> Artifact:
    return Artifact("dev", kind, name, f"dev/{kind}/{name}", f"resource/{name}", content)


def _names(kind: str, name: str) -> list[str]:
    return [c.name for c in checks_for(_artifact(kind, name))]


def test_each_output_gets_the_checks_it_declares() -> None:
    markup = ["liquid-syntax", "liquid-names", "build-leftovers", "sizes"]
    assert _names("page", "login") == [
        *markup, "universal-login-tags", "page-variables", "page-escaping", "html"]
    assert _names("page", "password_reset") == [
        *markup, "change-password-widget", "page-variables", "page-escaping", "html"]
    assert _names("page", "classic_login")[:5] == [*markup, "classic-login-config"]
    assert _names("email", "verify_email") == [*markup, "email-liquid", "html"]
    assert _names("email_settings", "verify_email") == ["email-settings"]
    assert _names("branding", "branding") == ["branding"]
    assert _names("theme", "theme") == ["theme", "contrast"]
    assert _names("something-new", "x") == []


def test_a_liquid_syntax_error_stops_the_checks_that_cannot_read_it() -> None:
    broken = _artifact("page", "login", "<html><head>{% if %}</head></html>\n")
    problems = list(run_checks(broken))
    assert [p.code for p in problems] == ["liquid-syntax"]
    # Without the gate the Universal Login checks would also report the missing tags.
    parsed = _artifact("page", "login", "<html><head></head><body></body></html>\n")
    assert {"auth0-head", "auth0-widget"} <= {p.code for p in check_artifact(parsed)}


def test_a_check_name_is_registered_once() -> None:
    with pytest.raises(ValueError, match="'html' is already registered"):
        check("html", kinds=("page",))(lambda subject: [])
    assert len({c.name for c in CHECKS}) == len(CHECKS)
