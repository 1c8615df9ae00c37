"""Review: deterministic HTML snapshots, screenshots in headless Chromium, and the gallery.

`review.snapshot.snapshot` writes or checks the snapshots; `review()` takes the screenshots.
The names below load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Review": ".views",
    "review": ".gallery_run",
    "SnapshotReport": ".snapshot",
    "collect_snapshots": ".snapshot",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)
