"""Data frames kept on disk between the stages of a run, so memory holds only the frames being worked on.

A :class:`FrameStore` is a mapping of name → data frame. Setting a frame writes it as an Arrow IPC file
into a private temporary folder (in ``TMPDIR``; ``SDTM_CONVERT_TMPDIR`` overrides) and forgets it;
getting one memory-maps that file and returns a data frame over the mapped bytes, without copying the
text columns or the numbers. Mapped pages are file pages: the kernel reads them in when a stage touches
them and can drop them again under memory pressure, and they are released when the frame is no longer
referenced. So a stage that reads one domain pays for that domain only, and a study with one very large
domain does not need room for all the others beside it.

What goes in comes out exactly: the same columns, dtypes (pandas ``str``, ``float64``, ``int64``,
``bool``), index and values, bit for bit (NaN stays a NaN value, -0.0 stays -0.0). A frame of any other
shape (object or extension columns, non-text column names, duplicate names) is kept in memory as given,
so the store never changes a result. Frames are immutable once stored: a stored frame is replaced by
setting the name again (a new file; frames already handed out keep reading the old one).

The folder is removed when the store is garbage-collected or the process exits (only by the process
that created it: a forked worker reads the same files and leaves them). A process killed outright
leaves ``sdtm-convert-*`` folders in the temporary directory.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator, MutableMapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

TMPDIR_ENV = "SDTM_CONVERT_TMPDIR"
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default ``str``


def _remove(folder: str, owner: int) -> None:
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def _storable(frame: pd.DataFrame) -> bool:
    cols = frame.columns
    if not all(isinstance(c, str) for c in cols) or not cols.is_unique:
        return False
    if not (isinstance(frame.index, pd.RangeIndex) or frame.index.dtype == np.int64) or frame.index.name is not None:
        return False
    return all(t == TEXT or t in (np.float64, np.int64, np.bool_) for t in frame.dtypes)


def _to_arrow(frame: pd.DataFrame) -> pa.Table:
    arrays, fields = [], []
    for name in frame.columns:
        s = frame[name]
        if s.dtype == TEXT:
            arr = s.array.__arrow_array__().cast(pa.large_string())  # zero copy (pandas keeps large_string)
        else:  # numpy values as they are: NaN stays a value (not an Arrow null), so reading it back copies nothing
            arr = pa.array(s.to_numpy(), type=pa.from_numpy_dtype(s.dtype))
        arrays.append(arr)
        fields.append(pa.field(name, arr.type))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _from_arrow(table: pa.Table, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    cols = {}
    for name, col in zip(table.column_names, table.columns):
        if pa.types.is_large_string(col.type):
            cols[name] = pd.Series(pd.arrays.ArrowStringArray(col, dtype=TEXT), index=index, copy=False)
        else:
            cols[name] = pd.Series(col.to_numpy(), index=index, copy=False)  # one chunk, no nulls: zero copy
    return pd.DataFrame(cols, index=index, columns=columns, copy=False)


class FrameStore(MutableMapping[str, pd.DataFrame]):
    """name → data frame, held as memory-mapped Arrow IPC files (see the module doc)."""

    def __init__(self, label: str = "frames", folder: str | Path | None = None) -> None:
        parent = folder or os.environ.get(TMPDIR_ENV) or None
        self.folder = Path(tempfile.mkdtemp(prefix=f"sdtm-convert-{label}-", dir=parent))
        self._files: dict[str, tuple[Path, pd.Index, pd.Index]] = {}
        self._memory: dict[str, pd.DataFrame] = {}
        self._names: dict[str, None] = {}  # insertion order over both kinds
        self._counter = itertools.count()
        weakref.finalize(self, _remove, str(self.folder), os.getpid())

    def __setitem__(self, name: str, frame: pd.DataFrame) -> None:
        self._drop_data(name)
        self._names[name] = None  # a replaced name keeps its place, as in a dict
        if not _storable(frame):
            self._memory[name] = frame
            return
        path = self.folder / f"{next(self._counter)}.arrow"
        table = _to_arrow(frame)
        with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table.combine_chunks())  # one record batch: every column reads back as one chunk
        self._files[name] = (path, frame.index, frame.columns)

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name in self._memory:
            return self._memory[name]
        if name not in self._files:
            raise KeyError(name)
        path, index, columns = self._files[name]
        return _from_arrow(ipc.open_file(pa.memory_map(str(path))).read_all(), index, columns)

    def keep(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Store ``frame`` and return the stored (memory-mapped) copy, so the caller can drop the original."""
        self[name] = frame
        return self[name]

    def _drop_data(self, name: str) -> None:
        self._memory.pop(name, None)
        entry = self._files.pop(name, None)
        if entry is not None:
            entry[0].unlink(missing_ok=True)  # frames already handed out keep their mapping

    def __delitem__(self, name: str) -> None:
        if name not in self._names:
            raise KeyError(name)
        self._drop_data(name)
        del self._names[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def in_memory(self) -> list[str]:
        """Names of the frames the store could not write (kept in memory as given)."""
        return list(self._memory)

    def close(self) -> None:
        """Remove the files now (frames handed out stay readable until they are dropped)."""
        self._files.clear()
        self._memory.clear()
        self._names.clear()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __reduce__(self) -> tuple:  # pickled as a plain dict of its frames
        return (dict, (list(self.items()),))

    def __repr__(self) -> str:
        return f"FrameStore({list(self._names)}, folder={str(self.folder)!r})"
