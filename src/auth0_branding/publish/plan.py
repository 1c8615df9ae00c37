"""Compare what dist/ wants with what a tenant holds: a pure plan of changes and their diffs."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..auth0.resources import (
    BRANDING,
    CHANGE_PASSWORD,
    CLASSIC_LOGIN,
    CUSTOM_TEXT_PREFIX,
    EMAIL_PREFIX,
    ENABLED_LOCALES,
    ERROR_PAGE,
    GUARDIAN_MFA_PAGE,
    ORGANIZATION_PREFIX,
    PHONE_PREFIX,
    THEME,
    UL_TEMPLATE,
    custom_text_resource,
    parse_custom_text_resource,
    parse_partials_resource,
)

# The rank of every prompt's partials in the write order.
PARTIALS = "prompts/*/partials"

# Writes go in this order. The UL template goes first: it is the write most likely to be
# refused (402 on plans without the feature, 400 on bad tags), and refusing it before
# anything else is written keeps the tenant whole; partials show only with it. Custom text
# comes before the settings (whose one PATCH carries enabled_locales): a language is cleared
# before it leaves enabled_locales, so a run that stops between the two still finds it
# there next time and clears it then. Partials follow the custom text whose `var-*` keys
# they read. Emails, in the tightest bucket, go last.
_ORDER = (UL_TEMPLATE, CUSTOM_TEXT_PREFIX, PARTIALS, CHANGE_PASSWORD, ERROR_PAGE,
          GUARDIAN_MFA_PAGE, ENABLED_LOCALES, CLASSIC_LOGIN, BRANDING, THEME, PHONE_PREFIX,
          ORGANIZATION_PREFIX)

# What `--only` accepts, and the narrow categories (see `resource_category`) each selects.
_PAGES = ("login", "password_reset", "error_page", "classic_login", "guardian_mfa_page")
_NARROW = ("branding", "theme", "emails", "custom_text", "languages", "partials", "phone",
           "organizations")
CATEGORIES: dict[str, tuple[str, ...]] = {
    "pages": _PAGES, **{name: (name,) for name in (*_PAGES, *_NARROW)},
}
_BY_ID = {UL_TEMPLATE: "login", CHANGE_PASSWORD: "password_reset", ERROR_PAGE: "error_page",
          CLASSIC_LOGIN: "classic_login", GUARDIAN_MFA_PAGE: "guardian_mfa_page",
          BRANDING: "branding", THEME: "theme", ENABLED_LOCALES: "languages"}
_BY_PREFIX = ((EMAIL_PREFIX, "emails"), (PHONE_PREFIX, "phone"),
              (ORGANIZATION_PREFIX, "organizations"))
# The field of each resource that holds HTML: diffs show it as text, not a JSON string.
_HTML_FIELDS = ("body", "html", "custom_login_page")


@dataclass(frozen=True)
class Change:
    """What one resource of one tenant needs: create, update, delete, or nothing."""

    tenant: str
    resource: str
    action: str  # create | update | delete | unchanged
    desired: Any  # None for delete
    remote: Any  # None when the resource does not exist remotely

    @property
    def writes(self) -> bool:
        """Tell whether applying this change calls the API."""
        return self.action != "unchanged"

    @property
    def shown_action(self) -> str:
        """Name what the write does: Auth0 cannot delete an email template, so it is disabled."""
        if self.action == "delete" and self.resource.startswith(EMAIL_PREFIX):
            return "disable"
        return self.action


def resource_rank(resource: str) -> tuple[int, str]:
    """Return the sort key that puts resources in write order."""
    if resource in _ORDER:
        return _ORDER.index(resource), resource
    if parse_custom_text_resource(resource):
        return _ORDER.index(CUSTOM_TEXT_PREFIX), resource
    if parse_partials_resource(resource):
        return _ORDER.index(PARTIALS), resource
    for prefix in (PHONE_PREFIX, ORGANIZATION_PREFIX):
        if resource.startswith(prefix):
            return _ORDER.index(prefix), resource
    return len(_ORDER), resource


def resource_category(resource: str) -> str | None:
    """Return the narrowest `--only` category of `resource` (None: none names it)."""
    if resource in _BY_ID:
        return _BY_ID[resource]
    if parse_custom_text_resource(resource):
        return "custom_text"
    if parse_partials_resource(resource):
        return "partials"
    return next((name for prefix, name in _BY_PREFIX if resource.startswith(prefix)), None)


def category_matches(resource: str, only: frozenset[str] | None) -> bool:
    """Tell whether `--only` selects `resource` (None selects everything)."""
    if only is None:
        return True
    return resource_category(resource) in {c for name in only for c in CATEGORIES[name]}


def plan(
    tenant: str, desired: Mapping[str, Any], remote: Mapping[str, Any], exact: bool = False
) -> list[Change]:
    """Return one Change per desired resource, in write order (None desired means delete).

    Publishing compares only the fields dist/ sets; a restore (`exact`) compares whole values.
    Custom text and partials always compare whole: a PUT replaces every screen of the
    prompt (and language), and an empty body is none at all (the PUT that clears them).
    """
    changes = []
    for resource in sorted(desired, key=resource_rank):
        want, have = desired[resource], remote.get(resource)
        texts = (parse_custom_text_resource(resource) is not None
                 or parse_partials_resource(resource) is not None)
        compare = identical if exact or texts else same
        if texts and not want:
            want = None
        if want is None:
            action = "unchanged" if have is None else "delete"
        elif have is None:
            action = "create"
        else:
            action = "unchanged" if compare(want, have) else "update"
        changes.append(Change(tenant, resource, action, want, have))
    return changes


def cleared_texts(desired: Mapping[str, Any], enabled_locales: Any) -> list[str]:
    """Return the custom text to clear: every managed prompt in each removed language.

    dist/'s languages are those of its custom text (the build writes a file for every
    prompt and language, {} where a language has no texts); a language the tenant's
    current `enabled_locales` lists beyond them was removed from the brand.
    """
    managed = [p for p in map(parse_custom_text_resource, desired) if p is not None]
    kept = {language for _, language in managed}
    prompts = sorted({prompt for prompt, _ in managed})
    removed = [str(lang) for lang in enabled_locales or () if lang not in kept]
    return [custom_text_resource(p, lang) for lang in dict.fromkeys(removed) for p in prompts
            if custom_text_resource(p, lang) not in desired]


def same(desired: Any, remote: Any) -> bool:
    """Tell whether `remote` already holds every field `desired` sets."""
    return normalise(desired) == normalise(project(remote, desired))


def identical(desired: Any, remote: Any) -> bool:
    """Tell whether two values are equal, a null field counting as absent (as Auth0 stores it)."""
    return _without_nulls(normalise(desired)) == _without_nulls(normalise(remote))


def _without_nulls(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def project(remote: Any, desired: Any) -> Any:
    """Return the part of `remote` that `desired` manages (a missing field reads as None)."""
    if isinstance(desired, Mapping):
        source = remote if isinstance(remote, Mapping) else {}
        return {key: project(source.get(key), want) for key, want in desired.items()}
    return remote


def normalise(value: Any) -> Any:
    """Make equal JSON compare equal: 432000.0 is 432000 (the SDK parses numbers as floats)."""
    if isinstance(value, Mapping):
        return {key: normalise(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def diff_lines(change: Change, context: int = 3, source: str | None = None) -> list[str]:
    """Return a unified diff from the remote value to the desired one (empty when unchanged).

    `source` names the folder the desired value comes from (default: `dist/<tenant>`).
    """
    if not change.writes:
        return []
    remote = change.remote
    if change.desired is not None and remote is not None:
        remote = project(remote, change.desired)
    before, after = _display(remote), _display(change.desired)
    return list(difflib.unified_diff(
        before, after, f"remote/{change.tenant}/{change.resource}",
        f"{source or 'dist/' + change.tenant}/{change.resource}", n=context, lineterm="",
    ))


def diff_stat(change: Change) -> tuple[int, int]:
    """Count the lines the change adds and removes, as its unified diff shows them."""
    lines = diff_lines(change, context=0)[2:]  # past the two file headers
    return (sum(line.startswith("+") for line in lines),
            sum(line.startswith("-") for line in lines))


def _display(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines()
    value = normalise(value)
    html = next((k for k in _HTML_FIELDS if isinstance(value, Mapping) and k in value), None)
    rest = {k: v for k, v in value.items() if k != html} if html else value
    lines = json.dumps(rest, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    if html:
        lines += [f"--- {html} ---", *str(value[html] or "").splitlines()]
    return lines
