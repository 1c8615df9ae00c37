"""Benchmark publishing custom text and enabled_locales at Free-tier limits.

Run: python bench/bench_publish_l10n.py [--tenants 3] [--prompts 6] [--latency-ms 50]

The multilingual test fixture with German added (4 languages), custom text for `--prompts`
prompts in each, published to `--tenants` emulated Free tenants (global burst 2 at 2 req/s),
paced on the Free plan's figures, in four phases against one emulator, each starting with
full buckets: the first publish, the unchanged brand, one string changed (one PUT per
tenant), and German removed (its texts cleared, enabled_locales shortened). For each it
prints API calls against the minimum, 429s, wall and CPU time (ours and the emulator's),
and wall time against the rate-limit floor (see bench_publish.py), every ratio from this one
run. `--unpaced` then repeats the first publish and a second one on a fresh emulator with
client-side pacing off: the 429s then teach the pace, and the second run shows it converged.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bench_publish import (  # noqa: E402
    REFILL_SECONDS,
    EmulatorProcess,
    floor_seconds,
    ordered_floor_seconds,
    publisher_calls,
)

from auth0_branding.auth0.resources import EMAIL_PREFIX, SETTINGS_PREFIX  # noqa: E402
from auth0_branding.build.builder import build  # noqa: E402
from auth0_branding.dist.writer import write_dist  # noqa: E402
from auth0_branding.publish.engine import Options, RunResult, load_dist, publish  # noqa: E402
from auth0_branding.publish.pacing import PLAN_LIMITS, UNPACED  # noqa: E402

log = logging.getLogger(__name__)

FIXTURES = ROOT / "tests" / "fixtures"
# Prompts beyond login, each with a documented `buttonText` on its screen of the same name.
EXTRA_PROMPTS = ("login-id", "login-password", "signup", "signup-id", "signup-password")
MANAGE = '["login", "password_reset", "error_page", "emails", "custom_text", "languages"]'


def brand_with(folder: Path, tenants: int, prompts: int, languages: tuple[str, ...],
               french_title: str = "Bon retour parmi nous") -> Path:
    """Copy the multilingual fixture, add German and prompts, and declare `tenants` tenants."""
    brand = folder / "brand"
    if brand.exists():
        shutil.rmtree(brand)
    shutil.copytree(FIXTURES / "minimal", brand)
    shutil.copytree(FIXTURES / "multilingual", brand, dirs_exist_ok=True)
    catalogues = brand / "translations"
    german = json.loads((catalogues / "en.json").read_text(encoding="utf-8"))
    (catalogues / "de.json").write_text(json.dumps(_marked(german, "DE")), encoding="utf-8")
    for language in ("en", "fr", "ar", "de"):
        path = catalogues / f"{language}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        for prompt in EXTRA_PROMPTS[:prompts - 1]:
            data["prompts"][prompt] = {prompt: {"buttonText": f"{language}: {prompt}"}}
        if language == "fr":
            data["prompts"]["login"]["login"]["title"] = french_title
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    toml = brand / "brand.toml"
    toml.write_text(re.sub(r"(?m)^supported = .*$", f"supported = {json.dumps(list(languages))}",
                           toml.read_text(encoding="utf-8")), encoding="utf-8")
    lines = []
    for index in range(tenants):
        name = f"t{index:02d}"
        lines += [f"[tenants.{name}]", f'domain = "{name}.eu.auth0.com"',
                  f'custom_domain = "login.{name}.example"',
                  f'client_id_env = "AUTH0_{name.upper()}_CLIENT_ID"',
                  f'client_secret_env = "AUTH0_{name.upper()}_CLIENT_SECRET"',
                  f"manage = {MANAGE}", ""]
    (brand / "tenants.toml").write_text("\n".join(lines), encoding="utf-8")
    return brand


def _marked(value: object, mark: str) -> object:
    if isinstance(value, dict):
        return {k: _marked(v, mark) for k, v in value.items()}
    return f"{mark} {value}" if isinstance(value, str) else value


def _cpu_of(pid: int) -> float:
    """Return a process's user + system CPU seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def minimum(result: RunResult) -> tuple[int, int, int, int]:
    """Return one tenant's minimal (reads, email reads, writes, email writes) for its plan.

    One read per planned resource, the settings parts in one GET, plus the custom-domain
    preflight; one write per differing resource, the settings parts in one PATCH.
    """
    changes = result.tenants[0].changes
    settings = sum(c.resource.startswith(SETTINGS_PREFIX) for c in changes)
    emails = sum(c.resource.startswith(EMAIL_PREFIX) for c in changes)
    writing = [c for c in changes if c.writes]
    settings_writes = sum(c.resource.startswith(SETTINGS_PREFIX) for c in writing)
    reads = len(changes) - max(0, settings - 1) + 1
    writes = len(writing) - max(0, settings_writes - 1)
    return reads, emails, writes, sum(c.resource.startswith(EMAIL_PREFIX) for c in writing)


