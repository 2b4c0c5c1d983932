"""The whole job: raw study folder + mapping spec → SDTM (and ADaM) package + conversion report.

``convert(raw_folder, spec_folder)`` works on frames and returns a :class:`Conversion` (no files
written) for notebook users; ``run_study(...)`` also writes the package and the report.
"""

from __future__ import annotations

import os
import time
from collections import ChainMap
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

import sdtm_convert.derive as derive_pkg
import sdtm_convert.derive.pasi_items  # noqa: F401  (registers pasi_items)
import sdtm_convert.pasi  # noqa: F401  (registers pasi_scores)
from sdtm_convert import conform as conform_mod
from sdtm_convert.common.provenance import once_per_cell
from sdtm_convert.errors import ERROR, INFO, Issue, SdtmConvertError
from sdtm_convert.io.raw import PROVENANCE, SRC_FILE, SRC_ROW, RawDataset, read_raw_dataset, read_raw_frames
from sdtm_convert.mapping.algorithms import number_text
from sdtm_convert.mapping.engine import ACCOUNT_COLUMNS, REJECTED, MappedDomain, map_domain, resolve_name
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.reconcile import reconcile
from sdtm_convert.spec.model import StudySpec, check_spec, load_spec
from sdtm_convert.standards import load_ct
from sdtm_convert.store import FrameStore

Progress = Callable[[str], None]
# DM derives first, from the mapped EX and DS (reference dates, then SE): --DY, EPOCH and the baseline flags
# of every other domain need them; the rest follow alphabetically
DOMAIN_ORDER = ["DM"]
SUBJECT_FREE = {"TS", "TA", "TE", "TV", "TI"}


@dataclass
class Conversion:
    """A converted study (see :func:`convert`): ``sdtm`` (domain → frame), ``metadata`` (domain → DatasetMeta),
    ``reconciliation`` (per raw file or frame: rows read, mapped, rejected, unaccounted, and per domain),
    ``rejects`` (raw row → reason), ``lineage`` (SDTM record → raw file or frame and row), ``issues`` and
    ``errors``; ``spec`` is the mapping spec (``spec.study`` the study configuration)."""

    spec: StudySpec
    raw: dict[str, RawDataset]
    sdtm: MutableMapping[str, pd.DataFrame] = field(default_factory=dict)  # a FrameStore once converted
    metadata: dict[str, DatasetMeta] = field(default_factory=dict)
    lineage: pd.DataFrame | None = None
    reconciliation: pd.DataFrame | None = None
    rejects: pd.DataFrame | None = None
    issues: list[Issue] = field(default_factory=list)
    adam: Any = None
    timings: dict[str, float] = field(default_factory=dict)
    conformance: dict[str, Any] = field(default_factory=dict)  # kind → validate.run.Conformance

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]


def _quiet(_msg: str) -> None:
    pass


def prepare_spec(spec_folder: str | Path) -> tuple[StudySpec, Any]:
    """Load and check the whole spec before any data is read. Raises SdtmConvertError on the first error."""
    spec = load_spec(spec_folder)
    try:
        ct = load_ct(spec.study.ct_version)
    except KeyError as exc:
        raise SdtmConvertError(Issue("spec-ct-version", ERROR, str(exc.args[0]), file=spec.study.path,
                                     line=spec.study_line("ct_version"))) from None
    problems = check_spec(spec, ct, derive_pkg.names(), derive_pkg.parameters)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more spec errors)" if len(problems) > 1 else ""
        raise SdtmConvertError(Issue(first.code, ERROR, first.message + more, file=first.file, line=first.line,
                                     dataset=first.dataset, extra={"all": [p.to_dict() for p in problems]}))
    return spec, ct


RawInput = str | Path | Mapping[str, pd.DataFrame]  # a folder of raw exports, or {raw dataset name: DataFrame}


