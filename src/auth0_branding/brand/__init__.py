"""Reading the brand folder: configuration, design tokens, scenarios, and the source sandbox.

Every file of the brand is read through `read_source`, inside the brand folder only.
"""

from __future__ import annotations

from .config import Config, EmailConfig, TenantConfig, load_config
from .scenarios import Scenario, load_scenarios
from .sources import SourceError, read_source
from .tokens import Tokens, apply_overrides, load_raw_tokens, resolve_tokens, to_scss

__all__ = [
    "Config", "EmailConfig", "Scenario", "SourceError", "TenantConfig", "Tokens",
    "apply_overrides", "load_config", "load_raw_tokens", "load_scenarios", "read_source",
    "resolve_tokens", "to_scss",
]
