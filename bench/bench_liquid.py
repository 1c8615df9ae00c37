"""Time one preview view's Liquid rendering with LiquidJS (node) and with python-liquid.

    python bench/bench_liquid.py [--rounds 5] [--brand brand]

Renders every view the snapshots show (each output × scenario × language of the reference
brand) `--rounds` times per engine, after one warm-up round, in one process: LiquidJS in its
long-lived node process, then python-liquid (AUTH0_BRANDING_LIQUID=python). Each view's time
covers `render_sample` (data, widget mock, Liquid); CPU time adds the node process's own.
The cold figure is the first render of a new engine: node's start-up and LiquidJS's import.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from auth0_branding.brand.scenarios import load_scenarios  # noqa: E402
from auth0_branding.build.builder import build  # noqa: E402
from auth0_branding.render import liquidjs  # noqa: E402
from auth0_branding.render.languages import Languages  # noqa: E402
from auth0_branding.render.sample import render_samples  # noqa: E402

log = logging.getLogger(__name__)
TICKS = os.sysconf("SC_CLK_TCK")


def node_cpu() -> float:
    """CPU seconds the running LiquidJS process has used (0 when there is none)."""
    engine = liquidjs._engine
    if engine is None:
        return 0.0
    fields = Path(f"/proc/{engine._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def measure(label: str, result, scenarios, languages, rounds: int) -> None:
    liquidjs.stop_liquidjs()
    start = time.perf_counter()
    samples = iter(render_samples(result.artifacts, scenarios, languages))
    next(samples)
    cold = time.perf_counter() - start
    views = 1 + sum(1 for _ in samples)
    per_view: list[float] = []
    cpu0, node0, wall0 = time.process_time(), node_cpu(), time.perf_counter()
    for _ in range(rounds):
        last = time.perf_counter()
        for _sample in render_samples(result.artifacts, scenarios, languages):
            now = time.perf_counter()
            per_view.append(now - last)
            last = now
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0 + node_cpu() - node0
    engine = "LiquidJS" if liquidjs._engine is not None else "python-liquid"
    print(f"| {label} ({engine}) | {views} | {cold * 1000:.0f} ms "
          f"| {statistics.median(per_view) * 1000:.2f} ms | {percentile(per_view, 0.95) * 1000:.2f} ms "
          f"| {wall / rounds * 1000:.0f} ms | {cpu / rounds * 1000:.0f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--brand", type=Path, default=ROOT / "brand")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = build(args.brand)
    scenarios, languages = load_scenarios(args.brand), Languages.of(result)
    print(f"load average {os.getloadavg()[0]:.1f}, {args.rounds} rounds")
    print("| engine | views | cold first view | p50 per view | p95 per view "
          "| all views, wall | all views, CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    os.environ.pop(liquidjs.ENGINE_VARIABLE, None)
    measure("node process", result, scenarios, languages, args.rounds)
    os.environ[liquidjs.ENGINE_VARIABLE] = "python"
    measure("in process", result, scenarios, languages, args.rounds)
    liquidjs.stop_liquidjs()


if __name__ == "__main__":
    main()