def read_raw(spec: StudySpec, raw_folder: RawInput, encoding: str | None = None) -> tuple[dict[str, RawDataset], list[Issue]]:
    if isinstance(raw_folder, Mapping):
        return read_raw_frames(spec.raw, raw_folder)
    raw_folder = Path(raw_folder)
    raw, issues = {}, []
    for name, dspec in spec.raw["datasets"].items():
        ds, ds_issues = read_raw_dataset(raw_folder, name, dspec, encoding=encoding or spec.raw.get("encoding"))
        raw[name] = ds
        issues += ds_issues
    return raw, issues


def _reject_orphans(code: str, m: MappedDomain, subjects: pd.Index) -> tuple[list[Issue], list[pd.DataFrame]]:
    """Records of subjects not in DM are rejected (error): they cannot be submitted."""
    if code == "DM" or code in SUBJECT_FREE or "USUBJID" not in m.frame:
        return [], []
    orphan = ~m.frame["USUBJID"].isin(subjects)
    if not orphan.any():
        return [], []
    bad = m.frame[orphan]
    issues = [Issue("subject-not-in-dm", ERROR, f"{code} record for a subject that is not in DM; rejected",
                    file=f, row=int(r), column="USUBJID", value=u, dataset=code, usubjid=u)
              for f, r, u in zip(bad[SRC_FILE], bad[SRC_ROW], bad["USUBJID"])]
    account = pd.DataFrame({"file": bad[SRC_FILE].to_numpy(), "row": bad[SRC_ROW].to_numpy(), "domain": code,
                            "status": REJECTED, "reason": "subject not in DM"})
    m.frame = m.frame[~orphan].reset_index(drop=True)
    # a raw row whose only records were orphans must not count as mapped to this domain
    rows = pd.MultiIndex.from_frame(m.accounting[["file", "row"]])
    only_orphans = (rows.isin(pd.MultiIndex.from_arrays([bad[SRC_FILE], bad[SRC_ROW]]))
                    & ~rows.isin(pd.MultiIndex.from_arrays([m.frame[SRC_FILE], m.frame[SRC_ROW]])))
    m.accounting = m.accounting[~((m.accounting["domain"] == code) & (m.accounting["status"] == "mapped")
                                  & only_orphans)]
    return issues, [account]


def _map_all(spec: StudySpec, raw: dict[str, RawDataset], ct: Any,
             frames: FrameStore) -> tuple[dict[str, MappedDomain], list[Issue], list[pd.DataFrame]]:
    """Map every domain (DM first: the others' records are checked against its subjects) into ``frames``;
    the returned MappedDomains keep their accounting and origins, not their records. Returns them, the
    issues (spec order, the orphan rejections after all mapping issues) and the orphans' accounting."""
    order = sorted(spec.domains, key=lambda d: d.domain != "DM")
    mapped: dict[str, MappedDomain] = {}
    orphan_issues: dict[str, list[Issue]] = {}
    orphan_accounts: list[pd.DataFrame] = []
    subjects = None
    for d in order:
        m = map_domain(d, raw, ct)
        if d.domain == "DM":
            subjects = pd.Index(m.frame["USUBJID"].unique())
        if subjects is not None:
            orphan_issues[d.domain], accounts = _reject_orphans(d.domain, m, subjects)
            orphan_accounts += accounts
        frames[d.domain] = m.frame
        m.frame = m.frame.iloc[0:0]
        mapped[d.domain] = m
    mapped = {d.domain: mapped[d.domain] for d in spec.domains}  # back in spec order
    issues = [i for m in mapped.values() for i in m.issues]
    issues += [i for code in mapped for i in orphan_issues.get(code, [])]
    return mapped, issues, orphan_accounts


def _resolve_params(value: Any, domain: str) -> Any:
    """``--DTC`` → ``QSDTC`` inside derivation parameters (strings, lists and mappings)."""
    if isinstance(value, str):
        return resolve_name(value, domain)
    if isinstance(value, list):
        return [_resolve_params(v, domain) for v in value]
    if isinstance(value, dict):
        return {_resolve_params(k, domain): _resolve_params(v, domain) for k, v in value.items()}
    return value


