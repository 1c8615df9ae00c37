"""Check the JSON outputs (email settings, branding, theme) against Auth0's rules."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from .config import EMAIL_TEMPLATES
from .errors import Location, Problem, TemplateError
from .liquid import liquid_usage, parse_liquid

log = logging.getLogger(__name__)

RESULT_URL_VARIABLES = frozenset({"application.name", "application.clientID",
                                  "application.callback_domain"})
COLOR = re.compile(r"^#(([0-9a-fA-F]{3}){1,2}|([0-9a-fA-F]{4}){1,2})$")
# Contract §3: (type, minimum or choices, maximum); "color" and "url" are string formats.
THEME_FIELDS: dict[str, dict[str, tuple]] = {
    "borders": {
        "button_border_radius": ("number", 1, 10), "button_border_weight": ("number", 0, 10),
        "buttons_style": ("enum", ("pill", "rounded", "sharp")),
        "input_border_radius": ("number", 0, 10), "input_border_weight": ("number", 0, 3),
        "inputs_style": ("enum", ("pill", "rounded", "sharp")),
        "show_widget_shadow": ("bool",), "widget_border_weight": ("number", 0, 10),
        "widget_corner_radius": ("number", 0, 50),
    },
    "colors": {
        **{name: ("color",) for name in (
            "body_text", "error", "header", "icons", "input_background", "input_border",
            "input_filled_text", "input_labels_placeholders", "links_focused_components",
            "primary_button", "primary_button_label", "secondary_button_border",
            "secondary_button_label", "success", "widget_background", "widget_border")},
        **{name: ("color", "optional") for name in (
            "base_focus_color", "base_hover_color", "read_only_background")},
        "captcha_widget_theme": ("enum", ("auto", "dark", "light"), "optional"),
    },
    "fonts": {
        "font_url": ("url",), "reference_text_size": ("number", 12, 24),
        "links_style": ("enum", ("normal", "underlined")),
        "title": ("font", 75, 150), "subtitle": ("font", 0, 150),
        "body_text": ("font", 0, 150), "buttons_text": ("font", 0, 150),
        "input_labels": ("font", 0, 150), "links": ("font", 0, 150),
    },
    "page_background": {
        "background_color": ("color",), "background_image_url": ("url",),
        "page_layout": ("enum", ("center", "left", "right")),
    },
    "widget": {
        "header_text_alignment": ("enum", ("center", "left", "right")),
        "logo_height": ("number", 1, 100),
        "logo_position": ("enum", ("center", "left", "none", "right")),
        "logo_url": ("url",), "social_buttons_layout": ("enum", ("bottom", "top")),
    },
}


def check_email_settings(data: Mapping[str, Any], artifact: Any,
                         location: Location | None) -> list[Problem]:
    """Check one email's settings: name, subject, from, resultUrl, lifetime."""
    problems = []
    where = location or (Location(artifact.sources[0]) if artifact.sources else None)
    name = data.get("template")
    if name not in EMAIL_TEMPLATES:
        problems.append(Problem("error", "email-name",
                                f"'{name}' is not an Auth0 email template", where))
    subject = data.get("subject") or ""
    if not subject.strip():
        problems.append(Problem("error", "email-subject", f"{name} has no subject", where))
    else:
        try:
            parse_liquid(subject, f"{name} subject")
        except TemplateError as error:
            problems.append(Problem("error", "liquid-syntax",
                                    f"subject of {name}: {error.message}", where))
    sender = data.get("from") or ""
    if "@auth0.com" in sender.lower():
        problems.append(Problem("error", "email-from",
                                f"from {sender!r} contains @auth0.com, so Auth0 would ignore "
                                "this template; use your own domain", where))
    if not sender.strip():
        problems.append(Problem("error", "email-from", f"{name} has no from address", where))
    result_url = data.get("resultUrl")
    if result_url:
        try:
            variables = {use.name for use in liquid_usage(result_url).variables}
        except TemplateError as error:
            problems.append(Problem("error", "liquid-syntax", f"resultUrl: {error.message}",
                                    where))
            variables = set()
        for variable in sorted(variables - RESULT_URL_VARIABLES):
            problems.append(Problem(
                "error", "result-url-variable",
                f"resultUrl of {name} uses '{variable}'; Auth0 allows only "
                f"{', '.join(sorted(RESULT_URL_VARIABLES))}", where))
        if not re.match(r"^(https://|\{\{)", result_url):
            problems.append(Problem("error", "insecure-url",
                                    f"resultUrl of {name} must be an https URL", where))
    lifetime = data.get("urlLifetimeInSeconds")
    if lifetime is not None and (not isinstance(lifetime, int) or lifetime < 0):
        problems.append(Problem("error", "url-lifetime",
                                f"urlLifetimeInSeconds of {name} must be 0 or more, "
                                f"not {lifetime}", where))
    return problems


