"""Output folders and tenant names that would lose files or write outside dist/: refused."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from brand_overlay import run_cli
from hostile import BUILD, assert_refused, case, lay_out

log = logging.getLogger(__name__)

RULE = ("lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 63 "
        "characters")
OWN = "(give --out a folder of its own, such as dist)"


def _out(folder: str) -> tuple[str, ...]:
    return ("build", "--brand", "brand", "--out", folder)


def _nothing(brand: Path) -> None:
    """The brand as it is: the case is in the arguments."""


def _tenant_named(key: str):
    """Rename the minimal brand's `prod` tenant to the TOML key `key` (quoted as needed)."""
    def rename(brand: Path) -> None:
        tenants = brand / "tenants.toml"
        tenants.write_text(tenants.read_text().replace("[tenants.prod", f"[tenants.{key}"))
    return rename


def _file_at(name: str):
    def make(brand: Path) -> None:
        (brand.parent / name).write_text("a file\n")
    return make


def _folder_with(*names: str):
    def make(brand: Path) -> None:
        for name in names:
            path = brand.parent / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("someone's file\n")
    return make


def _git_work_tree(name: str):
    def make(brand: Path) -> None:
        (brand.parent / name / ".git").mkdir(parents=True)
    return make


def _brand_in(folder: str):
    def move(brand: Path) -> None:
        (brand.parent / folder).mkdir()
        brand.rename(brand.parent / folder / "brand")
    return move


