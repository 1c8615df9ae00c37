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

# The resource each page of the brand becomes.
PAGE_RESOURCES = {
    "login": UL_TEMPLATE,
    "password_reset": CHANGE_PASSWORD,
    "error_page": ERROR_PAGE,
    "classic_login": CLASSIC_LOGIN,
}


def email_resource(template: str) -> str:
    """The resource id of the email template named `template` (e.g. verify_email)."""
    return f"{EMAIL_PREFIX}{template}"
