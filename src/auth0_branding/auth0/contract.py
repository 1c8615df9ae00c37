"""The Auth0 contract as data: limits, placeholders, variables and theme fields per output."""

from __future__ import annotations

# Bytes of UTF-8, the stricter reading of the API's "Maximum string length: 102400"
# (docs/api/management/v2/branding/put-universal-login): a template within it fits either way.
UL_MAX_BYTES = 102_400
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

# The classic (Guardian) MFA page: Auth0's documented template loads the MFA widget from its
# CDN (version 1.2.1 in the docs: which versions still work is UNVERIFIED) and initialises
# it with `new Auth0MFAWidget({container, mfaServerUrl, requestToken | ticket, postActionURL,
# userData, globalTrackingId})`.
MFA_WIDGET_SCRIPT = "cdn.auth0.com/js/mfa-widget/mfa-widget-"
MFA_WIDGET_CALL = "new Auth0MFAWidget("
# Both of the documented templates pass it.
MFA_PAGE_REQUIRED = ("mfaServerUrl",)
# Passed by the template for login (the enrollment-only one lacks them): UNVERIFIED.
MFA_PAGE_EXPECTED = ("requestToken", "postActionURL")

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
    # The variables of Auth0's documented MFA page templates.
    "guardian_mfa_page": frozenset({"userData", "mfaServerUrl", "ticket", "requestToken",
                                    "postActionURL", "globalTrackingId", "errors"}),
}
# The variable each page is rendered with that names the reader's language: Universal Login's
# `locale` is one of the tenant's enabled_locales; the classic pages get the request's `lang`.
PAGE_LANGUAGE_SOURCES = {
    "login": ("locale",),
    "password_reset": ("lang",),
    "error_page": ("lang",),
}
# Universal Login also renders its page with the language's writing direction, `ltr` or `rtl`.
PAGE_DIRECTION_VARIABLES = {"login": "dir"}
# Where Auth0 takes the `${...}` variables of Universal Login texts from, as Liquid paths
# (UNVERIFIED: read from the text-elements page's descriptions, not from a specification).
TEXT_VARIABLES = {"companyName": "tenant.friendly_name", "clientName": "application.name",
                  "userName": "user.name", "email": "user.email"}
# The variable Auth0 renders every email with that names the language the request asked for
# (UNVERIFIED: its exact form, a bare tag or header-like `fr-FR,fr;q=0.9`).
EMAIL_LANGUAGE_VARIABLE = "request_language"
UNTRUSTED = ("user.name", "user.nickname", "user.given_name", "user.family_name",
             "error_description", "transaction.params")
# Everything on the error page comes from the failed request's query string.
UNTRUSTED_ERROR_PAGE = ("error", "error_description", "tracking", "client_id", "connection",
                        "lang")
# The MFA page prints the user's address and name.
UNTRUSTED_MFA_PAGE = (*UNTRUSTED, "userData.email", "userData.friendlyUserId")
# The change password page prints the user's address and the request's language.
UNTRUSTED_PASSWORD_RESET = (*UNTRUSTED, "email", "lang")
RESULT_URL_VARIABLES = frozenset({"application.name", "application.clientID",
                                  "application.callback_domain"})
