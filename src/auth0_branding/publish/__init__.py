"""Publishing dist/ to tenants: plan, paced and retried writes, backups, drift and rollback.

`tenant_api` is the only importer of auth0-python. The names below load on first use, so that
importing one publishing module (the CLI reads `pacing` for its options) does not load the SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "RunResult": ".engine",
    "diff": ".engine",
    "drift": ".engine",
    "publish": ".engine",
    "rollback": ".engine",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)
