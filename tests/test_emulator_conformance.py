"""Auth0's own clients, unmodified, against the emulator over HTTPS.

node-auth0 (npm `auth0`) runs `tests/node/clients/conformance.mjs`: every endpoint the
publisher uses, each checked for its status, its body's shape and its error's shape.
auth0-deploy-cli exports a tenant we published, which must equal dist/ byte for byte, and
imports edits, which our `drift` must name exactly. The clients are pinned in
tests/node/clients/package.json; `.ci/run` installs them with `npm ci`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from auth0_branding.brand.config import load_config
from auth0_branding.build.builder import build
from auth0_branding.cli import cli
from auth0_branding.dist.reader import load_dist
from auth0_branding.dist.writer import write_dist
from auth0_branding.emulator.seed import config_from_brand, render_env, write_env
from auth0_branding.emulator.server import Emulator, run_emulator
from auth0_branding.emulator.state import EmulatedTenant, EmulatorConfig
from auth0_branding.publish.engine import Options, publish
from auth0_branding.publish.pacing import UNPACED

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = ROOT / "tests" / "node" / "clients"
BRAND = ROOT / "brand"
DEPLOY_CLI = CLIENTS / "node_modules" / "auth0-deploy-cli" / "lib" / "index.js"
CHECKS = ("tokens", "email_templates", "branding", "universal_login_template",
          "tenant_settings", "custom_domains", "themes", "global_client", "prompts",
          "custom_text", "partials", "phone_templates", "organizations")
# What deploy-cli manages of ours; it knows no prompt partials, phone messages or custom text.
DEPLOY_CLI_TYPES = ["pages", "emailTemplates", "branding", "themes"]


# node-auth0 7.1 and deploy-cli 8.44 declare node ^20.19 (their package.json "engines").
NODE_AT_LEAST = (20, 19)


def _node_version() -> tuple[int, ...]:
    found = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30,
                           check=False).stdout.strip().lstrip("v")
    return tuple(int(part) for part in found.split(".") if part.isdigit())


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (.ci/run installs Debian's nodejs and npm)"
    if _node_version()[:2] < NODE_AT_LEAST:
        return (f"node {'.'.join(map(str, _node_version()))} is older than 20.19, which "
                "node-auth0 7.1 and deploy-cli 8.44 need")
    for package in ("auth0", "auth0-deploy-cli"):
        if not (CLIENTS / "node_modules" / package / "package.json").is_file():
            return (f"npm package {package} is not installed: run `npm ci` in "
                    "tests/node/clients (.ci/run does)")
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


def _node(args: list[str], ca: Path, cwd: Path = CLIENTS, timeout: float = 180
          ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(ca), "NO_COLOR": "1", "FORCE_COLOR": "0"}
    return subprocess.run(["node", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


# -- node-auth0 ---------------------------------------------------------------------------


def test_node_auth0_unmodified_over_https(tmp_path: Path) -> None:
    config = EmulatorConfig((
        EmulatedTenant("dev", custom_domain="login.dev.example.test", rate_limits=False,
                       organizations=("acme",)),
        EmulatedTenant("free", plan="free", rate_limits=False),
    ))
    with run_emulator(config, https=True) as emu:
        ca = emu.write_ca(tmp_path / "ca.pem")
        tenants = {name: {"domain": emu.https_domain(name),
                          "client_id": emu.tenant_config(name).client_id,
                          "client_secret": emu.tenant_config(name).client_secret,
                          "custom_domain": emu.tenant_config(name).custom_domain}
                   for name in ("dev", "free")}
        run = _node(["conformance.mjs", json.dumps(tenants)], ca)
        assert all(r.tenant in ("dev", "free") for r in emu.requests)
        assert {r.path for r in emu.requests} >= {"/oauth/token", "/api/v2/branding"}
    results = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert tuple(r["check"] for r in results) == CHECKS, run.stderr
    failed = {r["check"]: r["detail"] for r in results if not r["ok"]}
    assert failed == {}, "\n\n".join(f"{k}: {v}" for k, v in failed.items())
    assert run.returncode == 0


def test_node_auth0_refuses_an_untrusted_emulator(tmp_path: Path) -> None:
    # Without the CA, TLS fails: the suite above passes because it trusts the CA, not by luck.
    config = EmulatorConfig((EmulatedTenant("dev", rate_limits=False),))
    with run_emulator(config, https=True) as emu:
        tenants = {name: {"domain": emu.https_domain("dev"), "client_id": "x",
                          "client_secret": "y", "custom_domain": None} for name in ("dev", "free")}
        run = _node(["conformance.mjs", json.dumps(tenants)], tmp_path / "absent.pem")
        assert [r for r in emu.requests if r.path == "/oauth/token"] == []
    results = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert not results[0]["ok"] and run.returncode == 1


# -- auth0-deploy-cli ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Emulator, Path, Path]]:
    """The reference brand, built and published to an HTTPS emulator seeded from it."""
    work = tmp_path_factory.mktemp("deploy-cli")
    dist_dir = work / "dist"
    write_dist(build(BRAND), dist_dir)
    tenants = load_config(BRAND).tenants
    seeded = config_from_brand(tenants)
    # Rate limits are Auth0's, tested through auth0-python; here they would only cost time.
    config = dataclasses.replace(seeded, tenants=tuple(
        dataclasses.replace(t, rate_limits=False) for t in seeded.tenants))
    with run_emulator(config, https=True) as emu:
        ca = emu.write_ca(work / "ca.pem")
        write_env(work / ".env", render_env(emu, tenants, ca))
        result = publish(load_dist(dist_dir), Options(
            api_base=f"{emu.url}/{{tenant}}", env_files=(work / ".env",), limits=UNPACED,
            backups_dir=work / ".backups", tenants=("dev",)))
        assert not result.failed
        yield emu, dist_dir, work


def _deploy_cli(emu: Emulator, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    tenant = emu.tenant_config("dev")
    config = work / "deploy-cli.json"
    config.write_text(json.dumps({
        "AUTH0_DOMAIN": emu.https_domain("dev"), "AUTH0_CLIENT_ID": tenant.client_id,
        "AUTH0_CLIENT_SECRET": tenant.client_secret, "AUTH0_INCLUDED_ONLY": DEPLOY_CLI_TYPES,
        "AUTH0_ALLOW_DELETE": False}))
    run = _node([str(DEPLOY_CLI), *args, "-c", str(config)], work / "ca.pem", cwd=work)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run


def _export(emu: Emulator, work: Path, name: str) -> Path:
    out = work / name
    shutil.rmtree(out, ignore_errors=True)
    _deploy_cli(emu, work, "export", "-f", "directory", "-o", str(out))
    return out


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_deploy_cli_export_equals_dist_byte_for_byte(published: tuple[Emulator, Path, Path]
                                                      ) -> None:
    emu, dist_dir, work = published
    exported, ours = _export(emu, work, "export"), dist_dir / "dev"
    pages = {"pages/error_page.html": "pages/error_page.html",
             "pages/password_reset.html": "pages/password_reset.html",
             "branding/templates/universal_login.html": "pages/login.html"}
    for theirs, mine in pages.items():
        assert (exported / theirs).read_bytes() == (ours / mine).read_bytes(), theirs
    emails = sorted(p.stem for p in (ours / "emails").glob("*.html"))
    exported_emails = sorted(p.stem for p in (exported / "emails").glob("*.html"))
    # deploy-cli's list of template names lacks auth_email_by_code (its lib/tools/constants.js).
    assert exported_emails == [e for e in emails if e != "auth_email_by_code"]
    for name in exported_emails:
        assert (exported / "emails" / f"{name}.html").read_bytes() == \
            (ours / "emails" / f"{name}.html").read_bytes(), name
        settings = _json(exported / "emails" / f"{name}.json")
        assert settings.pop("body") == f"./{name}.html"
        assert settings == {k: v for k, v in _json(ours / "emails" / f"{name}.json").items()
                            if k != "body"}, name
    assert _json(exported / "branding" / "branding.json") == _json(ours / "branding.json")
    theme = _json(exported / "themes" / "theme.json")
    assert theme.pop("displayName") == ""  # we send none; the API's schema requires one
    assert theme == _json(ours / "theme.json")


def test_deploy_cli_import_of_edits_is_named_exactly_by_drift(
        published: tuple[Emulator, Path, Path]) -> None:
    emu, dist_dir, work = published
    edited = _export(emu, work, "edited")
    branding = _json(edited / "branding" / "branding.json")
    branding["colors"]["primary"] = "#123456"
    (edited / "branding" / "branding.json").write_text(json.dumps(branding), encoding="utf-8")
    for page in ("emails/verify_email.html", "pages/error_page.html"):
        text = (edited / page).read_text(encoding="utf-8")
        (edited / page).write_text(text.replace("</body>", "<p>edited</p></body>"),
                                   encoding="utf-8")
    _deploy_cli(emu, work, "import", "-i", str(edited))
    result = CliRunner().invoke(cli, [
        "drift", "--dist", str(dist_dir), "--env-file", str(work / ".env"), "--tenant", "dev",
        "--no-pacing"])
    assert result.exit_code == 2, result.output
    drift = [line for line in result.output.splitlines() if line.startswith("DRIFT ")]
    assert drift == ["DRIFT dev: tenants/settings#error_page, branding, "
                     "email-templates/verify_email"]
