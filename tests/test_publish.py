"""Publish through auth0-python to the loopback emulator over real HTTP: plan, faults, rollback."""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth0.management import Auth0
from click.testing import CliRunner
from hostile import assert_refused, case

from auth0_branding.auth0.plans import PLAN_BUCKETS, Bucket
from auth0_branding.auth0.resources import (
    BRANDING,
    CHANGE_PASSWORD,
    ENABLED_LOCALES,
    ERROR_PAGE,
    THEME,
    UL_TEMPLATE,
    custom_text_resource,
    organization_resource,
    partials_resource,
    phone_resource,
)
from auth0_branding.build.builder import build
from auth0_branding.cli import cli
from auth0_branding.dist.reader import Dist, DistTenant
from auth0_branding.dist.writer import write_dist
from auth0_branding.emulator.limits import Faults
from auth0_branding.emulator.server import Emulator, run_emulator
from auth0_branding.emulator.state import ALL_SCOPES, EmulatedTenant, EmulatorConfig
from auth0_branding.errors import DistError, PublishError, display_path
from auth0_branding.publish.backup import BackupWriter, load_backup
from auth0_branding.publish.credentials import target_for
from auth0_branding.publish.engine import (
    Options,
    RunResult,
    load_dist,
    parse_only,
    parse_shard,
    publish,
    rollback,
    select_tenants,
)
from auth0_branding.publish.pacing import (
    PLAN_LIMITS,
    UNPACED,
    Attempts,
    Limits,
    Pacer,
    RateBudget,
    RetryPolicy,
    load_levels,
    save_levels,
)
from auth0_branding.publish.plan import diff_lines, plan

ROOT = Path(__file__).resolve().parents[1]
BRAND = ROOT / "brand"
TENANTS = ("dev", "prod", "staging")
# What the reference brand manages per tenant: the page template, two classic pages, twelve
# emails, branding and the theme (17), its custom text (7 prompts x 4 languages),
# enabled_locales, the partials of two prompts (signup's terms checkbox, login's help link)
# and five phone messages (otp_verify, otp_enroll, change_password, blocked_account,
# password_breach).
CUSTOM_TEXTS = 7 * 4
PARTIALS, PHONE_MESSAGES = 2, 5
RESOURCES = 17 + CUSTOM_TEXTS + 1 + PARTIALS + PHONE_MESSAGES
# prod also brands one organization, Ridgeline Guiding Co.; the emulated prod must have it.
ORGANIZATIONS = {"dev": (), "staging": (), "prod": ("ridgeline-guides",)}
CUSTOM_DOMAINS = {
    "dev": "login.dev.alderandpine.example",
    "staging": "login.staging.alderandpine.example",
    "prod": "login.alderandpine.example",
}
SECRETS = {t: f"sk-{t}-7Qm2xZ9vL4pR8wN1" for t in TENANTS}
FAST = RetryPolicy(base_delay=0.01, max_delay=0.05, min_rate_wait=0.01, max_rate_wait=2.0, seed=7)
GROUPS = ("borders", "colors", "fonts", "page_background", "widget")


# -- fixtures and helpers -------------------------------------------------------------


def resources(name: str) -> int:
    """Return how many resources the reference brand gives tenant `name`."""
    return RESOURCES + len(ORGANIZATIONS[name])


def tenant(name: str, **changes: Any) -> EmulatedTenant:
    """Declare an emulated tenant matching brand/tenants.toml, limits off for speed."""
    settings: dict[str, Any] = {
        "plan": "professional", "client_id": f"{name}-id", "client_secret": SECRETS[name],
        "custom_domain": CUSTOM_DOMAINS[name], "organizations": ORGANIZATIONS[name],
        "rate_limits": False, **changes,
    }
    return EmulatedTenant(name, **settings)


@pytest.fixture(scope="module")
def dist_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "dist"
    write_dist(build(BRAND), out)
    return out


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray ./.env, and CLI backups land in tmp
    for name in TENANTS:
        monkeypatch.setenv(f"AUTH0_{name.upper()}_CLIENT_ID", f"{name}-id")
        monkeypatch.setenv(f"AUTH0_{name.upper()}_CLIENT_SECRET", SECRETS[name])


@pytest.fixture
def emu(credentials: None) -> Iterator[Emulator]:
    with run_emulator(EmulatorConfig(tuple(tenant(t) for t in TENANTS))) as running:
        yield running


def options(emu: Emulator, tmp_path: Path, **changes: Any) -> Options:
    settings: dict[str, Any] = {
        "api_base": f"{emu.url}/{{tenant}}", "limits": UNPACED, "retry": FAST,
        "backups_dir": tmp_path / ".backups", "jobs": 3, **changes,
    }
    return Options(**settings)


def remote(emu: Emulator, name: str) -> dict[str, Any]:
    """Return the tenant's stored resources keyed like dist's resources."""
    state = emu.dump_state()["tenants"][name]
    theme = state["theme"]
    values = {
        UL_TEMPLATE: state["universal_login_template"],
        CHANGE_PASSWORD: state["tenant_settings"]["change_password"],
        ERROR_PAGE: state["tenant_settings"]["error_page"],
        BRANDING: state["branding"],
        THEME: {g: theme[g] for g in GROUPS} if theme else None,
    }
    values.update({f"email-templates/{n}": r for n, r in state["email_templates"].items()})
    values[ENABLED_LOCALES] = state["tenant_settings"].get("enabled_locales")
    for prompt, by_language in state["custom_text"].items():
        values.update({custom_text_resource(prompt, language): texts
                       for language, texts in by_language.items()})
    values.update({partials_resource(p): screens for p, screens in state["partials"].items()})
    values.update({phone_resource(t["type"]): t for t in state["phone_templates"]})
    values.update({organization_resource(o["name"]): o for o in state["organizations"]})
    return values


def holds(desired: Any, value: Any) -> bool:
    """Tell whether a stored value carries every field of the desired one."""
    if isinstance(desired, dict):
        return isinstance(value, dict) and all(value.get(k) == v for k, v in desired.items())
    return desired == value


def assert_matches_dist(emu: Emulator, dist_dir: Path, name: str) -> None:
    desired = load_dist(dist_dir).tenants[name].desired
    stored = remote(emu, name)
    assert len(desired) == resources(name)
    for resource, value in desired.items():
        assert holds(value, stored.get(resource)), resource


def assert_whole(emu: Emulator, dist_dir: Path, name: str, before: dict[str, Any]) -> None:
    """Every resource holds either its old value or all of the new one, never a mix."""
    desired = load_dist(dist_dir).tenants[name].desired
    now = remote(emu, name)
    for resource, value in desired.items():
        assert now.get(resource) == before.get(resource) or holds(value, now.get(resource)), \
            resource


def writes(emu: Emulator, name: str) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.requests
            if r.tenant == name and r.method != "GET" and r.path.startswith("/api/v2/")]


