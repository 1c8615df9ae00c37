"""Check the FINAL outputs (after inlining) against the Auth0 contract; collect every problem."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from ..auth0.contract import (
    CHANGE_PASSWORD_CONTAINER,
    CHANGE_PASSWORD_REQUIRED,
    CHANGE_PASSWORD_SCRIPT,
    EMAIL_COMMON,
    EMAIL_CONTRACT,
    GMAIL_CLIP_BYTES,
    PAGE_VARIABLES,
    PAYLOAD_MAX_BYTES,
    SMTP_LINE_MAX,
    UL_HEAD_MARKUP,
    UL_HEAD_TAG,
    UL_MAX_BYTES,
    UL_WIDGET_MARKUP,
    UL_WIDGET_TAG,
    UNTRUSTED,
    UNTRUSTED_ERROR_PAGE,
    UNTRUSTED_MFA_PAGE,
    UNTRUSTED_PASSWORD_RESET,
)
from ..brand.sourcemap import SourceMap
from ..build.artifacts import Artifact
from ..build.builder import BuildResult
from ..build.cache import key_of
from ..build.recall import check_outputs
from ..build.stages import cached, problems_from_data, problems_to_data, sources_key
from ..errors import Location, Problem, TemplateError, did_you_mean, display_path
from ..render.liquid import AUTH0_FILTERS, FILE_TAGS, check_liquid
from ..render.liquid_usage import LiquidUsage, TagUse
from . import mfa_page, settings  # noqa: F401 - register the MFA page's and the JSON outputs' checks
from .contrast import check_email_contrast
from .deprecated import check_deprecated_uses
from .html import check_html, in_html_comment, scan_html
from .messages import liquid_message
from .partials import check_partial_tenants, check_partial_texts
from .phone import check_phone_messages
from .registry import MARKUP, Subject, check, check_outcome, merge_problems, run_checks
from .translations import check_translations

_LEFTOVER = re.compile(r"\[\[.*?\]\]|\[%.*?%\]|\[#.*?#\]|@@(?!config@@)[A-Za-z_]\w*@@", re.DOTALL)
_CONSTRUCT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_QUOTED_OPTIONS = re.compile(r"password_complexity_options\s*:\s*[\"']\s*\{\{")
_CONTAINER_OPTION = re.compile(rf"\bcontainer\s*:\s*[\"']{CHANGE_PASSWORD_CONTAINER}[\"']")


def check_build(result: BuildResult, translations: bool = True) -> list[Problem]:
    """Run every check on every output; return all problems, errors first, then by place.

    `translations`: also check the catalogues (a build split over processes does that once,
    over all of them, as only the whole build knows which keys no template read).
    """
    problems = check_outputs(result.artifacts, check_artifact)
    # What one output cannot tell alone: the tenant it is for, the brand's languages.
    problems.extend(check_partial_tenants(result.tenants, result.artifacts))
    problems.extend(check_partial_texts(result.translations, result.artifacts))
    problems.extend(check_phone_messages(result.translations, result.artifacts))
    # What reading the tokens found: redefinitions, deprecated tokens in use, skipped tokens.
    problems.extend(p for tokens in result.tokens.values() for p in tokens.problems)
    problems.extend(check_deprecated_uses(result))
    if result.config.colours and any(a.kind == "email" for a in result.artifacts):
        problems.extend(check_email_contrast(
            result.config.colours, result.tokens,
            display_path(result.config.brand_dir / "brand.toml")))
    if translations:
        problems.extend(check_translations(
            result.translations, result.artifacts,
            every_output=len(result.tenants) == len(result.config.tenants)))
    return merge_problems(problems)


def check_artifact(artifact: Artifact, *_: Any) -> list[Problem]:
    """Check one output with the checks its kind calls for.

    Cached by what the checks read: the output and the text of its sources, so `serve`
    re-checks only what an edit changed and never reports a stale line. The same markup in
    another tenant's folder is checked once: its problems name its own path. A JSON output's
    checks cost less than reading an entry: they are kept in memory only.
    """
    if artifact.checked is not None:  # recalled from the cache with its problems
        return list(artifact.checked)
    if artifact.rendered is None:
        markup = artifact.kind in MARKUP
        own, found = cached("check" if markup else "json-check", check_key(artifact), lambda: [
            artifact.path, problems_to_data(run_checks(artifact))], on_disk=markup)
        return problems_from_data(found, own, artifact.path)
    # An email's HTML check reads its HTML before inlining, which a token edit leaves as it
    # was: kept apart, it is not run again when only the styles changed. It runs last, unless
    # the Liquid syntax check stopped the others.
    own, found, stopped = cached("check", check_key(artifact), lambda: [
        artifact.path, *_data(check_outcome(artifact, skip=("html",)))])
    problems = problems_from_data(found, own, artifact.path)
    if stopped:
        return problems
    before = replace(artifact, content=artifact.rendered)
    own, found = cached("check", key_of("html-check", check_key(before)), lambda: [
        artifact.path, problems_to_data(_html(Subject(artifact)))])
    return problems + problems_from_data(found, own, artifact.path)


def _data(outcome: tuple[list[Problem], bool]) -> list[Any]:
    return [problems_to_data(outcome[0]), outcome[1]]


def check_key(artifact: Artifact) -> str:
    """Return the key of an output's checks: all they read of it (by hash) and its sources."""
    # A JSON output's checks may name its tenant's table; markup's never do.
    tenant = None if artifact.kind in MARKUP else artifact.tenant
    return key_of("check", artifact.kind, artifact.name, tenant,
                  None if tenant is None else artifact.path, artifact.sha256,
                  sources_key(artifact.sources))


