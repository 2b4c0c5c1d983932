"""Helpers for the XPT tests: metadata for a frame, both readers, whole-frame comparison."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from sdtm_convert.metadata import DatasetMeta, VariableMeta
from sdtm_convert.xpt import read_v5, read_xpt

CREATED = datetime(2026, 11, 25, 0, 0, 0)
PILOT = Path(__file__).resolve().parents[1] / "data" / "cdiscpilot01"


def meta_for(df: pd.DataFrame, name: str = "XX", formats: dict[str, str] | None = None) -> DatasetMeta:
    """Metadata describing ``df``: numeric dtypes → Num, everything else Char; labels from names."""
    formats = formats or {}
    variables = [
        VariableMeta(
            name=str(c),
            label=f"Label of {c}",
            type="Num" if pd.api.types.is_numeric_dtype(df[c].dtype) else "Char",
            length=0,
            display_format=formats.get(str(c)),
        )
        for c in df.columns
        if not str(c).startswith("__")
    ]
    return DatasetMeta(name=name, label=f"Dataset {name}", class_="", structure="", keys=[], variables=variables)


def read_both(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The file through pyreadstat and through the independent v5 parser, as comparable frames."""
    df, info = read_xpt(path)
    member = read_v5(path)
    assert member.info.records == info.records == len(df)
    assert [v.name for v in member.info.variables] == list(df.columns)
    oracle = pd.DataFrame({k: member.columns[k] for k in df.columns}, columns=list(df.columns))
    return normalise(df), normalise(oracle)


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Char → object of str, Num → float64, fresh RangeIndex (readers differ only in these)."""
    out = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_numeric_dtype(s.dtype):
            out[c] = s.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            out[c] = np.array(s.fillna("").astype(str).tolist(), dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)), columns=list(df.columns))


def assert_same_values(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Whole-frame equality; numbers compared bit for bit (NaN = NaN, 0.0 = -0.0)."""
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected)
    for c in expected.columns:
        a, e = actual[c].to_numpy(), expected[c].to_numpy()
        if e.dtype == object:
            assert a.tolist() == e.tolist(), c
        else:
            a, e = a.astype(np.float64), e.astype(np.float64)
            assert np.array_equal(np.isnan(a), np.isnan(e)), c
            ok = ~np.isnan(e)
            assert np.array_equal(a[ok] + 0.0, e[ok] + 0.0), c  # + 0.0 folds -0.0 into 0.0
            assert np.array_equal((a[ok] + 0.0).view(np.int64), (e[ok] + 0.0).view(np.int64)), c
