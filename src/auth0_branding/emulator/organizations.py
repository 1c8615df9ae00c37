"""Answer the organization endpoints the publisher uses: find by name, patch the branding.

The emulator config declares each tenant's organizations; we brand organizations, we never
create them. Wordings of the 404 are UNVERIFIED.
"""

from __future__ import annotations

from typing import Any

from ..auth0.organizations import BRANDING_COLORS
from . import schema
from .resources import ApiRequest, Reply, _json_object, _route, _without_nulls
from .schema import HttpError
from .state import TenantState

_branding = schema.obj({
    "logo_url": schema.nullable(schema.https_or_empty),
    # Both colours once `colors` is sent (Auth0's OrganizationBranding schema).
    "colors": schema.obj({key: schema.color for key in BRANDING_COLORS}, required=BRANDING_COLORS),
})
_update = schema.obj({
    "name": schema.string,
    "display_name": schema.string,
    "branding": schema.nullable(_branding),
    "metadata": schema.anything,
    "token_quota": schema.anything,
    "third_party_client_access": schema.anything,
    "is_app_entitlement_active": schema.anything,
})


def _by_name(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    for record in state.organizations.values():
        if record["name"] == params["name"]:
            return Reply(200, record)
    raise HttpError(404, "No organization found by that name or ID",
                    "inexistent_organization")


def _patch(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    record: dict[str, Any] | None = state.organizations.get(params["id"])
    if record is None:
        raise HttpError(404, "No organization found by that name or ID",
                        "inexistent_organization")
    body = _json_object(request)
    _update(body, "")
    for key, value in body.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = _without_nulls(value)
    return Reply(200, record)


ROUTES = (
    _route("GET", "organizations/name/{name}", "read:organizations", _by_name),
    _route("PATCH", "organizations/{id}", "update:organizations", _patch),
)
