"""The notebook user's calls that are not a stage of their own: :func:`write_package` (frames a user built →
XPT/Dataset-JSON + define.xml + define.html) and its result, :class:`WrittenPackage`.

``convert``, ``run_study``, ``build_adam`` and ``validate_package`` live with their stages; the package root
(``import sdtm_convert``) exports all of them (see ``docs/api.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.errors import ERROR, Issue, fatal
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.spec.model import StudySpec
from sdtm_convert.spec.study import StudyConfig

BUILT_SDTM = ("SE", "TA", "TE", "TV", "TI", "TS")  # SDTM datasets a conversion builds without a domain spec


@dataclass
class WrittenPackage:
    """What :func:`write_package` wrote: the folder, the standard, the files, the metadata used, and the issues
    (a dataset whose XPT file had errors is not written; define.xml is checked against the Define-XML 2.1 XSD)."""

    out: Path
    standard: str  # "SDTMIG 3.4" or "ADaMIG 1.3"
    files: list[Path]
    metadata: dict[str, DatasetMeta]
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def __repr__(self) -> str:
        return (f"<WrittenPackage {self.standard}: {len(self.metadata)} datasets, {len(self.files)} files in "
                f"{self.out}, {len(self.errors)} errors, {len(self.issues) - len(self.errors)} other issues>")


def _load(spec: str | Path | StudySpec | None) -> StudySpec | None:
    from sdtm_convert.spec.model import load_spec

    return spec if spec is None or isinstance(spec, StudySpec) else load_spec(spec)


def spec_origins(spec: StudySpec) -> dict[str, dict[str, dict[str, Any]]]:
    """The mapping spec's variable rows by domain and target (as the mapping engine keeps them for define.xml)."""
    from sdtm_convert.mapping.engine import merge_origins, origin_row, resolve_name

    out: dict[str, dict[str, dict[str, Any]]] = {}
    for d in spec.domains:
        per_source = [{resolve_name(var["target"], d.domain): origin_row(
            {**var, "target": resolve_name(var["target"], d.domain), "__raw": src["raw"]}, src)
            for var in src["variables"]} for src in d.sources]
        out[d.domain] = merge_origins(per_source)
    return out


def _kind(names: list[str]) -> str:
    adam = [n for n in names if n.upper().startswith("AD")]
    if adam and len(adam) < len(names):
        sdtm = [n for n in names if n not in adam]
        raise fatal("package-mixed-standards",
                    f"ADaM ({', '.join(adam)}) and SDTM ({', '.join(sdtm)}) datasets in one package; "
                    "write each standard with its own call (each has its own define.xml)", dataset=adam[0])
    return "adam" if adam else "sdtm"


def _studyid(frames: Mapping[str, pd.DataFrame]) -> str:
    for frame in frames.values():
        if "STUDYID" in frame.columns:
            values = frame["STUDYID"].dropna().astype(str).str.strip()
            values = values[values != ""]
            if len(values):
                return str(values.mode().iloc[0])
    raise fatal("package-studyid-missing", "no STUDYID value in the frames; give studyid=... (or a spec)",
                dataset=next(iter(frames), None))


def _study(frames: Mapping[str, pd.DataFrame], spec: StudySpec | None, studyid: str | None,
           ct_version: str | None, created: str | None) -> StudyConfig:
    from sdtm_convert.standards.ct import DEFAULT_CT_VERSION

    if spec is not None:
        study = spec.study
    else:
        sid = studyid or _studyid(frames)
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")
        study = StudyConfig(studyid=sid, title=sid, sponsor="", ct_version=DEFAULT_CT_VERSION, created=now)
    changes: dict[str, Any] = {k: v for k, v in (("studyid", studyid), ("ct_version", ct_version), ("created", created)) if v}
    return replace(study, **changes) if changes else study


def _adam_datasets() -> list[str]:
    """The ADaM datasets build_adam makes (their descriptors know every variable's origin and method)."""
    from sdtm_convert.adam.datasets import DATASETS

    return DATASETS.names()


