"""Check built outputs against the Auth0 contract (placeholder for now)."""

from __future__ import annotations

import logging

from .errors import Problem

log = logging.getLogger(__name__)


def check_build(result) -> list[Problem]:
    return []