def _run_derivations(spec: StudySpec, ct: Any, frames: FrameStore, supp: dict[str, list[pd.DataFrame]],
                     progress: Progress) -> list[Issue]:
    """Each domain's derivation steps, DM first; the derived frame replaces the mapped one in ``frames``.

    The domain being derived is held in memory (``ctx.domains`` shows it, and any frame a step adds such
    as SE, over the stored ones) and stored when its steps are done."""
    issues: list[Issue] = []
    specs = {d.domain: d for d in spec.domains}
    order = [c for c in DOMAIN_ORDER if c in specs] + sorted(c for c in specs if c not in DOMAIN_ORDER)
    for code in order:
        current = {code: frames[code]}
        ctx = derive_pkg.DeriveContext(study=spec.study, ct=ct, domain=code, domains=ChainMap(current, frames),
                                       options={"supp": {}})
        for step in specs[code].derivations:
            params = {k: _resolve_params(v, code) for k, v in step.items() if k != "name"}
            current[code], step_issues = derive_pkg.get(step["name"])(current[code], ctx, **params)
            issues += step_issues
        for name, parts in ctx.options.get("supp", {}).items():
            supp.setdefault(name, []).extend(parts if isinstance(parts, list) else [parts])
        current |= ctx.options.get("domains", {})  # derivations that build whole domains (SE)
        frames.update(current)
        progress(f"derived {code}")
    return issues


def convert(raw_folder: RawInput, spec_folder: str | Path, *, encoding: str | None = None,
            progress: Progress = _quiet) -> Conversion:
    """Map and derive every SDTM domain of a study; no output files are written.

    ``raw_folder`` is the folder of raw exports named in the spec's ``raw.yaml``, or a mapping
    ``{raw dataset name: DataFrame}`` with one frame per raw dataset of ``raw.yaml`` (checked like files;
    values that are not text are turned into the text a CSV writer would write; provenance names the frame,
    e.g. ``dm (DataFrame)``, and the row's 1-based position). ``spec_folder`` is the mapping spec folder.
    ``encoding`` overrides raw.yaml's for files; ``progress`` is called with one line per stage.

    Returns a :class:`Conversion`: ``sdtm`` (domain → frame), ``metadata``, ``reconciliation`` (raw rows
    read / mapped / rejected per file or frame), ``rejects``, ``lineage`` and ``issues``. A bad spec or
    unreadable input raises :class:`~sdtm_convert.errors.SdtmConvertError` (one line naming file, row, column).

    The frames live in :class:`~sdtm_convert.store.FrameStore`s (memory-mapped temporary files) between the
    stages, so memory holds the domain being worked on, not all of them."""
    t0 = time.perf_counter()
    spec, ct = prepare_spec(spec_folder)
    progress("spec checked")
    raw, issues = read_raw(spec, raw_folder, encoding)
    raw_store = FrameStore("raw")
    for name, ds in raw.items():
        ds.frame = raw_store.keep(name, ds.frame)
    timings = {"read": time.perf_counter() - t0}
    progress(f"read {len(raw)} raw datasets")

    t1 = time.perf_counter()
    work = FrameStore("work")  # the mapped, then derived frames; then the lineage
    mapped, map_issues, orphan_accounts = _map_all(spec, raw, ct, work)
    issues += map_issues
    timings["map"] = time.perf_counter() - t1
    progress(f"mapped {len(mapped)} domains")

    t2 = time.perf_counter()
    from sdtm_convert.trialdesign import build_trial_design

    supp: dict[str, list[pd.DataFrame]] = {}
    issues += once_per_cell(map_issues, _run_derivations(spec, ct, work, supp, progress))
    design, design_issues = build_trial_design(spec.study, ct, work.get("DM"))
    issues += design_issues
    work.update(design)
    for name, parts in supp.items():
        work[name] = pd.concat(parts, ignore_index=True)
    timings["derive"] = time.perf_counter() - t2

    conv = Conversion(spec=spec, raw=raw, issues=issues, timings=timings)
    origins = {code: m.origins for code, m in mapped.items()}
    _conform_all(conv, work, origins)
    accounting = pd.concat([m.accounting for m in mapped.values()] + orphan_accounts, ignore_index=True) \
        if mapped else pd.DataFrame(columns=ACCOUNT_COLUMNS)
    conv.reconciliation, conv.rejects, rec_issues = reconcile(raw, accounting)
    conv.issues += rec_issues
    return conv


