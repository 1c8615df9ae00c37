"""The LiquidJS process: which engine renders, its zone, its errors, and the fallback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from liquidjs_fixtures import liquidjs_missing

from auth0_branding.errors import TemplateError
from auth0_branding.render import liquidjs
from auth0_branding.render.liquid import render_liquid

# python-liquid 2.3.6 prints the float literal as 2.0, LiquidJS as 2: the output names the engine.
WHICH = "{{ 2.0 }}"
needs_liquidjs = pytest.mark.skipif(liquidjs_missing() is not None,
                                    reason=str(liquidjs_missing()))


@pytest.fixture(autouse=True)
def _fresh_engine() -> Iterator[None]:
    liquidjs.stop_liquidjs()
    yield
    liquidjs.stop_liquidjs()


@needs_liquidjs
def test_liquidjs_renders_where_node_and_liquidjs_are_installed() -> None:
    assert render_liquid(WHICH, {}) == "2"
    assert liquidjs.liquidjs_engine() is liquidjs.liquidjs_engine()


@needs_liquidjs
@pytest.mark.parametrize(("zone", "expected"), [(None, "00:30 +0000"),
                                                ("Asia/Tokyo", "09:30 +0900")])
def test_dates_render_in_utc_unless_a_zone_is_named(
    zone: str | None, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")  # the machine's zone plays no part
    if zone:
        monkeypatch.setenv(liquidjs.ZONE_VARIABLE, zone)
    assert render_liquid("{{ d | date: '%H:%M %z' }}", {"d": "2024-03-31T00:30:00Z"}) == expected


@needs_liquidjs
def test_liquidjs_errors_carry_the_template_and_line() -> None:
    with pytest.raises(TemplateError) as caught:
        render_liquid("<p>\n\n{% if user %}", {}, name="brand/templates/emails/x.html")
    assert str(caught.value) == "brand/templates/emails/x.html:3: tag {% if user %} not closed"


@needs_liquidjs
def test_threads_share_one_process_without_mixing_answers() -> None:
    results: dict[int, str] = {}

    def work(n: int) -> None:
        results[n] = "".join(render_liquid("{{ n }}{%- auth0:widget -%}", {"n": n},
                                           widget_html=f"<w{n}>") for _ in range(20))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == {n: f"{n}<w{n}>" * 20 for n in range(8)}


@pytest.mark.parametrize(("setup", "reason"), [
    ("python", "AUTH0_BRANDING_LIQUID=python"),
    ("no-node", "node is not installed"),
    ("no-modules", "LiquidJS is not installed in /nonexistent (run `npm ci` there)"),
])
def test_python_liquid_renders_where_liquidjs_cannot_and_says_why_once(
    setup: str, reason: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    if setup == "python":
        monkeypatch.setenv(liquidjs.ENGINE_VARIABLE, "python")
    elif setup == "no-node":
        monkeypatch.setenv("PATH", "/nonexistent")
    else:
        monkeypatch.setenv(liquidjs.MODULES_VARIABLE, "/nonexistent")
    liquidjs._warn_fallback.cache_clear()
    with caplog.at_level(logging.WARNING, logger=liquidjs.__name__):
        assert render_liquid(WHICH, {}) == "2.0"
        assert render_liquid(WHICH, {}) == "2.0"
    assert [r.getMessage() for r in caplog.records] == [
        f"rendering with python-liquid, not LiquidJS ({reason}): output may differ from "
        "Auth0's; see docs/architecture.md"]


@needs_liquidjs
def test_another_liquidjs_version_is_not_used(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    fake = tmp_path / "node_modules" / "liquidjs"
    fake.mkdir(parents=True)
    (fake / "index.js").write_text(
        "module.exports = { version: '9.43.0', Liquid: class { registerTag () {} } }\n")
    monkeypatch.setenv(liquidjs.MODULES_VARIABLE, str(tmp_path))
    liquidjs._warn_fallback.cache_clear()
    with caplog.at_level(logging.WARNING, logger=liquidjs.__name__):
        assert render_liquid(WHICH, {}) == "2.0"
    assert "(LiquidJS 9.43.0 is installed, not 10.30.1)" in caplog.text


def test_build_and_check_never_start_node(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from auth0_branding.build.parallel import build_and_check

    started: list[object] = []
    monkeypatch.setattr(liquidjs, "LiquidJSProcess", lambda *a, **k: started.append(a))
    result = build_and_check(Path(__file__).resolve().parents[1] / "brand", (), 1)
    assert result.artifacts and not [p for p in result.problems if p.severity == "error"]
    assert started == []


@needs_liquidjs
def test_a_runaway_template_is_an_error_and_the_next_render_works() -> None:
    loops = "{% for i in (1..1000) %}{% for j in (1..1000) %}{% for k in (1..1000) %}x" \
            "{% endfor %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateError) as caught:
        render_liquid(loops, {}, name="brand/templates/emails/x.html")
    assert str(caught.value) == "brand/templates/emails/x.html:1: template render limit exceeded"
    assert render_liquid(WHICH, {}) == "2"


@needs_liquidjs
def test_a_silent_liquidjs_is_stopped_and_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = liquidjs.liquidjs_engine()
    assert engine is not None
    monkeypatch.setattr(engine, "_read", lambda: liquidjs.LiquidJSProcess._read(engine, 0.0))
    with pytest.raises(TemplateError) as caught:
        render_liquid("{{ 1 }}", {}, name="x.html")
    assert str(caught.value).startswith("x.html: LiquidJS gave no answer within 0 s")
    monkeypatch.undo()
    assert render_liquid(WHICH, {}) == "2"
    assert liquidjs.liquidjs_engine() is not engine
