"""Word the problems several families of checks report alike."""

from __future__ import annotations

import re

from ..errors import TemplateError


def liquid_message(error: TemplateError) -> str:
    """Return a Liquid syntax error as a check reports it, with a hint on how to fix it."""
    hint = error.hint
    unclosed = re.search(r"expected tag (end\w+)", error.message)
    if not hint and unclosed:
        hint = f"a block is not closed: add {{% {unclosed.group(1)} %}}"
    return f"{error.message} ({hint or 'fix the Liquid: Auth0 runs LiquidJS'})"
