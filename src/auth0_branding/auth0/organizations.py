"""Organizations: the names Auth0 accepts and the branding an organization carries (§6)."""

from __future__ import annotations

import re

# Auth0's docs (Create Organizations): "May contain lowercase alphabetical characters,
# numbers, underscores (_), and dashes (-). Can start with a number. Must be between 1 and
# 50 characters."
ORGANIZATION_NAME = re.compile(r"^[a-z0-9_-]{1,50}$")
ORGANIZATION_NAME_RULE = "lowercase letters, digits, '-' and '_', at most 50 characters"
# PATCH /organizations/{id} branding: both colours once `colors` is sent.
BRANDING_COLORS = ("primary", "page_background")
