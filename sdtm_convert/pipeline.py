"""The whole job: raw study folder + mapping spec → SDTM (and ADaM) package + conversion report.

``convert(raw_folder, spec_folder)`` works on frames and returns a :class:`Conversion` (no files
written) for notebook users; ``run_study(...)`` also writes the package and the report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

import sdtm_convert.derive as derive_pkg
from sdtm_convert.adam.run import run_adam
from sdtm_convert.adam.steps import STEPS
from sdtm_convert.common.part import Part
from sdtm_convert.common.provenance import once_per_cause
from sdtm_convert.common.store import FrameStore
from sdtm_convert.derive.run import derive_study
from sdtm_convert.errors import INFO, Issue
from sdtm_convert.io.raw import RawInput, read_study
from sdtm_convert.mapping.algorithms import ALGORITHMS
from sdtm_convert.mapping.run import map_study
from sdtm_convert.package.adam import write_adam
from sdtm_convert.package.define.dictionaries import read_dictionary_versions
from sdtm_convert.package.layout import dataset_files_first
from sdtm_convert.package.lineage import write_lineage
from sdtm_convert.package.run_manifest import write_run_manifest
from sdtm_convert.package.sdtm import write_sdtm, write_sdtm_json
from sdtm_convert.package.write import formats_for
from sdtm_convert.results import Conversion, RunResult
from sdtm_convert.sdtm.reconcile import reconcile
from sdtm_convert.sdtm.run import add_trial_design, conform_study
from sdtm_convert.spec.check import load_checked
from sdtm_convert.spec.model import StudySpec
from sdtm_convert.validate.run import validate_written

Progress = Callable[[str], None]


def _quiet(_msg: str) -> None:
    pass


def prepare_spec(spec_folder: str | Path) -> tuple[StudySpec, Any]:
    """Load and check the whole spec before any data is read. Raises SdtmConvertError on the first error."""
    return load_checked(spec_folder, derive_pkg.names(), derive_pkg.parameters, ALGORITHMS,
                        derivation_conditions=derive_pkg.condition_parameters, adam_steps=STEPS)


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

    The frames live in :class:`~sdtm_convert.common.store.FrameStore`s (memory-mapped temporary files) between the
    stages, so memory holds the domain being worked on, not all of them."""
    t0 = time.perf_counter()
    spec, ct = prepare_spec(spec_folder)
    progress("spec checked")
    raw, issues = read_study(spec.raw, raw_folder, encoding)
    issues += read_dictionary_versions(spec, raw)  # MedDRA/WHODrug versions of the coding exports, for define.xml
    raw_store = FrameStore("raw")  # the frames wait on disk, not in memory
    for name, ds in raw.items():
        ds.frame = raw_store.keep(name, ds.frame)
    timings = {"read": time.perf_counter() - t0}
    progress(f"read {len(raw)} raw datasets")
    t0 = time.perf_counter()
    work = FrameStore("work")  # the mapped, then derived frames; then the lineage
    mapped, map_issues, accounting = map_study(spec, raw, ct, work)
    timings["map"] = time.perf_counter() - t0
    progress(f"mapped {len(mapped)} domains")
    t0 = time.perf_counter()
    issues += map_issues + derive_study(spec, ct, work, progress, map_issues) + add_trial_design(spec.study, ct, work)
    timings["derive"] = time.perf_counter() - t0
    conv = Conversion(spec=spec, raw=raw, issues=issues, timings=timings)
    conv.sdtm, conv.metadata, conv.lineage, conform_issues = conform_study(
        work, {code: m.origins for code, m in mapped.items()})
    conv.reconciliation, conv.rejects, rec_issues = reconcile(raw, accounting)
    conv.issues += conform_issues + rec_issues
    return conv


def run_study(raw_folder: RawInput, spec_folder: str | Path, out: str | Path, *, encoding: str | None = None,
              formats: tuple[str, ...] = ("xpt", "json"), adam: bool = True, validate: bool = True,
              progress: Progress = _quiet, jobs: int | None = None) -> RunResult:
    """Convert a study and write the module-5 package, the reports and the run manifest under ``out`` (what
    ``sdtm-convert run`` does). ``raw_folder`` as for :func:`convert`; ``formats`` any of ``xpt``, ``json``;
    ``adam=False`` skips ADaM, ``validate=False`` the conformance validation; ``jobs=1`` keeps to one process.
    All or nothing: the package is written beside ``out`` and swapped in at the end; one run at a time may write
    ``out`` (docs/api.md §6). Returns a :class:`RunResult`, also when the study has errors."""
    from sdtm_convert.package.staging import staged_output

    out = Path(out)
    with staged_output(out, progress) as (stage, removed):  # the earlier package stays whole until the swap
        conv = convert(raw_folder, spec_folder, encoding=encoding, progress=progress)
        conv.issues += [Issue("output-leftover-removed", INFO, msg) for msg in removed]  # what killed runs left
        outputs = _write_run(conv, stage, out, raw_folder, spec_folder, encoding, formats, adam, validate, progress,
                             jobs)
    report = out / "reports" / "conversion-report"
    progress(f"report: {report.with_suffix('.html')}")
    return RunResult(conv, out, report.with_suffix(".json"), report.with_suffix(".html"), outputs)


