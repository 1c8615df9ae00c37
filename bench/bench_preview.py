"""Measure the preview's latency from a file save to the reload event its tab receives.

Run from the repository root:  python bench/bench_preview.py [--edits 20] [--brand brand]

Each edit writes a real file in a temporary copy of the brand; the clock stops when the
Server-Sent Event `reload` arrives on a stream watching the affected output, so the figure
includes the watcher, the debounce window, the (incremental) rebuild and the push. A full
rebuild (a token edit) builds the outputs open tabs show first and tells them at once; the
"whole rebuild" column is the time until every output is rebuilt.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from auth0_branding.preview.site import start_preview  # noqa: E402
from auth0_branding.preview.watch import QUIET_S  # noqa: E402
from auth0_branding.render.liquidjs import liquidjs_engine  # noqa: E402

log = logging.getLogger(__name__)

WARMUP = 2
VIEW_SCENARIO = {"email": "default", "page": "login"}
PAUSE_S = 0.25  # between edits, so two saves never share one debounce window
TIMEOUT_S = 10.0


class ReloadStream:
    """One event stream watching one output; `wait()` returns when a reload arrives."""

    def __init__(self, base: str, watch: str) -> None:
        parts = urlsplit(base)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=TIMEOUT_S)
        self.sock.sendall(f"GET /_live/events?watch={quote(watch, safe='')} HTTP/1.1\r\n"
                          f"Host: {parts.netloc}\r\n\r\n".encode())
        self.lines = self.sock.makefile("rb")

    def wait(self) -> float:
        """Block until the next `reload` event; return the time it was read."""
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            line = self.lines.readline()
            if not line:
                break
            if line.strip() == b"event: reload":
                return time.perf_counter()
        raise RuntimeError("no reload event within the timeout")

    def skip_pending(self) -> None:
        """Consume whatever the stream has already sent."""
        self.sock.setblocking(False)
        try:
            while self.lines.read1(65536):
                pass
        except (BlockingIOError, TypeError):
            pass
        finally:
            self.sock.settimeout(TIMEOUT_S)

    def close(self) -> None:
        self.lines.close()
        self.sock.close()


def measure(server_url: str, watch: str, edits: int, save: Callable[[int], None],
            rebuild_times: list[float]) -> tuple[list[float], list[float], list[float]]:
    """Save `edits` times (after a warm-up); return save->event, rebuild-only and view times.

    The view time is the GET of the edited view that the reloading tab makes: the output
    rendered through Liquid with its first scenario's data.
    """
    stream = ReloadStream(server_url, watch)
    view = f"{server_url}/view/{watch}/{VIEW_SCENARIO[watch.split('/')[1]]}"
    latencies: list[float] = []
    rebuilds: list[float] = []
    views: list[float] = []
    try:
        time.sleep(PAUSE_S)
        for n in range(WARMUP + edits):
            stream.skip_pending()
            del rebuild_times[:]
            save(n)
            saved = time.perf_counter()
            received = stream.wait()
            with urlopen(view, timeout=TIMEOUT_S) as answer:
                answer.read()
            viewed = time.perf_counter()
            time.sleep(PAUSE_S)  # the rebuild's own timing is reported just after its event
            if n >= WARMUP:
                latencies.append(received - saved)
                rebuilds.extend(rebuild_times[-1:])
                views.append(viewed - received)
    finally:
        stream.close()
    return latencies, rebuilds, views


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _replace(path: Path, text: str, old: str, new: str) -> None:
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--brand", type=Path, default=ROOT / "brand")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    shutil.copytree(args.brand, work / "brand")
    os.chdir(work)
    brand = Path("brand")
    rebuild_times: list[float] = []
    server, first = start_preview(
        brand, port=0, on_rebuilt=lambda rebuilt, seconds: rebuild_times.append(seconds))
    if first.failure is not None:
        raise SystemExit(f"the brand does not build: {first.failure}")
    email = brand / "templates/emails/verify_email.html"
    page = brand / "templates/pages/login.html"
    tokens = brand / "tokens/semantic.tokens.json"
    originals = {p: p.read_text(encoding="utf-8") for p in (email, page, tokens)}
    cases = [
        ("single email template (verify_email.html: 3 tenants' emails)", "prod/email/verify_email",
         lambda n: _replace(email, originals[email], '<p class="ap-muted">',
                            f'<p class="ap-muted" data-edit="{n}">')),
        ("single page template (login.html: 3 tenants' pages)", "prod/page/login",
         lambda n: _replace(page, originals[page], '<p class="ap-notice">',
                            f'<p class="ap-notice" data-edit="{n}">')),
        ("token edit (semantic color.brand.primary: full rebuild)", "prod/page/login",
         lambda n: _replace(tokens, originals[tokens], '"primary": { "$value": "{palette.pine.600}"',
                            f'"primary": {{ "$value": "#12{n % 256:02x}56"')),
    ]
    outputs = len(server.site.snapshot.result.artifacts)
    print(f"brand: {args.brand} ({outputs} artifacts), edits per case: {args.edits} "
          f"(+{WARMUP} warm-up), debounce quiet window: {QUIET_S * 1000:.0f} ms")
    engine = "LiquidJS" if liquidjs_engine() is not None else "python-liquid"
    print(f"Liquid rendered by {engine}; load average {os.getloadavg()[0]:.1f}")
    print("| edit | p50 save->reload | p95 save->reload | max | p50 whole rebuild "
          "| p50 view GET | p95 view GET |")
    print("|---|---|---|---|---|---|---|")
    try:
        for label, watch, save in cases:
            latencies, rebuilds, views = measure(server.url, watch, args.edits, save,
                                                 rebuild_times)
            ms = [v * 1000 for v in latencies]
            view_ms = [v * 1000 for v in views]
            print(f"| {label} | {statistics.median(ms):.0f} ms | {percentile(ms, 0.95):.0f} ms "
                  f"| {max(ms):.0f} ms | {statistics.median(rebuilds) * 1000:.0f} ms "
                  f"| {statistics.median(view_ms):.0f} ms | {percentile(view_ms, 0.95):.0f} ms |")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
