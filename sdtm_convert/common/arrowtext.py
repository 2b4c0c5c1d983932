"""Joining many strings with Arrow kernels instead of Python ``str.join`` loops over records."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def lit(text: str) -> pa.Scalar:
    """A large-string scalar (the separators and brackets the joins take)."""
    return pa.scalar(text, pa.large_string())


def join_runs(values: pa.Array, starts: np.ndarray, sep: str) -> pa.Array:
    """One string per run of ``values``: run ``i`` is ``values[starts[i]:starts[i + 1]]`` joined by ``sep``
    (``starts`` ascending, first 0; the last run ends at the end of ``values``)."""
    offsets = pa.array(np.r_[starts, len(values)], pa.int64())
    return pc.binary_join(pa.LargeListArray.from_arrays(offsets, values), lit(sep))


def join_all(values: pa.Array, sep: str) -> str:
    """All of ``values`` joined by ``sep`` into one Python string."""
    return str(join_runs(values, np.zeros(1, dtype=np.int64), sep)[0].as_py())
