"""How one frame row is presented to JSON Schema: the single definition both validators follow.

``frame_rows(df)`` yields one ``dict`` per record, used by the ``jsonschema`` reference (tests, and
any slow path); :mod:`sdtm_convert.rowschema.vectorised` computes the same thing column-wise.

- Every column of the frame becomes a property, except the provenance columns (``__src_file``,
  ``__src_row``), which are never validated. A column absent from the frame is an absent property
  (so it fails only ``required``).
- A cell that pandas considers missing (``None``, ``NaN``, ``pd.NA``, ``NaT``) becomes ``null``.
  In SDTM a missing Char value is ``""`` (a string, so a valid Char) and a missing Num is ``NaN``
  (``null``, allowed for non-Req Num); a ``NaN`` in a Char column is therefore a type error.
- ``str`` stays ``str``; NumPy scalars become the Python ``bool``/``int``/``float``; anything else
  (a ``Timestamp``...) is passed through and fails ``type``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common.provenance import PROVENANCE

PROVENANCE_COLS = PROVENANCE

# JSON kinds of a converted value (jsonschema's type checker semantics: bool is not a number)
NULL, STRING, NUMBER, BOOLEAN, OTHER = 0, 1, 2, 3, 4
KIND_NAMES = {NULL: "null", STRING: "string", NUMBER: "number", BOOLEAN: "boolean", OTHER: "other"}
TYPE_KINDS = {"null": NULL, "string": STRING, "number": NUMBER, "boolean": BOOLEAN}


def json_value(x: Any) -> Any:
    """The JSON value of one cell (see the module docstring)."""
    if x is None or isinstance(x, str):
        return None if x is None else str(x)
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (float, np.floating)):
        return None if math.isnan(x) else float(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    missing = pd.isna(x)
    if isinstance(missing, (bool, np.bool_)) and missing:
        return None
    return x


def json_kind(v: Any) -> int:
    """Kind of a value returned by :func:`json_value`."""
    if v is None:
        return NULL
    if isinstance(v, bool):
        return BOOLEAN
    if isinstance(v, str):
        return STRING
    if isinstance(v, numbers.Number):
        return NUMBER
    return OTHER


def validated_columns(df: pd.DataFrame, provenance_cols: Iterable[str] = PROVENANCE_COLS) -> list[str]:
    skip = set(provenance_cols)
    return [c for c in df.columns if c not in skip]


def frame_rows(df: pd.DataFrame, provenance_cols: Iterable[str] = PROVENANCE_COLS) -> Iterator[dict[str, Any]]:
    """One JSON object per record, in frame order (slow; for the jsonschema reference)."""
    cols = validated_columns(df, provenance_cols)
    for values in df[cols].itertuples(index=False, name=None):
        yield {c: json_value(v) for c, v in zip(cols, values)}
