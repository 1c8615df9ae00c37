"""The declared shape of `brand.toml` and `tenants.toml`, and its problems in our words.

pydantic checks every table at once; `problems` turns each of its findings into the message
a designer has always read ("'tenants.prod.manage' must be a list, not a string"), at the
line the key path maps to. Rules of meaning (a domain, an environment variable's name, a
tenant's slug) are validators that raise `_rule` errors carrying their own message and hint.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from ..auth0.contract import EMAIL_TEMPLATES
from ..auth0.languages import LANGUAGES, language_hint
from ..auth0.organizations import ORGANIZATION_NAME, ORGANIZATION_NAME_RULE
from ..auth0.plans import PLAN_NAMES
from ..errors import ConfigError, Location, did_you_mean, printable
from .colours import ColourError, parse_colour
from .tokens import alias_path

MANAGED = ("login", "password_reset", "error_page", "emails", "branding", "theme", "classic_login",
           "custom_text", "languages", "partials", "phone", "organizations", "guardian_mfa_page")
# The classic pages (classic_login, guardian_mfa_page) only for tenants that ask for them.
DEFAULT_MANAGED = ("login", "password_reset", "error_page", "emails", "branding", "theme",
                   "custom_text", "languages", "partials", "phone", "organizations")
INLINERS = ("premailer", "css-inline")
# Where an email finds its reader's language unless the brand says otherwise, most trusted
# first: the user's own choice, then the language their browser asked for.
DEFAULT_EMAIL_LANGUAGE = ("user.user_metadata.lang", "request_language")
# A tenant's name becomes its folder in dist/ and appears in every report: a slug keeps it a
# single, portable path segment (lowercase, as some file systems ignore case).
TENANT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
TENANT_NAME_RULE = ("lowercase letters, digits, '-' and '_', starting with a letter or digit, "
                    "at most 63 characters")
# Names dist/ already uses for something else.
RESERVED_TENANT_NAMES = ("review",)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_VARIABLE_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")

_TYPE_NAMES = {str: "string", int: "integer", bool: "boolean", list: "list", dict: "table",
               float: "number"}
_EXPECTED = {"string_type": "string", "int_type": "integer", "bool_type": "boolean",
             "float_type": "number", "list_type": "list", "dict_type": "table",
             "model_type": "table", "model_attributes_type": "table"}


def _rule(message: str, hint: str, value: Any = None) -> PydanticCustomError:
    """A broken rule: `message` may name {value}, {key} (the key) and {owner} (its table)."""
    return PydanticCustomError("rule", "{message}", {"message": message, "hint": hint,
                                                      "value": value})


def _one_of(allowed: tuple[str, ...]) -> AfterValidator:
    def check(value: Any) -> Any:
        if value not in allowed:
            raise _rule("invalid value '{value}' for '{dotted}'",
                        did_you_mean(str(value), allowed) or f"use one of: {', '.join(allowed)}",
                        str(value))
        return value
    return AfterValidator(check)


def _matching(pattern: re.Pattern[str], message: str, hint: str) -> AfterValidator:
    def check(value: str) -> str:
        if not pattern.match(value):
            raise _rule(message, hint, value)
        return value
    return AfterValidator(check)


def _tenant_name(name: str) -> str:
    if TENANT_NAME.match(name) and name not in RESERVED_TENANT_NAMES:
        return name
    why = ("is reserved: dist/review/ holds the review gallery"
           if name in RESERVED_TENANT_NAMES else "is not a valid tenant name")
    raise _rule(f"tenant '{{value}}' {why}", f"rename it: {TENANT_NAME_RULE}", printable(name))


def _email_name(name: str) -> str:
    if name in EMAIL_TEMPLATES:
        return name
    raise _rule("unknown email template '{value}'",
                did_you_mean(name, EMAIL_TEMPLATES) or "see Auth0's email template names", name)


def _language(code: str) -> str:
    if code in LANGUAGES:
        return code
    raise _rule("unknown language '{value}' in '{dotted}'",
                language_hint(code) or "use one of Auth0's language codes, e.g. en, fr-CA",
                printable(code))


def _no_repeats(codes: list[str]) -> list[str]:
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise _rule("'{dotted}' lists '{value}' twice", "list each language once", repeated[0])
    return codes


def _some(value: dict) -> dict:
    if not value:
        raise _rule("no tenants defined", "add a [tenants.dev] table")
    return value


class _Table(BaseModel):
    """A TOML table: values of exactly their type, and no key it does not declare."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)
    # The message for a value that is not a table, when it differs from the usual one.
    not_a_table: ClassVar[tuple[str, str] | None] = None


