"""Reading PASI item records: the value of each (``--STRESN``, else its text), its layout item number, the
wide (assessment × item) array, and issues that name the record's raw file, row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.common.provenance import SRC_COLUMN, SRC_FILE, SRC_ROW
from sdtm_convert.errors import Issue


def text_column(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series("", index=df.index, dtype=object)
    return df[col].astype(object).where(df[col].notna(), "").astype(str).str.strip()


def item_values(sub: pd.DataFrame, p: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numeric value of each item record: ``--STRESN``, else the number in ``--STRESC``, else ``--ORRES``.

    Returns ``(values, bad_text, need_text)``: float values (NaN = missing), a mask of non-empty results
    that are not numbers, and the mask of records whose value had to be read from text.
    """
    if f"{p}STRESN" in sub.columns:
        values = pd.to_numeric(sub[f"{p}STRESN"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan).copy()
    else:
        values = np.full(len(sub), np.nan)
    need = np.isnan(values)
    bad_text = np.zeros(len(sub), dtype=bool)
    if need.any():  # only the records without STRESN are parsed from text
        rest = sub[need]
        stresc = text_column(rest, f"{p}STRESC")
        txt = stresc.where(stresc != "", text_column(rest, f"{p}ORRES"))
        num = pd.to_numeric(txt.where(txt != ""), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        values[need] = num
        bad_text[need] = np.isnan(num) & (txt != "").to_numpy()
    return values, bad_text, need


def _shown(rec: pd.Series, p: str) -> str:
    for suffix in ("ORRES", "STRESC", "STRESN"):  # the collected text first: it is what the raw file shows
        v = rec.get(f"{p}{suffix}")
        if v is not None and not (isinstance(v, float) and np.isnan(v)) and str(v).strip() != "":
            return str(v)
    return ""


def _src_column(rec: pd.Series) -> str | None:
    """The raw column a transposed item came from (``__src_column``, set by the mapping engine)."""
    col = rec.get(SRC_COLUMN)
    return None if col is None or pd.isna(col) or str(col).strip() == "" else str(col)


def record_issue(code: str, severity: str, message: str, rec: pd.Series, p: str, with_value: bool = False) -> Issue:
    row = rec.get(SRC_ROW)
    src = rec.get(SRC_FILE)
    return Issue(
        code,
        severity,
        message,
        file=None if src is None or pd.isna(src) else str(src),
        row=None if row is None or pd.isna(row) or str(row).strip() == "" else int(row),
        value=_shown(rec, p) if with_value else None,
        column=_src_column(rec),
        dataset=p,
        variable=f"{p}STRESN" if with_value else f"{p}TESTCD",
        usubjid=None if rec.get("USUBJID") is None else str(rec.get("USUBJID")),
        extra={"testcd": str(rec.get(f"{p}TESTCD", ""))},
    )


def layout_item(df: pd.DataFrame, p: str, layout: pd.DataFrame) -> np.ndarray:
    """Layout item number (1..29) of each record, 0 for records that are not PASI items."""
    codes, uniques = pd.factorize(df[f"{p}TESTCD"])  # map the few distinct codes, not every record
    item_of_unique = np.append(pd.Index(layout["testcd"]).get_indexer(uniques) + 1, 0)  # code -1 (NaN) → 0
    item = item_of_unique[codes]
    if f"{p}CAT" in df.columns:
        codes, uniques = pd.factorize(df[f"{p}CAT"])
        ok_unique = np.append(pd.Index(uniques).isin(["", layout["category"].iloc[0]]), True)  # NaN: no category
        item = np.where(ok_unique[codes], item, 0)
    return item


def wide(gid: np.ndarray, item: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, 16) array of item values; returns it and a per-record mask of conflicting duplicates."""
    key = gid * 16 + (item - 1)
    dup = np.bincount(key, minlength=16 * n)[key] > 1
    conflict = np.zeros(len(gid), dtype=bool)
    if dup.any():
        d = pd.DataFrame({"key": key[dup], "v": np.nan_to_num(values[dup], nan=-1.0)})
        conflict[np.flatnonzero(dup)] = (d.groupby("key")["v"].transform("nunique") > 1).to_numpy()
    arr = np.full((n, 16), np.nan)
    arr[gid, item - 1] = values
    arr[gid[conflict], item[conflict] - 1] = np.nan
    return arr, conflict
