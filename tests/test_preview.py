"""The preview server over real HTTP: index, views, methods, traversal, events, rebuilds."""

from __future__ import annotations

import html
import http.client
import json
import logging
import os
import queue
import re
import selectors
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from click.testing import CliRunner

from auth0_branding.brand.scenarios import load_scenarios
from auth0_branding.build.builder import build
from auth0_branding.cli import cli
from auth0_branding.dist import writer as dist_writer
from auth0_branding.preview.events import ALL_OUTPUTS
from auth0_branding.preview.rebuild import (
    RebuildPlan,
    apply_plan,
    changed_outputs,
    full_snapshot,
    output_key,
    plan_changes,
)
from auth0_branding.preview.server import parse_target
from auth0_branding.preview.site import BrandPreview, start_preview
from auth0_branding.preview.watch import Debouncer, DependencyGraph, Watcher, is_noise
from auth0_branding.render.sample import render_samples

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
QUIET = 0.05
TENANTS = ("dev", "staging", "prod")
PAGES = ("login", "password_reset", "error_page")


# -- helpers -------------------------------------------------------------------------


def wait_until(predicate: Callable[[], object], timeout: float = 10.0, step: float = 0.02):
    """Poll `predicate` until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")


def request(base: str, target: str, method: str = "GET") -> tuple[int, dict, bytes]:
    """Send `target` verbatim (no client-side normalisation) and return status, headers, body."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, target)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


class Events:
    """A Server-Sent Events client on a raw socket, read by a background thread."""

    def __init__(self, base: str, watch: str, since: int | None = None) -> None:
        parts = urlsplit(base)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        target = f"/_live/events?watch={quote(watch, safe='')}"
        if since is not None:
            target += f"&since={since}"
        self.sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        self.events: queue.Queue[tuple[str, str]] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        name, data = "message", ""
        try:
            with self.sock.makefile("rb") as stream:
                for raw in stream:  # ends when the socket closes
                    line = raw.decode().rstrip("\r\n")
                    if line.startswith("event: "):
                        name = line[7:]
                    elif line.startswith("data: "):
                        data = line[6:]
                    elif not line and data:
                        self.events.put((name, data))
                        name, data = "message", ""
        except OSError:
            pass

    def next(self, name: str, timeout: float = 10.0) -> str:
        """Return the data of the next event called `name`, skipping others."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event, data = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event == name:
                return data
        raise AssertionError(f"no {name!r} event within {timeout} s")

    def drain(self, wait: float = 0.2) -> list[str]:
        """Return the names of the events that arrive within `wait` seconds."""
        names = []
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            try:
                names.append(self.events.get(timeout=left)[0])
            except queue.Empty:
                break
        return names

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._thread.join(timeout=5)


@pytest.fixture
def brand(tmp_path, monkeypatch) -> Path:
    """A private copy of the reference brand, with the working directory beside it."""
    shutil.copytree(ROOT / "brand", tmp_path / "brand")
    monkeypatch.chdir(tmp_path)
    return Path("brand")


@pytest.fixture
def server(brand):
    rebuilds: list = []
    live, first = start_preview(brand, port=0, quiet=QUIET,
                                on_rebuilt=lambda rebuilt, seconds: rebuilds.append(rebuilt))
    assert first.failure is None
    live.rebuilds = rebuilds
    yield live
    live.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One server for the tests that only read: a brand copy with an assets folder."""
    root = tmp_path_factory.mktemp("shared")
    brand = root / "brand"
    shutil.copytree(ROOT / "brand", brand)
    folder = brand / "assets"
    (folder / "sub").mkdir(parents=True)
    (folder / "logo.svg").write_text("<svg/>")
    (folder / "sub" / "mark.svg").write_text("<svg/>")
    (folder / ".secret").write_text("hidden")
    (root / "outside.txt").write_text("secret")
    (folder / "outside.txt").symlink_to(root / "outside.txt")
    (folder / "escape").symlink_to(root)
    (folder / "inside.svg").symlink_to(folder / "logo.svg")
    live, first = start_preview(brand, port=0, quiet=QUIET)
    assert first.failure is None
    live.brand = brand
    yield live
    live.stop()


