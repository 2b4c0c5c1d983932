"""The house (docs/architecture.md): the package-level import graph has no cycle and no arrow from a lower layer
to a higher one; the pipeline only chains stages. Every import counts, also one made inside a function."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sdtm_convert"

# lowest first; a unit may import its own layer or a lower one. A unit is a subpackage or a top-level module.
LAYERS: list[set[str]] = [
    {"errors", "common", "version"},
    {"standards", "metadata", "rowschema"},
    {"spec"},
    {"io"},
    {"mapping"},
    {"derive"},
    {"sdtm"},
    {"adam", "results"},
    {"xpt", "package"},
    {"validate"},
    {"batch"},  # given the single commands' code by cli/batch.py; imports no stage
    {"sample", "pipeline", "api", "cli", "root"},
]
LAYER = {unit: n for n, units in enumerate(LAYERS) for unit in units}


def _unit(module: str) -> str:
    parts = module.split(".")
    return "root" if len(parts) == 1 else parts[1]


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
        src = _unit(rel)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level > 0:  # from ..errors import ... (xpt/)
                package = rel.split(".")[: len(rel.split(".")) - node.level + (path.stem == "__init__")]
                base = ".".join(package + ([node.module] if node.module else []))
                targets = [base] if node.module else [f"{base}.{a.name}" for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "sdtm_convert":  # from sdtm_convert import __version__ / a subpackage
                    targets = ["sdtm_convert.version" if a.name == "__version__" else f"sdtm_convert.{a.name}"
                               for a in node.names]
                else:
                    targets = [node.module]
            for target in targets:
                if target.startswith("sdtm_convert.") and _unit(target) != src:
                    edges[src].add(_unit(target))
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def test_every_unit_has_a_layer():
    units = {_unit(f"sdtm_convert.{p.stem if p.is_file() else p.name}") for p in PACKAGE.iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())}
    assert units - set(LAYER) == set()


def test_the_package_import_graph_has_no_cycle():
    assert _cycles(_graph()) == []


def test_no_unit_imports_a_higher_layer():
    upward = sorted(f"{a} -> {b}" for a, targets in _graph().items() for b in targets if LAYER[b] > LAYER[a])
    assert upward == []


def test_the_pipeline_only_chains_stages():
    text = (PACKAGE / "pipeline.py").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 210
    tree = ast.parse(text)
    calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and isinstance(n.func.value, ast.Name) and n.func.value.id == "pd"}
    assert calls == set()  # no pandas work here: the stages do it
