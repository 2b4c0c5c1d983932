"""Read the ADaM datasets of one study's written package for pooling: the frames (XPT or Dataset-JSON, through
:mod:`sdtm_convert.package.tables`) and the define.xml beside them (labels, data types, lengths, formats)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sdtm_convert.errors import fatal
from sdtm_convert.package.define.read import DefDataset, read_define
from sdtm_convert.package.tables import find_datasets, read_dataset


@dataclass(frozen=True)
class StudyPackage:
    """One study's ADaM package as read: its STUDYID, the pooled datasets it holds and their define.xml entries."""

    path: Path  # as given on the command line
    studyid: str
    frames: Mapping[str, pd.DataFrame]
    files: Mapping[str, Path]
    define: Mapping[str, DefDataset]
    created: str  # define.xml's ODM/@CreationDateTime ("" when there is none)
    ct_versions: tuple[str, ...] = ()  # the CT versions define.xml states


def read_study_package(path: Path, datasets: tuple[str, ...]) -> StudyPackage:
    """The ``datasets`` of the ADaM package at ``path`` (a run's output folder or the ADaM folder itself).
    ADSL must be there; another dataset may be absent (the study then adds no records to it)."""
    found = {n: p for n, p in find_datasets(path).items() if n.startswith("AD")}
    if "ADSL" not in found:
        raise fatal("pool-adsl-missing", "no ADSL dataset (XPT or Dataset-JSON) in this package", file=str(path))
    folder = found["ADSL"].parent
    files = {n: found[n] for n in datasets if n in found}
    frames = {n: read_dataset(p) for n, p in files.items()}
    define, created, ct = {}, "", tuple[str, ...]()
    if (folder / "define.xml").is_file():
        parsed = read_define(folder / "define.xml")
        define, created, ct = parsed.datasets, parsed.created, tuple(v for v in parsed.ct_versions if v)
    return StudyPackage(path, _studyid(path, frames["ADSL"]), frames, files, define, created, ct)


def _studyid(path: Path, adsl: pd.DataFrame) -> str:
    if "STUDYID" not in adsl.columns:
        raise fatal("pool-studyid-missing", "ADSL has no STUDYID variable", file=str(path), dataset="ADSL")
    values = sorted({str(v).strip() for v in adsl["STUDYID"].dropna()} - {""})
    if len(values) != 1:
        raise fatal("pool-studyid-missing", f"ADSL must hold one STUDYID value, not {len(values)} "
                    f"({', '.join(values[:3]) or 'none'})", file=str(path), dataset="ADSL", variable="STUDYID")
    return values[0]