@pytest.fixture
def events(server):
    opened: list[Events] = []

    def open_stream(watch: str) -> Events:
        stream = Events(server.url, watch)
        opened.append(stream)
        stream.next("ok")  # the state every stream hears first: the stream is live
        return stream

    yield open_stream
    for stream in opened:
        stream.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the index and the views ---------------------------------------------------------


def test_index_lists_every_tenant_output_and_scenario_with_subject_and_size(shared):
    from auth0_branding.checks.validate import check_build

    brand = shared.brand
    status, headers, body = request(shared.url, "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    result, scenarios = build(brand), load_scenarios(brand)
    samples = list(render_samples(result.artifacts, scenarios))
    assert len(samples) > 150
    cards = {m.group(1): m.group(0) for m in re.finditer(
        r'<article class="card" data-output="([^"]+)".*?</article>', page, re.S)}
    for sample in samples:
        a = sample.artifact
        href = f"/view/{a.tenant}/{a.kind}/{a.name}/{quote(sample.scenario.name)}"
        card = cards.get(f"{a.tenant}/{a.kind}/{a.name}")
        assert card, href
        # Each scenario is a chip, its email subject as the chip's title.
        chip = re.search(rf'<a class="chip" href="{re.escape(href)}" data-scenario="[^"]+"'
                         r'(?: title="([^"]*)")?>', card)
        assert chip, href
        assert f'data-bytes="{a.size}"' in card
        if a.kind == "email":
            assert sample.subject and chip.group(1) == html.escape(sample.subject, quote=True)
    assert {s.artifact.tenant for s in samples} == set(TENANTS)
    for tenant in TENANTS:
        for kind in ("branding", "theme"):
            assert f"{tenant}/{kind}/{kind}" in cards
    assert "Checks: no warnings." in page and not check_build(result)


def test_index_names_the_liquid_engine_and_warns_when_it_is_not_liquidjs(
    shared, monkeypatch: pytest.MonkeyPatch
):
    from auth0_branding.render import liquidjs

    page = request(shared.url, "/")[2].decode()
    if liquidjs.liquidjs_engine() is not None:
        assert ('<p class="problems" id="liquid-engine">Liquid rendered by LiquidJS 10.30.1, '
                "as Auth0 renders it.</p>") in page
    liquidjs.stop_liquidjs()
    monkeypatch.setenv(liquidjs.ENGINE_VARIABLE, "python")
    try:
        page = request(shared.url, "/")[2].decode()
    finally:
        monkeypatch.undo()
        liquidjs.stop_liquidjs()
    assert ('<span class="warning">WARNING</span> Liquid is rendered by python-liquid, not '
            "LiquidJS (AUTH0_BRANDING_LIQUID=python): some views may differ from what Auth0 "
            "renders (docs/architecture.md).</p>") in page


def test_index_shows_the_check_warnings(server, brand):
    from auth0_branding.checks.validate import check_build

    edit(brand / "templates/emails/welcome_email.html", "[[ greeting() ]]",
         "[[ greeting() ]]<p>{{ user.email | xml_escape }}</p>")
    wait_until(lambda: server.rebuilds)
    problems = [p for p in check_build(build(brand)) if p.severity == "warning"]
    assert problems
    page = request(server.url, "/")[2].decode()
    for problem in problems:
        assert html.escape(problem.message) in page
    assert "Checks: no warnings." not in page


@pytest.mark.parametrize(("kind", "name", "scenario", "widths"), [
    ("email", "verify_email", "rtl", ("375", "600")),
    ("page", "login", "mfa", ("375", "1280")),
])
def test_view_has_a_frame_width_toggles_and_a_raw_view(shared, kind, name, scenario, widths):
    server = shared
    page = request(server.url, f"/view/prod/{kind}/{name}/{scenario}")[2].decode()
    frame = f"/render/prod/{kind}/{name}/{scenario}?embed=1"
    assert f'<iframe data-live-frame name="preview" title="{name}" src="{frame}"' in page
    for width in widths:
        assert f"/view/prod/{kind}/{name}/{scenario}?w={width}" in page
    unwanted = {"600", "1280"} - set(widths)
    assert f"?w={unwanted.pop()}" not in page
    assert f"width:{widths[1]}px" in page  # desktop by default
    assert "width:375px" in request(server.url, f"/view/prod/{kind}/{name}/{scenario}?w=375")[
        2].decode()
    assert "EventSource" in page and f'"prod/{kind}/{name}"' in page
    rendered = request(server.url, frame)[2].decode()
    assert "EventSource" not in rendered  # the frame's parent listens for it
    assert "EventSource" in request(server.url, frame.split("?")[0])[2].decode()
    if kind == "email":
        assert 'dir="rtl"' in rendered and '<strong id="subject" dir="auto" data-live-text>' in page
    else:
        assert 'data-prompt="mfa' in rendered and "{%" not in rendered


def test_raw_view_shows_the_built_output_with_liquid_intact(shared):
    server, result = shared, build(shared.brand)
    email = next(a for a in result.artifacts if a.path == "dev/emails/verify_email.html")
    page = request(server.url, "/raw/dev/email/verify_email")[2].decode()
    shown = re.search(r'<pre class="raw" id="raw">(.*?)</pre>', page, re.DOTALL).group(1)
    assert html.unescape(shown) == email.content
    assert "{{ url }}" in email.content and "&lt;html" in shown
    settings = re.search(r'<pre class="raw" id="settings">(.*?)</pre>', page, re.DOTALL)
    assert json.loads(html.unescape(settings.group(1)))["template"] == "verify_email"


def test_unknown_outputs_and_scenarios_are_404(shared):
    server = shared
    for target in ("/view/dev/page/nope/login", "/view/dev/page/login/nope",
                   "/render/nobody/page/login/login", "/raw/dev/email_settings/verify_email",
                   "/view/dev/email/verify_email/default/extra", "/nothing"):
        assert request(server.url, target)[0] == 404, target


# -- methods and paths ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
                                    "PROPFIND", "FOO"])