def check_branding(data: Mapping[str, Any], artifact: Any) -> list[Problem]:
    """Check the branding object: https URLs and valid colours."""
    where = Location(artifact.sources[0]) if artifact.sources else None
    problems = []
    for key in ("logo_url", "favicon_url"):
        problems.extend(_url(data.get(key), f"branding.{key}", where))
    problems.extend(_url((data.get("font") or {}).get("url"), "branding.font.url", where))
    for key, value in (data.get("colors") or {}).items():
        if isinstance(value, str) and not COLOR.match(value):
            problems.append(Problem("error", "branding-invalid",
                                    f"branding.colors.{key} {value!r} is not a hex colour", where))
    return problems


def check_theme(data: Mapping[str, Any], artifact: Any) -> list[Problem]:
    """Check the Universal Login theme against the fields and ranges Auth0 accepts."""
    where = Location(artifact.sources[0]) if artifact.sources else None
    problems = []
    for group, fields in THEME_FIELDS.items():
        values = data.get(group)
        if not isinstance(values, Mapping):
            problems.append(Problem("error", "theme-invalid",
                                    f"theme.{group} is required by Auth0", where))
            continue
        for field, spec in fields.items():
            problems.extend(_theme_field(values, f"theme.{group}.{field}", field, spec, where))
        for field in values:
            if field not in fields:
                problems.append(Problem("error", "theme-invalid",
                                        f"theme.{group}.{field} is not a theme field", where))
    return problems


def _theme_field(values: Mapping[str, Any], path: str, field: str, spec: tuple,
                 where: Location | None) -> list[Problem]:
    kind = spec[0]
    if field not in values:
        if "optional" in spec:
            return []
        return [Problem("error", "theme-invalid", f"{path} is required by Auth0", where)]
    value = values[field]
    wrong = None
    if kind == "color" and not (isinstance(value, str) and COLOR.match(value)):
        wrong = "a hex colour"
    elif kind == "url":
        return _url(value, path, where, allow_empty=True)
    elif kind == "enum" and value not in spec[1]:
        wrong = f"one of {', '.join(spec[1])}"
    elif kind == "bool" and not isinstance(value, bool):
        wrong = "true or false"
    elif kind == "number" and not (_is_number(value) and spec[1] <= value <= spec[2]):
        wrong = f"a number from {spec[1]} to {spec[2]}"
    elif kind == "font":
        if not isinstance(value, Mapping) or not isinstance(value.get("bold"), bool) or not (
            _is_number(value.get("size")) and spec[1] <= value["size"] <= spec[2]
        ):
            wrong = f"{{bold = true|false, size = {spec[1]}-{spec[2]}}}"
    if wrong:
        return [Problem("error", "theme-invalid", f"{path} must be {wrong}, not {value!r}", where)]
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _url(value: Any, path: str, where: Location | None, allow_empty: bool = False
         ) -> list[Problem]:
    if value is None or (allow_empty and value == ""):
        return []
    if not isinstance(value, str) or not value.startswith("https://"):
        return [Problem("error", "insecure-url", f"{path} must be an https URL, not {value!r}",
                        where)]
    return []