# -- the checks of pages and emails, in the order they run ----------------------------------


@check("liquid-syntax", kinds=MARKUP, gate=True)
def _liquid_syntax(subject: Subject) -> Iterator[Problem]:
    try:
        check_liquid(subject.artifact.content, subject.artifact.path)
    except TemplateError as error:
        where = subject.where
        line, col = (error.location.line, error.location.col) if error.location else (None, None)
        construct = _construct_at(where, line, col)
        if construct and "\n" in construct:
            construct = None  # a line inside `{% liquid %}`: its own line, not the tag's first
        yield Problem("error", "liquid-syntax", liquid_message(error),
                      where.at_output(line, construct))


@check("liquid-names", kinds=MARKUP)
def _liquid_names(subject: Subject) -> Iterator[Problem]:
    return _check_liquid_names(subject.usage, subject.where)


@check("build-leftovers", kinds=MARKUP)
def _leftovers(subject: Subject) -> Iterator[Problem]:
    return _check_leftovers(subject.artifact.content, subject.where)


@check("sizes", kinds=MARKUP)
def _sizes(subject: Subject) -> Iterator[Problem]:
    return _check_sizes(subject.artifact, subject.where)


@check("universal-login-tags", kinds=("page",), names=("login",))
def _universal_login_tags(subject: Subject) -> Iterator[Problem]:
    return _check_ul_tags(subject.artifact, subject.usage, subject.where)


@check("change-password-widget", kinds=("page",), names=("password_reset",))
def _change_password_widget(subject: Subject) -> Iterator[Problem]:
    return _check_change_password(subject.artifact, subject.usage, subject.where)


@check("classic-login-config", kinds=("page",), names=("classic_login",))
def _classic_login_config(subject: Subject) -> Iterator[Problem]:
    if "@@config@@" not in subject.artifact.content:
        yield Problem("error", "missing-placeholder",
                      "the classic login page never reads '@@config@@'; initialise Lock from "
                      "JSON.parse(decodeURIComponent(escape(window.atob('@@config@@'))))",
                      subject.where.file)


@check("page-variables", kinds=("page",), names=tuple(PAGE_VARIABLES))
def _page_variables(subject: Subject) -> Iterator[Problem]:
    name = subject.artifact.name
    return _unknown_variables(subject.usage, PAGE_VARIABLES[name], None, subject.where,
                              f"the {name} page")


