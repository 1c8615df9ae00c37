"""A stand-in for Auth0's change password widget, so previews show the form offline."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..auth0.contract import CHANGE_PASSWORD_SCRIPT
from .html_templates import html_template
from .widget import theme_style

_SCRIPT_TAG = re.compile(
    r"<script[^>]*\bsrc=[\"']" + re.escape(CHANGE_PASSWORD_SCRIPT) + r"[\"'][^>]*>\s*</script>",
    re.IGNORECASE,
)


def stub_change_password_widget(html: str, theme: Mapping[str, object] | None = None) -> str:
    """Replace the widget's CDN script with the offline stand-in (previews only).

    The stand-in draws the form from the options the page passes to the real widget,
    styled by the tenant's Universal Login `theme` as the login widget's mock is; it
    never submits.
    """
    stub = html_template(__package__, "change_password_stub.html").render(
        style=theme_style(theme))
    return _SCRIPT_TAG.sub(lambda _match: stub, html, count=1)