class _Styles(_Table):
    page: str | None = None
    email: str | None = None


class _EmailDefaults(_Table):
    subject: str | None = None
    from_: str | None = Field(None, alias="from")
    result_url: str | None = None
    url_lifetime_in_seconds: int | None = None
    include_email_in_redirect: bool | None = None
    enabled: bool | None = None
    syntax: Annotated[str, _one_of(("liquid",))] | None = None


class _Email(_EmailDefaults):
    not_a_table = ("'{dotted}' must be a table", "write [{dotted}]")


class _Theme(_Table):
    # Other groups pass through to the checks, which name them.
    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    missing: ClassVar[tuple[str, str]] = (
        "missing table '{dotted}'", "add a [{dotted}] table: Auth0 requires all five groups")

    borders: dict[str, Any]
    colors: dict[str, Any]
    fonts: dict[str, Any]
    page_background: dict[str, Any]
    widget: dict[str, Any]


_Language = Annotated[str, AfterValidator(_language)]


class _Languages(_Table):
    default: _Language
    supported: Annotated[list[_Language], AfterValidator(_no_repeats)] = []
    catalogues: str = "translations"
    email_language: list[Annotated[str, _matching(
        _VARIABLE_PATH, "'{value}' in '{dotted}' is not a Liquid variable",
        "write a dotted name such as user.user_metadata.lang")]] = list(DEFAULT_EMAIL_LANGUAGE)


class _Preview(_Table):
    assets: dict[str, Any] = {}


class _PhoneMessage(_Table):
    not_a_table = ("'{dotted}' must be a table", "write [{dotted}]")

    disabled: bool = False
    from_: str | None = Field(None, alias="from")


class _Phone(_Table):
    """[phone]: the sender of every message, and a table per message type."""

    from_: str | None = Field(None, alias="from")
    otp_verify: _PhoneMessage | None = None
    otp_enroll: _PhoneMessage | None = None
    change_password: _PhoneMessage | None = None
    blocked_account: _PhoneMessage | None = None
    password_breach: _PhoneMessage | None = None


def _alias(value: str) -> str:
    if alias_path(value) is not None:
        return value
    raise _rule("'{dotted}' holds '{value}', not a token alias",
                'write a colour token\'s path in braces, such as "{color.text.body}"',
                printable(value))


def _pair(pair: list[str]) -> list[str]:
    if len(pair) != 2:
        raise _rule("'{dotted}' must pair two tokens, a foreground and its background",
                    'write e.g. ["{color.text.body}", "{color.surface.card}"]')
    return pair


_Pair = Annotated[list[Annotated[str, AfterValidator(_alias)]], AfterValidator(_pair)]


class _Colours(_Table):
    """[colours]: what emails blend alpha onto, and the pairs their contrast is checked on."""

    email_background: str | None = None
    email_text: list[_Pair] = []
    email_components: list[_Pair] = []


