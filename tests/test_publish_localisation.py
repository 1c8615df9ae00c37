"""Publish custom text and enabled_locales through auth0-python to the emulator over real HTTP."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth0.management import Auth0
from brand_overlay import FIXTURES, make_brand
from click.testing import CliRunner

from auth0_branding.auth0.resources import (
    BRANDING,
    ENABLED_LOCALES,
    PROMPT_SETTINGS,
    custom_text_resource,
)
from auth0_branding.build.builder import build
from auth0_branding.cli import cli
from auth0_branding.dist.reader import Dist, DistTenant, load_dist
from auth0_branding.dist.writer import write_dist
from auth0_branding.emulator.server import Emulator, run_emulator
from auth0_branding.emulator.state import ALL_SCOPES, EmulatedTenant, EmulatorConfig
from auth0_branding.publish.engine import Options, drift, publish, rollback
from auth0_branding.publish.pacing import UNPACED, RetryPolicy
from auth0_branding.publish.plan import cleared_texts, plan

log = logging.getLogger(__name__)

TENANTS = ("dev", "prod")
FAST = RetryPolicy(base_delay=0.01, max_delay=0.05, min_rate_wait=0.01, max_rate_wait=2.0, seed=7)
LOGIN_FR = custom_text_resource("login", "fr")
SETTINGS = "PATCH /api/v2/tenants/settings"


def _tenant(name: str, **changes: Any) -> EmulatedTenant:
    settings: dict[str, Any] = {
        "plan": "professional", "client_id": f"{name}-id", "client_secret": f"{name}-secret",
        "custom_domain": "login.minimal.example", "rate_limits": False, **changes,
    }
    return EmulatedTenant(name, **settings)


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in TENANTS:
        monkeypatch.setenv(f"MINIMAL_{name.upper()}_CLIENT_ID", f"{name}-id")
        monkeypatch.setenv(f"MINIMAL_{name.upper()}_CLIENT_SECRET", f"{name}-secret")


@pytest.fixture
def emu(credentials: None) -> Iterator[Emulator]:
    with run_emulator(EmulatorConfig(tuple(_tenant(t) for t in TENANTS))) as running:
        yield running


@pytest.fixture
def brand(tmp_path: Path) -> Path:
    return make_brand(FIXTURES / "multilingual", tmp_path)


def _dist(brand: Path, folder: Path) -> Path:
    write_dist(build(brand), folder)
    return folder


@pytest.fixture
def dist_dir(brand: Path, tmp_path: Path) -> Path:
    return _dist(brand, tmp_path / "dist")


def _options(emu: Emulator, tmp_path: Path, **changes: Any) -> Options:
    settings: dict[str, Any] = {
        "api_base": f"{emu.url}/{{tenant}}", "limits": UNPACED, "retry": FAST,
        "backups_dir": tmp_path / ".backups", "jobs": 2, **changes,
    }
    return Options(**settings)


def _writes(emu: Emulator, name: str, since: int = 0) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.requests[since:]
            if r.tenant == name and r.method != "GET" and r.path.startswith("/api/v2/")]


def _sdk(emu: Emulator, name: str) -> Auth0:
    return Auth0(base_url=emu.api_url(name), token=emu.issue_token(name),
                 httpx_client=httpx.Client(timeout=10))


def _texts(emu: Emulator, name: str) -> dict[str, Any]:
    return json.loads(json.dumps(emu.dump_state()["tenants"][name]["custom_text"]))


def _locales(emu: Emulator, name: str) -> list[str]:
    return list(emu.state(name).settings["enabled_locales"])


def _edit_catalogue(brand: Path, language: str, edit: Any) -> None:
    path = brand / "translations" / f"{language}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _set_languages(brand: Path, languages: list[str]) -> None:
    path = brand / "brand.toml"
    text = path.read_text(encoding="utf-8")
    new = re.sub(r"(?m)^supported = .*$", f"supported = {json.dumps(languages)}", text)
    assert new != text
    path.write_text(new, encoding="utf-8")


def _run_cli(*args: str) -> Any:
    return CliRunner().invoke(cli, [*args, "--no-pacing"], catch_exceptions=False)


# -- first publish, no-op, one string ------------------------------------------------------


def test_first_publish_sends_every_text_and_the_locales_then_a_second_writes_nothing(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    dist = load_dist(dist_dir)
    first = publish(dist, _options(emu, tmp_path))
    assert not first.failed, [t.reason for t in first.tenants]
    for name in TENANTS:
        desired = dist.tenants[name].desired
        texts = {r: v for r, v in desired.items() if r.startswith("prompts/")}
        assert len(texts) == 3  # login in en, fr and ar
        stored = _texts(emu, name)
        for language in ("en", "fr", "ar"):
            assert stored["login"][language] == desired[custom_text_resource("login", language)]
        assert _locales(emu, name) == ["en", "fr", "ar"]
        assert sorted(w for w in _writes(emu, name) if "custom-text" in w) == [
            f"PUT /api/v2/prompts/login/custom-text/{lang}" for lang in ("ar", "en", "fr")]
    seen = len(emu.requests)
    second = publish(load_dist(dist_dir), _options(emu, tmp_path))
    assert not second.failed
    assert all(t.writes == 0 and not t.written for t in second.tenants)
    assert not any(_writes(emu, name, seen) for name in TENANTS)
    assert all(c.action == "unchanged" for t in second.tenants for c in t.changes)


def test_one_changed_string_is_exactly_one_put_per_tenant(
    emu: Emulator, brand: Path, dist_dir: Path, tmp_path: Path
) -> None:
    assert not publish(load_dist(dist_dir), _options(emu, tmp_path)).failed
    _edit_catalogue(brand, "fr", lambda d: d["prompts"]["login"]["login"].update(
        title="Ravi de vous revoir"))
    changed = _dist(brand, tmp_path / "dist-2")
    seen = len(emu.requests)
    result = publish(load_dist(changed), _options(emu, tmp_path))
    assert not result.failed
    for name in TENANTS:
        assert _writes(emu, name, seen) == ["PUT /api/v2/prompts/login/custom-text/fr"]
        assert _texts(emu, name)["login"]["fr"]["login"]["title"] == "Ravi de vous revoir"


def test_the_settings_go_in_one_patch_with_the_pages_and_the_locales(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    result = publish(load_dist(dist_dir), _options(emu, tmp_path, tenants=("dev",)))
    assert not result.failed
    assert _writes(emu, "dev").count(SETTINGS) == 1
    written = result.tenants[0].written
    assert {"tenants/settings#change_password", "tenants/settings#error_page",
            ENABLED_LOCALES} <= set(written)
    settings = emu.state("dev").settings
    assert settings["change_password"]["enabled"] is True
    assert settings["error_page"]["url"] == "" and settings["error_page"]["html"]
    assert settings["enabled_locales"] == ["en", "fr", "ar"]
    # The texts go before the settings: a language is cleared before it leaves the locales.
    order = _writes(emu, "dev")
    assert max(i for i, w in enumerate(order) if "custom-text" in w) < order.index(SETTINGS)


def test_the_plan_clears_each_managed_prompt_in_each_dropped_language_and_orders_writes(
) -> None:
    desired = {custom_text_resource(p, lang): {} for p in ("login", "signup")
               for lang in ("en", "fr")}
    assert cleared_texts(desired, ["en", "de", "fr", "ar", "de"]) == [
        "prompts/login/custom-text/de", "prompts/signup/custom-text/de",
        "prompts/login/custom-text/ar", "prompts/signup/custom-text/ar"]
    assert cleared_texts(desired, ["fr", "en"]) == cleared_texts(desired, None) == []
    assert cleared_texts({ENABLED_LOCALES: ["en"]}, ["en", "fr"]) == []  # no texts managed
    wanted = {ENABLED_LOCALES: ["en", "fr"], "tenants/settings#error_page": {"html": "x"},
              "email-templates/verify_email": {"body": "b"}, BRANDING: {"logo_url": "u"},
              LOGIN_FR: {"login": {"title": "Salut"}}, custom_text_resource("login", "en"): {},
              "branding/templates/universal-login": "<html>"}
    have = {custom_text_resource("login", "en"): {"login": {"title": "Hi"}},
            LOGIN_FR: {"login": {"title": "Salut", "description": "extra"}}}
    changes = plan("dev", wanted, have)
    assert [(c.resource, c.action) for c in changes] == [
        ("branding/templates/universal-login", "create"),
        ("prompts/login/custom-text/en", "delete"),  # {}: no text in that language
        ("prompts/login/custom-text/fr", "update"),  # compared whole: "extra" goes
        ("tenants/settings#error_page", "create"), (ENABLED_LOCALES, "create"),
        (BRANDING, "create"), ("email-templates/verify_email", "create")]


# -- a removed language ---------------------------------------------------------------------


def test_a_removed_language_is_cleared_shown_in_the_plan_first(
    emu: Emulator, brand: Path, dist_dir: Path, tmp_path: Path
) -> None:
    assert not publish(load_dist(dist_dir), _options(emu, tmp_path)).failed
    # es is enabled on the tenant but holds no text: nothing to clear there.
    emu.state("dev").settings["enabled_locales"] = ["en", "fr", "ar", "es"]
    _set_languages(brand, ["en", "fr"])
    smaller = _dist(brand, tmp_path / "dist-2")
    seen = len(emu.requests)
    shown = _run_cli("publish", "--dry-run", "--dist", str(smaller), "--tenant", "dev",
                     "--api-base", f"{emu.url}/{{tenant}}")
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert any(re.match(r"\s*delete\s+prompts/login/custom-text/ar$", line) for line in lines)
    assert any(re.match(r"\s*update\s+tenants/settings#enabled_locales$", line) for line in lines)
    assert '-    "title": "مرحبًا بعودتك"' in shown.output  # the text it would clear
    assert "custom-text/es" not in shown.output
    assert _writes(emu, "dev", seen) == []  # the plan wrote nothing
    result = publish(load_dist(smaller), _options(emu, tmp_path, tenants=("dev",)))
    assert not result.failed, result.tenants[0].reason
    done = _writes(emu, "dev", seen)
    # The pages and emails lose their Arabic branch too; of custom text, only ar is written.
    assert [w for w in done if "/prompts/" in w] == ["PUT /api/v2/prompts/login/custom-text/ar"]
    assert done.count(SETTINGS) == 1
    assert done.index("PUT /api/v2/prompts/login/custom-text/ar") < done.index(SETTINGS)
    assert set(_texts(emu, "dev")["login"]) == {"en", "fr"}
    assert _locales(emu, "dev") == ["en", "fr"]
    again = publish(load_dist(smaller), _options(emu, tmp_path, tenants=("dev",)))
    assert again.tenants[0].writes == 0


# -- rollback and drift ---------------------------------------------------------------------


def test_rollback_restores_the_texts_and_the_locales_exactly(
    emu: Emulator, brand: Path, tmp_path: Path
) -> None:
    client = _sdk(emu, "dev")
    client.tenants.settings.update(enabled_locales=["es", "en", "fr"])
    client.prompts.custom_text.set("login", "es", request={"login": {"title": "Hola"}})
    client.prompts.custom_text.set("login", "fr", request={"login": {"title": "Salut",
                                                                     "description": "Ancien"}})
    before = (_texts(emu, "dev"), _locales(emu, "dev"))
    _set_languages(brand, ["en", "fr"])
    dist = load_dist(_dist(brand, tmp_path / "dist"))
    result = publish(dist, _options(emu, tmp_path, tenants=("dev",)))
    assert not result.failed, result.tenants[0].reason
    assert set(_texts(emu, "dev")["login"]) == {"en", "fr"}  # es cleared, en created
    assert _locales(emu, "dev") == ["en", "fr"]
    undone = rollback("dev", _options(emu, tmp_path))
    assert not undone.failed, undone.tenants[0].reason
    assert (_texts(emu, "dev"), _locales(emu, "dev")) == before
    assert publish(dist, _options(emu, tmp_path, tenants=("dev",))).tenants[0].writes > 0


def test_drift_reports_a_text_changed_behind_our_back(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    assert not publish(load_dist(dist_dir), _options(emu, tmp_path)).failed
    clean = drift(load_dist(dist_dir), _options(emu, tmp_path))
    assert not clean.drifted
    _sdk(emu, "prod").prompts.custom_text.set("login", "fr", request={
        "login": {"title": "Bon retour parmi nous", "description": "Changé à la main"}})
    _sdk(emu, "dev").tenants.settings.update(enabled_locales=["fr", "en", "ar"])
    found = drift(load_dist(dist_dir), _options(emu, tmp_path))
    assert found.drifted
    changes = {t.tenant: {c.resource: c.action for c in t.changes if c.writes}
               for t in found.tenants}
    assert changes == {"prod": {LOGIN_FR: "update"}, "dev": {ENABLED_LOCALES: "update"}}
    shown = _run_cli("drift", "--dist", str(dist_dir), "--api-base", f"{emu.url}/{{tenant}}")
    assert shown.exit_code == 2 and "prompts/login/custom-text/fr" in shown.output


# -- scopes ---------------------------------------------------------------------------------


def test_the_preflight_names_read_prompts_when_the_token_lacks_it(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    scopes = tuple(s for s in ALL_SCOPES if s not in ("read:prompts", "update:prompts"))
    config = EmulatorConfig((_tenant("dev", scopes=scopes),))
    with run_emulator(config) as emu:
        result = publish(load_dist(dist_dir), _options(emu, tmp_path, tenants=("dev",)))
        assert result.failed and result.tenants[0].stage == "preflight"
        assert "read:prompts" in str(result.tenants[0].reason)
        assert _writes(emu, "dev") == []
        # A dist without custom text does not ask for the prompts scopes.
        plain = load_dist(_dist(make_brand(None, tmp_path, "plain"), tmp_path / "plain-dist"))
        assert not any(r.startswith("prompts/") for r in plain.tenants["dev"].desired)
        ok = publish(plain, _options(emu, tmp_path, tenants=("dev",)))
        assert not ok.failed, ok.tenants[0].reason


# -- the branding PATCH and identifier_first ------------------------------------------------


def _branding_only(dist_dir: Path, value: dict[str, Any]) -> Dist:
    loaded = load_dist(dist_dir)
    spec = loaded.tenants["dev"].spec
    return Dist(loaded.path, loaded.brand, {"dev": DistTenant("dev", spec, {BRANDING: value})})


def test_a_branding_patch_without_colors_keeps_identifier_first(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    client = _sdk(emu, "dev")
    client.prompts.update_settings(identifier_first=True)
    seen = len(emu.requests)
    result = publish(_branding_only(dist_dir, {"logo_url": "https://cdn.example.test/l.png"}),
                     _options(emu, tmp_path, tenants=("dev",)))
    assert not result.failed, result.tenants[0].reason
    assert [f"{r.method} {r.path}" for r in emu.requests[seen:] if r.tenant == "dev"][-4:] == [
        "GET /api/v2/prompts", "PATCH /api/v2/branding", "GET /api/v2/prompts",
        "PATCH /api/v2/prompts"]
    assert client.prompts.get_settings().identifier_first is True
    assert PROMPT_SETTINGS in result.tenants[0].written
    assert any("identifier_first restored" in n for n in result.tenants[0].notes)
    # With colors, Auth0 leaves identifier_first alone: no prompts call at all.
    seen = len(emu.requests)
    coloured = publish(_branding_only(dist_dir, {"colors": {"primary": "#112233"}}),
                       _options(emu, tmp_path, tenants=("dev",)))
    assert not coloured.failed
    assert [f"{r.method} {r.path}" for r in emu.requests[seen:] if "prompts" in r.path] == []
    assert client.prompts.get_settings().identifier_first is True


def test_a_branding_patch_without_colors_needs_the_prompts_scopes(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    scopes = tuple(s for s in ALL_SCOPES if s != "update:prompts")
    with run_emulator(EmulatorConfig((_tenant("dev", scopes=scopes),))) as emu:
        result = publish(_branding_only(dist_dir, {"logo_url": "https://cdn.example.test/l.png"}),
                         _options(emu, tmp_path, tenants=("dev",)))
        assert result.failed and "update:prompts" in str(result.tenants[0].reason)
        assert _writes(emu, "dev") == []
