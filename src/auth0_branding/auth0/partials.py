"""Prompt partials: the prompts, screens' insertion points and limits Auth0 accepts (§6)."""

from __future__ import annotations

from . import prompts

# Prompts whose widget takes partials. `confirmation` is UNVERIFIED (one Auth0 page lists
# it, the partials API enum of others does not): accepted, with a warning.
PARTIAL_PROMPTS = ("login", "login-id", "login-password", "login-passwordless", "signup",
                   "signup-id", "signup-password", "customized-consent", "passkeys")
UNVERIFIED_PARTIAL_PROMPTS = ("confirmation",)
INSERTION_POINTS = ("form-content-start", "form-content-end", "form-footer-start",
                    "form-footer-end", "secondary-actions-start", "secondary-actions-end")
# customized-consent has one slot of its own instead.
CONSENT_INSERTION_POINTS = ("form-content",)
MAX_PARTIAL_CHARS = 10_000
# Only form fields named so reach Actions (event.prompt.fields).
FIELD_PREFIX = "ulp-"
# The form elements whose `name` is sent with the form.
FIELD_ELEMENTS = ("input", "select", "textarea")


def insertion_points(prompt: str) -> tuple[str, ...]:
    """Return the insertion points `prompt`'s screens offer."""
    return CONSENT_INSERTION_POINTS if prompt == "customized-consent" else INSERTION_POINTS


def partial_screens(prompt: str) -> tuple[str, ...]:
    """Return the screens of `prompt` a partial may be written for (its custom-text screens).

    A prompt the custom-text catalogue does not know (UNVERIFIED ones) offers its own name.
    """
    known = prompts.screens(prompt) if prompt in prompts.PROMPTS else ()
    return known or (prompt,)
