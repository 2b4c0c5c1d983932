"""Write the eCTD module-5 folder: XPT, Dataset-JSON, define.xml/define.html per standard.

Everything comes from the same frames and :class:`DatasetMeta` objects that wrote the XPT files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.metadata import DatasetMeta, WhereClause
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards import load_ct

NDJSON_ROWS = 100_000  # datasets larger than this are written as NDJSON (streamed, line by line)
FORMATS = ("xpt", "json")


@dataclass
class Written:
    files: list[Path] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def write_datasets(frames: Mapping[str, pd.DataFrame], metas: Mapping[str, DatasetMeta], folder: Path,
                   study: StudyConfig, *, formats: tuple[str, ...] = FORMATS) -> Written:
    """Write each dataset as XPT v5 and/or Dataset-JSON 1.1 into ``folder`` (lower-case file names)."""
    from sdtm_convert.package.datasetjson import write_dataset_json
    from sdtm_convert.xpt import write_xpt

    out = Written()
    folder.mkdir(parents=True, exist_ok=True)
    created = datetime.fromisoformat(study.created)
    for name in sorted(frames):
        frame, meta = frames[name], metas[name]
        if "xpt" in formats:
            path = folder / f"{name.lower()}.xpt"
            issues = write_xpt(frame, path, meta, created=created)
            out.issues += issues
            if not any(i.severity == ERROR for i in issues):
                out.files.append(path)
        if "json" in formats:
            ndjson = len(frame) > NDJSON_ROWS
            path = folder / f"{name.lower()}.{'ndjson' if ndjson else 'json'}"
            out.files.append(write_dataset_json(
                frame, meta, path, created=study.created, study_oid=study.studyid,
                metadata_version_oid=f"MDV.{study.studyid}", ndjson=ndjson))
    return out


def write_define(frames: Mapping[str, pd.DataFrame], metas: Mapping[str, DatasetMeta], folder: Path,
                 study: StudyConfig, *, standard: str, arm: list | None = None) -> Written:
    """define.xml (+ stylesheet, define.html) for the datasets of one standard, checked against the XSD."""
    from sdtm_convert.package import write_define_bundle
    from sdtm_convert.package.codelists import used_values_from_frames
    from sdtm_convert.package.xsd import validate_define

    out = Written()
    datasets = [metas[n] for n in sorted(metas)]
    files = write_define_bundle(
        folder, datasets, study_oid=study.studyid, study_name=study.studyid, description=study.title or study.studyid,
        protocol=study.protocol or study.studyid, standard=standard, ct_version=study.ct_version, created=study.created,
        used_values=used_values_from_frames(datasets, dict(frames)), ct=load_ct(study.ct_version), arm=arm,
        issues=out.issues,
    )
    out.files += files
    out.issues += validate_define(folder / "define.xml")
    return out


def primary_endpoint_arm(study: StudyConfig) -> list:
    """Analysis Results Metadata for the primary endpoint: PASI improvement rate at week 12."""
    from sdtm_convert.package.arm import AnalysisDataset, AnalysisResult, ResultDisplay

    week12 = WhereClause("WC.ADPASI.PASIIMP.WEEK12", [("ADPASI.PARAMCD", "EQ", ["PASIIMP"]),
                                                      ("ADPASI.AVISIT", "EQ", ["Week 12"]),
                                                      ("ADPASI.ANL01FL", "EQ", ["Y"])])
    return [ResultDisplay(
        id="T14.2.1", name="Table 14.2.1",
        description="PASI improvement rate at week 12 (primary endpoint) and PASI50/75/90/100 response",
        results=[AnalysisResult(
            id="T14.2.1.R1",
            description="PASI improvement rate at week 12 (+/- 3 days): (baseline PASI - week 12 PASI) / baseline PASI x 100",
            datasets=[AnalysisDataset("ADPASI", ["AVAL"], week12)],
            parameter="ADPASI.PARAMCD",
            documentation=f"Registry primary outcome of {study.studyid}; summary statistics in the analysis summary page.",
        )],
    )]
