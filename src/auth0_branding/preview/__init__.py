"""The live preview: every output in every scenario, rebuilt and reloaded on save."""

from __future__ import annotations

from .site import BrandPreview, start_preview

__all__ = ["BrandPreview", "start_preview"]
