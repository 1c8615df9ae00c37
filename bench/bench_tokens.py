"""Time loading and resolving design tokens as the token set grows, and what unused tokens cost.

    python bench/bench_tokens.py [--sizes 1000,3000,10000] [--runs 5] [--unused 10000]
                                 [--before REF]

Each size is a generated token folder shaped like a real brand's, scaled up: two files, a
core palette and scales (colours, dimensions, font families and weights, shadows, and the
composites: typography, border, transition, gradient, each referencing other tokens), and
semantic tokens that alias them, every tenth in one chain (as long as a fiftieth of the set:
200 aliases at 10,000 tokens). Each run reads the files, parses them, resolves every alias
and renders the Sass (`load_raw_tokens`, `resolve_tokens`, `to_scss`), in this process,
timed as wall and CPU time.

Then the reference brand is built twice, as it is and with `--unused` generated tokens added
in a file of their own that no stylesheet reads, and each tenant's login page is measured: it
must not grow. `--before REF` measures the same with the code of git ref REF, side by side.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent


def make_tokens(folder: Path, size: int) -> list[Path]:
    """Write `size` tokens into two DTCG files under `folder`; return their paths."""
    core: dict[str, Any] = {"palette": {"$type": "color"}, "space": {"$type": "dimension"},
                            "font": {"family": {"$type": "fontFamily"},
                                     "weight": {"$type": "fontWeight"}},
                            "elevation": {"$type": "shadow"}, "type": {"$type": "typography"},
                            "border": {"$type": "border"}, "motion": {"$type": "transition"},
                            "gradient": {"$type": "gradient"}}
    semantic: dict[str, Any] = {}
    literals = size // 2
    for i in range(literals):
        kind = i % 10
        name = f"t{i}"
        if kind < 5:
            core["palette"][name] = {"$value": f"#{i * 2654435761 % 0xFFFFFF:06x}"}
        elif kind < 8:
            core["space"][name] = {"$value": {"value": i % 97, "unit": "px"}}
        elif i % 20 == 8:
            core["font"]["family"][name] = {"$value": ["Inter", "Segoe UI", f"Font {i}", "sans-serif"]}
        elif kind == 8:
            core["font"]["weight"][name] = {"$value": "bold" if i % 3 else 100 * (i % 9 + 1)}
        elif i % 40 == 9:
            core["type"][name] = {"$value": {
                "fontFamily": "{font.family.t8}", "fontSize": {"value": 16, "unit": "px"},
                "fontWeight": 600, "letterSpacing": "0px", "lineHeight": 1.5}}
        elif i % 40 == 19:
            core["border"][name] = {"$value": {"color": "{palette.t0}", "width": "1px",
                                               "style": "solid"}}
        elif i % 40 == 29:
            core["motion"][name] = {"$value": {"duration": {"value": 200, "unit": "ms"},
                                               "delay": "0ms", "timingFunction": [0, 0, 1, 1]}}
        elif i % 80 == 39:
            core["gradient"][name] = {"$value": [{"color": "{palette.t0}", "position": 0},
                                                 {"color": "{palette.t1}", "position": 1}]}
        else:
            core["elevation"][name] = {"$value": {"color": "{palette.t0}", "offsetX": "0px",
                                                  "offsetY": "2px", "blur": "8px", "spread": "0px"}}
    targets = {"color": ("palette", [n for n in core["palette"] if n[0] == "t"]),
               "size": ("space", [n for n in core["space"] if n[0] == "t"])}
    for i in range(size - literals):
        group = "color" if i % 2 == 0 else "size"
        if i % 10 == 0 and i >= 20:  # chains: each 10th alias points at the one 20 before
            value = f"{{{group}.a{i - 20}}}"
        else:
            target, names = targets[group]
            value = f"{{{target}.{names[i % len(names)]}}}"
        semantic.setdefault(group, {})[f"a{i}"] = {"$value": value}
    paths = [folder / "core.tokens.json", folder / "semantic.tokens.json"]
    for path, document in zip(paths, (core, semantic), strict=True):
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return paths


def time_once(paths: list[Path], root: Path) -> tuple[float, float]:
    """Load, resolve and render once; return (wall, CPU) seconds."""
    from auth0_branding.brand.tokens import load_raw_tokens, resolve_tokens, to_scss

    start = (time.perf_counter(), time.process_time())
    tokens = resolve_tokens(load_raw_tokens(paths, root))
    to_scss(tokens, "page")
    return time.perf_counter() - start[0], time.process_time() - start[1]


def page_css_sizes(unused: int) -> dict[str, tuple[int, int]]:
    """Build the reference brand without and with `unused` extra tokens; return each tenant's
    login page length (before, after). Colours and dimensions only, which any version reads."""
    from auth0_branding.build.builder import build

    def pages(brand: Path) -> dict[str, int]:
        return {a.tenant: len(a.content) for a in build(brand).artifacts
                if a.kind == "page" and a.name == "login"}

    with tempfile.TemporaryDirectory() as temp:
        brand = Path(temp, "brand")
        shutil.copytree(ROOT / "brand", brand)
        before = pages(brand)
        half = unused // 2
        document = {"unused": {
            "c": {"$type": "color", **{f"t{i}": {"$value": f"#{i * 2654435761 % 0xFFFFFF:06x}"}
                                       for i in range(half)}},
            "d": {"$type": "dimension", **{f"t{i}": {"$value": {"value": i % 97, "unit": "px"}}
                                           for i in range(unused - half)}}}}
        (brand / "tokens" / "zz-unused.tokens.json").write_text(json.dumps(document, indent=2),
                                                                 encoding="utf-8")
        after = pages(brand)
    return {tenant: (before[tenant], after[tenant]) for tenant in before}


def page_css_sizes_at(ref: str, unused: int) -> dict[str, tuple[int, int]]:
    """The same measurement with the code of git ref `ref`, in a process of its own."""
    with tempfile.TemporaryDirectory() as temp:
        archive = subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", temp], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": str(Path(temp, "src"))}
        out = subprocess.run([sys.executable, __file__, "--pages-only", "--unused", str(unused)],
                             env=env, check=True, capture_output=True, text=True).stdout
    return {tenant: (pair[0], pair[1]) for tenant, pair in json.loads(out).items()}


def main() -> None:
    """Run the benchmark and print the tables, sizes side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--unused", type=int, default=10_000)
    parser.add_argument("--before", help="a git ref whose page sizes to measure alongside")
    parser.add_argument("--pages-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pages_only:  # the --before child: print the sizes only
        print(json.dumps(page_css_sizes(args.unused)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"{platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}; "
          f"median of {args.runs} run(s)")
    print(f"{'tokens':>7} {'bytes':>9} {'wall ms':>9} {'CPU ms':>9} "
          f"{'CPU us/token':>13} {'CPU vs first':>13}")
    with tempfile.TemporaryDirectory() as temp:
        first: float | None = None
        for size in sizes:
            folder = Path(temp, str(size))
            folder.mkdir(exist_ok=True)
            paths = make_tokens(folder, size)
            samples = [time_once(paths, folder) for _ in range(args.runs)]
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            per_token = cpu / size * 1e6
            first = first or per_token
            print(f"{size:>7,} {sum(p.stat().st_size for p in paths):>9,} "
                  f"{wall * 1000:>9.0f} {cpu * 1000:>9.0f} {per_token:>13.1f} "
                  f"{per_token / first:>12.2f}x")
    print()
    print(f"login page characters (Auth0 takes at most 102,400), reference brand, without and "
          f"with {args.unused:,} unused tokens")
    rows = [("now", page_css_sizes(args.unused))]
    if args.before:
        rows.append((f"at {args.before}", page_css_sizes_at(args.before, args.unused)))
    for label, sizes in rows:
        for tenant, (before, after) in sizes.items():
            print(f"{label:14} {tenant:10} {before:>9,} {after:>9,} {after - before:>+9,}")


if __name__ == "__main__":
    main()
