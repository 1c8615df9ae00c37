"""Check the FINAL outputs (after inlining) against the Auth0 contract; collect every problem."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from .build import Artifact, BuildResult
from .config import EMAIL_TEMPLATES
from .errors import Location, Problem, TemplateError, did_you_mean, locate_source
from .htmlcheck import check_html, relative_urls, tag_parents
from .liquid import LiquidUsage, liquid_usage, parse_liquid
from .settings_check import check_branding, check_email_settings, check_theme

log = logging.getLogger(__name__)

UL_MAX_CHARS = 102_400
PAYLOAD_MAX_BYTES = 1_000_000
GMAIL_CLIP_BYTES = 102 * 1024
SMTP_LINE_MAX = 998
CHANGE_PASSWORD_SCRIPT = "https://cdn.auth0.com/js/change-password-1.5.min.js"

EMAIL_COMMON = frozenset({
    "application", "request_language", "connection", "tenant", "friendly_name",
    "support_email", "support_url", "user", "organization", "custom_domain",
})
# (required placeholder, whether the requirement is verified, extra variables Auth0 gives)
EMAIL_CONTRACT: dict[str, tuple[str | None, bool, frozenset[str]]] = {
    "verify_email": ("url", True, frozenset()),
    "reset_email": ("url", True, frozenset()),
    "blocked_account": ("url", True, frozenset()),
    "change_password": ("url", True, frozenset()),
    "password_reset": ("url", True, frozenset()),
    "async_approval": ("url", True, frozenset({"binding_message"})),
    "verify_email_by_code": ("code", True, frozenset()),
    "reset_email_by_code": ("code", True, frozenset()),
    "mfa_oob_code": ("code", True, frozenset()),
    "enrollment_email": ("link", True, frozenset()),
    # UNVERIFIED in Auth0's documentation: a missing placeholder is a warning.
    "user_invitation": ("url", False, frozenset({"inviter", "roles"})),
    "auth_email_by_code": ("code", False, frozenset()),
    "welcome_email": (None, True, frozenset()),
    "stolen_credentials": (None, True, frozenset()),
}
PAGE_VARIABLES = {
    "login": frozenset({"application", "branding", "tenant", "organization", "custom_domain",
                        "user", "dir", "locale", "prompt", "transaction"}),
    "password_reset": frozenset({"email", "csrf_token", "ticket", "password_policy",
                                 "password_complexity_options", "tenant", "lang", "min_length"}),
    # `log_url` is UNVERIFIED: accepted without complaint.
    "error_page": frozenset({"error", "error_description", "tracking", "client_id", "connection",
                             "lang", "log_url"}),
}
CHANGE_PASSWORD_REQUIRED = ("email", "csrf_token", "ticket", "password_policy",
                            "password_complexity_options")
UNTRUSTED = ("user.name", "user.nickname", "user.given_name", "user.family_name",
             "error_description", "transaction.params")
UNTRUSTED_ERROR_PAGE = ("error", "error_description", "tracking", "client_id", "connection")
_LEFTOVER = re.compile(r"\[\[.*?\]\]|\[%.*?%\]|\[#.*?#\]|@@(?!config@@)[A-Za-z_]\w*@@", re.DOTALL)


def check_build(result: BuildResult) -> list[Problem]:
    """Run every check on every output; return all problems, errors first."""
    by_key = {(a.tenant, a.kind, a.name): a for a in result.artifacts}
    problems: list[Problem] = []
    for artifact in result.artifacts:
        problems.extend(check_artifact(artifact, result.config, by_key))
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.severity != "error", str(p.location or ""),
                                          p.location.line or 0 if p.location else 0))


def check_artifact(artifact: Artifact, config: Any, by_key: dict) -> list[Problem]:
    """Check one output with the checks its kind calls for."""
    if artifact.kind in ("page", "email"):
        return list(_check_markup(artifact, by_key))
    data = json.loads(artifact.content)
    if artifact.kind == "email_settings":
        email = config.emails.get(artifact.name)
        return check_email_settings(data, artifact, email.location if email else None)
    if artifact.kind == "branding":
        return check_branding(data, artifact)
    if artifact.kind == "theme":
        return check_theme(data, artifact)
    return []


def _check_markup(artifact: Artifact, by_key: dict) -> Iterator[Problem]:
    text = artifact.content
    find = _finder(artifact)
    try:
        parse_liquid(text, artifact.path)
    except TemplateError as error:
        line = error.location.line if error.location else None
        yield Problem("error", "liquid-syntax", error.message,
                      _output_line_location(artifact, line))
        return
    usage = liquid_usage(text, artifact.path)
    yield from _check_liquid_names(usage, find)
    yield from _check_leftovers(text, find)
    yield from _check_sizes(artifact, find)
    if artifact.kind == "page":
        yield from _check_page(artifact, usage, find)
    else:
        yield from _check_email(artifact, usage, find)
    for problem in check_html(artifact):
        yield _relocate(problem, artifact)


def _finder(artifact: Artifact) -> Callable[[str], Location]:
    """Map a snippet of the output back to the brand source line that wrote it."""
    fallback = Location(artifact.sources[0]) if artifact.sources else Location(artifact.path)

    def find(snippet: str) -> Location:
        return _locate(snippet, artifact.sources) or fallback

    return find


@lru_cache(maxsize=8192)
def _locate(snippet: str, sources: tuple[str, ...]) -> Location | None:
    return locate_source(snippet, sources)


def _output_line_location(artifact: Artifact, line: int | None) -> Location:
    """Find the source line that wrote output line `line`.

    Inlining adds style attributes, so when the whole line is not in a source, try its
    attributes and text runs one by one, the longest (most telling) first.
    """
    lines = artifact.content.splitlines()
    if line is not None and 0 < line <= len(lines):
        text_line = lines[line - 1].strip()
        pieces = [text_line, *sorted(
            re.findall(r'[\w:-]+="[^"]*"|>[^<>]{8,}<', text_line), key=len, reverse=True)]
        for piece in pieces:
            found = _locate(piece.strip("<>").strip(), artifact.sources)
            if found and piece:
                return found
    return Location(artifact.sources[0] if artifact.sources else artifact.path)


def _relocate(problem: Problem, artifact: Artifact) -> Problem:
    """Point an HTML problem found at an output line to its source line when we can."""
    if problem.location and problem.location.path == artifact.path:
        location = _output_line_location(artifact, problem.location.line)
        return Problem(problem.severity, problem.code, problem.message, location)
    return problem


def _check_liquid_names(usage: LiquidUsage, find: Callable[[str], Location]) -> Iterator[Problem]:
    for use in usage.unknown_filters:
        yield Problem("error", "liquid-filter",
                      f"filter '{use.name}' is not available in Auth0's Liquid",
                      find(f"| {use.name}") if use.name else None)
    for use in usage.unverified_filters:
        yield Problem("warning", "liquid-unverified",
                      f"filter '{use.name}' is standard LiquidJS but not documented by Auth0",
                      find(use.name))
    for tag in usage.unverified_tags:
        yield Problem("warning", "liquid-unverified",
                      f"tag '{tag.name}' is standard LiquidJS but not documented by Auth0",
                      find(tag.markup))


def _check_leftovers(text: str, find: Callable[[str], Location]) -> Iterator[Problem]:
    for match in _LEFTOVER.finditer(text):
        yield Problem("error", "build-leftover",
                      f"build-time syntax left in the output: {match.group(0)[:60]!r}",
                      find(match.group(0)))


def _check_sizes(artifact: Artifact, find: Callable[[str], Location]) -> Iterator[Problem]:
    where = Location(artifact.sources[0]) if artifact.sources else None
    if artifact.size > PAYLOAD_MAX_BYTES:
        yield Problem("error", "size-limit",
                      f"{artifact.path} is {artifact.size:,} bytes; Auth0 accepts at most "
                      f"{PAYLOAD_MAX_BYTES:,}", where)
    if artifact.kind == "page" and artifact.name == "login" and len(artifact.content) > UL_MAX_CHARS:
        yield Problem("error", "size-limit",
                      f"the Universal Login template has {len(artifact.content):,} characters; "
                      f"Auth0 accepts at most {UL_MAX_CHARS:,}", where)
    if artifact.kind == "email":
        if artifact.size > GMAIL_CLIP_BYTES:
            yield Problem("warning", "gmail-clipping",
                          f"{artifact.path} is {artifact.size / 1024:.0f} KB; Gmail clips "
                          "messages over 102 KB", where)
        for number, line in enumerate(artifact.content.splitlines(), 1):
            if len(line) > SMTP_LINE_MAX:
                yield Problem("warning", "long-line",
                              f"output line {number} has {len(line)} characters; mail servers "
                              f"may break lines over {SMTP_LINE_MAX}", where)
                break


def _check_page(artifact: Artifact, usage: LiquidUsage, find) -> Iterator[Problem]:
    name = artifact.name
    if name == "login":
        yield from _check_ul_tags(artifact, usage, find)
    if name == "password_reset":
        yield from _check_change_password(artifact, usage, find)
    if name == "classic_login" and "@@config@@" not in artifact.content:
        yield Problem("error", "missing-placeholder",
                      "the classic login page must read '@@config@@'", find("<script"))
    allowed = PAGE_VARIABLES.get(name)
    if allowed is not None:
        yield from _unknown_variables(usage, allowed, None, find, f"the {name} page")
    roots = UNTRUSTED_ERROR_PAGE if name == "error_page" else UNTRUSTED
    yield from _unescaped(usage, roots, find)


def _check_ul_tags(artifact: Artifact, usage: LiquidUsage, find) -> Iterator[Problem]:
    heads, widgets = usage.tags_named("auth0:head"), usage.tags_named("auth0:widget")
    if len(heads) != 1:
        yield Problem("error", "auth0-head",
                      f"the Universal Login template needs exactly one {{%- auth0:head -%}}, "
                      f"found {len(heads)}", find(heads[1].markup) if heads else find("<head"))
    if not widgets:
        yield Problem("error", "auth0-widget",
                      "the Universal Login template needs at least one {%- auth0:widget -%}",
                      find("<body"))
    for tag in (*heads, *widgets):
        if not tag.hyphenated:
            yield Problem("error", "auth0-tag-form",
                          f"write {{%- {tag.name} -%}} exactly; Auth0 rejects {tag.markup!r}",
                          find(tag.markup))
    parents = tag_parents(artifact.content)
    for tag, wanted in ((*[(t, "head") for t in heads], *[(t, "body") for t in widgets])):
        if wanted not in parents.get(tag.markup, ()):
            yield Problem("error", f"auth0-{tag.name.split(':')[1]}",
                          f"{tag.markup} must be inside <{wanted}>", find(tag.markup))


def _check_change_password(artifact: Artifact, usage: LiquidUsage, find) -> Iterator[Problem]:
    text = artifact.content
    if not re.search(r"<div[^>]*\bid=[\"']change-password-widget-container[\"']", text):
        yield Problem("error", "change-password-widget",
                      'missing <div id="change-password-widget-container">', find("<body"))
    if CHANGE_PASSWORD_SCRIPT not in text:
        yield Problem("error", "change-password-widget",
                      f"missing the script {CHANGE_PASSWORD_SCRIPT}", find("<script"))
    if "new Auth0ChangePassword(" not in text:
        yield Problem("error", "change-password-widget",
                      "missing `new Auth0ChangePassword({...})`", find("<script"))
    for variable in CHANGE_PASSWORD_REQUIRED:
        if variable not in usage.variable_names:
            yield Problem("error", "missing-placeholder",
                          f"the change password page must pass {{{{ {variable} }}}} to "
                          "Auth0ChangePassword", find("Auth0ChangePassword"))
    if re.search(r"password_complexity_options\s*:\s*[\"']\s*\{\{", text):
        yield Problem("error", "change-password-widget",
                      "password_complexity_options must be unquoted (it is a JavaScript object)",
                      find("password_complexity_options"))


def _check_email(artifact: Artifact, usage: LiquidUsage, find) -> Iterator[Problem]:
    name = artifact.name
    if name not in EMAIL_TEMPLATES:
        yield Problem("error", "email-name", f"'{name}' is not an Auth0 email template",
                      find("<html"))
        return
    required, verified, extra = EMAIL_CONTRACT[name]
    if required and required not in usage.variable_names:
        yield Problem(
            "error" if verified else "warning", "missing-placeholder",
            f"{name} must contain {{{{ {required} }}}}"
            + ("" if verified else " (Auth0's documentation is unclear here)"),
            find("<body"),
        )
    yield from _unknown_variables(usage, EMAIL_COMMON | extra | ({required} - {None}), required,
                                  find, name)
    yield from _unescaped(usage, UNTRUSTED, find)
    yield from _relative_urls(artifact, find)


def _unknown_variables(usage, allowed, required, find, where: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for use in usage.variables:
        root = use.name.split(".")[0]
        if root in allowed or root in seen:
            continue
        seen.add(root)
        hint = did_you_mean(root, allowed) or (f"did you mean '{required}'?" if required else None)
        yield Problem("warning", "unknown-variable",
                      f"Auth0 does not provide '{root}' in {where}" + (f" ({hint})" if hint else ""),
                      find(use.name))


def _unescaped(usage: LiquidUsage, roots: Iterable[str], find) -> Iterator[Problem]:
    for output in usage.unescaped_outputs(*roots):
        variables = ", ".join(output.unescaped_variables)
        yield Problem("warning", "unescaped",
                      f"untrusted {variables} printed without | escape: {output.markup}",
                      find(output.markup))


def _relative_urls(artifact: Artifact, find) -> Iterator[Problem]:
    for attribute, value in relative_urls(artifact.content):
        yield Problem("error", "relative-url",
                      f"emails need absolute URLs: {attribute}=\"{value}\"",
                      find(f'{attribute}="{value}"'))
