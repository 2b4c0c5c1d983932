"""Small text helpers: counts for reports and consoles, the one text of a number, work per distinct value."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd


def plural(count: int, noun: str) -> str:
    """``1 warning``, ``2 warnings``, ``12,345 records`` (a regular plural; thousands separated)."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def number_str(value: float) -> str:
    """Shortest decimal text of one number, never in exponent form: ``64.0`` → ``64``, ``36.06`` → ``36.06``,
    ``1e-05`` → ``0.00001``, ``1e20`` → ``100000000000000000000``; ``-0.0`` → ``-0`` (its sign kept)."""
    v = float(value)
    if math.isfinite(v) and v == round(v) and abs(v) < 1e15 and not (v == 0 and np.signbit(v)):
        return str(int(v))
    return format(Decimal(repr(v)).normalize(), "f")


def number_text(num: pd.Series) -> pd.Series:
    """:func:`number_str` of each number; NaN → ``""``. The one number formatter: the SDTM and ADaM text
    columns, lineage, XPT Char text and the validator's comparisons of numbers with text all use it.

    Formatted once per distinct value (record numbers and --SEQ of millions of records repeat little, but
    results do)."""
    x = pd.to_numeric(num, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    codes, bits = pd.factorize(x.view(np.int64))  # by bit pattern: -0.0 and 0.0 stay apart, as in per-cell text
    vals = np.asarray(bits, dtype=np.int64).view(np.float64)
    codes = np.where(np.isnan(x), -1, codes)  # missing → the "" at the end
    with np.errstate(invalid="ignore"):  # whole numbers (not -0.0) print as integers, without Decimal
        whole = (vals == np.round(vals)) & (np.abs(vals) < 1e15) & ~((vals == 0) & np.signbit(vals))
    out = np.empty(len(vals) + 1, dtype=object)
    out[:-1][whole] = vals[whole].astype(np.int64).astype(str)
    out[:-1][~whole] = [number_str(v) for v in vals[~whole]]
    out[-1] = ""
    return pd.Series(out[np.where(codes < 0, len(vals), codes)], index=num.index).astype(str)


def per_distinct(fn: Callable[..., tuple[pd.Series, ...]], *columns: pd.Series) -> tuple[pd.Series, ...]:
    """Apply an element-wise ``fn(*columns) -> (Series, ...)`` to the distinct rows only and spread the
    results back: dates repeat (a visit date on every PASI item), and the regexes are the cost."""
    index = columns[0].index
    if len(columns) == 1:
        codes, uniq = pd.factorize(columns[0], use_na_sentinel=True)
        distinct = [pd.Series(list(uniq) + [None], dtype=object)]
    else:  # distinct rows from the columns' factor codes (no text copy of the columns)
        texts = [c.astype("string").fillna("") for c in columns]
        codes = np.zeros(len(index), dtype=np.int64)
        for t in texts:
            c, u = pd.factorize(t)
            codes = pd.factorize(codes * len(u) + c)[0]
        uniq, first = np.unique(codes, return_index=True)  # codes are 0..k-1: uniq[i] == i
        distinct = [pd.Series(t.iloc[first].tolist() + [""], dtype=object) for t in texts]
    results = fn(*distinct)
    pick = np.where(codes < 0, len(uniq), codes)
    return tuple(pd.Series(r.to_numpy(dtype=object)[pick], index=index, dtype=object) for r in results)