def sdk(emu: Emulator, name: str) -> Auth0:
    return Auth0(base_url=emu.api_url(name), token=emu.issue_token(name),
                 httpx_client=httpx.Client(timeout=10))


def run_cli(*args: str) -> Any:
    """Run the CLI; the emulator's limits are off, so client-side pacing is too."""
    if args and args[0] in ("publish", "diff", "drift", "rollback"):
        args = (*args, "--no-pacing")
    elif args[:1] == ("--debug",):
        args = (*args, "--no-pacing")
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def by_tenant(result: RunResult) -> dict[str, Any]:
    return {t.tenant: t for t in result.tenants}


def edited_brand(tmp_path: Path, email: str, extra: str) -> Path:
    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    path = brand / "templates" / "emails" / f"{email}.html"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.rpartition("[% endblock %]")  # build-time Jinja uses [% %]
    path.write_text(f"{head}<p>{extra}</p>[% endblock %]{tail}", encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    return brand


# -- idempotence and minimal writes ---------------------------------------------------------


def test_first_publish_creates_everything_and_the_second_writes_nothing(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    first = publish(load_dist(dist_dir), options(emu, tmp_path))
    assert not first.failed
    for name in TENANTS:
        assert_matches_dist(emu, dist_dir, name)
        actions = {c.resource: c.action for c in by_tenant(first)[name].changes}
        assert actions[UL_TEMPLATE] == actions[THEME] == "create"
        assert actions["email-templates/verify_email"] == "create"
        # Both tenant-settings pages and enabled_locales go in one PATCH.
        assert len(writes(emu, name)) == resources(name) - 2
        assert sorted(writes(emu, name)).count("PATCH /api/v2/tenants/settings") == 1
    emu.clear_requests()
    second = publish(load_dist(dist_dir), options(emu, tmp_path))
    assert not second.failed and not second.drifted
    assert all(writes(emu, name) == [] for name in TENANTS)
    assert all(t.backup is None and t.writes == 0 for t in second.tenants)


def test_changing_one_email_makes_exactly_one_write_per_tenant(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    assert not publish(load_dist(dist_dir), options(emu, tmp_path)).failed
    changed = tmp_path / "dist2"
    write_dist(build(edited_brand(tmp_path, "welcome_email", "Changed today.")), changed)
    emu.clear_requests()
    result = publish(load_dist(changed), options(emu, tmp_path))
    assert not result.failed
    for name in TENANTS:
        assert writes(emu, name) == ["PATCH /api/v2/email-templates/welcome_email"]
        assert "Changed today." in emu.state(name).email_templates["welcome_email"]["body"]
        assert [c.resource for c in by_tenant(result)[name].changes if c.writes] == [
            "email-templates/welcome_email"]


def test_only_and_shard_select_resources_and_tenants(
    emu: Emulator, dist_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    shard_one = run_cli("publish", "--dist", str(dist_dir), "--shard", "1/2")
    assert shard_one.exit_code == 0, shard_one.output
    # Round-robin over sorted names: dev, prod, staging -> shard 1 is dev and staging.
    assert writes(emu, "dev") and writes(emu, "staging") and not writes(emu, "prod")
    only = run_cli("publish", "--dist", str(dist_dir), "--shard", "2/2", "--only", "emails")
    assert only.exit_code == 0, only.output
    assert len(writes(emu, "prod")) == 12
    assert all("/email-templates" in w for w in writes(emu, "prod"))
    touched = {r.path for r in emu.requests if r.tenant == "prod"}
    assert touched - {"/oauth/token"} == {p for p in touched if "email-templates" in p}
    bad = run_cli("publish", "--dist", str(dist_dir), "--only", "email")
    assert bad.exit_code == 2 and "did you mean 'emails'" in bad.output


def test_the_classic_login_page_goes_to_the_global_client_when_managed(
    emu: Emulator, tmp_path: Path
) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    (brand / "templates" / "pages" / "classic_login.html").write_text(
        "<!DOCTYPE html><html><body><div id=\"lock\"></div><script>"
        "var config = JSON.parse(decodeURIComponent(escape(window.atob('@@config@@'))));"
        "new Auth0Lock(config.clientID, config.auth0Domain, {container: 'lock', auth: "
        "{params: config.internalOptions}}).show();</script></body></html>\n", encoding="utf-8")
    tenants = brand / "tenants.toml"
    text = tenants.read_text(encoding="utf-8")
    assert 'manage = ["login",' in text
    tenants.write_text(text.replace('manage = ["login",', 'manage = ["classic_login", "login",', 1),
                       encoding="utf-8")
    write_dist(build(brand, ["dev"]), tmp_path / "dist")
    first = publish(load_dist(tmp_path / "dist"), options(emu, tmp_path))
    assert not first.failed
    client = next(c for c in emu.dump_state()["tenants"]["dev"]["clients"] if c["global"])
    assert "@@config@@" in client["custom_login_page"] and client["custom_login_page_on"]
    assert f"PATCH /api/v2/clients/{client['client_id']}" in writes(emu, "dev")
    emu.clear_requests()
    assert not publish(load_dist(tmp_path / "dist"), options(emu, tmp_path)).drifted
    assert not rollback("dev", options(emu, tmp_path)).failed
    client = next(c for c in emu.dump_state()["tenants"]["dev"]["clients"] if c["global"])
    assert client["custom_login_page"] == "" and not client["custom_login_page_on"]


# -- diff and drift ------------------------------------------------------------------------


def test_diff_shows_each_resource_and_writes_nothing(
    emu: Emulator, dist_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    result = run_cli("diff", "--dist", str(dist_dir), "--tenant", "dev", "--full")
    assert result.exit_code == 0, result.output
    assert "create    branding/templates/universal-login" in result.output
    assert "update    tenants/settings#error_page" in result.output
    assert "+  {%- auth0:head -%}" in result.output
    assert writes(emu, "dev") == []
    dry = run_cli("publish", "--dist", str(dist_dir), "--dry-run")
    assert dry.exit_code == 0 and "(dry run)" in dry.output
    assert all(writes(emu, name) == [] for name in TENANTS)


def test_diff_summarises_each_tenant_by_default(
    emu: Emulator, dist_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    result = run_cli("diff", "--dist", str(dist_dir), "--tenant", "dev")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    desired = load_dist(dist_dir).tenants["dev"].desired
    template = desired[UL_TEMPLATE].splitlines()
    # One row per resource to write: the action, the resource, the lines added and removed.
    row = next(line for line in lines if UL_TEMPLATE in line).split()
    assert row == ["create", UL_TEMPLATE, f"+{len(template)}", "-0"]
    rows = [line for line in lines if line.startswith("  ") and line.split()[-1:] != []
            and line.split()[-1][:1] == "-"]
    counts = next(line for line in lines if line.endswith(" unchanged")).split()
    assert counts[1:3] + counts[4:] == ["to", "write,", "unchanged"]
    assert int(counts[0]) == len(rows) and int(counts[0]) + int(counts[3]) == len(desired)
    assert not any(line.lstrip().startswith(("+++", "---", "@@")) for line in lines)
    assert len(lines) < len(desired) + 20  # not thousands of diff lines
    unknown = run_cli("diff", "--dist", str(dist_dir), "--tenant", "dev",
                      "--resource", "email-templates/verify_emial")
    assert (unknown.exit_code, unknown.stderr) == (2, (
        "ERROR --resource 'email-templates/verify_emial' matches no resource "
        "(did you mean 'email-templates/verify_email'?)\n"))
    every = run_cli("diff", "--dist", str(dist_dir), "--tenant", "dev",
                    "--resource", "email-templates/*")
    assert {line.split()[1] for line in every.output.splitlines()
            if line.startswith("  ") and not line.startswith("    ")} == {
                r for r in desired if r.startswith("email-templates/")}


def test_drift_exits_2_and_names_what_differs(
    emu: Emulator, dist_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    assert run_cli("publish", "--dist", str(dist_dir)).exit_code == 0
    clean = run_cli("drift", "--dist", str(dist_dir))
    assert clean.exit_code == 0, clean.output
    # Someone edits a subject in the dashboard.
    sdk(emu, "staging").email_templates.update("reset_email", subject="Edited by hand")
    drifted = run_cli("drift", "--dist", str(dist_dir), "--report", "drift.json")
    assert drifted.exit_code == 2
    assert "DRIFT staging: email-templates/reset_email" in drifted.output
    report = json.loads(Path("drift.json").read_text())
    assert report["drifted"] and [t["tenant"] for t in report["tenants"]
                                  if any(c["action"] != "unchanged" for c in t["changes"])] == [
                                      "staging"]
    diff = run_cli("diff", "--dist", str(dist_dir), "--tenant", "staging",
                   "--resource", "email-templates/reset_email")
    assert diff.exit_code == 0, diff.output
    assert diff.output.splitlines()[:4] == [
        "tenant staging", "  update    email-templates/reset_email",
        "    --- remote/staging/email-templates/reset_email",
        "    +++ dist/staging/email-templates/reset_email"]
    assert '-  "subject": "Edited by hand",' in diff.output


def test_a_changed_dist_file_is_refused_before_any_call(
    emu: Emulator, dist_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tampered = tmp_path / "dist"
    shutil.copytree(dist_dir, tampered)
    page = tampered / "prod" / "pages" / "error_page.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- hot fix -->", encoding="utf-8")
    with pytest.raises(DistError, match="does not match the manifest"):
        load_dist(tampered)
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    result = run_cli("publish", "--dist", str(tampered))
    assert result.exit_code == 1
    assert "ERROR dist/prod/pages/error_page.html: does not match the manifest" in result.output
    assert emu.requests == []



def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_tokens_css_and_json_are_built_marked_unpublished_and_never_sent(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    manifest = json.loads((dist_dir / "manifest.json").read_text(encoding="utf-8"))
    unsent = [o for o in manifest["outputs"] if o.get("published") is False]
    assert sorted(o["path"] for o in unsent) == sorted(
        f"{t}/tokens.{ext}" for t in TENANTS for ext in ("css", "json"))
    assert {(o["kind"], o["resource"]) for o in unsent} == {("tokens", "")}
    assert not publish(load_dist(dist_dir), options(emu, tmp_path)).failed
    stored = list(_strings(emu.dump_state()))
    assert not any("generated from design tokens" in text or '"$type"' in text
                   for text in stored)
    # Not sent, but verified like every output of dist/.
    tampered = tmp_path / "tampered"
    shutil.copytree(dist_dir, tampered)
    with open(tampered / "prod" / "tokens.css", "a", encoding="utf-8") as handle:
        handle.write("/* edited */\n")
    with pytest.raises(DistError, match="prod/tokens.css: does not match the manifest"):
        load_dist(tampered)


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "dev/../../outside.html"])
def test_a_manifest_path_escaping_dist_is_refused(
    dist_dir: Path, tmp_path: Path, path: str
) -> None:
    crafted = tmp_path / "dist"
    shutil.copytree(dist_dir, crafted)
    (tmp_path / "outside.html").write_text("x", encoding="utf-8")
    manifest = json.loads((crafted / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"][0]["path"] = path
    (crafted / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DistError, match="manifest points outside dist/"):
        load_dist(crafted)


@pytest.mark.parametrize("key", ["sha256", "path"])
def test_a_manifest_output_lacking_a_key_is_refused(
    dist_dir: Path, tmp_path: Path, key: str
) -> None:
    crafted = tmp_path / "dist"
    shutil.copytree(dist_dir, crafted)
    manifest = json.loads((crafted / "manifest.json").read_text(encoding="utf-8"))
    del manifest["outputs"][0][key]
    (crafted / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DistError, match=f"a manifest output lacks {key}"):
        load_dist(crafted)


def test_branding_patch_keeps_the_fields_dist_does_not_set(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    loaded = load_dist(dist_dir)
    spec = loaded.tenants["dev"].spec
    dist = Dist(loaded.path, loaded.brand, {"dev": DistTenant(
        "dev", spec, {BRANDING: {"colors": {"primary": "#112233"}}})})
    kept = {"logo_url": "https://x.example/logo.png", "font": {"url": "https://x.example/f.css"}}
    emu.state("dev").branding = {"colors": {"primary": "#000000", "page_background": "#ffffff"},
                                 **kept}
    result = publish(dist, options(emu, tmp_path, tenants=("dev",)))
    assert not result.failed, result.tenants[0].reason
    assert writes(emu, "dev") == ["PATCH /api/v2/branding"]
    assert emu.state("dev").branding == {
        "colors": {"primary": "#112233", "page_background": "#ffffff"}, **kept}


def test_only_with_nothing_in_it_is_bad_usage(dist_dir: Path, credentials: None) -> None:
    result = run_cli("publish", "--dist", str(dist_dir), "--only", "")
    assert result.exit_code == 2 and "choose from" in result.output


@pytest.mark.parametrize("name", ["..", "../elsewhere", "a/b", ""])
def test_a_tenant_name_cannot_lead_backups_out_of_their_folder(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(PublishError, match="cannot name a backup folder"):
        BackupWriter(tmp_path / ".backups", name, "publish", {}).save("branding", {})
    with pytest.raises(PublishError, match="cannot name a backup folder"):
        rollback(name, Options(backups_dir=tmp_path / ".backups"))
    assert not (tmp_path / "elsewhere").exists()


# -- faults --------------------------------------------------------------------------------


def test_a_429_storm_is_waited_out_until_the_reset(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    emu.set_faults("dev", storm_requests=3, storm_reset=0.2)
    result = publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",)))
    assert not result.failed
    assert result.tenants[0].rate_limited == 3
    log = [r for r in emu.requests if r.tenant == "dev" and r.path != "/oauth/token"]
    for refused, retry in zip(log, log[1:], strict=False):
        if refused.status == 429:  # X-RateLimit-Reset was ceil(time + 0.2)
            assert retry.time >= math.ceil(refused.time + 0.2) - 0.02
    assert_matches_dist(emu, dist_dir, "dev")


def test_a_60_call_429_storm_is_waited_out_within_the_time_budget(
    emu: Emulator, dist_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    # 60 refusals in a row, each asking for 20 ms: far more tries than any count would allow.
    emu.set_faults("dev", storm_requests=60, storm_reset=0.02, storm_retry_after=True)
    result = run_cli("publish", "--dist", str(dist_dir), "--tenant", "dev",
                     "--rate-limit-budget", "60", "--report", "report.json")
    assert result.exit_code == 0, result.output
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))["tenants"][0]
    assert report["ok"] and report["rate_limited"] == 60
    assert sum(r.status == 429 for r in emu.requests) == 60
    assert_matches_dist(emu, dist_dir, "dev")


def test_a_429_storm_longer_than_the_budget_fails_the_tenant_with_one_line(
    emu: Emulator, dist_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    emu.set_faults("dev", storm_requests=60, storm_reset=0.2, storm_retry_after=True)
    result = run_cli("publish", "--dist", str(dist_dir), "--rate-limit-budget", "0.5")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ERROR dev: read custom-domains failed: 429 Global limit has been reached (still rate "
        "limited after waiting the 0.5 s of --rate-limit-budget; re-run later (publish "
        "converges), or raise it)"]
    refused = sum(r.status == 429 for r in emu.requests)
    assert 2 <= refused <= 4  # 0.2 s each (plus jitter) within 0.5 s, then it stopped asking
    assert writes(emu, "dev") == []
    for name in ("prod", "staging"):  # the others went on
        assert_matches_dist(emu, dist_dir, name)


@pytest.mark.parametrize("fault", [
    Faults(error_rate=0.3, seed=11),
    Faults(drop_rate=0.3, seed=5),
], ids=["30%-5xx", "30%-dropped-connections"])
def test_flaky_tenants_never_hold_a_half_write_and_reruns_converge(
    emu: Emulator, dist_dir: Path, tmp_path: Path, fault: Faults
) -> None:
    before = {name: remote(emu, name) for name in TENANTS}
    for name in TENANTS:
        emu.set_faults(name, fault)
    flaky = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02, seed=3)  # failures happen
    results = []
    for _ in range(8):  # bounded: each run keeps what the last one wrote
        results.append(publish(load_dist(dist_dir), options(emu, tmp_path, retry=flaky)))
        for name in TENANTS:
            assert_whole(emu, dist_dir, name, before[name])
        if not results[-1].failed:
            break
    assert results[0].failed and not results[-1].failed  # failed first, then converged
    for name in TENANTS:
        emu.set_faults(name, Faults())
        assert_matches_dist(emu, dist_dir, name)
    emu.clear_requests()
    assert not publish(load_dist(dist_dir), options(emu, tmp_path)).drifted


def test_tokens_expiring_mid_run_are_replaced(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    def expire_halfway(name: str, phase: str, done: int, total: int) -> None:
        if phase == "read" and done == 5:
            emu.expire_all_tokens(name)

    result = publish(load_dist(dist_dir), options(emu, tmp_path), progress=expire_halfway)
    assert not result.failed
    for name in TENANTS:
        assert by_tenant(result)[name].token_requests == 2
        assert_matches_dist(emu, dist_dir, name)
    assert any(r.status == 401 for r in emu.requests)


def test_short_lived_tokens_are_refreshed(emu: Emulator, dist_dir: Path, tmp_path: Path) -> None:
    emu.set_faults("dev", token_ttl=0.2, latency_ms=15)
    result = publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",)))
    assert not result.failed and result.tenants[0].token_requests > 2
    assert_matches_dist(emu, dist_dir, "dev")


def test_a_missing_scope_skips_the_tenant_before_any_write_and_a_rerun_converges(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    scopes = tuple(s for s in ALL_SCOPES if s != "create:email_templates")
    config = EmulatorConfig((tenant("dev", scopes=scopes), tenant("prod"), tenant("staging")))
    saved = tmp_path / "state.json"
    with run_emulator(config) as emu:
        result = by_tenant(publish(load_dist(dist_dir), options(emu, tmp_path)))
        assert not result["dev"].ok and result["dev"].stage == "preflight"
        assert "lacks scope(s): create:email_templates" in str(result["dev"].reason)
        assert writes(emu, "dev") == []
        assert result["prod"].ok and result["staging"].ok
        emu.save_state(saved)
    # The scope is granted: the same state, re-published, converges.
    with run_emulator(EmulatorConfig(tuple(tenant(t) for t in TENANTS))) as emu:
        emu.load_state(saved)
        rerun = by_tenant(publish(load_dist(dist_dir), options(emu, tmp_path)))
        assert all(t.ok for t in rerun.values())
        assert len(writes(emu, "dev")) == resources("dev") - 2 and writes(emu, "prod") == []
        assert_matches_dist(emu, dist_dir, "dev")


@pytest.mark.parametrize("changes, reason", [
    ({"custom_domain": None}, "has no custom domain"),
    ({"custom_domain": "auth.elsewhere.example"}, "custom domain 'login.dev.alderandpine.example'"
                                                  " is not configured"),
    ({"plan": "free"}, "402 This feature is not available for your plan"),
], ids=["no-custom-domain", "other-custom-domain", "free-plan"])
def test_a_tenant_that_cannot_take_the_ul_template_gets_no_write_at_all(
    credentials: None, dist_dir: Path, tmp_path: Path, changes: dict[str, Any], reason: str
) -> None:
    config = EmulatorConfig((tenant("dev", **changes), tenant("prod"), tenant("staging")))
    with run_emulator(config) as emu:
        result = by_tenant(publish(load_dist(dist_dir), options(emu, tmp_path)))
        assert not result["dev"].ok and result["dev"].stage == "preflight"
        assert reason in str(result["dev"].reason)
        assert writes(emu, "dev") == []
        assert result["prod"].ok and result["staging"].ok
        # Without the login page, the rest of the tenant publishes.
        pages = publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",), only=parse_only(
            "password_reset,error_page,emails,branding,theme")))
        assert not pages.failed and len(writes(emu, "dev")) == 15


def test_missing_credentials_name_the_variable(
    emu: Emulator, dist_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTH0_PROD_CLIENT_SECRET")
    result = by_tenant(publish(load_dist(dist_dir), options(emu, tmp_path)))
    assert not result["prod"].ok
    assert "AUTH0_PROD_CLIENT_SECRET not set" in str(result["prod"].reason)
    assert result["dev"].ok
    env = tmp_path / "ci.env"
    env.write_text(f"AUTH0_PROD_CLIENT_SECRET={SECRETS['prod']}\n", encoding="utf-8")
    again = publish(load_dist(dist_dir), options(emu, tmp_path, env_files=(env,)))
    assert not again.failed and len(writes(emu, "prod")) == resources("prod") - 2


def test_email_writes_are_paced_within_their_bucket(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    limits = {"global": Bucket(50, 500.0), "email_read": Bucket(4, 40.0),
              "email_write": Bucket(3, 20.0)}
    config = EmulatorConfig((tenant("dev", rate_limits=True, limits=limits),))
    with run_emulator(config) as emu:
        paced = Limits({"email_read": Bucket(4, 40.0), "email_write": Bucket(3, 20.0)})
        result = publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",),
                                                      limits=paced))
        assert not result.failed
        assert [r for r in emu.requests if r.status == 429] == []
        assert len([w for w in writes(emu, "dev") if "email-templates" in w]) == 12


def test_unpaced_email_writes_honour_429s_and_converge(
    credentials: None, dist_dir: Path, tmp_path: Path
) -> None:
    limits = {"email_read": Bucket(20, 50.0), "email_write": Bucket(6, 20.0)}
    config = EmulatorConfig((tenant("dev", rate_limits=True, limits=limits),))
    with run_emulator(config) as emu:
        result = publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",)))
        assert not result.failed and result.tenants[0].rate_limited >= 1
        assert_matches_dist(emu, dist_dir, "dev")


# -- backups and rollback ------------------------------------------------------------------


ORIGINAL_EMAIL = {
    "body": "<p>Bonjour {{ user.name | escape }} — ünïcode</p>\r\n<a href=\"{{ url }}\">ok</a>\n",
    "from": "old@example.test", "subject": "Old subject", "syntax": "liquid", "enabled": True,
}


def seed_original(emu: Emulator, dist_dir: Path, name: str) -> None:
    """Give a tenant hand-made content for everything the brand manages."""
    client = sdk(emu, name)
    client.branding.templates.update_universal_login(request={
        "template": "<html><head>{%- auth0:head -%}</head>\r\n<body>{%- auth0:widget -%}"
                    "  é</body></html>"})
    client.tenants.settings.update(
        change_password={"enabled": False, "html": "<p>old\tpassword page</p>"},
        error_page={"html": "<p>old error</p>", "show_log_link": True, "url": ""})
    client.branding.update(colors={"primary": "#123456"}, logo_url="https://old.example/l.png")
    theme = load_dist(dist_dir).tenants[name].desired[THEME]
    theme = {**theme, "colors": {k: "#000000" for k in theme["colors"]}}
    client.branding.themes.create(**theme)
    for email in ("verify_email", "reset_email", "welcome_email", "blocked_account",
                  "stolen_credentials", "enrollment_email", "mfa_oob_code", "user_invitation",
                  "async_approval", "verify_email_by_code", "auth_email_by_code",
                  "reset_email_by_code"):
        client.email_templates.create(template=email, url_lifetime_in_seconds=100,
                                      **{("from_" if k == "from" else k): v
                                         for k, v in ORIGINAL_EMAIL.items()})


def test_rollback_restores_the_tenant_byte_for_byte(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    seed_original(emu, dist_dir, "dev")
    original = json.dumps(emu.dump_state()["tenants"]["dev"], sort_keys=True)
    published = publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",)))
    assert not published.failed and published.tenants[0].backup
    assert_matches_dist(emu, dist_dir, "dev")
    backup = Path(str(published.tenants[0].backup))
    assert len(list(backup.glob("*.json"))) == 1 + resources("dev")  # meta + one per earlier value
    emu.clear_requests()
    restored = rollback("dev", options(emu, tmp_path))
    assert not restored.failed and len(restored.tenants[0].written) == resources("dev")
    assert json.dumps(emu.dump_state()["tenants"]["dev"], sort_keys=True) == original
    emu.clear_requests()
    again = rollback("dev", options(emu, tmp_path))  # the latest *publish* backup again
    assert not again.failed and writes(emu, "dev") == []


def test_rollback_removes_what_publish_created(
    emu: Emulator, dist_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = emu.dump_state()["tenants"]["dev"]
    assert not publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",))).failed
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    stamp = sorted(p.name for p in (tmp_path / ".backups" / "dev").iterdir())[-1]
    result = run_cli("rollback", "--tenant", "dev", "--to", stamp[:15],
                     "--backups", str(tmp_path / ".backups"))
    assert result.exit_code == 0, result.output
    after = emu.dump_state()["tenants"]["dev"]
    assert after["universal_login_template"] is None and after["theme"] is None
    for key in ("tenant_settings", "branding"):
        assert after[key] == before[key]
    # Auth0 cannot delete email templates: they are disabled, which restores Auth0's defaults.
    assert all(not t["enabled"] for t in after["email_templates"].values())
    # The plan says so itself, its diff names the backup as the source, the summary counts it.
    backup = display_path(tmp_path / ".backups" / "dev" / stamp)
    assert "  disable   email-templates/verify_email" in result.output
    assert f"    +++ {backup}/email-templates/verify_email" in result.output
    assert "+++ dist/" not in result.output and "cannot delete" not in result.output
    header, row = next((lines[i], lines[i + 2]) for lines in [result.output.splitlines()]
                       for i, line in enumerate(lines) if line.split()[:2] == ["tenant", "status"])
    count = len(after["email_templates"])
    assert dict(zip(header.split(), row.split(), strict=False))["disable"] == str(count)
    unknown = run_cli("rollback", "--tenant", "dev", "--to", "1999",
                      "--backups", str(tmp_path / ".backups"))
    assert unknown.exit_code == 1 and "backup '1999' not found" in unknown.output


def test_an_unfinished_backup_is_continued_and_a_finished_run_closes_the_chain(
    tmp_path: Path
) -> None:
    root = tmp_path / ".backups"
    killed = BackupWriter(root, "dev", "publish", {})
    killed.save("a", "a0")
    killed.save("b", None)  # did not exist before the chain
    # `killed` never finishes: its run died. The next run keeps the oldest value of each.
    failed = BackupWriter(root, "dev", "publish", {})
    failed.save("b", "b1")
    failed.save("c", "c0")
    assert failed.inherited == Path(str(killed.path)).name and failed.saved == ["c"]
    succeeded = BackupWriter(root, "dev", "publish", {})
    succeeded.save("d", "d0")
    succeeded.finish()
    assert load_backup(root, "dev").entries == {"a": "a0", "b": None, "c": "c0", "d": "d0"}
    after = BackupWriter(root, "dev", "publish", {})  # a new chain
    after.save("a", "a9")
    assert after.inherited is None
    assert load_backup(root, "dev").entries == {"a": "a9"}
    # A rollback never continues a publish chain.
    BackupWriter(root, "dev", "publish", {}).save("e", "e0")
    restoring = BackupWriter(root, "dev", "rollback", {})
    restoring.save("a", "a1")
    assert restoring.inherited is None
    assert [p.name for p in root.joinpath("dev").iterdir() if p.name.startswith(".")] == []


def test_a_run_with_nothing_to_write_closes_the_chain_it_found(tmp_path: Path) -> None:
    root = tmp_path / ".backups"
    killed = BackupWriter(root, "dev", "publish", {})
    killed.save("a", "a0")
    BackupWriter(root, "dev", "publish", {}).finish()  # found everything already written
    fresh = BackupWriter(root, "dev", "publish", {})
    fresh.save("b", "b0")
    assert fresh.inherited is None
    assert load_backup(root, "dev").entries == {"b": "b0"}
    assert load_backup(root, "dev", Path(str(killed.path)).name).entries == {"a": "a0"}


def _cli_process(emu: Emulator, cwd: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start `python build.py ARGS` for dev as a real process, talking to `emu`."""
    env = {**os.environ, "AUTH0_BRANDING_API_BASE": f"{emu.url}/{{tenant}}",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), *args, "--tenant", "dev", "--no-pacing",
         "--backups", str(cwd / ".backups")],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _publish_process(emu: Emulator, dist_dir: Path, cwd: Path) -> subprocess.Popen[bytes]:
    return _cli_process(emu, cwd, "publish", "--dist", str(dist_dir))


def _kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    """SIGKILL `process` as soon as `ready()` holds (bounded: 30 s)."""
    deadline = time.monotonic() + 30
    try:
        while not ready():
            assert process.poll() is None, "the publish finished before the kill"
            assert time.monotonic() < deadline, "the moment to kill never came"
            time.sleep(0.002)
    finally:
        process.kill()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def test_killed_publishes_converge_and_rollback_restores_the_state_before_the_first(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    seed_original(emu, dist_dir, "dev")
    original = json.dumps(emu.dump_state()["tenants"]["dev"], sort_keys=True)
    before = remote(emu, "dev")
    emu.set_faults("dev", latency_ms=30)  # a run lasts long enough to be cut at a chosen call
    emu.clear_requests()

    def api(method: str | None) -> int:
        return sum(1 for r in emu.requests if r.tenant == "dev" and r.status
                   and r.path.startswith("/api/v2/") and (r.method != "GET") == (method != "GET"))

    moments = [
        lambda: api("write") >= 2,  # two writes in: the login template and the settings
        lambda: api("GET") >= 4,  # still reading: nothing written by this run
        lambda: api("write") >= 7,  # in the middle of the emails
    ]
    for moment in moments:
        _kill_when(_publish_process(emu, dist_dir, tmp_path), moment)
        assert_whole(emu, dist_dir, "dev", before)
        emu.clear_requests()
    assert remote(emu, "dev") != before  # the kills left the tenant half published
    emu.set_faults("dev", latency_ms=0)
    finished = _publish_process(emu, dist_dir, tmp_path)
    _, errors = finished.communicate(timeout=60)
    assert finished.returncode == 0, errors
    assert_matches_dist(emu, dist_dir, "dev")
    emu.clear_requests()
    again = publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",)))
    assert not again.failed and not again.drifted and writes(emu, "dev") == []
    # A rollback killed half way, then run again, still lands on the original exactly.
    emu.set_faults("dev", latency_ms=30)
    _kill_when(_cli_process(emu, tmp_path, "rollback"), lambda: api("write") >= 3)
    emu.set_faults("dev", latency_ms=0)
    assert json.dumps(emu.dump_state()["tenants"]["dev"], sort_keys=True) != original
    restored = rollback("dev", options(emu, tmp_path))
    assert not restored.failed
    assert json.dumps(emu.dump_state()["tenants"]["dev"], sort_keys=True) == original


def test_printed_names_and_values_cannot_forge_lines_or_drive_the_terminal(
    emu: Emulator, dist_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    crafted = tmp_path / "crafted"
    shutil.copytree(dist_dir, crafted)
    manifest = json.loads((crafted / "manifest.json").read_text(encoding="utf-8"))
    forged = "prod\nERROR forged\x1b[2J"
    manifest["tenants"][forged] = manifest["tenants"].pop("prod")
    for output in manifest["outputs"]:
        if output["tenant"] == "prod":
            output["tenant"] = forged
    (crafted / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", "--dist", str(crafted), "--no-pacing"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ERROR tenant 'prod\\nERROR forged\\x1b[2J' or its domain 'alderandpine.eu.auth0.com' "
        "cannot be part of a URL (spaces or control characters) (tenant names are letters, "
        "digits, '-' and '_'; fix brand/tenants.toml)"]
    assert "prod\\nERROR forged\\x1b[2J" in result.stdout
    assert "\x1b" not in result.stdout and "\nERROR" not in result.stdout
    # A remote value with a control character is shown escaped in a diff.
    assert not publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",))).failed
    emu.state("dev").email_templates["welcome_email"]["body"] = "<p>\x1b[2J\x07gone</p>"
    shown = run_cli("diff", "--dist", str(dist_dir), "--tenant", "dev", "--only", "emails",
                    "--full")
    assert shown.exit_code == 0
    assert "-<p>\\x1b[2J\\x07gone</p>" in shown.stdout and "\x1b" not in shown.stdout


STAMP = "20260101T120000.000001Z"


def _backup(meta: str | None = '{"reason": "publish", "tenant": "dev"}',
            entry: str | None = None, mode: int | None = None) -> Callable[[Path], None]:
    """Lay out `.backups/dev/STAMP/` beside the brand, as a hostile case's starting point."""

    def mutate(brand: Path) -> None:
        folder = brand.parent / ".backups" / "dev" / STAMP
        folder.mkdir(parents=True)
        if meta is not None:
            (folder / "meta.json").write_text(meta, encoding="utf-8")
        if entry is not None:
            (folder / "branding.json").write_text(entry, encoding="utf-8")
        if mode is not None:
            folder.parent.chmod(mode)

    return mutate


ROLLBACK_CASES = [
    case("forged-tenant-name", lambda brand: None,
         ".backups: tenant name 'dev\\nERROR forged\\x1b[2J' cannot name a backup folder "
         "(tenant names are single path segments, e.g. 'prod')",
         args=("rollback", "--tenant", "dev\nERROR forged\x1b[2J")),
    case("tenant-name-leaving-the-folder", lambda brand: None,
         ".backups: tenant name '../brand' cannot name a backup folder "
         "(tenant names are single path segments, e.g. 'prod')",
         args=("rollback", "--tenant", "../brand")),
    case("no-backups", lambda brand: None,
         ".backups/dev: no backups for tenant 'dev' "
         "(backups are written by `publish` when it overwrites something)",
         args=("rollback", "--tenant", "dev")),
    case("forged-timestamp", _backup(),
         f".backups/dev: backup '2\\x1b[2J\\nERROR x' not found for tenant 'dev' "
         f"(choose one of: {STAMP})",
         args=("rollback", "--tenant", "dev", "--to", "2\x1b[2J\nERROR x")),
    case("metadata-not-json", _backup(meta="{not json"),
         f".backups/dev/{STAMP}/meta.json: unreadable backup metadata "
         "(the backup folder is damaged; choose another with --to)",
         args=("rollback", "--tenant", "dev")),
    case("metadata-not-an-object", _backup(meta="[1, 2]"),
         f".backups/dev/{STAMP}/meta.json: unreadable backup metadata "
         "(the backup folder is damaged; choose another with --to)",
         args=("rollback", "--tenant", "dev")),
    case("entry-cut-short", _backup(entry='{"resource": "branding", "existed": tr'),
         f".backups/dev/{STAMP}/branding.json: unreadable backup file "
         "(the backup folder is damaged; choose another with --to)",
         args=("rollback", "--tenant", "dev")),
    case("entry-without-its-value", _backup(entry='{"resource": "branding", "existed": true}'),
         f".backups/dev/{STAMP}/branding.json: unreadable backup file "
         "(the backup folder is damaged; choose another with --to)",
         args=("rollback", "--tenant", "dev")),
    case("unreadable-backups-folder", _backup(mode=0o000),
         ".backups/dev: cannot read the backups folder: Permission denied (check its permissions)",
         args=("rollback", "--tenant", "dev"), drop_file_overrides=True),
]


@pytest.mark.parametrize("hostile", ROLLBACK_CASES, ids=[c.id for c in ROLLBACK_CASES])
def test_bad_backups_and_names_get_one_line_and_touch_nothing(
    hostile: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        assert_refused(hostile, tmp_path)
    finally:  # let pytest clean up what the case locked
        for folder in tmp_path.rglob("*"):
            if folder.is_dir():
                folder.chmod(0o755)


def test_a_report_that_cannot_be_written_is_one_more_line_after_the_work(
    emu: Emulator, dist_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    Path("blocker").write_text("a file where the report's folder should be", encoding="utf-8")
    result = run_cli("publish", "--dist", str(dist_dir), "--tenant", "dev",
                     "--report", "blocker/report.json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "ERROR blocker/report.json: cannot write the report: File exists "
        "(choose a writable --report path)"]
    assert_matches_dist(emu, dist_dir, "dev")


def test_ctrl_c_stops_each_tenant_before_its_next_write_with_one_line(
    emu: Emulator, dist_dir: Path, tmp_path: Path
) -> None:
    emu.set_faults("dev", latency_ms=50)
    process = _publish_process(emu, dist_dir, tmp_path)
    deadline = time.monotonic() + 30
    while emu.count_writes("dev", status=200) + emu.count_writes("dev", status=201) < 2:
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.002)
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=30)
    lines = errors.decode().splitlines()
    assert process.returncode == 1, errors
    assert len(lines) == 1 and lines[0].startswith("ERROR dev: interrupted before "), lines
    assert lines[0].endswith("(re-run to finish (publish converges; rollback still restores the "
                             "tenant as it was before))")
    assert 2 <= emu.count_writes("dev") < 16  # stopped part way, between two writes
    emu.set_faults("dev", latency_ms=0)
    rerun = publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("dev",)))
    assert not rerun.failed
    assert_matches_dist(emu, dist_dir, "dev")


def test_ctrl_c_cuts_a_long_429_wait_short(emu: Emulator, dist_dir: Path, tmp_path: Path) -> None:
    emu.set_faults("dev", storm_requests=1000, storm_reset=120, storm_retry_after=True)
    process = _publish_process(emu, dist_dir, tmp_path)
    deadline = time.monotonic() + 30
    while not any(r.status == 429 for r in emu.requests):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    time.sleep(0.2)  # now inside the 60 s wait the answer asked for
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=20)
    assert time.monotonic() - started < 10  # not 60 s later
    assert process.returncode == 1
    assert errors.decode().splitlines() == [
        "ERROR dev: interrupted before read custom-domains (re-run to finish (publish converges; "
        "rollback still restores the tenant as it was before))"]
    assert sum(r.status == 429 for r in emu.requests) == 1 and emu.count_writes("dev") == 0


# -- secrets -------------------------------------------------------------------------------


def test_no_secret_reaches_output_logs_reports_or_backups(
    emu: Emulator, dist_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("AUTH0_BRANDING_API_BASE", f"{emu.url}/{{tenant}}")
    wrong = "sk-wrong-Zt8Kq3Lm5Np7Rx9V"
    monkeypatch.setenv("AUTH0_PROD_CLIENT_SECRET", wrong)  # a failure that involves a secret
    # Staging breaks after a few writes: its backup stays unfinished, and the next publish
    # continues it, so the scan below covers copied (inherited) backup files too.
    def break_staging(name: str, phase: str, done: int, total: int) -> None:
        if name == "staging" and phase == "write" and done >= 4:
            emu.set_faults("staging", error_rate=1.0)

    partial = publish(load_dist(dist_dir), options(emu, tmp_path, tenants=("staging",),
                                                   backups_dir=Path(".backups")),
                      progress=break_staging)
    assert by_tenant(partial)["staging"].stage == "write"
    emu.set_faults("staging", error_rate=0.1, seed=2)
    runs = [run_cli("--debug", "publish", "--dist", str(dist_dir), "--report", "report.json"),
            run_cli("diff", "--dist", str(dist_dir), "--report", "diff.json")]
    emu.state("dev").email_templates["verify_email"]["subject"] = "dashboard edit"
    runs.append(run_cli("drift", "--dist", str(dist_dir)))
    runs.append(run_cli("rollback", "--tenant", "dev"))
    assert runs[0].exit_code == 1 and "credentials rejected" in runs[0].output
    texts = [r.output for r in runs] + [caplog.text]
    texts += [p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.json")]
    metas = [json.loads(p.read_text()) for p in tmp_path.glob(".backups/staging/*/meta.json")]
    assert any(m["continues"] for m in metas)
    issued = list(getattr(getattr(emu, "_tokens", None), "_tokens", {}))
    assert len(issued) >= 3  # the scan below covers real tokens, not an empty list
    for secret in [*SECRETS.values(), wrong, *issued]:
        for text in texts:
            assert secret not in text


# -- pure parts ----------------------------------------------------------------------------


def test_plan_compares_only_the_fields_dist_sets() -> None:
    desired = {BRANDING: {"colors": {"primary": "#111111"}, "logo_url": "https://a/l.png"},
               "email-templates/x": {"body": "b", "urlLifetimeInSeconds": 432000},
               UL_TEMPLATE: "<html>"}
    remote = {BRANDING: {"colors": {"primary": "#111111", "extra": 1},
                         "logo_url": "https://a/l.png", "identifiers": {}},
              "email-templates/x": {"body": "b", "urlLifetimeInSeconds": 432000.0, "x": 1}}
    changes = plan("t", desired, remote)
    assert [(c.resource, c.action) for c in changes] == [
        (UL_TEMPLATE, "create"), (BRANDING, "unchanged"), ("email-templates/x", "unchanged")]
    assert plan("t", {BRANDING: {"a": 1}}, {BRANDING: {"a": 1, "b": 2}}, exact=True)[0].action \
        == "update"
    assert plan("t", {UL_TEMPLATE: None}, {UL_TEMPLATE: "x"})[0].action == "delete"
    assert diff_lines(changes[0])[:3] == [
        f"--- remote/t/{UL_TEMPLATE}", f"+++ dist/t/{UL_TEMPLATE}", "@@ -0,0 +1 @@"]


def test_shards_partition_the_tenants() -> None:
    names = [f"t{i:02}" for i in range(10)]
    shards = [select_tenants(names, shard=(i, 3)) for i in (1, 2, 3)]
    assert sorted(sum(shards, [])) == names and [len(s) for s in shards] == [4, 3, 3]
    assert parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "x", "1-2"):
        with pytest.raises(ValueError):
            parse_shard(bad)
    with pytest.raises(PublishError, match="did you mean 't01'"):
        select_tenants(names, ["t1"])


def test_pacer_spaces_calls_by_the_bucket_rate() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(Limits({"global": Bucket(2, 2.0)}, margin=0.0, slack=0.0),
                  clock=lambda: now[0], sleep=sleep)
    times = []
    for _ in range(6):
        pacer.acquire(["global"])
        times.append(now[0])
    assert times == pytest.approx([0, 0, 0.5, 1.0, 1.5, 2.0])
    pacer.hold(["global"], 3.0, limit=2)  # a 429 from this bucket: one token exactly at reset
    pacer.acquire(["global"])
    assert now[0] == pytest.approx(5.0)


def test_pacing_levels_carry_over_to_the_next_run_refilled(tmp_path: Path) -> None:
    limits = Limits({"email_write": Bucket(5, 0.5), "global": Bucket(2, 2.0)})
    record = tmp_path / ".pacing" / "dev.json"
    now = [0.0]
    pacer = Pacer(limits, clock=lambda: now[0])
    for _ in range(4):
        pacer.acquire(["email_write"])
    save_levels(record, pacer, now=1000.0)
    # Two seconds later one token came back (5 - 4 + 2 x 0.5); global was never drawn on.
    assert load_levels(record, limits, now=1002.0) == pytest.approx(
        {"email_write": 2.0, "global": 2.0})
    assert load_levels(record, limits, now=2000.0) == {"email_write": 5.0, "global": 2.0}
    for garbage in ("", "[]", '{"wall": "x", "levels": {}}', '{"levels": {"global": 1}}'):
        record.write_text(garbage, encoding="utf-8")
        assert load_levels(record, limits, now=1000.0) == {}  # not ours: start from full
    assert load_levels(tmp_path / "missing.json", limits) == {}


def test_rate_wait_honours_the_reset_header_within_bounds() -> None:
    policy = RetryPolicy(min_rate_wait=0.0, max_rate_wait=60.0, seed=1)
    assert policy.rate_wait({"X-RateLimit-Reset": "1003"}, now=1000.0) == pytest.approx(3, abs=0.01)
    assert policy.rate_wait({"x-ratelimit-reset": "99999"}, now=1000.0) == 60.0
    assert policy.rate_wait({"Retry-After": "2"}, now=0) == pytest.approx(2, abs=0.01)
    # A reset already past (clocks that disagree) or no header: back off, growing per 429.
    waits = [policy.rate_wait({"X-RateLimit-Reset": "990"}, now=1000.0, retry=n) for n in range(5)]
    assert waits == sorted(waits) and waits[0] >= 0.25 and waits[-1] >= 4.0
    assert policy.rate_wait({}, retry=3) >= 2.0


def test_plain_http_is_only_for_loopback() -> None:
    spec = {"domain": "x.eu.auth0.com", "client_id_env": "A", "client_secret_env": "B"}
    assert target_for("t", spec).token_url == "https://x.eu.auth0.com/oauth/token"
    local = target_for("t", spec, "http://127.0.0.1:9/{tenant}")
    assert local.api_url == "http://127.0.0.1:9/t/api/v2"
    assert local.audience == "https://x.eu.auth0.com/api/v2/"
    with pytest.raises(PublishError, match="plain http to a non-loopback host"):
        target_for("t", spec, "http://proxy.example/{tenant}")


def test_the_publisher_paces_only_the_plan_figures_auth0_agrees_on() -> None:
    # The emulator enforces every bucket of a plan; the publisher leaves the
    # disputed self-service global rate to 429s and paces everything else.
    for plan_name, buckets in PLAN_BUCKETS.items():
        emulated = EmulatedTenant("t", plan=plan_name).bucket_limits()
        paced = PLAN_LIMITS[plan_name].buckets
        assert emulated == buckets
        assert paced == {name: b for name, b in buckets.items() if b.verified}
    assert "global" not in PLAN_LIMITS["essentials"].buckets
    assert PLAN_LIMITS["free"].buckets["global"] == Bucket(2, 2.0)
    # Without a plan, the buckets every plan shares: the email ones, and the partials one
    # (5 burst, 5 a minute on all plans), so a run that publishes partials meets no 429.
    assert set(Limits().buckets) == {"email_read", "email_write", "partials"}
    assert UNPACED.buckets == {}


def test_one_call_retries_transient_failures_a_bounded_number_of_times() -> None:
    policy = RetryPolicy(attempts=3, base_delay=1.0, max_delay=8.0, seed=7)
    attempts = Attempts(policy, RateBudget(10.0))
    first, second = attempts.after_failure(), attempts.after_failure()
    assert first is not None and 0.5 <= first <= 1.0  # half fixed, half jitter
    assert second is not None and 1.0 <= second <= 2.0
    assert attempts.after_failure() is None  # the third try was the last


def test_429_waits_come_out_of_one_budget_shared_by_every_call() -> None:
    policy = RetryPolicy(min_rate_wait=0.0, seed=1)
    budget = RateBudget(5.0)
    token_fetch, api_call = Attempts(policy, budget), Attempts(policy, budget)
    assert token_fetch.after_rate_limit({"Retry-After": "3"}) == pytest.approx(3, abs=0.01)
    # 3 s are spent: another call's 3 s wait no longer fits, however few 429s it has had.
    assert api_call.after_rate_limit({"Retry-After": "3"}) is None
    assert api_call.after_rate_limit({"Retry-After": "1"}) == pytest.approx(1, abs=0.01)