def _conform_all(conv: Conversion, frames: FrameStore, origins: dict[str, dict[str, Any]]) -> None:
    """Conform the derived frames one at a time into ``conv.sdtm`` (a store of its own); the lineage is
    stored in ``frames``. The stores' files go with the stores; frames handed out stay readable."""
    from sdtm_convert.schema import load_schema, validate_frame

    conv.sdtm, lineage = FrameStore("sdtm"), []
    for code in sorted(frames):  # (the names now: what follows adds lineage parts)
        frame = frames.pop(code)  # the derived frame's file goes; it is released once conformed
        try:
            schema = load_schema(code)
            keys = list(schema.get("x-keys", []))
        except KeyError:
            schema, keys = None, []
        data, meta, lin, issues = conform_mod.conform(code, frame, origins=origins.get(code), keys=keys)
        conv.issues += issues
        if schema is not None:
            with_prov = data.copy(deep=False)
            if all(c in frame.columns for c in PROVENANCE):
                with_prov[SRC_FILE] = lin["raw_file"].array  # stays in Arrow
                with_prov[SRC_ROW] = lin["raw_row"].to_numpy()
            conv.issues += validate_frame(with_prov, schema, dataset=code)
        conv.sdtm[code] = data
        conv.metadata[code] = meta
        lineage.append(frames.keep(f"lineage {code}", lin))
    conv.lineage = frames.keep("lineage", pd.concat(lineage, ignore_index=True)) if lineage else None


def sdtm_dir(out: Path, studyid: str) -> Path:
    return out / "m5" / "datasets" / studyid.lower() / "tabulations" / "sdtm"


def adam_dir(out: Path, studyid: str) -> Path:
    return out / "m5" / "datasets" / studyid.lower() / "analysis" / "adam" / "datasets"


@dataclass
class RunResult:
    """What :func:`run_study` wrote: ``out``, the conversion report paths, ``outputs`` (relative paths by kind)
    and the :class:`Conversion`; ``ok`` when the study has no error."""

    conversion: Conversion
    out: Path
    report_json: Path
    report_html: Path
    outputs: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.conversion.errors


@dataclass
class Part:
    """What one part of a run produced (it changes nothing shared, so it can run in a worker process)."""

    issues: list[Issue] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    conformance: dict[str, Any] = field(default_factory=dict)  # kind → validate.run.Conformance

    def add(self, other: Part) -> Part:
        self.issues += other.issues
        self.outputs |= other.outputs
        self.timings |= other.timings
        self.conformance |= other.conformance
        return self


