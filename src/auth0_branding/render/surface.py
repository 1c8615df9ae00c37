"""What the rest of a tenant's branding surface adds to a sample: partials, organizations.

Auth0 renders a prompt's partials (Liquid, with the page's own data) at the insertion points
of its widget; the widget mock does the same with the built partials of the sample's tenant.
A page or email rendered for one of the tenant's organizations reads that organization's
branding (`organization.branding.*`): the sample takes it from the built organization output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..auth0.prompts import custom_variable_reference, is_custom_variable_key
from ..brand.scenarios import deep_merge
from ..build.artifacts import Artifact
from .liquid import render_liquid

_TEXTS = "prompt.screen.texts."


@dataclass(frozen=True)
class PromptPartials:
    """One prompt's built partials: `{screen: {insertion point: Liquid}}`, and their file."""

    path: str
    screens: Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class Surface:
    """A tenant's outputs that change how its views render: partials, organization branding."""

    partials: Mapping[str, PromptPartials] = field(default_factory=dict)
    # organization name -> its built `branding` ({logo_url, colors: {...}})
    organizations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, artifacts: Iterable[Artifact], tenant: str) -> Surface:
        """Gather the surface of `tenant` from a build's artifacts."""
        mine = [a for a in artifacts if a.tenant == tenant]
        partials = {a.name: PromptPartials(a.path, json.loads(a.content))
                    for a in mine if a.kind == "partials"}
        organizations = {a.name: json.loads(a.content).get("branding", {})
                         for a in mine if a.kind == "organization"}
        return cls(partials, organizations)


def with_organization(surface: Surface | None, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Give `data`'s organization the branding the tenant's build gives it, if any."""
    organization = data.get("organization")
    if surface is None or not isinstance(organization, Mapping):
        return data
    name = organization.get("name")
    branding = surface.organizations.get(name) if isinstance(name, str) else None
    if not branding:
        return data
    # The build's branding replaces the fixture's whole: what ships is what is shown.
    return {**data, "organization": {**organization, "branding": branding}}


def surfaces(artifacts: Iterable[Artifact]) -> dict[str, Surface]:
    """Return the surface of every tenant of a build."""
    artifacts = list(artifacts)
    return {tenant: Surface.of(artifacts, tenant) for tenant in {a.tenant for a in artifacts}}


def render_partials(surface: Surface | None, prompt: str, screen: str,
                    data: Mapping[str, Any]) -> dict[str, str]:
    """Render the partials of `prompt`'s `screen` with the page's data: `{point: html}`."""
    found = surface.partials.get(prompt) if surface else None
    fragments = found.screens.get(screen, {}) if found else {}
    if not fragments:
        return {}
    assert found is not None
    data = _with_variables(data)
    return {point: render_liquid(text, data, name=f"{found.path} ({screen}/{point})")
            for point, text in fragments.items()}


def _with_variables(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Add the names a partial reads custom text variables by: `var-tos` as `varTos`."""
    texts = data.get("prompt", {}).get("screen", {}).get("texts", {})
    named = {custom_variable_reference(key).removeprefix(_TEXTS): text
             for key, text in texts.items() if is_custom_variable_key(key)}
    if not named:
        return data
    return deep_merge(data, {"prompt": {"screen": {"texts": named}}})
