"""Brand and tenant configuration: `brand/brand.toml` and `brand/tenants.toml`."""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..auth0.theme import THEME_GROUPS
from ..errors import ConfigError, Location, did_you_mean, display_path, line_of, printable
from .sources import confine_name, nesting_line, read_source

log = logging.getLogger(__name__)

EMAIL_TEMPLATES = (
    "verify_email", "verify_email_by_code", "auth_email_by_code", "reset_email",
    "reset_email_by_code", "welcome_email", "blocked_account", "stolen_credentials",
    "enrollment_email", "mfa_oob_code", "user_invitation", "change_password",
    "password_reset", "async_approval",
)
MANAGED = ("login", "password_reset", "error_page", "emails", "branding", "theme", "classic_login")
DEFAULT_MANAGED = ("login", "password_reset", "error_page", "emails", "branding", "theme")
INLINERS = ("premailer", "css-inline")
_TYPE_NAMES = {str: "string", int: "integer", bool: "boolean", list: "list", dict: "table",
               float: "number"}
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# A tenant's name becomes its folder in dist/ and appears in every report: a slug keeps it a
# single, portable path segment (lowercase, as some file systems ignore case).
TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
TENANT_NAME_RULE = ("lowercase letters, digits, '-' and '_', starting with a letter or digit, "
                    "at most 63 characters")
# Names dist/ already uses for something else.
RESERVED_TENANT_NAMES = ("review",)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


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

    @property
    def templates_dir(self) -> Path:
        return self.brand_dir / "templates"

    @property
    def tokens_dir(self) -> Path:
        return self.brand_dir / "tokens"

    def tenant(self, name: str) -> TenantConfig:
        for tenant in self.tenants:
            if tenant.name == name:
                return tenant
        text = read_source(self.tenants_file, self.brand_dir, "config")
        first_line = line_of(text, "[tenants.")
        raise ConfigError(
            f"unknown tenant '{name}'", Location(display_path(self.tenants_file), first_line),
            did_you_mean(name, [t.name for t in self.tenants])
            or f"choose one of: {', '.join(t.name for t in self.tenants)}",
        )


