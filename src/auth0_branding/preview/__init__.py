"""The live preview: every output in every scenario, rebuilt and reloaded on save.

The names below load on first use (watchdog and the server are not needed to build).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "BrandPreview": ".site",
    "start_preview": ".site",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)
