"""The emulator command: a loopback Auth0 Management API."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import click

from ..errors import BrandError, Location, display_path, printable
from .group import (
    cli,
    handles_errors,
)


@cli.command()
@click.option("--port", type=int, default=None,
              help="Port on 127.0.0.1 (default: the config's 'port', else a free one).")
@click.option("--state", "state_file", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Load resources from FILE if it exists; save them there on exit.")
@click.option("--config", "config_file",
              type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Tenants as JSON (default: 'dev' on Professional with a custom domain, "
                   "and 'free' on Free).")
@handles_errors
def emulator(port: int | None, state_file: Path | None, config_file: Path | None) -> None:
    """Run a loopback Auth0 Management API for local publishing until Ctrl-C or SIGTERM.

    \b
    Config JSON (every tenant key but "name" is optional):
      {"port": 8787, "tenants": [{"name": "dev", "plan": "professional",
        "client_id": "...", "client_secret": "...", "scopes": ["read:branding", ...],
        "custom_domain": "login.example.com", "domain": null, "ul_templates": null,
        "rate_limits": true, "limits": {"global": {"burst": 2, "per_second": 2}},
        "token_ttl": 86400, "faults": {"error_rate": 0, "error_status": 503,
        "latency_ms": 0, "drop_rate": 0, "token_ttl": null, "storm_requests": 0,
        "storm_reset": 1, "storm_retry_after": false, "seed": 0}}]}
    Plans: free, essentials, professional, enterprise.
    """
    from ..emulator.server import Emulator
    from ..emulator.state import default_config, load_config

    config = load_config(config_file) if config_file else default_config()
    engine = Emulator(config, port=port)
    if state_file is not None and state_file.exists():
        engine.load_state(state_file)
    # `kill %1` (SIGTERM) must save the state like Ctrl-C does: both become KeyboardInterrupt,
    # from before the server starts, so no moment is left where a signal loses the state.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        _serve(engine, config, port)
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


def _serve(engine: Any, config: Any, port: int | None) -> None:
    import threading

    try:
        engine.start()
    except OSError as error:
        raise BrandError(
            f"cannot listen on 127.0.0.1:{port if port is not None else config.port}: "
            f"{error.strerror}",
            hint="pick another --port, or 0 for any free one",
        ) from error
    click.echo(f"Auth0 emulator on {engine.url}  (Ctrl-C to stop)")
    for tenant in config.tenants:
        # Names are validated; the other strings come from the config file as they are.
        domain = f", custom domain {printable(tenant.custom_domain)}" if tenant.custom_domain else ""
        click.echo(f"\n  {tenant.name} ({tenant.plan}{domain})")
        click.echo(f"    API base URL   {engine.api_url(tenant.name)}")
        click.echo(f"    token          POST {engine.token_url(tenant.name)}")
        click.echo(f"    audience       {engine.audience(tenant.name)}")
        click.echo(f"    client_id      {printable(tenant.client_id)}")
        click.echo(f"    client_secret  {printable(tenant.client_secret)}")
    click.echo(f"\nInspect: {engine.url}/__emulator__/state  {engine.url}/__emulator__/requests")
    threading.Event().wait()  # until Ctrl-C or SIGTERM


def _save(engine: Any, state_file: Path) -> None:
    try:
        engine.save_state(state_file)
    except OSError as error:
        raise BrandError(f"cannot save the emulator state: {error.strerror}",
                         Location(display_path(state_file)),
                         "check that its folder exists and is writable") from error
    click.echo(f"\nState saved to {state_file}")