def run_study(raw_folder: RawInput, spec_folder: str | Path, out: str | Path, *, encoding: str | None = None,
              formats: tuple[str, ...] = ("xpt", "json"), adam: bool = True, validate: bool = True,
              progress: Progress = _quiet, jobs: int | None = None) -> RunResult:
    """Convert a study and write the module-5 package, the reports and the run manifest under ``out``
    (what ``sdtm-convert run`` does). ``raw_folder`` is a folder or ``{raw dataset name: DataFrame}`` as for
    :func:`convert`; ``formats`` any of ``xpt``, ``json``; ``adam=False`` skips ADaM, ``validate=False`` the
    conformance validation. Returns a :class:`RunResult` (``ok``, ``conversion``, report paths, outputs).

    The report is written even when the study has errors; a dataset with write errors is not written.
    The whole package is written into a staging folder beside ``out`` and swapped in at the end
    (:mod:`sdtm_convert.package.staging`): until then an earlier package in ``out`` stays whole, and a run
    that fails or is stopped leaves it untouched. ``out`` must be new, empty or an earlier package, and
    one run at a time may write it (else :class:`~sdtm_convert.errors.SdtmConvertError`, before any data is read).
    With ``jobs`` ≥ 2 (the default where ``fork`` works and there are two cores) the SDTM package is
    written and validated by a worker process while this one derives, writes and validates ADaM; the
    files and the report are the same either way.
    """
    from sdtm_convert.package.staging import staged_output

    out = Path(out)
    removed: list[str] = []  # what killed runs left beside out: said now, and in the conversion report

    def note(msg: str) -> None:
        removed.append(msg)
        progress(msg)

    with staged_output(out, note) as stage:  # the earlier package stays whole until the new one is complete
        conv = convert(raw_folder, spec_folder, encoding=encoding, progress=progress)
        conv.issues += [Issue("output-leftover-removed", INFO, msg) for msg in removed]
        outputs = _write_run(conv, stage, out, raw_folder, spec_folder, encoding, formats, adam, validate, progress,
                             jobs)
    report = out / "reports" / "conversion-report"
    progress(f"report: {report.with_suffix('.html')}")
    return RunResult(conv, out, report.with_suffix(".json"), report.with_suffix(".html"), outputs)


def _write_run(conv: Conversion, stage: Path, out: Path, raw_folder: RawInput, spec_folder: str | Path,
               encoding: str | None, formats: tuple[str, ...], adam: bool, validate: bool, progress: Progress,
               jobs: int | None) -> dict[str, Any]:
    """:func:`run_study`'s writing, into ``stage`` (the package's final place is ``out``): the outputs by kind."""
    from sdtm_convert.background import Background, default_jobs
    from sdtm_convert.report import write_reports

    for ds in conv.raw.values():  # reconciled: the raw records are not needed again (file names are kept)
        ds.frame = ds.frame.iloc[0:0]
    study = conv.spec.study
    parallel = (jobs or default_jobs()) >= 2
    # the worker: SDTM XPT + define.xml, SDTM validation; this process: ADaM (built, validated, written,
    # traced), then the SDTM Dataset-JSON files and lineage; each side's share is about half of the work
    xpt_only = tuple(f for f in formats if f == "xpt")
    mapped = frozenset(d.domain for d in conv.spec.domains)
    sdtm_job = Background(_sdtm_package, conv.sdtm, conv.metadata, study, stage, xpt_only, validate, progress,
                          mapped, parallel=parallel, what="SDTM writer")
    try:
        adam_part = _run_adam(conv, stage, formats, progress) if adam else Part()
        adam_validation = Part()
        if validate and conv.adam is not None:
            adam_validation = _run_validator("adam", "adamig-1.3", conv.adam.datasets, conv.adam.metadata, study,
                                             stage, adam_dir(stage, study.studyid) / "define.xml")
            progress("validated the ADaM package")
        sdtm_json = _sdtm_json(conv, stage) if "json" in formats else Part()
        lineage_out = _write_lineage(stage, lineage=conv.lineage, adam=conv.adam.datasets if conv.adam else None)
        sdtm_written, sdtm_validation = sdtm_job.result()
    except BaseException as exc:  # this side failed or was stopped: the worker stops too, before staging goes
        sdtm_job.cancel(interrupt=not isinstance(exc, KeyboardInterrupt))
        raise
    sdtm_files = _dataset_files_first(sdtm_written.outputs["sdtm"] + sdtm_json.outputs.get("sdtm", []))
    whole = Part().add(sdtm_written).add(sdtm_json).add(adam_part).add(sdtm_validation).add(adam_validation)
    whole.outputs["sdtm"] = sdtm_files
    conv.issues += whole.issues
    conv.timings |= whole.timings
    conv.conformance = whole.conformance
    outputs = whole.outputs | lineage_out
    write_reports(conv, stage / "reports", outputs)
    _write_run_manifest(conv, stage, raw_folder, spec_folder, encoding, out)
    return outputs


