"""``batch pool``: the ADSL, ADAE and declared BDS datasets of several studies' packages stacked into one integrated
ADaM package, harmonised by a pooling spec (:mod:`sdtm_convert.spec.pooling`).

Steps: read each package (:mod:`.pool_read`), apply each study's renames, CT maps, recodes and MedDRA term map
(:mod:`.pool_harmonise`), stack each dataset with its variables typed alike (:mod:`.pool_stack`), check that
every subject is in the pooled ADSL once and every other record's subject is there, then, with no pooling
error, write the package with the package writers (XPT, Dataset-JSON, define.xml: ``package.write``, staged as
:func:`sdtm_convert.api.write_package` does; labels and types from the studies' define.xml, MedDRA named as
the dictionary with the spec's ``meddra_version``) and validate it as any ADaM package. The pooling report
(``reports/pooling.json`` and ``.html``) lists per study the records in and out, the renames and recodes
applied and the MedDRA terms mapped. STUDYID is kept on every record; records keep the order of the packages
given, then their own order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.batch.pool_harmonise import Changes, harmonise, unused_rules
from sdtm_convert.batch.pool_read import StudyPackage, read_study_package
from sdtm_convert.batch.pool_stack import conform, subject_issues, types, variables
from sdtm_convert.errors import ERROR, WARNING, Issue, fatal
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.package.define.read import DefDataset
from sdtm_convert.package.layout import adam_dir
from sdtm_convert.spec.pooling import PoolingSpec, load_pooling_spec

FORMATS = ("xpt", "json")


@dataclass
class PoolResult:
    """What ``batch pool`` did: the pooled frames, per-study counts, the changes, issues, the files written and
    the validation report of the pooled package (``None`` when a pooling error kept it from being written)."""

    spec: PoolingSpec
    out: Path
    frames: dict[str, pd.DataFrame]
    counts: list[dict[str, Any]]  # study, package, dataset, records_in, records_out
    changes: Changes
    issues: list[Issue] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    validation: Any = None
    reports: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]


def pool_packages(packages: Sequence[str | Path], spec: str | Path | PoolingSpec, out: str | Path, *,
                  formats: tuple[str, ...] = FORMATS, validate: bool = True,
                  progress: Callable[[str], None] = lambda _m: None) -> PoolResult:
    """Pool the packages into ``out`` (see the module). Spec errors and unreadable packages raise
    :class:`~sdtm_convert.errors.SdtmConvertError`; pooling errors (a subject twice, a type clash) are the
    result's ``issues`` and then no dataset is written, only the pooling report."""
    spec = spec if isinstance(spec, PoolingSpec) else load_pooling_spec(spec)
    studies = _read(packages, spec)
    progress(f"read {len(studies)} packages: {', '.join(s.studyid for s in studies)}")
    result = PoolResult(spec, Path(out), {}, [], Changes())
    parts = _harmonised(studies, spec, result.changes)
    renamed = {sid: r.rename for sid, r in spec.studies.items()}
    metas: dict[str, DatasetMeta] = {}
    for name, by_study in parts.items():
        names = variables(name, by_study, spec)
        typed, clashes = types(name, by_study, names, spec, renamed)
        result.issues += clashes
        conformed = {}
        for sid, frame in by_study.items():
            conformed[sid], notes = conform(frame, sid, name, names, typed, spec)
            result.issues += notes
        parts[name] = conformed
        result.frames[name] = pd.concat(list(conformed.values()), ignore_index=True) if conformed else pd.DataFrame()
        metas[name] = _meta(name, result.frames[name], studies, spec)
    files = {(s.studyid, n): str(p) for s in studies for n, p in s.files.items()}
    result.issues += subject_issues(parts["ADSL"], {n: p for n, p in parts.items() if n != "ADSL"}, files)
    result.issues += result.changes.issues
    result.counts = [{"study": s.studyid, "package": str(s.path), "dataset": n, "records_in": len(s.frames[n]),
                      "records_out": 0 if result.errors else len(parts[n][s.studyid])}
                     for s in studies for n in spec.datasets if n in s.frames]
    if not result.errors:
        _write(result, metas, studies, formats, validate, progress)
    from sdtm_convert.batch.pool_report import write_pool_report

    result.reports = write_pool_report(result)
    return result


def _read(packages: Sequence[str | Path], spec: PoolingSpec) -> list[StudyPackage]:
    studies: list[StudyPackage] = []
    for path in packages:
        study = read_study_package(Path(path), spec.datasets)
        twice = next((s for s in studies if s.studyid == study.studyid), None)
        if twice is not None:
            raise fatal("pool-study-twice", f"study {study.studyid} is given twice ({twice.path} and {path})",
                        file=str(path))
        studies.append(study)
    unknown = [sid for sid in spec.studies if sid not in {s.studyid for s in studies}]
    if unknown:
        raise fatal("pool-spec-study-unknown", f"the spec names study {unknown[0]}, which no package given holds "
                    f"({', '.join(s.studyid for s in studies)})", file=spec.file, line=spec.line_of(f"studies.{unknown[0]}"))
    return studies


