"""Derived by rule: ``if_then_else`` (first case that holds) and ``lookup`` (a table keyed by columns)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.mapping.algorithms._base import Algorithm, register
from sdtm_convert.mapping.algorithms._common import expr_text, expr_value, readable, row_issues, text
from sdtm_convert.spec import conditions
from sdtm_convert.spec.params import (
    CONDITION,
    EXPR,
    Bool,
    Codelist,
    Column,
    Expr,
    ListOf,
    Problem,
    Read,
    SpecEnv,
    Struct,
)


def _if_then_else(frame, var, env):
    default = expr_value(var["else"], frame, env.targets) if "else" in var else pd.Series("", index=frame.index, dtype=object)
    out = default.copy()
    decided = pd.Series(False, index=frame.index)
    for case in var["cases"]:
        hit = conditions.evaluate(case["when"], frame, env.targets) & ~decided
        if hit.any():
            val = expr_value(case["then"], frame, env.targets)
            if out.dtype != val.dtype:
                out = out.astype(object)
            out[hit] = val[hit]
        decided |= hit
    issues: list[Issue] = []
    textual = out.dtype == object or pd.api.types.is_string_dtype(out)  # a raw column may be pandas "str"
    if "codelist" in var and textual:
        mapped, unmatched = env.ct.codelist(var["codelist"]).map_values(out.astype(str))
        out = mapped.fillna(out.astype(str).str.upper()).astype(str)
        issues += row_issues(frame, unmatched, "ct-term-not-found", ERROR, f"result not in codelist {var['codelist']}",
                             column=None, env=env, variable=var["target"], values=out)
    if var.get("upper") and textual:
        out = out.astype(str).str.upper()
    return out, issues


def _lookup(frame, var, env):
    keys = var["keys"]
    table = pd.DataFrame(var["table"]).astype(str)
    left = pd.DataFrame({k: text(frame, k).str.upper() for k in keys})
    right = table.assign(**{k: table[k].str.strip().str.upper() for k in keys})
    merged = left.merge(right[[*keys, "value"]], on=keys, how="left")
    merged.index = frame.index
    miss = merged["value"].isna()
    if "default" in var:  # rows without a table entry take the default expression instead of an error
        fallback = expr_value(var["default"], frame, env.targets).astype("string").fillna("").astype(str)
        values = merged["value"].astype(object).where(~miss, fallback)
        issues: list[Issue] = []
    else:
        issues = row_issues(frame, miss, "lookup-not-found", ERROR, f"no entry in the lookup table for {'+'.join(keys)}",
                            column=keys[0], env=env, variable=var["target"])
        values = merged["value"].fillna("")
    if all(isinstance(r["value"], int | float) and not isinstance(r["value"], bool) for r in var["table"]):
        return pd.to_numeric(values, errors="coerce").astype("float64"), issues
    return values.astype(str), issues


def condition_text(cond: dict[str, Any]) -> str:
    return readable(conditions.to_text(cond))


def _cases_method(row):
    cases = [f"if {condition_text(c['when'])} then {expr_text(c['then'])}" for c in row["cases"]]
    tail = f"; otherwise {expr_text(row['else'])}" if "else" in row else "; otherwise null"
    return "; ".join(cases) + tail


def _lookup_method(row):
    pairs = [" / ".join(str(t[k]) for k in row["keys"]) + f" → {t['value']}" for t in row["table"][:20]]
    more = f" (and {len(row['table']) - 20} more)" if len(row["table"]) > 20 else ""
    return f"Looked up from {', '.join(row['keys'])}: " + "; ".join(pairs) + more


def _cases_read(cases: list[dict[str, Any]]) -> list[Read]:
    out: list[Read] = []
    for case in cases:
        out += conditions.referenced_names(case["when"])
        out += Expr().reads(case["then"])
    return out


def _cases_check(cases: list[dict[str, Any]], env: SpecEnv) -> list[Problem]:
    return [Problem((i, "when", *p.path), "spec-condition-invalid", p.message)
            for i, case in enumerate(cases) for p in conditions.located_problems(case["when"])]


CASES = Struct(
    required=True,
    fragment={"type": "array", "minItems": 1, "items": {
        "type": "object", "required": ["when", "then"], "additionalProperties": False,
        "properties": {"when": CONDITION, "then": EXPR}}},
    read=_cases_read, checker=_cases_check,
    codes=("spec-column-unknown", "spec-target-order", "spec-condition-invalid"),
    type_text_="list of {when: CONDITION, then: EXPR}",
    doc="cases tried in order; the first whose condition holds gives the value",
)

register(Algorithm(
    name="if_then_else", origin="Derived", run=_if_then_else, describe=_cases_method,
    summary="The value of the first case whose condition holds, else the ``else`` expression (or null).",
    params={"cases": CASES,
            "else": Expr(doc="value when no case holds (null when absent)"),
            "codelist": Codelist(doc="map the result to this codelist (a miss is an error)"),
            "upper": Bool(default=False, doc="upper-case a text result")},
    emits=("ct-term-not-found",),
    example={"target": "AEONGO", "algorithm": "if_then_else",
             "cases": [{"when": {"column": "AEONGO", "op": "eq", "value": "Yes"}, "then": {"value": "Y"}}],
             "else": {"value": "N"}},
))

register(Algorithm(
    name="lookup", origin="Derived", run=_lookup, describe=_lookup_method,
    summary="A value looked up in a table keyed by raw columns (trimmed, case-insensitive).",
    params={"keys": ListOf(item=Column(), min_items=1, required=True, doc="the raw columns that key the table"),
            "table": Struct(required=True, fragment={"type": "array", "minItems": 1,
                                                     "items": {"type": "object", "required": ["value"]}},
                            type_text_="list of {KEY: V, ..., value: V}",
                            doc="one row per key combination, with its ``value``"),
            "default": Expr(doc="value of rows with no table entry (otherwise an error)")},
    emits=("lookup-not-found",),
    example={"target": "VISITNUM", "algorithm": "lookup", "keys": ["VISIT"],
             "table": [{"VISIT": "Screening", "value": 1}, {"VISIT": "Week 12", "value": 2}]},
))