def _dataset_files_first(files: list[str]) -> list[str]:
    """Per dataset its .xpt then its .json/.ndjson (by name), then define.xml and its renderings."""
    data = sorted((f for f in files if f.endswith((".xpt", ".json", ".ndjson"))),
                  key=lambda f: (f.rsplit("/", 1)[-1].split(".")[0], not f.endswith(".xpt")))
    return data + [f for f in files if f not in data]


def _sdtm_json(conv: Conversion, out: Path) -> Part:
    """The SDTM datasets as Dataset-JSON 1.1 (beside the XPT files)."""
    from sdtm_convert import submission

    study = conv.spec.study
    t = time.perf_counter()
    written = submission.write_datasets(conv.sdtm, conv.metadata, sdtm_dir(out, study.studyid), study,
                                        formats=("json",))
    return Part(written.issues, {"sdtm": [p.relative_to(out).as_posix() for p in written.files]},
                {"write_sdtm_json": time.perf_counter() - t})


def _sdtm_package(sdtm: Mapping[str, pd.DataFrame], metadata: dict[str, DatasetMeta], study: Any, out: Path,
                  formats: tuple[str, ...], validate: bool, progress: Progress,
                  mapped: frozenset[str] | None = None) -> tuple[Part, Part]:
    """Write the SDTM datasets and define.xml and validate them (a worker process runs this); ``mapped``:
    the domains the spec maps raw data to."""
    from sdtm_convert import submission

    part = Part()
    t = time.perf_counter()
    folder = sdtm_dir(out, study.studyid)
    written = submission.write_datasets(sdtm, metadata, folder, study, formats=formats)
    part.timings["write_sdtm"] = time.perf_counter() - t
    t = time.perf_counter()
    define = submission.write_define(sdtm, metadata, folder, study, standard=f"SDTMIG {study.sdtmig_version}")
    part.timings["define_sdtm"] = time.perf_counter() - t
    part.issues += written.issues + define.issues
    part.outputs["sdtm"] = [p.relative_to(out).as_posix() for p in written.files + define.files]
    progress(f"wrote {len(sdtm)} SDTM datasets and define.xml")
    validation = Part()
    if validate:
        validation = _run_validator("sdtm", f"sdtmig-{study.sdtmig_version}", sdtm, metadata, study, out,
                                    folder / "define.xml", mapped)
        progress("validated the SDTM package")
    return part, validation


def _run_adam(conv: Conversion, out: Path, formats: tuple[str, ...], progress: Progress) -> Part:
    """ADSL, ADPASI, ADAE from the SDTM frames (one whose source is absent is skipped, one progress line
    says why); checked against their JSON Schemas; written with define.xml."""
    from sdtm_convert import submission
    from sdtm_convert.adam import build_adam, render_summary
    from sdtm_convert.atomic import atomic_write_text
    from sdtm_convert.schema import load_schema, validate_frame

    study = conv.spec.study
    part = Part()
    t = time.perf_counter()
    result = build_adam(conv.sdtm, study)
    conv.adam = result
    part.issues += result.issues
    for name, why in result.skipped.items():
        progress(f"skipped {name}: {why}")
    for name, frame in result.datasets.items():
        part.issues += validate_frame(frame, load_schema(name), dataset=name)
    part.timings["adam"] = time.perf_counter() - t
    t = time.perf_counter()
    folder = adam_dir(out, study.studyid)
    written = submission.write_datasets(result.datasets, result.metadata, folder, study, formats=formats)
    arm = submission.primary_endpoint_arm(study) if "ADPASI" in result.datasets else None
    define = submission.write_define(result.datasets, result.metadata, folder, study, standard="ADaMIG 1.3", arm=arm)
    part.issues += written.issues + define.issues
    summary = out / "reports" / "analysis-summary.html"
    atomic_write_text(summary, render_summary(result, study))
    part.timings["write_adam"] = time.perf_counter() - t
    part.outputs["adam"] = [p.relative_to(out).as_posix() for p in written.files + define.files]
    part.outputs["analysis_summary"] = summary.relative_to(out).as_posix()
    progress(f"wrote {len(result.datasets)} ADaM datasets, define.xml and the analysis summary")
    return part


