"""Keep what a publish overwrote under .backups/<tenant>/<timestamp>/, and read it back."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import Location, PublishError, did_you_mean, display_path

log = logging.getLogger(__name__)

BACKUP_FORMAT = 1
META = "meta.json"
_TIMESTAMP = re.compile(r"^\d{8}T\d{6}\.\d{6}Z$")


@dataclass(frozen=True)
class Backup:
    """One saved set of remote values: resource -> value (None: it did not exist)."""

    tenant: str
    timestamp: str
    path: Path
    reason: str  # publish | rollback
    target: Mapping[str, Any]  # domain and credential variable names, never values
    entries: Mapping[str, Any]


def new_timestamp() -> str:
    """Return a sortable UTC timestamp with microseconds, e.g. 20250101T120000.000001Z."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


class BackupWriter:
    """Save remote values one at a time, each before its write; the folder appears on first save."""

    def __init__(self, root: Path, tenant: str, reason: str, target: Mapping[str, Any]) -> None:
        self.root, self.tenant, self.reason, self.target = Path(root), tenant, reason, target
        self.path: Path | None = None
        self.saved: list[str] = []

    def save(self, resource: str, value: Any) -> None:
        """Write the remote value of `resource` as it was before we overwrite it."""
        if self.path is None:
            self.path = self._create()
        _write_json(self.path / _file_name(resource),
                    {"resource": resource, "existed": value is not None, "value": value})
        self.saved.append(resource)

    def _create(self) -> Path:
        tenant_dir = _tenant_dir(self.root, self.tenant)
        tenant_dir.mkdir(parents=True, exist_ok=True)
        for _ in range(100):  # bounded: microsecond stamps collide only in a tight loop
            timestamp = new_timestamp()
            path = tenant_dir / timestamp
            try:
                path.mkdir()
            except FileExistsError:
                continue
            _write_json(path / META, {
                "format": BACKUP_FORMAT, "tenant": self.tenant, "timestamp": timestamp,
                "reason": self.reason, "target": dict(self.target),
            })
            return path
        raise PublishError(f"cannot create a backup folder under {display_path(tenant_dir)}")


def list_backups(root: Path, tenant: str) -> list[str]:
    """Return the tenant's backup timestamps, oldest first."""
    tenant_dir = _tenant_dir(root, tenant)
    if not tenant_dir.is_dir():
        return []
    return sorted(p.name for p in tenant_dir.iterdir()
                  if _TIMESTAMP.match(p.name) and (p / META).is_file())


def load_backup(root: Path, tenant: str, timestamp: str | None = None) -> Backup:
    """Read one backup: `timestamp` (a unique prefix will do), else the latest publish backup."""
    stamps = list_backups(root, tenant)
    where = Location(display_path(Path(root) / tenant))
    if not stamps:
        raise PublishError(f"no backups for tenant '{tenant}'", where,
                           "backups are written by `publish` when it overwrites something")
    if timestamp is None:
        publishes = [s for s in stamps if _meta(Path(root) / tenant / s).get("reason") == "publish"]
        chosen = (publishes or stamps)[-1]
    else:
        matches = [s for s in stamps if s.startswith(timestamp)]
        if len(matches) != 1:
            hint = did_you_mean(timestamp, stamps) or f"choose one of: {', '.join(stamps[-5:])}"
            problem = "is ambiguous" if matches else "not found"
            raise PublishError(f"backup '{timestamp}' {problem} for tenant '{tenant}'", where, hint)
        chosen = matches[0]
    path = Path(root) / tenant / chosen
    meta = _meta(path)
    entries: dict[str, Any] = {}
    for file in sorted(path.glob("*.json")):
        if file.name == META:
            continue
        data = json.loads(file.read_text(encoding="utf-8"))
        entries[data["resource"]] = data["value"] if data.get("existed") else None
    return Backup(tenant, chosen, path, meta.get("reason", "publish"), meta.get("target", {}),
                  entries)


def _tenant_dir(root: Path, tenant: str) -> Path:
    # The name comes from the manifest or the command line: it must stay one folder down.
    if tenant in ("", ".", "..") or Path(tenant).name != tenant or "\\" in tenant:
        raise PublishError(f"tenant name '{tenant}' cannot name a backup folder",
                           Location(display_path(Path(root))),
                           "tenant names are single path segments, e.g. 'prod'")
    return Path(root) / tenant


def _meta(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PublishError("unreadable backup metadata", Location(display_path(path / META)),
                           "the backup folder is damaged; choose another with --to") from error


def _file_name(resource: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", resource) + ".json"


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    # Write then rename, so a crash never leaves a half-written backup file behind.
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    os.replace(temporary, path)
