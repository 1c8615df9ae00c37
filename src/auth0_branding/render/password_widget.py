"""A stand-in for Auth0's change password widget, so previews show the form offline."""

from __future__ import annotations

import logging
import re

from .html_templates import html_template

log = logging.getLogger(__name__)

WIDGET_SCRIPT = "https://cdn.auth0.com/js/change-password-1.5.min.js"
_SCRIPT_TAG = re.compile(
    r"<script[^>]*\bsrc=[\"']" + re.escape(WIDGET_SCRIPT) + r"[\"'][^>]*>\s*</script>",
    re.IGNORECASE,
)

# Draws the form from the options the page passes to the real widget; it never submits.
_STUB = html_template(__package__, "change_password_stub.html").render()


def stub_change_password_widget(html: str) -> str:
    """Replace the widget's CDN script with the offline stand-in (previews only)."""
    return _SCRIPT_TAG.sub(lambda _match: _STUB, html, count=1)
