"""Check the JSON outputs (email settings, branding, theme) against Auth0's rules.

Each problem points at the brand.toml line that set the value: the key under its table,
else (for an email) the same key under [email_defaults], else the table itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..auth0.contract import (
    EMAIL_COMMON,
    EMAIL_CONTRACT,
    EMAIL_TEMPLATES,
    RESULT_URL_VARIABLES,
)
from ..auth0.theme import THEME_FIELDS, ThemeField, is_color
from ..brand.colours import parse_colour
from ..brand.sourcemap import toml_key_line, toml_location, toml_table_line
from ..errors import Location, Problem, TemplateError, did_you_mean
from ..render.liquid import check_liquid
from ..render.liquid_usage import liquid_usage
from .registry import Subject, check


def check_email_settings(data: Mapping[str, Any], artifact: Any, *_: Any) -> list[Problem]:
    """Check one email's settings: name, subject, from, result_url, url lifetime."""
    brand_toml = artifact.sources[0] if artifact.sources else artifact.path
    name = str(data.get("template"))

    def at(key: str) -> Location:
        return _email_key(brand_toml, name, key)

    problems = []
    if name not in EMAIL_TEMPLATES:
        problems.append(Problem("error", "email-name", f"'{name}' is not an Auth0 email template "
                                f"({did_you_mean(name, EMAIL_TEMPLATES) or 'rename the table'})",
                                at("subject")))
    subject = data.get("subject") or ""
    if not subject.strip():
        problems.append(Problem("error", "email-subject",
                                f"{name} has an empty subject; set subject under [emails.{name}]",
                                at("subject")))
    else:
        problems.extend(_subject(subject, name, at("subject")))
    sender = data.get("from") or ""
    if "@auth0.com" in sender.lower():
        problems.append(Problem("error", "email-from",
                                f"from {sender!r} contains @auth0.com, so Auth0 would ignore "
                                "this template; send from your own domain", at("from")))
    elif not sender.strip():
        problems.append(Problem("error", "email-from", f"{name} has an empty from address; set "
                                "from under [emails] or [email_defaults]", at("from")))
    result_url = data.get("resultUrl")
    if result_url:
        problems.extend(_result_url(result_url, name, at("result_url")))
    lifetime = data.get("urlLifetimeInSeconds")
    if lifetime is not None and (not isinstance(lifetime, int) or lifetime < 0):
        problems.append(Problem("error", "url-lifetime",
                                f"url_lifetime_in_seconds of {name} is {lifetime}; use 0 or "
                                "more seconds (Auth0's default is 432000)",
                                at("url_lifetime_in_seconds")))
    return problems


def _email_key(path: str, name: str, key: str) -> Location:
    for table in (f"emails.{name}", "email_defaults"):
        line = toml_key_line(path, table, key)
        if line is not None:
            return Location(path, line)
    return Location(path, toml_table_line(path, f"emails.{name}"))


def _subject(subject: str, name: str, where: Location) -> list[Problem]:
    try:
        check_liquid(subject, f"{name} subject")
        usage = liquid_usage(subject)
    except TemplateError as error:
        return [Problem("error", "liquid-syntax", f"subject of {name}: {error.message} "
                        f"({error.hint or 'fix the Liquid'})", where)]
    required, _verified, extra = EMAIL_CONTRACT.get(name, (None, True, frozenset()))
    allowed = EMAIL_COMMON | extra | (frozenset({required}) if required else frozenset())
    problems = []
    for root in dict.fromkeys(use.name.split(".")[0] for use in usage.variables):
        if root not in allowed:
            hint = did_you_mean(root, allowed) or "it would print nothing"
            problems.append(Problem("warning", "unknown-variable",
                                    f"Auth0 does not provide '{root}' in the subject of {name} "
                                    f"({hint})", where))
    return problems


