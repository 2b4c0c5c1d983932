"""Small ADaM packages written by the package writers (``write_package``) for the pooling tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sdtm_convert.api import write_package

CREATED = "2026-01-01T00:00:00"


def adsl(studyid: str, subjects: list[str], **columns) -> pd.DataFrame:
    n = len(subjects)
    frame = pd.DataFrame({"STUDYID": [studyid] * n, "USUBJID": subjects, "SUBJID": [s[-3:] for s in subjects],
                          "AGE": [40.0 + i for i in range(n)], "TRT01P": ["Drug"] * n, "SAFFL": ["Y"] * n})
    return frame.assign(**columns)


def adae(studyid: str, records: list[tuple[str, str]], **columns) -> pd.DataFrame:
    """``records``: (USUBJID, AEDECOD) per adverse event."""
    frame = pd.DataFrame({"STUDYID": [studyid] * len(records), "USUBJID": [r[0] for r in records],
                          "AESEQ": [float(i + 1) for i in range(len(records))], "AEDECOD": [r[1] for r in records],
                          "AEBODSYS": ["OLD SOC"] * len(records)})
    return frame.assign(**columns)


def package(folder: Path, frames: dict[str, pd.DataFrame], formats: tuple[str, ...] = ("xpt",)) -> Path:
    written = write_package(frames, folder, created=CREATED, formats=formats)
    assert written.ok, written.errors
    return folder


def spec(folder: Path, text: str, name: str = "pooling.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
