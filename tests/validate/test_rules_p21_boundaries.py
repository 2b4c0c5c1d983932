"""Rules held to their Pinnacle 21 definitions: each test a small literal package on both sides of the boundary
(flagged / not flagged). The definitions are the rules' docstrings (P21 Community 2.2.0 catalogue)."""

from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from sdtm_convert.validate import validate_package
from tests.validate.conftest import adam_base, frame, sdtm_base

S = "STUDY1"


def _found(p: dict, rule: str, standard: str = "sdtmig-3.4") -> list[tuple]:
    f = validate_package(p, standard=standard, rules=[rule]).findings
    f = f[f["rule"] == rule]
    records = [None if pd.isna(r) else int(r) for r in f["record"]]
    return list(zip(f["dataset"], f["variable"], records, f["value"]))


# -- SD0026 / SD0029: units of numeric results -------------------------------------------------------------


def _urine() -> dict:
    """LB with pH (never a unit, on any record), a text result and a score-like QS test."""
    return {
        "LB": frame(
            "STUDYID DOMAIN USUBJID LBSEQ LBTESTCD LBTEST LBORRES LBORRESU LBSTRESC LBSTRESN LBSTRESU",
            [
                (S, "LB", "S-1", 1, "PH", "pH", "6.5", "", "6.5", 6.5, ""),
                (S, "LB", "S-1", 2, "COLOR", "Color", "YELLOW", "", "YELLOW", float("nan"), ""),
                (S, "LB", "S-1", 3, "GLUC", "Glucose", "5.1", "mmol/L", "5.1", 5.1, "mmol/L"),
            ],
        ),
        "QS": frame(
            "STUDYID DOMAIN USUBJID QSSEQ QSTESTCD QSTEST QSCAT QSORRES QSORRESU QSSTRESC QSSTRESN QSSTRESU",
            [
                (S, "QS", "S-1", 1, "ITEM1", "Item 1", "SCALE", "3", "", "3", 3, ""),  # a score: no unit
                (S, "QS", "S-1", 2, "TIME", "Time to complete", "SCALE", "40", "sec", "40", 40, "sec"),
                (S, "QS", "S-1", 3, "TIME", "Time to complete", "SCALE", "38", "", "38", 38, ""),  # unit missing
            ],
        ),
    }


@pytest.mark.parametrize("rule,var", [("SC-CONS-006", "ORRESU"), ("SC-CONS-008", "STRESU")])
def test_unit_is_expected_for_every_numeric_lab_result_not_for_text_or_scores(rule, var):
    assert _found(_urine(), rule) == [("LB", "LB" + var, 1, "6.5"), ("QS", "QS" + var, 3, "38")]


# -- SD1082 / SD1116 / SD1078: split datasets judged as the domain -----------------------------------------


def _xpt(folder, name: str, df: pd.DataFrame) -> None:
    pyreadstat.write_xport(df, str(folder / f"{name.lower()}.xpt"), file_format_version=5, table_name=name,
                           file_label=f"{name} split")