@check("page-escaping", kinds=("page",))
def _page_escaping(subject: Subject) -> Iterator[Problem]:
    roots = {"error_page": UNTRUSTED_ERROR_PAGE, "guardian_mfa_page": UNTRUSTED_MFA_PAGE,
             "password_reset": UNTRUSTED_PASSWORD_RESET}.get(subject.artifact.name, UNTRUSTED)
    return _unescaped(subject.usage, roots, subject.where)


@check("email-liquid", kinds=("email",))
def _email_liquid(subject: Subject) -> Iterator[Problem]:
    return _check_email(subject.artifact, subject.usage, subject.where)


@check("html", kinds=MARKUP)
def _html(subject: Subject) -> Iterator[Problem]:
    artifact = subject.artifact
    if artifact.rendered is None:
        return check_html(artifact, subject.where)
    # An email's HTML checks read it as rendered, before inlining: the inliner's parser
    # repairs broken nesting, and what the checks look at (elements, ids, alt text, URLs)
    # is the same, in less text and on lines that match the templates.
    before_inlining = replace(artifact, content=artifact.rendered)
    return check_html(before_inlining, SourceMap(before_inlining))


def _construct_at(where: SourceMap, line: int | None, col: int | None) -> str | None:
    """Return the `{{ }}` or `{% %}` that covers output line `line`, column `col`."""
    lines = where.output_lines
    if not line or not col or line > len(lines):
        return None
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + col - 1
    for match in _CONSTRUCT.finditer(where.content, max(0, offset - 2000), offset + 2000):
        if match.start() <= offset < match.end():
            return match.group(0)
    return None


def _at_use(where: SourceMap, line: int, col: int) -> Location:
    return where.at_output(line, _construct_at(where, line, col))


def _check_liquid_names(usage: LiquidUsage, where: SourceMap) -> Iterator[Problem]:
    for use in usage.unknown_filters:
        hint = (did_you_mean(use.name, AUTH0_FILTERS)
                or "remove it: Auth0 would print the value unfiltered")
        yield Problem("error", "liquid-filter",
                      f"filter '{use.name}' is not available in Auth0's Liquid ({hint})",
                      _at_use(where, use.line, use.col))
    for use in usage.unverified_filters:
        yield Problem("warning", "liquid-unverified",
                      f"filter '{use.name}' is standard LiquidJS but not documented by Auth0 "
                      "(test it on a tenant, or use a documented filter)",
                      _at_use(where, use.line, use.col))
    for tag in usage.tags:
        if tag.name in FILE_TAGS:
            yield Problem("error", "liquid-file",
                          f"tag '{tag.name}' loads a template file, and Auth0 stores none: it "
                          "fails when Auth0 renders this (inline the shared markup at build "
                          "time)", where.at_output(tag.line, tag.markup))
    for tag in usage.unverified_tags:
        yield Problem("warning", "liquid-unverified",
                      f"tag '{tag.name}' is standard LiquidJS but not documented by Auth0 "
                      "(test it on a tenant, or use a documented tag)",
                      where.at_output(tag.line, tag.markup))


def _check_leftovers(text: str, where: SourceMap) -> Iterator[Problem]:
    for match in _LEFTOVER.finditer(text):
        found = match.group(0)
        line = text.count("\n", 0, match.start()) + 1
        if found.startswith("@@"):
            message = (f"unreplaced keyword {found!r} in the output (Auth0 replaces only "
                       "@@config@@, on the classic login page; write the value with [[ ]])")
        else:
            message = (f"build-time syntax left in the output: {found[:60]!r} (a [% raw %] "
                       "block or a broken delimiter kept it from rendering)")
        yield Problem("error", "build-leftover", message, where.at_output(line, found))


