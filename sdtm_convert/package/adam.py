"""The ADaM package of a run: datasets, define.xml (with the primary endpoint's analysis results) and the
analysis summary."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdtm_convert.common.part import Part
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.package.layout import adam_dir


def write_adam(result: Any, study: Any, out: Path, formats: tuple[str, ...],
               progress: Callable[[str], None]) -> tuple[Part, dict[str, DatasetMeta]]:
    """Write an :class:`~sdtm_convert.adam.AdamResult`: its datasets in ``formats``, define.xml and
    reports/analysis-summary.html. Returns the part and the metadata as written."""
    from sdtm_convert.adam import render_summary
    from sdtm_convert.common.atomic import atomic_write_text
    from sdtm_convert.package import write as submission

    part = Part()
    t = time.perf_counter()
    folder = adam_dir(out, study.studyid)
    written = submission.write_datasets(result.datasets, result.metadata, folder, study, formats=formats)
    arm = submission.primary_endpoint_arm(study) if "ADPASI" in result.datasets else None
    define = submission.write_define(result.datasets, written.metas, folder, study, standard="ADaMIG 1.3", arm=arm)
    part.issues += written.issues + define.issues
    summary = out / "reports" / "analysis-summary.html"
    atomic_write_text(summary, render_summary(result, study))
    part.timings["write_adam"] = time.perf_counter() - t
    part.outputs["adam"] = [p.relative_to(out).as_posix() for p in written.files + define.files]
    part.outputs["analysis_summary"] = summary.relative_to(out).as_posix()
    progress(f"wrote {len(result.datasets)} ADaM datasets, define.xml and the analysis summary")
    return part, written.metas