def _harmonised(studies: list[StudyPackage], spec: PoolingSpec, changes: Changes) -> dict[str, dict[str, pd.DataFrame]]:
    parts: dict[str, dict[str, pd.DataFrame]] = {}
    for name in spec.datasets:
        parts[name] = {s.studyid: harmonise(s.frames[name], name, spec.studies.get(s.studyid), spec, changes)
                       for s in studies if name in s.frames}
    for s in studies:
        rules = spec.studies.get(s.studyid)
        if rules is not None:
            changes.issues += unused_rules(rules, {c for f in s.frames.values() for c in f.columns}, spec)
            if rules.ct_from and s.ct_versions and rules.ct_from not in s.ct_versions:
                changes.issues.append(Issue(
                    "pool-ct-version-mismatch", WARNING, f"study {s.studyid}: the spec's CT map is from "
                    f"{rules.ct_from} but its define.xml states CT {', '.join(s.ct_versions)}",
                    file=spec.file, line=rules.line, extra={"study": s.studyid}))
    return parts


def _meta(name: str, frame: pd.DataFrame, studies: list[StudyPackage], spec: PoolingSpec) -> DatasetMeta:
    """ADaM metadata inferred from the pooled frame, with the labels, data types and formats of the first
    study's define.xml that has the variable (under its name there) and the first study's dataset label."""
    from sdtm_convert.package.infer import adam_metadata

    _typed, meta = adam_metadata(name, frame)
    defined = [(s.define[name], _old_names(spec, s.studyid)) for s in studies if name in s.define]
    variables = [_defined_variable(v, defined) for v in meta.variables]
    if not defined:
        return replace(meta, variables=variables)
    first = defined[0][0]
    return replace(meta, label=first.label or meta.label, class_=first.klass or meta.class_,
                   structure=first.structure or meta.structure, variables=variables)


def _old_names(spec: PoolingSpec, sid: str) -> dict[str, str]:
    rules = spec.studies.get(sid)
    return {new: old for old, new in rules.rename.items()} if rules else {}


def _defined_variable(var: Any, defined: Sequence[tuple[DefDataset, Mapping[str, str]]]) -> Any:
    for ds, old in defined:
        d = ds.variables.get(old.get(var.name, var.name))
        if d is None:
            continue
        numeric = d.data_type in ("integer", "float", "date", "datetime", "time") and var.type == "Num"
        text = d.data_type not in ("integer", "float") and var.type == "Char"
        changes: dict[str, Any] = {"label": d.label or var.label}
        if numeric or text:
            changes |= {"data_type": d.data_type or var.data_type, "display_format": d.display_format or var.display_format}
        return replace(var, **changes)
    return var


MEDDRA_TEXT = ("AELLT", "AEDECOD", "AEHLT", "AEHLGT", "AEBODSYS", "AESOC")
MEDDRA_CODES = ("AELLTCD", "AEPTCD", "AEHLTCD", "AEHLGTCD", "AEBDSYCD", "AESOCCD")


def _study(spec: PoolingSpec, created: str, frames: Mapping[str, pd.DataFrame]) -> Any:
    """The pooled package's study facts; with ``meddra_version``, define.xml names MedDRA (that version) as the
    dictionary of the pooled datasets' MedDRA variables."""
    from sdtm_convert.spec import define_spec as ds
    from sdtm_convert.spec.study import StudyConfig
    from sdtm_convert.standards.ct import DEFAULT_CT_VERSION

    define = None
    if spec.meddra_version:
        variables = [ds.VariableDef(name, var, codelist="MEDDRA" if var in MEDDRA_TEXT else "MEDDRACD")
                     for name, frame in sorted(frames.items()) for var in frame.columns
                     if var in MEDDRA_TEXT + MEDDRA_CODES]
        define = ds.DefineSpec(variables=variables, dictionaries=[
            ds.DictionaryDef("MEDDRA", "MedDRA", "text", "MedDRA", spec.meddra_version),
            ds.DictionaryDef("MEDDRACD", "MedDRA codes", "integer", "MedDRA", spec.meddra_version)])
    return StudyConfig(studyid=spec.pool, title=spec.title or spec.pool, sponsor="",
                       ct_version=spec.ct_version or DEFAULT_CT_VERSION, created=created, define=define)


def _write(result: PoolResult, metas: dict[str, DatasetMeta], studies: list[StudyPackage], formats: tuple[str, ...],
           validate: bool, progress: Callable[[str], None]) -> None:
    from sdtm_convert.package import write as submission
    from sdtm_convert.package.staging import staged_files

    spec = result.spec
    folder = adam_dir(result.out, spec.pool)
    created = spec.created or max((s.created[:19] for s in studies if s.created), default="2000-01-01T00:00:00")
    study = _study(spec, created, result.frames)
    with staged_files(folder) as stage:  # all files or none, as write_package
        written = submission.write_datasets(result.frames, metas, stage, study, formats=formats)
        define = submission.write_define(result.frames, written.metas, stage, study, standard="ADaMIG 1.3")
    result.files = [folder / f.relative_to(stage) for f in written.files + define.files]
    result.issues += written.issues + define.issues
    progress(f"wrote {len(result.frames)} pooled datasets into {folder}")
    if validate:
        from sdtm_convert.validate import validate_package, write_html, write_json

        result.validation = report = validate_package(folder)
        # reproducible report files: paths relative to the output, the package's fixed date instead of the clock
        report.path = folder.relative_to(result.out).as_posix()
        report.define = (folder / "define.xml").relative_to(result.out).as_posix()
        report.started, report.timing = "", {}
        report.package_date = created or ""
        report.package_date_source = ("the pooling spec's created" if spec.created else
                                      "the latest creation date of the studies' define.xml")
        reports = result.out / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        write_json(result.validation, reports / "validation-pool.json")
        write_html(result.validation, reports / "validation-pool.html")
        progress(f"validated the pooled package: {result.validation.errors} errors, "
                 f"{result.validation.warnings} warnings")