def _check_sizes(artifact: Artifact, where: SourceMap) -> Iterator[Problem]:
    if artifact.size > PAYLOAD_MAX_BYTES:
        yield Problem("error", "size-limit",
                      f"{artifact.path} is {artifact.size:,} bytes; Auth0 accepts at most "
                      f"{PAYLOAD_MAX_BYTES:,} (make the template smaller)", where.file)
    if artifact.kind == "page" and artifact.name == "login" and artifact.size > UL_MAX_BYTES:
        yield Problem("error", "size-limit",
                      f"{artifact.path} is {artifact.size:,} bytes; Auth0 accepts at most "
                      f"{UL_MAX_BYTES:,} in the Universal Login template (make it smaller)",
                      where.file)
    if artifact.kind != "email":
        return
    if artifact.size > GMAIL_CLIP_BYTES:
        yield Problem("warning", "gmail-clipping",
                      f"{artifact.path} is {artifact.size / 1024:.0f} KB; Gmail clips emails "
                      "over 102 KB (shorten it)", where.file)
    for number, line in enumerate(where.output_lines, 1):
        if len(line) > SMTP_LINE_MAX:
            yield Problem("warning", "long-line",
                          f"{artifact.path} line {number} has {len(line):,} characters; mail "
                          f"servers may break lines over {SMTP_LINE_MAX} (add line breaks)",
                          where.at_output(number))
            break


def _check_ul_tags(artifact: Artifact, usage: LiquidUsage, where: SourceMap) -> Iterator[Problem]:
    starts = [0] + [m.end() for m in re.finditer("\n", artifact.content)]
    commented = in_html_comment(artifact.content)
    heads: list[TagUse] = []
    widgets: list[TagUse] = []
    hidden: set[str] = set()  # tags found only inside HTML comments get that one message
    for found, tags in ((usage.tags_named(UL_HEAD_TAG), heads),
                        (usage.tags_named(UL_WIDGET_TAG), widgets)):
        for tag in found:
            if commented(starts[tag.line - 1] + tag.col - 1):
                hidden.add(tag.name)
                yield Problem("error", f"auth0-{tag.name.split(':')[1]}",
                              f"{tag.markup} is inside an HTML comment, where it renders "
                              "nothing a browser reads; move it out of the comment",
                              where.at_output(tag.line, tag.markup))
            else:
                tags.append(tag)
    if not heads and UL_HEAD_TAG not in hidden:
        yield Problem("error", "auth0-head", "the Universal Login template has no "
                      f"{UL_HEAD_MARKUP}; add exactly one inside <head>", where.file)
    for extra in heads[1:]:
        yield Problem("error", "auth0-head",
                      f"the Universal Login template has {len(heads)} {UL_HEAD_MARKUP} tags; "
                      "Auth0 accepts exactly one: remove this one",
                      where.at_output(extra.line, extra.markup))
    if not widgets and UL_WIDGET_TAG not in hidden:
        yield Problem("error", "auth0-widget", "the Universal Login template has no "
                      f"{UL_WIDGET_MARKUP}; add one inside <body>", where.file)
    for tag in (*heads, *widgets):
        if not tag.hyphenated:
            yield Problem("error", "auth0-tag-form",
                          f"write {{%- {tag.name} -%}} exactly: Auth0 rejects {tag.markup!r}",
                          where.at_output(tag.line, tag.markup))
    scan = scan_html(artifact.content)
    for tags, wanted, other in ((heads, "head", "body"), (widgets, "body", "head")):
        for tag in tags:
            open_elements = scan.open_at(starts[tag.line - 1] + tag.col - 1)
            if wanted not in open_elements or (other in open_elements):
                yield Problem("error", f"auth0-{tag.name.split(':')[1]}",
                              f"{tag.markup} must be inside <{wanted}>; move it there",
                              where.at_output(tag.line, tag.markup))


