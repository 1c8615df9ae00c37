"""Write the review gallery: one static index.html with relative links, grouped by tenant."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from pathlib import Path
from urllib.parse import quote

from ..auth0.languages import display_name
from ..render.html_templates import html_template
from .views import Comparison, Review

INDEX = "index.html"
STATUSES = ("changed", "added", "removed", "unchanged")


def write_gallery(review: Review, root: Path) -> Path:
    """Write `index.html` for `review` into `root`, every image linked relatively."""
    path = root / INDEX
    path.write_text(render_gallery(review), encoding="utf-8")
    return path


def render_gallery(review: Review) -> str:
    """Return the gallery page for `review` as HTML."""
    title = "Branding review" + (f" against {review.base}" if review.base else "")
    nav = [(tenant, _anchor(tenant), sum(c.view.tenant == tenant and c.status in STATUSES[:3]
                                         for c in review.comparisons))
           for tenant in review.tenants]
    sections = [
        (tenant, _anchor(tenant),
         [(kind, name, list(views))
          for (kind, name), views in groupby(tenant_views, key=lambda c: (c.view.kind, c.view.name))])
        for tenant, tenant_views in groupby(review.comparisons, key=lambda c: c.view.tenant)
    ]
    languages = [(code, display_name(code), display_name(code, code)) for code in review.languages]
    return html_template(__package__, "gallery.html").render(
        title=title, review=review, statuses=STATUSES, nav=nav, sections=sections,
        by_scenario=_by_scenario, languages=languages)


def _by_scenario(views: Iterable[Comparison]) -> list[list[Comparison]]:
    """Lay views out one row per scenario and language, its widths side by side."""
    return [list(row) for _, row in groupby(views, key=lambda c: c.view.shown)]


def _anchor(tenant: str) -> str:
    return "tenant-" + quote(tenant, safe="")
