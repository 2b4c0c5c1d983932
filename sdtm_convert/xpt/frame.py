"""The frame as it will be written: provenance split off, character cells normalised, numbers as float64."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..common.provenance import SRC_FILE, SRC_ROW
from ..metadata import DatasetMeta

PROVENANCE_PREFIX = "__"  # __src_file, __src_row travel with rows and are dropped on write
FILE_COL, ROW_COL = SRC_FILE, SRC_ROW


def data_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if not str(c).startswith(PROVENANCE_PREFIX)]


def char_text(s: pd.Series) -> pd.Series:
    """Character cells as a string-dtype series (Arrow-backed with pandas 3: fast .str), missing → ""."""
    if isinstance(s.dtype, pd.StringDtype):
        return s.fillna("") if s.hasnans else s
    return s.astype(object).where(s.notna(), "").astype("str")


def char_values(s: pd.Series) -> pd.Series:
    """Character cells as written: missing → "", trailing blanks removed (XPT pads with blanks)."""
    return char_text(s).str.rstrip(" ")


def num_values(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s).to_numpy(dtype=np.float64, na_value=np.nan)


def prepare_frame(df: pd.DataFrame, meta: DatasetMeta) -> pd.DataFrame:
    """Columns in meta order (provenance dropped); call only after :func:`check_frame` found no error.

    Text stays in pandas' string dtype (Arrow-backed with pandas 3): the writer reads its buffers directly.
    """
    out = {}
    for v in meta.variables:
        out[v.name] = num_values(df[v.name]) if v.type == "Num" else char_values(df[v.name]).array
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)), columns=[v.name for v in meta.variables])
