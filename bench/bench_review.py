"""Benchmark `review`: the full gallery of the reference brand, and the `--base` comparison.

Run: python bench/bench_review.py [--runs 2] [--jobs 1 2 4 8]
Each run is a fresh `build.py review` process (browser start included). Prints wall times
(median of runs), the number of views and the views per second.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"Reviewed (\d+) views")


def time_review(brand: Path, out: Path, runs: int, *extra: str) -> tuple[list[float], str]:
    """Time `build.py review` in a fresh process per run; return the times and its summary."""
    times, line = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "review", "--brand", str(brand),
             "--out", str(out), *extra],
            check=True, capture_output=True, text=True, timeout=1800,
        )
        times.append(time.perf_counter() - started)
        line = done.stdout.strip().splitlines()[-1]
    return times, line


def git_brand(folder: Path) -> Path:
    """Copy the reference brand into a git repository of its own, committed."""
    repo = folder / "repo"
    shutil.copytree(ROOT / "brand", repo / "brand")
    for args in (["init", "--quiet"], ["add", "brand"], ["commit", "--quiet", "-m", "base"]):
        subprocess.run(["git", "-C", str(repo), "-c", "user.name=bench",
                        "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false",
                        *args], check=True, capture_output=True, timeout=60)
    return repo / "brand"


def row(label: str, times: list[float], line: str) -> str:
    match = SUMMARY.search(line)
    views = int(match.group(1)) if match else 0
    median = statistics.median(times)
    return (f"| {label} | {views} | {median:.1f} s | {min(times):.1f} s | "
            f"{views / median:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 4, 8])
    args = parser.parse_args()
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True,
                              timeout=60, check=False).stdout.strip() or "chromium (unknown)"
    print(f"{chromium}; runs per row: {args.runs}; median and best wall time")
    print("| case | views | median | best | views/s |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        folder = Path(tmp)
        for jobs in args.jobs:
            times, line = time_review(ROOT / "brand", folder / "out", args.runs,
                                      "--jobs", str(jobs))
            print(row(f"full gallery, `--jobs {jobs}`", times, line), flush=True)
        brand = git_brand(folder)
        times, line = time_review(brand, folder / "out", args.runs, "--base", "HEAD")
        print(row("`--base HEAD`, brand unchanged", times, line), flush=True)
        semantic = brand / "tokens" / "semantic.tokens.json"
        semantic.write_text(semantic.read_text(encoding="utf-8").replace(
            '"{palette.sand.50}"', '"#f2f7fb"', 1), encoding="utf-8")
        times, line = time_review(brand, folder / "out", args.runs, "--base", "HEAD")
        print(row("`--base HEAD`, page background changed (every view)", times, line))
        print(f"  last: {line}")


if __name__ == "__main__":
    main()
