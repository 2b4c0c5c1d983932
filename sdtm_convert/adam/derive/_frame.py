"""Small frame helpers shared by the derivations (not part of the public API)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sdtm_convert.adam.derive.conditions import is_missing


def parse_order(order: Sequence[str] | None) -> tuple[list[str], list[bool]]:
    """``["ADT", "-SRCSEQ"]`` → (["ADT", "SRCSEQ"], [True, False]); a leading "-" sorts descending."""
    cols, asc = [], []
    for o in order or ():
        cols.append(o[1:] if o.startswith("-") else o)
        asc.append(not o.startswith("-"))
    return cols, asc


NA_POSITIONS = ("first", "last")


def sorted_positions(
    frame: pd.DataFrame, by_vars: Sequence[str], order: Sequence[str] | None, *, na_position: str = "first"
) -> np.ndarray:
    """Row positions of ``frame`` in (by_vars, order) order: stable; missing values of the ``order``
    variables first (``na_position="first"``) or last in both directions (``"last"``, as dplyr's
    ``arrange()`` that admiral sorts with; "" counts as missing there, as after admiral's
    ``convert_blanks_to_na()``). Missing ``by_vars`` values always come first."""
    if na_position not in NA_POSITIONS:
        raise ValueError(f"na_position must be one of {NA_POSITIONS}")
    cols, asc = parse_order(order)
    keys = list(by_vars) + cols
    if not keys:
        return np.arange(len(frame))
    work = frame[keys].reset_index(drop=True)
    work.columns = [f"k{i}" for i in range(len(keys))]
    if na_position == "last":
        # a 0/1 "is missing" key before each order variable puts its missing values last either way
        miss = {f"m{i}": is_missing(work[f"k{len(by_vars) + i}"]).astype(int) for i in range(len(cols))}
        work = work.assign(**miss)
        sort_cols = [f"k{i}" for i in range(len(by_vars))]
        for i in range(len(cols)):
            sort_cols += [f"m{i}", f"k{len(by_vars) + i}"]
        ascending = [True] * len(by_vars) + [a for x in asc for a in (True, x)]
        work = work.sort_values(sort_cols, ascending=ascending, kind="mergesort", na_position="first")
        return work.index.to_numpy()
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
        if not _is_char(s) or not s.hasnans:
            continue
        out[c] = empty_for_missing(s)
    return out


def empty_for_missing(s: pd.Series) -> pd.Series:
    """A character column with "" for missing (string columns stay string columns)."""
    return s.fillna("") if isinstance(s.dtype, pd.StringDtype) else s.astype(object).where(s.notna(), "")


def append_records(dataset: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``dataset`` with the records of ``new`` appended, their missing character values as "".

    The records of ``dataset`` are taken as they are (every derivation fills the character values of the
    records it makes), so appending a few thousand records to two million does not rescan the two
    million. A character column only one side has is "" in the other side's records."""
    new = new.reset_index(drop=True).copy()
    for c in dataset.columns:
        if c not in new.columns and _is_char(dataset[c]):
            new[c] = ""
    only_new = {c: "" for c in new.columns if c not in dataset.columns and _is_char(new[c])}
    if only_new:
        dataset = dataset.assign(**only_new)
    return pd.concat([dataset, fill_char_missing(new)], ignore_index=True)


def _is_char(s: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns that hold only text (and missing values) become pandas string columns (Arrow-backed
    with pandas 3): a fraction of the memory, and the writers and the validator read them without
    converting two million Python strings again."""
    out = frame.copy(deep=False)
    for c in out.columns:
        if out[c].dtype == object and pd.api.types.infer_dtype(out[c], skipna=True) == "string":
            out[c] = out[c].astype("str")
    return out


def flag_series(mask: pd.Series, true_value: str = "Y", false_value: str = "") -> pd.Series:
    return pd.Series(np.where(mask.to_numpy(dtype=bool), true_value, false_value), index=mask.index, dtype=object)
