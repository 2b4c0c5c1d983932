"""TA: one record per arm × element in the arm's order (TAETORD 1..n)."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.common.provenance import SRC_FILE, SRC_ROW
from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology

from ._common import check_term, frame, issue, src_file


def build_ta(study: StudyConfig, ct: ControlledTerminology) -> tuple[pd.DataFrame, list[Issue]]:
    """TA: one record per arm × element in the arm's order (TAETORD 1..n)."""
    issues: list[Issue] = []
    elements = {e.etcd: e for e in study.elements}
    records = []
    for idx, arm in enumerate(study.arms, start=1):
        for order, etcd in enumerate(arm.elements, start=1):
            el = elements.get(etcd)
            if el is None:
                issues.append(
                    issue(
                        "td-element-unknown",
                        ERROR,
                        f"arm {arm.armcd} lists element {etcd!r} that is not in elements",
                        study,
                        idx,
                        "TA",
                        "ETCD",
                        etcd,
                    )
                )
            epoch = el.epoch if el else ""
            check_term(ct, "EPOCH", epoch, study, idx, "TA", "EPOCH", issues)
            records.append(
                {
                    "ARMCD": arm.armcd,
                    "ARM": arm.arm,
                    "TAETORD": order,
                    "ETCD": etcd,
                    "ELEMENT": el.element if el else "",
                    "TABRANCH": arm.branch.get(etcd, ""),
                    "TATRANS": arm.transition.get(etcd, ""),
                    "EPOCH": epoch,
                    SRC_FILE: src_file(study),
                    SRC_ROW: idx,
                }
            )
    return frame("TA", records, study, numeric=("TAETORD",)), issues
