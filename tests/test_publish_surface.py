"""Publish partials, phone messages, organization branding and the MFA page through auth0-python
to the emulator over real HTTP: create, no-op, one write per change, rollback, preflights, pacing."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth0.management import Auth0
from brand_overlay import FIXTURES, make_brand

from auth0_branding.auth0.plans import PARTIALS, PLAN_BUCKETS, Bucket
from auth0_branding.auth0.resources import (
    GUARDIAN_MFA_PAGE,
    custom_text_resource,
    organization_resource,
    partials_resource,
    phone_resource,
)
from auth0_branding.build.builder import build
from auth0_branding.dist.reader import load_dist
from auth0_branding.dist.writer import write_dist
from auth0_branding.emulator.server import Emulator, run_emulator
from auth0_branding.emulator.state import ALL_SCOPES, EmulatedTenant, EmulatorConfig
from auth0_branding.publish.engine import Options, drift, parse_only, publish, rollback
from auth0_branding.publish.pacing import PLAN_LIMITS, UNPACED, Limits, Pacer, RetryPolicy
from auth0_branding.publish.plan import category_matches

log = logging.getLogger(__name__)

SURFACE = FIXTURES / "surface"
FAST = RetryPolicy(base_delay=0.01, max_delay=0.05, min_rate_wait=0.01, max_rate_wait=2.0, seed=7)
DOMAIN = "login.minimal.example"
NEW = frozenset({"partials", "phone", "organizations", "guardian_mfa_page"})
LOGIN_PARTIALS, SIGNUP_PARTIALS = partials_resource("login"), partials_resource("signup")
OTP, BLOCKED = phone_resource("otp_verify"), phone_resource("blocked_account")
ACME = organization_resource("acme")
SETTINGS = "PATCH /api/v2/tenants/settings"
TEMPLATE = "<html><head>{%- auth0:head -%}</head><body>{%- auth0:widget -%}</body></html>"


def _tenant(name: str, **changes: Any) -> EmulatedTenant:
    settings: dict[str, Any] = {
        "plan": "professional", "client_id": f"{name}-id", "client_secret": f"{name}-secret",
        "custom_domain": DOMAIN, "rate_limits": False, "organizations": ("acme",), **changes,
    }
    return EmulatedTenant(name, **settings)


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MINIMAL_DEV_CLIENT_ID", "dev-id")
    monkeypatch.setenv("MINIMAL_DEV_CLIENT_SECRET", "dev-secret")


@pytest.fixture
def emu(credentials: None) -> Iterator[Emulator]:
    with run_emulator(EmulatorConfig((_tenant("dev"),))) as running:
        yield running


@pytest.fixture
def brand(tmp_path: Path) -> Path:
    """The multilingual brand with the surface overlay laid on it (as tests/test_surface.py)."""
    brand = make_brand(FIXTURES / "multilingual", tmp_path)
    for source in sorted(SURFACE.rglob("*")):
        if source.is_file():
            target = brand / source.relative_to(SURFACE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return brand


def _dist(brand: Path, folder: Path) -> Path:
    write_dist(build(brand), folder)
    return folder


@pytest.fixture
def dist_dir(brand: Path, tmp_path: Path) -> Path:
    return _dist(brand, tmp_path / "dist")


def _options(emu: Emulator, tmp_path: Path, **changes: Any) -> Options:
    settings: dict[str, Any] = {
        "api_base": f"{emu.url}/{{tenant}}", "limits": UNPACED, "retry": FAST,
        "backups_dir": tmp_path / ".backups", "tenants": ("dev",), **changes,
    }
    return Options(**settings)


def _writes(emu: Emulator, since: int = 0) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.requests[since:]
            if r.tenant == "dev" and r.method != "GET" and r.path.startswith("/api/v2/")]


def _sdk(emu: Emulator) -> Auth0:
    return Auth0(base_url=emu.api_url("dev"), token=emu.issue_token("dev"),
                 httpx_client=httpx.Client(timeout=10))


def _state(emu: Emulator) -> dict[str, Any]:
    return json.loads(json.dumps(emu.dump_state()["tenants"]["dev"]))


def _phone(state: dict[str, Any]) -> dict[str, Any]:
    return {t["type"]: t for t in state["phone_templates"]}


def _acme(state: dict[str, Any]) -> dict[str, Any]:
    return next(o for o in state["organizations"] if o["name"] == "acme")


def _ok(result: Any) -> None:
    assert not result.failed, [t.reason for t in result.tenants]


# -- first publish, no-op, one change -------------------------------------------------------


def test_the_first_publish_creates_each_resource_and_the_second_writes_nothing(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    desired = load_dist(dist_dir).tenants["dev"].desired
    _ok(publish(load_dist(dist_dir), _options(emu, tmp_path)))
    state = _state(emu)
    assert state["partials"] == {"login": desired[LOGIN_PARTIALS],
                                 "signup": desired[SIGNUP_PARTIALS]}
    phone = _phone(state)
    assert set(phone) == {"otp_verify", "blocked_account"} and all(t["id"] for t in phone.values())
    for kind, resource in (("otp_verify", OTP), ("blocked_account", BLOCKED)):
        assert {k: phone[kind][k] for k in ("type", "disabled", "content")} == desired[resource]
    assert _acme(state)["branding"] == desired[ACME]["branding"]
    assert state["tenant_settings"]["guardian_mfa_page"] == desired[GUARDIAN_MFA_PAGE]
    done = _writes(emu)
    assert done.count("POST /api/v2/branding/phone/templates") == 2
    assert {"PUT /api/v2/prompts/login/partials", "PUT /api/v2/prompts/signup/partials",
            f"PATCH /api/v2/organizations/{_acme(state)['id']}"} <= set(done)
    # The page template goes first, the partials after it and after the texts they read.
    assert done.index("PUT /api/v2/branding/templates/universal-login") < done.index(
        "PUT /api/v2/prompts/login/partials")
    seen = len(emu.requests)
    second = publish(load_dist(dist_dir), _options(emu, tmp_path))
    _ok(second)
    assert second.tenants[0].writes == 0 and _writes(emu, seen) == []
    assert all(c.action == "unchanged" for c in second.tenants[0].changes)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


EDITS: dict[str, tuple[Callable[[Path], None], str]] = {
    "partials": (lambda b: _edit(b / "templates/prompts/login/login/form-footer-end.html",
                                 '<p class="help">', '<p class="help small">'),
                 "PUT /api/v2/prompts/login/partials"),
    "phone": (lambda b: _edit(b / "templates/phone/otp_verify.txt", "]]", "]] ")
              , "PATCH /api/v2/branding/phone/templates/{otp_verify}"),
    "organizations": (lambda b: _edit(b / "tenants.toml", "#f4f4f4", "#eeeeee"),
                      "PATCH /api/v2/organizations/{acme}"),
    "guardian_mfa_page": (lambda b: _edit(b / "templates/pages/guardian_mfa_page.html",
                                          '<div id="mfa-container">',
                                          '<div id="mfa-container" class="x">'),
                          SETTINGS),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_one_change_costs_one_write(
    emu: Emulator, brand: Path, dist_dir: Path, tmp_path: Path, kind: str
) -> None:
    _ok(publish(load_dist(dist_dir), _options(emu, tmp_path)))
    edit, expected = EDITS[kind]
    edit(brand)
    changed = load_dist(_dist(brand, tmp_path / "dist-2"))
    seen = len(emu.requests)
    result = publish(changed, _options(emu, tmp_path))
    _ok(result)
    state = _state(emu)
    ids = {"otp_verify": _phone(state)["otp_verify"]["id"], "acme": _acme(state)["id"]}
    assert _writes(emu, seen) == [expected.format(**ids)]
    assert result.tenants[0].writes == 1
    again = publish(changed, _options(emu, tmp_path))
    assert again.tenants[0].writes == 0


def test_the_mfa_page_goes_in_the_one_settings_patch(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    result = publish(load_dist(dist_dir), _options(emu, tmp_path))
    _ok(result)
    assert _writes(emu).count(SETTINGS) == 1
    assert {GUARDIAN_MFA_PAGE, "tenants/settings#change_password", "tenants/settings#error_page",
            "tenants/settings#enabled_locales"} <= set(result.tenants[0].written)
    assert _state(emu)["tenant_settings"]["guardian_mfa_page"]["enabled"] is True


# -- removing, drift, --only ----------------------------------------------------------------


def test_a_claimed_prompt_without_fragments_is_cleared_and_an_unclaimed_one_is_left(
    emu: Emulator, brand: Path, dist_dir: Path, tmp_path: Path
) -> None:
    _ok(publish(load_dist(dist_dir), _options(emu, tmp_path)))
    _sdk(emu).prompts.partials.set("login-id", request={
        "login-id": {"form-content-start": "<p>by hand</p>"}})
    # The signup folder stays (kept by a file that is no fragment): the brand still claims it.
    (brand / "templates/prompts/signup/signup/form-content-end.html").unlink()
    (brand / "templates/prompts/signup/.keep").write_text("", encoding="utf-8")
    smaller = _dist(brand, tmp_path / "dist-2")
    assert json.loads((smaller / "dev/prompts/signup/partials.json").read_text()) == {}
    seen = len(emu.requests)
    result = publish(load_dist(smaller), _options(emu, tmp_path))
    _ok(result)
    assert {c.resource: c.action for c in result.tenants[0].changes if c.writes} == {
        SIGNUP_PARTIALS: "delete"}
    assert _writes(emu, seen) == ["PUT /api/v2/prompts/signup/partials"]
    assert set(_state(emu)["partials"]) == {"login", "login-id"}  # login-id is not the brand's
    assert publish(load_dist(smaller), _options(emu, tmp_path)).tenants[0].writes == 0


def test_drift_names_each_resource_changed_behind_our_back(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    _ok(publish(load_dist(dist_dir), _options(emu, tmp_path)))
    assert not drift(load_dist(dist_dir), _options(emu, tmp_path)).drifted
    client, state = _sdk(emu), _state(emu)
    client.prompts.partials.set("login", request={"login": {"form-footer-end": "<p>x</p>"}})
    client.branding.phone.templates.update(_phone(state)["otp_verify"]["id"], disabled=True)
    client.organizations.update(_acme(state)["id"], branding={"logo_url": "https://x.example/l.png"})
    client.tenants.settings.update(guardian_mfa_page={"enabled": False, "html": "<p>old</p>"})
    found = drift(load_dist(dist_dir), _options(emu, tmp_path))
    assert found.drifted
    assert {c.resource: c.action for c in found.tenants[0].changes if c.writes} == {
        LOGIN_PARTIALS: "update", OTP: "update", ACME: "update", GUARDIAN_MFA_PAGE: "update"}


def test_only_selects_the_new_categories_and_custom_text_no_longer_takes_partials() -> None:
    assert parse_only("partials,phone,organizations,guardian_mfa_page") == NEW
    table = {LOGIN_PARTIALS: "partials", OTP: "phone", ACME: "organizations",
             GUARDIAN_MFA_PAGE: "guardian_mfa_page",
             custom_text_resource("login", "fr"): "custom_text"}
    for resource, category in table.items():
        assert [c for c in (*NEW, "custom_text") if category_matches(resource, frozenset({c}))] \
            == [category], resource
    assert category_matches(GUARDIAN_MFA_PAGE, frozenset({"pages"}))
    with pytest.raises(ValueError, match="did you mean 'partials'"):
        parse_only("partial")


# -- rollback -------------------------------------------------------------------------------


def test_rollback_restores_each_resource_byte_for_byte(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    client = _sdk(emu)
    # Hand-made content on the tenant: a page template (the partials need one), partials on
    # login only, its own otp_verify message, acme's branding, an MFA page.
    client.branding.templates.update_universal_login(request={"template": TEMPLATE})
    client.prompts.partials.set("login", request={"login": {
        "form-content-start": "<p>old \u00e9</p>\r\n", "secondary-actions-end": "<b>x</b>"}})
    client.branding.phone.templates.create(type="otp_verify", disabled=True, content={
        "syntax": "liquid", "from": "+15550000", "body": {"text": "old {{ code }}", "voice": ""}})
    client.organizations.update(_acme(_state(emu))["id"], branding={
        "logo_url": "https://old.example/a.png",
        "colors": {"primary": "#111111", "page_background": "#222222"}})
    client.tenants.settings.update(guardian_mfa_page={"enabled": False, "html": "<p>old\t</p>"})
    original = json.dumps(_state(emu), sort_keys=True)
    published = publish(load_dist(dist_dir), _options(emu, tmp_path, only=NEW))
    _ok(published)
    assert set(published.tenants[0].written) == {LOGIN_PARTIALS, SIGNUP_PARTIALS, OTP, BLOCKED,
                                                 ACME, GUARDIAN_MFA_PAGE}
    assert json.dumps(_state(emu), sort_keys=True) != original
    restored = rollback("dev", _options(emu, tmp_path))
    _ok(restored)
    # signup's partials and blocked_account did not exist: cleared and deleted again.
    assert json.dumps(_state(emu), sort_keys=True) == original
    seen = len(emu.requests)
    _ok(rollback("dev", _options(emu, tmp_path)))
    assert _writes(emu, seen) == []


# -- preflights -----------------------------------------------------------------------------


def test_partials_need_a_custom_domain_and_a_page_template_before_any_write(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    config = EmulatorConfig((_tenant("dev", custom_domain=None),))
    with run_emulator(config) as emu:
        # --only: the page template is not written by this run.
        result = publish(load_dist(dist_dir), _options(emu, tmp_path, only=frozenset({
            "partials"})))
        assert result.failed and result.tenants[0].stage == "preflight"
        assert str(result.tenants[0].reason) == (
            "dev: prompt partials need a verified custom domain and the tenant has none "
            "(add and verify one in Auth0 (Branding > Custom Domains), or stop managing "
            "'partials' in tenants.dev.manage)")
        assert _writes(emu) == []
    with run_emulator(EmulatorConfig((_tenant("dev"),))) as emu:
        result = publish(load_dist(dist_dir), _options(emu, tmp_path, only=frozenset({
            "partials"})))
        assert result.failed and result.tenants[0].stage == "preflight"
        assert str(result.tenants[0].reason) == (
            "dev: prompt partials need a Universal Login page template and the tenant has none "
            "(add 'login' to tenants.dev.manage so publish writes one (or store one on the "
            "tenant), or stop managing 'partials')")
        assert _writes(emu) == []
        # A template written in this same run will do.
        _ok(publish(load_dist(dist_dir), _options(emu, tmp_path, only=frozenset({
            "partials", "login"}))))
        assert set(_state(emu)["partials"]) == {"login", "signup"}


def test_a_missing_organization_stops_the_tenant_before_any_write(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    with run_emulator(EmulatorConfig((_tenant("dev", organizations=()),))) as emu:
        result = publish(load_dist(dist_dir), _options(emu, tmp_path))
        assert result.failed and result.tenants[0].stage == "preflight"
        assert str(result.tenants[0].reason) == (
            "dev: organization 'acme' does not exist on the tenant, so its branding cannot be "
            "published (create it in Auth0 (Organizations) or remove it from "
            "tenants.dev.organizations in brand/tenants.toml: publish brands organizations, "
            "it never creates them)")
        assert _writes(emu) == []


def test_the_scope_preflight_covers_phone_and_organizations(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    scopes = tuple(s for s in ALL_SCOPES if s not in ("read:organizations",
                                                      "create:phone_templates"))
    with run_emulator(EmulatorConfig((_tenant("dev", scopes=scopes),))) as emu:
        result = publish(load_dist(dist_dir), _options(emu, tmp_path))
        assert result.failed and result.tenants[0].stage == "preflight"
        assert "read:organizations" in str(result.tenants[0].reason)
        assert _writes(emu) == []
    scopes = tuple(s for s in ALL_SCOPES if s != "create:phone_templates")
    with run_emulator(EmulatorConfig((_tenant("dev", scopes=scopes),))) as emu:
        result = publish(load_dist(dist_dir), _options(emu, tmp_path))
        assert result.failed and "create:phone_templates" in str(result.tenants[0].reason)
        assert _writes(emu) == []  # the write scopes are checked once the plan is known


# -- pacing ---------------------------------------------------------------------------------


def test_partials_draw_from_their_bucket_on_every_plan_and_by_default() -> None:
    for plan_name in PLAN_BUCKETS:
        assert PLAN_LIMITS[plan_name].buckets[PARTIALS] == Bucket(5, 5 / 60)
    assert Limits().buckets[PARTIALS] == Bucket(5, 5 / 60)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    # The real figure on a fake clock: 5 at once, then one every 12 s.
    pacer = Pacer(Limits({PARTIALS: Bucket(5, 5 / 60)}, slack=0.0), clock=lambda: now[0],
                  sleep=sleep)
    times = []
    for _ in range(8):
        pacer.acquire(["global", PARTIALS])
        times.append(now[0])
    assert times == pytest.approx([0, 0, 0, 0, 0, 12, 24, 36])


def test_back_to_back_publishes_meet_no_429(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    # Auth0's buckets outlive a run: the second publish finds the partials bucket as the
    # first left it (nearly empty), and must pace from there rather than from full.
    partials = Bucket(2, 0.5)  # slow enough that it is still empty when the second run reads
    limits = {"global": Bucket(100, 500.0), "email_read": Bucket(50, 500.0),
              "email_write": Bucket(50, 500.0), PARTIALS: partials}
    config = EmulatorConfig((_tenant("dev", rate_limits=True, limits=limits),))
    with run_emulator(config) as emu:
        paced = _options(emu, tmp_path, limits=Limits({PARTIALS: partials}))
        runs = [publish(load_dist(dist_dir), paced) for _ in range(2)]
        for run in runs:
            _ok(run)
        assert [r.path for r in emu.requests if r.status == 429] == []
        # The later runs read the partials (2 calls each) without writing them.
        assert [len(r.tenants[0].written) for r in runs][1:] == [0]
    levels = json.loads((tmp_path / ".backups" / ".pacing" / "dev.json").read_text())
    assert set(levels["levels"]) == {PARTIALS} and levels["levels"][PARTIALS] < 1.0


def test_partials_reads_and_writes_are_paced_with_no_429(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    # The partials bucket scaled down so the test is quick: 2 at once, then 4 a second.
    # Two reads and two writes: unpaced, the writes meet 429s; paced, none.
    partials = Bucket(2, 4.0)
    limits = {"global": Bucket(100, 500.0), "email_read": Bucket(50, 500.0),
              "email_write": Bucket(50, 500.0), PARTIALS: partials}
    config = EmulatorConfig((_tenant("dev", rate_limits=True, limits=limits),))
    with run_emulator(config) as emu:
        paced = publish(load_dist(dist_dir), _options(emu, tmp_path, limits=Limits({
            PARTIALS: partials})))
        _ok(paced)
        assert [r for r in emu.requests if r.status == 429] == []
        assert len([w for w in _writes(emu) if w.endswith("/partials")]) == 2
    with run_emulator(config) as emu:  # a new tenant: not the buckets the first run left
        unpaced = publish(load_dist(dist_dir), _options(emu, tmp_path,
                                                        backups_dir=tmp_path / "fresh"))
        _ok(unpaced)  # the 429s are waited out
        assert unpaced.tenants[0].rate_limited >= 1
        assert {r.path for r in emu.requests if r.status == 429} <= {
            "/api/v2/prompts/login/partials", "/api/v2/prompts/signup/partials"}