def _metadata(kind: str, frames: Mapping[str, pd.DataFrame], spec: StudySpec | None, study: StudyConfig,
              given: Mapping[str, DatasetMeta], labels: Mapping[str, str]) -> tuple[dict, dict[str, DatasetMeta]]:
    """Typed frames and metadata per dataset: given metadata as is; else from the spec; else inferred."""
    from sdtm_convert.package import infer

    data: dict[str, pd.DataFrame] = {}
    metas: dict[str, DatasetMeta] = {}
    origins = spec_origins(spec) if spec is not None else {}
    settings = None
    for name, frame in frames.items():
        key = str(name).upper()
        if not isinstance(frame, pd.DataFrame):
            raise fatal("package-frame-type", f"dataset {key} must be a pandas DataFrame, not {type(frame).__name__}",
                        dataset=key)
        if key in given:
            data[key], metas[key] = frame, given[key]
        elif kind == "adam" and spec is not None and key in _adam_datasets():  # registered: methods known
            from sdtm_convert.adam.config import adam_settings
            from sdtm_convert.adam.meta import dataset_metadata

            settings = settings or adam_settings(study)
            data[key], metas[key] = frame, dataset_metadata(key, frame, study, settings)
        elif kind == "adam":
            data[key], metas[key] = infer.adam_metadata(key, frame, label=labels.get(key))
        else:
            mapped = origins.get(key[:2]) if not key.startswith("SUPP") else None
            built = spec is not None and (mapped is not None or key.startswith("SUPP") or key in BUILT_SDTM)
            data[key], metas[key] = infer.sdtm_metadata(key, frame, mapped, derivations=built, label=labels.get(key))
    return data, metas


def write_package(frames: Mapping[str, pd.DataFrame], out: str | Path, spec: str | Path | StudySpec | None = None,
                  *, metadata: Mapping[str, DatasetMeta] | None = None, labels: Mapping[str, str] | None = None,
                  studyid: str | None = None, ct_version: str | None = None, created: str | None = None,
                  formats: tuple[str, ...] = ("xpt",)) -> WrittenPackage:
    """Write SDTM (or ADaM) data frames you built as a package in folder ``out``: one ``<name>.xpt`` per frame
    (and ``<name>.json`` Dataset-JSON 1.1 with ``formats=("xpt", "json")``), ``define.xml`` (Define-XML 2.1,
    checked against the shipped XSD), its stylesheet and ``define.html``. All or nothing: the files are written
    into a staging folder beside ``out`` and moved in (each by one rename, define files last) only when every one
    is written; a failure leaves ``out`` as it was. Other files in ``out`` stay.

    ``frames``: ``{dataset name: DataFrame}``, all SDTM or all ADaM (names starting with ``AD``); columns and
    records are written in the frame's order. Metadata per dataset: ``metadata[name]`` when given (e.g. a
    :class:`Conversion`'s ``metadata``); else from ``spec`` (the mapping spec folder, or a loaded spec: study,
    CT version, creation time, origins and codelists of mapped variables, ADaM methods of ADSL/ADPASI/ADAE;
    the analysis results of its ``adam/analyses.yaml`` whose datasets are written); else inferred: labels and types from the shipped SDTMIG 3.4 / ADaMIG 1.3 metadata, lengths from the
    data, origins ``Not Available``. ``labels``: dataset labels to use instead of the standard's.
    ``studyid`` (default: the frames' STUDYID), ``ct_version`` (default: the spec's, else the newest shipped)
    and ``created`` (ISO 8601 date-time; default: the spec's, else now) override the study facts; give
    ``created`` for byte-identical reruns.

    Values are typed for XPT: a variable SDTMIG declares Num must hold numbers (text of numbers is converted;
    other text raises :class:`~sdtm_convert.errors.SdtmConvertError` naming dataset, variable, row and value).
    Returns a :class:`WrittenPackage`; XPT problems (e.g. a value too long) are its ``issues`` and that
    dataset's file is not written.
    """
    from sdtm_convert.package import write as submission
    from sdtm_convert.package.arm import displays_from_spec
    from sdtm_convert.package.staging import staged_files
    from sdtm_convert.spec.analyses import load_analyses

    if not frames:
        raise fatal("package-empty", "no data frames to write")
    loaded = _load(spec)
    kind = _kind([str(n) for n in frames])
    study = _study(frames, loaded, studyid, ct_version, created)
    data, metas = _metadata(kind, frames, loaded, study, {k.upper(): v for k, v in (metadata or {}).items()},
                            {k.upper(): v for k, v in (labels or {}).items()})
    folder = Path(out)
    standard = "ADaMIG 1.3" if kind == "adam" else f"SDTMIG {study.sdtmig_version}"
    arm = displays_from_spec(load_analyses(loaded.folder), set(data)) if kind == "adam" and loaded is not None \
        else None
    with staged_files(folder) as stage:  # all files or none: written beside the folder, moved in at the end
        written = submission.write_datasets(data, metas, stage, study, formats=formats)
        define = submission.write_define(data, written.metas, stage, study, standard=standard, arm=arm)
    files = [folder / f.relative_to(stage) for f in written.files + define.files]
    return WrittenPackage(folder, standard, files, written.metas, written.issues + define.issues)
