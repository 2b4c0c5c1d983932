"""Small frame helpers shared by the derivations (not part of the public API)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def parse_order(order: Sequence[str] | None) -> tuple[list[str], list[bool]]:
    """``["ADT", "-SRCSEQ"]`` → (["ADT", "SRCSEQ"], [True, False]); a leading "-" sorts descending."""
    cols, asc = [], []
    for o in order or ():
        cols.append(o[1:] if o.startswith("-") else o)
        asc.append(not o.startswith("-"))
    return cols, asc


def sorted_positions(frame: pd.DataFrame, by_vars: Sequence[str], order: Sequence[str] | None) -> np.ndarray:
    """Row positions of ``frame`` in (by_vars, order) order: stable, missing values first."""
    cols, asc = parse_order(order)
    keys = list(by_vars) + cols
    if not keys:
        return np.arange(len(frame))
    work = frame[keys].reset_index(drop=True)
    work.columns = [f"k{i}" for i in range(len(keys))]
    work = work.sort_values(
        list(work.columns), ascending=[True] * len(by_vars) + asc, kind="mergesort", na_position="first"
    )
    return work.index.to_numpy()


def fill_char_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values in non-numeric columns become "" (the SDTM/ADaM character convention).

    Columns without missing values are kept as they are, and string columns stay string columns (no
    Python object per cell)."""
    out = frame.copy(deep=False)
    for c in out.columns:
        s = out[c]
        if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s) or not s.hasnans:
            continue
        out[c] = s.fillna("") if isinstance(s.dtype, pd.StringDtype) else s.astype(object).where(s.notna(), "")
    return out


def flag_series(mask: pd.Series, true_value: str = "Y", false_value: str = "") -> pd.Series:
    return pd.Series(np.where(mask.to_numpy(dtype=bool), true_value, false_value), index=mask.index, dtype=object)
