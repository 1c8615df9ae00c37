"""Start loopback Auth0 emulators for tests: real HTTP, answered through the real SDK."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import httpx
import pytest
from auth0.management import Auth0

from auth0_branding.emulator.server import Emulator, run_emulator
from auth0_branding.emulator.state import EmulatedTenant, EmulatorConfig

log = logging.getLogger(__name__)


def sdk_client(
    emulator: Emulator, tenant: str = "dev", scopes: list[str] | None = None
) -> Auth0:
    """Return an auth0-python client for `tenant`, holding a freshly minted token."""
    # Plain HTTP needs no TLS context; building httpx's default one costs ~50 ms a client.
    return Auth0(
        base_url=emulator.api_url(tenant),
        token=emulator.issue_token(tenant, scopes),
        httpx_client=httpx.Client(timeout=10, verify=False),
    )


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Declare a paid tenant with a custom domain and a Free one, limits off for speed."""
    return EmulatorConfig(
        tenants=(
            EmulatedTenant("dev", plan="professional", custom_domain="login.dev.example.test",
                         rate_limits=False),
            EmulatedTenant("free", plan="free", rate_limits=False),
        )
    )


@pytest.fixture
def emulator(emulator_config: EmulatorConfig) -> Iterator[Emulator]:
    """Run an emulator on a free port for one test."""
    with run_emulator(emulator_config) as running:
        yield running


@pytest.fixture
def auth0_client(emulator: Emulator) -> Callable[..., Auth0]:
    """Make SDK clients: `auth0_client("dev", scopes=[...])`."""

    def make(tenant: str = "dev", scopes: list[str] | None = None) -> Auth0:
        return sdk_client(emulator, tenant, scopes)

    return make
