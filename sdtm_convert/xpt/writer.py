"""Write one dataset as SAS XPT v5 behind :func:`check_frame`: atomic and byte-reproducible.

The observations are encoded by :mod:`.fastwriter` (numpy; headers by pyreadstat; files byte-identical
to ``pyreadstat.write_xport``); ``ENGINE = "pyreadstat"`` writes whole files with pyreadstat instead.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat

from ..common.atomic import atomic_path
from ..errors import ERROR, Issue, fatal
from ..metadata import DatasetMeta
from . import fastwriter
from .checks import check_frame
from .frame import prepare_frame
from .info import XptInfo, sas_datetime_text
from .v5 import DSCRPTR, LIBRARY, read_v5_members

# (offset, length) of the created/modified datetimes of the library and (first) member headers
_STAMPS = ((144, 16), (160, 16), (464, 16), (480, 16))
_STAMP = re.compile(rb"\d\d[A-Z]{3}\d\d:\d\d:\d\d:\d\d")
ENGINE = "fast"  # "fast" (fastwriter, byte-identical) or "pyreadstat"


def write_xpt(df: pd.DataFrame, path: str | Path, meta: DatasetMeta, *, created: datetime) -> list[Issue]:
    """Write ``df`` as ``path`` (must be ``<meta.name lower>.xpt``); return the check issues.

    ``meta`` is not changed: :func:`write_xpt_info` also returns what the file says (records, lengths).
    """
    return write_xpt_info(df, path, meta, created=created)[0]


def write_xpt_info(df: pd.DataFrame, path: str | Path, meta: DatasetMeta, *,
                   created: datetime) -> tuple[list[Issue], XptInfo | None]:
    """:func:`write_xpt`, plus the header as written (records and each variable's length in bytes), or None
    when an error issue stopped the write.

    On any error issue nothing is written. ``meta`` is left as it was. I/O failures raise
    ``SdtmConvertError`` (``xpt-write-failed``) and leave any previous file at ``path`` untouched.
    """
    path = Path(path)
    issues = _check_file_name(path, meta) + check_frame(df, meta, path.name)
    if any(i.severity == ERROR for i in issues):
        return issues, None
    data = prepare_frame(df, meta)
    try:
        with atomic_path(path) as tmp:
            _write_temp(data, tmp, meta, created)
            written = read_v5_members(tmp, data=False)[0].info  # the lengths actually written
            if written.records != len(data):
                raise fatal("xpt-write-failed", f"wrote {written.records} records, expected {len(data)}",
                            file=str(path))
    except (OSError, pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as e:
        raise fatal("xpt-write-failed", f"cannot write: {e}", file=str(path)) from None
    _fsync_dir(path.parent)
    return issues, written


def _check_file_name(path: Path, meta: DatasetMeta) -> list[Issue]:
    expected = f"{(meta.name or '').lower()}.xpt"
    if path.name != expected:
        return [Issue("xpt-file-name", ERROR, f"file name must be {expected}", file=str(path), dataset=meta.name)]
    return []


def _write_temp(data: pd.DataFrame, tmp: Path, meta: DatasetMeta, created: datetime) -> None:
    formats = {v.name: v.display_format for v in meta.variables if v.display_format}
    kwargs: dict[str, Any] = dict(
        file_label=meta.label,
        column_labels=[v.label for v in meta.variables],
        table_name=meta.name,
        variable_format=formats or None,
    )
    if ENGINE == "fast":
        fastwriter.write_xport(data, tmp, **kwargs)
    else:
        pyreadstat.write_xport(data, str(tmp), file_format_version=5, **kwargs)
    _stamp(tmp, sas_datetime_text(created).encode("ascii"))


def _stamp(tmp: Path, stamp: bytes) -> None:
    """Overwrite the created/modified header fields (pyreadstat writes the wall clock) and fsync."""
    with open(tmp, "r+b") as fh:
        head = bytearray(fh.read(560))
        fields = [bytes(head[offset : offset + size]) for offset, size in _STAMPS]
        if not (head.startswith(LIBRARY) and head[320:].startswith(DSCRPTR) and all(map(_STAMP.fullmatch, fields))):
            raise OSError(f"unexpected XPT header layout written by pyreadstat in {tmp}")
        for offset, size in _STAMPS:
            head[offset : offset + size] = stamp
        fh.seek(0)
        fh.write(head)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