def _lb_split(lbch_test: list[str], lbhe_test: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    def part(tests):
        n = len(tests)
        return pd.DataFrame({"STUDYID": [S] * n, "DOMAIN": ["LB"] * n, "USUBJID": ["S-1"] * n,
                             "LBSEQ": [float(i + 1) for i in range(n)], "LBTEST": tests})

    return part(lbch_test), part(lbhe_test)


def test_length_is_judged_against_the_longest_value_of_the_domain_not_of_one_split(tmp_path):
    lbch, lbhe = _lb_split(["Alanine Aminotransferase"], ["Hemoglobin".ljust(24)])  # both stored 24 bytes
    _xpt(tmp_path, "LBCH", lbch)
    _xpt(tmp_path, "LBHE", lbhe)
    assert _found(tmp_path, "SC-TECH-012") == []  # 24 = longest LBTEST of LB, as P21 resizes before splitting
    assert _found(tmp_path, "SC-TECH-014") == []  # the splits agree
    _xpt(tmp_path, "LBCH", lbch.assign(LBTEST="Albumin".ljust(24)))  # now no LB value needs 24 bytes
    assert _found(tmp_path, "SC-TECH-012") == [("LBCH", "LBTEST", None, "length 24, longest value 10"),
                                               ("LBHE", "LBTEST", None, "length 24, longest value 10")]
    _xpt(tmp_path, "LBCH", lbch)
    _xpt(tmp_path, "LBHE", lbhe.assign(LBTEST="Hemoglobin"))  # stored in 10 bytes: fits, but unlike LBCH
    assert _found(tmp_path, "SC-TECH-012") == []
    assert _found(tmp_path, "SC-TECH-014") == [("LBHE", "LBTEST", None, "length 10; 24 in another LB split")]


def test_permissible_variable_empty_in_one_split_but_populated_in_another_is_not_reported():
    p = sdtm_base()
    lb = p.pop("LB")
    p["LBCH"], p["LBHE"] = lb.iloc[[0, 2]].reset_index(drop=True), lb.iloc[[1, 3]].reset_index(drop=True)
    p["LBCH"]["LBSPEC"], p["LBHE"]["LBSPEC"] = "", ["BLOOD", ""]
    assert _found(p, "SC-PRES-007") == []
    p["LBHE"]["LBSPEC"] = ""
    assert _found(p, "SC-PRES-007") == [("LBCH", "LBSPEC", None, None), ("LBHE", "LBSPEC", None, None)]


# -- reserved arm codes, in any case -----------------------------------------------------------------------


def _screen_failure(code: str) -> dict:
    p = sdtm_base()
    p["DM"].loc[1, ["ARMCD", "ARM", "ACTARMCD", "ACTARM"]] = [code, "Screen Failure", code, "Screen Failure"]
    for dom in ("EX", "LB"):
        p[dom] = p[dom][p[dom]["USUBJID"] == "S-1"].reset_index(drop=True)
    return p


ARM_RULES = ["SC-CONS-031", "SC-XREF-002", "SC-XREF-003", "SC-XREF-004", "SC-PRES-010", "SC-PRES-008",
             "SC-CONS-036"]


def test_screen_failure_code_in_another_case_is_one_finding_per_subject_about_the_case():
    f = validate_package(_screen_failure("Scrnfail"), standard="sdtmig-3.4", rules=ARM_RULES).findings
    assert f[["rule", "dataset", "variable", "usubjid", "value"]].values.tolist() == [
        ["SC-CONS-036", "DM", "ARMCD", "S-2", "ARMCD Scrnfail, ACTARMCD Scrnfail"]
    ]
    assert validate_package(_screen_failure("SCRNFAIL"), standard="sdtmig-3.4", rules=ARM_RULES).findings.empty


# -- subject-level presence on DM ----------------------------------------------------------------------------


def test_missing_baseline_is_reported_on_the_subjects_dm_record_naming_the_domain():
    p = sdtm_base()
    p["LB"].loc[2, "LBBLFL"] = ""  # S-2 (DM record 2) has LB records but none flagged baseline
    f = validate_package(p, standard="sdtmig-3.4", rules=["SC-PRES-008"]).findings
    assert f[["dataset", "variable", "record", "usubjid", "message"]].values.tolist() == [
        ["DM", "USUBJID", 2, "S-2", "No baseline result in LB for subject"]
    ]


def test_subject_without_disposition_is_reported_on_dm_unless_not_assigned():
    found = {}
    for armcd in ("B", "NOTASSGN", "Notassgn"):
        p = sdtm_base()
        p["DM"].loc[1, "ARMCD"] = armcd
        p["DS"] = p["DS"].iloc[[0]]
        found[armcd] = _found(p, "SC-PRES-009")
    assert found == {"B": [("DM", "USUBJID", 2, "S-2")], "NOTASSGN": [], "Notassgn": []}


# -- SD2216: CURTRT only with ADDON = 'Y' -----------------------------------------------------------------


def test_current_therapy_parameter_is_required_only_for_add_on_studies():
    found = {}
    for addon in ("Y", "N"):
        p = sdtm_base()
        ts = frame("STUDYID DOMAIN TSSEQ TSPARMCD TSPARM TSVAL",
                   [(S, "TS", 1, "ADDON", "Added on to Existing Treatments", addon)])
        p["TS"] = pd.concat([p["TS"], ts], ignore_index=True)
        found[addon] = _found(p, "SC-PRES-115")
    assert found == {"Y": [("TS", "TSPARMCD", None, "CURTRT")], "N": []}


# -- AD0161: analysis window bounds --------------------------------------------------------------------------


def test_analysis_window_unit_needs_at_least_one_bound():
    p = adam_base()
    p["ADVS"]["AWU"] = "DAYS"
    p["ADVS"]["AWLO"] = [float("nan"), 8.0, float("nan"), float("nan")]  # record 2: open window, AWLO only
    p["ADVS"]["AWHI"] = [float("nan")] * 4
    f = validate_package(p, standard="adamig-1.3", rules=["AD-CONS-161"]).findings
    assert f["record"].tolist() == [1, 3, 4]


# -- CT on result variables: a limit of quantitation is a result ---------------------------------------------


def test_below_limit_results_are_not_terms_of_the_result_codelist():
    p = sdtm_base()
    p["LB"]["LBSTRESC"] = ["<3.42", ">= 1000", "ZZZ", "41"]
    f = validate_package(p, standard="sdtmig-3.4", ct="2025-03-25", rules=["SC-CT-002"]).findings
    assert f.loc[f["variable"] == "LBSTRESC", "value"].tolist() == ["ZZZ"]


# -- SD0021: end timing of an event or intervention ----------------------------------------------------------


def test_event_without_end_timing_is_flagged_unless_ongoing_or_not_occurred():
    p = sdtm_base()
    ae = pd.concat([p["AE"]] * 2, ignore_index=True).assign(AESEQ=[1.0, 1.0, 2.0, 2.0])
    ae["AEENDTC"] = ["", "", "", "2020-02-20"]
    ae["AEENRF"] = ["", "ONGOING", "", ""]
    ae["AEOCCUR"] = ["Y", "Y", "N", "Y"]
    p["AE"] = ae
    p["DS"]["DSSTDTC"] = ""  # DS (Events) has no --ENDTC/--ENRF/--ENRTPT: no end to expect there
    assert _found(p, "SC-CONS-037") == [("AE", "AEENDTC", 1, "")]


# -- SD1131: baseline records carry a standard result --------------------------------------------------------


def test_baseline_record_without_standard_result_is_flagged_other_records_are_not():
    p = sdtm_base()
    p["LB"].loc[[0, 1], "LBSTRESC"] = ""  # record 1 is baseline (LBBLFL 'Y'), record 2 is not
    assert _found(p, "SC-PRES-011") == [("LB", "LBSTRESC", 1, "")]


# -- randomized subjects: SDTMIG 3.2 arm codes and SDTMIG 3.3+ null ARMCD ------------------------------------


def test_reference_dates_are_expected_for_randomized_subjects_only():
    p = sdtm_base()
    p["DM"]["ARMNRS"] = ""
    p["DM"].loc[:, "RFSTDTC"] = ""
    p["DM"].loc[1, ["ARMCD", "ARM", "ACTARMCD", "ACTARM", "ARMNRS"]] = ["", "", "", "", "SCREEN FAILURE"]
    assert _found(p, "SC-CONS-062") == [("DM", "RFSTDTC", 1, "")]  # S-2 was never assigned to an arm
    p["DM"].loc[1, ["ARMCD", "ARMNRS"]] = ["Scrnfail", ""]
    assert _found(p, "SC-CONS-062") == [("DM", "RFSTDTC", 1, "")]


# -- study day variables come with their dates ---------------------------------------------------------------


def test_start_and_end_study_day_variables_are_expected_with_their_dates():
    p = sdtm_base()  # AE has AESTDY/AEENDY; EX and DS have dates but no study days
    assert _found(p, "SC-PRES-046") == [("DS", "DSSTDY", None, "DSSTDTC present"),
                                        ("EX", "EXSTDY", None, "EXSTDTC present")]
    assert _found(p, "SC-PRES-047") == [("EX", "EXENDY", None, "EXENDTC present")]
    p["DM"]["RFSTDTC"] = ["2020-01", ""]  # no study day can be derived: an all-empty EXSTDY would be SD1078's
    assert _found(p, "SC-PRES-046") == [] and _found(p, "SC-PRES-047") == []


# -- TS parameters that take one record ------------------------------------------------------------------------


def test_single_record_trial_summary_parameters_are_flagged_on_the_second_record():
    from sdtm_convert.validate.rules.trial_design import TS_SINGLE

    for i, (parm, _) in enumerate(TS_SINGLE):
        p = sdtm_base()
        one = frame("STUDYID DOMAIN TSSEQ TSPARMCD TSPARM TSVAL", [(S, "TS", 1, parm, parm.title(), "1")])
        p["TS"] = pd.concat([p["TS"][p["TS"]["TSPARMCD"] != parm], one], ignore_index=True)
        rule = f"SC-CONS-{80 + i:03d}"
        assert _found(p, rule) == [], parm
        p["TS"] = pd.concat([p["TS"], one.assign(TSSEQ=2.0)], ignore_index=True)
        assert _found(p, rule) == [("TS", "TSPARMCD", len(p["TS"]), parm)], parm


def test_numeric_trial_summary_values_are_numbers():
    from sdtm_convert.validate.rules.trial_design import TS_NUMERIC

    for i, (parm, _) in enumerate(TS_NUMERIC):
        found = []
        for value in ("120", "about 120"):
            p = sdtm_base()
            p["TS"] = pd.concat([p["TS"], frame("STUDYID DOMAIN TSSEQ TSPARMCD TSPARM TSVAL",
                                                [(S, "TS", 1, parm, parm.title(), value)])], ignore_index=True)
            found.append(_found(p, f"SC-FMT-{41 + i:03d}"))
        assert found == [[], [("TS", "TSVAL", 4, "about 120")]], parm

