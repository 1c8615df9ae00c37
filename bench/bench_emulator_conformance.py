"""Time the emulator's conformance suite: node-auth0 and auth0-deploy-cli against it.

Run: python bench/bench_emulator_conformance.py [--runs 3]
Runs tests/test_emulator_conformance.py in a fresh pytest process per run and prints, per
test, its wall time (from pytest's JUnit report), then the whole run's wall time beside the
CPU time of that process and every process it started (node included).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = "tests/test_emulator_conformance.py"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once() -> tuple[float, float, dict[str, float]]:
    """Run the suite once; return (wall s, CPU s, wall s per test)."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.xml"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        cpu, start = _children_cpu(), time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               SUITE, f"--junitxml={report}"], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=False)
        wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
        if done.returncode != 0:
            raise SystemExit(f"the suite failed:\n{done.stdout[-3000:]}")
        tests = {case.get("name", "?"): float(case.get("time", 0))
                 for case in ElementTree.parse(report).iter("testcase")}
        if any(case.find("skipped") is not None
               for case in ElementTree.parse(report).iter("testcase")):
            raise SystemExit("the suite skipped: install the clients (npm ci in tests/node/clients)")
    return wall, cpu, tests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [run_once() for _ in range(args.runs)]
    names = list(runs[0][2])
    print("| test | wall s (median; runs) |")
    print("|---|---|")
    for name in names:
        times = [r[2][name] for r in runs]
        print(f"| `{name}` | {statistics.median(times):.2f} "
              f"({', '.join(f'{t:.2f}' for t in times)}) |")
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    print(f"\nwhole suite: wall {statistics.median(walls):.2f} s "
          f"({', '.join(f'{w:.2f}' for w in walls)}), CPU {statistics.median(cpus):.2f} s "
          f"({', '.join(f'{c:.2f}' for c in cpus)}), CPU/wall "
          f"{statistics.median(cpus) / statistics.median(walls):.2f}")


if __name__ == "__main__":
    main()
