"""Work out which Management API scopes a run needs, and check a token carries them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from ..errors import PublishError
from .resources import (
    BRANDING,
    CLASSIC_LOGIN,
    CUSTOM_TEXT_PREFIX,
    EMAIL_PREFIX,
    ORGANIZATION_PREFIX,
    PHONE_PREFIX,
    PROMPT_SETTINGS,
    SETTINGS_PREFIX,
    THEME,
    UL_TEMPLATE,
)

log = logging.getLogger(__name__)

# Each requirement is a tuple of alternatives: any one of them will do (Auth0 accepts
# read:client_keys wherever read:clients opens a client, for instance).
_READ = {
    UL_TEMPLATE: ("read:branding",),
    BRANDING: ("read:branding",),
    THEME: ("read:branding",),
    CLASSIC_LOGIN: ("read:clients", "read:client_keys"),
}
_WRITE = {
    (UL_TEMPLATE, "delete"): ("delete:branding",),
    (THEME, "create"): ("create:branding",),
    (THEME, "delete"): ("delete:branding",),
    (CLASSIC_LOGIN, None): ("update:clients", "update:client_keys"),
}
CUSTOM_DOMAINS = ("read:custom_domains",)


def _family(resource: str) -> str:
    if resource == PROMPT_SETTINGS or resource.startswith(CUSTOM_TEXT_PREFIX):
        return "prompts"
    if resource.startswith(EMAIL_PREFIX):
        return "email_templates"
    if resource.startswith(PHONE_PREFIX):
        return "phone_templates"
    if resource.startswith(ORGANIZATION_PREFIX):
        return "organizations"
    if resource.startswith(SETTINGS_PREFIX):
        return "tenant_settings"
    return "branding"


def read_scopes(resources: Iterable[str]) -> list[tuple[str, ...]]:
    """Return the scopes reading `resources` needs (and the custom-domain check, with login)."""
    needed: list[tuple[str, ...]] = []
    for resource in resources:
        needed.append(_READ.get(resource) or (f"read:{_family(resource)}",))
        if resource == UL_TEMPLATE:
            needed.append(CUSTOM_DOMAINS)
    return list(dict.fromkeys(needed))


def write_scopes(writes: Iterable[tuple[str, str]]) -> list[tuple[str, ...]]:
    """Return the scopes the writes need, each given as (resource, action)."""
    needed: list[tuple[str, ...]] = []
    for resource, action in writes:
        scope = _WRITE.get((resource, action)) or _WRITE.get((resource, None))
        if scope is None:
            verb = "create" if action == "create" and resource.startswith(
                (EMAIL_PREFIX, PHONE_PREFIX)) else "update"
            if action == "delete" and resource.startswith(PHONE_PREFIX):
                verb = "delete"  # a rollback removes a phone message publish created
            scope = (f"{verb}:{_family(resource)}",)
        needed.append(scope)
    return list(dict.fromkeys(needed))


def check_scopes(tenant: str, granted: frozenset[str] | None,
                 needed: Iterable[tuple[str, ...]]) -> None:
    """Raise PublishError naming every missing scope; skip when the token did not say."""
    if granted is None:
        log.warning("%s: the token response listed no scopes; relying on 403s", tenant)
        return
    missing = [" or ".join(alts) for alts in needed if not set(alts) & granted]
    if missing:
        raise PublishError(
            f"{tenant}: the token lacks scope(s): {', '.join(missing)}",
            hint="grant them to the application in Auth0 > Applications > APIs > "
            "Auth0 Management API",
        )
