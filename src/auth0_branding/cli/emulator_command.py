"""The emulator command: a loopback Auth0 Management API."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

import click

from ..errors import BrandError, Location, display_path, printable
from .group import (
    cli,
    handles_errors,
    say,
)


@cli.command()
@click.option("--port", type=int, default=None,
              help="Port on 127.0.0.1 (default: the config's 'port', else a free one).")
@click.option("--state", "state_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Load resources from FILE if it exists; save them there on exit "
              "[default with --brand: .emulator/state.json].")
@click.option("--config", "config_file",
              type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Tenants as JSON (default: 'dev' on Professional with a custom domain, "
                   "and 'free' on Free).")
@click.option("--brand", "brand_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Seed the tenants of DIR/tenants.toml (domains, custom domains, "
              "plans, organizations) and write their credentials to --env-file.")
@click.option("--env-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="With --brand: where the credentials go, for publish to read [default: .env].")
@click.option("--ca-file", type=click.Path(path_type=Path, dir_okay=False),
              default=Path(".emulator/ca.pem"), show_default=True,
              help="Where the HTTPS certificate authority's PEM is written.")
@click.option("--no-https", is_flag=True,
              help="Serve plain HTTP only (no per-tenant HTTPS origins, no CA).")
@handles_errors
def emulator(port: int | None, state_file: Path | None, config_file: Path | None,
             brand_dir: Path | None, env_file: Path | None, ca_file: Path,
             no_https: bool) -> None:
    """Run a loopback Auth0 Management API for local publishing until Ctrl-C or SIGTERM.

    \b
    Every tenant is served twice: under a path prefix on the plain-HTTP port
    (http://127.0.0.1:PORT/<tenant>, for publish), and at an HTTPS origin of its own
    (domain 127.0.0.1:<its port>, for Auth0's SDKs and deploy-cli, trusting --ca-file
    through NODE_EXTRA_CA_CERTS, SSL_CERT_FILE or REQUESTS_CA_BUNDLE).

    \b
    Quick start, with no config written:
      python build.py emulator --brand brand &
      python build.py build && python build.py publish

    \b
    Config JSON (every tenant key but "name" is optional):
      {"port": 8787, "tenants": [{"name": "dev", "plan": "professional",
        "client_id": "...", "client_secret": "...", "scopes": ["read:branding", ...],
        "custom_domain": "login.example.com", "domain": null, "ul_templates": null,
        "rate_limits": true, "limits": {"global": {"burst": 2, "per_second": 2}},
        "https_port": 0, "branding_patch": "merge", "organizations": ["acme"],
        "token_ttl": 86400, "faults": {"error_rate": 0, "error_status": 503,
        "latency_ms": 0, "drop_rate": 0, "token_ttl": null, "storm_requests": 0,
        "storm_reset": 1, "storm_retry_after": false, "seed": 0}}]}
    Plans: free, essentials, professional, enterprise. branding_patch "replace" makes
    PATCH /branding wipe what it omits (an UNVERIFIED quirk); "merge" keeps it.
    """
    from ..emulator.server import Emulator
    from ..emulator.state import default_config, load_config

    if brand_dir is not None and config_file is not None:
        raise click.UsageError("give --brand or --config, not both")
    if env_file is not None and brand_dir is None:
        raise click.UsageError("--env-file goes with --brand (the credentials of its tenants)")
    brand_tenants: tuple[Any, ...] = ()
    if brand_dir is not None:
        from ..brand.config import load_config as load_brand
        from ..emulator.seed import config_from_brand

        brand_tenants = load_brand(brand_dir).tenants
        config = config_from_brand(brand_tenants)
        env_file = env_file or Path(".env")
        if state_file is None:
            state_file = Path(".emulator/state.json")
            state_file.parent.mkdir(exist_ok=True)
    else:
        config = load_config(config_file) if config_file else default_config()
    engine = Emulator(config, port=port, https=not no_https)
    if state_file is not None and state_file.exists():
        engine.load_state(state_file)
    # `kill %1` (SIGTERM) must save the state like Ctrl-C does: both become KeyboardInterrupt,
    # from before the server starts, so no moment is left where a signal loses the state.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        _serve(engine, config, port, None if no_https else ca_file)
        if env_file is not None:
            _write_credentials(engine, brand_tenants, env_file, None if no_https else ca_file)
        click.echo(f"\nInspect: {engine.url}/__emulator__/state  {engine.url}/__emulator__/requests")
        threading.Event().wait()  # until Ctrl-C or SIGTERM
    except KeyboardInterrupt:
        pass
    finally:
        # A second signal must not cut the save short: ignore both until it is written.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            engine.stop()
            if state_file is not None and engine.started:
                _save(engine, state_file)
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, interrupt)
    click.echo("Emulator stopped.")


def _serve(engine: Any, config: Any, port: int | None, ca_file: Path | None) -> None:
    try:
        engine.start()
    except OSError as error:
        raise BrandError(
            f"cannot listen on 127.0.0.1:{port if port is not None else config.port}: "
            f"{error.strerror}",
            hint="pick another --port (or https_port), or 0 for any free one",
        ) from error
    click.echo(f"Auth0 emulator on {engine.url}  (Ctrl-C to stop)")
    if ca_file is not None:
        try:
            engine.write_ca(ca_file)
        except OSError as error:
            raise BrandError(f"cannot write the CA certificate: {error.strerror}",
                             Location(display_path(ca_file)), "give --ca-file a writable path"
                             ) from error
        say(f"HTTPS CA       {display_path(ca_file)}  (point NODE_EXTRA_CA_CERTS, SSL_CERT_FILE "
            "or REQUESTS_CA_BUNDLE at it)")
    for tenant in config.tenants:
        # Names are validated; the other strings come from the config file as they are.
        domain = f", custom domain {printable(tenant.custom_domain)}" if tenant.custom_domain else ""
        click.echo(f"\n  {tenant.name} ({tenant.plan}{domain})")
        click.echo(f"    API base URL   {engine.api_url(tenant.name)}")
        if ca_file is not None:
            click.echo(f"    HTTPS domain   {engine.https_domain(tenant.name)}  (for Auth0's SDKs)")
        click.echo(f"    token          POST {engine.token_url(tenant.name)}")
        click.echo(f"    audience       {engine.audience(tenant.name)}")
        click.echo(f"    client_id      {printable(tenant.client_id)}")
        click.echo(f"    client_secret  {printable(tenant.client_secret)}")


def _write_credentials(engine: Any, tenants: tuple[Any, ...], env_file: Path,
                       ca_file: Path | None) -> None:
    from ..emulator.seed import render_env, write_env

    write_env(env_file, render_env(engine, tenants, ca_file))
    click.echo("")
    say(f"Credentials and API base written to {display_path(env_file)}: publish reads it"
        + ("" if env_file == Path(".env") else f" with --env-file {display_path(env_file)}"))


def _save(engine: Any, state_file: Path) -> None:
    try:
        engine.save_state(state_file)
    except OSError as error:
        raise BrandError(f"cannot save the emulator state: {error.strerror}",
                         Location(display_path(state_file)),
                         "check that its folder exists and is writable") from error
    click.echo(f"\nState saved to {state_file}")