LONG = "a" * 300
CASES = [
    # Output folders whose replacement would destroy sources or a work tree.
    case("out-is-the-brand", _nothing,
         f"--out brand is the brand folder, whose contents would be replaced {OWN}",
         args=_out("brand")),
    case("out-is-the-brand-spelt-differently", _nothing,
         f"--out brand is the brand folder, whose contents would be replaced {OWN}",
         args=_out("./brand/../brand/")),
    case("out-inside-the-brand", _nothing,
         f"--out brand/dist lies inside the brand folder, whose contents would be "
         f"replaced {OWN}", args=_out("brand/dist")),
    case("out-is-the-current-folder", _nothing,
         f"--out . is the current folder, whose contents would be replaced {OWN}",
         args=_out(".")),
    case("out-is-empty-so-the-current-folder", _nothing,
         f"--out . is the current folder, whose contents would be replaced {OWN}",
         args=_out("")),
    case("out-holds-the-current-folder", _nothing,
         f"--out / holds the current folder, whose contents would be replaced {OWN}",
         args=_out("/")),
    case("out-holds-the-brand", _brand_in("site"),
         f"--out site holds the brand folder, whose contents would be replaced {OWN}",
         args=("build", "--brand", "site/brand", "--out", "site")),
    case("out-is-a-git-work-tree", _git_work_tree("repo"),
         f"--out repo is the root of a git work tree, whose contents would be replaced "
         f"{OWN}", args=_out("repo")),
    case("out-holds-someones-files", _folder_with("photos/cat.jpg", "photos/dog.jpg"),
         "photos: holds files no build wrote, such as 'cat.jpg', and the build replaces its "
         "output folder whole (choose an empty or new folder with --out, or move those files "
         "away)", args=_out("photos")),
    case("out-holds-a-folder-of-someones", _folder_with("work/notes/todo.txt"),
         "work: holds files no build wrote, such as 'notes', and the build replaces its output "
         "folder whole (choose an empty or new folder with --out, or move those files away)",
         args=_out("work")),
    case("out-is-a-file", _file_at("afile"),
         "--out afile is a file, not a folder (pass --out a folder, or move the file away)",
         args=_out("afile")),
    case("out-under-a-file", _file_at("afile"),
         "--out afile/sub lies under afile, a file, not a folder (pass --out a folder, or move "
         "the file away)", args=_out("afile/sub")),
    case("out-name-too-long", _nothing,
         f"--out {'a' * 40}…: the folder name is 300 characters long, over the 241 this file "
         "system allows (give --out a shorter name)", args=_out(LONG)),
    # Tenant names become folders in dist/ and words in every report.
    *[case(f"tenant-name-{label}", _tenant_named(key),
           f"brand/tenants.toml:11: tenant '{shown}' is not a valid tenant name (rename it: "
           f"{RULE})")
      for label, key, shown in [
          ("parent-escape", '"../x"', "../x"),
          ("dot-dot", '".."', ".."),
          ("absolute", '"/etc/cron.d/x"', "/etc/cron.d/x"),
          ("nested", '"a/b"', "a/b"),
          ("empty", '""', ""),
          ("newline-forging-a-line", '"a\\nERROR forged"', "a\\nERROR forged"),
          ("escape-sequence", '"a\\u001b[31m"', "a\\x1b[31m"),
          ("the-manifest", '"manifest.json"', "manifest.json"),
          ("hidden-staging-lookalike", '".dist-new-1"', ".dist-new-1"),
          ("too-long", f'"{LONG}"', LONG),
          ("upper-case", "Prod", "Prod"),
          ("space", '"my tenant"', "my tenant"),
          ("backslash", '"a\\\\b"', "a\\b"),
      ]],
    case("tenant-name-reserved-for-the-gallery", _tenant_named("review"),
         "brand/tenants.toml:11: tenant 'review' is reserved: dist/review/ holds the review "
         f"gallery (rename it: {RULE})"),
    case("tenant-name-checked-by-check-too", _tenant_named('"../x"'),
         f"brand/tenants.toml:11: build tenant '../x' is not a valid tenant name (rename it: {RULE})",
         args=("check", "--brand", "brand")),
    # The other commands that write folders guard theirs the same way.
    case("review-out-is-the-brand", _nothing,
         f"--out brand is the brand folder, whose contents would be replaced {OWN}",
         args=("review", "--brand", "brand", "--out", "brand")),
    case("review-out-is-the-current-folder", _nothing,
         f"--out . is the current folder, whose contents would be replaced {OWN}",
         args=("review", "--brand", "brand", "--out", ".")),
    case("review-out-holds-someones-files", _folder_with("photos/cat.jpg"),
         "photos exists and was not written by review (choose an empty or new folder with "
         "--out)", args=("review", "--brand", "brand", "--out", "photos")),
    case("snapshot-out-inside-the-brand", _nothing,
         f"--out brand/snapshots lies inside the brand folder, whose contents would be "
         f"replaced {OWN}", args=("snapshot", "--brand", "brand", "--out", "brand/snapshots")),
    # Bad usage: one line too, exit 2.
    case("jobs-zero", _nothing,
         "Invalid value for '--jobs': 0 is not in the range x>=1. (see `auth0-branding build "
         "--help`)", args=(*BUILD, "--jobs", "0"), exit_code=2),
    case("unknown-option", _nothing,
         "No such option '--outt'. Did you mean '--out'? (see `auth0-branding build --help`)",
         args=("build", "--outt", "x"), exit_code=2),
    case("unknown-command", _nothing,
         "No such command 'bild'. Did you mean 'build'? (see `auth0-branding --help`)", args=("bild",),
         exit_code=2),
    case("option-without-value", _nothing,
         "Option '--out' requires an argument. (see `auth0-branding --help`)",
         args=("build", "--out"), exit_code=2),
]


@pytest.mark.parametrize("hostile", CASES, ids=[c.id for c in CASES])
def test_refused(hostile, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(hostile, tmp_path)


@pytest.mark.parametrize("output_format", ["json", "github"])
def test_check_prints_its_format_even_for_a_fatal_error(output_format: str, tmp_path: Path,
                                                        monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    brand = lay_out(tmp_path)
    _tenant_named('"a\\nERROR forged"')(brand)
    outcome = run_cli("check", "--brand", "brand", "--format", output_format)
    assert (outcome.exit_code, outcome.exception) == (1, None)
    message = (f"tenant 'a\\nERROR forged' is not a valid tenant name (rename it: {RULE})")
    if output_format == "json":
        assert json.loads(outcome.stdout) == [{
            "severity": "error", "code": "build", "message": message,
            "path": "brand/tenants.toml", "line": 11}]
    else:
        assert outcome.stdout.splitlines() == [
            f"::error file=brand/tenants.toml,line=11::build {message}"]
