"""Tests for the Liquid layer shared by checks, preview and snapshots."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from auth0_branding.errors import TemplateError
from auth0_branding.render.liquid import (
    ALLOWED_TAGS,
    AUTH0_FILTERS,
    auth0_environment,
    auth0_slots,
    parse_liquid,
    render_liquid,
)
from auth0_branding.render.liquid_usage import liquid_usage

log = logging.getLogger(__name__)

PAGE = """<!DOCTYPE html>
<html lang="{{ locale }}">
  <head>
    {%- auth0:head -%}
  </head>
  <body class="_widget-auto-layout">
    <h1>{{ tenant.friendly_name | escape }}</h1>
    {%- auth0:widget -%}
  </body>
</html>"""


def test_custom_auth0_tags_parse_and_are_reported_with_their_markup() -> None:
    usage = liquid_usage(PAGE)

    (head,) = usage.tags_named("auth0:head")
    (widget,) = usage.tags_named("auth0:widget")
    assert (head.line, head.markup, head.hyphenated) == (4, "{%- auth0:head -%}", True)
    assert (widget.line, widget.markup, widget.hyphenated) == (8, "{%- auth0:widget -%}", True)


def test_auth0_tag_without_whitespace_control_is_reported_as_such() -> None:
    (head,) = liquid_usage("{% auth0:head %}{%- auth0:widget %}").tags_named("auth0:head")
    (widget,) = liquid_usage("{%- auth0:widget %}").tags_named("auth0:widget")

    assert (head.markup, head.trim_left, head.trim_right) == ("{% auth0:head %}", False, False)
    assert (widget.trim_left, widget.trim_right, widget.hyphenated) == (True, False, False)


def test_spacing_inside_output_does_not_change_the_variable() -> None:
    usage = liquid_usage("{{url}}\n{{ url }}\n{{-  url  -}}")

    assert usage.variable_names == {"url"}
    assert [use.line for use in usage.variables] == [1, 2, 3]


def test_variables_are_full_dotted_paths_with_lines() -> None:
    text = (
        "Hi {{ user.name | escape }}\n"
        "{% if prompt.name == 'login' %}\n"
        "  <b style=\"color: {{ tenant.colors.primary }}\">{{ prompt.screen.texts.title }}</b>\n"
        "{% endif %}\n"
        "{% for role in roles %}{{ role.name }}{% endfor %}\n"
        "{{ transaction.params.ext-campaign | escape }}"
    )

    found = [(use.name, use.line) for use in liquid_usage(text).variables]

    assert found == [
        ("user.name", 1),
        ("prompt.name", 2),
        ("tenant.colors.primary", 3),
        ("prompt.screen.texts.title", 3),
        ("roles", 5),
        ("transaction.params.ext-campaign", 6),
    ]


def test_locals_from_assign_and_for_are_not_reported_as_data_variables() -> None:
    usage = liquid_usage(
        "{% assign who = user.email %}{{ who }}{% for r in roles %}{{ r }}{% endfor %}"
    )

    assert usage.variable_names == {"user.email", "roles"}


def test_filters_are_reported_with_lines() -> None:
    text = "{{ a | upcase }}\n{{ b | default: 'x' | escape }}\n{{ c | date: '%Y' }}"

    found = [(use.name, use.line) for use in liquid_usage(text).filters]

    assert found == [("upcase", 1), ("default", 2), ("escape", 2), ("date", 3)]


def test_unknown_filter_is_flagged_and_liquidjs_only_filter_is_unverified() -> None:
    usage = liquid_usage("{{ a | upcase }}\n{{ b | money }}\n{{ c | compact }}")

    assert [(use.name, use.line) for use in usage.unknown_filters] == [("money", 2)]
    assert [(use.name, use.line) for use in usage.unverified_filters] == [("compact", 3)]


def test_unknown_filter_passes_its_input_through_when_rendered() -> None:
    # LiquidJS's default (strictFilters off): the filter is skipped, not an error.
    assert render_liquid("{{ 'x' | money }}", {}) == "x"


@pytest.mark.parametrize(
    ("text", "message", "line", "hint"),
    [
        ("a\n\n{% doc %}x{% enddoc %}", "tag 'doc' is not supported by Auth0's Liquid", 3,
         "LiquidJS, which Auth0 runs, has no such tag"),
        ("{% raw %}\n{{ x }}{%- endraw %}", "raw block is not closed: LiquidJS ends it only at "
         "{% endraw %}", 1, "remove the '-' before endraw; one after it, {% endraw -%}, is fine"),
        ("{% macro greet %}{% endmacro %}", "unknown tag 'macro'", 1, None),
        ("<p>\n{% if a %}x{% elseif b %}y{% endif %}", "unknown tag 'elseif'", 2,
         "did you mean 'elsif'?"),
        ("x\n{% auth0:footer %}", "unknown Auth0 tag 'auth0:footer'", 2,
         "write {%- auth0:head -%} or {%- auth0:widget -%}"),
        ("{% auth0 :head %}", "unknown Auth0 tag 'auth0 :head'", 1,
         "write {%- auth0:head -%} or {%- auth0:widget -%}"),
        ("a\nb\n{% endif %}", "unexpected 'endif'", 3,
         "a block opened before it is not closed, or it has no opening tag"),
        ("{% liquid\n  iff x\n%}", "unknown tag 'iff'", 2, "did you mean 'if'?"),
        ("<p>\n{% if a %}x\n{% else %}y\n{% else %}z{% endif %}",
         "this {% if %} has an {% else %} after its {% else %}, which LiquidJS refuses", 2,
         "keep one {% else %}, last, with every {% elsif %} before it"),
        ("{% if a %}x{% else %}y{% elsif b %}z{% endif %}",
         "this {% if %} has an {% elsif %} after its {% else %}, which LiquidJS refuses", 1,
         "keep one {% else %}, last, with every {% elsif %} before it"),
    ],
)
def test_tags_outside_auth0s_set_are_errors_with_line(
    text: str, message: str, line: int, hint: str | None
) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_liquid(text, "brand/templates/login.liquid")

    error = caught.value
    assert error.message == message
    assert error.location is not None
    assert (error.location.path, error.location.line) == ("brand/templates/login.liquid", line)
    if hint is None:
        assert error.hint is not None and error.hint.startswith("Auth0's Liquid knows: ")
    else:
        assert error.hint == hint


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("<p>\n{% if user %}\nhello", "expected tag endif, found end of expression", 2),
        ("<p>\n\n{{ user.name | }}", "expected word, found end of expression", 3),
        ("one\n{{ user.name", "expected '}}', found end of file", 2),
        ("{% for x in %}{% endfor %}", "expected a primitive expression, found end of expression",
         1),
    ],
)
def test_syntax_error_carries_the_line(text: str, message: str, line: int) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_liquid(text, "emails/verify_email.html")

    assert caught.value.message == message
    assert str(caught.value).startswith(f"emails/verify_email.html:{line}: {message}")


def test_every_allowed_tag_parses() -> None:
    text = (
        "{% assign a = 1 %}{% increment n %}{% decrement n %}{% capture c %}x{% endcapture %}"
        "{% echo a %}{% liquid assign b = 2 %}{% comment %}no{% endcomment %}"
        "{% raw %}{{ kept }}{% endraw %}{% debug %}"
        "{% for i in (1..3) %}{% cycle 'x', 'y' %}{% if i == 2 %}{% break %}{% else %}"
        "{% continue %}{% endif %}{% endfor %}"
        "{% unless a %}{% elsif b %}{% endunless %}"
        "{% case a %}{% when 1 %}one{% else %}other{% endcase %}"
        "{% tablerow t in list %}{{ t }}{% endtablerow %}"
        "{% include 'part' %}{%- auth0:head -%}{%- auth0:widget -%}"
    )

    parse_liquid(text)

    assert {"auth0:head", "auth0:widget", "include", "tablerow"} <= ALLOWED_TAGS


def test_capture_echo_and_liquid_parse_but_are_reported_as_unverified() -> None:
    usage = liquid_usage("{% capture c %}x{% endcapture %}\n{% echo c %}\n{% assign d = 1 %}")

    assert [(use.name, use.line) for use in usage.unverified_tags] == [("capture", 1), ("echo", 2)]


def test_unescaped_user_name_is_detected_and_escaped_one_is_not() -> None:
    text = (
        "<p>{{ user.name }}</p>\n"
        "<p>{{ user.name | escape }}</p>\n"
        "<p>{{user.nickname|escape_once}}</p>\n"
        "<a href=\"{{ url }}?n={{ user.given_name | url_encode }}\">x</a>\n"
        "<p>{{ user.name | escape | append: user.family_name }}</p>\n"
        "<p>{{ user.name | size }}</p>"
    )

    flagged = liquid_usage(text).unescaped_outputs("user")

    assert [(out.markup, out.line, out.unescaped_variables) for out in flagged] == [
        ("{{ user.name }}", 1, ("user.name",)),
        ("{{ user.name | escape | append: user.family_name }}", 5, ("user.family_name",)),
    ]


def test_escape_detection_records_each_output() -> None:
    text = "{{ user.name | default: 'there' | escape }} {{ error_description | url_decode }}"

    first, second = liquid_usage(text).outputs

    assert (first.escaped, first.filters, first.unescaped_variables) == (
        True, ("default", "escape"), ()
    )
    assert (second.escaped, second.unescaped_variables) == (False, ("error_description",))


def test_escape_then_decode_counts_as_unescaped() -> None:
    (out,) = liquid_usage("{{ user.name | escape | url_decode }}").outputs

    assert (out.escaped, out.unescaped_variables) == (False, ("user.name",))


def test_default_then_escape_parses_and_renders() -> None:
    text = "Hi {{ user.name | default: 'there' | escape }}!"

    assert render_liquid(text, {}) == "Hi there!"
    assert render_liquid(text, {"user": {"name": "<Ann & Bo>"}}) == "Hi &lt;Ann &amp; Bo&gt;!"


def test_empty_string_is_truthy() -> None:
    text = "{% if x %}yes{% else %}no{% endif %}"

    assert render_liquid(text, {"x": ""}) == "yes"
    assert render_liquid(text, {}) == "no"
    assert render_liquid(text, {"x": False}) == "no"


def test_undefined_variables_render_as_empty() -> None:
    assert render_liquid("[{{ missing.deeply.nested }}][{{ user.name }}]", {"user": {}}) == "[][]"


def test_render_replaces_auth0_tags_with_the_given_html() -> None:
    html = render_liquid(
        PAGE,
        {"locale": "en", "tenant": {"friendly_name": "Acme & Co"}},
        head_html="<style>.w{}</style>",
        widget_html="<div class=\"w\">WIDGET</div>",
    )

    assert '<html lang="en">' in html
    assert "<head><style>.w{}</style></head>" in html
    assert "<h1>Acme &amp; Co</h1><div class=\"w\">WIDGET</div></body>" in html
    assert "auth0:" not in html


def test_auth0_tags_render_nothing_by_default() -> None:
    assert render_liquid("[{%- auth0:head -%}][{% auth0:widget %}]", {}) == "[][]"


def test_widget_inside_a_guarded_block_still_renders() -> None:
    text = "{% if show %}\n  {%- auth0:widget -%}\n{% endif %}"

    assert render_liquid(text, {"show": True}, widget_html="W") == "W"


def test_environment_renders_auth0_tags_from_slots() -> None:
    template = auth0_environment().from_string("{%- auth0:head -%}|{%- auth0:widget -%}")

    with auth0_slots(head_html="H", widget_html="W"):
        assert template.render() == "H|W"
    assert template.render() == "|"


def test_render_is_thread_safe_per_call() -> None:
    def render(n: int) -> str:
        return render_liquid("{%- auth0:head -%}/{{ n }}/{%- auth0:widget -%}", {"n": n},
                             head_html=f"h{n}", widget_html=f"w{n}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render, range(200)))

    assert results == [f"h{n}/{n}/w{n}" for n in range(200)]


def test_parsed_templates_are_cached_by_text() -> None:
    text = "{{ cached }}"

    assert parse_liquid(text, "a.html") is parse_liquid(text, "b.html")


def test_render_error_carries_the_line() -> None:
    with pytest.raises(TemplateError) as caught:
        render_liquid("a\n{% include 'footer' %}", {}, name="emails/welcome_email.html")

    assert str(caught.value) == (
        "emails/welcome_email.html:2: no template named 'footer' to include or render (Auth0 "
        "stores no partial templates: inline the markup at build time)"
    )


def test_documented_auth0_filters_are_all_registered() -> None:
    env = auth0_environment()

    assert AUTH0_FILTERS <= set(env.filters)
    assert "safe" not in env.filters  # python-liquid's own, unknown to LiquidJS
