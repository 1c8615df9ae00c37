"""Benchmark the build: (a) the reference brand cold, (b) a generated 100-tenant brand.

Run: python bench/bench_build.py [--tenants 100] [--runs 3]
Prints wall times (median of runs) and the time per output.
"""

from __future__ import annotations

import argparse
import colorsys
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generated_brand(folder: Path, tenants: int, distinct_themes: int,
                    inliner: str = "premailer") -> Path:
    """Copy the reference brand and give it `tenants` tenants, each with its own overrides."""
    brand = folder / f"brand-{inliner}"
    shutil.copytree(ROOT / "brand", brand)
    config = brand / "brand.toml"
    config.write_text(config.read_text().replace('inliner = "premailer"', f'inliner = "{inliner}"'))
    lines = []
    for index in range(tenants):
        hue = (index % distinct_themes) / distinct_themes
        red, green, blue = colorsys.hls_to_rgb(hue, 0.35, 0.6)
        colour = f"#{int(red * 255):02x}{int(green * 255):02x}{int(blue * 255):02x}"
        lines += [
            f"[tenants.customer{index:03d}]",
            f'domain = "customer{index:03d}.eu.auth0.com"',
            f'custom_domain = "login.customer{index:03d}.example"',
            f'client_id_env = "AUTH0_CUSTOMER{index:03d}_CLIENT_ID"',
            f'client_secret_env = "AUTH0_CUSTOMER{index:03d}_CLIENT_SECRET"',
            f"[tenants.customer{index:03d}.variables]",
            f'company_name = "Customer {index:03d} Outfitters"',
            f"[tenants.customer{index:03d}.tokens]",
            f'"color.brand.primary" = "{colour}"',
            "",
        ]
    (brand / "tenants.toml").write_text("\n".join(lines))
    return brand


def time_cli(brand: Path, out: Path, runs: int) -> tuple[list[float], list[float]]:
    """Time `build.py build` in a fresh process each run (cold: no warm caches).

    Returns wall seconds and CPU seconds (user + system, all processes of the run): on a
    shared machine the CPU time is the steadier of the two.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--brand", str(brand),
                        "--out", str(out)], check=True, capture_output=True, timeout=600)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def count_outputs(out: Path) -> int:
    return sum(1 for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--themes", type=int, default=100,
                        help="distinct primary colours among the generated tenants")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        rows = []
        reference = time_cli(ROOT / "brand", scratch_path / "dist-ref", args.runs)
        rows.append(("(a) reference brand, 3 tenants", reference,
                     count_outputs(scratch_path / "dist-ref")))
        for inliner in ("premailer", "css-inline"):
            brand = generated_brand(scratch_path, args.tenants, args.themes, inliner)
            out = scratch_path / f"dist-{inliner}"
            generated = time_cli(brand, out, args.runs)
            rows.append((f"(b) {args.tenants} tenants, {args.themes} themes, {inliner}",
                         generated, count_outputs(out)))
    print(f"{'case':<52} {'median s':>9} {'min s':>7} {'cpu s':>7} {'outputs':>8} "
          f"{'ms/output':>10}")
    for name, (walls, cpus), outputs in rows:
        median = statistics.median(walls)
        print(f"{name:<52} {median:>9.2f} {min(walls):>7.2f} {statistics.median(cpus):>7.2f} "
              f"{outputs:>8} {1000 * median / outputs:>10.2f}")


if __name__ == "__main__":
    main()
