"""HTML of the preview: the reload client and overlay, the index, the frame and raw views."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import jinja2

from ..errors import Problem
from ..render.html_templates import html_template
from ..render.liquidjs import LIQUIDJS_VERSION

EVENTS_URL = "/_live/events"
OVERLAY_ID = "live-overlay"
FRAME_ATTR = "data-live-frame"  # the frame a reload reloads
LIVE_TEXT_ATTR = "data-live-text"  # toolbar text (with an id) refreshed on a reload
# Width toggles: the label, the iframe width, and which kinds of output offer it.
WIDTHS = (("Mobile", "375", ("email", "page", "phone")), ("Desktop", "600", ("email",)),
          ("Desktop", "1280", ("page",)), ("Fit", "full", ("email", "page", "phone")))
DEFAULT_WIDTH = {"email": "600", "page": "1280", "phone": "375"}
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)
THUMBNAIL_PX = (240, 160)  # width, height of an output's thumbnail on the index

@dataclass(frozen=True)
class Chip:
    """A link on an output's card: one of its scenarios, or one of the brand's languages."""

    label: str
    href: str
    title: str = ""  # the scenario's email subject, the language's name


@dataclass(frozen=True)
class Card:
    """One output of a tenant on the index: its thumbnail, scenarios and languages."""

    tenant: str
    kind: str
    name: str
    size: int
    view_url: str  # its first scenario, or its raw text when it has none
    raw_url: str
    thumbnail_url: str | None  # the first scenario rendered; None: nothing to show
    subject: str | None = None
    problems: int = 0
    scenarios: tuple[Chip, ...] = ()
    languages: tuple[Chip, ...] = ()

    @property
    def thumbnail_width(self) -> int:
        """Return the width the thumbnail is rendered at before it is scaled down."""
        return int(DEFAULT_WIDTH.get(self.kind, "600"))

    @property
    def search_text(self) -> str:
        """Return what the filter box matches: names, scenarios, languages, subject."""
        words = [self.tenant, self.kind, self.name, self.subject or "",
                 *(c.label for c in self.scenarios), *(c.label for c in self.languages)]
        return " ".join(words).lower()


@dataclass(frozen=True)
class LanguageRow:
    """One of the brand's languages on the index, with the translations it lacks."""

    code: str
    name: str  # in English
    native: str  # in the language itself
    direction: str
    catalogue: str | None
    missing: tuple[Problem, ...] = ()


def url(*segments: str, **query: str) -> str:
    """Build a preview URL from raw segments, each percent-encoded."""
    path = "/" + "/".join(quote(s, safe="") for s in segments)
    if query:
        path += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    return path


def reload_client(watch: str, since: int) -> str:
    """Return the script (and overlay styles) that live-reloads a page showing `watch`."""
    return _template("reload_client.html").render(
        id=OVERLAY_ID, watch=watch, since=int(since), events=EVENTS_URL, frame=FRAME_ATTR,
        text=LIVE_TEXT_ATTR)


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


def index_page(title: str, cards: Sequence[Card], problems: Sequence[Problem],
               languages: Sequence[LanguageRow] = (), views: int = 0,
               fallback: str | None = None) -> str:
    """Render the index: the check findings first, then per tenant a card per output (its
    thumbnail, scenarios and languages as chips) behind a filter box, and the languages.

    `fallback` says why python-liquid renders the views instead of LiquidJS, if it does.
    """
    tenants: dict[str, list[Card]] = {}
    for card in cards:
        tenants.setdefault(card.tenant, []).append(card)
    return _template("index.html").render(
        title=title, views=views, card_count=len(cards), problems=problems, tenants=tenants,
        human_size=human_size, languages=languages, thumbnail_px=THUMBNAIL_PX,
        fallback=fallback, liquidjs_version=LIQUIDJS_VERSION)


def view_page(
    *, tenant: str, kind: str, name: str, scenario: str, scenarios: Iterable[str],
    width: str, subject: str | None, frame_url: str, raw_url: str,
    language: str | None = None, languages: Sequence[tuple[str, str]] = (),
    chosen: bool = False,
) -> str:
    """Render the frame view of one output in one scenario, with width, scenario and
    language toggles.

    `language` is the language shown, `languages` the brand's (code, name), default first;
    `chosen` tells whether the URL chose the language (it then stays across toggles) or
    the scenario's own data did.
    """
    here = (tenant, kind, name)
    keep = {"lang": language} if chosen and language else {}
    widths = [(label if value == "full" else f"{label} {value}px",
               url("view", *here, scenario, w=value, **keep), value == width)
              for label, value, kinds in WIDTHS if kind in kinds]
    others = [(s, url("view", *here, s, w=width, **keep), s == scenario) for s in scenarios]
    spoken = [(label, url("view", *here, scenario, w=width, lang=code), code == language)
              for code, label in languages]
    return _template("view.html").render(
        tenant=tenant, kind=kind, name=name, scenario=scenario, scenario_chips=others,
        width_chips=widths, language_chips=spoken, language=language, subject=subject,
        frame_url=frame_url, raw_url=raw_url,
        style="width:100%" if width == "full" else f"width:{int(width)}px",
        frame_attr=FRAME_ATTR, live_text_attr=LIVE_TEXT_ATTR)


def raw_page(*, tenant: str, kind: str, name: str, content: str, settings: str | None,
             back_url: str) -> str:
    """Render the built output as escaped text: its Liquid intact, as Auth0 will store it."""
    return _template("raw.html").render(
        tenant=tenant, kind=kind, name=name, content=content, settings=settings,
        back_url=back_url, size=len(content.encode("utf-8")), human_size=human_size)


def message_page(title: str, message: str, where: str | None = None) -> str:
    """Render a short page that explains why there is nothing to show."""
    return _template("message.html").render(title=title, message=message, where=where)


def _template(name: str) -> jinja2.Template:
    return html_template(__package__, name)