def run_phase(emulator: EmulatorProcess, dist: Path, options: Options,
              latency: float) -> dict[str, object]:
    time.sleep(REFILL_SECONDS)  # start with full buckets
    seen = len(emulator.requests())
    cpu, emulator_cpu = time.process_time(), _cpu_of(emulator.process.pid)
    started = time.perf_counter()
    result = publish(load_dist(dist), options)
    seconds = time.perf_counter() - started
    cpu, emulator_cpu = time.process_time() - cpu, _cpu_of(emulator.process.pid) - emulator_cpu
    for tenant in result.tenants:
        if not tenant.ok:
            print(f"  FAILED {tenant.tenant}: {tenant.reason}")
    api = [r for r in emulator.requests()[seen:] if r["path"].startswith("/api/v2/")]
    reads, email_reads, writes, email_writes = minimum(result)
    return {
        "seconds": seconds, "cpu": cpu, "emulator_cpu": emulator_cpu,
        "api_calls": len(api), "min_calls": len(result.tenants) * (reads + writes),
        "writes": sum(r["method"] != "GET" for r in api),
        "custom_text_writes": sum(r["method"] == "PUT" and "/custom-text/" in r["path"]
                                  for r in api),
        "rate_limited": sum(r["status"] == 429 for r in api),
        "floor": floor_seconds(reads, email_reads, writes, email_writes, latency),
        "ordered": ordered_floor_seconds(publisher_calls(
            reads, email_reads, writes - email_writes, email_writes), latency),
        "failed": result.failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=3)
    parser.add_argument("--prompts", type=int, default=6, choices=range(1, 7))
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--unpaced", action="store_true",
                        help="Also publish twice with client-side pacing off.")
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    names = [f"t{i:02d}" for i in range(args.tenants)]
    for name in names:
        os.environ[f"AUTH0_{name.upper()}_CLIENT_ID"] = f"{name}-client-id"
        os.environ[f"AUTH0_{name.upper()}_CLIENT_SECRET"] = f"{name}-client-secret"
    config = {"tenants": [
        {"name": name, "plan": "free", "ul_templates": True,
         "client_id": f"{name}-client-id", "client_secret": f"{name}-client-secret",
         "custom_domain": f"login.{name}.example", "faults": {"latency_ms": args.latency_ms}}
        for name in names]}
    four = ("en", "fr", "ar", "de")
    with tempfile.TemporaryDirectory(prefix="bench-publish-l10n-") as tmp:
        folder = Path(tmp)
        dists = {}
        for label, languages, title in (
                ("base", four, "Bon retour parmi nous"), ("string", four, "Ravi de vous revoir"),
                ("removed", four[:3], "Ravi de vous revoir")):
            dists[label] = folder / f"dist-{label}"
            write_dist(build(brand_with(folder, args.tenants, args.prompts, languages, title)),
                       dists[label])
        phases = [("first publish", "base"), ("unchanged", "base"),
                  ("one string changed", "string"), ("de removed", "removed")]
        rows = []
        for paced, wanted in ((True, phases), (False, phases[:2] if args.unpaced else [])):
            if not wanted:
                continue
            emulator = EmulatorProcess(config, folder)
            try:
                options = Options(api_base=f"{emulator.url}/{{tenant}}", jobs=args.tenants,
                                  limits=PLAN_LIMITS["free"] if paced else UNPACED,
                                  backups_dir=folder / f".backups-{paced}")
                for label, dist in wanted:
                    rows.append((label + ("" if paced else " (unpaced)"),
                                 run_phase(emulator, dists[dist], options, latency)))
            finally:
                emulator.stop()
    print(f"publish to {args.tenants} Free tenants, 4 languages x {args.prompts} prompts, "
          f"{args.latency_ms:g} ms latency, --jobs {args.tenants}, paced on --plan free")
    print("| run | API calls (min) | writes (custom text) | 429s | wall s | floor s | wall/floor "
          "| read-first floor s | wall/read-first | our CPU s | emulator CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for label, r in rows:
        print(f"| {label} | {r['api_calls']} ({r['min_calls']}) | {r['writes']} "
              f"({r['custom_text_writes']}) | {r['rate_limited']} | {r['seconds']:.2f} | "
              f"{r['floor']:.2f} | {r['seconds'] / r['floor']:.2f}x | {r['ordered']:.2f} | "
              f"{r['seconds'] / r['ordered']:.2f}x | {r['cpu']:.2f} | "
              f"{r['emulator_cpu']:.2f} |" + (" FAILED" if r["failed"] else ""))


if __name__ == "__main__":
    main()
