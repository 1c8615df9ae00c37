"""Benchmark publish: 20 emulated tenants at Free-tier limits with 50 ms latency.

Run: python bench/bench_publish.py [--tenants 20] [--latency-ms 50] [--jobs 20] [--runs 3]

Three phases against one emulator, each run starting with full rate-limit buckets (as a CI
run that comes minutes after the last one would): the first publish (creates everything,
informational), the unchanged brand, and the brand with one email changed. For each it
prints API calls made against the minimum possible, and wall time against the rate-limit
floor: the earliest moment Auth0's buckets admit the last of those minimal calls, plus one
round trip for its answer.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from auth0_branding.auth0.plans import PLAN_BUCKETS  # noqa: E402
from auth0_branding.build.builder import build  # noqa: E402
from auth0_branding.dist.writer import write_dist  # noqa: E402
from auth0_branding.publish.engine import Options, load_dist, publish  # noqa: E402
from auth0_branding.publish.pacing import PLAN_LIMITS as CLIENT_LIMITS  # noqa: E402

log = logging.getLogger(__name__)

FREE = PLAN_BUCKETS["free"]
# Time for Free buckets to refill completely (email buckets: 10 or 5 tokens at 50 or 25/min).
REFILL_SECONDS = 13.0


def brand_with(folder: Path, tenants: int, changed_email: str | None = None,
               edition: int = 0) -> Path:
    """Copy the reference brand with `tenants` tenants; optionally change one email's text."""
    brand = folder / "brand"
    if brand.exists():
        shutil.rmtree(brand)
    shutil.copytree(ROOT / "brand", brand)
    lines = []
    for index in range(tenants):
        name = f"t{index:02d}"
        lines += [
            f"[tenants.{name}]", f'domain = "{name}.eu.auth0.com"',
            f'custom_domain = "login.{name}.example"',
            f'client_id_env = "AUTH0_{name.upper()}_CLIENT_ID"',
            f'client_secret_env = "AUTH0_{name.upper()}_CLIENT_SECRET"',
            'manage = ["login", "password_reset", "error_page", "emails", "branding", "theme"]',
            "",
        ]
    (brand / "tenants.toml").write_text("\n".join(lines), encoding="utf-8")
    if changed_email:
        path = brand / "templates" / "emails" / f"{changed_email}.html"
        head, _, tail = path.read_text(encoding="utf-8").rpartition("[% endblock %]")
        path.write_text(f"{head}<p>Repair voucher no. {edition}.</p>[% endblock %]{tail}",
                        encoding="utf-8")
    return brand


def floor_seconds(reads: int, email_reads: int, writes: int, email_writes: int,
                  latency: float) -> float:
    """Return the earliest finish any client could reach for these calls at Free limits.

    Each bucket starts full; the n-th call through a bucket of burst B refilled at r per
    second cannot be admitted before (n - B) / r. The slowest bucket decides.
    """
    def bound(calls: int, bucket: str) -> float:
        spec = FREE[bucket]
        return max(0.0, (calls - spec.burst) / spec.per_second)

    last = max(bound(reads + writes, "global"), bound(email_reads, "email_read"),
               bound(email_writes, "email_write"))
    return last + latency


def ordered_floor_seconds(calls: list[tuple[str, ...]], latency: float) -> float:
    """Return the earliest finish of these calls made one after another, in this order.

    That is the floor for a publisher that reads everything before its first write (so it
    can check before it writes) and waits for each answer before the next call.
    """
    levels = {name: float(spec.burst) for name, spec in FREE.items()}
    now = stamp = 0.0
    for buckets in calls:
        wait = max((1.0 - levels[b]) / FREE[b].per_second for b in buckets)
        start = now + max(0.0, wait)
        for name, spec in FREE.items():
            levels[name] = min(float(spec.burst), levels[name] + (start - stamp) * spec.per_second)
        stamp = start
        for b in buckets:
            levels[b] -= 1.0
        now = start + latency
    return now


def publisher_calls(resources: int, emails: int, writes: int, email_writes: int
                    ) -> list[tuple[str, ...]]:
    """Return our publisher's calls per tenant, in its order, as the buckets each draws on."""
    reads = [("global",)] * (resources - emails)  # custom domains + non-email resources
    reads += [("global", "email_read")] * emails
    return reads + [("global",)] * writes + [("global", "email_write")] * email_writes