def _write_run(conv: Conversion, stage: Path, out: Path, raw_folder: RawInput, spec_folder: str | Path,
               encoding: str | None, formats: tuple[str, ...], adam: bool, validate: bool, progress: Progress,
               jobs: int | None) -> dict[str, Any]:
    """:func:`run_study`'s writing, into ``stage`` (the package's final place is ``out``): the outputs by kind."""
    from sdtm_convert.common.background import Background, default_jobs
    from sdtm_convert.package.guides import write_guides
    from sdtm_convert.package.report import write_reports

    for ds in conv.raw.values():  # reconciled: the raw records are not needed again (file names are kept)
        ds.frame = ds.frame.iloc[0:0]
    study = conv.spec.study
    parallel = (jobs or default_jobs()) >= 2
    # the worker: SDTM XPT + define.xml, SDTM validation; this process: ADaM (built, validated, written,
    # traced), then the SDTM Dataset-JSON files and lineage; each side's share is about half of the work
    worker_formats, main_formats = formats_for("worker", formats), formats_for("main", formats)
    mapped = frozenset(d.domain for d in conv.spec.domains)
    sdtm_job = Background(sdtm_worker, conv.sdtm, conv.metadata, study, stage, worker_formats, validate, progress,
                          mapped, parallel=parallel, what="SDTM writer")
    try:
        adam_part, adam_validation = Part(), Part()
        if adam:
            conv.adam, adam_part = run_adam(conv.sdtm, study, progress, conv.spec.adam)
            written, metas = write_adam(conv.adam, study, stage, formats, progress, validate, conv.spec.analyses)
            adam_part.add(written)
            if validate:
                adam_validation = validate_written("adam", conv.adam.datasets, metas, study, stage, progress)
        sdtm_json = write_sdtm_json(conv.sdtm, conv.metadata, study, stage, main_formats) if main_formats else Part()
        lineage_out = write_lineage(stage, lineage=conv.lineage, adam=conv.adam.datasets if conv.adam else None,
                                    adam_descriptors=conv.adam.descriptors if conv.adam else None)
        sdtm_written, sdtm_validation = sdtm_job.result()
    except BaseException as exc:  # this side failed or was stopped: the worker stops too, before staging goes
        sdtm_job.cancel(interrupt=not isinstance(exc, KeyboardInterrupt))
        raise
    sdtm_files = dataset_files_first(sdtm_written.outputs["sdtm"] + sdtm_json.outputs.get("sdtm", []))
    whole = Part().add(sdtm_written).add(sdtm_json).add(adam_part).add(sdtm_validation).add(adam_validation)
    whole.outputs["sdtm"] = sdtm_files
    conv.absorb(whole)
    conv.issues = once_per_cause(conv.issues)  # a bad raw value reported again later is one issue listing them
    outputs = whole.outputs | lineage_out
    conv.guides = write_guides(conv, stage, outputs)  # reviewer's guides: every finding left, explained or not
    conv.issues += conv.guides.issues
    outputs |= conv.guides.outputs
    write_reports(conv, stage / "reports", outputs)
    write_run_manifest(stage, out, study, spec_folder, raw_folder, conv.raw, encoding, bool(conv.errors))
    return outputs


def sdtm_worker(sdtm: Mapping[str, pd.DataFrame], metadata: dict[str, Any], study: Any, stage: Path,
                formats: tuple[str, ...], validate: bool, progress: Progress,
                mapped: frozenset[str] | None = None) -> tuple[Part, Part]:
    """The worker process's share: the SDTM datasets in the worker's formats and define.xml, then their
    validation (``mapped``: the domains the spec maps raw data to)."""
    written, metas = write_sdtm(sdtm, metadata, study, stage, formats, progress)
    return written, validate_written("sdtm", sdtm, metas, study, stage, progress, mapped) if validate else Part()
