"""Check the prompt partials: names, sizes, Liquid, form fields, texts and the tenant they need.

Each problem points at the fragment's own file (`templates/prompts/<prompt>/<screen>/
<insertion-point>.html`) and, where there is one, its line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from ..auth0 import prompts
from ..auth0.partials import (
    FIELD_ELEMENTS,
    FIELD_PREFIX,
    MAX_PARTIAL_CHARS,
    PARTIAL_PROMPTS,
    UNVERIFIED_PARTIAL_PROMPTS,
    insertion_points,
    partial_screens,
)
from ..brand.catalogues import Translations
from ..brand.config import TenantConfig
from ..brand.sourcemap import SourceMap
from ..build.artifacts import Artifact
from ..build.partials import fragment_source
from ..errors import Location, Problem, TemplateError, did_you_mean
from ..render.liquid import check_liquid
from ..render.liquid_usage import liquid_usage
from .messages import liquid_message
from .registry import Subject, check

_TEXTS = "prompt.screen.texts."


@dataclass(frozen=True)
class Fragment:
    """One partial of a partials.json, and where it was written."""

    prompt: str
    screen: str
    point: str
    html: str
    where: SourceMap

    @property
    def file(self) -> Location:
        return self.where.file


def fragments(artifact: Artifact, data: dict) -> Iterator[Fragment]:
    """Yield each fragment of a partials output with a source map of its own file."""
    prompt = artifact.name
    for screen, points in data.items():
        for point, html in points.items():
            source = fragment_source(artifact.sources, prompt, screen, point)
            others = tuple(s for s in artifact.sources if s != source)
            yield Fragment(prompt, screen, point, html,
                           SourceMap(replace(artifact, content=html, sources=(source, *others))))


@check("partials", kinds=("partials",))
def _partials(subject: Subject) -> Iterator[Problem]:
    artifact = subject.artifact
    prompt = artifact.name
    found = list(fragments(artifact, subject.data))
    if not found:  # a claimed prompt with no fragment: its partials are cleared
        if prompt not in (*PARTIAL_PROMPTS, *UNVERIFIED_PARTIAL_PROMPTS):
            hint = did_you_mean(prompt, PARTIAL_PROMPTS) or (
                "prompts with partials: " + ", ".join(PARTIAL_PROMPTS))
            yield Problem("error", "partial-prompt", f"prompt '{prompt}' takes no partials "
                          f"({hint})", Location(artifact.sources[0]))
        return
    first = found[0].file
    if prompt in UNVERIFIED_PARTIAL_PROMPTS:
        yield Problem("warning", "partial-prompt",
                      f"prompt '{prompt}' takes partials according to one Auth0 page only "
                      "(UNVERIFIED: try it on a tenant before relying on it)", first)
    elif prompt not in PARTIAL_PROMPTS:
        hint = did_you_mean(prompt, PARTIAL_PROMPTS) or (
            "prompts with partials: " + ", ".join(PARTIAL_PROMPTS))
        yield Problem("error", "partial-prompt",
                      f"prompt '{prompt}' takes no partials ({hint})", first)
        return
    screens, points = partial_screens(prompt), insertion_points(prompt)
    for fragment in found:
        if fragment.screen not in screens:
            hint = did_you_mean(fragment.screen, screens) or "its screens: " + ", ".join(screens)
            yield Problem("error", "partial-screen",
                          f"prompt '{prompt}' has no screen '{fragment.screen}' ({hint})",
                          fragment.file)
        if fragment.point not in points:
            hint = did_you_mean(fragment.point, points) or (
                "insertion points: " + ", ".join(points))
            yield Problem("error", "partial-insertion-point",
                          f"'{fragment.point}' is not an insertion point of prompt "
                          f"'{prompt}' ({hint})", fragment.file)
        yield from _fragment(fragment)


def _fragment(fragment: Fragment) -> Iterator[Problem]:
    size = len(fragment.html)
    if size > MAX_PARTIAL_CHARS:
        yield Problem("error", "partial-size",
                      f"the partial has {size:,} characters once built; Auth0 accepts at most "
                      f"{MAX_PARTIAL_CHARS:,} (make it smaller)", fragment.file)
    try:
        check_liquid(fragment.html, fragment.file.path)
    except TemplateError as error:
        line = error.location.line if error.location else None
        yield Problem("error", "liquid-syntax",
                      liquid_message(error),
                      fragment.where.at_output(line))
        return
    for tag, name, line, markup in _fields(fragment.html):
        if not name.startswith(FIELD_PREFIX):
            yield Problem("error", "partial-field",
                          f"<{tag} name=\"{name}\"> does not reach Actions: Auth0 sends only "
                          f"fields named {FIELD_PREFIX}* (name it \"{FIELD_PREFIX}{name}\")",
                          fragment.where.at_output(line, markup))


def _fields(html: str) -> list[tuple[str, str, int, str]]:
    """Return (element, name, line, start tag) of every named form field in `html`."""
    found: list[tuple[str, str, int, str]] = []

    class _Fields(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            name = dict(attrs).get("name")
            if tag in FIELD_ELEMENTS and name is not None:
                found.append((tag, name, self.getpos()[0], self.get_starttag_text() or ""))

    parser = _Fields(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return found


def check_partial_texts(translations: Translations | None,
                        artifacts: Iterable[Artifact]) -> Iterator[Problem]:
    """Warn where a partial reads a `var-*` text its screen's default-language texts lack."""
    custom = translations.custom_text() if translations is not None else {}
    default = translations.default if translations is not None else "the default language"
    shown = (translations.catalogues[translations.default].shown
             if translations is not None else "the default catalogue")
    for artifact in artifacts:
        if artifact.kind != "partials":
            continue
        for fragment in fragments(artifact, _json(artifact)):
            try:
                uses = liquid_usage(fragment.html).variables
            except TemplateError:
                continue  # the syntax check reports it
            texts = custom.get(fragment.prompt, {}).get(default, {}).get(fragment.screen, {})
            have = {prompts.custom_variable_reference(key): key for key in texts
                    if prompts.is_custom_variable_key(key)}
            for use in uses:
                if not use.name.startswith(_TEXTS + "var") or use.name in have:
                    continue
                wanted = _key_for(use.name)
                where = f"prompts.{fragment.prompt}.{fragment.screen}"
                yield Problem("warning", "partial-text",
                              f"'{use.name}' reads the custom text '{wanted}', which {where} "
                              f"lacks in '{default}', so it prints nothing (add \"{wanted}\" "
                              f"under {where} in {shown})",
                              fragment.where.at_output(use.line, use.name))


