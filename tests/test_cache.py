"""The build cache: cached builds are byte-identical, edits change exactly their outputs."""

from __future__ import annotations

import fnmatch
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from brand_overlay import run_cli, snapshot
from fleet import ROOT, fleet_brand

from auth0_branding.build.cache import DEFAULT_FOLDER_NAME, FORMAT, Cache, key_of
from auth0_branding.build.parallel import build_and_check
from auth0_branding.dist.writer import write_dist


def _build(brand: Path, out: Path, cache: Cache | None, jobs: int = 1) -> dict[str, bytes]:
    write_dist(build_and_check(brand, jobs=jobs, cache=cache), out)
    return snapshot(out)


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / FORMAT).rglob("*") if p.is_file())


def test_a_cached_build_of_the_reference_brand_is_byte_identical(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", brand)
    uncached = _build(brand, tmp_path / "plain", None)
    cold = _build(brand, tmp_path / "cold", Cache(tmp_path / "cache"))
    warm_cache = Cache(tmp_path / "cache")
    warm = _build(brand, tmp_path / "warm", warm_cache)

    assert cold == uncached  # every file, and the manifest
    assert warm == uncached
    assert "manifest.json" in warm and len(warm) > 150
    # The second build read everything from the folder: its pages, its emails with their
    # settings, each tenant's partials and phone messages were recalled whole, checked;
    # nothing was computed again but the checks of the other JSON outputs, which cost less
    # than reading an entry and are never written.
    outputs = json.loads(warm["manifest.json"])["outputs"]
    recalled = [o for o in outputs if o["kind"] in ("page", "email", "partials", "phone")]
    rest = [o for o in outputs
            if o["kind"] not in ("page", "email", "email_settings", "partials", "phone")]
    tenants = {o["tenant"] for o in outputs}
    assert warm_cache.stats.missed == {"json-check": len(rest)}
    assert warm_cache.stats.disk["output"] == len([
        o for o in recalled if o["kind"] in ("page", "email")]) + 2 * len(tenants)
    # What one output cannot tell alone runs again, from its own entries.
    assert set(warm_cache.stats.disk) == {"output", "phone-check"}
    assert warm_cache.written == 0


def test_a_cached_build_of_a_generated_fleet_is_byte_identical(tmp_path: Path) -> None:
    # 100 tenants with their own name and colour, over two worker processes.
    # The first build finds an empty folder: it computes everything, as --no-cache does.
    brand = fleet_brand(tmp_path, 100, manage=("login", "emails", "branding", "theme"))
    uncached = _build(brand, tmp_path / "cold", Cache(tmp_path / "cache"), jobs=2)
    warm = _build(brand, tmp_path / "warm", Cache(tmp_path / "cache"), jobs=2)

    assert warm == uncached
    # Each tenant's page, emails, branding and theme, and its tokens.css and tokens.json.
    assert len(json.loads(uncached["manifest.json"])["outputs"]) == 100 * (1 + 24 + 2 + 2)


def test_tenants_with_the_same_inputs_share_their_work(tmp_path: Path) -> None:
    brand = fleet_brand(tmp_path, 20, distinct=False, manage=("login", "emails"))
    cache = Cache()
    result = build_and_check(brand, jobs=1, cache=cache)

    assert len(result.artifacts) == 20 * (25 + 2)  # and tokens.css, tokens.json
    # One tenant's worth of renders, inlining and checks; the other 19 reuse them.
    assert cache.stats.missed["inline"] == 12
    assert cache.stats.memory["inline"] == 19 * 12
    # The markup is checked once (the emails' HTML before inlining apart); the JSON outputs
    # (cheap) once per tenant, as their checks may name the tenant's table, and so are the
    # tenant's tokens.css and tokens.json.
    assert cache.stats.missed["check"] == 13 + 12
    assert cache.stats.missed["json-check"] == 20 * (12 + 2)
    assert cache.stats.memory["check"] == 19 * (13 + 12)


# What an edit changes: the file, the text replaced (None: appended) and the outputs that
# must differ from the unedited build, as globs; every other output must stay the same.
_EDITS = {
    "template": ("templates/emails/welcome_email.html", 'class="ap-title"',
                 'class="ap-title ap-edited"', ["*/emails/welcome_email.html"]),
    "partial": ("templates/partials/legal.html", "&middot;", "&bull;", ["*/pages/*.html"]),
    "layout": ("templates/layouts/email.html", 'alt=""', 'alt="" data-edited="1"',
               ["*/emails/*.html"]),
    # A rule no email uses: premailer drops it, the pages' <style> keeps it.
    "sass-partial": ("styles/partials/_base.scss", None, "\n.ap-edited { color: red; }\n",
                     ["*/pages/*.html"]),
    # The panel's text colour appears on the pages only, and in each tenant's resolved tokens.
    "token": ("tokens/semantic.tokens.json",
              '"panel-text": { "$value": "{color.brand.primary-contrast}" }',
              '"panel-text": { "$value": "#123456" }', ["*/pages/*.html", "*/tokens.*"]),
    "catalogue": ("translations/fr.json", "Astuce : enregistrez", "Conseil : enregistrez",
                  ["*/emails/welcome_email.html"]),
    "setting": ("brand.toml", "url_lifetime_in_seconds = 3600", "url_lifetime_in_seconds = 3601",
                ["*/emails/reset_email.json"]),
}
# Edits of one tenant: only its outputs change, at least these.
_TENANT_EDITS = {
    "tenant-override": ("tenants.toml", '"color.brand.primary" = "#a8401f"',
                        '"color.brand.primary" = "#a8401e"',
                        ["dev/branding.json", "dev/theme.json", "dev/pages/login.html",
                         "dev/emails/verify_email.html"]),
    "variable": ("tenants.toml", 'support_url = "https://help.dev.alderandpine.example"',
                 'support_url = "https://support.dev.alderandpine.example"',
                 ["dev/pages/login.html", "dev/emails/welcome_email.html",
                  "dev/prompts/login/partials.json"]),
}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A warm cache from the unedited reference brand, and that build's files."""
    root = tmp_path_factory.mktemp("baseline")
    brand = root / "brand"
    shutil.copytree(ROOT / "brand", brand)
    return root / "cache", _build(brand, root / "dist", Cache(root / "cache"))


def _edited(tmp_path: Path, file: str, old: str | None, new: str) -> Path:
    brand = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", brand)
    path = brand / file
    text = path.read_text(encoding="utf-8")
    assert old is None or text.count(old) >= 1, f"{old!r} is not in {file}"
    path.write_text(text + new if old is None else text.replace(old, new, 1), encoding="utf-8")
    return brand


def _edit_and_build(baseline: tuple[Path, dict[str, bytes]], tmp_path: Path, file: str,
                    old: str | None, new: str) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Edit the brand, build it over the warm cache and without one; they must agree."""
    folder, before = baseline
    brand = _edited(tmp_path, file, old, new)
    cached = _build(brand, tmp_path / "cached", Cache(folder))
    assert cached == _build(brand, tmp_path / "plain", None)
    return before, cached


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {p for p in before.keys() | after.keys()
            if p != "manifest.json" and before.get(p) != after.get(p)}


@pytest.mark.parametrize("edit", sorted(_EDITS))
def test_an_edit_changes_exactly_the_outputs_that_read_it(
    edit: str, baseline: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    file, old, new, globs = _EDITS[edit]
    before, cached = _edit_and_build(baseline, tmp_path, file, old, new)

    expected = {p for p in before if any(fnmatch.fnmatch(p, g) for g in globs)}
    assert _changed(before, cached) == expected


@pytest.mark.parametrize("edit", sorted(_TENANT_EDITS))
def test_an_edit_of_one_tenant_changes_only_its_outputs(
    edit: str, baseline: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    file, old, new, some = _TENANT_EDITS[edit]
    before, cached = _edit_and_build(baseline, tmp_path, file, old, new)

    changed = _changed(before, cached)
    assert set(some) <= changed
    assert all(path.startswith("dev/") for path in changed)


def test_corrupt_and_foreign_entries_are_reported_and_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", brand)
    expected = _build(brand, tmp_path / "first", Cache(tmp_path / "cache"))
    # Whole outputs, which a warm build reads (it reads no other entry of theirs).
    entries = [p for p in _entries(tmp_path / "cache") if _holds_outputs(p)]
    flipped, truncated, foreign, emptied = entries[0], entries[1], entries[2], entries[3]
    data = bytearray(flipped.read_bytes())
    data[-2] ^= 0x01
    flipped.write_bytes(bytes(data))
    truncated.write_bytes(truncated.read_bytes()[:40])
    # A whole, valid entry of another key under this one's name.
    foreign.write_bytes(entries[4].read_bytes())
    emptied.write_bytes(b"")

    caplog.set_level(logging.WARNING, "auth0_branding.build.cache")
    cache = Cache(tmp_path / "cache")
    again = _build(brand, tmp_path / "second", cache)

    assert again == expected
    assert cache.stats.corrupt == 4
    warned = sorted(r.getMessage() for r in caplog.records)
    assert warned == sorted(f"cache entry {p} is corrupt or was not written for this key; "
                            "building it again" for p in (flipped, truncated, foreign, emptied))
    # Rebuilt: the next build finds every entry whole.
    third = Cache(tmp_path / "cache")
    assert _build(brand, tmp_path / "third", third) == expected
    assert third.stats.corrupt == 0 and set(third.stats.missed) == {"json-check"}


def _holds_outputs(entry: Path) -> bool:
    value = json.loads(entry.read_bytes().split(b"\n", 1)[1])
    return isinstance(value, list) and bool(value) and all(
        isinstance(output, list) and len(output) == 10 for output in value)


def test_an_entry_from_a_json_value_of_the_wrong_shape_is_never_used(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    key = key_of("test", "value")
    cache.put("test", key, ["html", [], False])
    path = tmp_path / "cache" / FORMAT / key[:2] / key
    header, payload = path.read_bytes().split(b"\n", 1)
    assert header.split(b" ")[:3] == [b"auth0-branding-cache", FORMAT.encode(), key.encode()]
    assert json.loads(payload) == ["html", [], False]
    assert Cache(tmp_path / "cache").get("test", key) == ["html", [], False]


def test_concurrent_builds_share_one_cache_folder(tmp_path: Path) -> None:
    brand = fleet_brand(tmp_path, 12, manage=("login", "emails"))
    cache = tmp_path / "cache"
    command = [sys.executable, str(ROOT / "build.py"), "build", "--brand", str(brand),
               "--cache", str(cache), "--jobs", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    runs = [subprocess.Popen([*command, "--out", str(tmp_path / f"out{i}")], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(3)]
    results = [run.communicate(timeout=300) for run in runs]

    assert [run.returncode for run in runs] == [0, 0, 0], results
    assert all(b"cache entry" not in stderr for _, stderr in results)
    first = snapshot(tmp_path / "out0")
    assert snapshot(tmp_path / "out1") == first == snapshot(tmp_path / "out2")
    assert not [p for p in (cache / FORMAT).rglob(".tmp-*")]  # no torn writes left
    warm = Cache(cache)
    assert _build(brand, tmp_path / "warm", warm) == first
    assert warm.stats.corrupt == 0 and set(warm.stats.missed) == {"json-check"}


def test_the_folder_is_pruned_to_its_bound_least_recently_used_first(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", max_bytes=10_000)
    keys = [key_of("test", n) for n in range(40)]
    for number, key in enumerate(keys):
        cache.put("test", key, "x" * 500)
        path = tmp_path / "cache" / FORMAT / key[:2] / key
        os.utime(path, ns=(number * 10**9, number * 10**9))
    Cache(tmp_path / "cache").get("test", keys[0])  # used again: now the most recent

    deleted = cache.prune()

    left = {p.name for p in _entries(tmp_path / "cache")}
    assert sum(p.stat().st_size for p in _entries(tmp_path / "cache")) <= 8_000
    assert deleted == 40 - len(left)
    assert keys[0] in left and keys[-1] in left and keys[1] not in left


def test_the_default_folder_lies_beside_the_brand(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "brand", tmp_path / "brand")

    assert run_cli("build", "--brand", "brand", "--out", "dist").exit_code == 0
    assert _entries(tmp_path / DEFAULT_FOLDER_NAME)
    assert run_cli("build", "--brand", "brand", "--out", "other", "--no-cache").exit_code == 0
    assert snapshot(tmp_path / "other") == snapshot(tmp_path / "dist")


def test_no_cache_writes_no_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "brand", tmp_path / "brand")

    assert run_cli("build", "--brand", "brand", "--no-cache").exit_code == 0
    assert run_cli("check", "--brand", "brand").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brand", "dist"]


def test_cache_and_no_cache_together_are_refused(tmp_path: Path) -> None:
    outcome = run_cli("build", "--brand", str(tmp_path), "--cache", str(tmp_path / "c"),
                      "--no-cache")

    assert (outcome.exit_code, outcome.stderr) == (
        2, "ERROR --cache and --no-cache contradict each other; pass one of them\n")


def test_unchanged_outputs_stay_untouched_in_dist(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", brand)
    out = tmp_path / "dist"
    _build(brand, out, Cache(tmp_path / "cache"))
    files = [p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"]
    before = {p: p.stat() for p in files}
    edited = out / "dev/pages/login.html"
    edited.write_text("changed by hand\n")  # not what the build wrote: written again
    template = brand / "templates/emails/welcome_email.html"
    template.write_text(template.read_text().replace('class="ap-title"', 'class="ap-title x"'))

    after = _build(brand, out, Cache(tmp_path / "cache"))

    rewritten = {str(p.relative_to(out)) for p in files
                 if (p.stat().st_ino, p.stat().st_mtime_ns)
                 != (before[p].st_ino, before[p].st_mtime_ns)}
    assert rewritten == {"dev/pages/login.html", *(f"{t}/emails/welcome_email.html"
                                                   for t in ("dev", "staging", "prod"))}
    assert after["dev/pages/login.html"] != b"changed by hand\n"
    assert not list(tmp_path.glob(".dist*"))  # the staging and retired folders are gone
