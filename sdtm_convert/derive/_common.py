"""Helpers shared by the derivations: provenance-carrying issues, text columns, stable orders.

ISO 8601 is read by :mod:`sdtm_convert.common.iso8601`; ``date_key``, ``precision``, ``to_date``, ``iso_compare``,
``DAY`` and ``MINUTE`` stay here as its old names.

Not a derivation module: nothing here is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.common.provenance import SRC_FILE, SRC_ROW
from sdtm_convert.errors import ERROR, Issue

DAY = iso8601.DATE  # precision of a value complete to the day
MINUTE = iso8601.MINUTES


def text(df: pd.DataFrame, col: str | None) -> pd.Series:
    """Column ``col`` as plain str with "" for missing; an all-"" column when absent."""
    if col is None or col not in df.columns:
        return pd.Series("", index=df.index, dtype=str)
    s = df[col]
    if s.dtype == "str":  # pandas' default string dtype: no copy unless there are NaNs
        return s.fillna("") if s.hasnans else s
    return s.astype("string").fillna("").astype(str)


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
    files = text(rows, SRC_FILE).tolist()
    srows = rows[SRC_ROW].tolist() if SRC_ROW in rows.columns else [None] * len(rows)
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


def sort_rank(col: pd.Series) -> np.ndarray:
    """Integer ranks that sort like the values, missing last (sorting integers is the fast part of a sort)."""
    codes, uniq = pd.factorize(col, sort=True, use_na_sentinel=True)
    return np.where(codes < 0, len(uniq), codes)


def stable_order(ranks: list[np.ndarray]) -> np.ndarray:
    """Row positions sorted by ``ranks[0]``, then ``ranks[1]``, ..., then position (a stable sort)."""
    n = len(ranks[0]) if ranks else 0
    return np.lexsort([np.arange(n)] + ranks[::-1])  # lexsort sorts by its last key first


def by_unique(s: pd.Series, fn: Callable[[pd.Series], Any]) -> np.ndarray:
    """``fn`` (vectorised, Series → same-length result) applied to the distinct values of ``s`` only.

    Date columns hold far fewer distinct values than records; the result is spread back by position.
    Missing values are treated as "".
    """
    codes, uniq = pd.factorize(s)
    values = pd.Series(np.append(np.asarray(uniq, dtype=object), ""), dtype=object).astype(str)
    return np.asarray(fn(values))[codes]  # code -1 (missing) takes the appended ""


def date_key(s: pd.Series) -> pd.Series:
    """The value truncated to its known precision ("" when nothing is known): :func:`iso8601.sort_key`."""
    return iso8601.sort_key(s)


precision = iso8601.precision
to_date = iso8601.to_date
iso_compare = iso8601.compare
