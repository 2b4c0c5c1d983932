"""Record-level derivations, each alone on literal frames compared whole."""

from __future__ import annotations

import pandas as pd
import pytest

from sdtm_convert.adam.derive import (
    compute_pchg,
    compute_responder,
    derive_param_computed,
    derive_var_base,
    derive_var_chg,
    derive_var_extreme_flag,
    derive_var_obs_number,
    derive_var_ontrtfl,
    derive_var_pchg,
    derive_var_trtemfl,
    derive_vars_crit_flag,
    derive_vars_merged,
)
from sdtm_convert.errors import SdtmConvertError
from tests.adam.helpers import NA, assert_frames, frame


def test_merged_keeps_row_order_fills_unmatched_and_flags_existence():
    adsl = frame([("S2", "Y"), ("S1", "N")], ["USUBJID", "SAFFL"])
    ex = frame([("S1", 3, 100), ("S1", 1, 90), ("S1", 2, 95)], ["USUBJID", "EXSEQ", "EXSTDT"])
    out = derive_vars_merged(
        adsl, ["USUBJID"], ["EXSTDT", "EXSEQ"], {"TRTSDT": "EXSTDT"}, dataset_add=ex, mode="first", exist_flag="EXPOSED"
    )
    assert_frames(out, frame([("S2", "Y", NA, "N"), ("S1", "N", 90, "Y")], ["USUBJID", "SAFFL", "TRTSDT", "EXPOSED"]))
    last = derive_vars_merged(
        adsl,
        ["USUBJID"],
        ["EXSTDT"],
        {"TRTEDT": "EXSTDT"},
        {"var": "EXSEQ", "op": "le", "value": 2},
        dataset_add=ex,
        mode="last",
    )
    assert last["TRTEDT"].tolist()[1] == 95.0


def test_merged_requires_unique_add_without_mode():
    adsl = frame([("S1",)], ["USUBJID"])
    with pytest.raises(SdtmConvertError) as e:
        derive_vars_merged(
            adsl, ["USUBJID"], new_vars=["X"], dataset_add=frame([("S1", "a"), ("S1", "b")], ["USUBJID", "X"])
        )
    assert e.value.issue.code == "adam-merge-not-unique"


def test_merged_char_missing_is_empty_string():
    out = derive_vars_merged(
        frame([("S1",), ("S9",)], ["USUBJID"]),
        ["USUBJID"],
        new_vars=["TRTA"],
        dataset_add=frame([("S1", "UCMSC")], ["USUBJID", "TRTA"]),
    )
    assert_frames(out, frame([("S1", "UCMSC"), ("S9", "")], ["USUBJID", "TRTA"]))


def test_extreme_flag_baseline_is_last_non_missing_on_or_before_first_dose():
    src = frame(
        [
            ("S1", "PASI", 10, 11.0, 1),
            ("S1", "PASI", 12, 12.0, 2),
            ("S1", "PASI", 12, NA, 3),
            ("S1", "PASI", 20, 5.0, 4),
            ("S2", "PASI", 30, NA, 1),
            ("S2", "PASI", 40, 8.0, 2),  # S2: no non-missing value before first dose
        ],
        ["USUBJID", "PARAMCD", "ADT", "AVAL", "SRCSEQ"],
    ).assign(TRTSDT=[12.0] * 4 + [35.0] * 2)
    cond = {"all": [{"var": "AVAL", "op": "present"}, {"var": "ADT", "op": "le", "ref": "TRTSDT"}]}
    out = derive_var_extreme_flag(src, ["USUBJID", "PARAMCD"], ["ADT", "SRCSEQ"], "ABLFL", cond)
    assert_frames(out, src.assign(ABLFL=["", "Y", "", "", "", ""]))


def test_extreme_flag_does_not_sort_or_mutate_and_breaks_ties_by_order():
    src = frame([("S1", 2, 5), ("S1", 1, 5), ("S1", 1, 7)], ["USUBJID", "ADT", "SEQ"])
    before = src.copy()
    first = derive_var_extreme_flag(src, ["USUBJID"], ["ADT", "-SEQ"], "FL", mode="first")
    assert_frames(first, src.assign(FL=["", "", "Y"]))
    assert_frames(src, before)


def test_obs_number_keeps_row_order():
    src = frame([("S1", 3), ("S2", 1), ("S1", 1)], ["USUBJID", "ADT"])
    assert_frames(derive_var_obs_number(src, ["USUBJID"], ["ADT"]), src.assign(ASEQ=[2.0, 1.0, 1.0]))


def test_base_missing_zero_and_present():
    src = frame(
        [
            ("S1", "PASI", 12.0, "Y"),
            ("S1", "PASI", 3.0, ""),
            ("S2", "PASI", 0.0, "Y"),
            ("S2", "PASI", 1.0, ""),
            ("S3", "PASI", 4.0, ""),  # no baseline
        ],
        ["USUBJID", "PARAMCD", "AVAL", "ABLFL"],
    )
    out = derive_var_pchg(derive_var_chg(derive_var_base(src, ["USUBJID", "PARAMCD"]), decimals=1), decimals=1)
    exp = frame(
        [
            ("S1", "PASI", 12.0, "Y", 12.0, 0.0, 0.0),
            ("S1", "PASI", 3.0, "", 12.0, -9.0, -75.0),
            ("S2", "PASI", 0.0, "Y", 0.0, 0.0, NA),
            ("S2", "PASI", 1.0, "", 0.0, 1.0, NA),
            ("S3", "PASI", 4.0, "", NA, NA, NA),
        ],
        ["USUBJID", "PARAMCD", "AVAL", "ABLFL", "BASE", "CHG", "PCHG"],
    )
    assert_frames(out, exp)


