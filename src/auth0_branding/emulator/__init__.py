"""A loopback Auth0 Management API: tokens, scopes, Auth0's validation, rate limits, faults."""

from __future__ import annotations

from .server import Emulator, run_emulator

__all__ = ["Emulator", "run_emulator"]
