"""Our own HTML as Jinja templates: shipped as package data, every user value escaped."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path

import jinja2
import pytest

from auth0_branding.build.artifacts import Artifact
from auth0_branding.errors import Location, Problem
from auth0_branding.preview.pages import (
    Card,
    Chip,
    index_page,
    message_page,
    raw_page,
    reload_client,
    view_page,
)
from auth0_branding.render.html_templates import TEMPLATES, html_template
from auth0_branding.render.phone import render_phone
from auth0_branding.render.widget import render_widget
from auth0_branding.review.gallery import render_gallery
from auth0_branding.review.views import Comparison, Review, View

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("auth0_branding.render", "auth0_branding.preview", "auth0_branding.review")
HOSTILE = """<script>alert("x")</script>'s"""
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#x27;s"


def _template_files(package: str) -> set[str]:
    folder = resources.files(package) / TEMPLATES
    return {entry.name for entry in folder.iterdir() if entry.name.endswith(".html")}


def _assert_escaped(page: str, at_least: int) -> None:
    assert "<script>alert" not in page
    assert page.count(ESCAPED) >= at_least


def test_each_package_finds_its_templates_through_importlib_resources() -> None:
    found = {package: _template_files(package) for package in PACKAGES}

    assert found == {
        "auth0_branding.render": {"widget.html", "change_password_stub.html", "phone.html"},
        "auth0_branding.preview": {"page.html", "index.html", "view.html", "raw.html",
                                   "message.html", "reload_client.html"},
        "auth0_branding.review": {"gallery.html"},
    }


def test_templates_autoescape_and_refuse_undefined_values() -> None:
    template = html_template("auth0_branding.preview", "message.html")

    with pytest.raises(jinja2.UndefinedError):
        template.render(title="t")
    assert ESCAPED in template.render(title=HOSTILE, message="m", where=None)


def test_wheel_ships_every_template(tmp_path: Path) -> None:
    pytest.importorskip("setuptools")
    pytest.importorskip("wheel")
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(REPO / "pyproject.toml", source)
    shutil.copy(REPO / "README.md", source)
    shutil.copytree(REPO / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = tmp_path / "wheels"

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--no-index", "-q", "-w", str(out), str(source)],
                   check=True, capture_output=True, timeout=300)

    (wheel,) = out.glob("auth0_branding-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in PACKAGES:
        folder = package.replace(".", "/") + "/" + TEMPLATES
        assert {f"{folder}/{name}" for name in _template_files(package)} <= names, package
    assert "auth0_branding/render/widget.css" in names
    assert "auth0_branding/auth0/prompt_texts.json" in names  # the custom-text catalogue


def test_index_escapes_hostile_tenant_scenario_subject_and_findings() -> None:
    cards = [Card(HOSTILE, "email", HOSTILE, 10, "/view/x", "/raw/x", "/render/x", HOSTILE, 1,
                  (Chip(HOSTILE, "/view/x/y", HOSTILE),))]
    problems = [Problem("warning", "W1", HOSTILE, Location(HOSTILE, 3))]

    page = index_page(HOSTILE, cards, problems)

    # title (twice), tenant (data-tenant, heading), data-output, data-search, the thumbnail's
    # title, the name, the subject, the scenario chip (data-scenario, title, label), the
    # finding's location and message
    _assert_escaped(page, 14)


def test_frame_raw_and_message_views_escape_hostile_values() -> None:
    view = view_page(tenant=HOSTILE, kind="email", name=HOSTILE, scenario=HOSTILE,
                     scenarios=[HOSTILE], width="600", subject=HOSTILE,
                     frame_url='/frame?x="><script>', raw_url="/raw/x")
    raw = raw_page(tenant=HOSTILE, kind="email", name=HOSTILE, content=HOSTILE,
                   settings=HOSTILE, back_url="/")
    message = message_page(HOSTILE, HOSTILE, HOSTILE)

    _assert_escaped(view, 5)
    assert 'src="/frame?x=&quot;&gt;&lt;script&gt;"' in view
    _assert_escaped(raw, 5)
    _assert_escaped(message, 4)


def test_reload_client_keeps_a_hostile_watch_inside_its_script() -> None:
    client = reload_client("</script><script>alert(1)</script>", 3)

    assert client.count("</script>") == 1 and client.endswith("</script>\n")
    assert "<script>alert" not in client


def test_gallery_escapes_hostile_tenant_scenario_output_and_base() -> None:
    view = View(HOSTILE, "page", HOSTILE, HOSTILE, 375)
    review = Review(Path("out"), HOSTILE,
                    (Comparison(view, "changed", "b/x.png", "a/x.png", "d/x.png", 5, 100),),
                    (HOSTILE,), 1.0)

    page = render_gallery(review)

    # title (twice), base, nav, tenant heading, output heading, caption
    _assert_escaped(page, 7)
    assert 'id="tenant-%3Cscript%3Ealert%28%22x%22%29%3C%2Fscript%3E%27s"' in page


def test_widget_escapes_hostile_texts_in_content_and_attributes() -> None:
    html = render_widget(HOSTILE, HOSTILE, {"title": HOSTILE, "logoAltText": HOSTILE,
                                            "footerText": HOSTILE}, {})

    # data-prompt, data-screen, the logo's aria-label, the title
    _assert_escaped(html, 4)


def test_phone_mock_escapes_a_hostile_sender_text_and_voice() -> None:
    message = {"type": "otp_verify", "disabled": False, "content": {
        "syntax": "liquid", "from": HOSTILE, "body": {"text": HOSTILE, "voice": HOSTILE}}}
    artifact = Artifact("dev", "phone", "otp_verify", "dev/phone/otp_verify.json",
                        "branding/phone/templates/otp_verify", json.dumps(message))

    # the sender, the SMS bubble, the voice text
    _assert_escaped(render_phone(artifact, {}, None), 3)
