"""Build the prompt partials: HTML fragments Auth0 puts at insertion points of its widget.

Each fragment is `templates/prompts/<prompt>/<screen>/<insertion-point>.html`, build-time
Jinja around Liquid that Auth0 renders with the page's variables (`locale`, and the custom
text's `var-*` keys as `prompt.screen.texts.*`). One prompt's fragments become
`dist/<tenant>/prompts/<prompt>/partials.json`, exactly the body of
`PUT /api/v2/prompts/{prompt}/partials` (`{screen: {insertion point: html}}`), which replaces
the prompt's whole set.

A prompt's folder is the brand's claim on that prompt's partials: a folder holding no
fragment (kept by any other file, such as `.keep`) builds `{}`, which clears the prompt on
the tenant. A prompt without a folder is not the brand's, and is left alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..auth0.contract import PAGE_LANGUAGE_SOURCES
from ..auth0.resources import partials_resource
from ..brand.catalogues import Translations
from ..brand.config import TenantConfig
from ..errors import Location, TemplateError, display_path
from .artifacts import Artifact, json_artifact
from .localise import Localiser
from .templates import Renderer

PARTIALS_FOLDER = "prompts"
_LAYOUT = "templates/prompts/<prompt>/<screen>/<insertion-point>.html"


def partial_templates(templates_dir: Path) -> dict[str, dict[str, dict[str, str]]]:
    """Return {prompt: {screen: {insertion point: template name}}} found under prompts/.

    The names are taken as written: the checks judge them, so a misspelt folder is
    reported with a did-you-mean rather than silently skipped.
    """
    root = templates_dir / PARTIALS_FOLDER
    found: dict[str, dict[str, dict[str, str]]] = {}
    if not root.is_dir():
        return found
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        depth = Path(folder).relative_to(root).parts
        for name in sorted(files):
            if name.startswith(".") or not name.endswith(".html"):
                continue
            relative = (*depth, name)
            if len(relative) != 3:
                raise TemplateError(
                    "a partial is not at prompt/screen/insertion point",
                    Location(display_path(Path(folder, name))),
                    f"put it at {_LAYOUT}")
            prompt, screen, file = relative
            found.setdefault(prompt, {}).setdefault(screen, {})[file[:-len(".html")]] = (
                "/".join((PARTIALS_FOLDER, *relative)))
    for claimed in sorted(root.iterdir()):
        if claimed.is_dir() and not claimed.name.startswith("."):
            found.setdefault(claimed.name, {})  # claimed, with no fragment: cleared
    return found


def partial_artifacts(
    tenant: TenantConfig, renderer: Renderer, context: Mapping[str, Any],
    translations: Translations | None, shared: tuple[str, ...],
) -> Iterator[Artifact]:
    """Yield one partials.json per prompt that has fragments."""
    for prompt, screens in sorted(partial_templates(renderer.templates_dir).items()):
        body: dict[str, dict[str, str]] = {}
        # An empty prompt's one source is its folder (where its problems are reported).
        sources: list[str] = [] if screens else [display_path(
            renderer.templates_dir / PARTIALS_FOLDER / prompt)]
        used: set[str] = set()
        for screen, points in sorted(screens.items()):
            for point, template in sorted(points.items()):
                localiser = (Localiser(translations, PAGE_LANGUAGE_SOURCES["login"])
                             if translations is not None else None)
                with renderer.localised(localiser):
                    html = renderer.render(template, {
                        **context, "output": {"kind": "partials", "name": prompt,
                                              "screen": screen, "insertion_point": point}})
                if localiser is not None:
                    used |= localiser.used
                    if localiser.chose:
                        html = localiser.prelude() + html
                # The trailing newline of the file is not part of the fragment.
                body.setdefault(screen, {})[point] = html.rstrip("\n")
                sources.extend(display_path(renderer.templates_dir / name)
                               for name in renderer.sources_of(template))
        artifact = json_artifact(
            tenant.name, "partials", prompt, partials_resource(prompt), body,
            (*sources, *shared), path=f"{tenant.name}/prompts/{prompt}/partials.json")
        yield replace(artifact, translation_keys=frozenset(used))


def fragment_source(sources: tuple[str, ...], prompt: str, screen: str, point: str) -> str:
    """Return the source file of one fragment among an artifact's sources."""
    suffix = "/".join((PARTIALS_FOLDER, prompt, screen, f"{point}.html"))
    return next((s for s in sources if s.replace(os.sep, "/").endswith(suffix)), suffix)
