"""Sample data for rendering outputs as Auth0 would: the scenarios in `brand/fixtures/`."""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Location, TokenError, did_you_mean, display_path, line_of
from .json_lines import scan_json_keys
from .sources import nesting_line, read_source

FIXTURES_DIR = "fixtures"
# Which fixture file feeds which built output.
GROUPS = {"login": "login", "classic_login": "login", "password_reset": "password_reset",
          "error_page": "error_page"}
EMAILS_GROUP = "emails"
# Phone messages share one fixtures file, `phone.json`; without it, Auth0's sample values.
PHONE_GROUP = "phone"
# Deeper than any real fixture, shallow enough for merging and copying never to recurse out.
MAX_DEPTH = 64
# brand.toml's [variables], written as in templates: a renamed company renames the samples.
_VARIABLE = re.compile(r"\[\[\s*vars\.([A-Za-z_][A-Za-z0-9_]*)\s*\]\]")


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
    common_path = fixtures / "common.json"
    common = _read(common_path, brand_dir) if os.path.lexists(common_path) else {}
    groups: dict[str, tuple[Scenario, ...]] = {}
    for path in sorted(fixtures.glob("*.json")):
        if path.stem == "common":
            continue
        document = _read(path, brand_dir)
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
    """Return the scenarios for one built output (a page, an email, a phone message)."""
    if kind == "phone":
        return scenarios.get(PHONE_GROUP) or (
            Scenario(PHONE_GROUP, "default", "Auth0's sample values", {}),)
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
        line = line_of(_texts.get(path, ""), f'"{key}"')
        raise ConfigError(f"'{name}' must be a JSON object", Location(display_path(path), line),
                          f'write "{key}": {{ ... }}')
    return value


# The text of each fixtures file read, to find a key's line for an error about it.
_texts: dict[Path, str] = {}


def _read(path: Path, brand_dir: Path) -> dict[str, Any]:
    text = _texts[path] = read_source(path, brand_dir, "fixture")
    shown = display_path(path)
    document = _parse(text, shown)
    if _VARIABLE.search(text):
        from .config import load_config  # only for fixtures that name variables

        document = _filled(document, load_config(brand_dir).variables, text, shown)
    return document


def _filled(value: Any, variables: Mapping[str, Any], text: str, shown: str) -> Any:
    """Replace each `[[ vars.name ]]` in the fixture's strings with the brand's value."""
    if isinstance(value, dict):
        return {k: _filled(v, variables, text, shown) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, variables, text, shown) for v in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            raise ConfigError(f"unknown variable 'vars.{name}' in fixtures",
                              Location(shown, line_of(text, match.group(0))),
                              did_you_mean(name, variables)
                              or "define it in brand.toml [variables]")
        return str(variables[name])

    return _VARIABLE.sub(one, value)


def _parse(text: str, shown: str) -> dict[str, Any]:
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ConfigError(f"malformed fixtures JSON: {error.msg}",
                          Location(shown, error.lineno), "fix the JSON syntax") from error
    except RecursionError as error:
        raise _too_deep(text, shown) from error
    except _Refused:
        raise _refusal(text, shown) from None
    if not isinstance(document, dict):
        raise ConfigError("a fixtures file must hold a JSON object",
                          Location(shown, 1), "wrap it in { }")
    if _depth(document) > MAX_DEPTH:
        raise _too_deep(text, shown)
    return document


class _Refused(Exception):
    """JSON that parses but that a fixture must not hold: a repeated key, NaN or Infinity."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # The json module keeps the last of two equal keys without a word: a typo'd copy of a
    # scenario would silently win.
    if len({key for key, _ in pairs}) != len(pairs):
        raise _Refused
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise _Refused


def _refusal(text: str, shown: str) -> ConfigError:
    """Say what was refused, at its line: the key scan the token files use finds it."""
    try:
        scan_json_keys(text, shown)
    except TokenError as error:
        return ConfigError(error.message, error.location, error.hint)
    return ConfigError("the fixtures JSON cannot be read", Location(shown), "simplify the file")


def _depth(value: Any) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        value, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            pending.extend((child, depth + 1) for child in children
                           if isinstance(child, dict | list))
    return deepest


def _too_deep(text: str, shown: str) -> ConfigError:
    return ConfigError(f"fixtures nested more than {MAX_DEPTH} levels deep",
                       Location(shown, nesting_line(text, MAX_DEPTH)),
                       "flatten the data: Auth0's own objects are a few levels deep")
