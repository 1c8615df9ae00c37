"""Liquid must survive CSS inlining byte-identical, with either inliner."""

from __future__ import annotations

import re

import pytest
from premailer import Premailer

from auth0_branding.build.inline import INLINERS, LIQUID, inline_css, protect_liquid, restore_liquid
from auth0_branding.errors import InlineError

EMAIL = """<!DOCTYPE html>
<html lang="{{ request_language | default: 'en' }}">
<head>
  <meta charset="utf-8">
  <title>{{ application.name | escape }}</title>
  <style>.tint { color: {{ tenant.colors.primary }}; }</style>
  <!--[if mso]><style>td { font-family: Arial !important; }</style><![endif]-->
</head>
<body>
  <table class="wrap">
    <tr><td class="cell">Hi {{ user.given_name | default: 'there' | escape }},</td></tr>
    {% if organization.display_name %}
    <tr><td class="org">{{ organization.display_name | escape }}</td></tr>
    {% endif %}
    <tr><td>
      <a class="button" href="{{ url }}" style="border-color: {{ tenant.colors.primary }}">Go</a>
      <img src="{{ user.picture }}" alt="{{ user.nickname | escape }}">
    </td></tr>
    {%- comment -%} between rows {%- endcomment -%}
  </table>
</body>
</html>
"""
CSS = (".button { color: #ffffff; background: #0055aa; } .cell { font-size: 14px; }"
       "@media (max-width: 600px) { .cell { font-size: 18px !important; } }")


def _outside_start_tags(html: str) -> list[str]:
    return LIQUID.findall(re.sub(r"<[a-zA-Z][^<>]*>", "", html))


def test_every_liquid_construct_survives_in_order_with_premailer():
    out = inline_css(EMAIL, CSS, "premailer")
    assert LIQUID.findall(out) == LIQUID.findall(EMAIL)


def test_every_liquid_construct_survives_with_css_inline():
    # css-inline writes `style` first in a start tag, so only the order inside one tag moves.
    out = inline_css(EMAIL, CSS, "css-inline")
    assert sorted(LIQUID.findall(out)) == sorted(LIQUID.findall(EMAIL))
    assert _outside_start_tags(out) == _outside_start_tags(EMAIL)


@pytest.mark.parametrize("inliner", INLINERS)
def test_css_is_inlined_and_media_rules_keep_important(inliner):
    out = inline_css(EMAIL, CSS, inliner)
    button = re.search(r'<a class="button"[^>]*>', out).group(0)
    assert re.search(r"background: ?#(0055aa|05a)", button)
    # The element's own style (with its Liquid) is kept beside the inlined rules.
    assert "border-color: {{ tenant.colors.primary }}" in button.replace(":{{", ": {{")
    media = re.search(r"@media[^{]*\{.*?\}\s*\}", out, re.DOTALL).group(0)
    assert "!important" in media


@pytest.mark.parametrize("inliner", INLINERS)
def test_outlook_conditional_comments_are_kept(inliner):
    out = inline_css(EMAIL, CSS, inliner)
    assert "<!--[if mso]><style>td { font-family: Arial !important; }</style><![endif]-->" in out


@pytest.mark.parametrize("inliner", INLINERS)
def test_guarded_row_stays_inside_the_table(inliner):
    out = inline_css(EMAIL, CSS, inliner)
    table = out[out.index("<table"):out.index("</table>")]
    assert "{% if organization.display_name %}" in table
    assert table.index("{% if organization.display_name %}") < table.index('class="org"')
    assert table.index('class="org"') < table.index("{% endif %}")


@pytest.mark.parametrize("inliner", INLINERS)
def test_auth0_head_stays_in_head(inliner):
    page = ("<!DOCTYPE html><html lang=\"en\"><head>{%- auth0:head -%}<title>x</title></head>"
            "<body>{%- auth0:widget -%}</body></html>")
    out = inline_css(page, "body { margin: 0; }", inliner)
    head = out[out.index("<head>"):out.index("</head>")]
    assert "{%- auth0:head -%}" in head
    assert "{%- auth0:widget -%}" in out[out.index("<body"):]


def test_premailer_alone_mangles_liquid_which_is_why_we_protect_it():
    """The known failure cases, reproduced on bare premailer, so the guard above means something."""
    raw = Premailer(EMAIL, css_text=CSS, allow_network=False).transform()
    assert 'href="{{ url }}"' not in raw  # URL-encoded to {{%20url%20}}
    assert "%20url%20" in raw
    page = "<html><head>{%- auth0:head -%}<title>x</title></head><body><p>x</p></body></html>"
    moved = Premailer(page, allow_network=False).transform()
    assert "{%- auth0:head -%}" not in moved[moved.index("<head>"):moved.index("</head>")]