VALIDATION_DETAIL_LIMIT = 1000  # findings listed per dataset × rule in run's validation JSON (all are counted)


def _run_validator(kind: str, standard: str, frames: Mapping[str, pd.DataFrame], metas: dict[str, DatasetMeta],
                   study: Any, out: Path, define: Path | None = None, mapped: frozenset[str] | None = None) -> Part:
    """The conformance validator on our own output (SDTM or ADaM) with its define.xml, as for any package:
    its error findings are errors of the run; all findings are in reports/validation-<kind>.{json,html};
    the counts and the warnings left (with their reasons) go to the headline and the conversion report."""
    from sdtm_convert.common.text import plural
    from sdtm_convert.errors import INFO
    from sdtm_convert.validate import validate_package, write_html, write_json
    from sdtm_convert.validate.run import conformance

    part = Part()
    t = time.perf_counter()
    define = define if define is not None and define.is_file() else None
    report = validate_package(frames, define=define, metadata=metas, standard=standard, ct=study.ct_version)
    report.define = define.relative_to(out).as_posix() if define else None  # reproducible report files
    # reproducible report files: the package's fixed date, labelled as such, instead of the clock
    report.started, report.timing = "", {}
    report.package_date, report.package_date_source = study.created, study.package_date_source
    base = out / "reports" / f"validation-{kind}"
    write_json(report, base.with_suffix(".json"), per_group=VALIDATION_DETAIL_LIMIT)
    write_html(report, base.with_suffix(".html"))
    part.outputs[f"validation_{kind}"] = base.with_suffix(".html").relative_to(out).as_posix()
    part.conformance[kind] = result = conformance(kind, report, part.outputs[f"validation_{kind}"], mapped)
    part.issues += report.issues(severity="error")
    ext = f" ({plural(result.extended_terms, 'extended term')})" if result.extended_terms else ""
    part.issues.append(Issue("validation-summary", INFO,
                             f"{standard} conformance: {plural(report.errors, 'error')}, "
                             f"{plural(report.warnings, 'warning')}{ext} "
                             f"(details in {base.name}.html)", dataset=kind.upper()))
    part.timings[f"validate_{kind}"] = time.perf_counter() - t
    return part


def _write_run_manifest(conv: Conversion, stage: Path, raw_folder: RawInput, spec_folder: str | Path,
                        encoding: str | None, out: Path) -> Path:
    """``manifest.json`` at the root of the package being written in ``stage``: tool, settings, checksums of spec,
    inputs and outputs (raw data frames: the checksum of the text they were read as, written as CSV). Folders
    are named relative to ``out``, the package's final place."""
    from sdtm_convert import __version__
    from sdtm_convert.io.raw import frame_sha256, frame_source
    from sdtm_convert.package.manifest import sha256, write_manifest

    spec_dir = Path(spec_folder)
    if isinstance(raw_folder, Mapping):
        checksums = {frame_source(n): frame_sha256(raw_folder[n]) for n in conv.raw}
        raw_label = "(data frames)"
    else:
        raw_dir = Path(raw_folder)
        checksums = {name: sha256(raw_dir / name) for name in sorted({f for ds in conv.raw.values() for f in ds.files})}
        raw_label = _relative_to_output(out, raw_dir)
    extra = {
        "tool": {"name": "sdtm-convert", "version": __version__},
        "study": conv.spec.study.studyid,
        "package_date": conv.spec.study.created,
        "package_date_source": conv.spec.study.package_date_source,
        "settings": {"raw_folder": raw_label, "spec_folder": _relative_to_output(out, spec_dir), "encoding": encoding,
                     "ct_version": conv.spec.study.ct_version, "pasi": {"domain": conv.spec.study.pasi.domain,
                                                                        "version": conv.spec.study.pasi.version}},
        "spec": {p.name: sha256(p) for p in sorted(spec_dir.glob("*.yaml"))},
        "inputs": dict(sorted(checksums.items())),
        "status": "failed" if conv.errors else "passed",
    }
    return write_manifest(stage, extra=extra)


