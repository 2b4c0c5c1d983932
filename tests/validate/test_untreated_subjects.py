"""Subjects never treated are exempt from the exposure and baseline presence checks, whether the package
follows SDTMIG 3.2 (ARMCD SCRNFAIL) or SDTMIG 3.3+ (ARMCD null, reason in ARMNRS)."""

from __future__ import annotations

import pytest

from sdtm_convert.validate import validate_package
from tests.validate.conftest import sdtm_base


def _s2_never_dosed(armnrs: str) -> dict:
    p = sdtm_base()
    dm = p["DM"]
    dm["ARMNRS"] = ""
    dm.loc[1, ["ARMCD", "ARM", "ACTARMCD", "ACTARM", "ARMNRS"]] = ["", "", "", "", armnrs]
    p["EX"] = p["EX"][p["EX"]["USUBJID"] == "S-1"].reset_index(drop=True)
    p["LB"].loc[p["LB"]["USUBJID"] == "S-2", "LBBLFL"] = ""
    return p


def _subjects(report, rule: str) -> list[str]:
    f = report.findings
    return sorted(f.loc[f["rule"] == rule, "usubjid"])


@pytest.mark.parametrize("armnrs", ["SCREEN FAILURE", "NOT ASSIGNED", "ASSIGNED, NOT TREATED"])
def test_subject_with_armnrs_never_treated_needs_no_exposure_or_baseline(armnrs):
    report = validate_package(_s2_never_dosed(armnrs), standard="sdtmig-3.4", rules=["SC-PRES-008", "SC-PRES-010"])
    assert _subjects(report, "SC-PRES-010") == [] and _subjects(report, "SC-PRES-008") == []


@pytest.mark.parametrize("armnrs", ["", "UNPLANNED TREATMENT"])
def test_subject_without_an_untreated_reason_is_still_reported(armnrs):
    report = validate_package(_s2_never_dosed(armnrs), standard="sdtmig-3.4", rules=["SC-PRES-008", "SC-PRES-010"])
    assert _subjects(report, "SC-PRES-010") == ["S-2"] and _subjects(report, "SC-PRES-008") == ["S-2"]
