"""Whole-frame comparison for the ADaM tests (admiral's expect_dfs_equal)."""

from __future__ import annotations

import numpy as np
import pandas as pd

NA = np.nan


def frame(text_rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    """A literal frame; text columns as object (ADaM convention), numbers as float64."""
    df = pd.DataFrame(text_rows, columns=columns)
    for c in df.columns:
        if pd.api.types.is_numeric_dtype(df[c]):
            df[c] = df[c].astype(float)
        else:
            df[c] = df[c].astype(object)
    return df


def assert_frames(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same columns (order included), same rows, same values; text compared as text, numbers as floats."""
    a = actual.reset_index(drop=True)
    e = expected.reset_index(drop=True)
    assert list(a.columns) == list(e.columns), (list(a.columns), list(e.columns))
    for c in a.columns:
        if pd.api.types.is_numeric_dtype(e[c]):
            a[c] = a[c].astype(float)
        else:
            a[c] = a[c].astype(object)
    pd.testing.assert_frame_equal(a, e, check_dtype=False, check_exact=False, rtol=1e-12, atol=1e-12)
