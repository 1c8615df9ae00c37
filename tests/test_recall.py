"""Whole outputs recalled from the cache: what they read is all that decides them."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from brand_overlay import snapshot
from fleet import ROOT

from auth0_branding.build.cache import FORMAT, Cache
from auth0_branding.build.parallel import build_and_check
from auth0_branding.dist.writer import write_dist

WELCOME = "templates/emails/welcome_email.html"


def _brand(tmp_path: Path) -> Path:
    brand = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", brand)
    return brand


def _edit(brand: Path, file: str, old: str, new: str) -> None:
    path = brand / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _build(brand: Path, out: Path, cache: Cache | None) -> tuple[dict[str, bytes], list[str]]:
    result = build_and_check(brand, jobs=1, cache=cache)
    write_dist(result, out)
    return snapshot(out), [str(p) for p in result.problems]


def _built_after_edit(brand: Path, tmp_path: Path, file: str, first: str, second: str
                      ) -> dict[str, bytes]:
    """Build with `file` holding `first`, then `second` over the same cache; the second
    build must equal one without a cache."""
    (brand / file).write_text(first, encoding="utf-8")
    _build(brand, tmp_path / "dist", Cache(tmp_path / "cache"))
    (brand / file).write_text(second, encoding="utf-8")
    files, _ = _build(brand, tmp_path / "dist", Cache(tmp_path / "cache"))
    assert files == _build(brand, tmp_path / "plain", None)[0]
    return files


def test_a_recalled_output_reports_the_problems_its_checks_found(tmp_path: Path) -> None:
    brand = _brand(tmp_path)
    _edit(brand, WELCOME, '<p class="ap-muted">', '<p class="ap-muted">{{ favourite_colour }}')
    cold = _build(brand, tmp_path / "cold", Cache(tmp_path / "cache"))
    warm_cache = Cache(tmp_path / "cache")

    warm = _build(brand, tmp_path / "warm", warm_cache)

    assert warm == cold
    assert [p for p in warm[1] if "favourite_colour" in p] == [
        f"WARNING {brand / WELCOME}:9: unknown-variable Auth0 does not provide "
        "'favourite_colour' in welcome_email (it would print nothing)"]
    # Recalled with its problems: the email was neither rendered, inlined nor checked.
    assert warm_cache.stats.disk["output"] > 0
    assert not {"render", "inline", "check"} & (warm_cache.stats.disk.keys()
                                               | warm_cache.stats.missed.keys())


def test_a_template_named_by_a_computed_name_is_read_again_on_every_build(
        tmp_path: Path) -> None:
    brand = _brand(tmp_path)
    _edit(brand, WELCOME, '<p class="ap-muted">',
          '[% include "partials/" ~ "extra.html" %]<p class="ap-muted">')
    files = _built_after_edit(brand, tmp_path, "templates/partials/extra.html",
                              '<p class="ap-text">the first text</p>\n',
                              '<p class="ap-text">the second text</p>\n')

    welcome = files["dev/emails/welcome_email.html"].decode()
    assert "the second text" in welcome and "the first text" not in welcome


def test_a_subject_that_includes_a_template_is_read_again_on_every_build(
        tmp_path: Path) -> None:
    brand = _brand(tmp_path)
    toml = (brand / "brand.toml").read_text(encoding="utf-8")
    start = toml.index("[emails.welcome_email]")
    line = next(n for n in range(start, len(toml)) if toml.startswith("subject", n))
    end = toml.index("\n", line)
    (brand / "brand.toml").write_text(
        toml[:line] + "subject = \"[% include 'partials/subject.txt' %]\"" + toml[end:],
        encoding="utf-8")
    files = _built_after_edit(brand, tmp_path, "templates/partials/subject.txt",
                              "Welcome aboard", "Welcome back")

    settings = json.loads(files["dev/emails/welcome_email.json"])
    assert settings["subject"].endswith("Welcome back")


def test_a_prompt_folder_added_is_built_and_an_output_entry_of_another_shape_is_not_used(
        tmp_path: Path) -> None:
    brand = _brand(tmp_path)
    before, _ = _build(brand, tmp_path / "dist", Cache(tmp_path / "cache"))
    # A whole entry, under its own key, whose value is no list of outputs.
    for entry in (tmp_path / "cache" / FORMAT).rglob("*"):
        if entry.is_file() and b'"page","login","dev/pages/login.html"' in entry.read_bytes():
            header, _ = entry.read_bytes().split(b"\n", 1)
            payload = b'[["page"]]'
            key = header.split(b" ")[2]
            entry.write_bytes(b"auth0-branding-cache " + FORMAT.encode() + b" " + key + b" "
                              + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
            break
    else:
        raise AssertionError("no entry holds dev's login page")
    (brand / "templates/prompts/signup-id").mkdir()
    (brand / "templates/prompts/signup-id/.keep").write_text("", encoding="utf-8")

    files, _ = _build(brand, tmp_path / "dist", Cache(tmp_path / "cache"))

    assert files["dev/pages/login.html"] == before["dev/pages/login.html"]
    assert json.loads(files["dev/prompts/signup-id/partials.json"]) == {}
    assert files == _build(brand, tmp_path / "plain", None)[0]
