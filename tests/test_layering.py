"""The layers hold: glnn.core is pure, no module imports back up into one that imports it, one name per module.

The import graph is read from the source (ast), imports inside functions included: a cycle
closed only at call time is still a cycle in the design. `from glnn import app`, `from . import x`
and `import glnn.view.layout` all count as an edge to the module named. A package's own
__init__ is not counted as imported by its submodules' importers (Python runs it, but an
__init__ that imports nothing cannot close a cycle; one that does shows up on its own).
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "glnn"
GUI_PACKAGES = ("pyglet", "imgui_bundle", "OpenGL")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> dict[str, Path]:
    """Every module under glnn/, by dotted name (a package by its own name)."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


MODULES = source_files()


def _known(name: str) -> str | None:
    """The glnn module `name` refers to: itself, or the innermost glnn module containing it; None outside glnn."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def imports_of(module: str) -> list[tuple[str, int]]:
    path = MODULES[module]
    return imports_in(path.read_text(), module, path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool) -> list[tuple[str, int]]:
    """(imported glnn module, line) for every import statement of `module`'s source, at any depth."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package, one level up per extra dot
                base = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module
            # `from package import name`: the submodule if there is one, else the package itself
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for name in names:
            target = _known(name)
            if target is not None and target != module:
                found.append((target, node.lineno))
    return found


def import_graph() -> dict[str, dict[str, list[int]]]:
    """module -> {imported module: [lines]} over glnn/."""
    graph: dict[str, dict[str, list[int]]] = {}
    for module in MODULES:
        edges: dict[str, list[int]] = defaultdict(list)
        for target, line in imports_of(module):
            if line not in edges[target]:  # `from m import a, b` is one import
                edges[target].append(line)
        graph[module] = dict(edges)
    return graph


def strongly_connected(graph: dict[str, dict]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module (each one holds a cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def shortest_cycle(graph: dict[str, dict], start: str, within: set[str]) -> list[str]:
    """The shortest import path from `start` back to itself inside one component (breadth first)."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v]):
            if w == start:
                return paths[v] + [start]
            if w in within and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    raise AssertionError(f"{start} is in a component but on no cycle")


def where(graph, a: str, b: str) -> str:
    return f"{MODULES[a].relative_to(ROOT)}:" + ",".join(map(str, graph[a][b]))


def describe_cycles(graph) -> str:
    lines = []
    for component in strongly_connected(graph):
        members = set(component)
        cycle = shortest_cycle(graph, component[0], members)
        lines.append(f"import cycle among {', '.join(component)} (e.g. {' -> '.join(cycle)}); their imports "
                     "of each other:")
        lines += [f"    {a} imports {b} at {where(graph, a, b)}" for a in component for b in sorted(graph[a])
                  if b in members]
    return "\n".join(lines)


# -- the tests -------------------------------------------------------------------------------------
def test_the_core_loads_no_gui_library(tmp_path):
    """Importing every module of glnn.core, in a fresh interpreter, loads no pyglet, imgui-bundle or OpenGL."""
    script = """
import importlib, json, pkgutil, sys
import glnn.core
gui = {gui!r}
imported, culprit = [], None
for info in pkgutil.walk_packages(glnn.core.__path__, "glnn.core."):
    importlib.import_module(info.name)
    imported.append(info.name)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in gui)
    if loaded and culprit is None:
        culprit = (info.name, loaded[:5])
print(json.dumps(dict(imported=imported, culprit=culprit)))
""".format(gui=GUI_PACKAGES)
    env = {k: v for k, v in os.environ.items() if k != "PYOPENGL_PLATFORM"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    r = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout.strip().splitlines()[-1])
    core = sorted(m for m in MODULES if m.startswith("glnn.core."))
    assert sorted(result["imported"]) == core, "pkgutil did not find every module under glnn/core/"
    assert result["culprit"] is None, (
        "importing {} loaded {}: glnn.core must import no pyglet, imgui_bundle or OpenGL".format(*result["culprit"]))


def test_the_core_imports_nothing_else_of_glnn():
    graph = import_graph()
    outside = [f"{module} imports {target} at {where(graph, module, target)}"
               for module in sorted(graph) if module == "glnn.core" or module.startswith("glnn.core.")
               for target in sorted(graph[module]) if not (target == "glnn.core" or target.startswith("glnn.core."))]
    assert not outside, "glnn.core reaches out of the core:\n" + "\n".join(outside)


def test_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 30 and sum(map(len, graph.values())) > 50, "the import graph is suspiciously small"
    cycles = describe_cycles(graph)
    assert not cycles, "modules under glnn/ import each other (counting imports inside functions):\n" + cycles


def test_the_cycle_finder_finds_cycles():
    """The cycle test itself: a made-up graph with a three-module cycle and a clean branch."""
    graph = {"a": {"b": [1]}, "b": {"c": [2]}, "c": {"a": [3], "d": [4]}, "d": {}}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert shortest_cycle(graph, "a", {"a", "b", "c"}) == ["a", "b", "c", "a"]
    assert strongly_connected({"a": {"b": [1]}, "b": {}}) == []


def test_every_form_of_import_is_resolved_to_a_module():
    """Relative imports, `from package import module`, `import a.b.c` and `from module import name`,
    at the top or inside a function, each name the module they load."""
    source = """
import numpy as np
from . import layout
from .palette import PALETTES
from ..core import trainer, kernels
import glnn.view.scene
def later():
    from glnn import app
    from glnn.core.model import Network
    import glnn
"""
    found = imports_in(source, "glnn.view.globjects", is_package=False)
    assert found == [("glnn.view.layout", 3), ("glnn.view.palette", 4), ("glnn.core.trainer", 5),
                     ("glnn.core.kernels", 5), ("glnn.view.scene", 6), ("glnn.app", 8), ("glnn.core.model", 9),
                     ("glnn", 10)], found
    # in a package's __init__, one dot is the package itself
    assert imports_in("from . import trainer", "glnn.core", is_package=True) == [("glnn.core.trainer", 1)]


def test_no_two_modules_share_a_file_name():
    by_name = defaultdict(list)
    for path in MODULES.values():
        if path.name not in ("__init__.py", "__main__.py"):
            by_name[path.name].append(str(path.relative_to(ROOT)))
    shared = {name: paths for name, paths in by_name.items() if len(paths) > 1}
    assert not shared, "modules sharing a file name: " + "; ".join(
        f"{name}: {', '.join(paths)}" for name, paths in sorted(shared.items()))
