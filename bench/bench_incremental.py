"""Benchmark the incremental build: the measures of issue 14, side by side in one run.

Run from the repository root:  python bench/bench_incremental.py [--runs 3] [--fleet 1000]

Every case runs `build.py build` in a fresh process (so nothing is warm but what the cache
folder holds) and records its wall time, its CPU time (user + system of every process of
the run: on a shared machine the steadier figure) and its peak memory, the sum of the
proportional set sizes of the build and its workers, sampled every 20 ms from /proc
(Linux only).
Ratios are of medians of the same run, so a busy machine slows both sides.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fleet import fleet_brand  # noqa: E402


def _tree_rss(pid: int) -> int:
    """Return the memory of `pid` and all its descendants (0 once they are gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            # The proportional set size: pages a forked worker shares with its parent
            # count once, split between them, as they occupy memory once.
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_build(brand: Path, out: Path, *extra: str, code: Path = ROOT) -> tuple[float, float, int]:
    """Run one build; return wall seconds, CPU seconds and peak bytes of all its processes.

    `code`: the checkout whose build.py and src/ run (another one, to compare a change with
    the code before it).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # A file, not a pipe: a fleet's warnings fill a pipe's buffer and the build would wait.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, str(code / "build.py"), "build", "--brand", str(brand),
             "--out", str(out), *extra],
            stdout=subprocess.DEVNULL, stderr=errors,
            env={**os.environ, "PYTHONPATH": str(code / "src")})
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.02)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"build of {brand} failed: {errors.read().decode()[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, peak


def _edit_email(brand: Path, number: int) -> None:
    template = brand / "templates/emails/welcome_email.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace('class="ap-title', f'data-edit="{number}" class="ap-title', 1)
                        if number == 0 else text.replace(f'data-edit="{number - 1}"',
                                                         f'data-edit="{number}"'),
                        encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--fleet", type=int, default=1000, help="tenants of the large cases")
    args = parser.parse_args()
    rows: dict[str, list[tuple[float, float, int]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        distinct = fleet_brand(root / "distinct", args.tenants)
        shared = fleet_brand(root / "shared", args.fleet, distinct=False)
        large = fleet_brand(root / "large", args.fleet)
        for run in range(args.runs):
            def case(name: str, brand: Path, out: str, *extra: str) -> None:
                rows.setdefault(name, []).append(
                    run_build(brand, root / f"{out}-{run}", *extra))  # noqa: B023
            for folder in root.glob("cache-*"):
                shutil.rmtree(folder)
            case("reference brand, cold", ROOT / "brand", "ref", "--cache",
                 str(root / "cache-ref"))
            case("reference brand, --no-cache", ROOT / "brand", "ref-plain", "--no-cache")
            case(f"{args.tenants} distinct tenants, cold", distinct, "d", "--cache",
                 str(root / "cache-d"))
            case(f"{args.tenants} distinct tenants, --no-cache", distinct, "d-plain",
                 "--no-cache")
            case(f"{args.tenants} distinct tenants, no-op", distinct, "d", "--cache",
                 str(root / "cache-d"))
            _edit_email(distinct, run)
            case(f"{args.tenants} distinct tenants, one email edited", distinct, "d",
                 "--cache", str(root / "cache-d"))
            case(f"{args.fleet} tenants sharing tokens, cold", shared, "s", "--cache",
                 str(root / "cache-s"))
            if run == 0:  # the longest case: its memory is the figure, once is enough
                case(f"{args.fleet} distinct tenants, cold", large, "l", "--cache",
                     str(root / "cache-l"))
            for out in root.glob("*-[0-9]*"):
                shutil.rmtree(out, ignore_errors=True)
    medians = {name: (statistics.median(w for w, _, _ in runs),
                      statistics.median(c for _, c, _ in runs), max(p for _, _, p in runs))
               for name, runs in rows.items()}
    print(f"{'case':<46} {'wall s':>7} {'cpu s':>7} {'peak MB':>8}")
    for name, (wall, cpu, peak) in medians.items():
        print(f"{name:<46} {wall:>7.2f} {cpu:>7.2f} {peak / 2**20:>8.0f}")
    ref = medians["reference brand, cold"]
    cold = medians[f"{args.tenants} distinct tenants, cold"]
    ratios = [
        (f"cold {args.tenants} distinct / cold reference (goal <= 3)", cold, ref),
        (f"no-op {args.tenants} / their cold build (goal <= 0.15)",
         medians[f"{args.tenants} distinct tenants, no-op"], cold),
        ("one email edited / their cold build (goal <= 0.25)",
         medians[f"{args.tenants} distinct tenants, one email edited"], cold),
        (f"{args.fleet} sharing tokens, cold / cold reference (goal <= 6)",
         medians[f"{args.fleet} tenants sharing tokens, cold"], ref),
    ]
    print(f"\n{'ratio':<60} {'wall':>6} {'cpu':>6}")
    for name, top, bottom in ratios:
        print(f"{name:<60} {top[0] / bottom[0]:>6.2f} {top[1] / bottom[1]:>6.2f}")


if __name__ == "__main__":
    main()
