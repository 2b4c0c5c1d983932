"""TV: one record per planned visit; ARMCD/ARM only for arm-specific visits (``armcd:`` on the visit)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.common.provenance import SRC_FILE, SRC_ROW
from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology

from ._common import frame, issue, required, src_file


def build_tv(study: StudyConfig, ct: ControlledTerminology) -> tuple[pd.DataFrame, list[Issue]]:
    """TV: one record per planned visit; ARMCD/ARM only for arm-specific visits (``armcd:`` on the visit)."""
    issues: list[Issue] = []
    arms = {a.armcd: a.arm for a in study.arms}
    raw_visits = list((study.raw or {}).get("visits") or [])
    records = []
    for idx, v in enumerate(study.visits, start=1):
        raw = raw_visits[idx - 1] if idx - 1 < len(raw_visits) else {}
        armcd = str(getattr(v, "armcd", "") or raw.get("armcd") or "")
        if armcd and armcd not in arms:
            issues.append(
                issue(
                    "td-arm-unknown",
                    ERROR,
                    f"visit names arm {armcd!r} that is not in arms",
                    study,
                    idx,
                    "TV",
                    "ARMCD",
                    armcd,
                )
            )
        required(v.start_rule, study, idx, "TV", "TVSTRL", issues)
        records.append(
            {
                "VISITNUM": v.visitnum,
                "VISIT": v.visit,
                "VISITDY": np.nan if v.visitdy is None else v.visitdy,
                "ARMCD": armcd,
                "ARM": arms.get(armcd, ""),
                "TVSTRL": v.start_rule,
                "TVENRL": v.end_rule,
                SRC_FILE: src_file(study),
                SRC_ROW: idx,
            }
        )
    dup = pd.Series([r["VISITNUM"] for r in records], dtype="float64")
    for pos in np.flatnonzero(dup.duplicated().to_numpy()):
        if not records[pos]["ARMCD"]:
            issues.append(
                issue(
                    "td-visitnum-duplicate",
                    ERROR,
                    "VISITNUM must be unique in TV",
                    study,
                    int(pos) + 1,
                    "TV",
                    "VISITNUM",
                    records[pos]["VISITNUM"],
                )
            )
    return frame("TV", records, study, numeric=("VISITNUM", "VISITDY")), issues
