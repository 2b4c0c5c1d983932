"""subject_elements (SE) alone on literal frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt

from sdtm_convert.derive import get
from sdtm_convert.derive.se import build_se

NAN = np.nan
ARM = "UCMSC 2x10^6 cells/kg IV"
DM = pd.DataFrame(
    {
        "STUDYID": ["S1"] * 3,
        "USUBJID": ["S1-01", "S1-02", "S1-03"],
        "RFSTDTC": ["2022-03-10T09:30", "", ""],
        "RFXSTDTC": ["2022-03-10T09:30", "", ""],
        "RFXENDTC": ["2022-05-05", "", ""],
        "RFICDTC": ["2022-02-20", "2022-02-19", "2022-02-22"],
        "RFPENDTC": ["2022-06-01", "2022-02-21", "2022-02-28"],
        "ARMCD": ["UCMSC", "UCMSC", ""],
        "ACTARMCD": ["UCMSC", "", ""],
        "__src_file": ["dm.csv"] * 3,
        "__src_row": [1, 2, 3],
    }
)


def test_default_rules_treated_assigned_and_screen_failure(make_ctx):
    ctx = make_ctx("DM", DM=DM)
    result = get("subject_elements")(DM, ctx)
    out, issues = result
    pdt.assert_frame_equal(out, DM)
    expected = pd.DataFrame(
        {
            "STUDYID": ["S1"] * 5,
            "DOMAIN": ["SE"] * 5,
            "USUBJID": ["S1-01", "S1-01", "S1-01", "S1-02", "S1-03"],
            "SESEQ": [1.0, 2.0, 3.0, 1.0, 1.0],
            "ETCD": ["SCRN", "UCMSC", "FU", "SCRN", "SCRN"],
            "ELEMENT": ["Screening", "UCMSC Infusion", "Follow-up", "Screening", "Screening"],
            "TAETORD": [1.0, 2.0, 3.0, 1.0, 1.0],
            "EPOCH": ["SCREENING", "TREATMENT", "FOLLOW-UP", "SCREENING", "SCREENING"],
            "SESTDTC": ["2022-02-20", "2022-03-10T09:30", "2022-05-06", "2022-02-19", "2022-02-22"],
            "SEENDTC": ["2022-03-10T09:30", "2022-05-06", "2022-06-01", "2022-02-21", "2022-02-28"],
            "SESTDY": [-18.0, 1.0, 58.0, NAN, NAN],
            "SEENDY": [1.0, 58.0, 84.0, NAN, NAN],
            "__src_file": ["dm.csv"] * 5,
            "__src_row": [1, 1, 1, 2, 3],
        }
    )
    pdt.assert_frame_equal(result.datasets["SE"], expected)
    assert issues == []


def test_structured_rules_from_ex_and_skipped_element(make_ctx):
    ex = pd.DataFrame(
        {
            "USUBJID": ["S1-01", "S1-01", "S1-02"],
            "EXSTDTC": ["2022-03-10T09:30", "2022-05-05", "2022-03"],
            "EXENDTC": ["", "2022-05-05T11:00", ""],
        }
    )
    starts = {
        "UCMSC": {"domain": "EX", "var": "EXSTDTC", "which": "first"},
        "FU": {"domain": "EX", "var": "EXENDTC", "fallback": "EXSTDTC", "which": "last", "offset_days": 1},
    }
    dm = DM.assign(RFPENDTC=["2022-06-01", "2022-04-01", "2022-02-28"], ACTARMCD=["UCMSC", "UCMSC", ""])
    se, issues = build_se(make_ctx("DM", EX=ex), dm, starts=starts)
    assert se["SESTDTC"].tolist() == ["2022-02-20", "2022-03-10T09:30", "2022-05-06", "2022-02-19", "2022-02-22"]
    assert se["SEENDTC"].tolist() == ["2022-03-10T09:30", "2022-05-06", "2022-06-01", "2022-04-01", "2022-02-28"]
    assert issues == []
    # S1-02's partial EX date enters no treatment; a FU start without UCMSC start is reported
    starts["FU"] = {"domain": "DM", "var": "RFPENDTC"}
    se, issues = build_se(make_ctx("DM", EX=ex), dm, starts=starts)
    assert se[se["USUBJID"] == "S1-02"]["ETCD"].tolist() == ["SCRN", "FU"]
    assert [(i.code, i.usubjid, i.value) for i in issues] == [("se-element-skipped", "S1-02", "UCMSC")]


def test_more_elements_than_defaults_need_rules(make_ctx):
    ctx = make_ctx("DM", DM=DM)
    study = ctx.study
    from dataclasses import replace

    from sdtm_convert.spec.study import Arm

    ctx.study = replace(study, arms=(Arm("UCMSC", ARM, ("SCRN", "UCMSC", "FU", "FU")),))
    _, issues = build_se(ctx)
    assert [i.code for i in issues] == ["se-rule-missing"]


def test_element_starting_after_the_end_of_participation_is_not_entered(make_ctx):
    # S1-01 ends participation on the day of the last dose (a datetime): the follow-up element
    # would start the next day (a date), after the end, so it is left out and the treatment element
    # ends at RFPENDTC. S1-02 ends later the same day the follow-up starts: it is entered.
    dm = DM.iloc[:2].assign(
        RFXENDTC=["2022-05-05", "2022-05-05"],
        RFPENDTC=["2022-05-05T11:45", "2022-05-06T08:00"],
        ACTARMCD=["UCMSC", "UCMSC"],
        RFXSTDTC=["2022-03-10T09:30", "2022-03-11"],
        RFSTDTC=["2022-03-10T09:30", "2022-03-11"],
    )
    se, issues = build_se(make_ctx("DM"), dm)
    expected = pd.DataFrame(
        {
            "STUDYID": ["S1"] * 5,
            "DOMAIN": ["SE"] * 5,
            "USUBJID": ["S1-01", "S1-01", "S1-02", "S1-02", "S1-02"],
            "SESEQ": [1.0, 2.0, 1.0, 2.0, 3.0],
            "ETCD": ["SCRN", "UCMSC", "SCRN", "UCMSC", "FU"],
            "ELEMENT": ["Screening", "UCMSC Infusion", "Screening", "UCMSC Infusion", "Follow-up"],
            "TAETORD": [1.0, 2.0, 1.0, 2.0, 3.0],
            "EPOCH": ["SCREENING", "TREATMENT", "SCREENING", "TREATMENT", "FOLLOW-UP"],
            "SESTDTC": ["2022-02-20", "2022-03-10T09:30", "2022-02-19", "2022-03-11", "2022-05-06"],
            "SEENDTC": ["2022-03-10T09:30", "2022-05-05T11:45", "2022-03-11", "2022-05-06", "2022-05-06T08:00"],
            "SESTDY": [-18.0, 1.0, -20.0, 1.0, 57.0],
            "SEENDY": [1.0, 57.0, 1.0, 57.0, 57.0],
            "__src_file": ["dm.csv"] * 5,
            "__src_row": [1, 1, 2, 2, 2],
        }
    )
    pdt.assert_frame_equal(se, expected)
    assert [(i.code, i.severity, i.usubjid, i.value) for i in issues] == [
        ("se-element-after-end", "info", "S1-01", "FU")
    ]


def test_leaving_an_epoch_early_is_not_a_skipped_element(make_ctx):
    # Two treatment elements, then follow-up. S1-01 stops after the first treatment element (left TREATMENT
    # early: info); S1-02 has no start for the first treatment element but one for the second (a gap: warning).
    from dataclasses import replace

    from sdtm_convert.spec.study import Arm, Element

    ex = pd.DataFrame({"USUBJID": ["S1-01", "S1-02"], "EXSTDTC": ["2022-03-10", "2022-04-10"],
                       "VISIT": ["DAY 1", "WEEK 4"]})
    starts = {
        "TRT1": {"domain": "EX", "var": "EXSTDTC", "which": "first", "where": {"VISIT": "DAY 1"}},
        "TRT2": {"domain": "EX", "var": "EXSTDTC", "which": "first", "where": {"VISIT": "WEEK 4"}},
        "FU": {"domain": "DM", "var": "RFXENDTC", "offset_days": 1},
    }
    dm = DM.iloc[:2].assign(RFXENDTC=["2022-03-20", "2022-04-20"], RFPENDTC=["2022-05-01", "2022-05-01"],
                            ACTARMCD=["UCMSC", "UCMSC"])
    ctx = make_ctx("DM", EX=ex)
    trt = [Element("TRT1", "Treatment 1", "TREATMENT", "first dose"), Element("TRT2", "Treatment 2", "TREATMENT", "week 4 dose")]
    ctx.study = replace(ctx.study, arms=(Arm("UCMSC", ARM, ("SCRN", "TRT1", "TRT2", "FU")),),
                        elements=(*ctx.study.elements, *trt))
    se, issues = build_se(ctx, dm, starts=starts)
    assert se["ETCD"].tolist() == ["SCRN", "TRT1", "FU", "SCRN", "TRT2", "FU"]
    assert [(i.code, i.severity, i.usubjid, i.value) for i in issues] == [
        ("se-element-skipped", "warning", "S1-02", "TRT1"),
        ("se-element-not-reached", "info", "S1-01", "TRT2"),
    ]
