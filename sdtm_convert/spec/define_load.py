"""Read ``mappings/<study>/define.yaml`` (the sponsor's define spec, written by hand or by ``spec import``) and
check it before any data is read: known keys, required ids, whole numbers where a number is meant, every
reference defined (codelist or dictionary, method, comment, document, where clause), comparators and origins
Define-XML knows, and a dictionary's ``version_from`` naming a raw dataset and column of raw.yaml.

Every problem is an Issue naming define.yaml and its line, with a stable code: ``spec-define-key-unknown``,
``spec-define-value-invalid``, ``spec-define-reference-unknown``. What needs the data (a variable that does not
exist, a length shorter than the data, a codelist term not in the data) is checked when define.xml is written
(:mod:`sdtm_convert.package.define.sponsor`).
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.spec import define_spec as ds
from sdtm_convert.spec.keys import did_you_mean
from sdtm_convert.spec.loader import load_yaml

FILE = "define.yaml"
# list key → (item class, keys an item must give)
LISTS: dict[str, tuple[type, tuple[str, ...]]] = {
    "datasets": (ds.DatasetDef, ("dataset",)),
    "variables": (ds.VariableDef, ("dataset", "variable")),
    "value_level": (ds.ValueLevelDef, ("dataset", "variable", "where_clause")),
    "where_clauses": (ds.WhereClause, ("id",)),
    "codelists": (ds.Codelist, ("id",)),
    "dictionaries": (ds.DictionaryDef, ("id", "dictionary")),
    "methods": (ds.MethodDef, ("id",)),
    "comments": (ds.CommentDef, ("id",)),
    "documents": (ds.DocumentDef, ("id",)),
}
NESTED: dict[tuple[str, str], tuple[type, tuple[str, ...]]] = {
    ("where_clauses", "conditions"): (ds.WhereCondition, ("dataset", "variable", "comparator")),
    ("codelists", "terms"): (ds.CodelistTerm, ("term",)),
}
INT_FIELDS = {"order", "length", "significant_digits"}
# Define-XML 2.1 origin types, and the Define-XML 2.0 / P21 words for them
ORIGINS = {"Collected": "Collected", "Derived": "Derived", "Assigned": "Assigned", "Protocol": "Protocol",
           "Predecessor": "Predecessor", "Not Available": "Not Available", "Other": "Other", "CRF": "Collected",
           "eDT": "Collected"}
ORIGIN_SOURCES = ("Investigator", "Sponsor", "Subject", "Vendor")


class _Lines:
    """Line numbers of every list item and key of define.yaml, from its YAML node tree."""

    def __init__(self, node: yaml.Node | None):
        self.lines: dict[str, int] = {}
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                self.lines[str(k.value)] = k.start_mark.line + 1
                self._walk(str(k.value), v)

    def _walk(self, at: str, node: yaml.Node) -> None:
        if isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.lines[f"{at}/{i}"] = item.start_mark.line + 1
                self._walk(f"{at}/{i}", item)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                self.lines[f"{at}/{k.value}"] = k.start_mark.line + 1
                self._walk(f"{at}/{k.value}", v)


def _scalar(v: Any, name: str) -> tuple[Any, str | None]:
    """The value as the dataclass keeps it (text, or a whole number for order/length/digits); a problem or None."""
    if name in INT_FIELDS:
        if v is None or v == "":
            return None, None
        if isinstance(v, bool) or not isinstance(v, int):
            return None, f"{name} must be a whole number, not {v!r}"
        return v, None
    if isinstance(v, (dict, list)):
        return "", f"{name} must be text, not a {'mapping' if isinstance(v, dict) else 'list'}"
    if v is None:
        return "", None
    if isinstance(v, bool):
        return ("Yes" if v else "No"), None
    return str(v), None


class _Reader:
    def __init__(self, path: Path, lines: dict[str, int]):
        self.path, self.lines = path, lines
        self.issues: list[Issue] = []

    def problem(self, code: str, at: str, message: str, **where: Any) -> None:
        line = self.lines.get(at)
        while line is None and "/" in at:
            at = at.rsplit("/", 1)[0]
            line = self.lines.get(at)
        self.issues.append(Issue(code, ERROR, message, file=str(self.path), line=line, **where))

    def item(self, at: str, data: Any, cls: type, required: tuple[str, ...],
             nested: dict[str, tuple[type, tuple[str, ...]]]) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.problem("spec-define-value-invalid", at, f"{at} must be a mapping of keys to values")
            return None
        known = [f.name for f in fields(cls)]
        out: dict[str, Any] = {}
        for key, value in data.items():
            key = str(key)
            if key not in known:
                self.problem("spec-define-key-unknown", f"{at}/{key}",
                             f"{at}: unknown key {key!r}{did_you_mean(key, known)} (known: {', '.join(known)})")
            elif key in nested:
                sub_cls, sub_required = nested[key]
                items = value if isinstance(value, list) else None
                if items is None:
                    self.problem("spec-define-value-invalid", f"{at}/{key}", f"{at}/{key} must be a list")
                    continue
                done = [self.item(f"{at}/{key}/{j}", x, sub_cls, sub_required, {}) for j, x in enumerate(items)]
                out[key] = [d for d in done if d is not None]
            elif key == "values" and cls is ds.WhereCondition:
                vals = value if isinstance(value, list) else [value]
                out[key] = [_scalar(v, "value")[0] for v in vals]
            else:
                out[key], bad = _scalar(value, key)
                if bad:
                    self.problem("spec-define-value-invalid", f"{at}/{key}", f"{at}: {bad}")
        for key in required:
            if out.get(key) in (None, ""):
                self.problem("spec-define-value-invalid", at, f"{at}: {key} is required")
                return None
        return out


def read_define_spec(path: str | Path) -> tuple[ds.DefineSpec, list[Issue]]:
    """``define.yaml`` as a :class:`DefineSpec` (with its path and line numbers) and the problems found in it
    alone (keys, values, references); raises SdtmConvertError when it is not YAML."""
    path = Path(path)
    data, node = load_yaml(path)
    reader = _Reader(path, _Lines(node).lines)
    data = {} if data is None else data
    if not isinstance(data, dict):
        reader.problem("spec-define-value-invalid", "", "define.yaml must be a mapping (study:, datasets:, ...)")
        return ds.DefineSpec(path=str(path)), reader.issues
    clean: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        if key == "study":
            if not isinstance(value, dict):
                reader.problem("spec-define-value-invalid", key, "study must be a mapping of attribute to value")
                continue
            clean["study"] = {str(k): _scalar(v, str(k))[0] for k, v in value.items()}
        elif key in LISTS:
            if not isinstance(value, list):
                reader.problem("spec-define-value-invalid", key, f"{key} must be a list")
                continue
            cls, required = LISTS[key]
            nested = {sub: spec for (top, sub), spec in NESTED.items() if top == key}
            items = [reader.item(f"{key}/{i}", x, cls, required, nested) for i, x in enumerate(value)]
            clean[key] = [x for x in items if x is not None]
        else:
            known = ["study", *LISTS]
            reader.problem("spec-define-key-unknown", key,
                           f"unknown key {key!r}{did_you_mean(key, known)} (known: {', '.join(known)})")
    spec = ds.DefineSpec.from_dict(clean)
    spec.path, spec.lines = str(path), reader.lines
    if any(len(clean.get(k, [])) != len(v) for k, v in data.items() if k in LISTS and isinstance(v, list)):
        return spec, reader.issues  # an item was dropped: indexes no longer match lines; fix these first
    reader.issues += _check(spec, path)
    return spec, reader.issues


_SHEET_KEYS = {"Datasets": "datasets", "Variables": "variables", "ValueLevel": "value_level",
               "WhereClauses": "where_clauses", "Methods": "methods", "Comments": "comments"}


def _check(spec: ds.DefineSpec, path: Path) -> list[Issue]:
    out = []
    conditions = [(i, j) for i, w in enumerate(spec.where_clauses) for j in range(len(w.conditions))]
    for sheet, i, name, value, message in ds.check_refs(spec, complete=False):
        if sheet == "WhereClauses":
            w, j = conditions[i]
            line = spec.lines.get(f"where_clauses/{w}/conditions/{j}/{name}") or spec.line("where_clauses", w)
        else:
            line = spec.line(_SHEET_KEYS[sheet], i, name)
        code = "spec-define-value-invalid" if name == "comparator" else "spec-define-reference-unknown"
        out.append(Issue(code, ERROR, message, file=str(path), line=line, value=value))
    for key in ("variables", "value_level"):
        for i, v in enumerate(getattr(spec, key)):
            if v.origin and v.origin not in ORIGINS:
                out.append(Issue("spec-define-value-invalid", ERROR, f"origin {v.origin!r} is not one of "
                                 f"{', '.join(ORIGINS)}", file=str(path), line=spec.line(key, i, "origin"),
                                 dataset=v.dataset, variable=v.variable))
            if v.source and v.source not in ORIGIN_SOURCES:
                out.append(Issue("spec-define-value-invalid", ERROR, f"source {v.source!r} is not one of "
                                 f"{', '.join(ORIGIN_SOURCES)}", file=str(path), line=spec.line(key, i, "source"),
                                 dataset=v.dataset, variable=v.variable))
    for i, d in enumerate(spec.dictionaries):
        if not (d.version or d.version_from):
            out.append(Issue("spec-define-value-invalid", ERROR, f"dictionary {d.id}: give its version or "
                             "version_from (RAWDATASET.COLUMN of the coding export)", file=str(path),
                             line=spec.line("dictionaries", i)))
    return out


def check_version_sources(spec: ds.DefineSpec, raw: dict[str, Any]) -> list[Issue]:
    """Each dictionary's ``version_from`` names a raw dataset of raw.yaml and one of its columns."""
    out = []
    datasets = raw.get("datasets") or {}
    for i, d in enumerate(spec.dictionaries):
        if not d.version_from:
            continue
        name, _, column = d.version_from.partition(".")
        decl = datasets.get(name)
        columns = [*(decl or {}).get("columns", []), *(decl or {}).get("optional_columns", [])]
        if decl is None or column not in columns:
            what = f"raw dataset {name!r}" if decl is None else f"column {column!r} of raw dataset {name}"
            out.append(Issue("spec-define-reference-unknown", ERROR, f"dictionary {d.id}: version_from names "
                             f"{what}, which raw.yaml does not declare (give RAWDATASET.COLUMN)",
                             file=spec.path, line=spec.line("dictionaries", i, "version_from"), value=d.version_from))
    return out


def load_define_spec(folder: Path, raw: dict[str, Any]) -> tuple[ds.DefineSpec | None, list[Issue]]:
    """The define spec of a spec folder (None when it has no define.yaml) and its problems."""
    path = folder / FILE
    if not path.exists():
        return None, []
    spec, issues = read_define_spec(path)
    return spec, issues + (check_version_sources(spec, raw) if not issues else [])
