"""Keep what a publish overwrote under .backups/<tenant>/<timestamp>/, and read it back."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import Location, PublishError, did_you_mean, display_path, printable

BACKUP_FORMAT = 2  # 2: meta records `finished` and the backup it `continues`
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
    """Save remote values one at a time, each before its write; the folder appears on first save.

    A run that is killed or fails leaves its backup unfinished. The next publish of the
    tenant starts its own backup from that one's values (the chain's baseline: what the
    tenant held before the first unfinished run) and adds only what the baseline lacks, so
    its folder alone restores the tenant to before the whole chain. A run that finishes
    closes the chain.
    """

    def __init__(self, root: Path, tenant: str, reason: str, target: Mapping[str, Any]) -> None:
        self.root, self.tenant, self.reason, self.target = Path(root), tenant, reason, target
        self.path: Path | None = None
        self.saved: list[str] = []
        self.inherited: str | None = None  # the unfinished backup this one continues
        self._held: set[str] = set()

    def save(self, resource: str, value: Any) -> None:
        """Write the remote value of `resource` as it was before we overwrite it.

        A value the backup already holds stays: it is older (from the chain's first run, or
        from an earlier try of this run), and the oldest is what a rollback must restore.
        """
        try:
            if self.path is None:
                self.path = self._create()
            if resource in self._held:
                return
            _write_json(self.path / _file_name(resource),
                        {"resource": resource, "existed": value is not None, "value": value})
        except OSError as error:
            raise _unwritable(error, self.root) from error
        self._held.add(resource)
        self.saved.append(resource)

    def finish(self) -> None:
        """Mark the run finished: the next publish starts a new chain.

        A run that wrote nothing finishes the unfinished backup it found instead, for the
        tenant now holds what that chain was writing.
        """
        try:
            if self.path is not None:
                _mark_finished(self.path)
                return
            latest = _latest(self.root, self.tenant)
            if self.reason == "publish" and latest is not None and _unfinished_publish(latest):
                _mark_finished(latest)
        except OSError as error:
            raise _unwritable(error, self.root) from error

    def _create(self) -> Path:
        tenant_dir = _tenant_dir(self.root, self.tenant)
        tenant_dir.mkdir(parents=True, exist_ok=True)
        latest = _latest(self.root, self.tenant)
        baseline = latest if (self.reason == "publish" and latest is not None
                              and _unfinished_publish(latest)) else None
        for _ in range(100):  # bounded: microsecond stamps collide only in a tight loop
            timestamp = new_timestamp()
            path = tenant_dir / timestamp
            if path.exists():
                continue
            # Assembled under a hidden name, then renamed: a backup folder is either absent
            # or complete with its metadata and its whole baseline, whenever the run dies.
            staging = tenant_dir / f".{timestamp}.partial"
            try:
                staging.mkdir()
            except FileExistsError:
                continue
            _write_json(staging / META, {
                "format": BACKUP_FORMAT, "tenant": self.tenant, "timestamp": timestamp,
                "reason": self.reason, "target": dict(self.target), "finished": False,
                "continues": baseline.name if baseline else None,
            })
            if baseline is not None:
                for file in sorted(baseline.glob("*.json")):
                    if file.name != META:
                        data = _read_json(file)
                        _write_json(staging / file.name, data)
                        self._held.add(str(data["resource"]))
                self.inherited = baseline.name
            try:
                os.rename(staging, path)
            except OSError:  # taken meanwhile by another run's folder
                shutil.rmtree(staging, ignore_errors=True)
                self._held.clear()
                continue
            _fsync_dir(tenant_dir)
            return path
        raise PublishError(f"cannot create a backup folder under {display_path(tenant_dir)}")


def list_backups(root: Path, tenant: str) -> list[str]:
    """Return the tenant's backup timestamps, oldest first."""
    tenant_dir = _tenant_dir(root, tenant)
    if not tenant_dir.is_dir():
        return []
    try:
        return sorted(p.name for p in tenant_dir.iterdir()
                      if _TIMESTAMP.match(p.name) and (p / META).is_file())
    except OSError as error:
        raise PublishError(f"cannot read the backups folder: {error.strerror}",
                           Location(_shown_path(tenant_dir)),
                           "check its permissions") from error


