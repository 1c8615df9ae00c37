"""Run the pinned LiquidJS for the differential tests: one node process for the session."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import pytest

from auth0_branding.render.liquidjs import (
    CHECKOUT_MODULES,
    ZONE_VARIABLE,
    LiquidJSProcess,
    stop_liquidjs,
)

# Every differential case runs in this zone on both sides: it has an offset and summer time,
# so `date` shows whether both convert a timestamp to the local zone the same way.
TZ = "Europe/Paris"


def liquidjs_missing() -> str | None:
    """Say why LiquidJS cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not installed (.ci/run installs it)"
    if not (CHECKOUT_MODULES / "node_modules" / "liquidjs").is_dir():
        return "LiquidJS is not installed: run `npm ci` in tests/node/liquidjs"
    return None


@pytest.fixture(scope="session")
def liquidjs() -> Iterator[LiquidJSProcess]:
    """The pinned LiquidJS, in zone `TZ`; skips where node or LiquidJS is absent."""
    reason = liquidjs_missing()
    if reason:
        pytest.skip(reason)
    engine = LiquidJSProcess(CHECKOUT_MODULES, tz=TZ)
    yield engine
    engine.close()


@pytest.fixture()
def in_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run our side in zone `TZ` too, with the renderer restarted to read it."""
    monkeypatch.setenv(ZONE_VARIABLE, TZ)
    monkeypatch.setenv("TZ", TZ)  # python-liquid's fallback reads the process's zone
    time.tzset()
    stop_liquidjs()
    yield
    stop_liquidjs()
    monkeypatch.undo()
    time.tzset()
