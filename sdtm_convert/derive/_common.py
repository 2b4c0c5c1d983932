"""Helpers shared by the derivations: provenance-carrying issues and ISO 8601 comparisons.

Not a derivation module: nothing here is registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.dates import date_precision
from sdtm_convert.errors import ERROR, Issue

PROVENANCE = ("__src_file", "__src_row")
# length of an ISO 8601 extended value known to precision 1 (year) .. 6 (seconds)
_PREC_LEN = {1: 4, 2: 7, 3: 10, 4: 13, 5: 16, 6: 19}
DAY = 3  # date_precision() of a value complete to the day
MINUTE = 5


def text(df: pd.DataFrame, col: str) -> pd.Series:
    """Column ``col`` as plain str with "" for missing; an all-"" column when absent."""
    if col not in df.columns:
        return pd.Series("", index=df.index, dtype=object).astype(str)
    return df[col].astype("string").fillna("").astype(str)


def _row(v: Any) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def record_issues(
    rows: pd.DataFrame,
    code: str,
    severity: str,
    message: str,
    *,
    dataset: str,
    variable: str | None = None,
    value_col: str | None = None,
) -> list[Issue]:
    """One issue per row of ``rows`` (already filtered to the offending records), with provenance."""
    files = text(rows, "__src_file").tolist()
    srows = rows["__src_row"].tolist() if "__src_row" in rows.columns else [None] * len(rows)
    subj = text(rows, "USUBJID").tolist()
    vals = text(rows, value_col).tolist() if value_col else [None] * len(rows)
    return [
        Issue(
            code,
            severity,
            message,
            file=f or None,
            row=_row(r),
            value=v,
            dataset=dataset,
            variable=variable,
            usubjid=u or None,
        )
        for f, r, u, v in zip(files, srows, subj, vals, strict=True)
    ]


def missing_domain(dataset: str, needed: str, by: str) -> Issue:
    return Issue(
        "derive-domain-missing", ERROR, f"derivation {by!r} needs domain {needed} built first", dataset=dataset
    )


def missing_columns(df: pd.DataFrame, cols: Iterable[str], dataset: str, by: str) -> list[Issue]:
    return [
        Issue("derive-variable-missing", ERROR, f"derivation {by!r} needs variable {c}", dataset=dataset, variable=c)
        for c in cols
        if c not in df.columns
    ]


def iso_compare(a: pd.Series, b: pd.Series, min_precision: int = 1) -> pd.Series:
    """Compare ISO 8601 values at the precision both have: -1 (a < b), 0 (equal there), 1 (a > b).

    A value's precision is its number of known leading components (year .. seconds; a hyphen
    placeholder ends it: ``2021---15`` is known to the year). The result is NaN when either side is
    known to fewer than ``min_precision`` components (e.g. ``min_precision=3``: both complete to the day).
    Datetimes are compared as datetimes when both have times, else as dates. ``a`` and ``b`` have
    the same length and are paired by position; the result has ``a``'s index.
    """
    a = a.astype("string").fillna("").astype(str)
    b = pd.Series(b.to_numpy(), index=a.index).astype("string").fillna("").astype(str)
    p = np.minimum(date_precision(a).to_numpy(), date_precision(b).to_numpy())
    out = np.full(len(a), np.nan)
    for level, n in _PREC_LEN.items():
        m = p == level
        if level < min_precision or not m.any():
            continue
        sa = a.str.slice(0, n).to_numpy(dtype=object)[m]
        sb = b.str.slice(0, n).to_numpy(dtype=object)[m]
        out[m] = np.where(sa < sb, -1.0, np.where(sa > sb, 1.0, 0.0))
    return pd.Series(out, index=a.index, dtype="float64")


def date_key(s: pd.Series) -> pd.Series:
    """Sortable text key: the value truncated to its known precision ("" when nothing is known)."""
    s = s.astype("string").fillna("").astype(str)
    prec = date_precision(s)
    out = pd.Series("", index=s.index, dtype=object)
    for level, n in _PREC_LEN.items():
        m = prec == level
        out[m] = s[m].str.slice(0, n)
    return out.astype(str)
