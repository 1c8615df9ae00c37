"""Review: deterministic HTML snapshots, screenshots in headless Chromium, and the gallery.

`review.snapshot.snapshot` writes or checks the snapshots; `review()` takes the screenshots.
"""

from __future__ import annotations

from .gallery_run import Review, review
from .snapshot import SnapshotReport, collect_snapshots

__all__ = ["Review", "SnapshotReport", "collect_snapshots", "review"]
