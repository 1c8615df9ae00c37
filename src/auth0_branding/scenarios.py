"""Sample data for rendering outputs as Auth0 would: the scenarios in `brand/fixtures/`."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, Location, display_path

log = logging.getLogger(__name__)

FIXTURES_DIR = "fixtures"
# Which fixture file feeds which built output.
GROUPS = {"login": "login", "classic_login": "login", "password_reset": "password_reset",
          "error_page": "error_page"}
EMAILS_GROUP = "emails"


@dataclass(frozen=True)
class Scenario:
    """One named situation to render an output in, with the Liquid data Auth0 would supply."""

    group: str
    name: str
    description: str
    data: Mapping[str, Any]


def load_scenarios(brand_dir: Path) -> dict[str, tuple[Scenario, ...]]:
    """Read `fixtures/*.json`: `common.json` underlies every group's `defaults` and scenarios."""
    fixtures = brand_dir / FIXTURES_DIR
    common = _read(fixtures / "common.json") if (fixtures / "common.json").is_file() else {}
    groups: dict[str, tuple[Scenario, ...]] = {}
    for path in sorted(fixtures.glob("*.json")):
        if path.stem == "common":
            continue
        document = _read(path)
        base = deep_merge(common.get("data", {}), document.get("defaults", {}))
        scenarios = document.get("scenarios")
        if not isinstance(scenarios, dict) or not scenarios:
            raise ConfigError("a fixtures file needs a non-empty \"scenarios\" object",
                              Location(display_path(path), 1), "add at least one scenario")
        groups[path.stem] = tuple(
            Scenario(path.stem, name, str(spec.get("description", "")),
                     deep_merge(base, spec.get("data", {})))
            for name, spec in scenarios.items()
        )
        templates = document.get("templates", {})
        if templates:
            groups[f"{path.stem}:templates"] = tuple(
                Scenario(path.stem, name, "", data) for name, data in templates.items()
            )
    return groups


def scenarios_for(
    scenarios: Mapping[str, tuple[Scenario, ...]], kind: str, name: str
) -> tuple[Scenario, ...]:
    """Return the scenarios for one built output (a page or an email), data merged."""
    if kind == "email":
        extra = {s.name: s.data for s in scenarios.get(f"{EMAILS_GROUP}:templates", ())}
        return tuple(
            Scenario(s.group, s.name, s.description, deep_merge(s.data, extra.get(name, {})))
            for s in scenarios.get(EMAILS_GROUP, ())
        )
    return scenarios.get(GROUPS.get(name, name), ())


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `override` into a copy of `base`; nested objects merge, `null` removes a key."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _read(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ConfigError(f"malformed fixtures JSON: {error.msg}",
                          Location(display_path(path), error.lineno), "fix the JSON syntax") from error
    if not isinstance(document, dict):
        raise ConfigError("a fixtures file must hold a JSON object",
                          Location(display_path(path), 1), "wrap it in { }")
    return document
