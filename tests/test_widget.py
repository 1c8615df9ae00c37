"""Tests for the static Universal Login widget mock."""

from __future__ import annotations

import logging
import re

import pytest

from auth0_branding.render.liquid import render_liquid
from auth0_branding.render.widget import head_html, render_widget

log = logging.getLogger(__name__)


@pytest.mark.parametrize(
    ("prompt", "screen", "expected"),
    [
        ("login", None, ["Welcome", 'type="email"', 'type="password"', "Forgot password?",
                         "Continue</button>", "Don&#x27;t have an account?", "Sign up", "OR",
                         "Continue with Google"]),
        ("login-id", None, ['type="email"', "Continue</button>", "Continue with Google"]),
        ("login-password", None, ["Enter Your Password", "user@example.com", "Edit",
                                  'type="password"', "Forgot password?"]),
        ("signup", None, ["Create Your Account", 'type="email"', 'type="password"',
                          "Already have an account?", "Log in", "Continue with Google"]),
        ("signup-id", None, ["Create Your Account", 'type="email"']),
        ("signup-password", None, ["Create Your Account", 'type="password"', "Edit"]),
        ("reset-password", None, ["Forgot Your Password?", 'type="email"', "Back to My App"]),
        ("reset-password", "reset-password", ["Change Your Password", "Re-enter new password",
                                              "Reset password</button>"]),
        ("reset-password", "reset-password-email", ["Check Your Email", "Resend email"]),
        ("mfa", None, ["Verify Your Identity", "SMS", "Google Authenticator or similar"]),
        ("mfa-otp", None, ["Enter your one-time code", 'type="checkbox"',
                           "Try another method"]),
        ("mfa-sms", None, ["We&#x27;ve sent a text message to:", "Enter the 6-digit code",
                           "Resend code"]),
        ("mfa-email", None, ["We&#x27;ve sent an email with your code to: user@example.com"]),
        ("consent", None, ["Authorize My App", "Accept</button>", "Decline</button>"]),
        ("email-verification", None, ["Email Verified", "Back to My App</button>"]),
        ("logout", None, ["Log Out", "Yes</button>", "No</button>"]),
        ("organization-selection", None, ["Organization Selection", "Continue</button>"]),
    ],
)
def test_each_prompt_shows_its_fields_and_buttons(
    prompt: str, screen: str | None, expected: list[str]
) -> None:
    html = render_widget(prompt, screen, {}, {})

    assert html.startswith(f'<div class="ulp-mock ulp-mock-prompt-{prompt}"')
    for text in expected:
        assert text in html, text


@pytest.mark.parametrize("prompt", ["login-password", "mfa-otp", "consent", "logout"])
def test_prompts_without_social_login_have_no_social_button(prompt: str) -> None:
    html = render_widget(prompt, None, {}, {})

    assert "Continue with Google" not in html
    assert "ulp-mock-separator" not in html


def test_texts_override_defaults_and_fill_placeholders() -> None:
    html = render_widget(
        "login",
        "login",
        {"title": "Hello again", "buttonText": "Sign in", "companyName": "Acme"},
        {},
    )

    assert '<h1 class="ulp-mock-title">Hello again</h1>' in html
    assert "Sign in</button>" in html
    assert "Log in to Acme to continue to My App." in html


def test_hostile_texts_are_escaped() -> None:
    hostile = '<script>alert("x")</script>'
    html = render_widget(
        "login", "login", {"title": hostile, "companyName": hostile, "buttonText": '"><img>'}, {}
    )

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img&gt;</button>" in html


def test_hostile_prompt_and_screen_names_are_escaped() -> None:
    html = render_widget('x"><script>', '"><b>', {}, {})

    assert "<script>" not in html
    assert "<b>" not in html
    assert 'class="ulp-mock ulp-mock-prompt-xscript"' in html


