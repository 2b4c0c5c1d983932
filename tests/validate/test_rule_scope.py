"""Rules marked ``per_dataset`` run one dataset at a time (the validator then holds one dataset's view at
a time): each must have the shape that makes that safe, and must give the same findings as on the package."""

from __future__ import annotations

import ast
import inspect
import textwrap

import sdtm_convert.validate.rules  # noqa: F401  (registers the rules)
from sdtm_convert.validate.engine import _run_subset, applicable
from sdtm_convert.validate.registry import RULES

LISTS = {"datasets", "general", "subject_level", "supp"}


def _lists_datasets(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in LISTS
               and ast.unparse(n.func.value) == "ctx" for n in ast.walk(node))


def _body(obj) -> list[ast.stmt]:
    fn = next(n for n in ast.parse(textwrap.dedent(inspect.getsource(obj))).body if isinstance(n, ast.FunctionDef))
    return [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]


def per_dataset_shape(fn) -> bool:
    """One ``for ds in ctx.datasets()`` (or general/subject_level/supp) loop and nothing else, none of those
    lists inside it: each dataset's findings cannot depend on the others. A rule that only delegates
    (``yield from helper(ctx, constants...)``) is judged by its helper."""
    body = _body(fn)
    if len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.YieldFrom):
        call = body[0].value.value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.args
                and ast.unparse(call.args[0]) == "ctx"
                and all(isinstance(a, ast.Constant) for a in [*call.args[1:], *(k.value for k in call.keywords)])):
            return False
        body = _body(getattr(inspect.getmodule(fn), call.func.id))
    if len(body) != 1 or not isinstance(body[0], ast.For) or not _lists_datasets(body[0].iter):
        return False
    return not any(_lists_datasets(s) for s in body[0].body)


def test_per_dataset_rules_have_the_safe_shape():
    marked = [r for r in RULES.values() if r.per_dataset]
    assert len(marked) >= 70
    assert [r.id for r in marked if not per_dataset_shape(r.fn)] == []


def _rule_major(pkg, rules):
    """Every rule on the whole package, one after the other (how the validator ran before)."""
    from sdtm_convert.validate.context import Context
    from sdtm_convert.validate.engine import _hits_frame

    ctx, chunks = Context(pkg), []
    for r in rules:
        for h in r.fn(ctx):
            chunk = _hits_frame(r, h, pkg)
            if chunk is not None:
                chunks.append(chunk)
    return chunks


def _findings(chunks, rules):
    import pandas as pd

    order = {r.id: i for i, r in enumerate(rules)}
    chunks = sorted((c for c in chunks if len(c)), key=lambda c: order[c["rule"].iloc[0]])
    return pd.concat(chunks, ignore_index=True).astype(str) if chunks else None


def _packages():
    """Packages nobody here wrote (CDISC pilot files) and our own outputs, as files and as frames."""
    from pathlib import Path

    from sdtm_convert.pipeline import convert
    from sdtm_convert.validate.engine import _resolve
    from sdtm_convert.validate.package import from_frames, read_folder

    root = Path(__file__).resolve().parents[2]
    for budget in (None, 1):  # room for all; one dataset at a time (each read again from its file when needed)
        datasets, _ = read_folder(root / "tests" / "data" / "cdiscpilot01", None, budget=budget)
        yield f"pilot files, budget {budget}", _resolve(datasets, None, "sdtmig-3.2", None, None)
    for study in ("nct03745417", "cdiscpilot01"):
        conv = convert(root / "sample_data" / study, root / "mappings" / study)
        yield study, _resolve(from_frames(conv.sdtm, conv.metadata), None, "sdtmig-3.4", None, None)


def test_split_run_gives_the_rule_major_findings():
    """The validator's order (package rules, then per-dataset rules one dataset at a time, views released)
    gives exactly the findings of running every rule on the whole package."""
    for name, pkg in _packages():
        rules = applicable("sdtm")
        expected = _findings(_rule_major(pkg, rules), rules)
        for ds in pkg.datasets.values():
            ds.release()
        chunks, notes = _run_subset(pkg, rules)
        assert notes == [], name
        got = _findings(chunks, rules)
        assert (got is None) == (expected is None), name
        if got is not None:
            assert got.equals(expected), name
            assert len(got) > 0


def test_views_stay_within_the_budget_and_findings_do_not_change(monkeypatch):
    """With a budget that holds one large dataset, the validator never holds two, loads each large dataset
    a bounded number of times, and finds exactly what it finds with room for all."""
    from sdtm_convert.pipeline import convert
    from sdtm_convert.validate.engine import _resolve
    from sdtm_convert.validate.model import Views
    from sdtm_convert.validate.package import from_frames

    root = __import__("pathlib").Path(__file__).resolve().parents[2]
    conv = convert(root / "sample_data" / "nct03745417", root / "mappings" / "nct03745417")
    rules = applicable("sdtm")

    def run(budget):
        pkg = _resolve(from_frames(conv.sdtm, conv.metadata, budget=budget), None, "sdtmig-3.4", None, None)
        return pkg, _findings(_run_subset(pkg, rules)[0], rules)

    pkg, roomy = run(None)
    sizes = sorted((ds.view_bytes for ds in pkg.datasets.values()), reverse=True)
    held, loads = [], []
    real = Views.make_room

    def spy(self, ds):
        real(self, ds)
        loads.append(ds.name)
        held.append(sum(d.view_bytes for d in self._loaded.values()))

    monkeypatch.setattr(Views, "make_room", spy)
    tight = sizes[0] + sizes[-1]  # the largest plus a little
    _, found = run(tight)
    assert found.equals(roomy)
    assert max(held) <= tight
    assert loads.count("QS") <= 12  # the largest: once per package-level rule that reads it, at most
