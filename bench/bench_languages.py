"""Benchmark what languages cost: build time with all of a brand's languages against one,
and the bytes each added language puts into every email.

Run: python bench/bench_languages.py [--brand brand] [--runs 5]
The two builds alternate run by run, so both see the same machine; times are wall and CPU
(user + system of the build process and its workers).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_build import time_cli  # noqa: E402

from auth0_branding.brand.config import load_config  # noqa: E402
from auth0_branding.build.builder import build  # noqa: E402


def with_languages(source: Path, folder: Path, languages: list[str]) -> Path:
    """Copy the brand to `folder`, declaring only `languages` (the default first)."""
    brand = folder / f"brand-{len(languages)}"
    shutil.copytree(source, brand)
    toml = brand / "brand.toml"
    listed = ", ".join(f'"{code}"' for code in languages)
    text, count = re.subn(r"(?m)^supported = \[[^]\n]*\]", f"supported = [{listed}]",
                          toml.read_text(encoding="utf-8"))
    if count != 1:
        raise SystemExit(f"{toml}: no one-line 'supported = [...]' to rewrite")
    toml.write_text(text, encoding="utf-8")
    return brand


def email_bytes(brand: Path) -> dict[str, int]:
    """Return each email body's size in bytes (the first tenant's), subject included."""
    result = build(brand)
    first = result.tenants[0].name
    sizes: dict[str, int] = {}
    for artifact in result.artifacts:
        if artifact.tenant == first and artifact.kind in ("email", "email_settings"):
            sizes[artifact.name] = sizes.get(artifact.name, 0) + artifact.size
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--brand", type=Path, default=ROOT / "brand")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    config = load_config(args.brand)
    if config.languages is None:
        raise SystemExit(f"{args.brand}: the brand declares no [languages]")
    languages = list(config.languages.supported)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        brands = [with_languages(args.brand, folder, languages[:count])
                  for count in range(1, len(languages) + 1)]
        one, every = brands[0], brands[-1]
        walls: dict[Path, list[float]] = {one: [], every: []}
        cpus: dict[Path, list[float]] = {one: [], every: []}
        for _ in range(args.runs):
            for brand in (one, every):
                wall, cpu = time_cli(brand, folder / "dist", 1)
                walls[brand] += wall
                cpus[brand] += cpu
        print(f"build, {args.runs} runs alternating (median wall s / median CPU s)")
        for brand, label in ((one, f"1 language ({languages[0]})"),
                             (every, f"{len(languages)} languages ({', '.join(languages)})")):
            print(f"  {label:<40} {statistics.median(walls[brand]):6.2f} "
                  f"{statistics.median(cpus[brand]):6.2f}")
        print(f"  ratio (wall, CPU): {statistics.median(walls[every]) / statistics.median(walls[one]):.2f}x, "
              f"{statistics.median(cpus[every]) / statistics.median(cpus[one]):.2f}x")
        sizes = [email_bytes(brand) for brand in brands]
        print("\nemail bytes (body + settings) with the first k languages; the second language"
              " also brings the choice of language (the prelude), a fixed cost")
        header = "  " + f"{'email':<22}" + "".join(f"{'k=' + str(k):>9}" for k in
                                                    range(1, len(brands) + 1))
        print(header + f"{'2nd':>9}{'each more':>11}")
        for name in sorted(sizes[0]):
            row = [size[name] for size in sizes]
            second = row[1] - row[0] if len(row) > 1 else 0
            more = (row[-1] - row[1]) / (len(row) - 2) if len(row) > 2 else 0
            print(f"  {name:<22}" + "".join(f"{b:>9,}" for b in row)
                  + f"{second:>9,}{more:>11,.0f}")


if __name__ == "__main__":
    main()
