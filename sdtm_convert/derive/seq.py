"""``seq``: --SEQ = 1..n per USUBJID.

Order within a subject: the ``order`` variables (ascending; text compares as text, so ISO 8601
dates sort chronologically and a partial date such as ``2022-03`` sorts before ``2022-03-01``; empty
text and NaN sort last), ties broken by the frame's row order. Without ``order`` the frame's row
order is the order. The output keeps the input row order (no sorting side effect); --SEQ is float64.

YAML: ``{derive: seq, params: {order: [AESTDTC, AETERM]}}`` (``var`` defaults to ``<DOMAIN>SEQ``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.derive._common import missing_columns, sort_rank, stable_order
from sdtm_convert.derive.registry import DeriveContext, register
from sdtm_convert.errors import Issue

_LAST = "\U0010ffff"  # sorts after any text


def _sort_key(col: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(col):
        return col
    t = col.astype("string").fillna("").astype(str)
    return t.where(t != "", _LAST)


def seq_numbers(df: pd.DataFrame, order: list[str] | None = None, by: str = "USUBJID") -> pd.Series:
    """1..n per ``by`` in ``order`` (then row order); float64, aligned to ``df.index``."""
    n = len(df)
    by_rank = sort_rank(df[by].astype("string").fillna(""))
    ordered = stable_order([by_rank] + [sort_rank(_sort_key(df[c])) for c in order or []])
    group = by_rank[ordered]
    starts = np.r_[True, group[1:] != group[:-1]] if n else np.zeros(0, dtype=bool)
    run_start = np.maximum.accumulate(np.where(starts, np.arange(n), 0)) if n else np.zeros(0, dtype=np.int64)
    seq = np.empty(n, dtype="float64")
    seq[ordered] = np.arange(n) - run_start + 1
    return pd.Series(seq, index=df.index)


@register("seq", sets={"--SEQ": "Sequential number per subject in the order given by the mapping spec"})
def derive_seq(
    df: pd.DataFrame, ctx: DeriveContext, order: list[str] | None = None, var: str | None = None
) -> tuple[pd.DataFrame, list[Issue]]:
    target = var or f"{ctx.domain}SEQ"
    issues = missing_columns(df, ["USUBJID", *(order or [])], ctx.domain, "seq")
    if issues:
        return df.copy(deep=False), issues
    out = df.copy(deep=False)
    out[target] = seq_numbers(df, order)
    return out, []
