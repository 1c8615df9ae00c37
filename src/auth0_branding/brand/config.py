"""Brand and tenant configuration: `brand/brand.toml` and `brand/tenants.toml`."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..auth0.contract import EMAIL_TEMPLATES
from ..errors import BrandError, ConfigError, ConfigErrors, Location, did_you_mean, display_path
from .schema import DEFAULT_EMAIL_LANGUAGE, DEFAULT_MANAGED, BrandFile, TenantsFile, problems
from .sources import SourceError, confine_name, nesting_line, read_source
from .toml_lines import key_line, nearest_line


@dataclass(frozen=True)
class EmailConfig:
    """One email's settings; strings may hold build-time Jinja and Liquid."""

    name: str
    subject: str
    from_: str
    result_url: str | None
    url_lifetime_in_seconds: int
    include_email_in_redirect: bool
    enabled: bool
    syntax: str
    location: Location
    # Where each string setting was written (its own key, or the [email_defaults] one).
    locations: Mapping[str, Location] = field(default_factory=dict)


@dataclass(frozen=True)
class TenantConfig:
    """One Auth0 tenant: where it is, how to reach it, what it gets."""

    name: str
    domain: str
    custom_domain: str | None
    client_id_env: str
    client_secret_env: str
    manage: tuple[str, ...]
    variables: Mapping[str, Any]
    token_overrides: Mapping[str, Any]
    location: Location
    # The Tokens Studio themes ($themes.json) whose token sets this tenant's tokens come from.
    tokens_themes: tuple[str, ...] = ()
    # Organization name -> its branding table, as written (token aliases unresolved).
    organizations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    plan: str | None = None  # Auth0's plan, when tenants.toml says it


@dataclass(frozen=True)
class LanguagesConfig:
    """The brand's languages, the default first, and where their catalogues are."""

    default: str
    supported: tuple[str, ...]  # the default first
    catalogues_dir: Path
    email_language: tuple[str, ...]  # Liquid variables naming the reader's language
    location: Location


@dataclass(frozen=True)
class Config:
    """Everything the build reads from the brand folder besides templates and tokens."""

    brand_dir: Path
    name: str
    inliner: str
    page_style: Path
    email_style: Path
    variables: Mapping[str, Any]
    emails: Mapping[str, EmailConfig]
    branding: Mapping[str, Any]
    theme: Mapping[str, Any]
    tenants: tuple[TenantConfig, ...]
    tenants_file: Path = field(default=Path("tenants.toml"))
    # Remote URL prefix -> local folder, so previews and screenshots work offline.
    preview_assets: Mapping[str, Path] = field(default_factory=dict)
    # Where [styles] page and email were set ("page", "email"), when they were.
    style_locations: Mapping[str, Location] = field(default_factory=dict)
    languages: LanguagesConfig | None = None  # None: a brand in one language, no catalogues
    # [phone]: `from`, and a table (disabled, from) per message type.
    phone: Mapping[str, Any] = field(default_factory=dict)
    # [colours]: email_background, and the email_text / email_components contrast pairs.
    colours: Mapping[str, Any] = field(default_factory=dict)

    @property
    def templates_dir(self) -> Path:
        return self.brand_dir / "templates"

    @property
    def tokens_dir(self) -> Path:
        return self.brand_dir / "tokens"

    @cached_property
    def _tenants_by_name(self) -> Mapping[str, TenantConfig]:
        # A fleet names a thousand tenants: looking each one up must not scan them all.
        return {tenant.name: tenant for tenant in self.tenants}

    def tenant(self, name: str) -> TenantConfig:
        found = self._tenants_by_name.get(name)
        if found is not None:
            return found
        text = read_source(self.tenants_file, self.brand_dir, "config")
        first_line = key_line(text, ("tenants",))
        raise ConfigError(
            f"unknown tenant '{name}'", Location(display_path(self.tenants_file), first_line),
            did_you_mean(name, [t.name for t in self.tenants])
            or f"choose one of: {', '.join(t.name for t in self.tenants)}",
        )


