"""SAS XPT v5, the submission format: written in the run's worker process, its lengths are the package's."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from sdtm_convert.errors import ERROR
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.package.writers._base import Writer, Written, register
from sdtm_convert.spec.study import StudyConfig


def write(frame: pd.DataFrame, meta: DatasetMeta, folder: Path, study: StudyConfig) -> Written:
    """``<dataset>.xpt``; no file when a pre-write check finds an error. The lengths are those written."""
    from sdtm_convert.xpt import write_xpt_info

    path = folder / f"{meta.name.lower()}.xpt"
    issues, info = write_xpt_info(frame, path, meta, created=datetime.fromisoformat(study.created))
    if info is None or any(i.severity == ERROR for i in issues):
        return Written((), tuple(issues))
    return Written((path,), tuple(issues), {v.name: v.length for v in info.variables})


def read(path: Path) -> pd.DataFrame:
    """Char → str, Num → float64 (SAS dates stay numbers)."""
    from sdtm_convert.xpt import read_xpt

    return read_xpt(path)[0]


XPT = register(Writer(name="xpt", suffixes=(".xpt",), process="worker", write=write, read=read, primary=True,
                      doc="SAS XPT v5 transport files"))
