"""The ADaM part of a run: ADSL, ADPASI, ADAE from the SDTM frames, checked, written with define.xml and the
analysis summary, then validated as any ADaM package."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.common.part import Part
from sdtm_convert.package.layout import adam_dir


def run_adam(sdtm: Mapping[str, pd.DataFrame], study: Any, out: Path, formats: tuple[str, ...], validate: bool,
             progress: Callable[[str], None]) -> tuple[Any, Part, Part]:
    """Build (a dataset whose source is absent is skipped; one progress line says why), check against the row
    schemas, write (datasets, define.xml, reports/analysis-summary.html) and validate. Returns the
    :class:`~sdtm_convert.adam.AdamResult`, the building and writing's part and the validation's."""
    from sdtm_convert.adam import build_adam, render_summary
    from sdtm_convert.atomic import atomic_write_text
    from sdtm_convert.package import write as submission
    from sdtm_convert.schema import load_schema, validate_frame
    from sdtm_convert.validate.run import run_validator

    part = Part()
    t = time.perf_counter()
    result = build_adam(sdtm, study)
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
    define = submission.write_define(result.datasets, written.metas, folder, study, standard="ADaMIG 1.3", arm=arm)
    part.issues += written.issues + define.issues
    summary = out / "reports" / "analysis-summary.html"
    atomic_write_text(summary, render_summary(result, study))
    part.timings["write_adam"] = time.perf_counter() - t
    part.outputs["adam"] = [p.relative_to(out).as_posix() for p in written.files + define.files]
    part.outputs["analysis_summary"] = summary.relative_to(out).as_posix()
    progress(f"wrote {len(result.datasets)} ADaM datasets, define.xml and the analysis summary")
    validation = Part()
    if validate:
        validation = run_validator("adam", "adamig-1.3", result.datasets, written.metas, study, out,
                                   folder / "define.xml")
        progress("validated the ADaM package")
    return result, part, validation
