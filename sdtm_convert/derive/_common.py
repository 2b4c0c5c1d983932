"""Helpers shared by the derivations: provenance-carrying issues and ISO 8601 comparisons.

Not a derivation module: nothing here is registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sdtm_convert.dates import iso_to_date
from sdtm_convert.errors import ERROR, Issue

PROVENANCE = ("__src_file", "__src_row")
# length of an ISO 8601 extended value known to precision 1 (year) .. 6 (seconds)
_PREC_LEN = {1: 4, 2: 7, 3: 10, 4: 13, 5: 16, 6: 19}
_LEN_PREC = {0: 0, **{n: p for p, n in _PREC_LEN.items()}}
_KNOWN_RE2 = r"^(?P<k>[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2}(?:T[0-9]{2}(?::[0-9]{2}(?::[0-9]{2})?)?)?)?)?)"
DAY = 3  # date_precision() of a value complete to the day
MINUTE = 5


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


def _known_prefix(u: pd.Series) -> np.ndarray:
    """The known leading part of each value (``_KNOWN_RE2``), matched by Arrow's RE2 engine (not one Python
    regex call per value); ASCII digits only, as ISO 8601 has."""
    arr = pa.array(u.astype(str).to_numpy(dtype=object), type=pa.string())
    found = pc.extract_regex(arr, _KNOWN_RE2).field("k").fill_null("")
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=object)


def date_key(s: pd.Series) -> pd.Series:
    """The value truncated to its known precision ("" when nothing is known): a sortable text key.

    A hyphen placeholder ends the known part (``2021---15`` → ``2021``).
    """
    return pd.Series(by_unique(s, _known_prefix), index=s.index, dtype=str)


def _key_codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per value, distinct known prefixes) without building a full-length text column."""
    codes, uniq = pd.factorize(s)
    keys = _known_prefix(pd.Series(np.append(np.asarray(uniq, dtype=object), ""), dtype=object).astype(str))
    kcodes, kuniq = pd.factorize(keys)
    return kcodes[codes], np.asarray(kuniq, dtype=object)


def precision(s: pd.Series) -> pd.Series:
    """Known leading components: 0 none, 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second.

    Same answer as :func:`sdtm_convert.dates.date_precision`, computed once per distinct value.
    """
    return date_key(s).str.len().map(_LEN_PREC).astype("int64")


def to_date(s: pd.Series) -> pd.Series:
    """:func:`sdtm_convert.dates.iso_to_date` (NaT unless complete to the day), once per distinct value."""
    return pd.Series(by_unique(s, iso_to_date), index=s.index)


def iso_compare(a: pd.Series, b: pd.Series, min_precision: int = 1) -> pd.Series:
    """Compare ISO 8601 values at the precision both have: -1 (a < b), 0 (equal there), 1 (a > b).

    A value's precision is its number of known leading components (year .. seconds; a hyphen
    placeholder ends it: ``2021---15`` is known to the year). The result is NaN when either side is
    known to fewer than ``min_precision`` components (e.g. ``min_precision=3``: both complete to the day).
    Datetimes are compared as datetimes when both have times, else as dates. ``a`` and ``b`` have
    the same length and are paired by position; the result has ``a``'s index. Work is done once per
    distinct pair of values.
    """
    ca, ua0 = _key_codes(a)
    cb, ub0 = _key_codes(b)
    codes, pairs = pd.factorize(ca.astype("int64") * max(len(ub0), 1) + cb)
    ua = pd.Series(ua0[pairs // max(len(ub0), 1)], dtype=object).astype(str)
    ub = pd.Series(ub0[pairs % max(len(ub0), 1)], dtype=object).astype(str)
    n_common = np.minimum(ua.str.len().to_numpy(), ub.str.len().to_numpy())
    res = np.full(len(pairs), np.nan)
    for level, n in _PREC_LEN.items():
        m = n_common == n
        if level < min_precision or not m.any():
            continue
        sa = ua[m].str.slice(0, n).to_numpy(dtype=object)
        sb = ub[m].str.slice(0, n).to_numpy(dtype=object)
        res[m] = np.where(sa < sb, -1.0, np.where(sa > sb, 1.0, 0.0))
    return pd.Series(res[codes] if len(codes) else res[:0], index=a.index, dtype="float64")