def test_only_get_and_head_are_served(shared, method):
    status, headers, _ = request(shared.url, "/", method)
    assert status == 405 and headers["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("host, status", [
    ("localhost:8000", 200), ("127.0.0.1:8000", 200), ("[::1]:8000", 200), ("127.0.0.1", 200),
    ("attacker.example", 403), ("attacker.example:8000", 403), ("127.0.0.1.nip.io", 403),
])
def test_a_loopback_preview_refuses_foreign_host_names(shared, host, status):
    """DNS rebinding would let a web page read the preview; only loopback names are served."""
    parts = urlsplit(shared.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest("GET", "/", skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        assert conn.getresponse().status == status
    finally:
        conn.close()


def test_head_answers_like_get_without_a_body(shared):
    server = shared
    for target in ("/", "/view/dev/page/login/login", "/raw/dev/theme/theme"):
        get_status, get_headers, get_body = request(server.url, target)
        status, headers, body = request(server.url, target, "HEAD")
        assert (status, body) == (get_status, b"")
        assert headers["Content-Length"] == str(len(get_body)) == get_headers["Content-Length"]
    status, headers, body = request(server.url, "/_live/events?watch=*", "HEAD")
    assert (status, headers["Content-Type"], body) == (200, "text/event-stream", b"")


def test_assets_are_served_from_the_tree(shared):
    for target in ("/assets/0/logo.svg", "/assets/0/sub/mark.svg", "/assets/0/inside.svg"):
        status, headers, body = request(shared.url, target)
        assert (status, body, headers["Content-Type"]) == (200, b"<svg/>", "image/svg+xml")


def test_rendered_views_take_remote_assets_from_the_local_folders(shared):
    page = request(shared.url, "/render/prod/page/login/login")[2].decode()
    assert "https://assets.alderandpine.example/" not in page
    assert 'href="/assets/0/brand/favicon-64.png"' in page
    status, headers, body = request(shared.url, "/assets/0/brand/logo-256.png")
    assert (status, headers["Content-Type"]) == (200, "image/png")
    assert body == (shared.brand / "assets/brand/logo-256.png").read_bytes()
    raw = request(shared.url, "/raw/prod/page/login")[2].decode()
    assert "https://assets.alderandpine.example/brand/favicon-64.png" in raw  # as built


@pytest.mark.parametrize("target", [
    "/../brand.toml", "/assets/0/../tenants.toml", "/assets/0/../../outside.txt",
    "/assets/0/%2e%2e/tenants.toml", "/assets/0/%2E%2E/%2E%2E/outside.txt",
    "/assets/0/.%2e/brand.toml", "/assets/0/%2e%2e%2ftenants.toml", "/assets/0/..%2Ftenants.toml",
    "/assets/0/..%5ctenants.toml", "/assets/0/%252e%252e/tenants.toml", "/assets/%2e%2e/brand.toml",
    "/%2e%2e/%2e%2e/etc/passwd", "/assets/0/%00logo.svg", "//etc/passwd", "/etc/passwd",
    "/assets/0//etc/passwd", "/assets/0/%2fetc%2fpasswd", "/assets//etc/passwd",
    "http://127.0.0.1/assets/0/../tenants.toml", "/assets/0/outside.txt",
    "/assets/0/escape/outside.txt", "/assets/0/escape/brand/tenants.toml", "/assets/0/",
    "/assets/0", "/assets/", "/assets", "/assets/0/sub", "/assets/0/sub/", "/assets/0/.secret",
    "/assets/1/logo.svg", "/assets/-1/logo.svg", "/assets/logo.svg",
    "/raw/../../brand/tenants.toml", "/view/dev/page/login/%2e%2e", "/brand/tenants.toml",
    "/templates/pages/login.html",
])
def test_traversal_symlinks_and_directories_are_404(shared, target):
    status, _, body = request(shared.url, target)
    assert status == 404, body
    assert b"secret" not in body and b"[tenants." not in body


def test_parse_target_keeps_plain_names_only():
    assert parse_target("/") == ((), {})
    assert parse_target("/view/dev/email/verify_email/long-name?w=375") == (
        ("view", "dev", "email", "verify_email", "long-name"), {"w": "375"})
    assert parse_target("/a%20b/") == (("a b",), {})
    for bad in ("..", "/..", "/a/../b", "/%2e%2e", "/a%2fb", "/a%5cb", "/a//b", "x", "//a",
                "/%ff", "/a%00"):
        assert parse_target(bad) is None, bad


# -- rebuilds and events -------------------------------------------------------------


def test_template_edit_reloads_only_tabs_showing_an_affected_output(server, brand, events):
    verify, login, other = (events(f"{t}/{k}/{n}") for t, k, n in (
        ("dev", "email", "verify_email"), ("dev", "page", "login"),
        ("prod", "email", "welcome_email")))
    index = events(ALL_OUTPUTS)
    edit(brand / "templates/emails/verify_email.html", "</h1>", "</h1><p>Hello there</p>")
    verify.next("reload")
    index.next("reload")
    assert "reload" not in login.drain() + other.drain()
    assert len(server.rebuilds) == 1
    assert server.rebuilds[0].changed == {f"{t}/email/verify_email" for t in TENANTS}
    page = request(server.url, "/render/dev/email/verify_email/default")[2].decode()
    assert "Hello there" in page


def test_a_stream_opened_after_a_change_reloads_at_once(server, brand):
    since = int(re.search(r"since = (\d+)", request(server.url, "/raw/dev/page/login")[2]
                          .decode()).group(1))
    edit(brand / "templates/partials/legal.html", "</", " (edited)</")
    wait_until(lambda: server.rebuilds)
    late = Events(server.url, "dev/page/login", since=since)
    try:
        late.next("reload")
    finally:
        late.close()


def test_a_stream_whose_tab_left_before_the_headers_is_released(server, monkeypatch):
    """A tab closed while the event stream's headers go out must not hold a stream slot."""
    from auth0_branding.preview.server import _Handler

    def gone(self) -> None:
        raise BrokenPipeError("the tab went away")

    monkeypatch.setattr(_Handler, "end_headers", gone)
    for _ in range(3):
        try:
            request(server.url, "/_live/events?watch=*")
        except (OSError, http.client.HTTPException):
            pass
    monkeypatch.undo()
    wait_until(lambda: not server.hub._streams, timeout=5)


def _stream_status(base: str) -> str:
    """Open an event stream and return its status line, then hang up."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(f"GET /_live/events?watch=* HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n"
                     .encode())
        with sock.makefile("rb") as stream:
            return stream.readline().decode().strip()


def test_streams_of_closed_tabs_are_released_at_once(shared):
    """A hundred tabs come and go; the next one is served at once, not after a keep-alive."""
    for _ in range(100):
        tab = Events(shared.url, ALL_OUTPUTS)
        tab.next("ok")
        tab.close()
    assert _stream_status(shared.url).endswith(" 200 OK")
    wait_until(lambda: not shared.hub._streams, timeout=2)


def test_a_watch_with_a_line_break_cannot_forge_events(shared):
    target = "/_live/events?watch=" + quote("x\nevent: failure\ndata: {}", safe="")
    assert request(shared.url, target)[0] == 404


def test_token_edit_rebuilds_everything(server, brand, events):
    login = events("prod/page/login")
    edit(brand / "tokens/semantic.tokens.json", '"primary": { "$value": "{palette.pine.600}"',
         '"primary": { "$value": "#123456"')
    login.next("reload")
    assert "#123456" in request(server.url, "/raw/prod/page/login")[2].decode()
    for _ in range(200):  # the reload comes before the rest of the brand is rebuilt
        if server.rebuilds:
            break
        time.sleep(0.05)
    rebuilt = server.rebuilds[-1]
    # The open tab's page was built and told first; the rest of the brand after it.
    assert rebuilt.told == {"prod/page/login"}
    assert {f"prod/page/{p}" for p in PAGES} - {"prod/page/login"} <= rebuilt.changed
    assert {"prod/theme/theme", "prod/branding/branding"} <= rebuilt.changed
    assert "reload" not in login.drain()  # told once


@pytest.mark.parametrize("watched", [frozenset({"prod/page/login"}),
                                     frozenset({"dev/email/verify_email", "staging/page/login"})])
def test_a_full_rebuild_builds_the_watched_outputs_first(brand, watched):
    site = BrandPreview(brand)
    site.rebuild(frozenset())
    snapshot = site.snapshot
    before = {output_key(a): a.content for a in snapshot.result.artifacts}
    tokens = brand / "tokens/semantic.tokens.json"
    edit(tokens, '"primary": { "$value": "{palette.pine.600}"', '"primary": { "$value": "#123456"')
    early: list = []

    def told(rebuilt) -> None:
        served = {output_key(a): a.content for a in site.snapshot.result.artifacts}
        early.append((rebuilt.changed, served))

    rebuilt = site.rebuild(frozenset({tokens}), watched, told)

    everything = changed_outputs(snapshot, full_snapshot(brand, ()))  # as one phase would
    [(first, served)] = early
    assert first == watched & everything and first  # dev has its own primary colour
    assert all(served[key] != before[key] for key in first)
    # Served while the rest was built: the tenants no tab shows, as they were.
    tenants = {key.split("/")[0] for key in watched}
    assert all(served[key] == before[key] for key in served if key.split("/")[0] not in tenants)
    assert rebuilt.told == first and not rebuilt.changed & first
    assert rebuilt.changed | rebuilt.told == everything
    expected = build(brand)
    assert [(a.path, a.content) for a in site.snapshot.result.artifacts] == [
        (a.path, a.content) for a in expected.artifacts]


@pytest.fixture
def patient_server(brand):
    """A preview whose quiet window is wide enough that a loaded machine can't split a burst."""
    rebuilds: list = []
    live, first = start_preview(brand, port=0, quiet=0.3,
                                on_rebuilt=lambda rebuilt, seconds: rebuilds.append(rebuilt))
    assert first.failure is None
    live.rebuilds = rebuilds
    yield live
    live.stop()


def test_a_save_burst_rebuilds_once(patient_server, brand):
    server = patient_server
    login = Events(server.url, "staging/page/login")
    login.next("ok")
    template = brand / "templates/pages/login.html"
    text = template.read_text()
    # What an editor does on save: probe file, backup by rename, several writes, clean-up.
    (brand / "templates/pages/4913").write_text("")
    (brand / "templates/pages/4913").unlink()
    template.rename(brand / "templates/pages/login.html~")
    for n in range(5):
        template.write_text(text.replace('class="ap-notice"', f'class="ap-notice save-{n}"', 1))
        (brand / "templates/pages/.login.html.swp").write_text(str(n))
        time.sleep(0.005)
    (brand / "templates/pages/login.html~").unlink()
    (brand / "templates/pages/.login.html.swp").unlink()
    try:
        login.next("reload")
        assert "reload" not in login.drain(0.5)
        assert len(server.rebuilds) == 1
        assert "ap-notice save-4" in request(server.url, "/raw/staging/page/login")[2].decode()
    finally:
        login.close()


def test_debouncer_batches_until_quiet():
    batches: list[frozenset[Path]] = []
    debouncer = Debouncer(batches.append, quiet=0.1, max_wait=5)
    debouncer.start()
    try:
        for n in range(6):
            debouncer.add([Path(f"/x/{n % 3}")])
            time.sleep(0.01)
        wait_until(lambda: batches, timeout=3)
        time.sleep(0.15)
        assert batches == [frozenset(Path(f"/x/{n}") for n in range(3))]
    finally:
        debouncer.stop()


def test_debouncer_never_waits_past_max_wait():
    batches: list[frozenset[Path]] = []
    debouncer = Debouncer(batches.append, quiet=0.1, max_wait=0.15)
    debouncer.start()
    try:
        deadline = time.monotonic() + 0.6
        while time.monotonic() < deadline:  # a steady stream, never quiet for 0.1 s
            debouncer.add([Path("/x/a")])
            time.sleep(0.02)
        assert len(batches) >= 2
    finally:
        debouncer.stop()


def test_watcher_ignores_editor_scratch_files(tmp_path):
    batches: list[frozenset[Path]] = []
    watcher = Watcher(tmp_path, batches.append, quiet=0.1)
    watcher.start()
    try:
        for name in ("4913", ".a.html.swp", "a.html~", "#a.html#", "a.html.tmp"):
            (tmp_path / name).write_text("x")
        (tmp_path / "a.html").write_text("x")
        wait_until(lambda: batches, timeout=5)
        time.sleep(0.2)
        assert batches == [frozenset({(tmp_path / "a.html").resolve()})]
    finally:
        watcher.stop()
    assert all(is_noise(Path(n)) for n in ("4913", ".x.swp", "x~", "x___jb_tmp___"))
    assert not is_noise(Path("brand/templates/emails/verify_email.html"))


# -- the dependency graph --------------------------------------------------------------


def test_dependency_graph_maps_each_source_to_its_outputs(brand):
    snapshot = full_snapshot(brand, ())

    def plan(*names: str, failing: bool = False) -> RebuildPlan:
        return plan_changes(snapshot, brand, [brand / n for n in names], failing)

    emails = [n.stem for n in sorted((brand / "templates/emails").glob("*.html"))]
    all_emails = {f"{t}/email/{e}" for t in TENANTS for e in emails}
    all_pages = {f"{t}/page/{p}" for t in TENANTS for p in PAGES}
    # The phone messages' views read the common fixtures and the assets like every view.
    messages = {n.name.split(".")[0] for n in (brand / "templates/phone").glob("*.txt")}
    all_phones = {f"{t}/phone/{m}" for t in TENANTS for m in messages}
    assert len(all_phones) == 3 * 5
    assert plan("templates/emails/verify_email.html") == RebuildPlan(
        outputs=frozenset(f"{t}/email/verify_email" for t in TENANTS))
    assert plan("templates/pages/error_page.html").outputs == {
        f"{t}/page/error_page" for t in TENANTS}
    assert plan("templates/layouts/page.html").outputs == all_pages
    assert plan("templates/partials/panel.html").outputs == all_pages
    assert plan("templates/partials/email.html").outputs == all_emails
    assert plan("templates/layouts/email.html").outputs == all_emails
    # build.py lists every .scss file as a source of every page and email.
    assert plan("styles/partials/_base.scss").outputs == all_pages | all_emails
    for everything in ("tokens/core.tokens.json", "tokens/semantic.tokens.json",
                       "tenants.toml", "brand.toml"):
        assert plan(everything) == RebuildPlan(full=True), everything
    assert plan("fixtures/login.json") == RebuildPlan(
        fixtures=True, rerender=frozenset(f"{t}/page/login" for t in TENANTS))
    assert plan("fixtures/emails.json") == RebuildPlan(fixtures=True, rerender=frozenset(all_emails))
    assert plan("fixtures/common.json").rerender == all_pages | all_emails | all_phones
    assert plan("assets/logo.svg") == RebuildPlan(
        rerender=frozenset(all_pages | all_emails | all_phones))
    assert plan("templates/partials/unused.html").empty
    assert plan_changes(snapshot, brand, [Path("/etc/passwd")]).empty
    assert plan("templates/partials/unused.html", failing=True) == RebuildPlan(full=True)
    assert plan("assets/logo.svg", failing=True) == plan("assets/logo.svg")
    assert plan_changes(None, brand, []) == RebuildPlan()


_TEMPLATE_EDITS = {
    "email partial and page": [("templates/partials/email.html", "<br>", "<br><br>"),
                               ("templates/pages/login.html", 'class="ap-notice"',
                                'class="ap-notice ours"')],
    # One prompt's partials among others: the other prompts' partials stay as they were.
    "prompt partial": [("templates/prompts/login/login/form-footer-end.html",
                        'class="ap-help"', 'class="ap-help ours"')],
    "phone message": [("templates/phone/otp_verify.txt", "[[ t(", "Ours: [[ t(")],
}


@pytest.mark.parametrize("edits", _TEMPLATE_EDITS.values(), ids=_TEMPLATE_EDITS.keys())
def test_incremental_rebuild_equals_a_full_build(brand, edits):
    snapshot = full_snapshot(brand, ())
    for path, old_text, new_text in edits:
        edit(brand / path, old_text, new_text)
    plan = plan_changes(snapshot, brand, [brand / path for path, _, _ in edits])
    assert not plan.full and plan.outputs
    after = apply_plan(snapshot, plan, brand, ())
    expected = build(brand)
    assert [(a.path, a.content, a.sources) for a in after.result.artifacts] == [
        (a.path, a.content, a.sources) for a in expected.artifacts]
    untouched = {output_key(a) for a in expected.artifacts} - plan.outputs
    old = {a.path: a for a in snapshot.result.artifacts}
    for artifact in after.result.artifacts:
        if output_key(artifact) in untouched:
            assert artifact is old[artifact.path]  # reused, not rebuilt


def test_a_catalogue_edit_reaches_the_rebuilt_outputs(brand):
    snapshot = full_snapshot(brand, ())
    edit(brand / "translations/en.json", "Thanks for joining", "Welcome aboard")
    plan = plan_changes(snapshot, brand, [brand / "translations/en.json"])
    after = apply_plan(snapshot, plan, brand, ())
    verify = next(a for a in after.result.artifacts if a.path == "dev/emails/verify_email.html")
    assert "Welcome aboard" in verify.content


def test_dependency_graph_inverts_sources(tmp_path):
    graph = DependencyGraph.of({"a": [tmp_path / "x", tmp_path / "y"], "b": [tmp_path / "y"]})
    assert graph.affected([tmp_path / "y"]) == {"a", "b"}
    assert graph.affected([tmp_path / "x", tmp_path / "z"]) == {"a"}
    assert tmp_path / "x" in graph and tmp_path / "z" not in graph


# -- failures --------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "old", "new", "line"), [
    ("templates/pages/login.html", "[% block main %]", "[% block main %]\n[% if %]", 13),
    ("fixtures/login.json", '"scenarios"', '"scenarios" oops', None),
    ("tokens/semantic.tokens.json", '"{palette.ink.600}"', '"{palette.ink.6000}"', None),
])
def test_a_broken_source_shows_the_overlay_then_recovers(server, brand, events, path, old, new,
                                                         line):
    login = events("dev/page/login")
    before = request(server.url, "/render/dev/page/login/login")[2]
    source = brand / path
    good = source.read_text()
    edit(source, old, new)
    failure = json.loads(login.next("failure"))
    assert failure["path"] == f"brand/{path}" and failure["message"]
    if line is not None:
        assert failure["line"] == line
    else:
        assert failure["line"]
    # The last good build is still served, and new tabs hear of the failure at once.
    assert request(server.url, "/render/dev/page/login/login")[2] == before
    another = Events(server.url, "dev/page/login")
    try:
        assert json.loads(another.next("failure")) == failure
    finally:
        another.close()
    source.write_text(good)
    login.next("ok")
    assert request(server.url, "/render/dev/page/login/login")[2] == before


