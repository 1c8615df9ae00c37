"""The hostile-input harness itself: a refused input passes, a damaging one would fail."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hostile import assert_refused, case, tree

log = logging.getLogger(__name__)


def _malformed_toml(brand: Path) -> None:
    (brand / "brand.toml").write_text('name = "x"\nthis is not toml\n')


CASES = [
    case("malformed-brand-toml", _malformed_toml,
         "brand/brand.toml:2: malformed TOML: Expected '=' after a key in a key/value pair "
         "(fix the TOML syntax)"),
    case("malformed-brand-toml-in-a-child", _malformed_toml,
         "brand/brand.toml:2: malformed TOML: Expected '=' after a key in a key/value pair "
         "(fix the TOML syntax)", subprocess=True),
]


@pytest.mark.parametrize("hostile", CASES, ids=[c.id for c in CASES])
def test_refused(hostile, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(hostile, tmp_path)


def test_the_harness_sees_every_kind_of_change(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist/a.html").write_bytes(b"a")
    before = tree(tmp_path)
    (tmp_path / "dist/a.html").write_bytes(b"b")
    (tmp_path / ".dist-new-1234").mkdir()
    (tmp_path / "link").symlink_to("dist")
    after = tree(tmp_path)
    assert after["dist/a.html"] != before["dist/a.html"]
    assert sorted(set(after) - set(before)) == [".dist-new-1234", "link"]
