"""The analyses an ADaM spec names (``mappings/<study>/adam/analyses.yaml``): the result displays and their
analysis results that define.xml declares as Analysis Results Metadata (ARM 1.0).

The file is loaded against the generated JSON Schema (``spec/jsonschema/analyses.schema.json``, file and line
on error) and checked against the study's ADaM specs before any data is read: every dataset an analysis
names is a declared ADaM dataset, every analysis variable, where-clause variable and ``parameter`` a variable
that dataset's spec declares, and each ``where`` a condition of the one condition language
(:mod:`sdtm_convert.spec.conditions`) that define.xml can say: one comparison, or ``all`` of comparisons
(``eq``, ``ne``, ``in``, ``not_in``, ``lt``, ``le``, ``gt``, ``ge`` with a ``value``), each an ANDed
``RangeCheck`` of the ``def:WhereClauseDef``. Each problem is one :class:`~sdtm_convert.errors.Issue` with file
and line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.spec import conditions as lang
from sdtm_convert.spec.keys import did_you_mean
from sdtm_convert.spec.loader import _line_of, load_yaml_validated_with_node

#: the file of the analyses, beside the dataset specs of ``adam/``
ANALYSES_FILE = "analyses.yaml"
#: condition operator → define.xml RangeCheck Comparator
COMPARATORS = {"eq": "EQ", "ne": "NE", "in": "IN", "not_in": "NOTIN", "lt": "LT", "le": "LE", "gt": "GT",
               "ge": "GE"}


@dataclass
class AnalysesSpec:
    """The loaded ``adam/analyses.yaml``."""

    path: str
    data: dict[str, Any]
    node: Any = None

    @property
    def displays(self) -> list[dict[str, Any]]:
        return list(self.data["displays"])

    def line(self, path: list[Any]) -> int | None:
        return _line_of(self.node, path)

    def issue(self, path: list[Any], code: str, message: str, dataset: str | None = None) -> Issue:
        return Issue(code, ERROR, message, file=self.path, line=self.line(path), dataset=dataset)


def load_analyses(spec_folder: str | Path) -> AnalysesSpec | None:
    """``adam/analyses.yaml`` of the study folder, schema-checked (raises with file and line); None when the
    study names no analyses."""
    path = Path(spec_folder) / "adam" / ANALYSES_FILE
    if not path.is_file():
        return None
    data, node = load_yaml_validated_with_node(path, "analyses")
    return AnalysesSpec(str(path), data, node)


class WhereError(ValueError):
    """A ``where`` that define.xml cannot say; ``path`` leads to the faulty node inside the condition."""

    def __init__(self, path: tuple[str | int, ...], message: str):
        super().__init__(message)
        self.path = path


def where_conditions(cond: Any) -> list[tuple[str, str, list[str]]]:
    """The ANDed comparisons of a ``where`` as (variable, define.xml comparator, values), in the written order.
    Raises :class:`WhereError` for a condition that does not compile or that define.xml cannot say."""
    try:
        node = lang.parse(cond, comparison="typed")
    except lang.ConditionError as exc:
        raise WhereError(exc.problems[0].path, exc.problems[0].message) from None
    return _flatten(node, ())


def _flatten(node: Any, path: tuple[str | int, ...]) -> list[tuple[str, str, list[str]]]:
    if isinstance(node, lang.All):
        return [c for i, item in enumerate(node.items) for c in _flatten(item, (*path, "all", i))]
    if not isinstance(node, lang.Compare):
        raise WhereError(path, "a define.xml where-clause ANDs comparisons: no 'any' or 'not'")
    if node.kind != "column" or node.ref is not None or node.op not in COMPARATORS:
        raise WhereError(path, f"{node.text()}: a define.xml where-clause compares a variable with values "
                               f"({', '.join(COMPARATORS)})")
    values = node.value if isinstance(node.value, (list, tuple)) else [node.value]
    return [(node.name, COMPARATORS[node.op], [_text(v) for v in values])]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_analyses(analyses: AnalysesSpec | None, adam_specs: Iterable[Any]) -> list[Issue]:
    """The checks of the module docstring (``adam_specs``: the study's
    :class:`~sdtm_convert.spec.adam.AdamSpec`), in file order; empty when sound or when there are no analyses."""
    if analyses is None:
        return []
    declared = {s.dataset: [v["name"] for v in s.variables] for s in adam_specs}
    issues: list[Issue] = []
    seen: dict[tuple[str, str], int | None] = {}
    for i, rd in enumerate(analyses.displays):
        issues += _duplicate(analyses, ["displays", i], "result display", seen)
        for j, res in enumerate(rd["results"]):
            path: list[Any] = ["displays", i, "results", j]
            issues += _duplicate(analyses, path, "analysis result", seen)
            if "parameter" in res:
                issues += _check_parameter(analyses, [*path, "parameter"], str(res["parameter"]), declared)
            for k, ds in enumerate(res["datasets"]):
                issues += _check_dataset(analyses, [*path, "datasets", k], ds, declared)
    return issues


def _duplicate(a: AnalysesSpec, path: list[Any], kind: str, seen: dict[tuple[str, str], int | None]) -> list[Issue]:
    """An id declared twice (its OID would be): the error names the first line."""
    node = a.data
    for step in path:
        node = node[step]
    key = (kind, str(node["id"]))
    if key in seen:
        return [a.issue([*path, "id"], "spec-adam-analysis-duplicate", f"{kind} {key[1]} is also declared at line "
                        f"{seen[key]}")]
    seen[key] = a.line([*path, "id"])
    return []


def _check_parameter(a: AnalysesSpec, path: list[Any], parameter: str, declared: dict[str, list[str]]) -> list[Issue]:
    dataset, _, var = parameter.partition(".")
    if dataset not in declared:
        return [a.issue(path, "spec-adam-analysis-dataset-unknown", f"parameter {parameter}: {dataset} is not a "
                        f"declared ADaM dataset{did_you_mean(dataset, list(declared))}")]
    if var != "PARAMCD" or var not in declared[dataset]:
        return [a.issue(path, "spec-adam-analysis-variable-unknown", f"parameter {parameter}: the parameter of an "
                        f"analysis is the PARAMCD of a BDS dataset, and the spec of {dataset} declares "
                        f"{'no PARAMCD' if 'PARAMCD' not in declared[dataset] else var + ' nowhere'}", dataset)]
    return []


def _check_dataset(a: AnalysesSpec, path: list[Any], ds: dict[str, Any], declared: dict[str, list[str]]) -> list[Issue]:
    name = str(ds["dataset"])
    if name not in declared:
        return [a.issue([*path, "dataset"], "spec-adam-analysis-dataset-unknown",
                        f"analysis dataset {name} is not a declared ADaM dataset"
                        f"{did_you_mean(name, list(declared))} (declared: {', '.join(declared)})")]
    known = declared[name]
    issues = [_unknown_variable(a, [*path, "variables", k], name, var, known)
              for k, var in enumerate(ds["variables"]) if var not in known]
    if "where" in ds:
        try:
            conditions = where_conditions(ds["where"])
        except WhereError as exc:
            return [*issues, a.issue([*path, "where", *exc.path], "spec-adam-analysis-where-invalid",
                                     f"where of {name}: {exc}", name)]
        for k, (var, _op, _values) in enumerate(conditions):
            if var not in known:
                issues.append(_unknown_variable(a, [*path, "where", *_where_path(ds["where"], k)], name, var, known))
    return issues


def _where_path(cond: Any, k: int) -> list[Any]:
    """The path of the ``k``-th comparison of a flat ``all`` (the condition itself otherwise)."""
    return ["all", k] if isinstance(cond, dict) and "all" in cond and k < len(cond["all"]) else []


def _unknown_variable(a: AnalysesSpec, path: list[Any], dataset: str, var: str, known: list[str]) -> Issue:
    return a.issue(path, "spec-adam-analysis-variable-unknown",
                   f"{dataset}.{var} is not a variable the spec of {dataset} declares{did_you_mean(var, known)}",
                   dataset)


__all__ = ["ANALYSES_FILE", "COMPARATORS", "AnalysesSpec", "WhereError", "check_analyses", "load_analyses",
           "where_conditions"]
