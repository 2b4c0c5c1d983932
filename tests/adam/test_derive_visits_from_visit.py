"""AVISIT/AVISITN from the nominal visit and ANL01FL, as admiral's ad_advs.R template derives them."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.adam.derive import derive_var_extreme_flag, derive_var_ontrtfl, derive_vars_avisit_from_visit
from sdtm_convert.adam.derive.visits import title_case
from tests.adam.helpers import NA, frame

VS = frame(
    [
        # USUBJID, PARAMCD, VISIT, ADT, AVAL, ATPT
        ("01", "SYSBP", "SCREENING 1", 90, 120, "AFTER STANDING FOR 1 MINUTE"),
        ("01", "SYSBP", "BASELINE", 100, 121, "AFTER STANDING FOR 1 MINUTE"),
        ("01", "SYSBP", "WEEK 2", 114, 125, "AFTER STANDING FOR 1 MINUTE"),
        ("01", "SYSBP", "WEEK 2", 115, 123, "AFTER STANDING FOR 1 MINUTE"),  # repeat in the same visit
        ("01", "SYSBP", "UNSCHEDULED 2.1", 120, 140, "AFTER STANDING FOR 1 MINUTE"),  # outside every visit
        ("01", "SYSBP", "AMBUL ECG PLACEMENT", 121, 141, "AFTER STANDING FOR 1 MINUTE"),
        ("01", "SYSBP", "WEEK 26", 300, 130, "AFTER STANDING FOR 1 MINUTE"),  # after TRTEDT
        ("01", "SYSBP", "RETRIEVAL", 310, 131, "AFTER STANDING FOR 1 MINUTE"),
    ],
    ["USUBJID", "PARAMCD", "VISIT", "ADT", "AVAL", "ATPT"],
).assign(TRTSDT=100.0, TRTEDT=280.0, DTYPE="")


def test_avisit_is_the_title_cased_visit_and_excluded_visits_get_none():
    out = derive_vars_avisit_from_visit(VS)
    # str_detect(VISIT, "SCREEN|UNSCHED|RETRIEVAL|AMBUL") ~ NA, else str_to_title(VISIT)
    assert out["AVISIT"].tolist() == ["", "Baseline", "Week 2", "Week 2", "", "", "Week 26", ""]
    # VISIT == "BASELINE" ~ 0; str_detect(VISIT, "WEEK") ~ the number after "WEEK"; else NA
    assert out["AVISITN"].fillna(-1).tolist() == [-1, 0, 2, 2, -1, -1, 26, -1]
    assert title_case(pd.Series(["END OF TREATMENT", "WEEK 2/3", "1ST DOSE"])).tolist() == [
        "End Of Treatment",
        "Week 2/3",
        "1st Dose",
    ]


def test_anl01fl_flags_the_last_on_treatment_record_per_visit_and_never_an_unwindowed_one():
    out = derive_vars_avisit_from_visit(VS)
    out = derive_var_ontrtfl(out, filter_pre_timepoint={"var": "AVISIT", "op": "eq", "value": "Baseline"})
    flt = {"all": [{"var": "AVISITN", "op": "present"}, {"var": "ONTRTFL", "op": "eq", "value": "Y"}]}
    out = derive_var_extreme_flag(
        out, ["USUBJID", "PARAMCD", "AVISIT", "ATPT", "DTYPE"], ["ADT", "AVAL"], "ANL01FL", flt, na_position="last"
    )
    # ONTRTFL: BASELINE on TRTSDT is a pre-timepoint → NA; UNSCHEDULED/AMBUL are on treatment but have
    # no AVISITN, so the ANL01FL filter (!is.na(AVISITN) & ONTRTFL == "Y") leaves them NA; WEEK 26 is
    # after TRTEDT (ONTRTFL NA). Within Week 2 the last by ADT, AVAL (day 115) is flagged.
    assert out["ONTRTFL"].tolist() == ["", "", "Y", "Y", "Y", "Y", "", ""]
    assert out["ANL01FL"].tolist() == ["", "", "", "Y", "", "", "", ""]


def test_missing_order_values_sort_last_in_both_directions_when_asked():
    df = frame([("A", NA, 1), ("A", 5, 2), ("A", 3, 3)], ["G", "X", "SEQ"])
    # dplyr arrange(): NA last for X ascending and for desc(X) → mode "last" picks the NA record
    last = derive_var_extreme_flag(df, ["G"], ["X"], "FL", mode="last", na_position="last")
    assert last["FL"].tolist() == ["Y", "", ""]
    desc_first = derive_var_extreme_flag(df, ["G"], ["-X"], "FL", mode="first", na_position="last")
    assert desc_first["FL"].tolist() == ["", "Y", ""]
    # the library's older rule (default) keeps missing values first
    assert derive_var_extreme_flag(df, ["G"], ["X"], "FL", mode="last")["FL"].tolist() == ["", "Y", ""]


def test_sequence_numbers_put_missing_timepoints_and_dtype_last_when_asked():
    from sdtm_convert.adam.derive import derive_var_obs_number

    advs = frame([("01", "SYSBP", 100, 816, ""), ("01", "SYSBP", 100, NA, "AVERAGE"), ("01", "SYSBP", 100, 815, "")],
                 ["USUBJID", "PARAMCD", "ADT", "ATPTN", "DTYPE"])  # fmt: skip
    # ad_advs.R ASEQ order PARAMCD, ADT, AVISITN, VISITNUM, ATPTN, DTYPE: dplyr puts the missing ATPTN last
    out = derive_var_obs_number(advs, ["USUBJID"], ["PARAMCD", "ADT", "ATPTN", "DTYPE"], na_position="last")
    assert out["ASEQ"].tolist() == [2.0, 3.0, 1.0]