def test_two_baseline_records_are_reported():
    issues = []
    src = frame([("S1", "P", 1.0, "Y"), ("S1", "P", 2.0, "Y")], ["USUBJID", "PARAMCD", "AVAL", "ABLFL"])
    out = derive_var_base(src, ["USUBJID", "PARAMCD"], issues=issues)
    assert out["BASE"].tolist() == [1.0, 1.0]
    assert [i.code for i in issues] == ["adam-baseline-not-unique"]


def test_change_in_tenths_is_exact():
    src = frame([(12.3, 4.1)], ["AVAL", "BASE"])
    assert derive_var_chg(src, decimals=1)["CHG"].iloc[0] == 8.2  # 12.3 − 4.1 = 8.200000000000001 in floats
    assert compute_pchg(pd.Series([0.3]), pd.Series([0.1]), decimals=1).iloc[0] == 200.0


@pytest.mark.parametrize(
    ("aval", "base", "k", "expected"),
    [
        (3.0, 12.0, 75, 1.0),  # exactly 75.0 %: a PASI75 response
        (3.1, 12.0, 75, 0.0),
        (0.3, 1.2, 75, 1.0),  # 0.3/1.2 in floats is 0.24999999999999997 → must still be 75 %
        (0.7, 2.8, 75, 1.0),
        (6.0, 12.0, 50, 1.0),
        (1.2, 12.0, 90, 1.0),  # exactly 90 %
        (0.0, 12.0, 100, 1.0),
        (0.1, 12.0, 100, 0.0),
        (13.0, 12.0, 50, 0.0),  # worse
        (NA, 12.0, 75, NA),  # missing value
        (3.0, NA, 75, NA),  # missing baseline
        (0.0, 0.0, 75, NA),  # zero baseline: not evaluable
    ],
)
def test_compute_responder_exact(aval, base, k, expected):
    out = compute_responder(pd.Series([aval]), pd.Series([base]), k).iloc[0]
    assert (pd.isna(out) and pd.isna(expected)) or out == expected


def test_crit_flag():
    src = frame([(-80.0,), (-10.0,), (NA,)], ["PCHG"])
    out = derive_vars_crit_flag(src, 1, condition={"var": "PCHG", "op": "le", "value": -75}, description="PCHG <= -75")
    exp = frame(
        [(-80.0, "PCHG <= -75", "Y", 1.0), (-10.0, "PCHG <= -75", "N", 0.0), (NA, "PCHG <= -75", "N", 0.0)],
        ["PCHG", "CRIT1", "CRIT1FL", "CRIT1FN"],
    )
    assert_frames(out, exp)
    scoped = derive_vars_crit_flag(
        src,
        2,
        {"var": "PCHG", "op": "present"},
        condition={"var": "PCHG", "op": "le", "value": -75},
        description="x",
        create_numeric_flag=False,
    )
    assert scoped["CRIT2FL"].tolist() == ["Y", "N", ""]


def test_param_computed_appends_records_from_several_parameters():
    src = frame(
        [("S1", "V1", "WEIGHT", 80.0), ("S1", "V1", "HEIGHT", 2.0), ("S1", "V2", "WEIGHT", 81.0)],
        ["USUBJID", "AVISIT", "PARAMCD", "AVAL"],
    )
    out = derive_param_computed(
        src,
        ["USUBJID", "AVISIT"],
        parameters=["WEIGHT", "HEIGHT"],
        analysis_value=lambda w: w["AVAL.WEIGHT"] / w["AVAL.HEIGHT"] ** 2,
        set_values_to={"PARAMCD": "BMI"},
    )
    exp = frame(
        [
            ("S1", "V1", "WEIGHT", 80.0),
            ("S1", "V1", "HEIGHT", 2.0),
            ("S1", "V2", "WEIGHT", 81.0),
            ("S1", "V1", "BMI", 20.0),
        ],
        ["USUBJID", "AVISIT", "PARAMCD", "AVAL"],
    )
    assert_frames(out, exp)


def test_trtemfl_window_and_missing_start():
    # TRTSDT 100, TRTEDT 156, window 28 → up to day 184
    src = frame(
        [(99, 120), (100, 101), (184, NA), (185, 190), (NA, NA), (NA, 90), (NA, 120)], ["ASTDT", "AENDT"]
    ).assign(TRTSDT=100.0, TRTEDT=156.0)
    out = derive_var_trtemfl(src, end_window=28)
    assert out["TRTEMFL"].tolist() == ["", "Y", "Y", "", "Y", "", "Y"]
    never = derive_var_trtemfl(src.assign(TRTSDT=NA), end_window=28)
    assert never["TRTEMFL"].tolist() == [""] * 7
    open_ended = derive_var_trtemfl(src)
    assert open_ended["TRTEMFL"].tolist()[3] == "Y"


def test_ontrtfl():
    src = frame([(99,), (100,), (160,), (161,)], ["ADT"]).assign(TRTSDT=100.0, TRTEDT=156.0)
    assert derive_var_ontrtfl(src, ref_end_window=4)["ONTRTFL"].tolist() == ["", "Y", "Y", ""]
