"""The Auth0 contract as data: limits, placeholders, variables and theme fields per output."""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

UL_MAX_CHARS = 102_400
PAYLOAD_MAX_BYTES = 1_000_000
GMAIL_CLIP_BYTES = 102 * 1024
SMTP_LINE_MAX = 998
CHANGE_PASSWORD_SCRIPT = "https://cdn.auth0.com/js/change-password-1.5.min.js"
CHANGE_PASSWORD_CONTAINER = "change-password-widget-container"
CHANGE_PASSWORD_REQUIRED = ("email", "csrf_token", "ticket", "password_policy",
                            "password_complexity_options")

EMAIL_COMMON = frozenset({
    "application", "request_language", "connection", "tenant", "friendly_name",
    "support_email", "support_url", "user", "organization", "custom_domain",
})
# (required placeholder, whether the requirement is verified, extra variables Auth0 gives)
EMAIL_CONTRACT: dict[str, tuple[str | None, bool, frozenset[str]]] = {
    "verify_email": ("url", True, frozenset()),
    "reset_email": ("url", True, frozenset()),
    "blocked_account": ("url", True, frozenset()),
    "change_password": ("url", True, frozenset()),
    "password_reset": ("url", True, frozenset()),
    "async_approval": ("url", True, frozenset({"binding_message"})),
    "verify_email_by_code": ("code", True, frozenset()),
    "reset_email_by_code": ("code", True, frozenset()),
    "mfa_oob_code": ("code", True, frozenset()),
    "enrollment_email": ("link", True, frozenset()),
    # UNVERIFIED in Auth0's documentation: a missing placeholder is a warning.
    "user_invitation": ("url", False, frozenset({"inviter", "roles"})),
    "auth_email_by_code": ("code", False, frozenset()),
    "welcome_email": (None, True, frozenset()),
    "stolen_credentials": (None, True, frozenset()),
}
PAGE_VARIABLES = {
    "login": frozenset({"application", "branding", "tenant", "organization", "custom_domain",
                        "user", "dir", "locale", "prompt", "transaction"}),
    "password_reset": frozenset({"email", "csrf_token", "ticket", "password_policy",
                                 "password_complexity_options", "tenant", "lang", "min_length"}),
    # `log_url` is UNVERIFIED: accepted without complaint.
    "error_page": frozenset({"error", "error_description", "tracking", "client_id", "connection",
                             "lang", "log_url"}),
}
UNTRUSTED = ("user.name", "user.nickname", "user.given_name", "user.family_name",
             "error_description", "transaction.params")
# Everything on the error page comes from the failed request's query string.
UNTRUSTED_ERROR_PAGE = ("error", "error_description", "tracking", "client_id", "connection",
                        "lang")
# The change password page prints the user's address and the request's language.
UNTRUSTED_PASSWORD_RESET = (*UNTRUSTED, "email", "lang")
RESULT_URL_VARIABLES = frozenset({"application.name", "application.clientID",
                                  "application.callback_domain"})

COLOR = re.compile(r"^#(([0-9a-fA-F]{3}){1,2}|([0-9a-fA-F]{4}){1,2})$")
# Contract §3: (type, minimum or choices, maximum); "color" and "url" are string formats.
THEME_FIELDS: dict[str, dict[str, tuple]] = {
    "borders": {
        "button_border_radius": ("number", 1, 10), "button_border_weight": ("number", 0, 10),
        "buttons_style": ("enum", ("pill", "rounded", "sharp")),
        "input_border_radius": ("number", 0, 10), "input_border_weight": ("number", 0, 3),
        "inputs_style": ("enum", ("pill", "rounded", "sharp")),
        "show_widget_shadow": ("bool",), "widget_border_weight": ("number", 0, 10),
        "widget_corner_radius": ("number", 0, 50),
    },
    "colors": {
        **{name: ("color",) for name in (
            "body_text", "error", "header", "icons", "input_background", "input_border",
            "input_filled_text", "input_labels_placeholders", "links_focused_components",
            "primary_button", "primary_button_label", "secondary_button_border",
            "secondary_button_label", "success", "widget_background", "widget_border")},
        **{name: ("color", "optional") for name in (
            "base_focus_color", "base_hover_color", "read_only_background")},
        "captcha_widget_theme": ("enum", ("auto", "dark", "light"), "optional"),
    },
    "fonts": {
        "font_url": ("url",), "reference_text_size": ("number", 12, 24),
        "links_style": ("enum", ("normal", "underlined")),
        "title": ("font", 75, 150), "subtitle": ("font", 0, 150),
        "body_text": ("font", 0, 150), "buttons_text": ("font", 0, 150),
        "input_labels": ("font", 0, 150), "links": ("font", 0, 150),
    },
    "page_background": {
        "background_color": ("color",), "background_image_url": ("url",),
        "page_layout": ("enum", ("center", "left", "right")),
    },
    "widget": {
        "header_text_alignment": ("enum", ("center", "left", "right")),
        "logo_height": ("number", 1, 100),
        "logo_position": ("enum", ("center", "left", "none", "right")),
        "logo_url": ("url",), "social_buttons_layout": ("enum", ("bottom", "top")),
    },
}