class EmulatorProcess:
    """Run `build.py emulator` in its own process, so its threads never share our GIL."""

    def __init__(self, config: dict, folder: Path) -> None:
        path = folder / "emulator.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        self.process = subprocess.Popen(
            # Plain HTTP only, as the publisher uses it: no CA, no per-tenant origins.
            [sys.executable, str(ROOT / "build.py"), "emulator", "--config", str(path),
             "--port", "0", "--no-https"],
            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert self.process.stdout is not None
        for _ in range(50):  # bounded: the first line names the URL
            line = self.process.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            if found:
                self.url = found.group(0)
                return
        raise RuntimeError("the emulator did not start")

    def requests(self) -> list[dict]:
        return httpx.get(f"{self.url}/__emulator__/requests", timeout=30).json()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def run_phase(emulator: EmulatorProcess, dist: Path, options: Options) -> dict[str, float]:
    time.sleep(REFILL_SECONDS)  # start with full buckets, like a run an hour after the last
    seen = len(emulator.requests())
    started = time.perf_counter()
    result = publish(load_dist(dist), options)
    seconds = time.perf_counter() - started
    for tenant in result.tenants:
        if not tenant.ok:
            print(f"  FAILED {tenant.tenant}: {tenant.reason}")
    requests = emulator.requests()[seen:]
    api = [r for r in requests if r["path"].startswith("/api/v2/")]
    return {
        "seconds": seconds,
        "api_calls": len(api),
        "token_calls": sum(r["path"] == "/oauth/token" for r in requests),
        "writes": sum(r["method"] != "GET" for r in api),
        "rate_limited": sum(r["status"] == 429 for r in api),
        "failed": float(result.failed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3,
                        help="Timed runs of each of the unchanged and one-email phases.")
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    names = [f"t{i:02d}" for i in range(args.tenants)]
    for name in names:
        os.environ[f"AUTH0_{name.upper()}_CLIENT_ID"] = f"{name}-client-id"
        os.environ[f"AUTH0_{name.upper()}_CLIENT_SECRET"] = f"{name}-client-secret"
    config = {"tenants": [
        # Free-tier buckets; the UL template allowed so the whole brand can go out.
        {"name": name, "plan": "free", "ul_templates": True,
         "client_id": f"{name}-client-id", "client_secret": f"{name}-client-secret",
         "custom_domain": f"login.{name}.example", "faults": {"latency_ms": args.latency_ms}}
        for name in names]}
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        folder = Path(tmp)
        base = folder / "dist"
        write_dist(build(brand_with(folder, args.tenants)), base)
        # Each timed one-email run changes the same email again: one write per tenant each.
        editions = []
        for edition in range(1, args.runs + 1):
            editions.append(folder / f"dist-{edition}")
            write_dist(build(brand_with(folder, args.tenants, "welcome_email", edition)),
                       editions[-1])
        emulator = EmulatorProcess(config, folder)
        try:
            options = Options(api_base=f"{emulator.url}/{{tenant}}", jobs=args.jobs,
                              limits=CLIENT_LIMITS["free"], backups_dir=folder / ".backups")
            desired = load_dist(base).tenants[names[0]].desired
            emails = sum(r.startswith("email-templates/") for r in desired)
            # Minimal reads: one per resource, both settings pages in one GET, plus the
            # custom-domain preflight; minimal writes: one per differing resource, with the
            # two settings pages in one PATCH.
            reads = len(desired) - 1 + 1
            phases = [("first publish (creates all)", [base], len(desired) - 1, emails),
                      ("unchanged brand", [base] * args.runs, 0, 0),
                      ("one email changed", editions, 1, 1)]
            rows = []
            for label, dists, writes, email_writes in phases:
                runs = [run_phase(emulator, dist, options) for dist in dists]
                minimum = args.tenants * (reads + writes)
                floor = floor_seconds(reads, emails, writes, email_writes, latency)
                ordered = ordered_floor_seconds(publisher_calls(
                    reads, emails, writes - email_writes, email_writes), latency)
                rows.append((label, runs, minimum, floor, ordered))
        finally:
            emulator.stop()
    print(f"publish to {args.tenants} tenants, Free-tier limits, {args.latency_ms:g} ms latency, "
          f"--jobs {args.jobs}, --plan free; median of {args.runs} runs where repeated")
    print("| run | API calls (min) | writes | 429s | token calls | wall s (runs) | floor s "
          "| wall/floor | read-first floor s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, runs, minimum, floor, ordered in rows:
        median = statistics.median(r["seconds"] for r in runs)
        calls = max(int(r["api_calls"]) for r in runs)
        each = ", ".join(f"{r['seconds']:.2f}" for r in runs)
        print(f"| {label} | {calls} ({minimum}) | {max(int(r['writes']) for r in runs)} | "
              f"{sum(int(r['rate_limited']) for r in runs)} | "
              f"{max(int(r['token_calls']) for r in runs)} | {median:.2f} ({each}) | "
              f"{floor:.2f} | {median / floor:.2f}x | {ordered:.2f} |")


if __name__ == "__main__":
    main()
