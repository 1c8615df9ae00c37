"""The Auth0 contract checks, proven on a corpus of broken brands (tests/fixtures/broken/).

Each case is the minimal brand with a few files laid over it. The table holds every problem
`check --format json` must report for it, with the exact message, source path and line; a
case reports nothing else. A line of None means the problem concerns the file as a whole
(a missing construct, a size).
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from pathlib import Path

import pytest
from brand_overlay import BROKEN, VALID, make_brand, run_cli
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from auth0_branding.checks.html import blank_liquid, scan_html

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent

# (case, severity, code, exact message, path, line)
CHECK_CASES: list[tuple[str, str, str, str, str, int | None]] = [
    ('email-unclosed-link-in-cell', 'error', 'html-nesting',
     '<a> is never closed (still open at </td>); add </a>',
     'brand/templates/emails/verify_email.html', 4),
    ('auth-email-by-code-missing-code', 'warning', 'missing-placeholder',
     'auth_email_by_code never uses {{ code }}, so it carries no code; add {{ code }} where the '
     "code should appear (UNVERIFIED in Auth0's documentation, so a warning)",
     'brand/templates/emails/auth_email_by_code.html', None),
    ('branding-bad-colour', 'error', 'branding-invalid',
     'branding.colors.page_background is \'#fffff\', not a hex colour; write e.g. "#0055aa"',
     'brand/brand.toml', 22),
    ('branding-http-url', 'error', 'insecure-url',
     "branding.logo_url is 'http://cdn.minimal.example/logo.png'; Auth0 needs an https:// URL",
     'brand/brand.toml', 17),
    ('classic-login-missing-config', 'error', 'missing-placeholder',
     "the classic login page never reads '@@config@@'; initialise Lock from "
     "JSON.parse(decodeURIComponent(escape(window.atob('@@config@@'))))",
     'brand/templates/pages/classic_login.html', None),
    ('cp-missing-constructor', 'error', 'change-password-widget',
     'the change password page never calls new Auth0ChangePassword({...}); add it after the '
     'widget script',
     'brand/templates/pages/password_reset.html', None),
    ('cp-missing-container', 'error', 'change-password-widget',
     'the change password page has no <div id="change-password-widget-container">; add it where '
     'the widget should appear',
     'brand/templates/pages/password_reset.html', None),
    ('cp-missing-script', 'error', 'change-password-widget',
     'the change password page does not load https://cdn.auth0.com/js/change-password-1.5.min.js;'
     ' add <script src="https://cdn.auth0.com/js/change-password-1.5.min.js"></script>',
     'brand/templates/pages/password_reset.html', None),
    ('cp-missing-ticket', 'error', 'missing-placeholder',
     'Auth0ChangePassword is not given {{ ticket }}; pass ticket: "{{ ticket }}"',
     'brand/templates/pages/password_reset.html', 6),
    ('cp-quoted-complexity', 'error', 'change-password-widget',
     'password_complexity_options is quoted, so the widget gets a string; write '
     'password_complexity_options: {{ password_complexity_options }}',
     'brand/templates/pages/password_reset.html', 12),
    ('email-code-in-verify-email', 'warning', 'unknown-variable',
     "Auth0 does not provide 'code' in verify_email (did you mean 'url'?)",
     'brand/templates/emails/verify_email.html', 4),
    ('email-empty-subject', 'error', 'email-subject',
     'verify_email has an empty subject; set subject under [emails.verify_email]',
     'brand/brand.toml', 11),
    ('email-from-auth0', 'error', 'email-from',
     "from 'Minimal <no-reply@auth0.com>' contains @auth0.com, so Auth0 would ignore this "
     'template; send from your own domain',
     'brand/brand.toml', 12),
    ('email-gmail-clipping', 'warning', 'gmail-clipping',
     'dev/emails/verify_email.html is 108 KB; Gmail clips emails over 102 KB (shorten it)',
     'brand/templates/emails/verify_email.html', None),
    ('email-gmail-clipping', 'warning', 'gmail-clipping',
     'prod/emails/verify_email.html is 108 KB; Gmail clips emails over 102 KB (shorten it)',
     'brand/templates/emails/verify_email.html', None),
    ('email-long-line', 'warning', 'long-line',
     'dev/emails/verify_email.html line 11 has 1,218 characters; mail servers may break lines '
     'over 998 (add line breaks)',
     'brand/templates/emails/verify_email.html', 4),
    ('email-long-line', 'warning', 'long-line',
     'prod/emails/verify_email.html line 11 has 1,218 characters; mail servers may break lines '
     'over 998 (add line breaks)',
     'brand/templates/emails/verify_email.html', 4),
    ('email-missing-code', 'error', 'missing-placeholder',
     'verify_email_by_code never uses {{ code }}, so it carries no code; add {{ code }} where the'
     ' code should appear',
     'brand/templates/emails/verify_email_by_code.html', None),
    ('email-missing-url', 'error', 'missing-placeholder',
     'verify_email never uses {{ url }}, so it has no working link; add <a href="{{ url }}">...</a>',
     'brand/templates/emails/verify_email.html', None),
    ('email-negative-lifetime', 'error', 'url-lifetime',
     "url_lifetime_in_seconds of verify_email is -60; use 0 or more seconds (Auth0's default is "
     '432000)',
     'brand/brand.toml', 12),
    ('email-relative-url', 'error', 'relative-url',
     'relative URL href="/help" in an email leads nowhere; use an absolute https:// URL',
     'brand/templates/emails/verify_email.html', 4),
    ('email-result-url-http', 'error', 'insecure-url',
     "result_url of verify_email must be an https:// URL, not 'http://minimal.example/done'",
     'brand/brand.toml', 12),
    ('email-result-url-variable', 'error', 'result-url-variable',
     "result_url of verify_email uses 'user.email', which Auth0 does not fill in there (Auth0 "
     'allows only application.callback_domain, application.clientID, application.name)',
     'brand/brand.toml', 12),
    ('email-subject-unknown-variable', 'warning', 'unknown-variable',
     "Auth0 does not provide 'usr' in the subject of verify_email (did you mean 'user'?)",
     'brand/brand.toml', 11),
    ('email-unescaped-user-family_name', 'warning', 'unescaped',
     'untrusted user.family_name printed without | escape: {{ user.family_name }} (add | escape '
     'as the last filter)',
     'brand/templates/emails/verify_email.html', 3),
    ('email-unescaped-user-given_name', 'warning', 'unescaped',
     'untrusted user.given_name printed without | escape: {{ user.given_name }} (add | escape as '
     'the last filter)',
     'brand/templates/emails/verify_email.html', 3),
    ('email-unescaped-user-name', 'warning', 'unescaped',
     'untrusted user.name printed without | escape: {{ user.name }} (add | escape as the last '
     'filter)',
     'brand/templates/emails/verify_email.html', 3),
    ('email-unescaped-user-nickname', 'warning', 'unescaped',
     'untrusted user.nickname printed without | escape: {{ user.nickname }} (add | escape as the '
     'last filter)',
     'brand/templates/emails/verify_email.html', 3),
    ('email-url-instead-of-link', 'error', 'missing-placeholder',
     'enrollment_email never uses {{ link }}, so it has no working link; add <a href="{{ link '
     '}}">...</a>',
     'brand/templates/emails/enrollment_email.html', None),
    ('email-url-instead-of-link', 'warning', 'unknown-variable',
     "Auth0 does not provide 'url' in enrollment_email (did you mean 'link'?)",
     'brand/templates/emails/enrollment_email.html', 3),
    ('error-page-unescaped-description', 'warning', 'unescaped',
     'untrusted error_description printed without | escape: {{ error_description }} (add | escape'
     ' as the last filter)',
     'brand/templates/pages/error_page.html', 4),
    ('html-duplicate-id', 'error', 'duplicate-id',
     'id "message" is used more than once; make each id unique',
     'brand/templates/pages/error_page.html', 4),
    ('html-http-image', 'error', 'insecure-url',
     'insecure URL src="http://cdn.minimal.example/logo.png"; use https://',
     'brand/templates/pages/error_page.html', 3),
    ('html-http-link', 'error', 'insecure-url',
     'insecure URL href="http://help.minimal.example/verify"; use https://',
     'brand/templates/emails/verify_email.html', 4),
    ('html-img-without-alt', 'error', 'img-alt',
     '<img src="https://cdn.minimal.example/logo.png"> has no alt attribute; add alt="..." '
     '(alt="" if it is decoration)',
     'brand/templates/emails/verify_email.html', 3),
    ('html-javascript-link', 'error', 'javascript-url',
     'javascript: URL href="javascript:history.back()" is unsafe; link to a real URL instead',
     'brand/templates/pages/error_page.html', 5),
    ('html-misnested', 'error', 'html-nesting',
     'misnested tags: </p> closes <p> while <strong> inside it is still open; write </strong></p>',
     'brand/templates/pages/error_page.html', 4),
    ('html-stray-end-tag', 'error', 'html-nesting',
     '</div> has no matching <div>; remove it or add the missing <div>',
     'brand/templates/pages/error_page.html', 4),
    ('html-unclosed-element', 'error', 'html-nesting',
     '<div> is never closed (still open at </body>); add </div>',
     'brand/templates/pages/error_page.html', 4),
    ('leftover-keyword', 'error', 'build-leftover',
     "unreplaced keyword '@@support_email@@' in the output (Auth0 replaces only @@config@@, on "
     'the classic login page; write the value with [[ ]])',
     'brand/templates/pages/error_page.html', 5),
    ('leftover-raw-block', 'error', 'build-leftover',
     "build-time syntax left in the output: '[% if error %]' (a [% raw %] block or a broken "
     'delimiter kept it from rendering)',
     'brand/templates/pages/error_page.html', 4),
    ('leftover-raw-variable', 'error', 'build-leftover',
     "build-time syntax left in the output: '[[ vars.company_name ]]' (a [% raw %] block or a "
     'broken delimiter kept it from rendering)',
     'brand/templates/emails/verify_email.html', 3),
    ('liquid-syntax-error', 'error', 'liquid-syntax',
     'expected tag endif, found end of expression (a block is not closed: add {% endif %})',
     'brand/templates/emails/verify_email.html', 3),
    ('liquid-tag-include', 'error', 'liquid-file',
     "tag 'include' loads a template file, and Auth0 stores none: it fails when Auth0 renders "
     'this (inline the shared markup at build time)',
     'brand/templates/emails/verify_email.html', 3),
    ('liquid-tag-layout', 'error', 'liquid-file',
     "tag 'layout' loads a template file, and Auth0 stores none: it fails when Auth0 renders "
     'this (inline the shared markup at build time)',
     'brand/templates/pages/error_page.html', 3),
    ('liquid-tag-macro', 'error', 'liquid-syntax',
     "unknown tag 'macro' (Auth0's Liquid knows: #, assign, auth0:head, auth0:widget, block, "
     'break, capture, case, comment, continue, cycle, debug, decrement, echo, else, elsif, for, '
     'if, include, increment, layout, liquid, raw, render, tablerow, unless, when)',
     'brand/templates/emails/verify_email.html', 3),
    ('liquid-tag-render', 'error', 'liquid-file',
     "tag 'render' loads a template file, and Auth0 stores none: it fails when Auth0 renders "
     'this (inline the shared markup at build time)',
     'brand/templates/emails/verify_email.html', 3),
    ('liquid-unknown-filter', 'error', 'liquid-filter',
     "filter 'titlecase' is not available in Auth0's Liquid (remove it: Auth0 would print the "
     'value unfiltered)',
     'brand/templates/emails/verify_email.html', 3),
    ('liquid-unverified-filter', 'warning', 'liquid-unverified',
     "filter 'xml_escape' is standard LiquidJS but not documented by Auth0 (test it on a tenant, "
     'or use a documented filter)',
     'brand/templates/emails/verify_email.html', 3),
    ('liquid-unverified-tag', 'warning', 'liquid-unverified',
     "tag 'capture' is standard LiquidJS but not documented by Auth0 (test it on a tenant, or use"
     ' a documented tag)',
     'brand/templates/emails/verify_email.html', 3),
    ('login-unescaped-transaction-params', 'warning', 'unescaped',
     'untrusted transaction.params.ext-campaign printed without | escape: {{ '
     'transaction.params.ext-campaign }} (add | escape as the last filter)',
     'brand/templates/pages/login.html', 6),
    ('page-missing-lang', 'error', 'missing-lang',
     '<html> has no lang attribute; add one, e.g. <html lang="en">',
     'brand/templates/layouts/page.html', 2),
    ('page-missing-title', 'error', 'missing-title',
     'the page has no <title>; add one inside <head>',
     'brand/templates/layouts/page.html', 3),
    ('payload-too-large', 'error', 'size-limit',
     'dev/pages/error_page.html is 1,199,284 bytes; Auth0 accepts at most 1,000,000 (make the '
     'template smaller)',
     'brand/templates/pages/error_page.html', None),
    ('payload-too-large', 'error', 'size-limit',
     'prod/pages/error_page.html is 1,199,283 bytes; Auth0 accepts at most 1,000,000 (make the '
     'template smaller)',
     'brand/templates/pages/error_page.html', None),
    ('theme-bad-choice', 'error', 'theme-invalid',
     "theme.borders.buttons_style is 'round'; Auth0 accepts one of pill, rounded, sharp",
     'brand/brand.toml', 30),
    ('theme-bad-colour', 'error', 'theme-invalid',
     'theme.colors.error is \'reddish\'; Auth0 accepts a hex colour such as "#0055aa"',
     'brand/brand.toml', 40),
    ('theme-font-size-out-of-range', 'error', 'theme-invalid',
     'theme.fonts.title.size is 50; Auth0 accepts a number from 75 to 150',
     'brand/brand.toml', 63),
    ('theme-http-url', 'error', 'insecure-url',
     "theme.fonts.font_url is 'http://cdn.minimal.example/font.css'; Auth0 needs an https:// URL "
     'or ""',
     'brand/brand.toml', 57),
    ('theme-missing-field', 'error', 'theme-invalid',
     'theme.colors.success is missing; Auth0 requires it',
     'brand/brand.toml', 38),
    ('theme-out-of-range', 'error', 'theme-invalid',
     'theme.widget.logo_height is 120; Auth0 accepts a number from 1 to 100',
     'brand/brand.toml', 92),
    ('theme-unknown-field', 'error', 'theme-invalid',
     'theme.widget.logo_size is not an Auth0 theme field (remove it)',
     'brand/brand.toml', 93),
    ('ul-extra-widget-in-head', 'error', 'auth0-widget',
     '{%- auth0:widget -%} must be inside <body>; move it there',
     'brand/templates/pages/login.html', 4),
    ('ul-head-in-body', 'error', 'auth0-head',
     '{%- auth0:head -%} must be inside <head>; move it there',
     'brand/templates/pages/login.html', 3),
    ('ul-head-not-hyphenated', 'error', 'auth0-tag-form',
     "write {%- auth0:head -%} exactly: Auth0 rejects '{% auth0:head %}'",
     'brand/templates/pages/login.html', 3),
    ('ul-no-head', 'error', 'auth0-head',
     'the Universal Login template has no {%- auth0:head -%}; add exactly one inside <head>',
     'brand/templates/pages/login.html', None),
    ('ul-no-widget', 'error', 'auth0-widget',
     'the Universal Login template has no {%- auth0:widget -%}; add one inside <body>',
     'brand/templates/pages/login.html', None),
    ('ul-too-large', 'error', 'size-limit',
     'dev/pages/login.html is 120,181 bytes; Auth0 accepts at most 102,400 in the Universal'
     ' Login template (make it smaller)',
     'brand/templates/pages/login.html', None),
    ('ul-too-large', 'error', 'size-limit',
     'prod/pages/login.html is 120,180 bytes; Auth0 accepts at most 102,400 in the '
     'Universal Login template (make it smaller)',
     'brand/templates/pages/login.html', None),
    ('ul-head-in-comment', 'error', 'auth0-head',
     '{%- auth0:head -%} is inside an HTML comment, where it renders nothing a browser reads; '
     'move it out of the comment',
     'brand/templates/pages/login.html', 4),
    ('ul-two-heads', 'error', 'auth0-head',
     'the Universal Login template has 2 {%- auth0:head -%} tags; Auth0 accepts exactly one: '
     'remove this one',
     'brand/templates/pages/login.html', 4),
    ('ul-widget-in-head', 'error', 'auth0-widget',
     '{%- auth0:widget -%} must be inside <body>; move it there',
     'brand/templates/pages/login.html', 4),
    ('user-invitation-missing-url', 'warning', 'missing-placeholder',
     'user_invitation never uses {{ url }}, so it has no working link; add <a href="{{ url '
     '}}">...</a> (UNVERIFIED in Auth0\'s documentation, so a warning)',
     'brand/templates/emails/user_invitation.html', None),

]

EXPECTED: dict[str, list[tuple]] = defaultdict(list)
for _case, *_problem in CHECK_CASES:
    EXPECTED[_case].append(tuple(_problem))

# Build errors (a brand that cannot be built) live in test_build_errors.py.
BUILD_ERROR_CASES = {
    "email-liquid-in-start-tag", "email-template-missing", "email-unknown-template-name",
    "jinja-syntax-error", "jinja-undefined-variable", "jinja-unknown-token", "layout-missing",
    "sass-error", "sass-missing-brace", "tenant-missing-key", "tenant-unknown-key",
    "tenant-wrong-type",
    "theme-missing-group", "tokens-alias-cycle", "tokens-malformed-json", "tokens-unknown-alias",
}


def _check(case_dir: Path | None, root: Path, *options: str):
    make_brand(case_dir, root)
    return run_cli("check", "--brand", "brand", "--format", "json", *options)


def test_the_corpus_is_complete() -> None:
    cases = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert len(cases) >= 45
    assert cases == set(EXPECTED) | BUILD_ERROR_CASES


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_check_reports_exactly_the_fault(case: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = _check(BROKEN / case, tmp_path)

    assert outcome.exception is None
    assert sorted(outcome.problems(), key=str) == sorted(EXPECTED[case], key=str)
    failed = any(severity == "error" for severity, *_ in EXPECTED[case])
    assert outcome.exit_code == (1 if failed else 0)


@pytest.mark.parametrize("case", sorted(p.name for p in VALID.iterdir() if p.is_dir()))
def test_valid_variants_pass_strict(case: str, tmp_path: Path, monkeypatch) -> None:
    """{{url}}, {{- link -}}, @@config@@, escaped values, a full theme: all accepted."""
    monkeypatch.chdir(tmp_path)
    outcome = _check(VALID / case, tmp_path, "--strict")

    assert (outcome.exit_code, outcome.problems()) == (0, [])


def test_minimal_brand_passes_strict(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = _check(None, tmp_path, "--strict")

    assert (outcome.exit_code, outcome.problems()) == (0, [])


def test_reference_brand_passes_strict_with_zero_problems(monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    outcome = run_cli("check", "--brand", "brand", "--strict", "--format", "json")

    assert (outcome.exit_code, outcome.problems()) == (0, [])


def test_strict_makes_warnings_fatal(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_brand(BROKEN / "email-unescaped-user-name", tmp_path)

    lenient = run_cli("check", "--brand", "brand")
    strict = run_cli("check", "--brand", "brand", "--strict")

    assert (lenient.exit_code, strict.exit_code) == (0, 1)
    assert lenient.stderr + "ERROR 1 warning(s) and --strict: failing\n" == strict.stderr == (
        "WARNING brand/templates/emails/verify_email.html:3: unescaped untrusted user.name "
        "printed without | escape: {{ user.name }} (add | escape as the last filter)\n"
        "Checked brand: 0 error(s), 1 warning(s)\n"
        "ERROR 1 warning(s) and --strict: failing\n"
    )
    built = run_cli("build", "--brand", "brand", "--out", "dist", "--strict")
    assert (built.exit_code, built.stderr.splitlines()[-1]) == (1, (
        "ERROR build failed with 0 error(s), 1 warning(s) and --strict; dist left unchanged"))


def test_text_format_prints_one_line_per_problem(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_brand(BROKEN / "html-duplicate-id", tmp_path)

    outcome = run_cli("check", "--brand", "brand")

    assert outcome.exit_code == 1
    assert outcome.stderr.splitlines() == [
        "ERROR brand/templates/pages/error_page.html:4: duplicate-id id \"message\" is used "
        "more than once; make each id unique",
        "Checked brand: 1 error(s), 0 warning(s)",
    ]


def test_github_format_prints_annotations(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_brand(BROKEN / "email-url-instead-of-link", tmp_path)

    outcome = run_cli("check", "--brand", "brand", "--format", "github")

    assert outcome.exit_code == 1
    assert outcome.stdout.splitlines() == [
        "::error file=brand/templates/emails/enrollment_email.html::missing-placeholder "
        "enrollment_email never uses {{ link }}, so it has no working link; add "
        "<a href=\"{{ link }}\">...</a>",
        "::warning file=brand/templates/emails/enrollment_email.html,line=3::unknown-variable "
        "Auth0 does not provide 'url' in enrollment_email (did you mean 'link'?)",
    ]


def test_github_annotations_escape_line_breaks_and_percent_signs(capsys) -> None:
    from auth0_branding.cli.brand_commands import _report_problems
    from auth0_branding.errors import Location, Problem

    problem = Problem("error", "liquid-syntax", "50% broken\nnext line",
                      Location("brand/a,b:c.html", 3))
    _report_problems([problem], "github")

    assert capsys.readouterr().out == (
        "::error file=brand/a%2Cb%3Ac.html,line=3::liquid-syntax 50%25 broken%0Anext line\n")


def test_check_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_brand(BROKEN / "html-duplicate-id", tmp_path)

    run_cli("check", "--brand", "brand")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["brand"]


def test_lines_follow_edits_between_checks_in_one_process(tmp_path: Path, monkeypatch) -> None:
    """`serve` checks again after every edit: a cached source must not give a stale line."""
    monkeypatch.chdir(tmp_path)
    brand = make_brand(BROKEN / "html-duplicate-id", tmp_path)
    page = brand / "templates/pages/error_page.html"

    first = run_cli("check", "--brand", "brand", "--format", "json").problems()
    page.write_text(page.read_text().replace("[% block body %]\n", "[% block body %]\n\n\n"))
    os.utime(page, ns=(1, 1))  # a different mtime even on coarse-grained file systems
    second = run_cli("check", "--brand", "brand", "--format", "json").problems()

    assert [line for *_, line in first] == [4]
    assert [line for *_, line in second] == [6]


# -- the nesting scan, on strings ---------------------------------------------------


def _faults(html: str) -> list[tuple[str, int]]:
    return [(fault.message, fault.line) for fault in scan_html(html).faults]


def test_optional_end_tags_are_not_faults() -> None:
    html = ("<!DOCTYPE html><html lang=en><head><title>t</title><body>\n<p>a\n<p>b<ul><li>x"
            "<li>y</ul>\n<table><tr><td>a<td>b<tr><td>c</table><br><img src=x alt=''>"
            "<svg><path d='M0'/></svg>")

    assert _faults(html) == []


def test_liquid_between_tags_is_ignored_but_branches_count_as_written() -> None:
    assert _faults("<div>{% if a > b %}<p>x</p>{% endif %}</div>") == []
    assert _faults("<div>\n{% if x %}<span>{% endif %}\n</div>") == [
        ("<span> is never closed (still open at </div>); add </span>", 2)]


def test_nesting_faults_are_reported_once_at_their_line() -> None:
    assert _faults("<p><em>a</p></em>") == [
        ("misnested tags: </p> closes <p> while <em> inside it is still open; write </em></p>",
         1)]
    assert _faults("<div>\n<section>\n</div>") == [
        ("<section> is never closed (still open at </div>); add </section>", 2)]
    assert _faults("<div>a</div>\n</span>") == [
        ("</span> has no matching <span>; remove it or add the missing <span>", 2)]
    assert _faults("<main>\n<div>") == [
        ("<main> is never closed; add </main>", 1), ("<div> is never closed; add </div>", 2)]


def test_open_elements_are_known_at_every_offset() -> None:
    html = "<html><head>{%- auth0:head -%}</head><body>{%- auth0:widget -%}</body></html>"
    scan = scan_html(html)

    assert scan.open_at(html.index("{%- auth0:head")) == ("html", "head")
    assert scan.open_at(html.index("{%- auth0:widget")) == ("html", "body")


def _bs4_elements(html: str) -> list[tuple[str, dict[str, str], int]]:
    soup = BeautifulSoup(html, "html.parser", multi_valued_attributes=None)
    return [(tag.name, dict(tag.attrs), tag.sourceline) for tag in soup.find_all(True)]


def _scanned_elements(html: str) -> list[tuple[str, dict[str, str], int]]:
    return [(element.name, dict(element.attributes), element.line)
            for element in scan_html(html).elements]


_MARKUP_PIECES = st.sampled_from([
    "<p>", "</p>", "<div id='a'>", "</div>", "<img src=http://x>", "<img alt src='y'/>",
    "<a href=\"/rel\">", "</a>", "<title>", "</title>", "<html lang=en>", "<br/>",
    "<!-- c -->", "<script>x<b></script>", "&amp;", "&nbsp;", "text", "\n", " ", "<",
    ">", "'", '"', "<table><tr><td>", "</table>", "<svg><path d='M0'/></svg>",
])


@given(st.lists(_MARKUP_PIECES, max_size=30).map("".join))
@settings(max_examples=300, deadline=None)
def test_the_one_pass_reads_the_elements_beautifulsoup_reads(html: str) -> None:
    # Without Liquid the checks' single pass sees what BeautifulSoup sees: every element,
    # its attributes as read (entities too) and its line; and, where the nesting is sound
    # (elsewhere BeautifulSoup's tree is not a browser's), whether its title shows text.
    assert _scanned_elements(html) == _bs4_elements(html)
    scan = scan_html(html)
    title = BeautifulSoup(html, "html.parser").find("title")
    assert (scan.title_text is None) == (title is None)
    if not scan.faults:
        assert bool((scan.title_text or "").strip()) == bool(title and title.get_text(strip=True))


def test_the_one_pass_reads_the_reference_brands_outputs_as_beautifulsoup(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli("build", "--brand", str(REPO / "brand"), "--out", "dist").exit_code == 0
    pages = sorted((tmp_path / "dist").rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = blank_liquid(page.read_text(encoding="utf-8"))
        assert _scanned_elements(html) == _bs4_elements(html), page


def test_a_tag_holding_liquid_is_read_with_its_liquid() -> None:
    html = ('<html{% if language %} lang="{{ language }}"{% endif %}>\n'
            '<a href="{{ base }}/x" id="row-{{ n }}"></a><a id="row-{{ m }}"></a>')
    elements = scan_html(html).elements

    assert [(element.name, element.get("href"), element.get("id"), element.line)
            for element in elements] == [("html", None, None, 1),
                                         ("a", "{{ base }}/x", "row-{{ n }}", 2),
                                         ("a", None, "row-{{ m }}", 2)]
    assert elements[0].get("lang") == "{{ language }}"


def test_a_titles_text_is_what_shows_and_ends_where_the_title_does() -> None:
    assert scan_html("<title>{{ page.title }}</title>").title_text == "{{ page.title }}"
    assert scan_html("<title><!-- x --> &nbsp;</title>").title_text == " \xa0"
    assert scan_html("<h1><title></h1><p>after</p>").title_text == ""
    assert scan_html("<p>no title</p>").title_text is None


# -- the change password page, on strings --------------------------------------------

_CP_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Reset</title></head><body>
<div id="change-password-widget-container"></div>
<script src="https://cdn.auth0.com/js/change-password-1.5.min.js"></script>
<script>
  new Auth0ChangePassword({
    container: "change-password-widget-container",
    email: "{{ email | escape }}",
    csrf_token: "{{ csrf_token }}",
    ticket: "{{ ticket }}",
    password_policy: "{{ password_policy }}",
    password_complexity_options: {{ password_complexity_options }}
  });
</script></body></html>
"""


def _cp_problems(content: str) -> list[tuple[str, str, str]]:
    from auth0_branding.build.artifacts import Artifact
    from auth0_branding.checks.validate import check_artifact

    artifact = Artifact("dev", "page", "password_reset", "dev/pages/password_reset.html",
                        "tenant_settings", content)
    return [(p.severity, p.code, p.message) for p in check_artifact(artifact)]


def test_the_change_password_contract_page_passes() -> None:
    assert _cp_problems(_CP_PAGE) == []


def test_the_change_password_page_must_escape_the_email() -> None:
    page = _CP_PAGE.replace("{{ email | escape }}", "{{ email }}")
    assert _cp_problems(page) == [
        ("warning", "unescaped", "untrusted email printed without | escape: {{ email }} "
         "(add | escape as the last filter)")]


def test_the_change_password_widget_must_be_told_its_container() -> None:
    page = _CP_PAGE.replace('container: "change-password-widget-container",\n', "")
    assert _cp_problems(page) == [
        ("error", "change-password-widget", "Auth0ChangePassword is not told its container, so "
         'the widget draws nowhere; pass container: "change-password-widget-container"')]
