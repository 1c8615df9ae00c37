"""Find the endpoint a request is for, across every family of emulated resources."""

from __future__ import annotations

from urllib.parse import unquote

from . import organizations, phone, prompts, resources, universal_login
from .resources import Route

ROUTES: tuple[Route, ...] = (*universal_login.ROUTES, *resources.ROUTES, *prompts.ROUTES,
                             *phone.ROUTES, *organizations.ROUTES)


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """Find the route for `method` and `path` (relative to /api/v2/), with its parameters."""
    path = path.strip("/")
    for route in ROUTES:
        found = route.pattern.fullmatch(path)
        if route.method == method and found:
            return route, {k: unquote(v) for k, v in found.groupdict().items()}
    return None
