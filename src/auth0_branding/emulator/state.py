"""Declare the emulated tenants and hold what each one stores."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..auth0.plans import PLAN_BUCKETS, PLAN_NAMES, UL_TEMPLATE_PLANS, Bucket
from ..errors import BrandError, ConfigError, Location, did_you_mean, display_path, printable
from .limits import Faults

ALL_SCOPES = (
    "read:branding",
    "create:branding",
    "update:branding",
    "delete:branding",
    "read:email_templates",
    "create:email_templates",
    "update:email_templates",
    "read:tenant_settings",
    "update:tenant_settings",
    "read:clients",
    "update:clients",
    "read:custom_domains",
    "read:prompts",
    "update:prompts",
    "read:phone_templates",
    "create:phone_templates",
    "update:phone_templates",
    "delete:phone_templates",
    "read:organizations",
    "update:organizations",
)


# What GET /prompts answers on a fresh tenant.
DEFAULT_PROMPT_SETTINGS: Mapping[str, Any] = {
    "universal_login_experience": "new",
    "identifier_first": False,
    "webauthn_platform_first_factor": False,
}

BRANDING_PATCH_MODES = ("merge", "replace")

# Path segments the server itself owns, so no tenant may be called that.
_RESERVED_NAMES = frozenset({"__emulator__", "api", "oauth"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")


class EmulatorConfigError(ConfigError):
    """An emulator config file that cannot be used."""


@dataclass(frozen=True)
class EmulatedTenant:
    """One emulated tenant: its plan, credentials and what to break."""

    name: str
    plan: str = "professional"
    client_id: str = ""  # empty: "<name>-client-id"
    client_secret: str = ""  # empty: "<name>-client-secret"
    scopes: tuple[str, ...] = ALL_SCOPES
    custom_domain: str | None = None
    domain: str | None = None  # matched against the Host header when the path has no tenant
    ul_templates: bool | None = None  # None: the plan decides
    rate_limits: bool = True
    limits: Mapping[str, Bucket] = field(default_factory=dict)  # overrides the plan's
    faults: Faults = Faults()
    token_ttl: float = 86400.0
    organizations: tuple[str, ...] = ()  # the names of the organizations it has
    https_port: int = 0  # its own HTTPS origin, when the emulator serves HTTPS (0: a free port)
    # How PATCH /branding treats omitted fields: "merge" keeps them (a PATCH, as Auth0's
    # reference describes it), "replace" wipes them (the UNVERIFIED quirk; see resources.py).
    branding_patch: str = "merge"

    def __post_init__(self) -> None:
        if not _NAME.match(self.name) or self.name in _RESERVED_NAMES:
            raise ValueError(f"tenant name {self.name!r} must be letters, digits, '-' or '_'")
        if self.plan not in PLAN_NAMES:
            raise ValueError(f"plan must be one of {', '.join(PLAN_NAMES)} (got {self.plan!r})")
        unknown = sorted(set(self.limits) - set(PLAN_BUCKETS[self.plan]))
        if unknown:
            raise ValueError(f"unknown rate-limit bucket(s): {', '.join(unknown)}")
        if self.token_ttl <= 0:
            raise ValueError("token_ttl must be > 0")
        if self.branding_patch not in BRANDING_PATCH_MODES:
            raise ValueError(f"branding_patch must be one of {', '.join(BRANDING_PATCH_MODES)}"
                             f" (got {self.branding_patch!r})")
        if not 0 <= self.https_port <= 65535:
            raise ValueError("https_port must be between 0 and 65535")
        # Frozen records still need derived defaults; set them once, here.
        if not self.client_id:
            object.__setattr__(self, "client_id", f"{self.name}-client-id")
        if not self.client_secret:
            object.__setattr__(self, "client_secret", f"{self.name}-client-secret")
        object.__setattr__(self, "scopes", tuple(self.scopes))
        object.__setattr__(self, "organizations", tuple(self.organizations))

    @property
    def allows_ul_templates(self) -> bool:
        """Tell whether this tenant may store a Universal Login page template."""
        if self.ul_templates is not None:
            return self.ul_templates
        return self.plan in UL_TEMPLATE_PLANS

    def bucket_limits(self) -> dict[str, Bucket]:
        """Return the plan's buckets with this tenant's overrides applied."""
        return {**PLAN_BUCKETS[self.plan], **self.limits}


@dataclass(frozen=True)
class EmulatorConfig:
    """Every tenant the emulator serves, and the port to listen on (0: any free one)."""

    tenants: tuple[EmulatedTenant, ...]
    port: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "tenants", tuple(self.tenants))
        names = [t.name for t in self.tenants]
        if not names:
            raise ValueError("declare at least one tenant")
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate tenant name(s): {', '.join(duplicates)}")

    def tenant(self, name: str) -> EmulatedTenant:
        """Return the tenant called `name` (KeyError when there is none)."""
        for tenant in self.tenants:
            if tenant.name == name:
                return tenant
        raise KeyError(name)


def default_config() -> EmulatorConfig:
    """Return two tenants to try things on: a paid one with a custom domain, and a free one."""
    return EmulatorConfig(
        tenants=(
            EmulatedTenant("dev", plan="professional", custom_domain="login.dev.example.test"),
            EmulatedTenant("free", plan="free"),
        )
    )


_TENANT_KEYS = {f.name for f in fields(EmulatedTenant)}
_FAULT_KEYS = {f.name for f in fields(Faults)}


def config_from_dict(data: Any, source: str = "<config>") -> EmulatorConfig:
    """Build an EmulatorConfig from parsed JSON; errors name the key path."""

    def fail(where: str, message: str, hint: str | None = None) -> EmulatorConfigError:
        return EmulatorConfigError(
            f"{where}: {message}",
            Location(source),
            hint=hint or "see `auth0-branding emulator --help` for the config format",
        )

    def unknown_key(where: str, key: str, known: set[str]) -> EmulatorConfigError:
        return fail(f"{where}{key}", "unknown key",
                    did_you_mean(key, known) or f"expected one of: {', '.join(sorted(known))}")

    if not isinstance(data, dict):
        raise fail("(top level)", "expected an object with a 'tenants' list")
    unknown = sorted(set(data) - {"tenants", "port"})
    if unknown:
        raise unknown_key("", unknown[0], {"tenants", "port"})
    raw_tenants = data.get("tenants")
    if isinstance(raw_tenants, dict):
        raw_tenants = [{"name": name, **(value or {})} for name, value in raw_tenants.items()]
    if not isinstance(raw_tenants, list) or not raw_tenants:
        raise fail("tenants", "expected a non-empty list of tenant objects")
    tenants = []
    for index, raw in enumerate(raw_tenants):
        where = f"tenants[{index}]"
        if not isinstance(raw, dict):
            raise fail(where, "expected an object")
        unknown = sorted(set(raw) - _TENANT_KEYS)
        if unknown:
            raise unknown_key(f"{where}.", unknown[0], _TENANT_KEYS)
        kwargs = dict(raw)
        try:
            if "faults" in kwargs:
                bad = sorted(set(kwargs["faults"] or {}) - _FAULT_KEYS)
                if bad:
                    raise unknown_key(f"{where}.faults.", bad[0], _FAULT_KEYS)
                kwargs["faults"] = Faults(**(kwargs["faults"] or {}))
            if "limits" in kwargs:
                kwargs["limits"] = {
                    name: Bucket(int(spec["burst"]), float(spec["per_second"]))
                    for name, spec in (kwargs["limits"] or {}).items()
                }
            if "scopes" in kwargs:
                kwargs["scopes"] = tuple(kwargs["scopes"])
            if "organizations" in kwargs:
                kwargs["organizations"] = tuple(str(n) for n in kwargs["organizations"])
            tenants.append(EmulatedTenant(**kwargs))
        except EmulatorConfigError:
            raise
        except (TypeError, ValueError, KeyError) as error:
            raise fail(where, str(error)) from error
    try:
        return EmulatorConfig(tenants=tuple(tenants), port=int(data.get("port", 0)))
    except (TypeError, ValueError) as error:
        raise fail("tenants", str(error)) from error


def load_config(path: Path) -> EmulatorConfig:
    """Read an emulator config from a JSON file."""
    return config_from_dict(read_json_file(path, EmulatorConfigError), str(path))


def read_json_file(path: Path | str, error: type[BrandError]) -> Any:
    """Parse a JSON file the emulator was handed, refusing what would hang or crash it.

    A FIFO or device would block the read forever; bad UTF-8 and JSON nested past the
    parser's depth are one line each, never a traceback.
    """
    path = Path(path)
    where = Location(printable(display_path(path)))
    try:
        if not path.is_file():
            kind = "a folder" if path.is_dir() else "not a regular file" if path.exists() else (
                "not found")
            raise error(f"cannot read it: {kind}", where, "give the path of a JSON file")
        data = path.read_bytes()
        return json.loads(data.decode("utf-8-sig"))
    except OSError as caught:
        raise error(f"cannot read it: {caught.strerror}", where) from caught
    except UnicodeDecodeError as caught:
        line = data[:caught.start].count(b"\n") + 1
        raise error("not UTF-8 text", Location(where.path, line), "save it as UTF-8") from caught
    except json.JSONDecodeError as caught:
        raise error(f"invalid JSON: {caught.msg}", Location(where.path, caught.lineno),
                    "fix the JSON syntax") from caught
    except RecursionError as caught:
        raise error("invalid JSON: nested too deeply", where, "fix the JSON") from caught


def _stable_id(*parts: str, length: int = 32) -> str:
    # Ids derived from the tenant name stay the same across restarts and state files.
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:length]


class TenantState:
    """Hold one tenant's stored resources, exactly as the API answers them."""

    def __init__(self, config: EmulatedTenant) -> None:
        self.config = config
        self.ul_template: str | None = None
        self.email_templates: dict[str, dict[str, Any]] = {}
        self.settings: dict[str, Any] = {
            "friendly_name": config.name,
            "picture_url": "",
            "support_email": "",
            "support_url": "",
            "enabled_locales": ["en"],
            "sandbox_version": "18",
            "change_password": {"enabled": False, "html": ""},
            "guardian_mfa_page": {"enabled": False, "html": ""},
            "error_page": {"html": "", "show_log_link": False, "url": ""},
        }
        self.branding: dict[str, Any] = {}
        self.prompt_settings: dict[str, Any] = dict(DEFAULT_PROMPT_SETTINGS)
        # prompt -> language -> screen -> key -> text, as PUT /prompts/{p}/custom-text/{l} left it
        self.custom_text: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
        # prompt -> screen -> insertion point -> html, as PUT /prompts/{p}/partials left it
        self.partials: dict[str, dict[str, dict[str, str]]] = {}
        # id -> template, for the templates created (Auth0's own have no id)
        self.phone_templates: dict[str, dict[str, Any]] = {}
        self.organizations: dict[str, dict[str, Any]] = {
            org_id: {"id": org_id, "name": name, "display_name": name}
            for name in config.organizations
            for org_id in ("org_" + _stable_id("organization", config.name, name, length=16),)}
        self.theme: dict[str, Any] | None = None
        self.clients: dict[str, dict[str, Any]] = {}
        initial: list[dict[str, Any]] = [
            {
                "client_id": self.global_client_id,
                "name": "All Applications",
                "global": True,
                "is_first_party": True,
                "callbacks": [],
                "custom_login_page": "",
                "custom_login_page_on": False,
            },
            {
                "client_id": config.client_id,
                "name": "Branding publisher (emulator)",
                "global": False,
                "is_first_party": True,
                "app_type": "non_interactive",
                "callbacks": [],
            },
        ]
        for client in initial:
            self.clients[client["client_id"]] = {"tenant": config.name, **client}

    @property
    def global_client_id(self) -> str:
        """Return the id of the tenant's global client ("All Applications")."""
        return _stable_id("global-client", self.config.name)

    def custom_domains(self) -> list[dict[str, Any]]:
        """Return the custom domains the config declares, all verified and ready."""
        domain = self.config.custom_domain
        if not domain:
            return []
        return [
            {
                "custom_domain_id": "cd_" + _stable_id("custom-domain", domain, length=16),
                "domain": domain,
                "primary": True,
                "is_default": True,
                "status": "ready",
                "type": "auth0_managed_certs",
            }
        ]

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable copy of everything stored."""
        return copy.deepcopy(
            {
                "plan": self.config.plan,
                "universal_login_template": self.ul_template,
                "email_templates": self.email_templates,
                "tenant_settings": self.settings,
                "branding": self.branding,
                "theme": self.theme,
                "prompts": self.prompt_settings,
                "custom_text": self.custom_text,
                "partials": self.partials,
                "phone_templates": list(self.phone_templates.values()),
                "organizations": list(self.organizations.values()),
                "clients": list(self.clients.values()),
                "custom_domains": self.custom_domains(),
            }
        )

    def load_json(self, data: Mapping[str, Any]) -> None:
        """Replace the stored resources with those of a `to_json` dump."""
        template = data.get("universal_login_template")
        if template is not None and not isinstance(template, str):
            raise ValueError("universal_login_template must be a string or null")
        self.ul_template = template
        self.email_templates = dict(copy.deepcopy(data.get("email_templates") or {}))
        self.settings = dict(copy.deepcopy(data.get("tenant_settings") or self.settings))
        self.branding = dict(copy.deepcopy(data.get("branding") or {}))
        self.theme = copy.deepcopy(data.get("theme"))
        self.prompt_settings = {**DEFAULT_PROMPT_SETTINGS, **copy.deepcopy(data.get("prompts") or {})}
        custom_text = copy.deepcopy(data.get("custom_text") or {})
        if not isinstance(custom_text, dict) or not all(
                isinstance(v, dict) for v in custom_text.values()):
            raise ValueError("custom_text must map prompts to languages to screens")
        self.custom_text = custom_text
        partials = copy.deepcopy(data.get("partials") or {})
        if not isinstance(partials, dict) or not all(isinstance(v, dict) for v in partials.values()):
            raise ValueError("partials must map prompts to screens to insertion points")
        self.partials = partials
        self.phone_templates = {str(t["id"]): dict(t)
                                for t in copy.deepcopy(data.get("phone_templates") or [])}
        organizations = copy.deepcopy(data.get("organizations") or [])
        if organizations:
            self.organizations = {str(o["id"]): dict(o) for o in organizations}
        clients: list[dict[str, Any]] = copy.deepcopy(data.get("clients") or [])
        if clients:
            self.clients = {str(c["client_id"]): dict(c) for c in clients}


class EmulatorStateError(BrandError):
    """A state file that cannot be read back."""