def test_theme_colours_and_radii_reach_the_widget() -> None:
    html = render_widget(
        "login",
        None,
        {},
        {"primary_button": "#ff0000", "widget_corner_radius": 12, "buttons_style": "pill",
         "links_focused_components": "#00f"},
    )

    assert "--ulp-mock-primary:#ff0000" in html
    assert "--ulp-mock-link:#00f" in html
    assert "--ulp-mock-widget-radius:12px" in html
    assert "--ulp-mock-button-radius:9999px" in html


def test_auth0_grouped_theme_is_accepted() -> None:
    theme = {
        "colors": {"primary_button": "#123456", "body_text": "#222222"},
        "borders": {"input_border_radius": 7, "show_widget_shadow": False},
        "fonts": {"body_text": {"bold": False, "size": 87.5}, "reference_text_size": 18},
        "widget": {"logo_url": "https://cdn.example.com/logo.png", "logo_position": "left"},
    }

    html = render_widget("login", None, {}, theme)

    assert "--ulp-mock-primary:#123456" in html
    assert "--ulp-mock-text:#222222" in html
    assert "--ulp-mock-input-radius:7px" in html
    assert "--ulp-mock-shadow:none" in html
    assert "--ulp-mock-text-size:18px" in html
    assert "--ulp-mock-logo-align:left" in html
    assert '<img class="ulp-mock-logo" src="https://cdn.example.com/logo.png"' in html


def test_invalid_theme_values_fall_back_to_defaults_instead_of_reaching_css() -> None:
    html = render_widget(
        "login",
        None,
        {},
        {"primary_button": "red;}</style><script>", "widget_corner_radius": "9; x",
         "font_family": "x;} body{display:none", "logo_url": "javascript:alert(1)"},
    )

    assert "<script>" not in html and "</style>" not in html
    assert "javascript:" not in html
    assert "display:none" not in html
    assert "--ulp-mock-primary:#635dff" in html
    assert "--ulp-mock-widget-radius:5px" in html


def test_out_of_range_lengths_are_clamped_to_auth0s_limits() -> None:
    html = render_widget("login", None, {}, {"widget_corner_radius": 500, "logo_height": 0})

    assert "--ulp-mock-widget-radius:50px" in html
    assert "--ulp-mock-logo-height:1px" in html


def test_social_buttons_can_sit_on_top() -> None:
    html = render_widget("login", None, {}, {"social_buttons_layout": "top"})

    assert html.index("Continue with Google") < html.index('type="email"')


def test_head_css_is_scoped_to_mock_classes() -> None:
    css = head_html()
    classes = set(re.findall(r"\.([A-Za-z_][\w-]*)", css))

    assert css.startswith("<style") and css.endswith("</style>")
    assert classes - {"_widget-auto-layout"}
    assert all(name.startswith("ulp-mock") for name in classes - {"_widget-auto-layout"})


def test_widget_classes_are_all_styled_by_head_css() -> None:
    css_classes = set(re.findall(r"\.([A-Za-z_][\w-]*)", head_html()))
    used: set[str] = set()
    for prompt in ("login", "login-password", "mfa", "mfa-otp", "consent"):
        for attr in re.findall(r'class="([^"]+)"', render_widget(prompt, None, {}, {})):
            used.update(attr.split())

    unstyled = {name for name in used - css_classes if not name.startswith("ulp-mock-prompt-")}
    assert unstyled == set()


def test_mock_fills_a_page_template() -> None:
    page = (
        "<html><head>{%- auth0:head -%}</head>"
        '<body class="_widget-auto-layout">{%- auth0:widget -%}</body></html>'
    )

    html = render_liquid(
        page, {}, head_html=head_html(), widget_html=render_widget("login-id", None, {}, {})
    )

    assert '<head><style id="ulp-mock-styles">' in html
    assert '<body class="_widget-auto-layout"><div class="ulp-mock ulp-mock-prompt-login-id"' in (
        html
    )
