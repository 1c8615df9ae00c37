"""Seed the emulator from a brand's tenants.toml, and hand the publisher what it needs to reach it.

`emulator --brand brand` makes one emulated tenant per table of tenants.toml, with its
domain, custom domain (verified and ready), plan and organizations, and fresh random
credentials. It writes those credentials, under the variable names tenants.toml gives,
to an env file the publisher reads (`.env` by default), with the API base that points the
publisher at the emulator. So `python build.py publish` works with no config written.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BrandError, Location, display_path
from .state import EmulatedTenant, EmulatorConfig

if TYPE_CHECKING:
    from ..brand.config import TenantConfig
    from .server import Emulator

# The plan a tenant gets when tenants.toml names none: a paid one, so the page template
# (402 on Free) and the custom domain it needs both work out of the box.
DEFAULT_PLAN = "professional"
# The first line of every env file the emulator writes: it overwrites only files that begin so.
ENV_MARKER = "# Written by the auth0-branding emulator"
API_BASE_VARIABLE = "AUTH0_BRANDING_API_BASE"  # read by publish (publish/credentials.py)


def config_from_brand(tenants: Iterable[TenantConfig], port: int = 0) -> EmulatorConfig:
    """Declare one emulated tenant per tenants.toml table, each with new random credentials."""
    return EmulatorConfig(
        tenants=tuple(
            EmulatedTenant(
                tenant.name, plan=tenant.plan or DEFAULT_PLAN,
                client_id=secrets.token_urlsafe(24), client_secret=secrets.token_urlsafe(48),
                custom_domain=tenant.custom_domain, domain=tenant.domain,
                organizations=tuple(tenant.organizations),
            )
            for tenant in tenants
        ),
        port=port,
    )


def render_env(emulator: Emulator, tenants: Iterable[TenantConfig],
               ca_file: Path | None) -> str:
    """Return the env file's text: the API base, then each tenant's credentials."""
    lines = [
        f"{ENV_MARKER} (`emulator --brand`): credentials of a loopback",
        "# emulator, never of a real tenant. Rewritten at each start of the emulator.",
        f"{API_BASE_VARIABLE}='{emulator.url}/{{tenant}}'",
    ]
    for tenant in tenants:
        config = emulator.tenant_config(tenant.name)
        lines += ["", f"# {tenant.name}: {config.plan}"
                  + (f", custom domain {tenant.custom_domain}" if tenant.custom_domain else "")]
        if ca_file is not None:
            lines.append(f"# Auth0's SDKs: domain {emulator.https_domain(tenant.name)}, "
                         f"trusting {display_path(ca_file)} (NODE_EXTRA_CA_CERTS)")
        lines += [f"{tenant.client_id_env}='{config.client_id}'",
                  f"{tenant.client_secret_env}='{config.client_secret}'"]
    return "\n".join(lines) + "\n"


def write_env(path: Path, text: str) -> None:
    """Write the env file, refusing to replace one the emulator did not write."""
    where = Location(display_path(path))
    try:
        if path.exists():
            with path.open(encoding="utf-8", errors="replace") as existing:
                first = existing.readline()
            if not first.startswith(ENV_MARKER):
                raise BrandError(
                    "exists and was not written by the emulator: it may hold real credentials",
                    where, "give --env-file another path (e.g. .env.emulator) and pass the same "
                    "--env-file to publish")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        # Secrets, even a loopback emulator's: readable by this user only.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except OSError as error:
        raise BrandError(f"cannot write the credentials: {error.strerror}", where,
                         "check that its folder is writable, or give --env-file") from error
