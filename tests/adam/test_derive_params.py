"""Parameter records (MAP, BMI, BSA), BASETYPE records and the baseline flag per BASETYPE, as admiral's
ad_advs.R template derives them, on literal frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sdtm_convert.adam.derive import (
    compute_bsa,
    compute_map,
    derive_basetype_records,
    derive_param_bmi,
    derive_param_bsa,
    derive_param_computed,
    derive_param_map,
    derive_var_extreme_flag,
)
from sdtm_convert.errors import SdtmConvertError
from tests.adam.helpers import NA, assert_frames, frame

BY = ["USUBJID", "VISIT", "ADT", "ATPTN"]
VS = frame(
    [
        ("01", "BASELINE", 100, 816, "SYSBP", 120, "mmHg", ""),
        ("01", "BASELINE", 100, 816, "DIABP", 60, "mmHg", ""),
        ("01", "WEEK 2", 114, 816, "SYSBP", 130, "mmHg", ""),
        ("01", "WEEK 2", 114, 816, "DIABP", NA, "mmHg", "NOT DONE"),
        ("01", "SCREENING 1", 90, NA, "HEIGHT", 160, "cm", ""),
        ("01", "BASELINE", 100, NA, "WEIGHT", 64, "kg", ""),
        ("01", "WEEK 2", 114, NA, "WEIGHT", 62, "kg", ""),
    ],
    ["USUBJID", "VISIT", "ADT", "ATPTN", "PARAMCD", "AVAL", "AVALU", "VSSTAT"],
)
DONE = {"var": "VSSTAT", "op": "ne", "value": "NOT DONE"}


def test_map_is_two_diastolic_plus_systolic_over_three_where_both_exist():
    out = derive_param_map(VS, BY, DONE, set_values_to={"PARAMCD": "MAP"}, unit_var="AVALU")
    new = out.iloc[len(VS) :]
    # compute_map(): (2 * DIABP + SYSBP) / 3 = (120 + 120) / 3 = 80; WEEK 2 has no DIABP (NOT DONE
    # filtered out) → no record (admiral: a record only where "the source parameters are available")
    assert_frames(
        new[[*BY, "PARAMCD", "AVAL"]], frame([("01", "BASELINE", 100, 816, "MAP", 80.0)], [*BY, "PARAMCD", "AVAL"])
    )
    # only by_vars and set_values_to are populated in the new records (template comment)
    assert new["AVALU"].tolist() == [""]
    # with heart rate: DIABP + 0.01 * exp(4.14 - 40.74 / HR) * (SYSBP - DIABP)
    with_hr = compute_map(pd.Series([60.0]), pd.Series([120.0]), pd.Series([59.0]))
    assert with_hr.tolist() == pytest.approx([60 + 0.01 * math.exp(4.14 - 40.74 / 59) * (120 - 60)])


def test_bmi_and_bsa_use_the_once_measured_height_for_every_weight():
    by = ["USUBJID", "VISIT", "ADT"]
    bmi = derive_param_bmi(VS, by, DONE, constant_by_vars=["USUBJID"], unit_var="AVALU")
    new = bmi.iloc[len(VS) :]
    # derive_param_bmi(constant_by_vars = exprs(USUBJID)): HEIGHT (screening only) joins each WEIGHT;
    # BMI = weight / (height/100)^2 → 64 / 2.56 = 25, 62 / 2.56 = 24.21875
    assert new["VISIT"].tolist() == ["BASELINE", "WEEK 2"]
    assert new["AVAL"].tolist() == pytest.approx([25.0, 24.21875])
    assert new["PARAMCD"].tolist() == ["BMI", "BMI"]
    bsa = derive_param_bsa(VS, by, DONE, method="Mosteller", constant_by_vars=["USUBJID"]).iloc[len(VS) :]
    # Mosteller: sqrt(height * weight / 3600) = sqrt(160 * 64 / 3600)
    assert bsa["AVAL"].tolist() == pytest.approx([math.sqrt(160 * 64 / 3600), math.sqrt(160 * 62 / 3600)])
    dubois = compute_bsa(pd.Series([160.0]), pd.Series([64.0]), "DuBois-DuBois")
    assert dubois.tolist() == pytest.approx([0.007184 * 160**0.725 * 64**0.425])
    # without constant_by_vars HEIGHT must be at the same visit: no record at all
    assert len(derive_param_bmi(VS, by, DONE)) == len(VS)


def test_missing_source_value_gives_no_record_unless_kept():
    vs = VS.assign(VSSTAT="")  # the NOT DONE diastolic now passes the filter with AVAL missing
    out = derive_param_map(vs, BY)
    # keep_nas = FALSE (admiral default): the WEEK 2 group with a missing DIABP gets no record
    assert out.iloc[len(vs) :]["VISIT"].tolist() == ["BASELINE"]
    kept = derive_param_computed(
        vs, BY, parameters=["SYSBP", "DIABP"], set_values_to={"PARAMCD": "MAP"}, keep_nas=True,
        analysis_value=lambda w: compute_map(w["AVAL.DIABP"], w["AVAL.SYSBP"]),
    )  # fmt: skip
    assert kept.iloc[len(vs) :]["VISIT"].tolist() == ["BASELINE", "WEEK 2"]


def test_wrong_unit_is_a_clear_error():
    vs = VS.assign(AVALU=VS["AVALU"].where(VS["PARAMCD"] != "HEIGHT", "in"))
    with pytest.raises(SdtmConvertError, match="HEIGHT must be in cm, found in in AVALU"):
        derive_param_bmi(vs, ["USUBJID"], constant_by_vars=["USUBJID"], unit_var="AVALU")


BASETYPES = {
    "LAST: AFTER STANDING FOR 1 MINUTE": {"var": "ATPTN", "op": "eq", "value": 816},
    "LAST": {"var": "ATPTN", "op": "missing"},
}


def test_basetype_records_copy_each_matching_record_and_keep_the_rest():
    vs = frame(
        [("01", 816, "SYSBP"), ("01", NA, "WEIGHT"), ("01", 815, "SYSBP")], ["USUBJID", "ATPTN", "PARAMCD"]
    )
    out = derive_basetype_records(vs, basetypes=BASETYPES)
    # admiral: "all subsets are stacked. Records which do not match any condition are kept and
    # BASETYPE is set to NA" (here "")
    expected = frame(
        [
            ("01", 816, "SYSBP", "LAST: AFTER STANDING FOR 1 MINUTE"),
            ("01", NA, "WEIGHT", "LAST"),
            ("01", 815, "SYSBP", ""),
        ],
        ["USUBJID", "ATPTN", "PARAMCD", "BASETYPE"],
    )
    assert_frames(out, expected)
    both = derive_basetype_records(vs, basetypes={"A": {"var": "PARAMCD", "op": "eq", "value": "SYSBP"}, "B": None})
    assert both["BASETYPE"].tolist() == ["A", "A", "B", "B", "B"]


def test_baseline_is_the_last_nonmissing_value_on_or_before_first_dose_per_basetype():
    trtsdt = 100.0
    vs = frame(
        [
            ("01", "SYSBP", 816, 90, 1, 1, 118),  # screening
            ("01", "SYSBP", 816, 100, 3, 5, 121),  # BASELINE visit on the day of first dose
            ("01", "SYSBP", 816, 100, 3, 6, NA),  # same day, later sequence, value missing
            ("01", "SYSBP", 816, 101, 4, 7, 125),  # after first dose
            ("01", "WEIGHT", NA, 100, 3, 8, 64),
        ],
        ["USUBJID", "PARAMCD", "ATPTN", "ADT", "VISITNUM", "VSSEQ", "AVAL"],
    ).assign(TRTSDT=trtsdt, DTYPE="")
    out = derive_basetype_records(vs, basetypes=BASETYPES)
    pre = {
        "all": [
            {"var": "AVAL", "op": "present"},
            {"var": "ADT", "op": "le", "ref": "TRTSDT"},
            {"var": "BASETYPE", "op": "present"},
            {"var": "DTYPE", "op": "missing"},
        ]
    }
    out = derive_var_extreme_flag(out, ["USUBJID", "BASETYPE", "PARAMCD"], ["ADT", "VISITNUM", "VSSEQ"], "ABLFL", pre)
    # ad_advs.R: filter !is.na(AVAL) & ADT <= TRTSDT & !is.na(BASETYPE) & is.na(DTYPE), order ADT,
    # VISITNUM, VSSEQ, mode "last": the day-of-first-dose value 121 (VSSEQ 5), not the later missing
    # one (VSSEQ 6) nor the post-dose one; WEIGHT has its own BASETYPE "LAST" group.
    assert out.loc[out["ABLFL"] == "Y", ["PARAMCD", "VSSEQ", "BASETYPE"]].values.tolist() == [
        ["SYSBP", 5.0, "LAST: AFTER STANDING FOR 1 MINUTE"],
        ["WEIGHT", 8.0, "LAST"],
    ]


def test_average_records_summarise_every_visit_date_group_even_a_single_record():
    from sdtm_convert.adam.derive import derive_summary_records

    vs = frame(
        [("01", "SYSBP", "Week 2", 114, 120), ("01", "SYSBP", "Week 2", 114, 126), ("01", "SYSBP", "Week 2", 114, NA),
         ("01", "SYSBP", "", 120, 140)],
        ["USUBJID", "PARAMCD", "AVISIT", "ADT", "AVAL"],
    )  # fmt: skip
    out = derive_summary_records(
        vs, ["USUBJID", "PARAMCD", "AVISIT", "ADT"], {"var": "AVAL", "op": "present"}, set_values_to={"DTYPE": "AVERAGE"}
    )
    # ad_advs.R: derive_summary_records(filter_add = !is.na(AVAL), AVAL = mean(AVAL), DTYPE = "AVERAGE"):
    # Week 2 → mean(120, 126) = 123 (the missing value filtered out); the unscheduled record (AVISIT NA)
    # is a group of its own and gets its own average
    new = out.iloc[len(vs) :]
    assert new[["AVISIT", "AVAL", "DTYPE"]].values.tolist() == [["Week 2", 123.0, "AVERAGE"], ["", 140.0, "AVERAGE"]]
    assert out["DTYPE"].iloc[: len(vs)].tolist() == ["", "", "", ""]
