"""TI: one record per inclusion/exclusion criterion (``testcd``, ``test``, ``cat``, ``scat``, ``rl``, ``vers``)."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.common.provenance import SRC_FILE, SRC_ROW
from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology

from ._common import NAME_RX, check_term, frame, issue, required, src_file

MAX_TEXT = 200


def build_ti(study: StudyConfig, ct: ControlledTerminology) -> tuple[pd.DataFrame, list[Issue]]:
    """TI: one record per inclusion/exclusion criterion (``testcd``, ``test``, ``cat``, ``scat``, ``rl``, ``vers``)."""
    issues: list[Issue] = []
    records = []
    for idx, item in enumerate(study.inclusion_exclusion, start=1):
        testcd, test = str(item.get("testcd", "")), str(item.get("test", "")).strip()
        cat = str(item.get("cat", "")).strip().upper()
        if not NAME_RX.match(testcd):
            issues.append(
                issue(
                    "td-code-invalid",
                    ERROR,
                    "IETESTCD must be ≤ 8 letters/digits, starting with a letter",
                    study,
                    idx,
                    "TI",
                    "IETESTCD",
                    testcd,
                )
            )
        required(test, study, idx, "TI", "IETEST", issues)
        if len(test.encode("utf-8")) > MAX_TEXT:
            issues.append(
                issue(
                    "td-text-too-long",
                    ERROR,
                    "IETEST is limited to 200 characters (put the full text in the protocol)",
                    study,
                    idx,
                    "TI",
                    "IETEST",
                )
            )
        required(cat, study, idx, "TI", "IECAT", issues)
        check_term(ct, "IECAT", cat, study, idx, "TI", "IECAT", issues)
        records.append(
            {
                "IETESTCD": testcd,
                "IETEST": test,
                "IECAT": cat,
                "IESCAT": str(item.get("scat", "") or ""),
                "TIRL": str(item.get("rl", "") or ""),
                "TIVERS": str(item.get("vers", "") or ""),
                SRC_FILE: src_file(study),
                SRC_ROW: idx,
            }
        )
    return frame("TI", records, study), issues
