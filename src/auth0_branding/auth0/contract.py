"""The Auth0 contract as data: limits, placeholders, variables and theme fields per output."""

from __future__ import annotations

UL_MAX_CHARS = 102_400
# The Universal Login template's two required tags, and the hyphenated (whitespace
# trimming) form that Auth0 accepts them in.
UL_HEAD_TAG, UL_WIDGET_TAG = "auth0:head", "auth0:widget"
UL_HEAD_MARKUP, UL_WIDGET_MARKUP = (f"{{%- {tag} -%}}" for tag in (UL_HEAD_TAG, UL_WIDGET_TAG))
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
# Every email template Auth0 has, by the name its API uses.
EMAIL_TEMPLATES = tuple(EMAIL_CONTRACT)
PAGE_VARIABLES = {
    "login": frozenset({"application", "branding", "tenant", "organization", "custom_domain",
                        "user", "dir", "locale", "prompt", "transaction"}),
    "password_reset": frozenset({"email", "csrf_token", "ticket", "password_policy",
                                 "password_complexity_options", "tenant", "lang", "min_length"}),
    # `log_url` is UNVERIFIED: accepted without complaint.
    "error_page": frozenset({"error", "error_description", "tracking", "client_id", "connection",
                             "lang", "log_url"}),
}
# The variable each page is rendered with that names the reader's language: Universal Login's
# `locale` is one of the tenant's enabled_locales; the classic pages get the request's `lang`.
PAGE_LANGUAGE_SOURCES = {
    "login": ("locale",),
    "password_reset": ("lang",),
    "error_page": ("lang",),
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
