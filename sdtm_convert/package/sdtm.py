"""The SDTM package of a run: datasets (XPT in the worker, Dataset-JSON in the main process) and define.xml."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.common.part import Part
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.package.layout import sdtm_dir


def write_sdtm(sdtm: Mapping[str, pd.DataFrame], metadata: dict[str, DatasetMeta], study: Any, out: Path,
               formats: tuple[str, ...], progress: Callable[[str], None]) -> tuple[Part, dict[str, DatasetMeta]]:
    """Write the SDTM datasets in ``formats`` (the run's worker: XPT) and define.xml. Returns the part and the
    metadata as written (the lengths the primary format fixed)."""
    from sdtm_convert.package import write as submission

    part = Part()
    t = time.perf_counter()
    folder = sdtm_dir(out, study.studyid)
    written = submission.write_datasets(sdtm, metadata, folder, study, formats=formats)
    part.timings["write_sdtm"] = time.perf_counter() - t
    t = time.perf_counter()
    define = submission.write_define(sdtm, written.metas, folder, study, standard=f"SDTMIG {study.sdtmig_version}")
    part.timings["define_sdtm"] = time.perf_counter() - t
    part.issues += written.issues + define.issues
    part.outputs["sdtm"] = [p.relative_to(out).as_posix() for p in written.files + define.files]
    progress(f"wrote {len(sdtm)} SDTM datasets and define.xml")
    return part, written.metas


def write_sdtm_json(sdtm: Mapping[str, pd.DataFrame], metadata: dict[str, DatasetMeta], study: Any,
                    out: Path, formats: tuple[str, ...] = ("json",)) -> Part:
    """The SDTM datasets in the main process's formats (``formats_for("main", ...)``: Dataset-JSON 1.1),
    beside the worker's XPT files."""
    from sdtm_convert.package import write as submission

    t = time.perf_counter()
    written = submission.write_datasets(sdtm, metadata, sdtm_dir(out, study.studyid), study, formats=formats)
    return Part(written.issues, {"sdtm": [p.relative_to(out).as_posix() for p in written.files]},
                {"write_sdtm_json": time.perf_counter() - t})
