"""A build tunes the garbage collector while it runs and leaves it as it found it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from auth0_branding.build.collector import BUILD_THRESHOLDS
from auth0_branding.build.parallel import build_and_check
from auth0_branding.errors import BrandError

ROOT = Path(__file__).resolve().parent.parent


def test_the_build_runs_with_the_tuned_collector_and_restores_it() -> None:
    before = gc.get_threshold()
    seen: list[tuple[tuple[int, ...], int]] = []
    build_and_check(ROOT / "brand", jobs=1,
                    progress=lambda *_: seen.append((gc.get_threshold(), gc.get_freeze_count())))
    assert seen and all(thresholds == BUILD_THRESHOLDS for thresholds, _ in seen)
    assert all(frozen > 0 for _, frozen in seen)  # what was loaded before is set aside
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_failed_build_restores_the_collector_too(tmp_path: Path) -> None:
    before = gc.get_threshold()
    (tmp_path / "brand.toml").write_text("name = [\n", encoding="utf-8")
    with pytest.raises(BrandError):
        build_and_check(tmp_path, jobs=1)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
