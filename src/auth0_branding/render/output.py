"""Render one built output as the preview does: the engine behind `render`, for scripts."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..brand.scenarios import Scenario, deep_merge, scenarios_for
from ..build.artifacts import Artifact
from ..errors import Location, RenderError, did_you_mean
from .languages import Languages
from .sample import RENDERED_KINDS, Sample, render_sample, widget_theme
from .surface import Surface


def _spellings(artifact: Artifact) -> tuple[str, ...]:
    """Every way `render` may name an output: dist path, `kinds/name`, bare name."""
    return (artifact.path, artifact.path.split("/", 1)[1].rsplit(".", 1)[0],
            f"{artifact.kind}s/{artifact.name}", artifact.name)


def find_output(artifacts: Sequence[Artifact], spec: str, tenant: str) -> Artifact:
    """Return the page, email or phone message `spec` names in `tenant` (or its dist path)."""
    rendered = [a for a in artifacts if a.kind in RENDERED_KINDS]
    if spec.count("/") >= 2:  # a dist path names its tenant
        tenant = spec.split("/", 1)[0]
    mine = [a for a in rendered if a.tenant == tenant]
    if not mine:
        tenants = sorted({a.tenant for a in rendered})
        raise RenderError(f"no tenant '{tenant}' in the build",
                          hint=did_you_mean(tenant, tenants)
                          or "tenants: " + ", ".join(tenants))
    found = [a for a in mine if spec in _spellings(a)]
    if len(found) == 1:
        return found[0]
    names = sorted(f"{a.kind}s/{a.name}" for a in mine)
    if found:
        raise RenderError(f"'{spec}' names more than one output of tenant '{tenant}'",
                          hint="write one of " + ", ".join(f"{a.kind}s/{a.name}" for a in found))
    raise RenderError(f"no page, email or phone message '{spec}' in tenant '{tenant}'",
                      hint=did_you_mean(spec, [s for a in mine for s in _spellings(a)[1:]])
                      or "outputs: " + ", ".join(names))


def _scenario(scenarios: Sequence[Scenario], name: str | None, artifact: Artifact) -> Scenario:
    if not scenarios:
        raise RenderError(f"no scenario renders {artifact.kind} '{artifact.name}'",
                          hint="add one under fixtures/")
    if name is None:
        return scenarios[0]
    for scenario in scenarios:
        if scenario.name == name:
            return scenario
    known = [s.name for s in scenarios]
    raise RenderError(f"no scenario '{name}' for {artifact.kind} '{artifact.name}'",
                      hint=did_you_mean(name, known) or "scenarios: " + ", ".join(known))


def load_data(path: Path) -> dict[str, Any]:
    """Read `--data`: a JSON object merged over the scenario's data."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RenderError(f"cannot read the data file: {error.strerror}",
                          location=Location(str(path))) from error
    except UnicodeDecodeError as error:
        raise RenderError("the data file is not UTF-8 text",
                          location=Location(str(path))) from error
    except json.JSONDecodeError as error:
        raise RenderError(f"not JSON: {error.msg}", location=Location(str(path), error.lineno),
                          hint="fix the JSON") from error
    if not isinstance(data, dict):
        raise RenderError("the data file must hold a JSON object",
                          location=Location(str(path), 1),
                          hint='e.g. {"user": {"name": "Ada"}}')
    return data


def render_output(
    artifacts: Sequence[Artifact], spec: str, tenant: str, scenarios: Mapping[str, tuple[Scenario, ...]],
    *, scenario: str | None = None, language: str | None = None,
    languages: Languages | None = None, data: Mapping[str, Any] | None = None,
) -> Sample:
    """Render the output `spec` in `scenario` (the first by default) and `language`.

    `data` is merged over the scenario's data, as fixtures merge over common.json.
    """
    artifact = find_output(artifacts, spec, tenant)
    chosen = _scenario(scenarios_for(scenarios, artifact.kind, artifact.name), scenario,
                       artifact)
    if data:
        chosen = Scenario(chosen.group, chosen.name, chosen.description,
                          deep_merge(chosen.data, data))
    if language is not None and (languages is None or language not in languages.codes):
        codes = languages.codes if languages else ()
        raise RenderError(f"the brand has no language '{language}'",
                          hint=did_you_mean(language, codes)
                          or ("languages: " + ", ".join(codes) if codes
                              else "the brand declares no [languages]"))

    def parsed(kind: str, name: str) -> Any:
        found = [a for a in artifacts if (a.tenant, a.kind, a.name) == (artifact.tenant, kind, name)]
        return json.loads(found[0].content) if found else None

    return render_sample(
        artifact, chosen, widget_theme(parsed("theme", "theme"), parsed("branding", "branding")),
        parsed("email_settings", artifact.name), languages=languages, language=language,
        surface=Surface.of(artifacts, artifact.tenant),
    )
