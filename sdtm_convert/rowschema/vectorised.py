"""Validate a whole frame against a row JSON Schema, column by column.

``validate_frame`` reports exactly what ``jsonschema.Draft202012Validator`` reports when run on every
row given by :func:`sdtm_convert.rowschema.rows.frame_rows` (tests/schema proves it on hand-made frames,
Hypothesis-generated frames and the CDISC pilot), one :class:`Issue` per (record, variable, keyword),
without a Python loop over the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.errors import ERROR, Issue, fatal
from sdtm_convert.rowschema.columns import column_view
from sdtm_convert.rowschema.compiled import KEYWORD_ORDER, CompiledSchema, PropertyRule, compile_schema
from sdtm_convert.rowschema.rows import KIND_NAMES, PROVENANCE_COLS, json_kind, json_value, validated_columns

CODES = {
    "required": "schema-required-missing",
    "type": "schema-type",
    "const": "schema-const",
    "enum": "schema-enum",
    "minLength": "schema-min-length",
    "maxLength": "schema-max-length",
    "pattern": "schema-pattern",
    "minimum": "schema-minimum",
    "maximum": "schema-maximum",
}
_KW_INDEX = {kw: i for i, kw in enumerate(KEYWORD_ORDER)}


def findings(df: pd.DataFrame, compiled: CompiledSchema, columns: list[str]) -> tuple[np.ndarray, ...]:
    """Failing cells as three aligned arrays (0-based record, property index, keyword index), sorted."""
    names = list(compiled.properties)
    n = len(df)
    recs, props, kws = [], [], []
    for p, name in enumerate(names):
        rule = compiled.properties[name]
        if name not in columns:
            if rule.required:
                recs.append(np.arange(n))
                props.append(np.full(n, p))
                kws.append(np.full(n, _KW_INDEX["required"]))
            continue
        if not rule.checks:
            continue
        col = column_view(df[name])
        for keyword, check in rule.checks:
            bad = np.flatnonzero(check(col))
            recs.append(bad)
            props.append(np.full(len(bad), p))
            kws.append(np.full(len(bad), _KW_INDEX[keyword]))
    if not recs:
        return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0, np.intp)
    rec, prop, kw = (np.concatenate(a).astype(np.intp) for a in (recs, props, kws))
    order = np.lexsort((kw, prop, rec))
    return rec[order], prop[order], kw[order]


def _describe(rule: PropertyRule, kw: str, value: Any) -> tuple[str, str]:
    """(code, message) for one failing cell."""
    s, var = rule.schema, rule.name
    if rule.required and (kw == "required" or (kw == "type" and value is None) or (kw == "minLength" and value == "")):
        absent = " (column absent)" if kw == "required" else ""
        return CODES["required"], f"{var} is required but missing{absent}"
    if kw == "type":
        return CODES[kw], f"{var}: {KIND_NAMES[json_kind(value)]} value where {s['type']} is expected"
    if kw == "enum":
        lists = ", ".join(f"{c['name']} ({c['code']})" for c in s.get("x-codelist", []))
        source = s.get("x-enum-source", "")
        where = f"codelist {lists}" if source == "CT" else "; ".join(x for x in (source, lists) if x)
        return CODES[kw], f"{var}: value not allowed ({where or 'enum'})"
    if kw == "const":
        return CODES[kw], f"{var} must be {s['const']!r}"
    if kw == "pattern":
        what = s.get("x-value-domain") or f"value for pattern {s['pattern']}"
        return CODES[kw], f"{var}: value is not a valid {what}"
    if kw in ("minLength", "maxLength"):
        return CODES[kw], f"{var}: {len(value)} characters, {kw} is {s[kw]}"
    return CODES[kw], f"{var}: value violates {kw} {s[kw]}"


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _cells(df: pd.DataFrame, name: str | None, rec: np.ndarray) -> list[Any]:
    if name is None or name not in df.columns or len(rec) == 0:
        return [None] * len(rec)
    return [json_value(v) for v in df[name].iloc[rec].tolist()]


def _labels(df: pd.DataFrame, name: str | None, rec: np.ndarray) -> list[str | None]:
    """Text of a provenance/subject column at ``rec``; missing or empty → None."""
    if name is None or name not in df.columns:
        return [None] * len(rec)
    return [(v or None) if isinstance(v, str) else _text(json_value(v)) for v in df[name].iloc[rec].tolist()]


def _src_rows(df: pd.DataFrame, name: str, rec: np.ndarray) -> list[int | None]:
    nums = pd.to_numeric(df[name].iloc[rec], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return [None if v != v else int(v) for v in nums.tolist()]


def _values(df: pd.DataFrame, names: list[str], rec: np.ndarray, prop: np.ndarray) -> list[Any]:
    values: list[Any] = [None] * len(rec)
    for p in np.unique(prop):
        at = np.flatnonzero(prop == p)
        for i, v in zip(at.tolist(), _cells(df, names[p], rec[at])):
            values[i] = v
    return values


def validate_frame(
    df: pd.DataFrame,
    schema: dict[str, Any],
    *,
    dataset: str,
    provenance_cols: Iterable[str] = PROVENANCE_COLS,
) -> list[Issue]:
    """One issue per failing (record, variable, keyword), ordered by record, variable, keyword.

    ``row`` is the 1-based record number in ``df`` unless the frame carries provenance columns, in
    which case ``file``/``row`` are the raw file and row; ``extra`` always holds ``record`` (1-based
    record number in the dataset) and ``keyword`` (the JSON Schema keyword that failed).
    """
    provenance_cols = tuple(provenance_cols)
    if df.columns.has_duplicates:
        dup = sorted(set(df.columns[df.columns.duplicated()]))
        raise fatal("schema-duplicate-column", f"{dataset}: duplicate columns {dup}", dataset=dataset)
    compiled = compile_schema(schema)
    rec, prop, kw = findings(df, compiled, validated_columns(df, provenance_cols))
    if len(rec) == 0:
        return []
    names = list(compiled.properties)
    file_col, row_col = (provenance_cols + (None, None))[:2]
    files = _labels(df, file_col, rec)
    records = (rec + 1).tolist()
    rows = _src_rows(df, row_col, rec) if row_col is not None and row_col in df.columns else records
    subjects = _labels(df, "USUBJID", rec)
    values = _values(df, names, rec, prop)
    described: dict[tuple, tuple[str, str, str | None]] = {}
    issues = []
    for i, (p, k) in enumerate(zip(prop.tolist(), kw.tolist())):
        value = values[i]
        key = (p, k, type(value), value)
        if key not in described:
            rule, keyword = compiled.properties[names[p]], KEYWORD_ORDER[k]
            code, message = _describe(rule, keyword, value)
            described[key] = (code, message, None if keyword == "required" else _text(value))
        code, message, text = described[key]
        # positional: code, severity, message, file, row, column, value, dataset, variable, usubjid, extra
        issues.append(
            Issue(
                code,
                ERROR,
                message,
                files[i],
                rows[i],
                None,
                text,
                dataset,
                names[p],
                subjects[i],
                {"record": records[i], "keyword": KEYWORD_ORDER[k]},
            )
        )
    return issues
