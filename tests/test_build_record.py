"""A build whose every input is as last built, into a dist/ that still holds it, does nothing.

The record lives in the build cache (the outermost stage): its key is every file of the
brand folder, the working folder and the tool's version; `check` reads its problems too.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fleet import fleet_brand

from auth0_branding.cli import cli

UNCHANGED = "unchanged, as nothing it reads has changed since the last build"


@pytest.fixture
def brand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Two tenants with dark primary colours: the contrast checks warn, so the record has
    # problems to tell again.
    monkeypatch.chdir(tmp_path)
    return fleet_brand(tmp_path, 2)


def _build(*extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist",
                                      "--cache", "cache", *extra])
    return result.exit_code, result.output


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_a_build_with_nothing_changed_reports_the_last_one_and_touches_nothing(
        brand: Path) -> None:
    code, first = _build()
    assert code == 0 and UNCHANGED not in first
    warnings = [line for line in first.splitlines() if line.startswith("WARNING")]
    assert warnings  # the dark primary colours
    before = _stamps(Path("dist"))
    code, second = _build()
    assert code == 0
    assert UNCHANGED in second
    assert [line for line in second.splitlines() if line.startswith("WARNING")] == warnings
    assert second.splitlines()[-1].startswith(first.splitlines()[-1].split(")")[0])
    assert _stamps(Path("dist")) == before


@pytest.mark.parametrize("edit", ["template", "tenants", "new file", "catalogue"])
def test_any_edit_of_the_brand_builds_again(brand: Path, edit: str) -> None:
    _build()
    if edit == "template":
        page = brand / "templates/pages/login.html"
        page.write_text(page.read_text(encoding="utf-8").replace(
            '<p class="ap-notice">', '<p class="ap-notice" data-edited="1">', 1), encoding="utf-8")
    elif edit == "tenants":
        tenants = brand / "tenants.toml"
        tenants.write_text(tenants.read_text(encoding="utf-8").replace(
            "Customer 0001", "Customer 0009"), encoding="utf-8")
    elif edit == "new file":
        (brand / "styles/partials/_unused.scss").write_text(".x { color: red; }\n")
    else:
        catalogue = brand / "translations/fr.json"
        catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(
            "Astuce : enregistrez", "Conseil : enregistrez"), encoding="utf-8")
    code, output = _build()
    assert code == 0 and UNCHANGED not in output
    if edit == "template":
        assert 'data-edited="1"' in Path("dist/customer0000/pages/login.html").read_text()
    if edit == "tenants":
        assert "Customer 0009" in Path("dist/customer0001/pages/login.html").read_text()


def test_an_output_edited_by_hand_is_built_again(brand: Path) -> None:
    _build()
    page = Path("dist/customer0000/pages/login.html")
    built = page.read_bytes()
    page.write_bytes(built + b"<!-- by hand -->")
    code, output = _build()
    assert code == 0 and UNCHANGED not in output
    assert page.read_bytes() == built
    os.unlink(page)
    code, output = _build()
    assert UNCHANGED not in output and page.read_bytes() == built


def test_strict_fails_on_the_recorded_warnings_as_the_build_would(brand: Path) -> None:
    _build()
    before = _stamps(Path("dist"))
    code, output = _build("--strict")
    assert code == 1
    assert output.splitlines()[-1].startswith("ERROR build failed with 0 error(s),")
    assert "and --strict; dist left unchanged" in output.splitlines()[-1]
    assert _stamps(Path("dist")) == before


def test_check_reads_the_recorded_problems_and_checks_an_edited_brand(brand: Path) -> None:
    _, built = _build()
    checked = CliRunner().invoke(cli, ["check", "--brand", "brand", "--cache", "cache",
                                       "--format", "json"])
    assert checked.exit_code == 0
    recorded = checked.output
    (brand / "templates/pages/login.html").write_text("<p>{% if %}</p>", encoding="utf-8")
    edited = CliRunner().invoke(cli, ["check", "--brand", "brand", "--cache", "cache",
                                      "--format", "json"])
    assert edited.exit_code == 1 and edited.output != recorded
    assert "liquid-syntax" in edited.output


@pytest.mark.parametrize("options", [("--no-cache",), ("--tenant", "customer0000")])
def test_without_the_cache_or_for_some_tenants_the_build_always_runs(
        brand: Path, options: tuple[str, ...]) -> None:
    _build()
    args = ["build", "--brand", "brand", "--out", "dist", *options]
    if "--no-cache" not in options:
        args += ["--cache", "cache"]
    for _ in range(2):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0 and UNCHANGED not in result.output


def test_a_brand_holding_a_linked_folder_is_never_recorded(brand: Path, tmp_path: Path) -> None:
    shutil.move(str(brand / "translations"), str(tmp_path / "catalogues"))
    os.symlink(tmp_path / "catalogues", brand / "translations")
    _build()
    code, output = _build()
    assert UNCHANGED not in output


def test_a_corrupt_record_is_reported_and_the_build_runs(
        brand: Path, caplog: pytest.LogCaptureFixture) -> None:
    _build()
    for entry in Path("cache").rglob("*"):
        if entry.is_file():
            data = entry.read_bytes()
            entry.write_bytes(data[:-2] + bytes([data[-2] ^ 1]) + data[-1:])
    caplog.set_level(logging.WARNING, "auth0_branding.build.cache")
    code, output = _build()
    assert code == 0 and UNCHANGED not in output
    assert any("is corrupt or was not written for this key; building it again"
               in record.getMessage() for record in caplog.records)
    code, output = _build()
    assert UNCHANGED in output  # recorded again, whole
