"""Column-wise view of a frame column as JSON values (what :func:`rows.json_value` gives per cell).

A :class:`ColumnView` holds, per record, the JSON kind (null/string/number/boolean/other) and, for the
string cells, a factorisation (codes into the distinct strings). String keywords are evaluated once per
*distinct* string and broadcast through the codes, so the cost is one hash pass over the column plus
work proportional to the distinct values. Only an ``object`` column mixing Python types is converted
cell by cell (a contract breach in our frames: Char is ``str``, Num is ``float64``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from sdtm_convert.rowschema.rows import BOOLEAN, NULL, NUMBER, OTHER, STRING, json_kind, json_value

_STRING_INFERRED = {"string", "empty"}
_NUMBER_INFERRED = {"floating", "integer", "mixed-integer-float"}


@dataclass
class ColumnView:
    kind: np.ndarray  # uint8 per record
    values: np.ndarray  # per record; meaningful where kind is NUMBER or BOOLEAN
    codes: np.ndarray  # per record: index into `uniques` for STRING cells, -1 elsewhere
    uniques: list[str]

    @cached_property
    def lengths(self) -> np.ndarray:
        return np.fromiter(map(len, self.uniques), dtype=np.int64, count=len(self.uniques))

    def broadcast(self, per_unique: np.ndarray) -> np.ndarray:
        """Per-distinct-string booleans → per-record booleans (False for non-string cells)."""
        return np.append(np.asarray(per_unique, dtype=bool), False)[self.codes]


def _strings(series: pd.Series) -> ColumnView:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    kind = np.where(codes < 0, NULL, STRING).astype(np.uint8)
    text = uniques.tolist() if isinstance(series.dtype, pd.StringDtype) else [str(u) for u in uniques]
    return ColumnView(kind, np.empty(len(series), dtype=object), codes, text)


def _scalars(series: pd.Series, kind_of_present: int) -> ColumnView:
    null = series.isna().to_numpy()
    kind = np.where(null, NULL, kind_of_present).astype(np.uint8)
    if kind_of_present == NUMBER and series.dtype != object:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = series.to_numpy(dtype=object)
    return ColumnView(kind, values, np.full(len(series), -1, dtype=np.intp), [])


def _cell_by_cell(arr: np.ndarray) -> ColumnView:
    values = np.array([json_value(x) for x in arr] + [None], dtype=object)[:-1]
    kind = np.fromiter((json_kind(v) for v in values), dtype=np.uint8, count=len(values))
    codes = np.full(len(values), -1, dtype=np.intp)
    is_str = kind == STRING
    sub_codes, uniques = pd.factorize(values[is_str])
    codes[is_str] = sub_codes
    return ColumnView(kind, values, codes, [str(u) for u in uniques])


def column_view(series: pd.Series) -> ColumnView:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return _scalars(series, BOOLEAN)
    if pd.api.types.is_numeric_dtype(dtype):
        return _scalars(series, NUMBER)
    if isinstance(dtype, pd.StringDtype):
        return _strings(series)
    arr = series.to_numpy(dtype=object)
    inferred = pd.api.types.infer_dtype(arr, skipna=True)
    obj = pd.Series(arr, dtype=object, copy=False)
    if inferred in _STRING_INFERRED:
        return _strings(obj)
    if inferred in _NUMBER_INFERRED:
        return _scalars(obj, NUMBER)
    if inferred == "boolean":
        return _scalars(obj, BOOLEAN)
    return _cell_by_cell(arr)


__all__ = ["ColumnView", "column_view", "NULL", "STRING", "NUMBER", "BOOLEAN", "OTHER"]