def _check_change_password(artifact: Artifact, usage: LiquidUsage, where: SourceMap
                           ) -> Iterator[Problem]:
    text = artifact.content
    if not re.search(rf"<div[^>]*\bid=[\"']{CHANGE_PASSWORD_CONTAINER}[\"']", text):
        yield Problem("error", "change-password-widget",
                      f"the change password page has no <div id=\"{CHANGE_PASSWORD_CONTAINER}\">; "
                      "add it where the widget should appear", where.file)
    if CHANGE_PASSWORD_SCRIPT not in text:
        yield Problem("error", "change-password-widget",
                      f"the change password page does not load {CHANGE_PASSWORD_SCRIPT}; add "
                      f"<script src=\"{CHANGE_PASSWORD_SCRIPT}\"></script>", where.file)
    if "new Auth0ChangePassword(" not in text:
        yield Problem("error", "change-password-widget",
                      "the change password page never calls new Auth0ChangePassword({...}); "
                      "add it after the widget script", where.file)
    elif not _CONTAINER_OPTION.search(text):
        yield Problem("error", "change-password-widget",
                      "Auth0ChangePassword is not told its container, so the widget draws "
                      f"nowhere; pass container: \"{CHANGE_PASSWORD_CONTAINER}\"",
                      where.find("Auth0ChangePassword"))
    call = where.find("Auth0ChangePassword") if "Auth0ChangePassword" in text else where.file
    for variable in CHANGE_PASSWORD_REQUIRED:
        if variable not in usage.variable_names:
            yield Problem("error", "missing-placeholder",
                          f"Auth0ChangePassword is not given {{{{ {variable} }}}}; pass "
                          f"{variable}: \"{{{{ {variable} }}}}\"", call)
    quoted = _QUOTED_OPTIONS.search(text)
    if quoted:
        line = text.count("\n", 0, quoted.start()) + 1
        yield Problem("error", "change-password-widget",
                      "password_complexity_options is quoted, so the widget gets a string; "
                      "write password_complexity_options: {{ password_complexity_options }}",
                      where.at_output(line, quoted.group(0)))


def _check_email(artifact: Artifact, usage: LiquidUsage, where: SourceMap) -> Iterator[Problem]:
    name = artifact.name
    if name not in EMAIL_CONTRACT:
        yield Problem("error", "email-name", f"'{name}' is not an Auth0 email template "
                      "(rename the template and its [emails] table)", where.file)
        return
    required, verified, extra = EMAIL_CONTRACT[name]
    if required and required not in usage.variable_names:
        if required == "code":
            fix = "so it carries no code; add {{ code }} where the code should appear"
        else:
            fix = (f"so it has no working link; add <a href=\"{{{{ {required} }}}}\">...</a>")
        yield Problem(
            "error" if verified else "warning", "missing-placeholder",
            f"{name} never uses {{{{ {required} }}}}, {fix}"
            + ("" if verified else " (UNVERIFIED in Auth0's documentation, so a warning)"),
            where.file,
        )
    allowed = EMAIL_COMMON | extra | (frozenset({required}) if required else frozenset())
    yield from _unknown_variables(usage, allowed, required, where, name)
    yield from _unescaped(usage, UNTRUSTED, where)


PLACEHOLDERS = frozenset({"url", "code", "link"})


def _unknown_variables(usage: LiquidUsage, allowed: Iterable[str], required: str | None,
                       where: SourceMap, place: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for use in usage.variables:
        root = use.name.split(".")[0]
        if root in allowed or root in seen:
            continue
        seen.add(root)
        # The placeholders are easily swapped between templates (`url` where Auth0 gives
        # `link`); suggest the template's own one only for such a mix-up.
        swapped = required and root in PLACEHOLDERS and root != required
        hint = did_you_mean(root, allowed) or (f"did you mean '{required}'?" if swapped
                                               else "it would print nothing")
        yield Problem("warning", "unknown-variable",
                      f"Auth0 does not provide '{root}' in {place} ({hint})",
                      _at_use(where, use.line, use.col))


def _unescaped(usage: LiquidUsage, roots: Iterable[str], where: SourceMap) -> Iterator[Problem]:
    for output in usage.unescaped_outputs(*roots):
        variables = ", ".join(output.unescaped_variables)
        yield Problem("warning", "unescaped",
                      f"untrusted {variables} printed without | escape: {output.markup} "
                      "(add | escape as the last filter)",
                      where.at_output(output.line, output.markup))
