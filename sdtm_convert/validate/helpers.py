"""Vectorised building blocks the rules share: presence, ISO 8601, numbers with a fitting tolerance,
one-to-one checks. Everything works on whole columns; nothing loops over rows.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.common.text import number_text

_NUMBER = r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*"


def obj(s: pd.Series) -> pd.Series:
    """Text as numpy object strings (hash-based unique/isin/merge are fast; no Arrow round trips)."""
    if s.dtype == object:
        return s
    if pd.api.types.is_numeric_dtype(s):
        return num_text(s)
    return pd.Series(s.to_numpy(dtype=object, na_value=""), index=s.index, dtype=object)


def show(*parts):
    """Lazy value text for findings: joined only for the rows that break a rule."""

    def at(pos):
        out = None
        for p in parts:
            piece = p if isinstance(p, str) else text(p.iloc[pos]).to_numpy(dtype=object)
            out = piece if out is None else out + piece
        return out

    return at


_UNIQ: dict[tuple, tuple] = {}
T = TypeVar("T")


def distinct(s: pd.Series) -> pd.Series:
    """Distinct values of a text column, remembered per underlying memory while its array lives
    (:func:`_per_column`)."""
    return _per_column(_UNIQ, s, lambda col: pd.Series(pd.unique(col.to_numpy()), dtype=object))


def by_unique(s: pd.Series, test) -> pd.Series:
    """Apply a vectorised test to the distinct values only, then map back (columns repeat a lot)."""
    s = obj(s)
    u = distinct(s)
    bad = u[np.asarray(test(u), dtype=bool)]
    if bad.empty:
        return pd.Series(np.zeros(len(s), dtype=bool), index=s.index)
    return s.isin(set(bad))


def _per_column(cache: dict[tuple, tuple], s: pd.Series, compute: Callable[[pd.Series], T]) -> T:
    """``compute(s)`` remembered per column while the frame lives: a column is a new
    view object on each access, so the key is the view's data address, shape and strides, validated by a weak
    reference to the owning block (as in :func:`distinct`)."""
    arr = s.to_numpy()
    base = arr.base if isinstance(arr.base, np.ndarray) else arr
    key = (arr.__array_interface__["data"][0], arr.shape, arr.strides)
    hit = cache.get(key)
    if hit is not None and hit[0]() is base:
        return hit[1]
    out = compute(s)
    try:
        cache[key] = (weakref.ref(base), out)
    except TypeError:  # pragma: no cover - not weak-referenceable: simply not cached
        pass
    if len(cache) > 8192:
        for k in [k for k, v in cache.items() if v[0]() is None]:
            del cache[k]
    return out


_PRESENT: dict[tuple, tuple] = {}


def present(s: pd.Series) -> pd.Series:
    """Populated: numeric not NaN, text not empty/blank (remembered per column while the frame lives)."""
    if pd.api.types.is_numeric_dtype(s):
        return s.notna()
    mask = _per_column(_PRESENT, s, lambda c: ~by_unique(c, lambda u: u.str.strip() == "").to_numpy(dtype=bool))
    return pd.Series(mask, index=s.index)


def text(s: pd.Series) -> pd.Series:
    """A column as text ("" for missing); numbers rendered without trailing .0 where integral."""
    if pd.api.types.is_numeric_dtype(s):
        return num_text(s)
    return obj(s)


def num_text(s: pd.Series) -> pd.Series:
    """Numbers as text (:func:`sdtm_convert.common.text.number_text`), as numpy object strings."""
    return number_text(s).astype(object)


def iso8601_invalid(s: pd.Series) -> pd.Series:
    """Populated values that are not ISO 8601 date/time, interval or duration (partial dates are valid)."""
    return by_unique(s, _iso8601_invalid)


def _iso8601_invalid(s: pd.Series) -> pd.Series:
    t = obj(s)
    return (t.str.strip() != "") & ~iso8601.is_valid(t, durations=True, intervals=True)


def duration_invalid(s: pd.Series) -> pd.Series:
    return by_unique(s, _duration_invalid)


def _duration_invalid(s: pd.Series) -> pd.Series:
    t = obj(s)
    pop = t.str.strip() != ""
    return pop & ~(iso8601.is_duration(t, signed=True) | _interval(t))


def _interval(t: pd.Series) -> pd.Series:
    """``start/end`` of two datetimes."""
    ends = t.str.split("/", n=1, expand=True).reindex(columns=[0, 1]).astype(object)
    ends = ends.where(ends.notna(), "")
    two = t.str.count("/").eq(1).fillna(False).astype(bool)
    return two & iso8601.is_valid(ends[0]) & iso8601.is_valid(ends[1])


def iso_date(s: pd.Series) -> pd.Series:
    """Date part of a valid ISO 8601 value complete to the day, as datetime64 (NaT otherwise)."""
    return iso8601.to_date(obj(s))


_DAYS: dict[tuple, tuple] = {}


def iso_days(s: pd.Series) -> pd.Series:
    """Days since 1970-01-01 of a valid ISO 8601 value complete to the day (NaN otherwise; remembered per column
    while the frame lives: the study-day rules ask about the same --DTC and RFSTDTC columns)."""
    return pd.Series(_per_column(_DAYS, s, _days), index=s.index)


def _days(s: pd.Series) -> np.ndarray:
    d = iso8601.to_date(obj(s))
    return (d - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype="float64")


def is_number(s: pd.Series) -> pd.Series:
    return by_unique(s, lambda u: u.str.fullmatch(_NUMBER).fillna(False).astype(bool))


def to_number(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s):
        return s.astype("float64")
    s = obj(s)
    u = pd.Series(s.unique(), dtype=object)
    vals = pd.Series(
        pd.to_numeric(
            u.where(u.str.fullmatch(_NUMBER).fillna(False).astype(bool)).str.strip(), errors="coerce"
        ).to_numpy(dtype="float64"),
        index=u.to_numpy(),
    )
    return s.map(vals).astype("float64")


def decimals(x: pd.Series, max_dp: int = 8) -> pd.Series:
    """Decimal places a stored number was written with (8.549999999999999 → 2, 4.1999999 → 7)."""
    v = x.to_numpy(dtype="float64")
    out = np.full(v.shape, max_dp, dtype=np.int64)
    done = ~np.isfinite(v)
    for d in range(max_dp + 1):
        hit = ~done & (np.abs(np.round(v, d) - v) <= 1e-9 * np.maximum(1.0, np.abs(v)))
        out[hit] = d
        done |= hit
    return pd.Series(out, index=x.index)


def tolerance(*cols: pd.Series, finest: bool = False) -> pd.Series:
    """Half a unit of the least precise stored operand (``finest``: of the most precise one), plus a relative
    floating-point margin. '8.55' vs 8.549999999999999 → equal; 10 vs 10.3 → not equal when finest."""
    dps = pd.concat([decimals(c) for c in cols], axis=1)
    dp = dps.max(axis=1) if finest else dps.min(axis=1)
    mag = pd.concat([c.abs() for c in cols], axis=1).max(axis=1).fillna(0)
    return 0.5 * 10.0 ** (-dp.astype(float)) + 1e-9 * np.maximum(1.0, mag)


def num_key(s: pd.Series) -> pd.Series:
    """Grouping key for numbers compared as numbers (4.1999999999 and 4.2 fall together)."""
    return s.astype("float64").round(6)


def inconsistent(df: pd.DataFrame, key: list[str], value: str) -> pd.Series:
    """Rows whose ``value`` is not the most frequent value within their ``key`` group (1:n → flagged).

    The mode of a group is its most frequent value, ties going to the value that sorts first (missing last);
    missing keys form groups of their own. Worked out on factor codes: one count per distinct (group, value)
    pair, not a groupby of the rows."""
    n = len(df)
    if n == 0:
        return pd.Series(False, index=df.index)
    group = np.zeros(n, dtype=np.int64)
    for k in key:
        c, u = pd.factorize(df[k], use_na_sentinel=False)
        group = pd.factorize(group * max(len(u), 1) + c)[0]
    vcodes, vuniq = pd.factorize(df[value], use_na_sentinel=False)
    width = max(len(vuniq), 1)
    pair_of_row, pairs = pd.factorize(group * width + vcodes)
    pairs = np.asarray(pairs, dtype=np.int64)
    pg, pv = pairs // width, pairs % width
    count = np.bincount(pair_of_row, minlength=len(pairs))
    if (np.bincount(pg) > 1).sum() == 0:  # no group holds two values
        return pd.Series(False, index=df.index)
    order = pd.Series(vuniq).sort_values(kind="stable", na_position="last").index.to_numpy()
    rank = np.empty(width, dtype=np.int64)
    rank[order] = np.arange(len(order))
    best = np.lexsort((rank[pv], -count, pg))  # per group: most frequent first, then the value sorting first
    first = np.ones(len(best), dtype=bool)
    first[1:] = pg[best][1:] != pg[best][:-1]
    mode = np.empty(int(pg.max()) + 1, dtype=np.int64)
    mode[pg[best][first]] = pv[best][first]
    vals = pd.Series(vuniq)  # compared as values of their dtype: NaN differs from NaN, pd.NA from nothing
    differs = vals.take(pv).reset_index(drop=True) != vals.take(mode[pg]).reset_index(drop=True)
    bad_pair = differs.fillna(False).to_numpy(dtype=bool) & (np.bincount(pg)[pg] > 1)
    return pd.Series(bad_pair[pair_of_row], index=df.index)


def has_columns(ds, *cols: str) -> bool:
    """The dataset has every one of ``cols``."""
    return all(c in ds.columns for c in cols)


_LIMIT = r"\s*(?:<=?|>=?)\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*"


def is_number_or_limit(s: pd.Series) -> pd.Series:
    """A number, or a number below/above a limit of quantitation ('<3.42', '>= 1000'): a result, not a code."""
    return by_unique(s, lambda u: u.str.fullmatch(rf"{_NUMBER}|{_LIMIT}").fillna(False).astype(bool))


# Arm codes SDTMIG reserves for subjects outside the planned arms (compared without regard to case: the CDISC
# pilot codes screen failures 'Scrnfail'; SC-CONS-036 reports the case once per subject).
ARM_EXCEPTIONS = ("SCRNFAIL", "NOTASSGN", "NOTTRT", "UNPLAN")


def arm_code_in(s: pd.Series, codes) -> pd.Series:
    """``s`` holds one of the reserved arm ``codes`` in any case ('Scrnfail' counts as 'SCRNFAIL')."""
    wanted = {c.upper() for c in codes}
    return by_unique(s, lambda u: u.str.strip().str.upper().isin(wanted))
