"""The remote checks one tenant passes before its first write: what its resources need to show.

The Universal Login template renders only on a custom domain; prompt partials show only
with a verified custom domain and a page template. Each failure is one line that names the
tenant and says what to do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..auth0.resources import UL_TEMPLATE, parse_partials_resource
from ..errors import PublishError

_READY = "ready"  # Auth0's status of a verified custom domain


def check_custom_domain(tenant: str, domains: list[dict[str, Any]], wanted: str | None) -> None:
    """Require a custom domain for the Universal Login template (`wanted`, ready, if named)."""
    names = {d.get("domain"): d.get("status") for d in domains}
    hint = "add and verify a custom domain (Branding > Custom Domains), or stop managing 'login'"
    if not names:
        raise PublishError(f"{tenant}: the Universal Login template is managed but the tenant "
                           "has no custom domain (the template renders only there)", hint=hint)
    if wanted and wanted not in names:
        raise PublishError(f"{tenant}: custom domain '{wanted}' is not configured on the tenant "
                           f"(found: {', '.join(sorted(map(str, names)))})", hint=hint)
    if wanted and names[wanted] != _READY:
        raise PublishError(f"{tenant}: custom domain '{wanted}' is not ready "
                           f"(status: {names[wanted]})", hint=hint)


def sends_partials(desired: Mapping[str, Any]) -> bool:
    """Tell whether the run would give any prompt partials (clearing them needs nothing)."""
    return any(parse_partials_resource(r) is not None and v for r, v in desired.items())


def check_partials(tenant: str, desired: Mapping[str, Any], domains: list[dict[str, Any]],
                   stored_template: Callable[[], Any]) -> None:
    """Require what partials show with: a verified custom domain and a page template.

    The template counts when this run writes one, else when the tenant stores one
    (`stored_template` reads it: one call, and only then).
    """
    if not any(d.get("status") == _READY for d in domains):
        found = ", ".join(f"{d.get('domain')} ({d.get('status')})" for d in domains)
        raise PublishError(
            f"{tenant}: prompt partials need a verified custom domain and the tenant has "
            f"{'none' if not found else 'none verified: ' + found}",
            hint="add and verify one in Auth0 (Branding > Custom Domains), or stop managing "
            f"'partials' in tenants.{tenant}.manage")
    if desired.get(UL_TEMPLATE) is None and stored_template() is None:
        raise PublishError(
            f"{tenant}: prompt partials need a Universal Login page template and the tenant "
            "has none",
            hint=f"add 'login' to tenants.{tenant}.manage so publish writes one (or store one "
            "on the tenant), or stop managing 'partials'")
