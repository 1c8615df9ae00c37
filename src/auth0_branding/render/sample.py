"""Render built outputs with scenario data, as Auth0 would: shared by preview and snapshots."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..brand.scenarios import Scenario, deep_merge, scenarios_for
from ..build.artifacts import Artifact
from .languages import Languages, chosen_language, in_language, screen_texts
from .liquid import render_liquid
from .password_widget import stub_change_password_widget
from .phone import render_phone
from .surface import Surface, render_partials, surfaces, with_organization
from .widget import head_html, render_widget

RENDERED_KINDS = ("page", "email", "phone")
# The pages whose widget mocks the tenant's Universal Login theme styles.
_THEMED = ("login", "password_reset")


@dataclass(frozen=True)
class Sample:
    """One output rendered in one scenario, in one language (None: a brand in one language)."""

    artifact: Artifact
    scenario: Scenario
    html: str
    subject: str | None
    language: str | None = None

    @property
    def key(self) -> str:
        """Name the sample: `tenant/kinds/name/scenario`, then `.language` when it has one."""
        key = f"{self.artifact.tenant}/{self.artifact.kind}s/{self.artifact.name}/{self.scenario.name}"
        return f"{key}.{self.language}" if self.language else key


def asset_file(url: str, assets: Mapping[str, Path]) -> Path | None:
    """Return the local file standing in for a remote asset URL, if the brand maps it."""
    for prefix, folder in assets.items():
        if url.startswith(prefix):
            relative = url[len(prefix):].split("?")[0].split("#")[0]
            candidate = (folder / relative).resolve()
            # Never serve outside the mapped folder, whatever the URL says.
            if candidate.is_relative_to(folder) and candidate.is_file():
                return candidate
    return None


def localise_assets(html: str, assets: Mapping[str, Path], url_for: Callable[[int, str], str]
                    ) -> str:
    """Point mapped remote asset URLs at local copies: `url_for(index, relative_path)`."""
    for index, prefix in enumerate(assets):
        def local(match: re.Match[str], index: int = index) -> str:
            return url_for(index, match.group(1))

        html = re.sub(re.escape(prefix) + r"([^\"'\s)<>]*)", local, html)
    return html


def widget_theme(theme: Mapping[str, Any] | None, branding: Mapping[str, Any] | None) -> dict:
    """Map the tenant's Universal Login theme (and branding) onto the widget mock's styles."""
    theme = theme or {}
    branding = branding or {}
    colors = dict(theme.get("colors", {}))
    if "primary_button" not in colors and branding.get("colors", {}).get("primary"):
        colors["primary_button"] = branding["colors"]["primary"]
    borders = theme.get("borders", {})
    widget = theme.get("widget", {})
    return {
        **colors,
        "widget_corner_radius": borders.get("widget_corner_radius"),
        "button_border_radius": borders.get("button_border_radius"),
        "input_border_radius": borders.get("input_border_radius"),
        "show_widget_shadow": borders.get("show_widget_shadow"),
        "logo_url": widget.get("logo_url") or branding.get("logo_url"),
        "logo_height": widget.get("logo_height"),
        "header_text_alignment": widget.get("header_text_alignment"),
    }


def render_sample(
    artifact: Artifact, scenario: Scenario, theme: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None, *, languages: Languages | None = None,
    language: str | None = None, surface: Surface | None = None,
) -> Sample:
    """Render one page, email or phone message through Liquid with the scenario's data.

    With the brand's `languages`, `language` renders it for a reader of that language (the
    variables Auth0 sets, the custom text); None keeps the language the scenario names.
    The tenant's `surface` puts its prompt partials into the widget mock and its
    organizations' branding into the data of a scenario naming one of them.
    """
    data: Mapping[str, Any] = scenario.data
    if languages is None:
        language = None
    elif language is None:
        language = chosen_language(artifact, data, languages)
    else:
        data = in_language(artifact, data, language, languages)
    data = with_organization(surface, data)
    if artifact.kind == "phone":
        return Sample(artifact, scenario, render_phone(artifact, data, language), None, language)
    head = widget = ""
    if artifact.kind == "page" and artifact.name == "login":
        prompt = data.get("prompt", {})
        screen = prompt.get("screen", {})
        prompt_name = prompt.get("name", "login")
        screen_name = screen.get("name") or prompt_name
        texts = screen.get("texts", {})
        if languages is not None and language is not None:
            # Auth0 hands the page the same texts the widget shows: the language's own.
            texts = screen_texts(languages, prompt_name, screen_name, language, data)
            if "prompt" in data:
                data = deep_merge(data, {"prompt": {"screen": {"texts": texts}}})
        partials = render_partials(surface, prompt_name, screen_name, deep_merge(
            data, {"prompt": {"name": prompt_name, "screen": {"name": screen_name,
                                                              "texts": texts}}}))
        head = head_html()
        widget = render_widget(prompt_name, screen.get("name", ""), texts, theme or {},
                               language=language, partials=partials)
    html = render_liquid(artifact.content, data, head_html=head, widget_html=widget,
                         name=artifact.path)
    if artifact.kind == "page" and artifact.name == "password_reset":
        html = stub_change_password_widget(html, theme)
    subject = None
    if settings and settings.get("subject"):
        subject = render_liquid(settings["subject"], data, name=f"{artifact.path} (subject)")
    return Sample(artifact, scenario, html, subject, language)


def render_samples(
    artifacts: Iterable[Artifact], scenarios: Mapping[str, tuple[Scenario, ...]],
    languages: Languages | None = None, progress: Callable[[str, int, int], None] | None = None,
) -> Iterator[Sample]:
    """Render every page and email of a build in each of its scenarios.

    With `languages`, each output's first scenario is rendered once per language and the
    others in the language they name: every language is seen without multiplying every
    scenario by every language. `progress("render", done, total)` follows the rendering.
    """
    artifacts = list(artifacts)
    by_key = {(a.tenant, a.kind, a.name): a for a in artifacts}

    def parsed(tenant: str, kind: str, name: str) -> Any:
        found = by_key.get((tenant, kind, name))
        return json.loads(found.content) if found else None

    themes: dict[str, dict] = {}  # per tenant: only the login widget uses it
    surface = surfaces(artifacts)
    # Listed first, so progress knows the total before the first (slow) rendering.
    planned = [(artifact, scenario, language)
               for artifact in artifacts if artifact.kind in RENDERED_KINDS
               for index, scenario in enumerate(scenarios_for(scenarios, artifact.kind,
                                                               artifact.name))
               for language in (languages.codes if languages and index == 0 else (None,))]
    for done, (artifact, scenario, language) in enumerate(planned, 1):
        tenant = artifact.tenant
        if artifact.kind == "page" and artifact.name in _THEMED and tenant not in themes:
            themes[tenant] = widget_theme(parsed(tenant, "theme", "theme"),
                                          parsed(tenant, "branding", "branding"))
        yield render_sample(artifact, scenario, themes.get(tenant),
                            parsed(tenant, "email_settings", artifact.name),
                            languages=languages, language=language,
                            surface=surface.get(tenant))
        if progress is not None:
            progress("render", done, len(planned))
