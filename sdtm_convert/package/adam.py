"""The ADaM package of a run: datasets, define.xml (with the analysis results that the study's
``adam/analyses.yaml`` names) and the analysis summary."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdtm_convert.common.part import Part
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.package.layout import adam_dir, sdtm_dir


def summary_links(out: Path, studyid: str, validate: bool) -> list[tuple[str, str]]:
    """The reviewer's other files, as links relative to reports/analysis-summary.html: both define.html files and,
    when the run validates, both validation reports."""
    reports = out / "reports"
    links = [("Define-XML of the SDTM datasets (define.html)", sdtm_dir(out, studyid) / "define.html"),
             ("Define-XML of the ADaM datasets (define.html)", adam_dir(out, studyid) / "define.html")]
    if validate:
        links += [("Validation report of the SDTM package", reports / "validation-sdtm.html"),
                  ("Validation report of the ADaM package", reports / "validation-adam.html")]
    return [(label, Path(os.path.relpath(path, reports)).as_posix()) for label, path in links]


def write_adam(result: Any, study: Any, out: Path, formats: tuple[str, ...],
               progress: Callable[[str], None], validate: bool = True,
               analyses: Any = None) -> tuple[Part, dict[str, DatasetMeta]]:
    """Write an :class:`~sdtm_convert.adam.AdamResult`: its datasets in ``formats``, define.xml (with the
    Analysis Results Metadata of ``analyses``, the loaded ``adam/analyses.yaml``, whose datasets were written)
    and reports/analysis-summary.html (linking the validation reports when ``validate``: the run writes them).
    Returns the part and the metadata as written."""
    from sdtm_convert.adam import render_summary
    from sdtm_convert.common.atomic import atomic_write_text
    from sdtm_convert.package import write as submission
    from sdtm_convert.package.arm import displays_from_spec

    part = Part()
    t = time.perf_counter()
    folder = adam_dir(out, study.studyid)
    written = submission.write_datasets(result.datasets, result.metadata, folder, study, formats=formats)
    arm = displays_from_spec(analyses, set(written.metas))
    define = submission.write_define(result.datasets, written.metas, folder, study, standard="ADaMIG 1.3", arm=arm)
    part.issues += written.issues + define.issues
    summary = out / "reports" / "analysis-summary.html"
    atomic_write_text(summary, render_summary(result, study, summary_links(out, study.studyid, validate)))
    part.timings["write_adam"] = time.perf_counter() - t
    part.outputs["adam"] = [p.relative_to(out).as_posix() for p in written.files + define.files]
    part.outputs["analysis_summary"] = summary.relative_to(out).as_posix()
    progress(f"wrote {len(result.datasets)} ADaM datasets, define.xml and the analysis summary")
    return part, written.metas
