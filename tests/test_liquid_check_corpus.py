"""`check` accepts what LiquidJS parses and rejects, at the same line, what it rejects.

Each template is checked as a welcome email (the email family has no required variable);
only the Liquid checks' findings count here. LiquidJS confirms each side of the corpus.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from liquid_corpus import CASES

from auth0_branding.build.artifacts import Artifact
from auth0_branding.checks.validate import check_artifact
from auth0_branding.errors import Location, TemplateError
from auth0_branding.render.liquidjs import LiquidJSProcess

SOURCE = "brand/templates/emails/welcome_email.html"
LIQUID_CODES = ("liquid-syntax", "liquid-file", "liquid-filter")

# Templates LiquidJS rejects, and the line both it and `check` name.
REJECTED = [
    ("<p>\n{% if user %}\nhello", 2),
    ("a\n{% for x in people %}", 2),
    ("{% unless x %}", 1),
    ("{% case x %}{% when 1 %}", 1),
    ("{% capture c %}", 1),
    ("{% comment %}never closed", 1),
    ("{% raw %}never closed", 1),
    ("x\n{% raw %}{{ a }}{%- endraw %}", 2),
    ("{%- raw -%}\n{{ a }}\n{%- endraw -%}", 1),
    ("a\nb\n{% endif %}", 3),
    ("{% endfor %}", 1),
    ("{% else %}", 1),
    ("{% elsif a %}", 1),
    ("{% when 1 %}", 1),
    ("{% endraw %}", 1),
    ("{% endcomment %}", 1),
    ("{% macro greet %}{% endmacro %}", 1),
    ("<p>\n{% if a %}x{% elseif b %}y{% endif %}", 2),
    ("x\n{% auth0:footer %}", 2),
    ("{% auth0 :head %}", 1),
    ("{% ifchanged %}x{% endifchanged %}", 1),
    ("{% doc %}x{% enddoc %}", 1),
    ("one\n{{ user.name", 2),
    ("{{ 'unterminated }}", 1),
    ("{% for %}{% endfor %}", 1),
    ("{% for x %}{% endfor %}", 1),
    ("{% assign %}", 1),
    ("{% assign x.y = 1 %}", 1),
    ("{% cycle %}", 1),
    ("{% tablerow x in y %}", 1),
    ("{% liquid\n  iff x\n%}", 2),
    # python-liquid's lax `if` would ignore these; LiquidJS names the `if`.
    ("<p>\n{% if a %}x\n{% else %}y\n{% else %}z{% endif %}", 2),
    ("a\n{% if a %}x\n{% else %}y\n{% elsif b %}z{% endif %}", 2),
    ("\n\n{% if a %}x{% else b %}y{% endif %}", 3),
]

# Malformed expressions LiquidJS renders anyway (as nothing, or oddly), which `check`
# rejects on purpose: each is a typo on a page no one means to ship.
STRICTER = [
    "{{ x | }}", "{% if x == %}{% endif %}", "{% if a and %}{% endif %}", "{{ -x }}",
    "{{ x.-1 }}", "{{ 1.2.3 }}", "{{ nil.x }}", "{% for x in y foo:1 %}{% endfor %}",
    "{% case x %}{% when %}{% endcase %}", "{% increment %}",
]

# Templates LiquidJS accepts that once failed `check`, besides the whole rendering corpus.
ACCEPTED = [
    "{% # an inline comment %}", "{%- # trimmed -%}", "{{ application.metadata.offset }}",
    "{{ a.limit.reversed }}{{ a.and }}{{ a.contains }}{{ a.empty }}{{ a.first }}",
    "{% if application.metadata.offset == '3' %}x{% endif %}", "{{ x | squish }}",
    "{{ x | sha256 }}", "{{ x | hmac_sha256: 'k' }}", "{{ x | where_exp: 'a', 'a.b' | size }}",
    "{{ x | find_exp: 'a', 'a' }}{{ x | group_by_exp: 'a', 'a' }}{{ x | has_exp: 'a', 'a' }}",
    "{{ x | xml_escape }}{{ x | cgi_escape }}{{ x | uri_escape }}{{ x | slugify }}",
    "{% raw %}{{ x }}{% endraw -%}", "{% block a %}b{% endblock %}",
    "{%- auth0:head -%}{%- auth0:widget -%}", "{% debug %}",
] + [template for template, _ in CASES if "{%- endraw" not in template]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _liquid_problems(template: str) -> list[tuple[str, Location | None]]:
    """Check `template` as the source of an email; return its Liquid errors."""
    source = Path(SOURCE)
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(template, encoding="utf-8")
    artifact = Artifact("dev", "email", "welcome_email", "dev/emails/welcome_email.html",
                        "email:welcome_email", template, sources=(SOURCE,))
    return [(p.code, p.location) for p in check_artifact(artifact)
            if p.code in LIQUID_CODES and p.severity == "error"]


def _liquidjs_line(liquidjs: LiquidJSProcess, template: str) -> int | None:
    try:
        liquidjs.render(template, {})
    except TemplateError as error:
        return error.location.line if error.location else None
    return None


@pytest.mark.parametrize(("template", "line"), REJECTED, ids=[t for t, _ in REJECTED])
def test_what_liquidjs_rejects_fails_check_at_its_line(template: str, line: int,
                                                       liquidjs: LiquidJSProcess) -> None:
    assert _liquidjs_line(liquidjs, template) == line
    assert _liquid_problems(template) == [("liquid-syntax", Location(SOURCE, line))]


@pytest.mark.parametrize("template", ACCEPTED, ids=ACCEPTED)
def test_what_liquidjs_accepts_passes_check(template: str, liquidjs: LiquidJSProcess) -> None:
    assert _liquidjs_line(liquidjs, template) is None
    assert _liquid_problems(template) == []


@pytest.mark.parametrize("template", STRICTER, ids=STRICTER)
def test_check_is_stricter_than_liquidjs_only_on_malformed_expressions(
    template: str, liquidjs: LiquidJSProcess
) -> None:
    assert _liquidjs_line(liquidjs, template) is None
    assert [code for code, _ in _liquid_problems(template)] == ["liquid-syntax"]


@pytest.mark.parametrize("tag", ["include", "render", "layout"])
def test_file_tags_parse_but_fail_check_and_rendering_alike(tag: str,
                                                            liquidjs: LiquidJSProcess) -> None:
    template = f"<p>\n{{% {tag} 'footer' %}}"
    assert _liquidjs_line(liquidjs, template) == 2  # parsed, then the file is missing
    assert _liquid_problems(template) == [("liquid-file", Location(SOURCE, 2))]
