"""Sample data for rendering outputs as Auth0 would: the scenarios in `brand/fixtures/`."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, Location, display_path, line_of

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
        base = deep_merge(_object(common.get("data", {}), fixtures / "common.json", "data"),
                          _object(document.get("defaults", {}), path, "defaults"))
        scenarios = document.get("scenarios")
        if not isinstance(scenarios, dict) or not scenarios:
            raise ConfigError("a fixtures file needs a non-empty \"scenarios\" object",
                              Location(display_path(path), 1), "add at least one scenario")
        specs = {name: _object(spec, path, f"scenarios.{name}") for name, spec in scenarios.items()}
        groups[path.stem] = tuple(
            Scenario(path.stem, name, str(spec.get("description", "")),
                     deep_merge(base, _object(spec.get("data", {}), path, f"scenarios.{name}.data")))
            for name, spec in specs.items()
        )
        templates = _object(document.get("templates", {}), path, "templates")
        if templates:
            groups[f"{path.stem}:templates"] = tuple(
                Scenario(path.stem, name, "", _object(data, path, f"templates.{name}"))
                for name, data in templates.items()
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


def _object(value: Any, path: Path, name: str) -> Mapping[str, Any]:
    # Anything but an object would fail later, deep in a merge, as a traceback.
    if not isinstance(value, dict):
        key = name.rsplit(".", 1)[-1]
        line = line_of(path.read_text(encoding="utf-8"), f'"{key}"')
        raise ConfigError(f"'{name}' must be a JSON object", Location(display_path(path), line),
                          f'write "{key}": {{ ... }}')
    return value


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