def _relative_to_output(out: Path, folder: Path) -> str:
    """A raw or spec folder relative to the output folder (POSIX separators), as ``trace`` finds the raw rows:
    the manifest names no machine path, and a run whose output sits at the same place relative to its inputs
    writes the same bytes wherever the whole lies."""
    return Path(os.path.relpath(folder.resolve(), Path(out).resolve())).as_posix()


def _write_lineage(out: Path, lineage: pd.DataFrame | None = None,
                   adam: dict[str, pd.DataFrame] | None = None) -> dict[str, str]:
    """reports/lineage-sdtm.csv (every SDTM record → raw file and row) and/or lineage-adam.csv (ADaM → SDTM)."""
    from sdtm_convert.csvout import write_csv

    outputs: dict[str, str] = {}
    if lineage is not None:
        lin = lineage.copy()
        lin["seq"] = number_text(lin["seq"])
        lin["raw_row"] = number_text(lin["raw_row"])
        path = out / "reports" / "lineage-sdtm.csv"
        write_csv(path, lin)
        outputs["lineage"] = path.relative_to(out).as_posix()
    if adam is not None:
        path = out / "reports" / "lineage-adam.csv"
        write_csv(path, adam_lineage(adam))
        outputs["lineage_adam"] = path.relative_to(out).as_posix()
    return outputs


# where an ADaM record comes from when it carries no SRCDOM/SRCSEQ of its own
ADAM_SOURCES = {"ADSL": ("DM", None), "ADAE": ("AE", "AESEQ")}


def adam_lineage(datasets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per ADaM record: dataset, record, USUBJID, PARAMCD, ASEQ → SDTM dataset, variable, --SEQ.

    Records derived from other ADaM records (e.g. responder parameters, NRI imputations) have no SDTM
    source of their own; their source columns are empty."""
    parts = []
    for name in sorted(datasets):
        df = datasets[name]
        n = len(df)
        blank = pd.Series([""] * n, index=df.index)
        dom, seqvar = ADAM_SOURCES.get(name, ("", None))
        src_dom = df["SRCDOM"].astype(str) if "SRCDOM" in df else pd.Series([dom] * n, index=df.index)
        src_var = df["SRCVAR"].astype(str) if "SRCVAR" in df else pd.Series([seqvar or "USUBJID"] * n, index=df.index)
        seq = df["SRCSEQ"] if "SRCSEQ" in df else (df[seqvar] if seqvar and seqvar in df else pd.Series(float("nan"), index=df.index))
        parts.append(pd.DataFrame({
            "dataset": name,
            "record": range(1, n + 1),
            "USUBJID": df["USUBJID"].astype(str) if "USUBJID" in df else blank,
            "PARAMCD": df["PARAMCD"].astype(str) if "PARAMCD" in df else blank,
            "ASEQ": number_text(df["ASEQ"]) if "ASEQ" in df else blank,
            "source_dataset": src_dom.to_numpy(),
            "source_variable": src_var.where(src_dom != "", "").to_numpy(),
            "source_seq": number_text(pd.Series(seq)).to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
