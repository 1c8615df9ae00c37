"""Auth0's Universal Login theme as data: its groups, its fields and ranges, its colours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeGuard

# Auth0's own pattern, as its API quotes it in a 400 ("String does not match pattern ...").
# Branding and organization colours are held to it too: no source states theirs, so the
# 8-digit (translucent) forms the build writes there are UNVERIFIED beyond the theme.
COLOR_PATTERN = r"^#(([0-9a-fA-F]{3}){1,2}|([0-9a-fA-F]{4}){1,2})$"
_COLOR = re.compile(COLOR_PATTERN)


def is_color(value: object) -> TypeGuard[str]:
    """Tell whether `value` is a colour Auth0 accepts: #rgb, #rgba, #rrggbb or #rrggbbaa."""
    # fullmatch, as Auth0's (JavaScript) `$` does not match before a trailing newline.
    return isinstance(value, str) and _COLOR.fullmatch(value) is not None


@dataclass(frozen=True)
class ThemeField:
    """One theme field: its kind, its range (number, font size) or choices, and whether required.

    Kinds: number, enum, bool, color, url (https or ""), font ({bold, size}).
    """

    kind: str
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False


def _number(low: int, high: int) -> ThemeField:
    return ThemeField("number", low, high)


def _font(low: int, high: int) -> ThemeField:
    return ThemeField("font", low, high)


def _enum(*choices: str, optional: bool = False) -> ThemeField:
    return ThemeField("enum", choices=choices, optional=optional)


_COLOR_FIELD, _URL, _BOOL = ThemeField("color"), ThemeField("url"), ThemeField("bool")
_STYLE = _enum("pill", "rounded", "sharp")
_ALIGN = ("center", "left", "right")

# Contract §3: every group is required on create and on update.
THEME_FIELDS: dict[str, dict[str, ThemeField]] = {
    "borders": {
        "button_border_radius": _number(1, 10), "button_border_weight": _number(0, 10),
        "buttons_style": _STYLE,
        "input_border_radius": _number(0, 10), "input_border_weight": _number(0, 3),
        "inputs_style": _STYLE,
        "show_widget_shadow": _BOOL, "widget_border_weight": _number(0, 10),
        "widget_corner_radius": _number(0, 50),
    },
    "colors": {
        **{name: _COLOR_FIELD for name in (
            "body_text", "error", "header", "icons", "input_background", "input_border",
            "input_filled_text", "input_labels_placeholders", "links_focused_components",
            "primary_button", "primary_button_label", "secondary_button_border",
            "secondary_button_label", "success", "widget_background", "widget_border")},
        **{name: ThemeField("color", optional=True) for name in (
            "base_focus_color", "base_hover_color", "read_only_background")},
        "captcha_widget_theme": _enum("auto", "dark", "light", optional=True),
    },
    "fonts": {
        "font_url": _URL, "reference_text_size": _number(12, 24),
        "links_style": _enum("normal", "underlined"),
        "title": _font(75, 150), "subtitle": _font(0, 150),
        "body_text": _font(0, 150), "buttons_text": _font(0, 150),
        "input_labels": _font(0, 150), "links": _font(0, 150),
    },
    "page_background": {
        "background_color": _COLOR_FIELD, "background_image_url": _URL,
        "page_layout": _enum(*_ALIGN),
    },
    "widget": {
        "header_text_alignment": _enum(*_ALIGN),
        "logo_height": _number(1, 100),
        "logo_position": _enum("center", "left", "none", "right"),
        "logo_url": _URL, "social_buttons_layout": _enum("bottom", "top"),
    },
}
THEME_GROUPS = tuple(THEME_FIELDS)

# The colour pairs Universal Login draws from the theme, foreground on background, and what
# the foreground is: "text" needs 4.5:1 under WCAG 2.2 AA, a "component" (a focus ring, an
# input's border) 3:1. The widget itself sits on the page background.
CONTRAST_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("body_text", "widget_background", "text"),
    ("header", "widget_background", "text"),
    ("primary_button_label", "primary_button", "text"),
    ("links_focused_components", "widget_background", "text"),
    ("base_focus_color", "widget_background", "component"),
    ("input_filled_text", "input_background", "text"),
    ("input_labels_placeholders", "input_background", "text"),
    ("error", "widget_background", "text"),
)
