"""Benchmark one cold build of a generated fleet: wall, CPU and peak memory of all processes.

Run from the repository root:  python bench/bench_fleet_build.py [--tenants 1000] [--code DIR]

`--code DIR` builds with another checkout's code (its build.py and src/), to compare a change
with the code before it on the same brand. Each build runs as a fresh `build.py build` process
with an empty cache folder, measured by bench_incremental's `run_build` (peak memory: the sum
of the proportional set sizes of the build and its workers, sampled every 20 ms).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from bench_incremental import run_build  # noqa: E402
from fleet import fleet_brand  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the checkout whose code builds (default: this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        brand = fleet_brand(root, args.tenants)
        wall, cpu, peak = run_build(brand, root / "dist", "--cache", str(root / "cache"),
                                    code=args.code.resolve())
        outputs = sum(1 for _ in (root / "dist").rglob("*") if _.is_file())
    print(f"{args.tenants} distinct tenants, cold, code of {args.code}: wall {wall:.1f} s, "
          f"CPU {cpu:.1f} s, peak {peak / 2**20:.0f} MB (all processes), {outputs} files, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