def test_liquid_inside_a_start_tag_is_an_error_with_its_line():
    html = '<table>\n<tr>\n<td {% if x %}class="a"{% endif %}>x</td></tr></table>'
    with pytest.raises(InlineError) as caught:
        inline_css(html, "td { color: red; }", "premailer", "emails/x.html")
    assert str(caught.value) == (
        "emails/x.html:3: Liquid inside a start tag cannot survive CSS inlining: {% if x %} "
        "(move the condition around the whole element, or put the Liquid inside an attribute "
        "value)"
    )


def test_protect_uses_plain_tokens_in_attributes_and_comments_elsewhere():
    protected = protect_liquid('<a href="{{ url }}">{{ label }}</a><title>{{ t }}</title>')
    assert "{{" not in protected.html
    href_token = re.search(r'href="(\w+)"', protected.html).group(1)
    assert protected.originals[href_token] == "{{ url }}"
    assert re.search(r"<a [^>]*><!--\w+--></a>", protected.html)
    assert re.search(r"<title>\w+</title>", protected.html)  # raw text: no comment inside


def test_restore_refuses_a_dropped_token():
    protected = protect_liquid("<p>{{ a }}</p><p>{{ b }}</p>")
    damaged = re.sub(r"<!--\w+-->", "", protected.html, count=1)
    with pytest.raises(InlineError, match=r"dropped Liquid '\{\{ a \}\}'"):
        restore_liquid(damaged, protected, "emails/x.html")


def test_tokens_never_collide_with_text_in_the_email():
    protected = protect_liquid("<p>LQ LQ0000 {{ a }}</p>")
    token = next(iter(protected.originals))
    assert "LQ LQ0000" in protected.html and token not in "<p>LQ LQ0000 {{ a }}</p>"


def test_config_marker_and_text_without_liquid_are_untouched():
    html = '<html><head><title>x</title></head><body><p id="c">@@config@@</p></body></html>'
    assert "@@config@@" in inline_css(html, "p { color: red; }", "premailer")


@pytest.mark.parametrize("inliner", INLINERS)
def test_liquid_styles_inside_a_conditional_comment_keep_the_comment_whole(inliner):
    html = ("<html><head><!--[if mso]><style>td { color: {{ c }}; }</style><![endif]-->"
            "</head><body><p>a</p></body></html>")
    out = inline_css(html, "p { color: red; }", inliner)
    assert "<!--[if mso]><style>td { color: {{ c }}; }</style><![endif]-->" in out


@pytest.mark.parametrize("inliner", INLINERS)
@pytest.mark.parametrize("html", [
    "<p>{% raw %}{{ not_liquid }}{% endraw %}</p>",
    "<!-- {{ x }} {% if y %} --><p>a</p>",
    "<TABLE><TR><TD>x</TD></TR>{% if a %}<TR><TD>{{ y }}</TD></TR>{% endif %}</TABLE>",
    "<a href={{ url }} class=button>x</a><img src={{pic}} alt=x>",
    "<script>var u = \"{{ url }}\"; if (a < b) {}</script>",
])
def test_unusual_html_keeps_its_liquid(inliner, html):
    out = inline_css(f"<html><head></head><body>{html}</body></html>", "p { color: red; }",
                     inliner)
    assert _outside_start_tags(out) == _outside_start_tags(html)
    assert sorted(LIQUID.findall(out)) == sorted(LIQUID.findall(html))


def test_start_tag_error_counts_lines_of_the_source_not_of_the_protected_html():
    html = ("<html><head><style>\n.a { color: {{ c }}; }\n\n</style></head>\n"
            "<body><table><tr>\n<td {% if x %}class=\"a\"{% endif %}>x</td></tr></table></body>")
    with pytest.raises(InlineError) as caught:
        inline_css(html, "td { color: red; }", "premailer", "emails/x.html")
    assert caught.value.location.line == 6


# -- the classification of where Liquid sits, shared by emails differing only in words ----

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from auth0_branding.build import inline as inline_module  # noqa: E402


def _both_ways(html: str) -> tuple[object, object]:
    """Classify `html` as the build does (shared) and on its own masked text."""
    prefix = "LQ1A2B3C4D"
    constructs = list(inline_module._PROTECTED.finditer(html))
    tokens = [f"{prefix}{index:05d}Q" for index in range(len(constructs))]
    masked = inline_module._masked(html, constructs, tokens)
    return (inline_module._where_liquid_sits(html, masked, prefix, len(constructs)),
            inline_module._classify(masked, prefix))


