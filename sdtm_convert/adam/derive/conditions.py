"""Structured conditions ``{var, op, value}`` (with ``all``/``any``/``not``) compiled to boolean masks.

No eval: the operator set is closed. ``ref`` instead of ``value`` compares with another column.
A ``filter`` argument of the derivations accepts such a condition, a boolean Series aligned with the
dataset, or ``None`` (all records).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from sdtm_convert.errors import fatal

OPS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "missing", "present")
Condition: TypeAlias = Mapping[str, Any] | pd.Series | None


def is_missing(s: pd.Series) -> pd.Series:
    """Missing = NaN/None or (for text) the empty string."""
    m = s.isna()
    if not pd.api.types.is_numeric_dtype(s):
        m = m | s.astype("string").str.strip().eq("").fillna(False).astype(bool)
    return m.astype(bool)


def _compare(left: pd.Series, op: str, right: Any) -> pd.Series:
    if op == "eq":
        out = left == right
    elif op == "ne":
        out = left != right
    elif op == "in":
        out = left.isin(list(right))
    elif op == "not_in":
        out = ~left.isin(list(right))
    elif op == "lt":
        out = left < right
    elif op == "le":
        out = left <= right
    elif op == "gt":
        out = left > right
    else:  # ge
        out = left >= right
    return pd.Series(np.asarray(out, dtype=object), index=left.index).fillna(False).astype(bool)


def condition_mask(dataset: pd.DataFrame, cond: Condition) -> pd.Series:
    """Boolean mask (aligned with ``dataset``) for a structured condition, a Series, or None."""
    if cond is None:
        return pd.Series(True, index=dataset.index)
    if isinstance(cond, pd.Series):
        return cond.reindex(dataset.index).fillna(False).astype(bool)
    if not isinstance(cond, Mapping):
        raise fatal("adam-condition-invalid", f"a condition must be a mapping, got {type(cond).__name__}")
    if "all" in cond:
        masks = [condition_mask(dataset, c) for c in cond["all"]]
        return pd.concat(masks, axis=1).all(axis=1) if masks else pd.Series(True, index=dataset.index)
    if "any" in cond:
        masks = [condition_mask(dataset, c) for c in cond["any"]]
        return pd.concat(masks, axis=1).any(axis=1) if masks else pd.Series(False, index=dataset.index)
    if "not" in cond:
        return ~condition_mask(dataset, cond["not"])
    var, op = cond.get("var"), cond.get("op", "eq")
    if var not in dataset.columns:
        raise fatal("adam-condition-invalid", f"condition refers to unknown variable {var!r}", variable=str(var))
    if op not in OPS:
        raise fatal("adam-condition-invalid", f"unknown operator {op!r} (allowed: {', '.join(OPS)})")
    col = dataset[var]
    if op == "missing":
        return is_missing(col)
    if op == "present":
        return ~is_missing(col)
    if "ref" in cond:
        ref = cond["ref"]
        if ref not in dataset.columns:
            raise fatal("adam-condition-invalid", f"condition refers to unknown variable {ref!r}", variable=str(ref))
        return _compare(col, op, dataset[ref]) & ~is_missing(dataset[ref]) & ~is_missing(col)
    if "value" not in cond:
        raise fatal("adam-condition-invalid", f"condition on {var!r} has no 'value' or 'ref'")
    return _compare(col, op, cond["value"])


def validate_condition(cond: Any, columns: set[str] | None = None) -> list[str]:
    """Problems of a condition's structure (unknown operator, missing keys, unknown variables)."""
    problems: list[str] = []
    if not isinstance(cond, Mapping):
        return [f"condition must be a mapping, got {type(cond).__name__}"]
    for key in ("all", "any"):
        if key in cond:
            for c in cond[key]:
                problems += validate_condition(c, columns)
            return problems
    if "not" in cond:
        return validate_condition(cond["not"], columns)
    if "var" not in cond:
        problems.append("condition has no 'var'")
    elif columns is not None and cond["var"] not in columns:
        problems.append(f"unknown variable {cond['var']!r}")
    op = cond.get("op", "eq")
    if op not in OPS:
        problems.append(f"unknown operator {op!r}")
    elif op not in ("missing", "present") and "value" not in cond and "ref" not in cond:
        problems.append(f"operator {op!r} needs 'value' or 'ref'")
    return problems
