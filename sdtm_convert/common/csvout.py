"""CSV files of millions of rows (the lineage reports), assembled column-wise by Arrow.

The text is what ``df.to_csv(path, index=False, lineterminator="\\n")`` writes for columns of text and
integers: minimal quoting (a value holding a comma, a quote or a line break is quoted, quotes doubled),
missing → empty; unlike pandas, a bare carriage return is quoted too, so readers keep it. Fields are
formatted and quoted by Arrow compute functions and the rows joined by Arrow, not by the ``csv`` module
cell by cell; rows are written in chunks, so the whole file is never one string in memory.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sdtm_convert.common.arrowtext import join_all, lit
from sdtm_convert.common.atomic import atomic_open

CHUNK_ROWS = 500_000
_SPECIAL = (",", '"', "\n", "\r")
_NEEDS_QUOTES = '[,"\n\r]'


def csv_field(value: str) -> str:
    """One CSV field with minimal quoting (as Python's ``csv`` module writes it)."""
    if any(ch in value for ch in _SPECIAL):
        return '"' + value.replace('"', '""') + '"'
    return value


def _column(s: pd.Series) -> pa.Array:
    """The column's CSV fields, formatted and quoted by Arrow compute functions."""
    if pd.api.types.is_float_dtype(s.dtype):
        raise TypeError(f"column {s.name!r} is float: format it as text first (pandas writes 1.0, not 1)")
    if pd.api.types.is_integer_dtype(s.dtype):
        return pa.array(s.array, from_pandas=True).cast(pa.large_string()).fill_null("")
    text = s if isinstance(s.dtype, pd.StringDtype) else s.astype("str")
    arr = pa.array(text.array, type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = arr.fill_null("")
    special = pc.match_substring_regex(arr, _NEEDS_QUOTES)
    if not pc.any(special).as_py():
        return arr
    quoted = pc.binary_join_element_wise(lit('"'), pc.replace_substring(arr, '"', '""'), lit('"'), lit(""))
    return pc.if_else(special, quoted, arr)


def _lines(columns: list[pa.Array]) -> str:
    rows = pc.binary_join_element_wise(*columns, lit(",")) if len(columns) > 1 else columns[0]
    return join_all(rows, "\n") + "\n"


def write_csv(path: str | Path, df: pd.DataFrame, chunk_rows: int = CHUNK_ROWS) -> Path:
    """Write ``df`` (text and integer columns) as CSV with a header row, atomically."""
    columns = [_column(df[c]) for c in df.columns]
    with atomic_open(path, "w") as fh:
        fh.write(",".join(csv_field(str(c)) for c in df.columns) + "\n")
        for start in range(0, len(df), chunk_rows):
            if columns:
                fh.write(_lines([c.slice(start, chunk_rows) for c in columns]))
    return Path(path)