def test_a_failed_first_build_is_served_then_recovers(brand):
    tenants = brand / "tenants.toml"
    good = tenants.read_text()
    tenants.write_text(good.replace("[tenants.dev]", "[tenants.dev"))
    live, first = start_preview(brand, port=0, quiet=QUIET)
    try:
        assert first.failure and first.failure.path == "brand/tenants.toml"
        status, _, body = request(live.url, "/")
        assert status == 200 and b"The first build failed" in body and b"EventSource" in body
        index = Events(live.url, ALL_OUTPUTS)
        try:
            assert json.loads(index.next("failure"))["path"] == "brand/tenants.toml"
            tenants.write_text(good)
            index.next("reload")
        finally:
            index.close()
        assert b"verify_email" in request(live.url, "/")[2]
    finally:
        live.stop()


def test_serve_never_writes_dist(server, brand, tmp_path, monkeypatch, events):
    def forbidden(*args, **kwargs):
        raise AssertionError("the preview wrote dist/")

    monkeypatch.setattr(dist_writer, "write_dist", forbidden)
    repo_dist = sorted(os.listdir(ROOT / "dist"))
    login = events("dev/page/login")
    edit(brand / "templates/pages/login.html", 'class="ap-notice"', 'class="ap-notice now"')
    login.next("reload")
    for target in ("/", "/view/dev/page/login/login", "/raw/dev/page/login"):
        request(server.url, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brand"]
    assert sorted(os.listdir(ROOT / "dist")) == repo_dist


# -- the command -----------------------------------------------------------------------


def test_serve_command_starts_serves_and_stops(brand, tmp_path):
    assert [p.name for p in cli.commands["watch"].params] == [
        p.name for p in cli.commands["serve"].params]  # the same options
    assert "--no-open" in CliRunner().invoke(cli, ["serve", "--help"]).output
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--brand", "brand", "--port", "0",
         "--no-open"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        ready = selectors.DefaultSelector()
        ready.register(process.stdout, selectors.EVENT_READ)
        assert ready.select(timeout=30), "serve printed nothing within 30 s"
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        assert request(url, "/")[0] == 200
    finally:
        process.send_signal(2)  # Ctrl-C
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "Preview stopped." in out
    assert not (tmp_path / "dist").exists()
