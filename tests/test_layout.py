"""The package's shape: subpackages by concern, no import cycles, modules of one stage each."""

from __future__ import annotations

import ast
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

log = logging.getLogger(__name__)

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "auth0_branding"
SUBPACKAGES = ("auth0", "brand", "build", "checks", "cli", "dist", "emulator", "preview",
               "publish", "render", "review")
MAX_LINES = 420  # "about 400": a module past it is split by stage


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Which of our modules each of our modules imports, at run time (not for typing only)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and ast.unparse(node.test) == "TYPE_CHECKING" for n in ast.walk(node)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or id(node) in typing_only:
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{a.name}" for a in node.names} & set(modules)
            graph[name] |= submodules or ({target} & set(modules))
            graph[name].discard(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        # Tarjan's algorithm, iteratively.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_through_others() -> None:
    assert _cycles(_imports()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_modules_stay_one_stage_long() -> None:
    long = {str(p.relative_to(SRC)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_only_the_shared_errors_module_sits_beside_the_subpackages() -> None:
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "errors.py"]
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders == sorted(SUBPACKAGES)


@pytest.mark.parametrize("subpackage", SUBPACKAGES)
def test_each_subpackage_imports_first_on_its_own(subpackage: str) -> None:
    # In a fresh interpreter, so an import order that only works after another is caught.
    done = subprocess.run([sys.executable, "-c", f"import auth0_branding.{subpackage}"],
                          capture_output=True, text=True, env={"PYTHONPATH": str(SRC)})
    assert done.returncode == 0, done.stderr


def test_every_module_postpones_annotations_and_logs_only_if_it_creates_a_logger() -> None:
    # A logger nobody writes to only suggests that a stage reports something it never does.
    stray = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "__init__.py" and "from __future__ import annotations\n" not in text:
            stray.append(f"{_module_name(path)}: no postponed annotations")
        creates = "\nlog = logging.getLogger(__name__)\n" in text
        if creates and not re.search(r"\blog\.(debug|info|warning|error|exception)\(", text):
            stray.append(f"{_module_name(path)}: an unused logger")
    assert stray == []
