"""Structured conditions compiled to boolean masks (no eval).

A condition is ``{column|target: NAME, op: OP, value: V}`` or ``{all: [...]}``, ``{any: [...]}``,
``{not: {...}}``. Comparison is on trimmed text, case-insensitive unless ``case_sensitive: true``;
``gt/ge/lt/le`` compare numbers (non-numbers never match).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd


def _text(s: pd.Series, case_sensitive: bool) -> pd.Series:
    t = s.astype("string").fillna("").str.strip()
    return t if case_sensitive else t.str.upper()


def _norm_value(v: Any, case_sensitive: bool) -> str:
    t = str(v).strip()
    return t if case_sensitive else t.upper()


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype("string").str.strip(), errors="coerce")


_OPS: dict[str, Callable[[pd.Series, Any, bool], pd.Series]] = {
    "eq": lambda s, v, cs: _text(s, cs) == _norm_value(v, cs),
    "ne": lambda s, v, cs: _text(s, cs) != _norm_value(v, cs),
    "in": lambda s, v, cs: _text(s, cs).isin([_norm_value(x, cs) for x in v]),
    "not_in": lambda s, v, cs: ~_text(s, cs).isin([_norm_value(x, cs) for x in v]),
    "is_empty": lambda s, v, cs: _text(s, cs) == "",
    "not_empty": lambda s, v, cs: _text(s, cs) != "",
    "gt": lambda s, v, cs: _num(s) > float(v),
    "ge": lambda s, v, cs: _num(s) >= float(v),
    "lt": lambda s, v, cs: _num(s) < float(v),
    "le": lambda s, v, cs: _num(s) <= float(v),
    "matches": lambda s, v, cs: _text(s, True).str.fullmatch(v, flags=0 if cs else re.IGNORECASE),
    "starts_with": lambda s, v, cs: _text(s, cs).str.startswith(_norm_value(v, cs)),
}
OPERATORS = tuple(_OPS)


def referenced_names(cond: dict[str, Any]) -> list[tuple[str, str]]:
    """All (kind, name) pairs a condition reads: kind is "column" or "target"."""
    if "all" in cond or "any" in cond:
        return [r for c in cond.get("all", cond.get("any", [])) for r in referenced_names(c)]
    if "not" in cond:
        return referenced_names(cond["not"])
    kind = "column" if "column" in cond else "target"
    return [(kind, cond[kind])]


def evaluate(cond: dict[str, Any], frame: pd.DataFrame, targets: dict[str, pd.Series] | None = None) -> pd.Series:
    """Boolean mask of rows where ``cond`` holds: ``column`` reads ``frame``, ``target`` reads ``targets``."""
    if "all" in cond:
        mask = pd.Series(True, index=frame.index)
        for c in cond["all"]:
            mask &= evaluate(c, frame, targets)
        return mask
    if "any" in cond:
        mask = pd.Series(False, index=frame.index)
        for c in cond["any"]:
            mask |= evaluate(c, frame, targets)
        return mask
    if "not" in cond:
        return ~evaluate(cond["not"], frame, targets)
    series = frame[cond["column"]] if "column" in cond else (targets or {})[cond["target"]]
    result = _OPS[cond["op"]](series, cond.get("value"), bool(cond.get("case_sensitive", False)))
    return result.fillna(False).astype(bool)
