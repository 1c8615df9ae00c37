"""Time loading and resolving design tokens as the token set grows: the cost must stay linear.

    python bench/bench_tokens.py [--sizes 1000,3000,10000] [--runs 5] [--before REF]

Each size is a generated token folder shaped like a real brand's, scaled up: two files, a
core palette and scales (colours, dimensions, font families and weights, shadows), and
semantic tokens that alias them, every tenth in one chain (as long as a
fiftieth of the set: 200 aliases at 10,000 tokens). Each run reads
the files, parses them, resolves every alias and renders the Sass (`load_raw_tokens`,
`resolve_tokens`, `to_scss`), in this process, timed as wall and CPU time.

`--before REF` also times the tokens module as it was at git ref REF, side by side in the
same run, up to `--before-max` tokens (the old module grew quadratically).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent


def make_tokens(folder: Path, size: int) -> list[Path]:
    """Write `size` tokens into two DTCG files under `folder`; return their paths."""
    core: dict[str, Any] = {"palette": {"$type": "color"}, "space": {"$type": "dimension"},
                            "font": {"family": {"$type": "fontFamily"},
                                     "weight": {"$type": "fontWeight"}},
                            "elevation": {"$type": "shadow"}}
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


def load_module(ref: str) -> ModuleType:
    """Import `src/auth0_branding/tokens.py` as it was at git `ref`, inside the package."""
    source = subprocess.run(["git", "show", f"{ref}:src/auth0_branding/tokens.py"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout
    import auth0_branding

    path = Path(tempfile.mkdtemp()) / "tokens_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("auth0_branding._tokens_before", path,
                                                  submodule_search_locations=None)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    module.__package__ = auth0_branding.__name__
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def time_once(module: ModuleType, paths: list[Path], root: Path, new: bool) -> tuple[float, float]:
    """Load, resolve and render once; return (wall, CPU) seconds."""
    start = (time.perf_counter(), time.process_time())
    raw = module.load_raw_tokens(paths, root) if new else module.load_raw_tokens(paths)
    tokens = module.resolve_tokens(raw)
    module.to_scss(tokens, "page")
    return time.perf_counter() - start[0], time.process_time() - start[1]


def main() -> None:
    """Run the benchmark and print one table, sizes side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", help="a git ref whose tokens module to time alongside")
    parser.add_argument("--before-max", type=int, default=3000)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from auth0_branding.brand import tokens

    modules = [("now", tokens, True)]
    if args.before:
        modules.append((f"at {args.before}", load_module(args.before), False))
    print(f"{platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}; "
          f"median of {args.runs} run(s)")
    print(f"{'code':14} {'tokens':>7} {'bytes':>9} {'wall ms':>9} {'CPU ms':>9} "
          f"{'CPU us/token':>13} {'CPU vs first':>13}")
    with tempfile.TemporaryDirectory() as temp:
        for label, module, new in modules:
            first: float | None = None
            for size in sizes:
                if not new and size > args.before_max:
                    continue
                folder = Path(temp, str(size))
                folder.mkdir(exist_ok=True)
                paths = make_tokens(folder, size)
                samples = [time_once(module, paths, folder, new) for _ in range(args.runs)]
                wall = statistics.median(s[0] for s in samples)
                cpu = statistics.median(s[1] for s in samples)
                per_token = cpu / size * 1e6
                first = first or per_token
                print(f"{label:14} {size:>7,} {sum(p.stat().st_size for p in paths):>9,} "
                      f"{wall * 1000:>9.0f} {cpu * 1000:>9.0f} {per_token:>13.1f} "
                      f"{per_token / first:>12.2f}x")


if __name__ == "__main__":
    main()
