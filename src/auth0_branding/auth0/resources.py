"""The Management API resources we build for and publish to, by the ids the whole tool uses.

An id names the endpoint and, after `#`, the field of a shared object (the tenant settings
hold both classic pages). The build tags each output with one; the publisher reads, plans and
writes by it; the scopes follow from it.
"""

from __future__ import annotations

UL_TEMPLATE = "branding/templates/universal-login"
CHANGE_PASSWORD = "tenants/settings#change_password"
ERROR_PAGE = "tenants/settings#error_page"
CLASSIC_LOGIN = "clients/global#custom_login_page"
BRANDING = "branding"
THEME = "branding/themes/default"
EMAIL_PREFIX = "email-templates/"
SETTINGS_PREFIX = "tenants/settings#"
# The languages Universal Login offers, the first its default.
ENABLED_LOCALES = "tenants/settings#enabled_locales"
# The classic (Guardian) MFA page, for tenants on Classic Login.
GUARDIAN_MFA_PAGE = "tenants/settings#guardian_mfa_page"

# The resource each page of the brand becomes.
PAGE_RESOURCES = {
    "login": UL_TEMPLATE,
    "password_reset": CHANGE_PASSWORD,
    "error_page": ERROR_PAGE,
    "classic_login": CLASSIC_LOGIN,
    "guardian_mfa_page": GUARDIAN_MFA_PAGE,
}


def email_resource(template: str) -> str:
    """The resource id of the email template named `template` (e.g. verify_email)."""
    return f"{EMAIL_PREFIX}{template}"


# Universal Login prompts: the settings object, and custom text per prompt and language.
PROMPT_SETTINGS = "prompts"
CUSTOM_TEXT_PREFIX = "prompts/"
_CUSTOM_TEXT_SUFFIX = "/custom-text/"


def custom_text_resource(prompt: str, language: str) -> str:
    """The resource id of `prompt`'s custom text in `language` (prompts/login/custom-text/fr)."""
    return f"{CUSTOM_TEXT_PREFIX}{prompt}{_CUSTOM_TEXT_SUFFIX}{language}"


def parse_custom_text_resource(resource: str) -> tuple[str, str] | None:
    """Return (prompt, language) of a custom-text resource id, or None for any other id."""
    if not resource.startswith(CUSTOM_TEXT_PREFIX):
        return None
    prompt, separator, language = resource[len(CUSTOM_TEXT_PREFIX):].partition(_CUSTOM_TEXT_SUFFIX)
    if not separator or not prompt or not language or "/" in prompt or "/" in language:
        return None
    return prompt, language


_PARTIALS_SUFFIX = "/partials"


def partials_resource(prompt: str) -> str:
    """The resource id of `prompt`'s partials (prompts/login/partials)."""
    return f"{CUSTOM_TEXT_PREFIX}{prompt}{_PARTIALS_SUFFIX}"


def parse_partials_resource(resource: str) -> str | None:
    """Return the prompt of a partials resource id, or None for any other id."""
    return _segment(resource, CUSTOM_TEXT_PREFIX, _PARTIALS_SUFFIX)


# Phone messages: one template per type, found by its type (Auth0 gives it an id on create).
PHONE_PREFIX = "branding/phone/templates/"


def phone_resource(message_type: str) -> str:
    """The resource id of the phone message of `message_type` (branding/phone/templates/otp_verify)."""
    return f"{PHONE_PREFIX}{message_type}"


def parse_phone_resource(resource: str) -> str | None:
    """Return the message type of a phone resource id, or None for any other id."""
    return _segment(resource, PHONE_PREFIX)


# Organization branding: the organization is found by its name, then patched by its id.
ORGANIZATION_PREFIX = "organizations/"
_BRANDING_FIELD = "#branding"


def organization_resource(name: str) -> str:
    """The resource id of organization `name`'s branding (organizations/acme#branding)."""
    return f"{ORGANIZATION_PREFIX}{name}{_BRANDING_FIELD}"


def parse_organization_resource(resource: str) -> str | None:
    """Return the organization name of an organization resource id, or None."""
    return _segment(resource, ORGANIZATION_PREFIX, _BRANDING_FIELD)


def _segment(resource: str, prefix: str, suffix: str = "") -> str | None:
    """Return the one path segment between `prefix` and `suffix`, or None if there is none."""
    if not resource.startswith(prefix) or not resource.endswith(suffix):
        return None
    middle = resource[len(prefix):len(resource) - len(suffix)]
    return middle if middle and "/" not in middle else None
