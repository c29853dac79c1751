"""Imports flow one way: each package's module import graph is acyclic, and no
module hides a cycle behind an import inside a function body.

The graph is built from the source (`ast`), not by importing: an edge m -> n for
every `import`/`from ... import` statement of module m that names module n of the
same package (relative imports resolved; `from pkg import sub` is an edge to the
submodule `pkg.sub`). Edges to a module's parent packages are not added: Python
runs a package's `__init__` before its submodules, and an `__init__` importing
its own submodules is the ordinary way to assemble a package.

To check another package, add its (directory, dotted name) to PACKAGES.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PACKAGES = [
    ("passes", "lintra.passes"),
    ("dialect", "lintra.dialect"),
    ("python/lintra", "lintra"),
]


def module_files(directory: str, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under `directory`."""
    root = ROOT / directory
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join([package, *parts])] = path
    return modules


def import_targets(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """Absolute names of the modules an import statement imports (relative
    imports resolved); for `from base import name`, `base.name` when it is a
    module, else `base`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        anchor = module.split(".")
        if not is_package:
            anchor.pop()
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([node.module] if node.module else []))
    else:
        base = node.module
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph(directory: str, package: str) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (see the module doc)."""
    modules = module_files(directory, package)
    graph = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom):
                *submodules, base = import_targets(node, module, is_package)
                edges.update([n for n in submodules if n in modules] or [base])
            elif isinstance(node, ast.Import):
                edges.update(import_targets(node, module, is_package))
        graph[module] = {target for target in edges if target in modules and target != module}
    return graph


def absolute_imports(directory: str, package: str) -> set[str]:
    """Every module name the package's import statements refer to."""
    names = set()
    for module, path in module_files(directory, package).items():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.add(import_targets(node, module, path.name == "__init__.py")[-1])
    return names


def function_local_imports(directory: str) -> list[str]:
    """`file:line` of every import statement inside a function body."""
    found = []
    for path in sorted((ROOT / directory).rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return sorted(set(found))


@pytest.mark.parametrize(("directory", "package"), PACKAGES)
def test_import_graph_is_acyclic(directory, package):
    graph = import_graph(directory, package)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as error:
        cycle = error.args[1]
        pytest.fail(f"import cycle in {directory}: {' -> '.join(cycle)}")


@pytest.mark.parametrize(("directory", "package"), PACKAGES)
def test_no_function_local_imports(directory, package):
    found = function_local_imports(directory)
    assert not found, f"imports inside function bodies: {', '.join(found)}"


def test_machinery_never_imports_the_rules():
    """`lintra.passes.core` reads the rule tables; only the top layer fills them."""
    graph = import_graph("passes", "lintra.passes")
    offending = [
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module.startswith("lintra.passes.core")
        for target in targets
        if target.startswith("lintra.passes.rules")
    ]
    assert not offending


@pytest.mark.parametrize("directory", ["passes", "dialect"])
def test_passes_and_dialect_never_import_the_frontend(directory):
    """`lintra` (python/lintra) may import lintra.passes and lintra.dialect, never
    the other way round."""
    package = {"passes": "lintra.passes", "dialect": "lintra.dialect"}[directory]
    names = absolute_imports(directory, package)
    frontend = sorted(
        n
        for n in names
        if n == "lintra"
        or (n.startswith("lintra.") and not n.startswith(("lintra.passes", "lintra.dialect")))
    )
    assert not frontend


def test_the_graph_sees_relative_imports():
    """The checker itself: the known edges of lintra.passes are found."""
    graph = import_graph("passes", "lintra.passes")
    assert "lintra.passes.core.tables" in graph["lintra.passes.core.jvp"]
    assert "lintra.passes.rules" in graph["lintra.passes"]
    assert "lintra.passes.core.linearize" in graph["lintra.passes.rules.func"]
    assert "lintra.passes.diagnostics" in graph["lintra.passes.base"]
