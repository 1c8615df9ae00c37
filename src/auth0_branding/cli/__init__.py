"""The command line: the only package that prints or exits.

`group` holds the command group and its shared options; the commands live in sibling modules
by topic, each importing its engine lazily so `--help` stays fast. Importing them here
registers them with the group.
"""

from __future__ import annotations

from . import (  # noqa: F401 - registers
    brand_commands,
    emulator_command,
    publish_commands,
    render_command,
)
from .group import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Run the CLI (the console script and `python build.py`)."""
    cli(prog_name="auth0-branding")
