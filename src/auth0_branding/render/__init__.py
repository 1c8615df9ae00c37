"""Rendering built outputs as Auth0 would, with sample data: Liquid, scenarios, widget mocks.

Shared by the preview, the snapshots and the review gallery.
"""

from __future__ import annotations

from .liquid import parse_liquid, render_liquid
from .sample import Sample, render_sample, render_samples

__all__ = ["Sample", "parse_liquid", "render_liquid", "render_sample", "render_samples"]