def test_a_fleets_copies_of_one_email_share_one_classification() -> None:
    inline_module._classified.cache_clear()
    for name in ("Customer 0001 Outfitters", "Ünïcode Customer Co", "X"):
        html = (f'<html><head><title>{name}</title></head><body style="color:#a1b2c3">'
                f'<!--[if mso]><p>{name}</p><![endif]--><p>Hi {{{{ user.name }}}}, {name}</p>'
                f'<a href="{{{{ url }}}}">{name}</a>{{% if a %}}<b>x</b>{{% endif %}}</body></html>')
        shared, alone = _both_ways(html)
        assert shared == alone
        protect_liquid(html)
    assert inline_module._classified.cache_info().currsize == 1


@pytest.mark.parametrize("html", [
    "<title></ title>{{ a }}", "<script></ script>{{ a }}", "< p>{{ a }}</p>",
    "<![if !mso]>{{ a }}<![endif]>", "<!-- {{ a }} --> {{ b }}", "<td {{ a }}>", "<td{{ a }}>",
    "<{{ a }}>", "<style>p{color:{{ c }}}</style><p>{{ d }}</p>", "<a href={{ u }}>x</a>",
    "&amp;{{ a }} &#169;{{ b }}", "<textarea>{{ a }}</textarea>{{ b }}",
    "<td a b=1 {{ x }}>", "<v:fill src=\"{{ s }}\"></v:fill>{{ t }}", "<p>é {{ a }} ü</p>",
    "<p>LQ00000000 word {{ a }}</p>", "<v:fill x-y{{ a }}>", "<a.b c{{ x }}>",
    "<td\xa0x y{{ a }}>", "<td\vx y{{ a }}>",
])
def test_edge_cases_classify_as_on_their_own(html: str) -> None:
    shared, alone = _both_ways(html)
    assert shared == alone


HTML_PIECES = st.sampled_from([
    "<", ">", "</", "<!--", "-->", "<![if mso]>", "<![endif]>", "<!DOCTYPE html>", "<title>",
    "</title>", "<style>", "</style>", "<script>", "</script>", "<textarea>", "</textarea>",
    "<td", "<p", "</p>", "<v:fill", " ", "\n", '"', "'", "=", "{{ a }}", "{% if b %}",
    "{% endif %}", "word", "Word2", "&amp;", "&#123;", "&", "#", "/", ":", "x-y", "title",
    "style", "script", "Q", "LQ", "00001", "<br/>", "[", "]", "!", "é", "_", "\xa0",
    "<a", "<b ", "x y", "\t", "\v", "\x1c", "\u2003", "<td title=", "<p class='", ",", ".",
    "(", ")", ";", "<a.b",
])


@settings(max_examples=3000, deadline=None, database=None)
@given(st.lists(HTML_PIECES, max_size=30).map("".join))
def test_the_shared_classification_equals_the_emails_own(html: str) -> None:
    shared, alone = _both_ways(html)
    assert shared == alone


def _restored_one_token_at_a_time(html: str, protected) -> str:
    """The plain reading of restoring: each token's one form counted, then replaced."""
    for token, original in protected.originals.items():
        form = f"<!--{token}-->" if token in protected.commented else token
        count = html.count(form)
        if count != 1:
            raise InlineError(f"{'dropped' if count == 0 else 'duplicated'} {original!r}")
        html = html.replace(form, original)
    return html


@settings(max_examples=500, deadline=None, database=None)
@given(st.data())
def test_restoring_in_one_pass_agrees_with_one_token_at_a_time(data: st.DataObject) -> None:
    protected = protect_liquid('<p>{{ a }}</p><!--[if mso]>{{ b }}<![endif]--><a href="{{ c }}">'
                               '{% if d %}x{% endif %}</a><p>{{ e }}</p>')
    pieces = [protected.html]
    forms = [*protected.originals, *(f"<!--{t}-->" for t in protected.originals), "<p>"]
    for _ in range(data.draw(st.integers(0, 3))):  # what an inliner might do to the tokens
        html = pieces[-1]
        form = data.draw(st.sampled_from(forms))
        action = data.draw(st.sampled_from(["drop", "double", "unwrap", "wrap"]))
        if action == "drop":
            html = html.replace(form, "", 1)
        elif action == "double":
            html = html.replace(form, form + form, 1)
        elif action == "unwrap":
            html = html.replace(f"<!--{form}-->", form, 1)
        else:
            html = html.replace(form, f"<!--{form}-->", 1)
        pieces.append(html)
    html = pieces[-1]
    try:
        expected: object = _restored_one_token_at_a_time(html, protected)
    except InlineError as error:
        expected = error.message.split()[0]
    try:
        found: object = restore_liquid(html, protected)
    except InlineError as error:
        found = error.message.split()[3]
    assert found == expected
