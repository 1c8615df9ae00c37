"""Mock the Auth0 Universal Login widget as static HTML and CSS for previews and snapshots."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

from markupsafe import Markup

from ..auth0.languages import text_direction
from ..auth0.theme import THEME_FIELDS, is_color
from .html_templates import html_template

log = logging.getLogger(__name__)

DEFAULT_THEME: Mapping[str, object] = {
    # Auth0's default theme, so an empty theme looks like a fresh tenant.
    "primary_button": "#635dff", "primary_button_label": "#ffffff",
    "secondary_button_border": "#c9cace", "secondary_button_label": "#1e212a",
    "links_focused_components": "#635dff", "header": "#1e212a", "body_text": "#1e212a",
    "widget_background": "#ffffff", "widget_border": "#c9cace", "input_background": "#ffffff",
    "input_border": "#c9cace", "input_filled_text": "#000000",
    "input_labels_placeholders": "#65676e", "icons": "#65676e", "error": "#d03c38",
    "widget_corner_radius": 5, "widget_border_weight": 0, "show_widget_shadow": True,
    "button_border_radius": 3, "button_border_weight": 1, "buttons_style": "rounded",
    "input_border_radius": 3, "input_border_weight": 1, "inputs_style": "rounded",
    "font_family": "-apple-system, BlinkMacSystemFont, Roboto, Helvetica, sans-serif",
    "reference_text_size": 16, "links_style": "normal", "logo_url": "", "logo_height": 52,
    "logo_position": "center", "header_text_alignment": "center",
    "social_buttons_layout": "bottom",
}
_COLOURS = {
    "primary": "primary_button", "primary-label": "primary_button_label",
    "secondary-border": "secondary_button_border", "secondary-label": "secondary_button_label",
    "link": "links_focused_components", "header": "header", "text": "body_text",
    "bg": "widget_background", "widget-border": "widget_border",
    "input-bg": "input_background", "input-border": "input_border",
    "input-text": "input_filled_text", "input-label": "input_labels_placeholders",
    "icons": "icons", "error": "error",
}
# (css variable, theme group, theme key): lengths the mock clamps to Auth0's own ranges.
_LENGTHS = (
    ("widget-radius", "borders", "widget_corner_radius"),
    ("widget-border-weight", "borders", "widget_border_weight"),
    ("button-border-weight", "borders", "button_border_weight"),
    ("input-border-weight", "borders", "input_border_weight"),
    ("text-size", "fonts", "reference_text_size"),
    ("logo-height", "widget", "logo_height"),
)
_RE_FONT = re.compile(r"[\w ,'\"-]+")
_RE_LENGTH = re.compile(r"(\d+(?:\.\d+)?)(?:px)?")
_RE_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")

_COMMON_TEXTS = {
    "companyName": "My Company", "clientName": "My App", "email": "user@example.com",
    "userName": "Jane Doe", "phoneNumber": "+1 XXX-XXX-XX42", "connectionName": "Google",
    "buttonText": "Continue", "emailPlaceholder": "Email address",
    "passwordPlaceholder": "Password", "codePlaceholder": "Enter the code",
    "forgotPasswordText": "Forgot password?", "separatorText": "OR",
    "federatedConnectionButtonText": "Continue with ${connectionName}", "editEmailText": "Edit",
    "rememberMeText": "Remember this device for 30 days", "logoAltText": "${companyName}",
    "pickAuthenticatorText": "Try another method", "resendText": "Resend code",
    "backToLoginLinkText": "Back to ${clientName}", "declineButtonText": "Decline",
}
_LOGIN_FOOTER = {"footerText": "Don't have an account?", "footerLinkText": "Sign up"}
_SIGNUP_FOOTER = {"footerText": "Already have an account?", "footerLinkText": "Log in"}


@dataclass(frozen=True)
class _Screen:
    """What one prompt shows: default texts (Auth0's text keys) and which parts appear."""

    texts: Mapping[str, str]
    fields: tuple[tuple[str, str], ...] = ()  # (label text key, input type)
    identifier: bool = False
    forgot: bool = False
    remember: bool = False
    options: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    button: bool = True
    decline: bool = False
    links: tuple[str, ...] = ()
    footer: bool = False
    social: bool = False


_EMAIL = ("emailPlaceholder", "email")
_PASSWORD = ("passwordPlaceholder", "password")
_CODE = ("codePlaceholder", "text")
_MFA_LINKS = ("resendText", "pickAuthenticatorText")

_SCREENS: Mapping[str, _Screen] = {
    "login": _Screen(
        {"title": "Welcome",
         "description": "Log in to ${companyName} to continue to ${clientName}.",
         **_LOGIN_FOOTER},
        fields=(_EMAIL, _PASSWORD), forgot=True, footer=True, social=True),
    "login-id": _Screen(
        {"title": "Welcome",
         "description": "Log in to ${companyName} to continue to ${clientName}.",
         **_LOGIN_FOOTER},
        fields=(_EMAIL,), footer=True, social=True),
    "login-password": _Screen(
        {"title": "Enter Your Password",
         "description": "Enter your password for ${companyName} to continue to ${clientName}",
         **_LOGIN_FOOTER},
        fields=(_PASSWORD,), identifier=True, forgot=True, footer=True),
    "signup": _Screen(
        {"title": "Create Your Account",
         "description": "Sign Up to ${companyName} to continue to ${clientName}.",
         **_SIGNUP_FOOTER},
        fields=(_EMAIL, _PASSWORD), footer=True, social=True),
    "signup-id": _Screen(
        {"title": "Create Your Account",
         "description": "Sign Up to ${companyName} to continue to ${clientName}.",
         **_SIGNUP_FOOTER},
        fields=(_EMAIL,), footer=True, social=True),
    "signup-password": _Screen(
        {"title": "Create Your Account",
         "description": "Set your password for ${companyName} to continue to ${clientName}",
         **_SIGNUP_FOOTER},
        fields=(_PASSWORD,), identifier=True, footer=True),
    "reset-password": _Screen(
        {"title": "Forgot Your Password?",
         "description": "Enter your email address and we will send you instructions to "
         "reset your password."},
        fields=(_EMAIL,), links=("backToLoginLinkText",)),
    "reset-password/reset-password-email": _Screen(
        {"title": "Check Your Email", "buttonText": "Resend email",
         "description": "Please check the email address ${email} for instructions to "
         "reset your password."}),
    "reset-password/reset-password": _Screen(
        {"title": "Change Your Password", "buttonText": "Reset password",
         "description": "Enter a new password below to change your password.",
         "passwordPlaceholder": "New password",
         "reEnterpasswordPlaceholder": "Re-enter new password"},
        fields=(_PASSWORD, ("reEnterpasswordPlaceholder", "password"))),
    "mfa": _Screen(
        {"title": "Verify Your Identity",
         "description": "Choose how you want to verify your identity.",
         "otpText": "Google Authenticator or similar", "smsText": "SMS",
         "emailText": "Email"},
        options=("otpText", "smsText", "emailText"), button=False),
    "mfa-otp": _Screen(
        {"title": "Verify Your Identity",
         "description": "Check your preferred one-time password application for a code.",
         "codePlaceholder": "Enter your one-time code"},
        fields=(_CODE,), remember=True, links=("pickAuthenticatorText",)),
    "mfa-sms": _Screen(
        {"title": "Verify Your Identity",
         "description": "We've sent a text message to: ${phoneNumber}",
         "codePlaceholder": "Enter the 6-digit code"},
        fields=(_CODE,), remember=True, links=_MFA_LINKS),
    "mfa-email": _Screen(
        {"title": "Verify Your Identity",
         "description": "We've sent an email with your code to: ${email}"},
        fields=(_CODE,), remember=True, links=_MFA_LINKS),
    "consent": _Screen(
        {"title": "Authorize ${clientName}", "buttonText": "Accept",
         "description": "Hi ${userName}, ${clientName} is requesting access to your "
         "${companyName} account.",
         "profileScope": "Personal user data", "emailScope": "Email address"},
        scopes=("profileScope", "emailScope"), decline=True),
    "email-verification": _Screen(
        {"title": "Email Verified", "buttonText": "Back to ${clientName}",
         "description": "Your email address was successfully verified."}),
    "logout": _Screen(
        {"title": "Log Out", "buttonText": "Yes", "declineButtonText": "No",
         "description": "Are you sure you want to log out of ${clientName}?"},
        decline=True),
}

# Kept as a file so it reads (and diffs) as CSS.
_CSS = (resources.files(__package__) / "widget.css").read_text(encoding="utf-8")


def head_html() -> str:
    """Return the `<style>` block that `{%- auth0:head -%}` injects for the mock widget."""
    # Every rule is scoped to `ulp-mock-` classes; the one exception is Auth0's own
    # `_widget-auto-layout`, which a brand's <body> opts into to centre the widget.
    return f'<style id="ulp-mock-styles">{_CSS}</style>'


def _flat_theme(theme: Mapping[str, object] | None) -> dict[str, object]:
    """Accept Auth0's grouped theme (colors/borders/fonts/widget/...) or flat keys."""
    values = dict(DEFAULT_THEME)
    theme = theme or {}
    # colors last: fonts.body_text is a {bold, size} object, colors.body_text a colour.
    for group in ("page_background", "widget", "borders", "fonts", "colors"):
        nested = theme.get(group)
        if isinstance(nested, Mapping):
            values.update({k: v for k, v in nested.items() if not isinstance(v, Mapping)})
    values.update({k: v for k, v in theme.items() if not isinstance(v, Mapping)})
    return values


def _colour(values: Mapping[str, object], key: str) -> str:
    value = values.get(key)
    if is_color(value):
        return value
    log.warning("theme %s: %r is not a hex colour; the mock uses the default", key, value)
    return str(DEFAULT_THEME[key])


def _length(values: Mapping[str, object], group: str, key: str) -> str:
    field = THEME_FIELDS[group][key]
    assert field.low is not None and field.high is not None
    low, high = field.low, field.high
    value = values.get(key)
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and (match := _RE_LENGTH.fullmatch(value.strip())):
        number = float(match.group(1))
    if number is None:
        log.warning("theme %s: %r is not a number; the mock uses the default", key, value)
        number = float(DEFAULT_THEME[key])  # type: ignore[arg-type]
    number = min(max(number, low), high)
    return f"{number:g}px"


def _radius(values: Mapping[str, object], style_key: str, radius_key: str) -> str:
    style = values.get(style_key)
    if style == "pill":
        return "9999px"
    if style == "sharp":
        return "0px"
    return _length(values, "borders", radius_key)


def _choice(values: Mapping[str, object], key: str) -> str:
    value = values.get(key)
    allowed = THEME_FIELDS["widget"][key].choices
    return value if isinstance(value, str) and value in allowed else str(DEFAULT_THEME[key])


def _style(values: Mapping[str, object]) -> str:
    """Build the root's CSS custom properties from validated theme values only."""
    props = {f"--ulp-mock-{name}": _colour(values, key) for name, key in _COLOURS.items()}
    props.update({f"--ulp-mock-{name}": _length(values, group, key)
                  for name, group, key in _LENGTHS})
    props["--ulp-mock-button-radius"] = _radius(values, "buttons_style", "button_border_radius")
    props["--ulp-mock-input-radius"] = _radius(values, "inputs_style", "input_border_radius")
    shadow = values.get("show_widget_shadow") is not False
    props["--ulp-mock-shadow"] = "0 12px 40px rgba(0,0,0,.12)" if shadow else "none"
    font = values.get("font_family")
    if not (isinstance(font, str) and _RE_FONT.fullmatch(font)):
        font = DEFAULT_THEME["font_family"]
    props["--ulp-mock-font"] = str(font)
    underline = values.get("links_style") == "underlined"
    props["--ulp-mock-link-decoration"] = "underline" if underline else "none"
    props["--ulp-mock-header-align"] = _choice(values, "header_text_alignment")
    props["--ulp-mock-logo-align"] = _choice(values, "logo_position")
    return ";".join(f"{name}:{value}" for name, value in props.items())


def theme_style(theme: Mapping[str, object] | None) -> str:
    """Return the mock's CSS custom properties for a theme, for other mocks to share."""
    return _style(_flat_theme(theme))


def _logo_url(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    parts = urlsplit(value.strip())
    if parts.scheme in ("https", "http", "") or value.startswith("data:image/"):
        return value.strip()
    log.warning("theme logo_url: %r is not an http(s) or image URL; the mock ignores it", value)
    return None


def _texts(screen: _Screen, texts: Mapping[str, object] | None) -> dict[str, str]:
    merged = {**_COMMON_TEXTS, **screen.texts}
    merged.update({k: str(v) for k, v in (texts or {}).items() if v is not None})

    def fill(text: str) -> str:
        # Two passes resolve one level of nesting, as Auth0's `${footerLinkText}` does.
        for _ in range(2):
            text = _RE_PLACEHOLDER.sub(lambda m: merged.get(m.group(1), m.group(0)), text)
        return text

    return {key: fill(value) for key, value in merged.items()}


def _screen_for(prompt_name: str, screen: str | None) -> _Screen:
    found = _SCREENS.get(f"{prompt_name}/{screen}") or _SCREENS.get(prompt_name)
    if found is None:
        title = prompt_name.replace("-", " ").strip().title() or "Continue"
        found = _Screen({"title": title, "description": ""})
    return found


def render_widget(
    prompt_name: str,
    screen: str | None = None,
    texts: Mapping[str, object] | None = None,
    theme: Mapping[str, object] | None = None,
    language: str | None = None,
    partials: Mapping[str, str] | None = None,
) -> str:
    """Render a static look-alike of the Universal Login widget for one prompt.

    `texts` overrides Auth0's text keys (`title`, `description`, `buttonText`,
    `emailPlaceholder`, `footerLinkText`, ... and `companyName`/`clientName` for
    `${...}` placeholders). `theme` is Auth0's theme, grouped or flat. `language` sets the
    widget's `lang` and, as Auth0's widget does, its writing direction. `partials` holds
    rendered HTML by insertion point (`form-content-end`, ...), placed where Auth0 puts it.
    """
    spec = _screen_for(prompt_name, screen)
    values = _flat_theme(theme)
    shows_logo = values.get("logo_position") != "none"
    # Loaded on first use: a build that renders no preview never compiles it.
    return html_template(__package__, "widget.html").render(
        spec=spec, t=_texts(spec, texts),
        slug=re.sub(r"[^a-z0-9-]", "", prompt_name.lower()) or "generic",
        prompt_name=prompt_name, screen_name=screen or prompt_name, style=_style(values),
        # None: no logo at all; "": the stand-in logo; else the brand's logo URL.
        logo=(_logo_url(values.get("logo_url")) or "") if shows_logo else None,
        social_top=values.get("social_buttons_layout") == "top",
        language=language, direction=text_direction(language) if language else None,
        # The brand's own fragments, already rendered: inserted as they are, as Auth0 does.
        partial={point: Markup(html) for point, html in (partials or {}).items()},  # noqa: S704
    )
