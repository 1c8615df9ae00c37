"""Reading brand sources: the sandbox, file kinds, size limits and encodings."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from auth0_branding.brand.sources import SIZE_LIMITS, SourceError, read_source
from auth0_branding.errors import Location

log = logging.getLogger(__name__)


@pytest.fixture
def brand(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "brand").mkdir()
    return tmp_path / "brand"


def _refusal(path: Path, root: Path, kind: str = "template", where: Location | None = None
             ) -> str:
    with pytest.raises(SourceError) as raised:
        read_source(path, root, kind, where)
    return str(raised.value)


def test_reads_utf8_and_drops_a_byte_order_mark(brand: Path) -> None:
    (brand / "a.html").write_bytes("\ufeffcafé\n".encode())
    assert read_source(brand / "a.html", brand, "template") == "café\n"


def test_refuses_bad_utf8_at_its_line(brand: Path) -> None:
    (brand / "a.html").write_bytes(b"ok\nstill ok\n\xff\n")
    assert _refusal(brand / "a.html", brand) == (
        "brand/a.html:3: not valid UTF-8 (byte 0xff) (save the file as UTF-8)")


def test_refuses_a_nul_byte_at_its_line(brand: Path) -> None:
    (brand / "a.html").write_bytes(b"one\ntwo\x00\n")
    assert _refusal(brand / "a.html", brand) == (
        "brand/a.html:2: contains a NUL byte (remove it: Auth0 and browsers treat NUL as the "
        "end of the text)")


def test_refuses_a_symlink_out_of_the_brand(brand: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret\n")
    (brand / "a.html").symlink_to(tmp_path / "secret.txt")
    assert _refusal(brand / "a.html", brand) == (
        "brand/a.html: brand/a.html lies outside the brand folder (keep every source inside "
        "the brand folder; copy the file in instead of linking to it)")


def test_follows_a_symlink_that_stays_inside(brand: Path) -> None:
    (brand / "real.html").write_text("real\n")
    (brand / "a.html").symlink_to("real.html")
    assert read_source(brand / "a.html", brand, "template") == "real\n"


def test_names_a_symlink_loop(brand: Path) -> None:
    (brand / "a.html").symlink_to("b.html")
    (brand / "b.html").symlink_to("a.html")
    assert _refusal(brand / "a.html", brand) == (
        "brand/a.html: symlink loop at brand/a.html (point the symlink at a real file inside "
        "the brand folder)")


def test_refuses_a_folder_and_a_fifo_without_blocking(brand: Path) -> None:
    (brand / "x.tokens.json").mkdir()
    assert _refusal(brand / "x.tokens.json", brand, "tokens") == (
        "brand/x.tokens.json: expected a token file, found a folder (rename the folder, or "
        "move it out of the way)")
    os.mkfifo(brand / "pipe.tokens.json")
    assert _refusal(brand / "pipe.tokens.json", brand, "tokens") == (
        "brand/pipe.tokens.json: not a regular file (a FIFO, socket or device): token sources "
        "must be plain files (replace it with a regular file)")


def test_refuses_a_file_over_its_kind_limit(brand: Path) -> None:
    (brand / "big.html").write_bytes(b"x" * (SIZE_LIMITS["template"] + 1))
    assert _refusal(brand / "big.html", brand) == (
        "brand/big.html: template file is 1.0 MiB, over the 1.0 MiB limit (split it, or "
        "remove generated or pasted content)")


def test_refuses_an_unreadable_file(brand: Path) -> None:
    path = brand / "a.html"
    path.write_text("x\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who reads any file (root without dropped "
                        "capabilities); the permission case runs in tests/test_hostile_*")
        assert _refusal(path, brand) == (
            "brand/a.html: cannot read template file (permission denied) (make it readable "
            "by the user running the build)")
    finally:
        path.chmod(0o644)


def test_a_missing_file_is_reported_where_it_was_named(brand: Path) -> None:
    where = Location("brand/brand.toml", 4)
    assert _refusal(brand / "styles/nope.scss", brand, "style", where) == (
        "brand/brand.toml:4: file not found: brand/styles/nope.scss (create it, or fix the "
        "name that points at it)")


def test_nesting_line_skips_strings_and_comments() -> None:
    from auth0_branding.brand.sources import nesting_line

    text = 'a = "[[[["  # [[[[ don\'t\nb = [[\n  [[1]]]]\n'
    assert (nesting_line(text, 3), nesting_line(text, 2), nesting_line(text, 1)) == (3, 3, 2)
