"""Publishing dist/ to tenants: plan, paced and retried writes, backups, drift and rollback.

`tenant_api` is the only importer of auth0-python.
"""

from __future__ import annotations

from .engine import RunResult, diff, drift, publish, rollback

__all__ = ["RunResult", "diff", "drift", "publish", "rollback"]