class _Reader:
    """Read keys from one parsed TOML file, reporting errors at the key's line."""

    def __init__(self, path: Path, root: Path) -> None:
        self.shown = display_path(path)
        if not os.path.lexists(path):
            raise ConfigError(
                "configuration file not found", Location(self.shown),
                f"create {path.name} in the brand folder",
            )
        self.text = read_source(path, root, "config")
        try:
            self.data = tomllib.loads(self.text)
        except RecursionError as error:
            raise ConfigError("TOML nested too deeply to read",
                              Location(self.shown, nesting_line(self.text, 100)),
                              "flatten the nested arrays or inline tables") from error
        except tomllib.TOMLDecodeError as error:
            line = re.search(r"line (\d+)", str(error))
            raise ConfigError(
                f"malformed TOML: {str(error).split(' (at')[0]}",
                Location(self.shown, int(line.group(1)) if line else None),
                "fix the TOML syntax",
            ) from error
        self._refuse_nul(self.data, ())

    def _refuse_nul(self, value: Any, keys: tuple[str, ...]) -> None:
        # "\u0000" is valid TOML, but a NUL cut short what Auth0 and browsers read.
        pending = [(value, keys)]
        while pending:
            value, keys = pending.pop()
            if isinstance(value, dict):
                pending.extend((item, (*keys, str(key))) for key, item in value.items())
            elif isinstance(value, list):
                pending.extend((item, keys) for item in value)
            elif isinstance(value, str) and "\x00" in value:
                raise ConfigError(f"'{'.'.join(keys)}' contains a NUL character", self.at(*keys),
                                  "remove the \\u0000 escape")

    def at(self, *keys: str) -> Location:
        # TOML parsers keep no positions: find the table header, then the key under it.
        table = ".".join(keys[:-1])
        start = line_of(self.text, f"[{table}]") if table else 1
        if start is None:
            start = line_of(self.text, f"{keys[-2]}") if len(keys) > 1 else 1
        line = _key_line(self.text, keys[-1], start or 1)
        return Location(self.shown, line or start)

    def get(
        self, table: Mapping[str, Any], keys: tuple[str, ...], kind: type | tuple[type, ...],
        default: Any = ..., allowed: tuple[str, ...] | None = None,
    ) -> Any:
        name = keys[-1]
        if name not in table:
            if default is not ...:
                return default
            raise ConfigError(
                f"missing key '{'.'.join(keys)}'", self.at(*keys[:-1], name) if len(keys) > 1
                else Location(self.shown), f"add {name} = ...",
            )
        value = table[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            kinds = kind if isinstance(kind, tuple) else (kind,)
            expected = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
            actual = _TYPE_NAMES.get(type(value), type(value).__name__)
            raise ConfigError(
                f"'{'.'.join(keys)}' must be {_article(expected)}, not {_article(actual)}",
                self.at(*keys), f"set {name} to {_article(expected)}",
            )
        if allowed is not None:
            for item in value if isinstance(value, list) else [value]:
                if item not in allowed:
                    raise ConfigError(
                        f"invalid value '{item}' for '{'.'.join(keys)}'", self.at(*keys),
                        did_you_mean(str(item), allowed) or f"use one of: {', '.join(allowed)}",
                    )
        return value

    def check_keys(self, table: Mapping[str, Any], keys: tuple[str, ...], known: tuple[str, ...]):
        for key in table:
            if key not in known:
                raise ConfigError(
                    f"unknown key '{'.'.join([*keys, key])}'", self.at(*keys, key),
                    did_you_mean(key, known) or f"known keys: {', '.join(known)}",
                )


def _table_line(text: str, keys: tuple[str, ...]) -> int | None:
    """The line that opens the table at `keys`, however its names are quoted or escaped."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped.startswith("[") and "=" not in stripped:
            continue
        try:  # a header line, or an inline table, parsed on its own says which keys it opens
            parsed = tomllib.loads(stripped if stripped.startswith("[")
                                   else f"[{keys[0]}]\n{stripped}")
        except tomllib.TOMLDecodeError:
            continue
        node: Any = parsed
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                break
            node = node[key]
        else:
            return number
    return None


def _key_line(text: str, key: str, start: int) -> int | None:
    pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=|^\s*\[.*\b{re.escape(key)}\]')
    for number, line in enumerate(text.splitlines()[start - 1:], start):
        if pattern.match(line):
            return number
    return None


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def load_config(brand_dir: Path) -> Config:
    """Read brand.toml and tenants.toml from `brand_dir` into a Config."""
    if not brand_dir.is_dir():
        raise ConfigError(
            "brand folder not found", Location(display_path(brand_dir)),
            "pass --brand DIR pointing at a brand source folder",
        )
    brand = _Reader(brand_dir / "brand.toml", brand_dir)
    data = brand.data
    brand.check_keys(data, (), (
        "name", "inliner", "styles", "variables", "email_defaults", "emails", "branding", "theme",
        "preview",
    ))
    styles = brand.get(data, ("styles",), dict, {})
    brand.check_keys(styles, ("styles",), ("page", "email"))
    emails = _load_emails(brand, brand.get(data, ("email_defaults",), dict, {}),
                          brand.get(data, ("emails",), dict, {}))
    theme = brand.get(data, ("theme",), dict, {})
    for group in THEME_GROUPS if theme else ():
        if group not in theme:
            raise ConfigError(f"missing table 'theme.{group}'", brand.at("theme", group),
                              f"add a [theme.{group}] table: Auth0 requires all five groups")
        brand.get(theme, ("theme", group), dict)
    tenants_reader = _Reader(brand_dir / "tenants.toml", brand_dir)
    tenants_table = tenants_reader.get(tenants_reader.data, ("tenants",), dict)
    if not tenants_table:
        raise ConfigError("no tenants defined", tenants_reader.at("tenants"),
                          "add a [tenants.dev] table")
    return Config(
        brand_dir=brand_dir,
        name=brand.get(data, ("name",), str),
        inliner=brand.get(data, ("inliner",), str, "premailer", allowed=INLINERS),
        page_style=_style(brand, styles, "page", brand_dir),
        email_style=_style(brand, styles, "email", brand_dir),
        variables=brand.get(data, ("variables",), dict, {}),
        emails=emails,
        branding=brand.get(data, ("branding",), dict, {}),
        theme=theme,
        tenants=tuple(
            _load_tenant(tenants_reader, name, table) for name, table in tenants_table.items()
        ),
        tenants_file=brand_dir / "tenants.toml",
        preview_assets=_load_preview_assets(brand, brand_dir),
        style_locations={key: brand.at("styles", key) for key in ("page", "email")
                         if key in styles},
    )


def _style(reader: _Reader, styles: Mapping[str, Any], key: str, brand_dir: Path) -> Path:
    name = reader.get(styles, ("styles", key), str, f"styles/{key}.scss")
    where = (reader.at("styles", key) if key in styles
             else Location(display_path(brand_dir / name)))
    return confine_name(name, brand_dir, where, f"styles.{key}")


def _load_preview_assets(reader: _Reader, brand_dir: Path) -> dict[str, Path]:
    preview = reader.get(reader.data, ("preview",), dict, {})
    reader.check_keys(preview, ("preview",), ("assets",))
    assets = reader.get(preview, ("preview", "assets"), dict, {})
    mapping = {}
    for prefix, folder in assets.items():
        if not isinstance(folder, str) or not prefix.startswith("https://"):
            raise ConfigError(
                f"invalid preview asset mapping '{prefix}'", reader.at("preview", "assets"),
                'write "https://assets.example.com/" = "assets/"',
            )
        where = reader.at("preview", "assets", prefix)
        local = confine_name(folder, brand_dir, where, "preview asset folder")
        # Resolved once here, so the preview serves from the folder that was checked.
        mapping[prefix] = local.resolve()
    return mapping


def _load_emails(
    reader: _Reader, defaults: Mapping[str, Any], emails: Mapping[str, Any]
) -> dict[str, EmailConfig]:
    kinds = {"subject": str, "from": str, "result_url": str, "url_lifetime_in_seconds": int,
             "include_email_in_redirect": bool, "enabled": bool, "syntax": str}
    known = tuple(kinds)
    reader.check_keys(defaults, ("email_defaults",), known)
    for key in defaults:  # here, so a wrong default is reported at its own line
        reader.get(defaults, ("email_defaults", key), kinds[key])
    loaded = {}
    for name, table in emails.items():
        keys = ("emails", name)
        if name not in EMAIL_TEMPLATES:
            raise ConfigError(
                f"unknown email template '{name}'", reader.at("emails", name),
                did_you_mean(name, EMAIL_TEMPLATES) or "see Auth0's email template names",
            )
        if not isinstance(table, dict):
            raise ConfigError(f"'emails.{name}' must be a table", reader.at("emails", name),
                              f"write [emails.{name}]")
        reader.check_keys(table, keys, known)
        merged = {**defaults, **table}
        locations = {
            key: reader.at(*keys, key) if key in table else reader.at("email_defaults", key)
            for key in ("subject", "from", "result_url") if key in merged
        }
        lifetime = reader.get(merged, (*keys, "url_lifetime_in_seconds"), int, 432000)
        loaded[name] = EmailConfig(
            name=name,
            subject=reader.get(merged, (*keys, "subject"), str),
            from_=reader.get(merged, (*keys, "from"), str),
            result_url=reader.get(merged, (*keys, "result_url"), str, None),
            url_lifetime_in_seconds=lifetime,
            include_email_in_redirect=reader.get(
                merged, (*keys, "include_email_in_redirect"), bool, False),
            enabled=reader.get(merged, (*keys, "enabled"), bool, True),
            syntax=reader.get(merged, (*keys, "syntax"), str, "liquid", allowed=("liquid",)),
            location=reader.at("emails", name),
            locations=locations,
        )
    return loaded


def _load_tenant(reader: _Reader, name: str, table: Any) -> TenantConfig:
    keys = ("tenants", name)
    if not TENANT_NAME.match(name) or name in RESERVED_TENANT_NAMES:
        why = ("is reserved: dist/review/ holds the review gallery"
               if name in RESERVED_TENANT_NAMES else "is not a valid tenant name")
        raise ConfigError(f"tenant '{printable(name)}' {why}",
                          Location(reader.shown, _table_line(reader.text, keys)),
                          f"rename it: {TENANT_NAME_RULE}")
    if not isinstance(table, dict):
        raise ConfigError(f"'tenants.{name}' must be a table", reader.at(*keys),
                          f"write [tenants.{name}]")
    reader.check_keys(table, keys, (
        "domain", "custom_domain", "client_id_env", "client_secret_env", "manage",
        "variables", "tokens",
    ))
    domain = reader.get(table, (*keys, "domain"), str)
    if not _DOMAIN.match(domain):
        raise ConfigError(f"invalid domain '{domain}' for tenant '{name}'",
                          reader.at(*keys, "domain"), "use a host name like acme.eu.auth0.com")
    custom_domain = reader.get(table, (*keys, "custom_domain"), str, None)
    if custom_domain is not None and not _DOMAIN.match(custom_domain):
        raise ConfigError(f"invalid custom_domain '{custom_domain}' for tenant '{name}'",
                          reader.at(*keys, "custom_domain"), "use a host name like login.acme.com")
    env_names = {}
    for key in ("client_id_env", "client_secret_env"):
        env_names[key] = reader.get(table, (*keys, key), str)
        if not _ENV_NAME.match(env_names[key]):
            raise ConfigError(
                f"'{key}' must name an environment variable, not '{env_names[key]}'",
                reader.at(*keys, key), "use a name like AUTH0_DEV_CLIENT_ID",
            )
    manage = tuple(reader.get(table, (*keys, "manage"), list, list(DEFAULT_MANAGED),
                              allowed=MANAGED))
    return TenantConfig(
        name=name,
        domain=domain,
        custom_domain=custom_domain,
        client_id_env=env_names["client_id_env"],
        client_secret_env=env_names["client_secret_env"],
        manage=manage,
        variables=reader.get(table, (*keys, "variables"), dict, {}),
        token_overrides=reader.get(table, (*keys, "tokens"), dict, {}),
        location=reader.at(*keys),
    )
