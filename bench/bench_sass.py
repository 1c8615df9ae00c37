"""Benchmark Sass compiles: in the time-limited worker process against in this process.

Run: python bench/bench_sass.py [--compiles 100] [--rounds 3]
Compiles the reference brand's page stylesheet with distinct token sets (so the cache never
answers), alternating worker and in-process rounds so machine load hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from auth0_branding.brand.config import load_config
from auth0_branding.brand.tokens import load_raw_tokens, resolve_tokens, to_scss
from auth0_branding.build import sass_worker
from auth0_branding.build.sass_compile import compile_here
from auth0_branding.build.styles import compile_css

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compiles", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    brand = ROOT / "brand"
    config = load_config(brand)
    tokens = to_scss(resolve_tokens(load_raw_tokens(sorted(config.tokens_dir.glob("*.json")))),
                     "page")
    entry, root = str(config.page_style.resolve()), str(brand.resolve())
    started = time.perf_counter()
    sass_worker.run(entry, root, tokens, None)
    print(f"worker start and first compile: {(time.perf_counter() - started) * 1000:.1f} ms")
    worker, here = [], []
    for round_ in range(args.rounds):
        for times, compile_one in ((worker, sass_worker.run), (here, compile_here)):
            for index in range(args.compiles):
                distinct = f"{tokens}\n$bench-{round_}-{index}-{len(times)}: 1px;\n"
                started = time.perf_counter()
                compile_one(entry, root, distinct, None)
                times.append(time.perf_counter() - started)
    started = time.perf_counter()
    for _ in range(args.compiles):
        compile_css(config.page_style, tokens, brand)
    hit = (time.perf_counter() - started) / args.compiles
    print("| compile | median ms | p90 ms |\n|---|---:|---:|")
    for name, times in (("in the worker", worker), ("in this process", here)):
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"| {name} | {statistics.median(times) * 1000:.2f} | {p90 * 1000:.2f} |")
    print(f"| cache hit | {hit * 1000:.3f} | |")


if __name__ == "__main__":
    main()
