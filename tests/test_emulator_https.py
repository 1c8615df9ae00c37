"""The emulator's HTTPS origins: one per tenant, signed by a CA made at start."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from auth0.management import ManagementClient

from auth0_branding.emulator.server import Emulator, run_emulator
from auth0_branding.emulator.state import EmulatedTenant, EmulatorConfig


@pytest.fixture
def secure() -> Iterator[Emulator]:
    config = EmulatorConfig((
        EmulatedTenant("dev", custom_domain="login.dev.example.test", rate_limits=False),
        EmulatedTenant("free", plan="free", rate_limits=False),
    ))
    with run_emulator(config, https=True) as emu:
        yield emu


def _trusting(emu: Emulator) -> httpx.Client:
    assert emu.authority is not None
    return httpx.Client(verify=emu.authority.client_context(), timeout=10)


def test_auth0_python_unmodified_reaches_a_tenant_by_its_bare_domain(
        secure: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pointed at the CA as any OpenSSL client is; ManagementClient builds
    # https://{domain}/oauth/token and https://{domain}/api/v2 itself.
    monkeypatch.setenv("SSL_CERT_FILE", str(secure.write_ca(tmp_path / "ca.pem")))
    config = secure.tenant_config("dev")
    client = ManagementClient(domain=secure.https_domain("dev"), client_id=config.client_id,
                              client_secret=config.client_secret)
    assert [d.domain for d in client.custom_domains.list()] == ["login.dev.example.test"]
    assert [r.path for r in secure.requests] == ["/oauth/token", "/api/v2/custom-domains"]
    assert {r.tenant for r in secure.requests} == {"dev"}
    wrong = ManagementClient(domain=secure.https_domain("dev"), client_id=config.client_id,
                             client_secret="wrong")
    with pytest.raises(httpx.HTTPStatusError, match="401 Unauthorized"):
        wrong.branding.get()


def test_each_origin_is_one_tenant(secure: Emulator) -> None:
    assert secure.https_domain("dev") != secure.https_domain("free")
    token = secure.issue_token("dev")
    with _trusting(secure) as https:
        own = https.get(f"{secure.https_url('dev')}/api/v2/branding",
                        headers={"Authorization": f"Bearer {token}"})
        other = https.get(f"{secure.https_url('free')}/api/v2/branding",
                          headers={"Authorization": f"Bearer {token}"})
        prefixed = https.get(f"{secure.https_url('dev')}/dev/api/v2/branding",
                             headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 200
    assert (other.status_code, other.json()["message"]) == (401, "Invalid token")
    assert prefixed.status_code == 404  # paths on an origin carry no tenant prefix
    # The plain port still serves every tenant under its prefix, for our own client.
    plain = httpx.get(f"{secure.api_url('dev')}/branding",
                      headers={"Authorization": f"Bearer {token}"})
    assert plain.status_code == 200


def test_the_ca_file_is_what_clients_trust(secure: Emulator, tmp_path: Path) -> None:
    ca = secure.write_ca(tmp_path / "nested" / "ca.pem")
    assert ca.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    context = ssl.create_default_context(cafile=str(ca))
    with httpx.Client(verify=context, timeout=10) as https:
        assert https.get(f"{secure.https_url('dev')}/").status_code == 200
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{secure.https_url('dev')}/", timeout=10)


def test_a_client_that_breaks_the_handshake_does_not_stop_the_origin(secure: Emulator) -> None:
    host, port = secure.https_domain("dev").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # plain HTTP to a TLS port
        answer = raw.recv(1024)
    assert not answer.startswith(b"HTTP/")  # closed, or a TLS alert: never a plain answer
    with _trusting(secure) as https:
        assert https.get(f"{secure.https_url('dev')}/").status_code == 200


def test_https_is_off_unless_asked(emulator: Emulator) -> None:
    assert emulator.authority is None
    with pytest.raises(RuntimeError, match="not serving HTTPS"):
        emulator.https_domain("dev")
