"""Trial design datasets (TS, TA, TE, TV, TI) built from the study configuration (``study.yaml``).

Every record carries ``__src_file = "study.yaml"`` and ``__src_row`` = the 1-based index of the config
item it comes from (the arm for TA, the element for TE, the visit for TV, the criterion for TI, the
trial-summary entry for TS). One module per dataset (``ts``, ``ta``, ``te``, ``tv``, ``ti``); TS's parameter
tables are in ``ts_params``, its value checks in ``ts_values``; values counted from DM in ``counts``.
"""

from __future__ import annotations

import pandas as pd

from sdtm_convert.errors import Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology

from .counts import SUBJECT_COUNTS, resolve_counts
from .ta import build_ta
from .te import build_te
from .ti import build_ti
from .ts import build_ts, split_text
from .ts_params import NULL_FLAVOURS, TS_PARAM_CODELISTS
from .tv import build_tv

__all__ = [
    "NULL_FLAVOURS",
    "SUBJECT_COUNTS",
    "TS_PARAM_CODELISTS",
    "build_ta",
    "build_te",
    "build_ti",
    "build_trial_design",
    "build_ts",
    "build_tv",
    "resolve_counts",
    "split_text",
]


def build_trial_design(study: StudyConfig, ct: ControlledTerminology,
                       dm: pd.DataFrame | None = None) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """TS, TA, TE, TV and TI frames (SDTMIG 3.4 variables + provenance columns) and the issues found.
    ``dm`` (the derived DM) resolves trial summary values counted from the data (``count: enrolled``)."""
    frames: dict[str, pd.DataFrame] = {}
    study, issues = resolve_counts(study, dm)
    for name, build in (("TS", build_ts), ("TA", build_ta), ("TE", build_te), ("TV", build_tv), ("TI", build_ti)):
        frames[name], found = build(study, ct)
        issues.extend(found)
    return frames, issues
