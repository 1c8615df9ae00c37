"""`emulator --brand`: tenants seeded from tenants.toml, credentials the publisher reads, HTTPS."""

from __future__ import annotations

import json
import os
import shutil
import signal
import ssl
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from auth0_branding.brand.config import load_config
from auth0_branding.build.builder import build
from auth0_branding.cli import cli
from auth0_branding.dist.writer import write_dist
from auth0_branding.emulator.seed import config_from_brand, render_env, write_env
from auth0_branding.emulator.server import run_emulator
from auth0_branding.errors import BrandError, ConfigError

ROOT = Path(__file__).resolve().parents[1]
BRAND = ROOT / "brand"


def _brand_copy(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    if replace:
        tenants = brand / "tenants.toml"
        tenants.write_text(tenants.read_text(encoding="utf-8").replace(*replace), encoding="utf-8")
    return brand


def test_every_tenant_of_the_brand_is_seeded_with_its_domains_plan_and_organizations() -> None:
    tenants = load_config(BRAND).tenants
    config = config_from_brand(tenants)
    assert [t.name for t in config.tenants] == ["dev", "staging", "prod"]
    for seeded, declared in zip(config.tenants, tenants, strict=True):
        assert (seeded.domain, seeded.custom_domain) == (declared.domain, declared.custom_domain)
        assert seeded.plan == "professional"  # tenants.toml names none: a paid plan
        assert len(seeded.client_secret) >= 48 and seeded.client_id != f"{seeded.name}-client-id"
    assert config.tenant("prod").organizations == ("ridgeline-guides",)
    again = config_from_brand(tenants)
    assert again.tenant("dev").client_secret != config.tenant("dev").client_secret


def test_a_plan_in_tenants_toml_is_the_seeded_tenants_plan(tmp_path: Path) -> None:
    brand = _brand_copy(tmp_path, ('[tenants.staging]\n', '[tenants.staging]\nplan = "free"\n'))
    config = config_from_brand(load_config(brand).tenants)
    assert (config.tenant("staging").plan, config.tenant("dev").plan) == ("free", "professional")


def test_an_unknown_plan_is_one_line_with_the_choices(tmp_path: Path) -> None:
    brand = _brand_copy(tmp_path, ('[tenants.staging]\n', '[tenants.staging]\nplan = "gold"\n'))
    with pytest.raises(ConfigError) as caught:
        load_config(brand)
    assert str(caught.value) == (
        f"{brand / 'tenants.toml'}:23: invalid value 'gold' for 'tenants.staging.plan' "
        "(use one of: free, essentials, professional, enterprise)")


def test_the_env_file_holds_the_api_base_and_every_tenants_credentials(tmp_path: Path) -> None:
    tenants = load_config(BRAND).tenants
    with run_emulator(config_from_brand(tenants), https=True) as emu:
        env = tmp_path / ".env"
        write_env(env, render_env(emu, tenants, tmp_path / "ca.pem"))
        text = env.read_text(encoding="utf-8")
        assert f"AUTH0_BRANDING_API_BASE='{emu.url}/{{tenant}}'" in text.splitlines()
        for tenant in tenants:
            config = emu.tenant_config(tenant.name)
            assert f"{tenant.client_id_env}='{config.client_id}'" in text.splitlines()
            assert f"{tenant.client_secret_env}='{config.client_secret}'" in text.splitlines()
            assert f"domain {emu.https_domain(tenant.name)}" in text
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    write_env(env, "# Written by the auth0-branding emulator, again\n")  # its own: replaced
    assert env.read_text(encoding="utf-8").endswith("again\n")


def test_an_env_file_the_emulator_did_not_write_is_never_replaced(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("AUTH0_DEV_CLIENT_SECRET=real-one\n", encoding="utf-8")
    with pytest.raises(BrandError) as caught:
        write_env(env, "# Written by the auth0-branding emulator\n")
    assert str(caught.value) == (
        f"{env}: exists and was not written by the emulator: it may hold real credentials "
        "(give --env-file another path (e.g. .env.emulator) and pass the same --env-file to "
        "publish)")
    assert env.read_text(encoding="utf-8") == "AUTH0_DEV_CLIENT_SECRET=real-one\n"


def test_publish_finds_the_emulator_through_the_env_file_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTH0_BRANDING_API_BASE", raising=False)
    tenants = load_config(BRAND).tenants
    write_dist(build(BRAND), tmp_path / "dist")
    with run_emulator(config_from_brand(tenants)) as emu:
        write_env(tmp_path / ".env", render_env(emu, tenants, None))
        result = CliRunner().invoke(cli, ["publish", "--tenant", "dev", "--only", "branding",
                                          "--no-pacing"])
        assert result.exit_code == 0, result.output
        stored = emu.state("dev").branding
    branding = json.loads((tmp_path / "dist" / "dev" / "branding.json").read_text())
    assert stored == branding


# -- the command, as a process -------------------------------------------------------------


def _start(cwd: Path, *options: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "emulator", *options],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)


def _wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"no {path}: {process.communicate(timeout=5)}")
        time.sleep(0.05)