def _key_for(reference: str) -> str:
    """Return the `var-*` key a `prompt.screen.texts.varName` reads (`var-name`)."""
    name = reference[len(_TEXTS):].split(".")[0]
    kebab = "".join("-" + c.lower() if c.isupper() else c for c in name)
    return kebab if kebab.startswith("var-") else "var-" + kebab[len("var"):]


def check_partial_tenants(tenants: Iterable[TenantConfig],
                          artifacts: Iterable[Artifact]) -> Iterator[Problem]:
    """Report tenants given partials without what Auth0 shows them with."""
    with_partials = {a.tenant for a in artifacts if a.kind == "partials"}
    for tenant in tenants:
        if tenant.name not in with_partials:
            continue
        if not tenant.custom_domain:
            yield Problem("error", "partial-tenant",
                          f"tenant '{tenant.name}' gets partials but has no custom_domain; "
                          "Auth0 shows partials only on a custom domain (set custom_domain "
                          f"under [tenants.{tenant.name}])", tenant.location)
        if "login" not in tenant.manage:
            yield Problem("error", "partial-tenant",
                          f"tenant '{tenant.name}' gets partials but does not manage 'login'; "
                          "Auth0 shows partials only with a page template (add 'login' to "
                          f"tenants.{tenant.name}.manage)", tenant.location)


def _json(artifact: Artifact) -> dict:
    data = json.loads(artifact.content)
    return data if isinstance(data, dict) else {}
