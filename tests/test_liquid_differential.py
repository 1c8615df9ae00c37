"""Differential tests: what the preview renders is byte for byte what LiquidJS renders.

The reference is the pinned LiquidJS (tests/node/liquidjs), in its own node process; our side
is `render_liquid`, the one function the preview, snapshots, review and `render` call. Both
run in the same time zone. Skipped, with the reason, where node or LiquidJS is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from liquid_corpus import CASES, FALLBACK_DIFFERS

from auth0_branding.brand.scenarios import load_scenarios
from auth0_branding.build.builder import build
from auth0_branding.errors import TemplateError
from auth0_branding.render import languages, liquid, phone, sample, surface
from auth0_branding.render.languages import Languages
from auth0_branding.render.liquid import (
    ALLOWED_TAGS,
    AUTH0_CUSTOM_TAGS,
    AUTH0_FILTERS,
    LIQUIDJS_FILTERS,
)
from auth0_branding.render.liquidjs import CHECKOUT_MODULES, ENGINE_VARIABLE, LiquidJSProcess
from auth0_branding.render.sample import render_samples

BRAND = Path(__file__).resolve().parents[1] / "brand"
HEAD, WIDGET = "<script src=head.js></script>", "<div id=widget>\n</div>"


def _outcome(render: Callable[[], str]) -> str:
    try:
        return render()
    except TemplateError as error:
        return f"error at line {error.location.line if error.location else None}"


def test_the_corpus_is_large_and_has_no_repeats() -> None:
    templates = [template for template, _ in CASES]
    assert len(templates) >= 150
    assert len(set(templates)) == len(templates)


@pytest.mark.usefixtures("in_zone")
@pytest.mark.parametrize(("template", "data"), CASES, ids=[t for t, _ in CASES])
def test_renders_as_liquidjs(template: str, data: dict[str, Any], liquidjs: LiquidJSProcess
                             ) -> None:
    expected = _outcome(lambda: liquidjs.render(template, data, head_html=HEAD,
                                                widget_html=WIDGET))
    got = _outcome(lambda: liquid.render_liquid(template, data, head_html=HEAD,
                                                widget_html=WIDGET))
    assert got == expected


def _recorded_renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict, str, str, str]]:
    calls: list[tuple[str, dict, str, str, str]] = []
    original = liquid.render_liquid

    def record(text: str, data: Any, *, head_html: str = "", widget_html: str = "",
               name: str = "<template>") -> str:
        output = original(text, data, head_html=head_html, widget_html=widget_html, name=name)
        calls.append((text, dict(data), head_html, widget_html, output))
        return output

    for module in (sample, languages, surface, phone):
        monkeypatch.setattr(module, "render_liquid", record)
    return calls


@pytest.mark.usefixtures("in_zone")
def test_every_reference_output_scenario_and_language_renders_as_liquidjs(
    monkeypatch: pytest.MonkeyPatch, liquidjs: LiquidJSProcess
) -> None:
    calls = _recorded_renders(monkeypatch)
    result = build(BRAND)
    samples = list(render_samples(result.artifacts, load_scenarios(BRAND), Languages.of(result)))
    kinds = {s.artifact.kind for s in samples}
    assert kinds == {"page", "email", "phone"}
    assert len({(s.artifact.tenant, s.language) for s in samples}) > 4
    differing = [
        text[:60] for text, data, head, widget, output in calls
        if liquidjs.render(text, data, head_html=head, widget_html=widget) != output
    ]
    assert len(calls) >= len(samples)
    assert differing == []


def _liquidjs_names(table: str) -> set[str]:
    script = f"console.log(JSON.stringify(Object.keys(new (require('liquidjs').Liquid)().{table})))"
    found = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "NODE_PATH": str(CHECKOUT_MODULES / "node_modules")})
    return set(json.loads(found.stdout))


def test_check_knows_exactly_liquidjs_filters(liquidjs: LiquidJSProcess) -> None:
    assert _liquidjs_names("filters") == AUTH0_FILTERS | LIQUIDJS_FILTERS


def test_check_knows_exactly_liquidjs_tags_and_auth0s(liquidjs: LiquidJSProcess) -> None:
    # `when`, `elsif` and `else` are parts of other tags in LiquidJS, not tags of their own.
    ours = ALLOWED_TAGS - AUTH0_CUSTOM_TAGS - {"when", "elsif", "else"}
    assert _liquidjs_names("tags") == ours


@pytest.mark.usefixtures("in_zone")
@pytest.mark.parametrize(("template", "data"), CASES, ids=[t for t, _ in CASES])
def test_the_fallback_differs_exactly_where_documented(
    template: str, data: dict[str, Any], liquidjs: LiquidJSProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ENGINE_VARIABLE, "python")
    expected = _outcome(lambda: liquidjs.render(template, data, head_html=HEAD,
                                                widget_html=WIDGET))
    got = _outcome(lambda: liquid.render_liquid(template, data, head_html=HEAD,
                                                widget_html=WIDGET))
    if template in FALLBACK_DIFFERS:
        assert got != expected, "the fallback now agrees: drop it from FALLBACK_DIFFERS"
    else:
        assert got == expected