def test_the_command_seeds_serves_https_and_saves_its_state(tmp_path: Path) -> None:
    _brand_copy(tmp_path)
    process = _start(tmp_path, "--brand", "brand")
    try:
        _wait_for(tmp_path / ".env", process)
        from dotenv import dotenv_values

        values = dotenv_values(tmp_path / ".env")
        line = next(x for x in (tmp_path / ".env").read_text().splitlines()
                    if x.startswith("# Auth0's SDKs") and "domain" in x)
        domain = line.split("domain ")[1].split(",")[0]
        context = ssl.create_default_context(cafile=str(tmp_path / ".emulator" / "ca.pem"))
        with httpx.Client(verify=context, timeout=10) as https:
            token = https.post(f"https://{domain}/oauth/token", json={
                "grant_type": "client_credentials", "audience": f"https://{domain}/api/v2/",
                "client_id": values["AUTH0_DEV_CLIENT_ID"],
                "client_secret": values["AUTH0_DEV_CLIENT_SECRET"]}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            domains = https.get(f"https://{domain}/api/v2/custom-domains", headers=headers).json()
            assert [d["domain"] for d in domains] == ["login.dev.alderandpine.example"]
            https.patch(f"https://{domain}/api/v2/branding", headers=headers,
                        json={"logo_url": "https://cdn.example.test/saved.png"})
        with pytest.raises(httpx.ConnectError):  # the CA is needed: no default trust
            httpx.get(f"https://{domain}/api/v2/branding", timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        output, errors = process.communicate(timeout=15)
    assert process.returncode == 0, errors
    assert "Credentials and API base written to .env: publish reads it" in output
    saved = json.loads((tmp_path / ".emulator" / "state.json").read_text())
    assert saved["tenants"]["dev"]["branding"] == {"logo_url": "https://cdn.example.test/saved.png"}


def test_the_command_refuses_a_foreign_env_file_in_one_line(tmp_path: Path) -> None:
    _brand_copy(tmp_path)
    (tmp_path / ".env").write_text("AUTH0_DEV_CLIENT_ID=real\n", encoding="utf-8")
    process = _start(tmp_path, "--brand", "brand", "--no-https")
    output, errors = process.communicate(timeout=20)
    assert process.returncode == 1
    assert errors.splitlines() == [
        "ERROR .env: exists and was not written by the emulator: it may hold real credentials "
        "(give --env-file another path (e.g. .env.emulator) and pass the same --env-file to "
        "publish)"]


@pytest.mark.parametrize(("options", "message"), [
    (["--brand", "brand", "--config", "emu.json"], "give --brand or --config, not both"),
    (["--env-file", "x.env"], "--env-file goes with --brand (the credentials of its tenants)"),
])
def test_the_command_refuses_bad_usage(tmp_path: Path, options: list[str], message: str) -> None:
    (tmp_path / "emu.json").write_text('{"tenants": [{"name": "dev"}]}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "emulator", *options], cwd=tmp_path,
        capture_output=True, text=True, timeout=30,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"ERROR {message} (see `auth0-branding emulator --help`)"]


def test_a_newcomer_publishes_the_reference_brand_with_no_config(tmp_path: Path) -> None:
    # The quick start of docs/publishing.md, as processes: emulator in the background,
    # then build, publish and drift, with nothing configured but what the emulator wrote.
    _brand_copy(tmp_path)
    emulator = _start(tmp_path, "--brand", "brand")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("AUTH0_BRANDING_API_BASE", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300, check=False)

    try:
        _wait_for(tmp_path / ".env", emulator)
        assert run("build").returncode == 0
        published = run("publish", "--tenant", "dev")
        assert published.returncode == 0, published.stderr
        drift = run("drift", "--tenant", "dev")
        assert drift.returncode == 0, drift.stderr
    finally:
        emulator.send_signal(signal.SIGTERM)
        emulator.communicate(timeout=15)
    saved = json.loads((tmp_path / ".emulator" / "state.json").read_text())["tenants"]["dev"]
    assert saved["universal_login_template"] == (tmp_path / "dist/dev/pages/login.html").read_text()
    assert len(saved["email_templates"]) == len(list((tmp_path / "dist/dev/emails").glob("*.json")))
