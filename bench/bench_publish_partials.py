"""Benchmark publishing prompt partials to many tenants against the partials bucket's floor.

Run: python bench/bench_publish_partials.py [--tenants 20] [--prompts 6] [--latency-ms 50]

The multilingual fixture with the surface overlay, a form-footer-end partial on each of
`--prompts` prompts, published to `--tenants` emulated Free tenants that manage `login` and
`partials`, paced on the Free plan's figures (`--jobs` = tenants). Partials draw from a bucket
of their own on every plan: 5 at once, then one every 12 s, reads and writes alike, per
tenant. Two phases on one emulator: the first publish (each prompt read, then written) and,
once the buckets are full again, the unchanged brand (reads only). For each it prints API
calls, partials calls, 429s, wall and CPU time (ours and the emulator's), and wall time
against the floor: the n-th partials call of a tenant cannot go before (n - 5) x 12 s.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bench_publish import EmulatorProcess  # noqa: E402
from bench_publish_l10n import _cpu_of  # noqa: E402

from auth0_branding.auth0.plans import GLOBAL, PARTIALS, PLAN_BUCKETS  # noqa: E402
from auth0_branding.build.builder import build  # noqa: E402
from auth0_branding.dist.writer import write_dist  # noqa: E402
from auth0_branding.publish.engine import Options, load_dist, publish  # noqa: E402
from auth0_branding.publish.pacing import PLAN_LIMITS  # noqa: E402

log = logging.getLogger(__name__)

FIXTURES = ROOT / "tests" / "fixtures"
PROMPTS = ("login", "login-id", "login-password", "signup", "signup-id", "signup-password")
FREE = PLAN_BUCKETS["free"]


def brand_with(folder: Path, tenants: int, prompts: int) -> Path:
    """Lay the multilingual and surface fixtures, one partial per prompt, `tenants` tenants."""
    brand = folder / "brand"
    shutil.copytree(FIXTURES / "minimal", brand)
    for overlay in ("multilingual", "surface"):
        shutil.copytree(FIXTURES / overlay, brand, dirs_exist_ok=True)
    partials = brand / "templates" / "prompts"
    shutil.rmtree(partials)
    for prompt in PROMPTS[:prompts]:
        path = partials / prompt / prompt / "form-footer-end.html"
        path.parent.mkdir(parents=True)
        path.write_text(f'<p class="help"><a href="[[ vars.support_url ]]">{prompt}</a></p>\n',
                        encoding="utf-8")
    lines = []
    for index in range(tenants):
        name = f"t{index:02d}"
        lines += [f"[tenants.{name}]", f'domain = "{name}.eu.auth0.com"',
                  f'custom_domain = "login.{name}.example"',
                  f'client_id_env = "AUTH0_{name.upper()}_CLIENT_ID"',
                  f'client_secret_env = "AUTH0_{name.upper()}_CLIENT_SECRET"',
                  'manage = ["login", "partials"]', ""]
    (brand / "tenants.toml").write_text("\n".join(lines), encoding="utf-8")
    return brand


def floor_seconds(partials_calls: int, other_calls: int, latency: float) -> float:
    """Return one tenant's earliest finish: the slower of its partials and global buckets."""
    def bound(calls: int, bucket: str) -> float:
        return max(0.0, (calls - FREE[bucket].burst) / FREE[bucket].per_second)

    return max(bound(partials_calls, PARTIALS),
               bound(partials_calls + other_calls, GLOBAL)) + latency


def run_phase(emulator: EmulatorProcess, dist: Path, options: Options, tenants: int,
              latency: float) -> dict[str, object]:
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
    partials = [r for r in api if r["path"].endswith("/partials")]
    per_tenant = len(partials) // tenants
    return {
        "seconds": seconds, "cpu": cpu, "emulator_cpu": emulator_cpu,
        "api_calls": len(api), "partials_calls": len(partials),
        "partials_writes": sum(r["method"] == "PUT" for r in partials),
        "rate_limited": sum(r["status"] == 429 for r in api),
        "floor": floor_seconds(per_tenant, (len(api) - len(partials)) // tenants, latency),
        "failed": result.failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--prompts", type=int, default=6, choices=range(1, len(PROMPTS) + 1))
    parser.add_argument("--latency-ms", type=float, default=50.0)
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
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-publish-partials-") as tmp:
        folder = Path(tmp)
        dist = folder / "dist"
        write_dist(build(brand_with(folder, args.tenants, args.prompts)), dist)
        emulator = EmulatorProcess(config, folder)
        try:
            options = Options(api_base=f"{emulator.url}/{{tenant}}", jobs=args.tenants,
                              limits=PLAN_LIMITS["free"], backups_dir=folder / ".backups")
            rows.append(("first publish", run_phase(emulator, dist, options, args.tenants,
                                                    latency)))
            # The partials bucket (5 at 5 a minute) is full 60 s after its last call; the
            # margin keeps a late call of the first phase from costing the second a 429.
            time.sleep(75.0)
            rows.append(("unchanged", run_phase(emulator, dist, options, args.tenants,
                                                latency)))
        finally:
            emulator.stop()
    print(f"publish partials of {args.prompts} prompts to {args.tenants} Free tenants, "
          f"{args.latency_ms:g} ms latency, --jobs {args.tenants}, paced on --plan free")
    print("| run | API calls | partials calls (PUTs) | 429s | wall s | floor s | wall/floor "
          "| our CPU s | emulator CPU s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, r in rows:
        print(f"| {label} | {r['api_calls']} | {r['partials_calls']} ({r['partials_writes']}) | "
              f"{r['rate_limited']} | {r['seconds']:.2f} | {r['floor']:.2f} | "
              f"{r['seconds'] / r['floor']:.2f}x | {r['cpu']:.2f} | {r['emulator_cpu']:.2f} |"
              + (" FAILED" if r["failed"] else ""))


if __name__ == "__main__":
    main()
