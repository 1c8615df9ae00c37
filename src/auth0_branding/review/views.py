"""The records of a review: views, their rendered HTML, and each view's verdict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class View:
    """One output, in one scenario and language (None: a brand in one), at one width."""

    tenant: str
    kind: str  # page | email
    name: str
    scenario: str
    width: int
    language: str | None = None

    @property
    def shown(self) -> str:
        """The scenario, and the language when there is one: `default.fr`."""
        return f"{self.scenario}.{self.language}" if self.language else self.scenario

    @property
    def key(self) -> str:
        return f"{self.tenant}/{self.kind}s/{self.name}/{self.shown}@{self.width}"

    @property
    def image(self) -> str:
        return f"{self.tenant}/{self.kind}s/{self.name}/{self.shown}-{self.width}px.png"


@dataclass(frozen=True)
class RenderedViews:
    """One brand's views with their rendered HTML, and the local files for remote assets."""

    views: dict[View, str]
    assets: Mapping[str, Path]
    fingerprint: str
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """A view and its verdict; image paths are relative to the gallery folder."""

    view: View
    status: str  # current (no base) | changed | unchanged | added | removed
    before: str | None
    after: str | None
    diff: str | None = None
    changed_pixels: int = 0
    total_pixels: int = 0
    html_changed: bool = False


@dataclass(frozen=True)
class Review:
    """The outcome of a review run: every view's comparison and where the gallery is."""

    out_dir: Path
    base: str | None
    comparisons: tuple[Comparison, ...]
    tenants: tuple[str, ...]
    seconds: float
    languages: tuple[str, ...] = ()  # the brand's, default first; () for one language

    def count(self, status: str) -> int:
        return sum(c.status == status for c in self.comparisons)
