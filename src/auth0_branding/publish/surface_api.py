"""Read and write prompt partials, phone messages and organization branding for one tenant.

`tenant_api.Auth0Target` sends every call (paced, retried, counted); this module knows how
each of these resources maps onto Auth0's endpoints. Partials calls draw from the partials
bucket too (5 burst, 5 a minute, reads and writes alike).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..auth0.plans import GLOBAL, PARTIALS
from ..auth0.resources import parse_organization_resource, parse_partials_resource, parse_phone_resource
from ..errors import PublishError

if TYPE_CHECKING:
    from .tenant_api import Auth0Target

PARTIALS_BUCKETS = (GLOBAL, PARTIALS)
# The fields of a phone message that dist/ sets (the rest is Auth0's bookkeeping).
_PHONE_FIELDS = ("type", "disabled", "content")


def handles(resource: str) -> bool:
    """Tell whether `resource` is one of this module's."""
    return any(parse(resource) is not None for parse in (
        parse_partials_resource, parse_phone_resource, parse_organization_resource))


def read(api: Auth0Target, resource: str) -> Any:
    """Return the remote value of `resource` in dist's shape, or None when there is none."""
    if (prompt := parse_partials_resource(resource)) is not None:
        found = api.call("read", resource, lambda: api.client.prompts.partials.get(prompt),
                         buckets=PARTIALS_BUCKETS)
        return api.plain(found) or None  # {}: the prompt has no partials
    if (kind := parse_phone_resource(resource)) is not None:
        record = _phone_templates(api).get(kind)
        # Auth0 lists its own message for a type the tenant never wrote, without an id.
        if record is None or not record.get("id"):
            return None
        return {k: record[k] for k in _PHONE_FIELDS if k in record}
    if (name := parse_organization_resource(resource)) is not None:
        return {"branding": _organization(api, resource, name).get("branding")}
    raise PublishError(f"{api.target.tenant}: unknown resource '{resource}'")


def write(api: Auth0Target, resource: str, action: str, value: Any) -> None:
    """Create, update or delete one resource."""
    if (prompt := parse_partials_resource(resource)) is not None:
        # One PUT replaces the prompt's whole set; {} clears it.
        body = {} if action == "delete" else value
        api.call("write", resource, lambda: api.client.prompts.partials.set(prompt, request=body),
                 buckets=PARTIALS_BUCKETS, write=True)
    elif (kind := parse_phone_resource(resource)) is not None:
        _write_phone(api, resource, kind, action, value)
    elif (name := parse_organization_resource(resource)) is not None:
        org_id = _organization(api, resource, name)["id"]
        branding = (value or {}).get("branding")
        # branding None removes it (a rollback to an organization that had none).
        api.call("update", resource, lambda: api.client.organizations.update(
            org_id, branding=branding), write=True)
    else:
        raise PublishError(f"{api.target.tenant}: unknown resource '{resource}'")


def _write_phone(api: Auth0Target, resource: str, kind: str, action: str, value: Any) -> None:
    templates = api.client.branding.phone.templates
    record = _phone_templates(api).get(kind) or {}
    template_id = record.get("id")
    if action == "delete":
        if template_id:  # Auth0's own message for the type is used again
            api.call("delete", resource, lambda: templates.delete(template_id), write=True)
        api.phone_templates = None
        return
    fields = {"disabled": value.get("disabled"), "content": value.get("content")}
    if not template_id:
        try:
            api.call("create", resource, lambda: templates.create(type=kind, **fields),
                     write=True)
            api.phone_templates = None
            return
        except PublishError as error:
            if getattr(error, "status", None) != 409:
                raise
            # Created by a try whose answer was lost, or by someone else: update it.
            api.phone_templates = None
            template_id = _phone_templates(api).get(kind, {}).get("id")
    if not template_id:
        raise PublishError(f"{api.target.tenant}: the phone message '{kind}' vanished while "
                           "being written", hint="re-run (publish converges)")
    api.call("update", resource, lambda: templates.update(template_id, **fields), write=True)
    api.phone_templates = None


def _phone_templates(api: Auth0Target) -> dict[str, dict[str, Any]]:
    """Return the tenant's phone messages by type, from one list call per run (until a write)."""
    if api.phone_templates is None:
        listed = api.plain(api.call("read", "branding/phone/templates",
                                    api.client.branding.phone.templates.list)) or {}
        api.phone_templates = {t["type"]: t for t in listed.get("templates") or []}
    return api.phone_templates


def _organization(api: Auth0Target, resource: str, name: str) -> dict[str, Any]:
    """Return the organization called `name`; a missing one stops the tenant, never created."""
    if name not in api.organizations:
        found = api.call("read", resource, lambda: api.client.organizations.get_by_name(name),
                         missing_ok=True)
        if found is None:
            raise PublishError(
                f"{api.target.tenant}: organization '{name}' does not exist on the tenant, so "
                "its branding cannot be published",
                hint=f"create it in Auth0 (Organizations) or remove it from "
                f"tenants.{api.target.tenant}.organizations in brand/tenants.toml: publish "
                "brands organizations, it never creates them")
        api.organizations[name] = api.plain(found)
    return api.organizations[name]
