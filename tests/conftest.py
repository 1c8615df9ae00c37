"""Shared pytest fixtures."""

from __future__ import annotations

from emulator_fixtures import auth0_client, emulator, emulator_config  # noqa: F401


def pytest_addoption(parser):
    parser.addoption(
        "--regen-expected", action="store_true", default=False,
        help="Rewrite tests/expected/ from the current build instead of comparing with it.",
    )
