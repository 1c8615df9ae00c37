"""The preview builds through the cache: an edit redoes only the stages it reaches."""

from __future__ import annotations

import shutil
from pathlib import Path

from fleet import ROOT

from auth0_branding.build.cache import Cache, using
from auth0_branding.preview.site import BrandPreview

TENANTS = ("dev", "staging", "prod")


def _preview(tmp_path: Path) -> tuple[BrandPreview, Path]:
    brand = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", brand)
    preview = BrandPreview(brand)
    assert preview.rebuild(frozenset()).failure is None
    return preview, brand


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_token_edit_redoes_only_the_stages_it_reaches(tmp_path: Path) -> None:
    with using(Cache()) as cache:
        preview, brand = _preview(tmp_path)
        full = dict(cache.stats.missed)
        cache.stats.missed.clear()
        tokens = brand / "tokens/semantic.tokens.json"
        _edit(tokens, '"panel-text": { "$value": "{color.brand.primary-contrast}" }',
              '"panel-text": { "$value": "#123456" }')

        rebuilt = preview.rebuild(frozenset({tokens}))

    # The panel's text colour is on the pages only: their views change, and each tenant's
    # resolved tokens, nothing else.
    assert rebuilt.failure is None
    assert rebuilt.changed == {f"{t}/page/{p}" for t in TENANTS
                               for p in ("login", "password_reset", "error_page")} | {
                                   f"{t}/tokens/tokens.{ext}" for t in TENANTS
                                   for ext in ("css", "json")}
    # Both stylesheets were compiled again (for dev's own tokens and the others'); the
    # nine pages rendered again; no email was rendered or inlined again.
    assert cache.stats.missed == {"sass": 2 * 2, "render": 9}
    assert full["render"] == 75 and full["inline"] == 36


def test_a_fixture_edit_changes_exactly_the_views_that_read_it(tmp_path: Path) -> None:
    with using(Cache()) as cache:
        preview, brand = _preview(tmp_path)
        cache.stats.missed.clear()
        fixture = brand / "fixtures/login.json"
        _edit(fixture, '"title": "Welcome back"', '"title": "Welcome back again"')

        rebuilt = preview.rebuild(frozenset({fixture}))

    assert rebuilt.failure is None
    assert rebuilt.changed == {f"{t}/page/login" for t in TENANTS}
    assert cache.stats.missed == {}  # no stage ran: only the views render again
