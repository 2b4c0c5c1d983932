"""Trial summary values counted from the data (study.yaml: ``{parmcd: ACTSUB, count: enrolled}``)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.spec.study import StudyConfig

from ._common import issue

SUBJECT_COUNTS = {
    "enrolled": lambda dm: int((dm["ARMCD"].astype(str) != "").sum()),
    "treated": lambda dm: int((dm["ACTARMCD"].astype(str) != "").sum()),
    "screened": lambda dm: int(dm["USUBJID"].nunique()),
}


def resolve_counts(study: StudyConfig, dm: pd.DataFrame | None) -> tuple[StudyConfig, list[Issue]]:
    """Replace ``count:`` trial summary entries by the number of subjects counted in DM."""
    items, issues = [], []
    for idx, item in enumerate(study.trial_summary, start=1):
        if "count" in item:
            kind = item["count"]
            if kind not in SUBJECT_COUNTS or dm is None:
                why = f"unknown count {kind!r} (known: {', '.join(SUBJECT_COUNTS)})" if kind not in SUBJECT_COUNTS \
                    else "a counted value needs the DM domain"
                issues.append(issue("ts-count-invalid", ERROR, f"{item.get('parmcd')}: {why}", study, idx, "TS", "TSVAL"))
                item = {k: v for k, v in item.items() if k != "count"} | {"valnf": "NI"}
            else:
                item = {k: v for k, v in item.items() if k != "count"} | {"val": SUBJECT_COUNTS[kind](dm)}
        items.append(item)
    return dataclasses.replace(study, trial_summary=tuple(items)), issues
