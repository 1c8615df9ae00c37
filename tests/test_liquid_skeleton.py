"""The checks parse a text's Liquid skeleton, shared by texts whose Liquid is the same.

Exactness is the point: for every text, checking its skeleton must accept and reject what
checking the text itself does, with the same message at the same line and column, and the
analysis must find the same variables, tags, filters and outputs at the same places.
Proven here on every page and email of the reference brand, on the Liquid corpus the
differential tests render, and on generated texts built from the pieces Liquid's lexer
and parser treat specially.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from liquid_corpus import CASES
from test_liquid_check_corpus import REJECTED

from auth0_branding.build.builder import build
from auth0_branding.errors import TemplateError
from auth0_branding.render.liquid import check_liquid, parse_liquid
from auth0_branding.render.liquid_skeleton import skeleton_of
from auth0_branding.render.liquid_usage import analysis_of, liquid_usage, usage_from

ROOT = Path(__file__).resolve().parent.parent

EDGES = [
    "<style>a{color:red}</style>{{ x }}",
    "Hi {% liquid\n echo name\n assign a = 1 %} there",
    "{% case a %} when {% when 1 %}one{% endcase %}",
    "{% case a %}when{% when 1 %}one{% endcase %}",
    "{%- case a -%} else {%- when 1 %}one{% endcase %}",
    "{% case a %} else {% when 1 %}one{% endcase %}",
    "{% case a %}\n junk words \n{% when 1 %}one{% endcase %}",
    "text {{ unclosed",
    "text {% unclosed",
    "a{{{ x }}}b",
    "{%- if a -%}  \n  {%- endif -%}",
    "x  {%- if a %}y{% endif -%}  z",
    "{% raw %}{{ not parsed {% if %}{% endraw %} after {{ y }}",
    "{% comment %} {{ a }} words {% endcomment %}{{ b }}",
    "{% # a comment %}text\n{{ c | default: 'Name' }}",
    "café ☕ {{ user.name | escape }}\r\nline two {{ a }}\n",
    "{{ a }}\n",
    "trailing text\n",
    "",
]


def _outcome(check: object, text: str) -> tuple[str, ...] | None:
    try:
        check(text, "t.html")  # type: ignore[operator]
    except TemplateError as error:
        where = error.location
        return (error.message, str(error.hint), str(where.line if where else None),
                str(where.col if where else None))
    return None


def _same(text: str) -> None:
    assert _outcome(check_liquid, text) == _outcome(parse_liquid, text), repr(text)
    if _outcome(parse_liquid, text) is None:
        assert liquid_usage(text) == usage_from(text, analysis_of(text), lambda i: i), repr(text)
        assert skeleton_of(text).text.count("\n") == text.count("\n")


def _reference_outputs() -> list[str]:
    logging.disable(logging.WARNING)
    try:
        result = build(ROOT / "brand")
    finally:
        logging.disable(logging.NOTSET)
    return [a.content for a in result.artifacts if a.kind in ("page", "email")]


def test_every_reference_output_checks_the_same_through_its_skeleton() -> None:
    outputs = _reference_outputs()
    assert len(outputs) > 30
    for text in outputs:
        _same(text)


def test_outputs_differing_only_in_literal_text_share_one_skeleton() -> None:
    first = "<p>Customer 1</p>\n<style>a{color:#8e2323}</style> {{ user.name }}"
    second = "<p>Customer 0002</p>\n<style>a{color:#e43}</style>Hi {{ user.name }}"
    assert skeleton_of(first).text == skeleton_of(second).text
    # ...while the positions reported are each text's own.
    assert liquid_usage(first).variables[0].col == 36
    assert liquid_usage(second).variables[0].col == 35
    assert liquid_usage(second).outputs[0].markup == "{{ user.name }}"


@pytest.mark.parametrize("text", EDGES + [template for template, _ in CASES]
                         + [template for template, _ in REJECTED])
def test_skeleton_agrees_with_the_text(text: str) -> None:
    _same(text)


PIECES = st.sampled_from([
    "{{", "}}", "{%", "%}", "-", " ", "\n", "x", "é", "{", "}", "'", '"', "|", ":", ",",
    "case", "when", "else", "endcase", "if", "endif", "raw", "endraw", "comment",
    "endcomment", "liquid", "echo", "assign", "a", "=", "#", "for", "in", "endfor",
    "<p>", "</p>", "color:red;", "upcase", "default",
])


@settings(max_examples=1500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40).map("".join))
def test_generated_texts_check_the_same_through_their_skeleton(text: str) -> None:
    _same(text)