class _File:
    """One TOML file of the configuration: its text, its data, and the line of any key."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.shown, self.text, self.data = display_path(path), text, data

    def at(self, *keys: str) -> Location:
        """Return where `keys` is written, else its closest enclosing table: where to add it."""
        return Location(self.shown, nearest_line(self.text, keys))


def _read(path: Path, root: Path, schema: type[BaseModel], found: list[BrandError]) -> _File | None:
    """Read and check one file, adding each problem to `found`; None if it cannot be read."""
    shown = display_path(path)
    if not os.path.lexists(path):
        found.append(ConfigError("configuration file not found", Location(shown),
                                 f"create {path.name} in the brand folder"))
        return None
    try:
        text = read_source(path, root, "config")
        data = _parse(text, shown)
    except BrandError as error:
        found.append(error)
        return None
    file = _File(path, text, data)
    nul = [(keys, file.at(*keys)) for keys in _with_nul(data, ())]
    found.extend(ConfigError(f"'{'.'.join(keys)}' contains a NUL character", where,
                             "remove the \\u0000 escape") for keys, where in nul)
    # Checked without the NULs, so a value is not reported twice.
    found.extend(problems(schema, _without_nul(data) if nul else data,
                          lambda keys: file.at(*keys), shown))
    return file


def _parse(text: str, shown: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except RecursionError as error:
        raise ConfigError("TOML nested too deeply to read",
                          Location(shown, nesting_line(text, 100)),
                          "flatten the nested arrays or inline tables") from error
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise ConfigError(
            f"malformed TOML: {str(error).split(' (at')[0]}",
            Location(shown, int(line.group(1)) if line else None), "fix the TOML syntax",
        ) from error


def _with_nul(value: Any, keys: tuple[str, ...]) -> list[tuple[str, ...]]:
    # "\u0000" is valid TOML, but a NUL cut short what Auth0 and browsers read.
    found, pending = [], [(value, keys)]
    while pending:
        value, keys = pending.pop(0)
        if isinstance(value, dict):
            pending.extend((item, (*keys, str(key))) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend((item, keys) for item in value)
        elif isinstance(value, str) and "\x00" in value:
            found.append(keys)
    return list(dict.fromkeys(found))


def _without_nul(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value.replace("\x00", "") if isinstance(value, str) else value


def _table(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    # Only a table is looked into; a value of another type was reported by the schema.
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def load_config(brand_dir: Path) -> Config:
    """Read brand.toml and tenants.toml from `brand_dir` into a Config, or report every problem.

    One problem is raised as itself; several as `ConfigErrors`, the first of them first.
    """
    if not brand_dir.is_dir():
        raise ConfigError(
            "brand folder not found", Location(display_path(brand_dir)),
            "pass --brand DIR pointing at a brand source folder",
        )
    found: list[BrandError] = []
    brand = _read(brand_dir / "brand.toml", brand_dir, BrandFile, found)
    if brand is not None:
        data = brand.data
        styles = _table(data, "styles")
        page_style = _style(brand, styles, "page", brand_dir, found)
        # Refused by the sandbox, the page style's folder most likely holds the other too: one
        # line says it.
        refused = any(isinstance(error, SourceError) for error in found)
        email_style = brand_dir if refused else _style(brand, styles, "email", brand_dir, found)
        emails = _load_emails(brand, found)
        preview_assets = _load_preview_assets(brand, brand_dir, found)
        languages = _load_languages(brand, brand_dir, found)
    tenants = _read(brand_dir / "tenants.toml", brand_dir, TenantsFile, found)
    if found:
        raise found[0] if len(found) == 1 else ConfigErrors(found)
    assert brand is not None and tenants is not None  # else a problem was found
    return Config(
        brand_dir=brand_dir,
        name=data["name"],
        inliner=data.get("inliner", "premailer"),
        page_style=page_style,
        email_style=email_style,
        variables=data.get("variables", {}),
        emails=emails,
        branding=data.get("branding", {}),
        theme=data.get("theme", {}),
        tenants=tuple(_load_tenant(tenants, name, table)
                      for name, table in tenants.data["tenants"].items()),
        tenants_file=brand_dir / "tenants.toml",
        preview_assets=preview_assets,
        style_locations={key: brand.at("styles", key) for key in ("page", "email")
                         if key in styles},
        languages=languages,
        phone=data.get("phone", {}),
        colours=data.get("colours", {}),
    )


def _style(file: _File, styles: Mapping[str, Any], key: str, brand_dir: Path,
           found: list[BrandError]) -> Path:
    name = styles.get(key, f"styles/{key}.scss")
    if not isinstance(name, str):
        return brand_dir
    where = file.at("styles", key) if key in styles else Location(display_path(brand_dir / name))
    try:
        return confine_name(name, brand_dir, where, f"styles.{key}")
    except SourceError as error:
        found.append(error)
        return brand_dir


def _load_preview_assets(file: _File, brand_dir: Path, found: list[BrandError]) -> dict[str, Path]:
    mapping = {}
    for prefix, folder in _table(_table(file.data, "preview"), "assets").items():
        if not isinstance(folder, str) or not prefix.startswith("https://"):
            found.append(ConfigError(
                f"invalid preview asset mapping '{prefix}'", file.at("preview", "assets"),
                'write "https://assets.example.com/" = "assets/"',
            ))
            continue
        where = file.at("preview", "assets", prefix)
        try:
            local = confine_name(folder, brand_dir, where, "preview asset folder")
        except SourceError as error:
            found.append(error)
            continue
        # Resolved once here, so the preview serves from the folder that was checked.
        mapping[prefix] = local.resolve()
    return mapping


def _load_languages(file: _File, brand_dir: Path, found: list[BrandError]
                    ) -> LanguagesConfig | None:
    table = _table(file.data, "languages")
    if not table or not isinstance(table.get("default"), str):
        return None  # no [languages], or one the schema reports
    # Where the catalogues are named, else the table: a missing folder is reported there.
    where = file.at("languages", "catalogues") if "catalogues" in table else file.at("languages")
    folder = table.get("catalogues", "translations")
    try:
        catalogues_dir = confine_name(str(folder), brand_dir, where, "languages.catalogues")
    except SourceError as error:
        found.append(error)
        return None
    default = table["default"]
    supported = [code for code in table.get("supported", []) if isinstance(code, str)]
    return LanguagesConfig(
        default=default,
        supported=tuple(dict.fromkeys((default, *supported))),
        catalogues_dir=catalogues_dir,
        email_language=tuple(table.get("email_language", DEFAULT_EMAIL_LANGUAGE)),
        location=where,
    )


def _load_emails(file: _File, found: list[BrandError]) -> dict[str, EmailConfig]:
    defaults = _table(file.data, "email_defaults")
    loaded = {}
    for name, table in _table(file.data, "emails").items():
        if name not in EMAIL_TEMPLATES or not isinstance(table, dict):
            continue  # reported by the schema
        keys = ("emails", name)
        merged = {**defaults, **table}
        for key in ("subject", "from"):
            if key not in merged:
                found.append(ConfigError(f"missing key 'emails.{name}.{key}'",
                                         file.at(*keys, key), f"add {key} = ..."))
        locations = {
            key: file.at(*keys, key) if key in table else file.at("email_defaults", key)
            for key in ("subject", "from", "result_url") if key in merged
        }
        loaded[name] = EmailConfig(
            name=name,
            subject=merged.get("subject", ""),
            from_=merged.get("from", ""),
            result_url=merged.get("result_url"),
            url_lifetime_in_seconds=merged.get("url_lifetime_in_seconds", 432000),
            include_email_in_redirect=merged.get("include_email_in_redirect", False),
            enabled=merged.get("enabled", True),
            syntax=merged.get("syntax", "liquid"),
            location=file.at(*keys),
            locations=locations,
        )
    return loaded


def _load_tenant(file: _File, name: str, table: Mapping[str, Any]) -> TenantConfig:
    # Checked against the schema already: only the defaults are filled in here.
    return TenantConfig(
        name=name,
        domain=table["domain"],
        custom_domain=table.get("custom_domain"),
        client_id_env=table["client_id_env"],
        client_secret_env=table["client_secret_env"],
        manage=tuple(table.get("manage", DEFAULT_MANAGED)),
        variables=table.get("variables", {}),
        token_overrides=table.get("tokens", {}),
        location=file.at("tenants", name),
        tokens_themes=tuple(table.get("tokens_themes", ())),
        organizations={org: spec["branding"]
                       for org, spec in table.get("organizations", {}).items()},
        plan=table.get("plan"),
    )
