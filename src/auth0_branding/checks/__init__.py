"""Every contract check on built outputs, each registered with the outputs it applies to.

Add a check with `@check(name, kinds=..., names=...)` beside its family's others (markup in
`validate`, JSON outputs in `settings`, HTML structure in `html`).
"""

from __future__ import annotations

from .registry import Check, Subject, check, checks_for, merge_problems
from .validate import check_artifact, check_build

__all__ = ["Check", "Subject", "check", "check_artifact", "check_build", "checks_for",
           "merge_problems"]