class BrandFile(_Table):
    """brand.toml."""

    # The order its problems are reported in ("!": the table itself, its type and unknown
    # keys), the order in which they were found before they were all collected.
    check_order: ClassVar[tuple[str, ...]] = (
        "styles!", "email_defaults", "emails", "theme", "name", "inliner", "styles",
        "variables", "branding", "preview", "languages", "phone", "colours")

    name: str
    inliner: Annotated[str, _one_of(INLINERS)] = "premailer"
    styles: _Styles = _Styles()
    variables: dict[str, Any] = {}
    email_defaults: _EmailDefaults = _EmailDefaults.model_construct()
    emails: dict[Annotated[str, AfterValidator(_email_name)], _Email] = {}
    branding: dict[str, Any] = {}
    # An empty [theme] manages no theme; a theme has all five groups.
    theme: Annotated[_Theme | None, BeforeValidator(lambda v: None if v == {} else v)] = None
    preview: _Preview = _Preview()
    languages: _Languages | None = None
    phone: _Phone = _Phone.model_construct()
    colours: _Colours = _Colours()


def _organization_name(name: str) -> str:
    if ORGANIZATION_NAME.match(name):
        return name
    raise _rule("'{value}' is not a valid Auth0 organization name",
                f"use the organization's name as Auth0 has it: {ORGANIZATION_NAME_RULE}",
                printable(name))


def _org_color(value: str) -> str:
    # A token alias is resolved, and its value checked, by the build, which also writes
    # any colour as the hex Auth0 takes.
    if alias_path(value) is not None:
        return value
    try:
        parse_colour(value)
    except ColourError:
        raise _rule("'{dotted}' is '{value}', not a colour",
                    'write e.g. "#0055aa", "oklch(0.45 0.1 250)" or a token alias such as '
                    '"{color.brand.primary}"', printable(value)) from None
    return value


def _https(value: str) -> str:
    if value.startswith("https://"):
        return value
    raise _rule("'{dotted}' must be an https:// URL, not '{value}'",
                "Auth0 accepts only https:// logo URLs", printable(value))


_OrgColor = Annotated[str, AfterValidator(_org_color)]


class _OrganizationColors(_Table):
    missing: ClassVar[tuple[str, str]] = (
        "missing key '{dotted}'", "Auth0 needs both primary and page_background once colors is set")

    primary: _OrgColor
    page_background: _OrgColor


class _OrganizationBranding(_Table):
    logo_url: Annotated[str, AfterValidator(_https)] | None = None
    colors: _OrganizationColors | None = None


class _Organization(_Table):
    not_a_table = ("'{dotted}' must be a table", "write [{dotted}.branding]")

    branding: _OrganizationBranding


_Domain = Annotated[str, _matching(_DOMAIN, "invalid domain '{value}' for tenant '{owner}'",
                                   "use a host name like acme.eu.auth0.com")]
_CustomDomain = Annotated[str, _matching(
    _DOMAIN, "invalid custom_domain '{value}' for tenant '{owner}'",
    "use a host name like login.acme.com")]
_EnvName = Annotated[str, _matching(_ENV_NAME, "'{key}' must name an environment variable, "
                                    "not '{value}'", "use a name like AUTH0_DEV_CLIENT_ID")]


class _Tenant(_Table):
    not_a_table = ("'{dotted}' must be a table", "write [{dotted}]")

    domain: _Domain
    custom_domain: _CustomDomain | None = None
    # The tenant's Auth0 plan: the emulator seeds its tenant on it (--brand).
    plan: Annotated[str, _one_of(PLAN_NAMES)] | None = None
    client_id_env: _EnvName
    client_secret_env: _EnvName
    manage: list[Annotated[Any, _one_of(MANAGED)]] = list(DEFAULT_MANAGED)
    variables: dict[str, Any] = {}
    tokens: dict[str, Any] = {}
    tokens_themes: list[str] = []
    organizations: dict[Annotated[str, AfterValidator(_organization_name)], _Organization] = {}


