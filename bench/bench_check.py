"""Time `check` on the reference brand: the in-memory build, then the contract checks.

    python bench/bench_check.py [--runs 10] [--brand brand] [--cli-runs 3]

Cold runs clear every cache of auth0_branding first, as a fresh `python build.py check`
process starts with none; warm runs keep them, as `serve` does between edits. The CLI runs
time the whole command in a new interpreter (imports included) for reference. Each figure
is given as wall time and as CPU time: on a shared machine the CPU time is the stable one.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent


def clear_caches() -> None:
    """Empty every functools cache at module level in auth0_branding."""
    for name, module in list(sys.modules.items()):
        if name.startswith("auth0_branding") and module is not None:
            for value in vars(module).values():
                clear = getattr(value, "cache_clear", None)
                if callable(clear):
                    clear()


def percentile(samples: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of `samples`."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def run(brand: Path, runs: int, cold: bool) -> dict[str, list[tuple[float, float]]]:
    """Time `runs` checks; return (wall, CPU) seconds of each stage per run."""
    from auth0_branding.build.builder import build
    from auth0_branding.checks.validate import check_build

    times: dict[str, list[tuple[float, float]]] = {"build": [], "checks": [], "total": []}
    for _ in range(runs):
        if cold:
            clear_caches()
        start = (time.perf_counter(), time.process_time())
        result = build(brand)
        built = (time.perf_counter(), time.process_time())
        problems = check_build(result)
        done = (time.perf_counter(), time.process_time())
        if problems:
            raise SystemExit(f"the brand has {len(problems)} problem(s); benchmark a clean brand")
        for stage, (a, b) in {"build": (start, built), "checks": (built, done),
                              "total": (start, done)}.items():
            times[stage].append((b[0] - a[0], b[1] - a[1]))
    return times


def cli_times(brand: Path, runs: int) -> list[tuple[float, float]]:
    """Time `python build.py check --brand BRAND` end to end in a fresh interpreter."""
    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--brand", str(brand)],
                       check=True, capture_output=True, cwd=ROOT)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        samples.append((wall, cpu))
    return samples


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.0f}ms"


def report(title: str, times: dict[str, list[tuple[float, float]]],
           out: Callable[[str], None]) -> None:
    out(f"\n{title}")
    out(f"  {'stage':8} {'wall p50':>9} {'wall p95':>9} {'CPU p50':>9} {'CPU p95':>9}")
    for stage, samples in times.items():
        wall, cpu = [s[0] for s in samples], [s[1] for s in samples]
        out(f"  {stage:8} {_ms(percentile(wall, .5)):>9} {_ms(percentile(wall, .95)):>9} "
            f"{_ms(percentile(cpu, .5)):>9} {_ms(percentile(cpu, .95)):>9}")


def main() -> None:
    """Run the benchmark and print a table per mode."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brand", type=Path, default=ROOT / "brand")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--cli-runs", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    import auth0_branding.build  # noqa: F401 - timed: a fresh `check` pays for these imports
    import auth0_branding.checks.validate  # noqa: F401

    imports = time.perf_counter() - start
    from auth0_branding.build.builder import build

    result = build(args.brand)
    print(f"{platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPU(s); brand {args.brand.name}: {len(result.tenants)} tenants, "
          f"{len(result.artifacts)} outputs, {sum(a.size for a in result.artifacts):,} bytes")
    print(f"imports: {imports * 1000:.0f}ms wall; load average {os.getloadavg()[0]:.1f}")
    report(f"cold (caches cleared), {args.runs} runs", run(args.brand, args.runs, True), print)
    report(f"warm (caches kept, as in serve), {args.runs} runs", run(args.brand, args.runs, False),
           print)
    if args.cli_runs:
        samples = cli_times(args.brand, args.cli_runs)
        wall, cpu = [s[0] for s in samples], [s[1] for s in samples]
        print(f"\nCLI `python build.py check`, {args.cli_runs} runs: wall p50 "
              f"{_ms(statistics.median(wall)).strip()}, CPU p50 {_ms(statistics.median(cpu)).strip()}")


if __name__ == "__main__":
    main()