def _result_url(result_url: str, name: str, where: Location) -> list[Problem]:
    try:
        variables = {use.name for use in liquid_usage(result_url).variables}
    except TemplateError as error:
        return [Problem("error", "liquid-syntax", f"result_url of {name}: {error.message} "
                        f"({error.hint or 'fix the Liquid'})", where)]
    problems = []
    for variable in sorted(variables - RESULT_URL_VARIABLES):
        hint = did_you_mean(variable, RESULT_URL_VARIABLES) or (
            "Auth0 allows only " + ", ".join(sorted(RESULT_URL_VARIABLES)))
        problems.append(Problem("error", "result-url-variable",
                                f"result_url of {name} uses '{variable}', which Auth0 does not "
                                f"fill in there ({hint})", where))
    if not result_url.startswith(("https://", "{{")):
        problems.append(Problem("error", "insecure-url",
                                f"result_url of {name} must be an https:// URL, not "
                                f"{result_url!r}", where))
    return problems


def check_branding(data: Mapping[str, Any], artifact: Any) -> list[Problem]:
    """Check the branding object: https URLs and valid colours."""
    brand_toml = artifact.sources[0] if artifact.sources else artifact.path
    problems = []
    for key in ("logo_url", "favicon_url"):
        problems.extend(_url(data.get(key), f"branding.{key}", brand_toml))
    problems.extend(_url((data.get("font") or {}).get("url"), "branding.font.url", brand_toml))
    for key, value in (data.get("colors") or {}).items():
        if not is_color(value):
            path = f"branding.colors.{key}"
            problems.append(Problem("error", "branding-invalid",
                                    f"{path} is {value!r}, not a hex colour; write e.g. "
                                    "\"#0055aa\"", toml_location(brand_toml, path)))
        elif parse_colour(value).alpha() < 1:
            problems.append(_translucent(f"branding.colors.{key}", value,
                                         toml_location(brand_toml, f"branding.colors.{key}")))
    return problems


def _translucent(path: str, value: str, where: Location) -> Problem:
    # Lenient, as the contract asks of what no source confirms: Auth0 documents its colour
    # pattern (which takes #rrggbbaa) for the theme only.
    return Problem("warning", "translucent-colour",
                   f"{path} is translucent ({value}); Auth0 may not take alpha in branding "
                   "colours (unverified), so check how it shows, or make the colour opaque",
                   where)


def check_organization(data: Mapping[str, Any], artifact: Any) -> list[Problem]:
    """Check an organization's branding once its token aliases are resolved: hex colours.

    The schema checked what was written (both colours, an https logo); an alias may still
    lead to a value Auth0 refuses.
    """
    tenants_toml = artifact.sources[0] if artifact.sources else artifact.path
    table = f"tenants.{artifact.tenant}.organizations.{artifact.name}.branding"
    problems = []
    for key, value in ((data.get("branding") or {}).get("colors") or {}).items():
        if not is_color(value):
            problems.append(Problem("error", "organization-invalid",
                                    f"{table}.colors.{key} is {value!r}, not a hex colour; "
                                    "write e.g. \"#0055aa\" or alias a hex colour token",
                                    toml_location(tenants_toml, f"{table}.colors.{key}")))
        elif parse_colour(value).alpha() < 1:
            problems.append(_translucent(f"{table}.colors.{key}", value,
                                         toml_location(tenants_toml, f"{table}.colors.{key}")))
    return problems


def check_theme(data: Mapping[str, Any], artifact: Any) -> list[Problem]:
    """Check the Universal Login theme against the fields and ranges Auth0 accepts."""
    brand_toml = artifact.sources[0] if artifact.sources else artifact.path
    problems = []
    for group, fields in THEME_FIELDS.items():
        values = data.get(group)
        if not isinstance(values, Mapping):
            problems.append(Problem("error", "theme-invalid",
                                    f"theme.{group} is missing; Auth0 requires all five groups "
                                    f"(add [theme.{group}])", toml_location(brand_toml, "theme")))
            continue
        for field, spec in fields.items():
            problems.extend(_theme_field(values, f"theme.{group}.{field}", field, spec,
                                         brand_toml))
        for field in values:
            if field not in fields:
                path = f"theme.{group}.{field}"
                hint = did_you_mean(field, fields) or "remove it"
                problems.append(Problem("error", "theme-invalid",
                                        f"{path} is not an Auth0 theme field ({hint})",
                                        toml_location(brand_toml, path)))
    return problems