class TenantsFile(_Table):
    """tenants.toml: other top-level keys are left to the tools that read them."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)

    tenants: Annotated[dict[Annotated[str, AfterValidator(_tenant_name)], _Tenant],
                       AfterValidator(_some)]


def problems(
    schema: type[BaseModel], data: dict[str, Any], at: Callable[[tuple[str, ...]], Location],
    shown: str,
) -> list[ConfigError]:
    """Validate `data` against `schema`; return every problem, unknown keys of a table first."""
    try:
        schema.model_validate(data)
    except ValidationError as error:
        order = getattr(schema, "check_order", ())
        found = sorted(_unknown_first(error.errors()), key=lambda e: _rank(order, e))
        return [_problem(schema, e, at, shown) for e in found]
    return []


def _rank(order: tuple[str, ...], error: Any) -> int:
    loc, unknown = error["loc"], error["type"] == "extra_forbidden"
    if len(loc) == 1 and unknown:
        return -1
    whole = f"{loc[0]}!" if len(loc) == 1 or (len(loc) == 2 and unknown) else None
    key = whole if whole in order else loc[0]
    return order.index(key) if key in order else len(order)


def _unknown_first(errors: Iterable[Any]) -> list[Any]:
    # As a designer reads a table: first a key that does not belong, then the keys' values.
    ordered: list[Any] = []
    for error in errors:
        if error["type"] == "extra_forbidden":
            parent = error["loc"][:-1]
            index = next((i for i, e in enumerate(ordered) if e["loc"][:len(parent)] == parent
                          and e["type"] != "extra_forbidden"), len(ordered))
            ordered.insert(index, error)
        else:
            ordered.append(error)
    return ordered


def _problem(schema: type[BaseModel], error: Any, at: Callable[[tuple[str, ...]], Location],
             shown: str) -> ConfigError:
    keys = tuple(k for k in error["loc"] if isinstance(k, str) and k != "[key]")
    dotted, name, kind = ".".join(keys), keys[-1], error["type"]
    parent = _annotation_at(schema, keys[:-1])
    if kind == "missing":
        message, hint = getattr(parent, "missing", ("missing key '{dotted}'", "add {key} = ..."))
        where = at(keys) if len(keys) > 1 else Location(shown)
        return ConfigError(message.format(dotted=dotted, key=name), where,
                           hint.format(dotted=dotted, key=name))
    if kind == "extra_forbidden":
        known = tuple(field.alias or key for key, field in parent.model_fields.items())
        return ConfigError(f"unknown key '{dotted}'", at(keys),
                           did_you_mean(name, known) or f"known keys: {', '.join(known)}")
    if kind == "rule":
        ctx = error["ctx"]
        fields = {"value": ctx["value"], "dotted": dotted, "key": name,
                  "owner": keys[-2] if len(keys) > 1 else ""}
        return ConfigError(ctx["message"].format(**fields), at(keys), ctx["hint"])
    special = getattr(_annotation_at(schema, keys), "not_a_table", None)
    if kind in ("model_type", "model_attributes_type") and special:
        return ConfigError(special[0].format(dotted=dotted), at(keys),
                           special[1].format(dotted=dotted))
    value = error["input"]
    expected = _EXPECTED.get(kind, kind)
    actual = _TYPE_NAMES.get(type(value), type(value).__name__)
    return ConfigError(f"'{dotted}' must be {_article(expected)}, not {_article(actual)}",
                       at(keys), f"set {name} to {_article(expected)}")


def _annotation_at(schema: Any, keys: tuple[str, ...]) -> Any:
    """Return the model (or type) that the value at `keys` is declared as."""
    node = schema
    for key in keys:
        node = _unwrapped(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            field = next((f for k, f in node.model_fields.items() if (f.alias or k) == key), None)
            if field is None:
                return None
            node = field.annotation
        elif get_origin(node) is dict:
            node = get_args(node)[1]
        else:
            return None
    return _unwrapped(node)


def _unwrapped(node: Any) -> Any:
    while True:
        if get_origin(node) is Annotated:
            node = get_args(node)[0]
        elif get_origin(node) in (Union, types.UnionType):
            node = next(a for a in get_args(node) if a is not type(None))
        else:
            return node


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"
