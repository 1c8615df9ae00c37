"""Read dist/ for publishing: verify every hash against the manifest, then assemble resources."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..auth0.resources import (
    BRANDING,
    CHANGE_PASSWORD,
    CLASSIC_LOGIN,
    EMAIL_PREFIX,
    ENABLED_LOCALES,
    ERROR_PAGE,
    GUARDIAN_MFA_PAGE,
    THEME,
    UL_TEMPLATE,
    parse_custom_text_resource,
    parse_organization_resource,
    parse_partials_resource,
    parse_phone_resource,
)
from ..errors import DistError, Location, display_path
from .manifest import MANIFEST, MANIFEST_FORMAT

_REBUILD = "dist/ changed after the build; rebuild it with `auth0-branding build`"


@dataclass(frozen=True)
class DistTenant:
    """One tenant in dist/: how to reach it, and the value each managed resource should hold."""

    name: str
    spec: Mapping[str, Any]  # domain, custom_domain, client_id_env, client_secret_env, manage
    desired: Mapping[str, Any]


@dataclass(frozen=True)
class Dist:
    """A verified dist/ folder."""

    path: Path
    brand: str
    tenants: Mapping[str, DistTenant]


def load_dist(dist_dir: Path) -> Dist:
    """Verify dist/ against its manifest (hashes first), then return what each tenant wants."""
    dist_dir = Path(dist_dir)
    manifest = _load_manifest(dist_dir)
    contents = {}
    for output in manifest["outputs"]:
        contents[output["path"]] = _verified(dist_dir, output)  # checks the keys first
    tenants = {}
    for name, spec in sorted(manifest["tenants"].items()):
        outputs = [o for o in manifest["outputs"] if o["tenant"] == name]
        tenants[name] = DistTenant(name, spec, _desired(dist_dir, outputs, contents))
    return Dist(dist_dir, str(manifest.get("brand", "")), tenants)


def _load_manifest(dist_dir: Path) -> dict[str, Any]:
    path = dist_dir / MANIFEST
    where = Location(display_path(path))
    if not path.is_file():
        raise DistError("manifest not found", where, "build first: `auth0-branding build`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise DistError(f"manifest is not valid JSON ({error})", where, _REBUILD) from error
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise DistError(f"unsupported manifest format (expected {MANIFEST_FORMAT})", where,
                        "rebuild with this version of auth0-branding")
    for key in ("tenants", "outputs"):
        if key not in manifest:
            raise DistError(f"manifest lacks '{key}'", where, _REBUILD)
    return manifest


def _verified(dist_dir: Path, output: Mapping[str, Any]) -> str:
    missing = [k for k in ("path", "sha256", "size", "tenant", "resource", "kind")
               if not isinstance(output, Mapping) or k not in output]
    if missing:
        raise DistError(f"a manifest output lacks {', '.join(missing)}",
                        Location(display_path(dist_dir / MANIFEST)), _REBUILD)
    relative = str(output["path"])
    path = (dist_dir / relative).resolve()
    where = Location(display_path(dist_dir / relative))
    if not path.is_relative_to(dist_dir.resolve()):
        raise DistError("manifest points outside dist/", where, _REBUILD)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DistError(f"listed in the manifest but unreadable ({error.strerror})", where,
                        _REBUILD) from error
    digest = hashlib.sha256(data).hexdigest()
    if digest != output["sha256"] or len(data) != output["size"]:
        raise DistError(f"does not match the manifest (sha256 {digest[:12]}…, expected "
                        f"{str(output['sha256'])[:12]}…)", where, _REBUILD)
    # Decoded as stored: no newline translation, so what ships is byte for byte what was checked.
    return data.decode("utf-8")


def _desired(dist_dir: Path, outputs: list[Mapping[str, Any]], contents: Mapping[str, str]
             ) -> dict[str, Any]:
    desired: dict[str, Any] = {}
    bodies: dict[str, str] = {}
    settings: dict[str, Any] = {}
    for output in outputs:
        if output.get("published") is False:  # verified like the rest, sent nowhere
            continue
        text, resource = contents[output["path"]], output["resource"]
        kind = output["kind"]
        if kind == "page" and resource == UL_TEMPLATE:
            desired[resource] = text
        elif kind == "page" and resource in (CHANGE_PASSWORD, GUARDIAN_MFA_PAGE):
            desired[resource] = {"enabled": True, "html": text}
        elif kind == "page" and resource == ERROR_PAGE:
            # url "" makes Auth0 render the HTML instead of redirecting.
            desired[resource] = {"html": text, "show_log_link": False, "url": ""}
        elif kind == "page" and resource == CLASSIC_LOGIN:
            desired[resource] = {"custom_login_page": text, "custom_login_page_on": True}
        elif kind == "email":
            bodies[resource] = text
        elif kind == "email_settings":
            settings[resource] = _json(dist_dir, output, text)
        elif kind == "branding" and resource == BRANDING:
            desired[resource] = _json(dist_dir, output, text)
        elif kind == "theme" and resource == THEME:
            desired[resource] = _json(dist_dir, output, text)
        elif kind == "custom_text" and parse_custom_text_resource(resource):
            desired[resource] = _json(dist_dir, output, text)
        elif kind == "languages" and resource == ENABLED_LOCALES:
            desired[resource] = _json(dist_dir, output, text)["enabled_locales"]
        elif (kind == "partials" and parse_partials_resource(resource)
              or kind == "phone" and parse_phone_resource(resource)
              or kind == "organization" and parse_organization_resource(resource)):
            # Each is the body of its one write, exactly as built.
            desired[resource] = _json(dist_dir, output, text)
        else:
            raise DistError(f"unknown output kind '{kind}' for resource '{resource}'",
                            Location(display_path(dist_dir / MANIFEST)), _REBUILD)
    for resource in sorted(set(bodies) | set(settings)):
        if resource not in bodies or resource not in settings or not resource.startswith(
            EMAIL_PREFIX
        ):
            raise DistError(f"{resource} needs both its .html body and its .json settings",
                            Location(display_path(dist_dir / MANIFEST)), _REBUILD)
        desired[resource] = {**settings[resource], "body": bodies[resource]}
    return desired


def _json(dist_dir: Path, output: Mapping[str, Any], text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise DistError(f"not valid JSON ({error})", Location(display_path(
            dist_dir / output["path"])), _REBUILD) from error