def _theme_field(values: Mapping[str, Any], path: str, field: str, spec: ThemeField,
                 brand_toml: str) -> list[Problem]:
    kind = spec.kind
    if field not in values:
        if spec.optional:
            return []
        return [Problem("error", "theme-invalid", f"{path} is missing; Auth0 requires it",
                        toml_location(brand_toml, path))]
    value = values[field]
    if kind == "url":
        return _url(value, path, brand_toml, allow_empty=True)
    if kind == "font":
        return _font(value, path, spec, brand_toml)
    wrong = None
    if kind == "color" and not is_color(value):
        wrong = "a hex colour such as \"#0055aa\""
    elif kind == "enum" and value not in spec.choices:
        wrong = "one of " + ", ".join(spec.choices)
    elif kind == "bool" and not isinstance(value, bool):
        wrong = "true or false"
    elif kind == "number" and not _in_range(value, spec):
        wrong = f"a number from {spec.low} to {spec.high}"
    if wrong:
        return [Problem("error", "theme-invalid", f"{path} is {value!r}; Auth0 accepts {wrong}",
                        toml_location(brand_toml, path))]
    return []


def _font(value: Any, path: str, spec: ThemeField, brand_toml: str) -> list[Problem]:
    if not isinstance(value, Mapping):
        return [Problem("error", "theme-invalid", f"{path} is {value!r}; Auth0 accepts a table "
                        f"{{bold = true|false, size = {spec.low}-{spec.high}}}",
                        toml_location(brand_toml, path))]
    problems = []
    if not isinstance(value.get("bold"), bool):
        problems.append(Problem("error", "theme-invalid",
                                f"{path}.bold is {value.get('bold')!r}; Auth0 accepts true or false",
                                toml_location(brand_toml, f"{path}.bold")))
    size = value.get("size")
    if not _in_range(size, spec):
        problems.append(Problem("error", "theme-invalid",
                                f"{path}.size is {size!r}; Auth0 accepts a number from "
                                f"{spec.low} to {spec.high}", toml_location(brand_toml, f"{path}.size")))
    return problems


def _in_range(value: Any, spec: ThemeField) -> bool:
    assert spec.low is not None and spec.high is not None
    return _is_number(value) and spec.low <= value <= spec.high


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _url(value: Any, path: str, brand_toml: str, allow_empty: bool = False) -> list[Problem]:
    if value is None or (allow_empty and value == ""):
        return []
    if not isinstance(value, str) or not value.startswith("https://"):
        return [Problem("error", "insecure-url", f"{path} is {value!r}; Auth0 needs an https:// "
                        "URL" + (" or \"\"" if allow_empty else ""),
                        toml_location(brand_toml, path))]
    return []


# -- registered with the outputs they apply to -------------------------------------------


@check("email-settings", kinds=("email_settings",))
def _email_settings(subject: Subject) -> Iterable[Problem]:
    return check_email_settings(subject.data, subject.artifact)


@check("branding", kinds=("branding",))
def _branding(subject: Subject) -> Iterable[Problem]:
    return check_branding(subject.data, subject.artifact)


@check("organization", kinds=("organization",))
def _organization(subject: Subject) -> Iterable[Problem]:
    return check_organization(subject.data, subject.artifact)


@check("theme", kinds=("theme",))
def _theme(subject: Subject) -> Iterable[Problem]:
    return check_theme(subject.data, subject.artifact)
