"""Write the review gallery: one static index.html with relative links, grouped by tenant."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from html import escape
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from .gallery_run import Comparison, Review

log = logging.getLogger(__name__)

INDEX = "index.html"
STATUSES = ("changed", "added", "removed", "unchanged")
_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; padding: 24px; color: #1d2421;
       background: #f6f6f4; }
h1 { margin: 0 0 8px; font-size: 22px; } h2 { margin: 32px 0 8px; font-size: 19px; }
h3 { margin: 20px 0 8px; font-size: 15px; } code { font-size: 13px; }
.summary { display: flex; gap: 8px; flex-wrap: wrap; margin: 12px 0; padding: 0; }
.summary li, .badge { list-style: none; padding: 2px 10px; border-radius: 12px;
                      background: #e4e6e3; }
.changed { background: #ffd6e4 !important; } .added { background: #d7f0dc !important; }
.removed { background: #ffe3c7 !important; }
nav span.tenant { margin-right: 16px; }
.output { background: #fff; border: 1px solid #dcdfdb; border-radius: 8px; padding: 4px 16px 16px;
          margin: 12px 0; }
.views { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start;
         margin-bottom: 8px; }
.view { margin: 0; } .view figcaption { font-weight: 600; margin: 8px 0 4px; }
.pair { display: flex; gap: 12px; align-items: flex-start; flex-wrap: wrap; }
.pair figure { margin: 0; } .pair figcaption { font-size: 12px; color: #5b635f; }
img { display: block; max-width: 100%; border: 1px solid #cfd3ce; background: #fff; }
.w375 img { width: 188px; } .w600 img { width: 300px; } .w1280 img { width: 480px; }
.note { color: #5b635f; font-size: 12px; }
details { margin-top: 8px; } summary { cursor: pointer; color: #3d4541; }
"""


def write_gallery(review: Review, root: Path) -> Path:
    """Write `index.html` for `review` into `root`, every image linked relatively."""
    path = root / INDEX
    path.write_text(render_gallery(review), encoding="utf-8")
    return path


def render_gallery(review: Review) -> str:
    """Return the gallery page for `review` as HTML."""
    title = "Branding review" + (f" against {review.base}" if review.base else "")
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
        f"<h1>{escape(title)}</h1>", _summary(review), _nav(review),
    ]
    for tenant, tenant_views in groupby(review.comparisons, key=lambda c: c.view.tenant):
        parts.append(f'<section id="{_anchor(tenant)}"><h2>Tenant {escape(tenant)}</h2>')
        by_output = groupby(tenant_views, key=lambda c: (c.view.kind, c.view.name))
        for (kind, name), views in by_output:
            parts.append(_output(kind, name, list(views), review.base is not None))
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _summary(review: Review) -> str:
    total = len(review.comparisons)
    if review.base is None:
        return (f'<ul class="summary"><li>{total} views</li>'
                f"<li>{len(review.tenants)} tenant(s)</li></ul>")
    items = "".join(f'<li class="{status}">{review.count(status)} {status}</li>'
                    for status in STATUSES)
    return (f'<ul class="summary">{items}<li>{total} views</li></ul>'
            f'<p class="note">Before: <code>{escape(review.base)}</code> (its brand folder, '
            "built with the current code). After: the working tree.</p>")


def _nav(review: Review) -> str:
    links = []
    for tenant in review.tenants:
        changed = sum(c.view.tenant == tenant and c.status in STATUSES[:3]
                      for c in review.comparisons)
        badge = f' <span class="badge changed">{changed}</span>' if changed else ""
        links.append(f'<span class="tenant"><a href="#{_anchor(tenant)}">{escape(tenant)}</a>'
                     f"{badge}</span>")
    return f"<nav>{''.join(links)}</nav>"


def _output(kind: str, name: str, views: list[Comparison], with_base: bool) -> str:
    heading = f"{escape(kind)}s / {escape(name)}"
    if not with_base:
        body = _views(views, _single)
        return f'<div class="output"><h3>{heading}</h3>{body}</div>'
    noticed = [v for v in views if v.status != "unchanged"]
    quiet = [v for v in views if v.status == "unchanged"]
    badges = "".join(
        f' <span class="badge {status}">{n} {status}</span>'
        for status in STATUSES[:3] if (n := sum(v.status == status for v in noticed))
    )
    body = _views(noticed, _compared)
    if quiet:
        body += (f"<details><summary>{len(quiet)} unchanged view(s)</summary>"
                 f"{_views(quiet, _single)}</details>")
    return f'<div class="output"><h3>{heading}{badges}</h3>{body}</div>'


def _views(views: Iterable[Comparison], render) -> str:
    """Lay views out one row per scenario, its widths side by side."""
    rows = []
    for _, row in groupby(views, key=lambda c: c.view.scenario):
        rows.append(f'<div class="views">{"".join(render(view) for view in row)}</div>')
    return "".join(rows)


def _caption(comparison: Comparison) -> str:
    view = comparison.view
    text = f"{escape(view.scenario)} · {view.width} px"
    if comparison.status in ("added", "removed"):
        text += f' <span class="badge {comparison.status}">{comparison.status}</span>'
    return text


def _single(comparison: Comparison) -> str:
    image = comparison.after or comparison.before or ""
    note = ""
    if comparison.status == "unchanged" and comparison.html_changed:
        note = '<div class="note">HTML differs, pixels identical</div>'
    return (f'<figure class="view w{comparison.view.width}">'
            f"<figcaption>{_caption(comparison)}</figcaption>{_image(image)}{note}</figure>")


def _compared(comparison: Comparison) -> str:
    if comparison.status in ("added", "removed"):
        return _single(comparison)
    share = 100 * comparison.changed_pixels / max(comparison.total_pixels, 1)
    panes = [("before", comparison.before), ("after", comparison.after),
             (f"diff: {comparison.changed_pixels:,} px ({share:.2f}%)", comparison.diff)]
    figures = "".join(f"<figure><figcaption>{escape(label)}</figcaption>{_image(src)}</figure>"
                      for label, src in panes if src)
    return (f'<figure class="view w{comparison.view.width}">'
            f'<figcaption>{_caption(comparison)}</figcaption><div class="pair">{figures}</div>'
            "</figure>")


def _image(path: str | None) -> str:
    if not path:
        return ""
    href = escape(quote(path))
    return f'<a href="{href}"><img src="{href}" alt="" loading="lazy"></a>'


def _anchor(tenant: str) -> str:
    return "tenant-" + quote(tenant, safe="")
