"""CDISC Dataset-JSON 1.1, two writers: ``json`` writes ``<dataset>.json``, or NDJSON (one metadata line, then
a row a line) above :data:`NDJSON_ROWS` rows; ``dsjc`` writes ``<dataset>.dsjc``, CDISC's Compressed
Dataset-JSON 1.1 (2025: the NDJSON as one zlib stream). Both are written in the run's main process, beside the
worker's XPT files; registered here in this order, so the plain form is listed (and preferred) first."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.package.writers._base import Writer, Written, register
from sdtm_convert.spec.study import StudyConfig

NDJSON_ROWS = 100_000  # datasets larger than this are written as NDJSON (streamed, line by line)


def write(frame: pd.DataFrame, meta: DatasetMeta, folder: Path, study: StudyConfig) -> Written:
    from sdtm_convert.package.datasetjson import write_dataset_json

    ndjson = len(frame) > NDJSON_ROWS
    path = folder / f"{meta.name.lower()}.{'ndjson' if ndjson else 'json'}"
    return Written((write_dataset_json(frame, meta, path, created=study.created, study_oid=study.studyid,
                                       metadata_version_oid=f"MDV.{study.studyid}", ndjson=ndjson),))


def read(path: Path) -> pd.DataFrame:
    """Char → str with "" for missing, Num → float64 with NaN (any of the three forms, by its suffix)."""
    from sdtm_convert.package.datasetjson import read_dataset_json

    return read_dataset_json(path)[0]


JSON = register(Writer(name="json", suffixes=(".json", ".ndjson"), process="main", write=write, read=read,
                       doc=f"CDISC Dataset-JSON 1.1, NDJSON above {NDJSON_ROWS:,} rows"))


def write_dsjc(frame: pd.DataFrame, meta: DatasetMeta, folder: Path, study: StudyConfig) -> Written:
    from sdtm_convert.package.datasetjson import write_dataset_json

    path = folder / f"{meta.name.lower()}.dsjc"
    return Written((write_dataset_json(frame, meta, path, created=study.created, study_oid=study.studyid,
                                       metadata_version_oid=f"MDV.{study.studyid}", form="dsjc"),))


DSJC = register(Writer(name="dsjc", suffixes=(".dsjc",), process="main", write=write_dsjc, read=read,
                       doc="CDISC compressed Dataset-JSON 1.1 (DSJC: NDJSON as one zlib stream)"))
