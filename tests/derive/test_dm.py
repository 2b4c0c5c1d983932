"""dm_reference_dates and age alone on literal frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt

from sdtm_convert.derive import get

NAN = np.nan

DM_IN = pd.DataFrame(
    {
        "USUBJID": ["S1-01", "S1-02", "S1-03"],
        "DTHDTC": ["", "", ""],
        "__src_file": ["dm.csv"] * 3,
        "__src_row": [1, 2, 3],
    }
)
EX = pd.DataFrame(
    {
        "USUBJID": ["S1-01", "S1-01", "S1-01", "S1-01"],
        "EXSTDTC": ["2022-03-24", "2022-03-10", "2022-03-10T09:30", "2022-04"],
        "EXENDTC": ["", "", "2022-03-10T10:30", ""],
        "__src_file": ["ex.csv"] * 4,
        "__src_row": [1, 2, 3, 4],
    }
)
DS = pd.DataFrame(
    {
        "USUBJID": ["S1-01", "S1-02", "S1-02", "S1-03", "S1-03"],
        "DSDECOD": ["INFORMED CONSENT OBTAINED"] * 3 + ["SCREEN FAILURE", "INFORMED CONSENT OBTAINED"],
        "DSSTDTC": ["2022-02-20", "2022-02-21", "2022-02-19", "2022-02-28", "2022-02-22"],
    }
)
AE = pd.DataFrame({"USUBJID": ["S1-01", "S1-02"], "AESTDTC": ["2022-05-01", "2022-03"], "AEENDTC": ["2022-06", ""]})


def test_reference_dates_arms_and_screen_failure(make_ctx):
    out, issues = get("dm_reference_dates")(DM_IN, make_ctx("DM", EX=EX, DS=DS, AE=AE))
    expected = DM_IN.assign(
        RFSTDTC=["2022-03-10T09:30", "", ""],
        RFENDTC=["2022-03-24", "", ""],
        RFXSTDTC=["2022-03-10T09:30", "", ""],
        RFXENDTC=["2022-03-24", "", ""],
        RFICDTC=["2022-02-20", "2022-02-19", "2022-02-22"],
        RFPENDTC=["2022-05-01", "2022-02-21", "2022-02-28"],
        DTHFL=["", "", ""],
        ARMCD=["UCMSC", "UCMSC", ""],
        ARM=["UCMSC 2x10^6 cells/kg IV", "UCMSC 2x10^6 cells/kg IV", ""],
        ACTARMCD=["UCMSC", "", ""],
        ACTARM=["UCMSC 2x10^6 cells/kg IV", "", ""],
        ARMNRS=["", "ASSIGNED, NOT TREATED", "SCREEN FAILURE"],
    )
    pdt.assert_frame_equal(out, expected)
    assert [(i.code, i.file, i.row) for i in issues] == [("dm-exposure-date-partial", "ex.csv", 4)]


def test_given_arm_empty_and_unexposed_is_screen_failure_and_death_flag(make_ctx):
    dm = pd.DataFrame(
        {"USUBJID": ["S1-01", "S1-04", "S1-05"], "ARMCD": ["UCMSC", "", "BOGUS"], "DTHDTC": ["2022-07-01", "", ""]}
    )
    ex = EX.assign(USUBJID=["S1-01", "S1-01", "S1-01", "S1-05"])
    out, issues = get("dm_reference_dates")(dm, make_ctx("DM", EX=ex), ic_column="DTHDTC")
    assert out["ARMCD"].tolist() == ["UCMSC", "", "BOGUS"]
    assert out["ARMNRS"].tolist() == ["", "SCREEN FAILURE", ""]
    assert out["DTHFL"].tolist() == ["Y", "", ""]
    assert out["RFPENDTC"].tolist() == ["2022-07-01", "", ""]
    assert sorted(i.code for i in issues) == ["dm-arm-unknown", "dm-exposure-date-partial"]
    _, issues = get("dm_reference_dates")(dm, make_ctx("DM"))
    assert [i.code for i in issues] == ["derive-domain-missing"]


def test_age_complete_partial_and_collected(make_ctx):
    dm = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "C", "D", "E", "F", "G", "H"],
            "BRTHDTC": ["1980-03-10", "1980-03-11", "1980-05", "1980-03", "1980", "1980", "", "2023-01-01"],
            "RFICDTC": ["2022-03-10"] * 8,
            "AGE_RAW": ["42", "", "", "", "41", "", "", ""],
            "__src_file": ["dm.csv"] * 8,
            "__src_row": list(range(1, 9)),
        }
    )
    out, issues = get("age")(dm, make_ctx("DM"), collected="AGE_RAW")
    expected = dm.assign(
        AGE=[42.0, 41.0, 41.0, NAN, 41.0, NAN, NAN, NAN],
        AGEU=["YEARS", "YEARS", "YEARS", "", "YEARS", "", "", ""],
    )
    pdt.assert_frame_equal(out, expected)
    assert sorted((i.code, i.row) for i in issues) == [
        ("age-negative", 8),
        ("age-not-derivable", 4),
        ("age-not-derivable", 6),
        ("age-not-derivable", 7),
    ]


def test_age_leap_day_and_mismatch(make_ctx):
    dm = pd.DataFrame(
        {"USUBJID": ["A", "B"], "BRTHDTC": ["2000-02-29", "2000-02-29"], "RFSTDTC": ["2021-02-28", "2021-03-01"]}
    )
    dm["AGE_RAW"] = ["30", "21"]
    out, issues = get("age")(dm, make_ctx("DM"), ref="RFSTDTC", collected="AGE_RAW")
    assert out["AGE"].tolist() == [20.0, 21.0]
    assert [i.code for i in issues] == ["age-collected-mismatch"]


def test_informed_consent_from_another_frame_or_missing(make_ctx):
    ic = pd.DataFrame({"USUBJID": ["S1-01", "S1-01"], "ICDTC": ["2022-02-18", "2022-02-10"]})
    out, issues = get("dm_reference_dates")(DM_IN, make_ctx("DM", EX=EX, IC=ic), ic_domain="IC", ic_var="ICDTC")
    assert out["RFICDTC"].tolist() == ["2022-02-10", "", ""]
    assert [i.code for i in issues] == ["dm-exposure-date-partial"]
    _, issues = get("dm_reference_dates")(DM_IN, make_ctx("DM", EX=EX))
    assert sorted(i.code for i in issues) == ["dm-exposure-date-partial", "dm-informed-consent-missing"]


def test_rfendtc_from_the_disposition_event_else_the_last_exposure(make_ctx):
    # S1-01 and S1-04 exposed; S1-01 has a disposition event after its last dose, S1-04 none (→ last
    # exposure); S1-03 is a screen failure (→ empty even with a disposition event)
    dm = pd.DataFrame({"USUBJID": ["S1-01", "S1-04", "S1-03"], "DTHDTC": ["", "", ""]})
    ex = EX.assign(USUBJID=["S1-01", "S1-01", "S1-04", "S1-04"], EXSTDTC=["2022-03-24", "2022-03-10", "2022-03-10", "2022-04-02"])
    ds = pd.DataFrame(
        {
            "USUBJID": ["S1-01", "S1-01", "S1-01", "S1-03"],
            "DSCAT": ["PROTOCOL MILESTONE", "DISPOSITION EVENT", "OTHER EVENT", "DISPOSITION EVENT"],
            "DSDECOD": ["RANDOMIZED", "ADVERSE EVENT", "FINAL LAB VISIT", "SCREEN FAILURE"],
            "DSSTDTC": ["2022-03-09", "2022-04-05", "2022-04-20", "2022-02-28"],
        }
    )
    rule = {"domain": "DS", "var": "DSSTDTC", "which": "last", "where": {"DSCAT": "DISPOSITION EVENT"}}
    out, _ = get("dm_reference_dates")(dm, make_ctx("DM", EX=ex, DS=ds), ic_column="DTHDTC", rfendtc=rule)
    assert out[["RFENDTC", "RFXENDTC"]].values.tolist() == [
        ["2022-04-05", "2022-03-24"],
        ["2022-04-02", "2022-04-02"],
        ["", ""],
    ]
    _, issues = get("dm_reference_dates")(dm, make_ctx("DM", EX=ex), ic_column="DTHDTC", rfendtc=rule)
    assert [(i.code, i.dataset) for i in issues] == [("derive-domain-missing", "DM")]
