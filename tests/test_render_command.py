"""`render`: one output printed exactly as the preview renders it, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auth0_branding.brand.scenarios import load_scenarios
from auth0_branding.build.builder import build
from auth0_branding.cli import cli
from auth0_branding.render.languages import Languages
from auth0_branding.render.sample import render_samples

BRAND = Path(__file__).resolve().parents[1] / "brand"


@pytest.fixture(scope="module")
def samples() -> dict[str, object]:
    result = build(BRAND)
    return {s.key: s for s in render_samples(result.artifacts, load_scenarios(BRAND),
                                             Languages.of(result))}


def _render(*args: str):
    return CliRunner().invoke(cli, ["render", "--brand", str(BRAND), *args])


@pytest.mark.parametrize(("args", "key"), [
    (["emails/verify_email"], "dev/emails/verify_email/default.en"),
    (["verify_email", "--locale", "fr"], "dev/emails/verify_email/default.fr"),
    (["prod/pages/login.html", "--locale", "ar"], "prod/pages/login/login.ar"),
    (["pages/login", "--tenant", "staging", "--scenario", "rtl"], "staging/pages/login/rtl.ar"),
    (["phones/otp_verify", "--locale", "de"], "dev/phones/otp_verify/default.de"),
])
def test_prints_what_the_preview_renders(args: list[str], key: str, samples: dict) -> None:
    result = _render(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == samples[key].html


def test_subject_is_the_rendered_subject_in_the_language(samples: dict) -> None:
    result = _render("emails/verify_email", "--subject", "--locale", "de")
    assert result.exit_code == 0
    assert result.stdout == samples["dev/emails/verify_email/default.de"].subject + "\n"
    assert "{%" not in result.stdout


def test_data_is_merged_over_the_scenario(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps({"url": "https://example.com/verify?t=data-file-ticket"}))
    result = _render("emails/verify_email", "--data", str(data))
    assert result.exit_code == 0
    assert "https://example.com/verify?t=data-file-ticket" in result.stdout
    assert "maya.okafor@example.com" in _render("emails/verify_email").stdout


@pytest.mark.parametrize(("args", "data", "message", "code"), [
    (["verify_emial"], None,
     "no page, email or phone message 'verify_emial' in tenant 'dev' (did you mean "
     "'verify_email'?)", 1),
    (["pages/login", "--scenario", "nope"], None,
     "no scenario 'nope' for page 'login' (scenarios: login, signup, reset-password, mfa, rtl)",
     1),
    (["pages/login", "--locale", "xx"], None,
     "the brand has no language 'xx' (languages: en, fr, de, ar)", 1),
    (["pages/login", "--subject"], None,
     "--subject: pages/login is a page, not an email (see `cli render --help`)", 2),
    (["pages/login", "--data", "DATA"], '{"a": \n', "DATA:2: not JSON: Expecting value "
     "(fix the JSON)", 1),
    (["pages/login", "--data", "DATA"], "[1]", "DATA:1: the data file must hold a JSON object "
     '(e.g. {"user": {"name": "Ada"}})', 1),
])
def test_errors_are_one_line_with_where_and_what_next(
    args: list[str], data: str | None, message: str, code: int, tmp_path: Path
) -> None:
    path = tmp_path / "data.json"
    if data is not None:
        path.write_text(data)
    args = [str(path) if a == "DATA" else a for a in args]
    result = CliRunner().invoke(cli, ["render", "--brand", str(BRAND), *args],
                                standalone_mode=True)
    assert result.exit_code == code
    assert result.stderr == f"ERROR {message.replace('DATA', str(path))}\n"
    assert result.stdout == ""
