"""A stand-in for Auth0's change password widget, so previews show the form offline."""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

WIDGET_SCRIPT = "https://cdn.auth0.com/js/change-password-1.5.min.js"
_SCRIPT_TAG = re.compile(
    r"<script[^>]*\bsrc=[\"']" + re.escape(WIDGET_SCRIPT) + r"[\"'][^>]*>\s*</script>",
    re.IGNORECASE,
)

# Draws what the real widget draws (title, header text, two password fields, the policy
# hint and a submit button) from the same options the page passes to it; it never submits.
_STUB = """<script data-preview-stub="change-password">
window.Auth0ChangePassword = function (options) {
  var dict = options.dict || {};
  var theme = options.theme || {};
  var primary = /^#[0-9a-fA-F]{3,8}$/.test(theme.primaryColor || "") ? theme.primaryColor : "#ea5323";
  var container = document.getElementById(options.container);
  if (!container) { return; }
  function el(tag, style, text) {
    var node = document.createElement(tag);
    if (style) { node.setAttribute("style", style); }
    if (text) { node.textContent = text; }
    return node;
  }
  var card = el("div", "background:#fff;border-radius:8px;box-shadow:0 12px 40px rgba(0,0,0,.12);" +
    "padding:32px;font-family:inherit;text-align:center;");
  if (theme.icon) {
    var logo = el("img", "height:56px;margin-bottom:12px;");
    logo.src = theme.icon; logo.alt = "";
    card.appendChild(logo);
  }
  card.appendChild(el("h2", "margin:0 0 8px;font-size:22px;", dict.title || "Change Password"));
  card.appendChild(el("p", "margin:0 0 20px;color:#555;font-size:14px;",
    dict.headerText || ("Enter a new password for " + (options.email || ""))));
  [dict.passwordPlaceholder || "your new password",
   dict.passwordConfirmationPlaceholder || "confirm your new password"].forEach(function (text) {
    var input = el("input", "display:block;width:100%;box-sizing:border-box;margin:0 0 12px;" +
      "padding:12px;border:1px solid #ccc;border-radius:4px;font-size:15px;");
    input.type = "password"; input.placeholder = text;
    card.appendChild(input);
  });
  var policy = options.password_policy ? "Password policy: " + options.password_policy : "";
  if (policy) { card.appendChild(el("p", "margin:0 0 16px;color:#777;font-size:12px;", policy)); }
  var button = el("button", "width:100%;padding:14px;border:0;border-radius:4px;color:#fff;" +
    "font-size:15px;font-weight:600;background:" + primary + ";", "Reset password");
  button.type = "button";
  card.appendChild(button);
  container.appendChild(card);
};
</script>"""


def stub_change_password_widget(html: str) -> str:
    """Replace the widget's CDN script with the offline stand-in (previews only)."""
    return _SCRIPT_TAG.sub(lambda _match: _STUB, html, count=1)