def load_backup(root: Path, tenant: str, timestamp: str | None = None) -> Backup:
    """Read one backup: `timestamp` (a unique prefix will do), else the latest publish backup."""
    stamps = list_backups(root, tenant)
    where = Location(_shown_path(Path(root) / tenant))
    if not stamps:
        raise PublishError(f"no backups for tenant '{printable(tenant)}'", where,
                           "backups are written by `publish` when it overwrites something")
    if timestamp is None:
        publishes = [s for s in stamps if _meta(Path(root) / tenant / s).get("reason") == "publish"]
        chosen = (publishes or stamps)[-1]
    else:
        matches = [s for s in stamps if s.startswith(timestamp)]
        if len(matches) != 1:
            hint = did_you_mean(timestamp, stamps) or f"choose one of: {', '.join(stamps[-5:])}"
            problem = "is ambiguous" if matches else "not found"
            raise PublishError(f"backup '{printable(timestamp)}' {problem} for tenant "
                               f"'{printable(tenant)}'", where, hint)
        chosen = matches[0]
    path = Path(root) / tenant / chosen
    meta = _meta(path)
    entries: dict[str, Any] = {}
    for file in sorted(path.glob("*.json")):
        if file.name == META:
            continue
        data = _read_json(file)
        entries[data["resource"]] = data["value"] if data.get("existed") else None
    return Backup(tenant, chosen, path, meta.get("reason", "publish"), meta.get("target", {}),
                  entries)


def _tenant_dir(root: Path, tenant: str) -> Path:
    # The name comes from the manifest or the command line: it must stay one folder down.
    if (tenant in ("", ".", "..") or Path(tenant).name != tenant or "\\" in tenant
            or not tenant.isprintable()):
        raise PublishError(f"tenant name '{printable(tenant)}' cannot name a backup folder",
                           Location(_shown_path(Path(root))),
                           "tenant names are single path segments, e.g. 'prod'")
    return Path(root) / tenant


def _meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads((path / META).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return data
    except (OSError, ValueError) as error:
        raise PublishError("unreadable backup metadata", Location(_shown_path(path / META)),
                           "the backup folder is damaged; choose another with --to") from error


def _latest(root: Path, tenant: str) -> Path | None:
    stamps = list_backups(root, tenant)
    return _tenant_dir(root, tenant) / stamps[-1] if stamps else None


def _unfinished_publish(path: Path) -> bool:
    # Backups written before "finished" was recorded count as finished: no chain to continue.
    meta = _meta(path)
    return meta.get("reason") == "publish" and meta.get("finished") is False


def _mark_finished(path: Path) -> None:
    _write_json(path / META, {**_meta(path), "finished": True})


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not (isinstance(data, dict) and isinstance(data.get("resource"), str)
                and "value" in data):
            raise ValueError("not a backup entry")
        return data
    except (OSError, ValueError) as error:
        raise PublishError("unreadable backup file", Location(_shown_path(path)),
                           "the backup folder is damaged; choose another with --to") from error


def _shown_path(path: Path) -> str:
    return printable(display_path(path))


def _unwritable(error: OSError, root: Path) -> PublishError:
    where = Path(error.filename) if error.filename else root
    return PublishError(f"cannot write the backup: {error.strerror}", Location(_shown_path(where)),
                        "make --backups a writable folder; nothing it would protect was written")


def _file_name(resource: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", resource) + ".json"


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    # Write, flush to disk, then rename: whenever the process or the machine dies, the file
    # holds either nothing or all of it, and it is on disk before the write it protects.
    temporary = path.with_name(path.name + ".tmp")
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    # The rename itself is durable only once its folder is synced (POSIX); not on Windows.
    if os.name != "posix":
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
