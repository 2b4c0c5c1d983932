"""TE: one record per element (TESTRL start rule, TEENRL end rule, TEDUR ISO 8601 duration)."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.common.provenance import SRC_FILE, SRC_ROW
from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology

from ._common import DURATION_RX, NAME_RX, frame, issue, required, src_file


def build_te(study: StudyConfig, ct: ControlledTerminology) -> tuple[pd.DataFrame, list[Issue]]:
    """TE: one record per element (TESTRL start rule, TEENRL end rule, TEDUR ISO 8601 duration)."""
    issues: list[Issue] = []
    records = []
    for idx, el in enumerate(study.elements, start=1):
        if not NAME_RX.match(el.etcd):
            issues.append(
                issue("td-code-invalid", ERROR, "ETCD must be ≤ 8 letters/digits", study, idx, "TE", "ETCD", el.etcd)
            )
        required(el.start_rule, study, idx, "TE", "TESTRL", issues)
        if el.duration and not DURATION_RX.match(el.duration):
            issues.append(
                issue(
                    "iso8601-invalid",
                    ERROR,
                    "TEDUR must be an ISO 8601 duration",
                    study,
                    idx,
                    "TE",
                    "TEDUR",
                    el.duration,
                )
            )
        if not el.end_rule and not el.duration:
            issues.append(
                issue("td-value-missing", WARNING, "an element needs TEENRL or TEDUR", study, idx, "TE", "TEENRL")
            )
        records.append(
            {
                "ETCD": el.etcd,
                "ELEMENT": el.element,
                "TESTRL": el.start_rule,
                "TEENRL": el.end_rule,
                "TEDUR": el.duration,
                SRC_FILE: src_file(study),
                SRC_ROW: idx,
            }
        )
    return frame("TE", records, study), issues
