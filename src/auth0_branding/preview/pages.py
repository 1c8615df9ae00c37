"""HTML of the preview: the reload client and overlay, the index, the frame and raw views."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from ..errors import Problem

log = logging.getLogger(__name__)

EVENTS_URL = "/_live/events"
OVERLAY_ID = "live-overlay"
FRAME_ATTR = "data-live-frame"  # the frame a reload reloads
LIVE_TEXT_ATTR = "data-live-text"  # toolbar text (with an id) refreshed on a reload
# Width toggles: the label, the iframe width, and which kinds of output offer it.
WIDTHS = (("Mobile", "375", ("email", "page")), ("Desktop", "600", ("email",)),
          ("Desktop", "1280", ("page",)), ("Fit", "full", ("email", "page")))
DEFAULT_WIDTH = {"email": "600", "page": "1280"}
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)

# The client listens on one stream for the output its page shows. In a frame view it reloads
# only the frame and refreshes the toolbar's rendered text (the subject) in place: reloading a
# whole page that holds a frame stalled headless Chromium for seconds at a time. The overlay
# is built with textContent because error messages quote the designer's (possibly broken)
# markup.
_CLIENT = """<style>
#%(id)s{position:fixed;inset:0;z-index:2147483647;background:rgba(24,24,27,.86);color:#fafafa;
font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;padding:8vh 6vw;overflow:auto}
#%(id)s[hidden]{display:none}
#%(id)s h2{font:600 18px/1.3 system-ui,sans-serif;color:#fca5a5;margin:0 0 16px}
#%(id)s .live-overlay__where{color:#93c5fd;margin:0 0 8px}
#%(id)s .live-overlay__message{white-space:pre-wrap;margin:0 0 12px}
#%(id)s .live-overlay__hint{color:#d4d4d8;margin:0}
</style>
<script>(() => {
  const watch = %(watch)s, since = %(since)s;
  const url = "%(events)s?watch=" + encodeURIComponent(watch) + "&since=" + since;
  const source = new EventSource(url);
  const overlay = () => {
    let box = document.getElementById("%(id)s");
    if (!box) {
      box = document.createElement("div");
      box.id = "%(id)s"; box.setAttribute("role", "alert"); box.hidden = true;
      for (const part of ["title", "where", "message", "hint"]) {
        const el = document.createElement(part === "title" ? "h2" : "p");
        el.className = "live-overlay__" + part; box.appendChild(el);
      }
      box.querySelector("h2").textContent =
        "Build failed: showing the last good build (click to dismiss)";
      box.addEventListener("click", () => { box.hidden = true; });
      document.body.appendChild(box);
    }
    return box;
  };
  source.addEventListener("failure", (event) => {
    const failure = JSON.parse(event.data), box = overlay();
    const where = failure.path ? failure.path + (failure.line ? ":" + failure.line : "") : "";
    box.querySelector(".live-overlay__where").textContent = where;
    box.querySelector(".live-overlay__message").textContent = failure.message;
    box.querySelector(".live-overlay__hint").textContent = failure.hint || "";
    box.hidden = false;
  });
  source.addEventListener("ok", () => {
    const box = document.getElementById("%(id)s");
    if (box) box.hidden = true;
  });
  source.addEventListener("reload", () => {
    const frame = document.querySelector("iframe[%(frame)s]");
    if (!frame || !frame.contentWindow) return location.reload();
    frame.contentWindow.location.reload();
    fetch(location.href).then((r) => r.text()).then((text) => {
      const fresh = new DOMParser().parseFromString(text, "text/html");
      for (const el of document.querySelectorAll("[%(text)s]")) {
        const now = fresh.getElementById(el.id);
        if (now) el.textContent = now.textContent;
      }
    });
  });
})();</script>
"""

_STYLE = """<style>
:root{color-scheme:light;font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:#18181b}
body{margin:0;background:#f4f4f5}
a{color:#1d4ed8;text-decoration:none} a:hover{text-decoration:underline}
.bar{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;padding:10px 16px;
background:#fff;border-bottom:1px solid #e4e4e7;position:sticky;top:0}
.bar h1{font-size:15px;margin:0}
.bar nav{display:flex;gap:4px;flex-wrap:wrap;align-items:center}
.bar nav span{color:#71717a;margin-right:2px}
.chip{padding:2px 9px;border:1px solid #d4d4d8;border-radius:999px;background:#fff}
.chip[aria-current]{background:#18181b;color:#fff;border-color:#18181b}
.subject{flex-basis:100%;color:#3f3f46}
.stage{display:flex;justify-content:center;padding:16px}
.stage iframe{height:calc(100vh - 130px);border:1px solid #d4d4d8;background:#fff;max-width:100%}
main.list{padding:8px 16px 40px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 24px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #f0f0f1;vertical-align:top}
th{background:#fafafa;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.problems li{margin:2px 0} .warning{color:#a16207} .error{color:#b91c1c}
pre.raw{margin:0;padding:16px;white-space:pre-wrap;word-break:break-word;
font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;background:#fff}
h2{font-size:14px;margin:18px 0 4px}
</style>"""


@dataclass(frozen=True)
class Row:
    """One line of the index: an output of a tenant, in one scenario (or none)."""

    tenant: str
    kind: str
    name: str
    scenario: str | None
    subject: str | None
    size: int
    view_url: str
    raw_url: str
    problems: int = 0


def url(*segments: str, **query: str) -> str:
    """Build a preview URL from raw segments, each percent-encoded."""
    path = "/" + "/".join(quote(s, safe="") for s in segments)
    if query:
        path += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    return path


def reload_client(watch: str, since: int) -> str:
    """Return the script (and overlay styles) that live-reloads a page showing `watch`."""
    # json.dumps yields a JS string literal; escaping `<` keeps `</script>` out of it.
    literal = json.dumps(watch).replace("<", "\\u003c")
    return _CLIENT % {"id": OVERLAY_ID, "watch": literal, "since": int(since),
                      "events": EVENTS_URL, "frame": FRAME_ATTR, "text": LIVE_TEXT_ATTR}


def inject(html: str, snippet: str) -> str:
    """Insert `snippet` before the last `</body>`, or append it when there is none."""
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + snippet
    at = ends[-1].start()
    return html[:at] + snippet + html[at:]


def human_size(size: int) -> str:
    """Format a byte count the way the index shows it."""
    return f"{size} B" if size < 1024 else f"{size / 1024:.1f} KB"


def index_page(title: str, rows: Sequence[Row], problems: Sequence[Problem]) -> str:
    """Render the index: every tenant × output × scenario, with subjects, sizes and warnings."""
    parts = [_head(f"{title}: preview"), '<header class="bar"><h1>',
             escape(title), " preview</h1><span>", str(len(rows)), " views</span></header>",
             '<main class="list">', _problems(problems)]
    for tenant in dict.fromkeys(row.tenant for row in rows):
        parts += [f"<h2>Tenant {escape(tenant)}</h2>", "<table><thead><tr><th>Output</th>"
                  "<th>Scenario</th><th>Subject</th><th>Size</th><th>Warnings</th><th>Raw</th>"
                  "</tr></thead><tbody>"]
        parts += (_row(row) for row in rows if row.tenant == tenant)
        parts.append("</tbody></table>")
    parts.append("</main></body></html>")
    return "".join(parts)


def _row(row: Row) -> str:
    label = escape(f"{row.kind} · {row.name}")
    scenario = escape(row.scenario or "-")
    return (f'<tr data-output="{escape(row.tenant)}/{escape(row.kind)}/{escape(row.name)}">'
            f'<td><a href="{escape(row.view_url)}">{label}</a></td>'
            f'<td><a href="{escape(row.view_url)}">{scenario}</a></td>'
            f'<td class="subject-cell">{escape(row.subject or "")}</td>'
            f'<td class="num" data-bytes="{row.size}">{human_size(row.size)}</td>'
            f'<td class="num">{row.problems or ""}</td>'
            f'<td><a href="{escape(row.raw_url)}">raw</a></td></tr>')


def _problems(problems: Sequence[Problem]) -> str:
    if not problems:
        return '<p class="problems">Checks: no warnings.</p>'
    items = "".join(
        f'<li class="{escape(p.severity)}">{escape(p.severity.upper())} '
        f'{escape(str(p.location) + ": " if p.location else "")}{escape(p.code)} '
        f"{escape(p.message)}</li>" for p in problems
    )
    return f'<h2>Checks: {len(problems)} finding(s)</h2><ul class="problems">{items}</ul>'


def view_page(
    *, tenant: str, kind: str, name: str, scenario: str, scenarios: Iterable[str],
    width: str, subject: str | None, frame_url: str, raw_url: str,
) -> str:
    """Render the frame view of one output in one scenario, with width and scenario toggles."""
    here = (tenant, kind, name)
    chips = "".join(
        _chip(label if value == "full" else f"{label} {value}px",
              url("view", *here, scenario, w=value), value == width)
        for label, value, kinds in WIDTHS if kind in kinds
    )
    others = "".join(_chip(s, url("view", *here, s, w=width), s == scenario) for s in scenarios)
    style = "width:100%" if width == "full" else f"width:{int(width)}px"
    subject_line = (f'<div class="subject">Subject: <strong id="subject" {LIVE_TEXT_ATTR}>'
                    f"{escape(subject)}</strong></div>" if subject is not None else "")
    return "".join([
        _head(f"{name} · {scenario} · {tenant}"), '<header class="bar">',
        '<a href="/">← All outputs</a>',
        f"<h1>{escape(tenant)} · {escape(kind)} · {escape(name)}</h1>",
        f"<nav><span>Scenario</span>{others}</nav>",
        f'<nav aria-label="width"><span>Width</span>{chips}</nav>',
        f'<a href="{escape(raw_url)}">Raw</a>', subject_line, "</header>",
        f'<main class="stage"><iframe {FRAME_ATTR} name="preview" title="{escape(name)}" ',
        f'src="{escape(frame_url)}" style="{style}"></iframe></main></body></html>',
    ])


def raw_page(*, tenant: str, kind: str, name: str, content: str, settings: str | None,
             back_url: str) -> str:
    """Render the built output as escaped text: its Liquid intact, as Auth0 will store it."""
    extra = (f'<h2>Settings</h2><pre class="raw" id="settings">{escape(settings)}</pre>'
             if settings is not None else "")
    return "".join([
        _head(f"{name} (raw) · {tenant}"), '<header class="bar">',
        f'<a href="{escape(back_url)}">← Back</a>',
        f"<h1>{escape(tenant)} · {escape(kind)} · {escape(name)}: raw built output</h1>",
        f"<span>{human_size(len(content.encode('utf-8')))}</span></header>",
        f'<main><pre class="raw" id="raw">{escape(content)}</pre>{extra}</main></body></html>',
    ])


def message_page(title: str, message: str, where: str | None = None) -> str:
    """Render a short page that explains why there is nothing to show."""
    detail = f"<p><code>{escape(where)}</code></p>" if where else ""
    return (f'{_head(title)}<header class="bar"><a href="/">← All outputs</a>'
            f'<h1>{escape(title)}</h1></header><main class="list">{detail}'
            f'<pre class="raw">{escape(message)}</pre></main></body></html>')


def _chip(label: str, href: str, current: bool) -> str:
    mark = ' aria-current="true"' if current else ""
    return f'<a class="chip" href="{escape(href)}"{mark}>{escape(label)}</a>'


def _head(title: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
            f"{escape(title)}</title>{_STYLE}</head><body>")
