"""Render Liquid with LiquidJS itself, the engine Auth0 runs, in one long-lived node process.

The preview, the snapshots, the review gallery and `render` go through `liquidjs_engine()`;
where node or the pinned LiquidJS is missing it answers None and `render_liquid` falls back
to python-liquid (see docs/architecture.md for why, and for what the fallback gets wrong).
"""

from __future__ import annotations

import json
import logging
import os
import re
import select
import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import Location, TemplateError

log = logging.getLogger(__name__)

# The LiquidJS release the differential tests prove our rendering against (tests/node/liquidjs).
LIQUIDJS_VERSION = "10.30.1"
DRIVER = Path(__file__).with_name("liquidjs_driver.js")
# Where the checkout installs the pinned LiquidJS (`npm ci` there); AUTH0_BRANDING_LIQUIDJS
# names another folder holding node_modules/liquidjs.
CHECKOUT_MODULES = Path(__file__).resolve().parents[3] / "tests" / "node" / "liquidjs"
ENGINE_VARIABLE = "AUTH0_BRANDING_LIQUID"  # "python" forces the fallback
MODULES_VARIABLE = "AUTH0_BRANDING_LIQUIDJS"
# LiquidJS's `date` converts to its process's zone. Auth0's servers' zone is UNVERIFIED; UTC
# is the likely one, and a fixed zone keeps snapshots the same on every machine.
ZONE_VARIABLE = "AUTH0_BRANDING_TZ"
DEFAULT_ZONE = "UTC"
_ANSWER_TIMEOUT_S = 30.0  # the driver's own render limit is 5 s
_MISSING_FILE = re.compile(r'ENOENT: Failed to lookup "(.*)" in ')


@dataclass(frozen=True)
class Unavailable:
    """Why LiquidJS cannot run here, in words for a log line."""

    reason: str


def _modules_folder() -> Path | Unavailable:
    if os.environ.get(ENGINE_VARIABLE) == "python":
        return Unavailable(f"{ENGINE_VARIABLE}=python")
    if shutil.which("node") is None:
        return Unavailable("node is not installed")
    folder = Path(os.environ.get(MODULES_VARIABLE) or CHECKOUT_MODULES)
    if not (folder / "node_modules" / "liquidjs").is_dir():
        return Unavailable(f"LiquidJS is not installed in {folder} (run `npm ci` there)")
    return folder


def _json_default(value: object) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


class LiquidJSProcess:
    """One node process running liquidjs_driver.js; `render` is safe across threads."""

    def __init__(self, modules: Path, tz: str | None = None) -> None:
        env = {**os.environ, "NODE_PATH": str(modules / "node_modules")}
        if tz is not None:
            env["TZ"] = tz  # `date` converts to the process's zone, as on Auth0's servers
        self._lock = threading.Lock()
        self._process = subprocess.Popen(
            ["node", str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
        )
        hello = self._read()
        version = hello.get("version", "")
        if version != LIQUIDJS_VERSION:
            self.close()
            raise OSError(f"LiquidJS {version or '?'} is installed, not {LIQUIDJS_VERSION}")
        self.pid = os.getpid()

    def _read(self, timeout: float = _ANSWER_TIMEOUT_S) -> dict[str, Any]:
        assert self._process.stdout is not None
        # One answer per request, so nothing waits in the pipe's buffer between answers and
        # the descriptor shows when the next one starts.
        ready, _, _ = select.select([self._process.stdout], [], [], timeout)
        if not ready:
            self._process.kill()
            self._process.wait()  # dead, so the next render starts a new one
            raise OSError(f"LiquidJS gave no answer within {timeout:.0f} s")
        line = self._process.stdout.readline()
        if not line:
            error = self._process.stderr.read() if self._process.stderr else ""
            raise OSError(f"the LiquidJS driver exited: {error.strip()[:300]}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    @property
    def alive(self) -> bool:
        return self.pid == os.getpid() and self._process.poll() is None

    def render(self, text: str, data: Mapping[str, Any], *, head_html: str = "",
               widget_html: str = "", name: str = "<template>") -> str:
        """Render `text` with `data`; a LiquidJS error becomes a TemplateError at `name:line`."""
        request = json.dumps({"template": text, "data": data, "head": head_html,
                              "widget": widget_html}, default=_json_default) + "\n"
        with self._lock:
            assert self._process.stdin is not None
            try:
                self._process.stdin.write(request)
                self._process.stdin.flush()
                answer = self._read()
            except OSError as error:
                raise TemplateError(str(error), location=Location(name),
                                    hint="a template that never finishes? Auth0 would stop it "
                                    "too") from error
        if answer["ok"]:
            output: str = answer["output"]
            return output
        raise _template_error(answer, name)

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _template_error(answer: Mapping[str, Any], name: str) -> TemplateError:
    message, hint = answer["error"], None
    missing = _MISSING_FILE.match(message)
    if missing:
        # LiquidJS runs with no files (as on Auth0): every include or render misses.
        message = f"no template named '{missing.group(1)}' to include or render"
        hint = "Auth0 stores no partial templates: inline the markup at build time"
    return TemplateError(message, location=Location(name, answer.get("line"), answer.get("col")),
                         hint=hint)


_engine_lock = threading.Lock()
_engine: LiquidJSProcess | None = None
_missing: str | None = None  # why LiquidJS could not start, so it is not retried per render


@lru_cache(maxsize=8)
def _warn_fallback(reason: str) -> None:
    log.warning("rendering with python-liquid, not LiquidJS (%s): output may differ from "
                "Auth0's; see docs/architecture.md", reason)


def liquidjs_engine() -> LiquidJSProcess | None:
    """Return this process's LiquidJS, started on first use; None (logged once) if it can't run."""
    global _engine, _missing
    with _engine_lock:
        if _engine is not None and _engine.alive:
            return _engine
        if _missing is not None:
            return None
        found = _modules_folder()
        try:
            if isinstance(found, Unavailable):
                raise OSError(found.reason)
            _engine = LiquidJSProcess(found, tz=os.environ.get(ZONE_VARIABLE, DEFAULT_ZONE))
        except (OSError, ValueError) as error:
            _missing = str(error)
            _warn_fallback(_missing)
            return None
        return _engine


def stop_liquidjs() -> None:
    """Stop this process's LiquidJS (the next render starts one, reading the environment anew)."""
    global _engine, _missing
    with _engine_lock:
        if _engine is not None and _engine.pid == os.getpid():
            _engine.close()
        _engine = _missing = None


def liquid_engine() -> str | None:
    """Say why python-liquid renders instead of LiquidJS, or None when LiquidJS does."""
    return None if liquidjs_engine() is not None else (_missing or "LiquidJS is unavailable")
