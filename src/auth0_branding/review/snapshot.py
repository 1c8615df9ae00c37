"""Snapshot every output, raw and rendered per scenario, as deterministic text for review."""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter

from ..brand.scenarios import FIXTURES_DIR, load_scenarios
from ..build.builder import build
from ..dist.folder import refuse_unsafe, resolve_output
from ..errors import BrandError, Location, display_path
from ..render.languages import Languages
from ..render.sample import Sample, render_samples

log = logging.getLogger(__name__)

SNAPSHOT_DIR = Path("tests/snapshots")
RAW = "raw"
RENDERED = "rendered"
# Characters that are invisible in a diff but change what a reader sees (non-breaking and
# zero-width spaces are common in email preheaders): written as numeric references.
_INVISIBLE = re.compile("[\u00a0\u00ad\u034f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
_UNSAFE_NAME = re.compile(r"[/\\]|^\.|^$")
Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass(frozen=True)
class SnapshotChange:
    """One snapshot file that differs from the committed one, with its unified diff."""

    path: str  # relative to the snapshot folder, with forward slashes
    status: str  # changed | added | removed
    diff: str


@dataclass(frozen=True)
class SnapshotReport:
    """What a snapshot run compared (and, unless checking, wrote)."""

    out_dir: Path
    files: int
    changes: tuple[SnapshotChange, ...]
    written: bool

    def count(self, status: str) -> int:
        return sum(change.status == status for change in self.changes)


def collect_snapshots(brand_dir: Path, tenant_names: Iterable[str] = (),
                      progress: Progress | None = None) -> dict[str, str]:
    """Build the brand in memory; return snapshot text by relative path, sorted."""
    result = build(brand_dir, tenant_names, progress)
    scenarios = load_scenarios(brand_dir)
    snapshots = {f"{RAW}/{artifact.path}": artifact.content for artifact in result.artifacts}
    # Each output's first scenario in every language, the others in their own: named
    # `<scenario>.<language>.html` so a reviewer sees which language a file shows.
    for sample in render_samples(result.artifacts, scenarios, Languages.of(result), progress):
        check_scenario_name(sample, brand_dir)
        snapshots[f"{RENDERED}/{sample.key}.html"] = format_sample(sample)
    return dict(sorted(snapshots.items()))


def scope_of(tenant_names: Iterable[str]) -> tuple[str, ...]:
    """Return the path prefixes a run owns: every snapshot, or only the named tenants'."""
    tenants = list(dict.fromkeys(tenant_names))
    if not tenants:
        return (f"{RAW}/", f"{RENDERED}/")
    return tuple(f"{top}/{tenant}/" for top in (RAW, RENDERED) for tenant in tenants)


def compare_snapshots(
    snapshots: Mapping[str, str], out_dir: Path, scope: tuple[str, ...]
) -> list[SnapshotChange]:
    """Compare fresh snapshots with those on disk under `scope`; return every difference."""
    existing = load_snapshots(out_dir, scope)
    changes: list[SnapshotChange] = []
    for path in sorted(set(existing) | set(snapshots)):
        old, new = existing.get(path), snapshots.get(path)
        if old == new:
            continue
        status = "added" if old is None else "removed" if new is None else "changed"
        changes.append(SnapshotChange(path, status, _diff(path, old, new)))
    return changes


def load_snapshots(out_dir: Path, scope: tuple[str, ...]) -> dict[str, str]:
    """Read the snapshot files on disk that fall under `scope`."""
    found: dict[str, str] = {}
    if not out_dir.is_dir():
        return found
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(out_dir).as_posix()
        if relative.startswith(scope):
            # newline="" keeps CRLF visible as a difference instead of hiding it.
            with path.open(encoding="utf-8", errors="replace", newline="") as handle:
                found[relative] = handle.read()
    return found


def write_snapshots(
    snapshots: Mapping[str, str], out_dir: Path, scope: tuple[str, ...]
) -> None:
    """Make the files under `scope` exactly `snapshots`: write changes, delete the stale."""
    existing = load_snapshots(out_dir, scope)
    for relative, content in snapshots.items():
        if existing.get(relative) == content:
            continue
        target = out_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8", newline="")
    for relative in sorted(set(existing) - set(snapshots)):
        (out_dir / relative).unlink()
    for top in (RAW, RENDERED):
        _prune_empty_dirs(out_dir / top)


def snapshot(
    brand_dir: Path, out_dir: Path = SNAPSHOT_DIR, tenant_names: Iterable[str] = (),
    *, update: bool = True, progress: Progress | None = None,
) -> SnapshotReport:
    """Compare the brand's snapshots with `out_dir` and, when `update`, write them there.

    `progress(stage, done, total)` follows the build and the rendering.
    """
    tenant_names = tuple(tenant_names)
    if update:
        refuse_unsafe(resolve_output(out_dir), brand_dir)
    snapshots = collect_snapshots(brand_dir, tenant_names, progress)
    scope = scope_of(tenant_names)
    changes = compare_snapshots(snapshots, out_dir, scope)
    if update and changes:
        write_snapshots(snapshots, out_dir, scope)
    log.debug("%d snapshot(s), %d difference(s)", len(snapshots), len(changes))
    return SnapshotReport(out_dir, len(snapshots), tuple(changes), update and bool(changes))


# -- normalisation ---------------------------------------------------------------------


def format_sample(sample: Sample) -> str:
    """Return a rendered sample as pretty-printed HTML, its email subject on top."""
    header = ""
    if sample.subject is not None:
        # Inside an HTML comment `--` would end it early.
        header = f"<!-- subject: {sample.subject.replace('--', '- -')} -->\n"
    return header + normalise_html(sample.html)


def normalise_html(html: str) -> str:
    """Pretty-print HTML one node per line, with each CSS rule on its own line."""
    soup = BeautifulSoup(html, "html.parser")
    for style in soup.find_all("style"):
        # prettify indents only a text node's first line: indent the rest to match.
        indent = "  " * len(list(style.parents))
        style.string = format_css(style.get_text()).replace("\n", "\n" + indent)
    text = soup.prettify(formatter=_FORMATTER)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def format_css(css: str) -> str:
    """Put each CSS declaration and brace on its own line, quoted strings and comments kept."""
    lines: list[str] = []
    current: list[str] = []
    depth = 0
    index = 0

    def flush(suffix: str = "") -> None:
        text = " ".join("".join(current).split())
        if text or suffix:
            lines.append("  " * depth + (f"{text} {suffix}" if text and suffix == "{" else
                                         text + suffix))
        current.clear()

    while index < len(css):
        char = css[index]
        if char in "\"'":
            end = _string_end(css, index)
            current.append(css[index:end])
            index = end
            continue
        if css.startswith("/*", index):
            end = css.find("*/", index + 2)
            end = len(css) if end < 0 else end + 2
            current.append(css[index:end])
            index = end
            continue
        if char == "{":
            flush("{")
            depth += 1
        elif char == ";":
            flush(";")
        elif char == "}":
            flush()
            depth = max(depth - 1, 0)
            lines.append("  " * depth + "}")
        else:
            current.append(char)
        index += 1
    flush()
    return "\n".join(lines)


def _string_end(css: str, start: int) -> int:
    quote = css[start]
    index = start + 1
    while index < len(css):
        if css[index] == "\\":
            index += 2
            continue
        if css[index] == quote:
            return index + 1
        index += 1
    return len(css)


def _entities(text: str) -> str:
    return _INVISIBLE.sub(lambda m: f"&#x{ord(m.group()):04x};",
                          EntitySubstitution.substitute_xml(text))


_FORMATTER = HTMLFormatter(entity_substitution=_entities, void_element_close_prefix="",
                           indent=2)


# -- helpers -----------------------------------------------------------------------------


def check_scenario_name(sample: Sample, brand_dir: Path) -> None:
    """Refuse a scenario name that cannot be one file name (it names snapshots and shots)."""
    if _UNSAFE_NAME.search(sample.scenario.name):
        raise BrandError(
            f"scenario name '{sample.scenario.name}' cannot name a snapshot file",
            Location(display_path(brand_dir / FIXTURES_DIR / f"{sample.scenario.group}.json")),
            "use letters, digits, '-' or '_' (no '/', '\\' or leading '.')",
        )


def _diff(path: str, old: str | None, new: str | None) -> str:
    lines = difflib.unified_diff(
        _lines(old or ""), _lines(new or ""), "/dev/null" if old is None else f"a/{path}",
        "/dev/null" if new is None else f"b/{path}",
    )
    return "".join(lines)


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def _prune_empty_dirs(root: Path) -> None:
    if not root.is_dir():
        return
    # Deepest first, so a folder emptied by its children's removal goes too.
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if not any(root.iterdir()):
        root.rmdir()
