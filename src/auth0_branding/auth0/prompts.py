"""Auth0's Universal Login custom-text catalogue: prompts, their screens, keys and variables.

The data is `prompt_texts.json`, taken from Auth0's "Customize Universal Login Text
Elements" page (its header names every source). A screen whose keys the documentation does
not list has `keys: null` there: `keys_documented` is False for it, and callers should warn
about its keys rather than refuse them.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from ..errors import did_you_mean

# auth0-python 6.8.0's PromptGroupNameEnum, in its order.
PROMPTS: tuple[str, ...] = (
    "login", "login-id", "login-password", "login-passwordless", "login-email-verification",
    "signup", "signup-id", "signup-password", "phone-identifier-enrollment",
    "phone-identifier-challenge", "email-identifier-challenge", "reset-password", "custom-form",
    "consent", "customized-consent", "logout", "mfa-push", "mfa-otp", "mfa-voice", "mfa-phone",
    "mfa-webauthn", "mfa-sms", "mfa-email", "mfa-recovery-code", "mfa", "status", "device-flow",
    "email-verification", "email-otp-challenge", "organizations", "invitation", "common",
    "passkeys", "captcha", "brute-force-protection", "async-approval-flow", "confirmation",
)

# "Up to thirty custom text variables can be defined per screen/language combination."
MAX_CUSTOM_VARIABLE_KEYS = 30
CUSTOM_VARIABLE_PREFIX = "var-"
# UNVERIFIED: Auth0 documents only the `var-<name>` convention (example `var-tos`); the
# name is assumed to be letters, digits, '-' and '_', as every documented key is.
_CUSTOM_VARIABLE = re.compile(r"^var-[A-Za-z0-9][A-Za-z0-9_-]*$")


@cache
def _catalogue() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("prompt_texts.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _screens(prompt: str) -> dict[str, Any]:
    if prompt not in PROMPTS:
        hint = did_you_mean(prompt, PROMPTS)
        raise ValueError(f"unknown prompt {prompt!r}" + (f" ({hint})" if hint else ""))
    screens: dict[str, Any] = _catalogue()["prompts"][prompt]["screens"]
    return screens


def _screen(prompt: str, screen: str) -> dict[str, Any]:
    screens = _screens(prompt)
    if screen not in screens:
        hint = did_you_mean(screen, screens) or f"its screens: {', '.join(screens)}"
        raise ValueError(f"unknown screen {screen!r} of prompt {prompt!r} ({hint})")
    record: dict[str, Any] = screens[screen]
    return record


def screens(prompt: str) -> tuple[str, ...]:
    """Return the screens of `prompt`; ValueError (with a did-you-mean) for an unknown one."""
    return tuple(_screens(prompt))


def keys(prompt: str, screen: str) -> frozenset[str]:
    """Return the documented text keys of `screen` (empty when undocumented: see keys_documented)."""
    return frozenset(_screen(prompt, screen)["keys"] or ())


def keys_documented(prompt: str, screen: str) -> bool:
    """Tell whether Auth0 documents the keys of `screen` (if not, any key may be valid)."""
    return _screen(prompt, screen)["keys"] is not None


def variables(prompt: str, screen: str) -> frozenset[str]:
    """Return the `${name}` variables (names only) the documented texts of `screen` use."""
    return frozenset(_screen(prompt, screen)["variables"] or ())


def documented_variables() -> dict[str, str]:
    """Return the runtime variables Auth0's page describes, by name, with their descriptions."""
    return dict(_catalogue()["variables"])


def screen_prompt(screen: str) -> str | None:
    """Return the prompt `screen` belongs to, or None."""
    for prompt in PROMPTS:
        if screen in _screens(prompt):
            return prompt
    return None


def is_custom_variable_key(key: str) -> bool:
    """Tell whether `key` is a custom text variable (`var-<name>`), not one of Auth0's keys."""
    return bool(_CUSTOM_VARIABLE.match(key))


def custom_variable_reference(key: str) -> str:
    """Return how a partial reads a `var-*` key: `var-tos` -> `prompt.screen.texts.varTos`."""
    # The page templates' variable table says `prompt.screen.texts`; one example on the
    # signup-prompts page writes `prompt.screen.text.varTos` (UNVERIFIED which one renders).
    head, *rest = re.split(r"[-_]", key)
    return "prompt.screen.texts." + head + "".join(part[:1].upper() + part[1:] for part in rest)


def key_hint(prompt: str, screen: str, key: str) -> str | None:
    """Return a did-you-mean for a misspelt key of `screen`, or None."""
    return did_you_mean(key, keys(prompt, screen))
