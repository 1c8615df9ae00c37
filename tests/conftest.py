"""Shared pytest fixtures."""

from __future__ import annotations

import pytest

# Plain asserts in the hostile-input harness report their values like a test's own.
pytest.register_assert_rewrite("hostile")

from emulator_fixtures import auth0_client, emulator, emulator_config  # noqa: E402, F401
from liquidjs_fixtures import in_zone, liquidjs  # noqa: E402, F401


def pytest_addoption(parser):
    parser.addoption(
        "--regen-expected", action="store_true", default=False,
        help="Rewrite tests/expected/ from the current build instead of comparing with it.",
    )
