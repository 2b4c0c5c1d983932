"""ISO 8601 → SAS dates with imputation, relative days, durations."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.adam.derive import (
    compute_dt,
    compute_dy,
    derive_var_trtdurd,
    derive_vars_dt,
    derive_vars_dtm,
    derive_vars_duration,
    derive_vars_dy,
)
from tests.adam.helpers import NA, assert_frames, frame

# SAS dates used below: 2022-03-01 = 22705, 2022-03-10 = 22714, 2022-03-15 = 22719, 2022-03-31 = 22735,
# 2022-01-01 = 22646, 2022-12-31 = 23010, 2022-06-30 = 22826, 2024-02-29 = 23435


def test_sas_date_epoch():
    dt, flag = compute_dt(pd.Series(["1960-01-01", "1959-12-31", "2022-03-15"]))
    assert dt.tolist() == [0.0, -1.0, 22719.0]
    assert flag.tolist() == ["", "", ""]


def test_partial_dates_first_last_mid_with_flags():
    src = frame(
        [("2022-03-15",), ("2022-03",), ("2022",), ("",), ("2022---15",), ("2024-02",), ("2022-03-15T10:30",)], ["DTC"]
    )
    out = derive_vars_dt(src, "A", dtc="DTC", highest_imputation="M", date_imputation="first")
    exp = frame(
        [
            ("2022-03-15", 22719, ""),
            ("2022-03", 22705, "D"),
            ("2022", 22646, "M"),
            ("", NA, ""),
            ("2022---15", 22646, "M"),
            ("2024-02", 23407, "D"),
            ("2022-03-15T10:30", 22719, ""),
        ],
        ["DTC", "ADT", "ADTF"],
    )
    assert_frames(out, exp)
    last = derive_vars_dt(src, "A", dtc="DTC", highest_imputation="M", date_imputation="last")
    assert last["ADT"].tolist()[:3] == [22719.0, 22735.0, 23010.0]
    assert last["ADT"].iloc[5] == 23435.0  # leap year: 2024-02-29
    mid = derive_vars_dt(src, "A", dtc="DTC", highest_imputation="M", date_imputation="mid")
    assert mid["ADT"].tolist()[:3] == [22719.0, 22719.0, 22826.0]  # 15th; 30 June


def test_highest_imputation_limits_what_is_imputed():
    src = frame([("2022-03-15",), ("2022-03",), ("2022",)], ["DTC"])
    none = derive_vars_dt(src, "A", dtc="DTC")
    assert_frames(none, frame([("2022-03-15", 22719), ("2022-03", NA), ("2022", NA)], ["DTC", "ADT"]))
    day = derive_vars_dt(src, "A", dtc="DTC", highest_imputation="D")
    assert_frames(
        day, frame([("2022-03-15", 22719, ""), ("2022-03", 22705, "D"), ("2022", NA, "")], ["DTC", "ADT", "ADTF"])
    )


def test_min_dates_raise_start_to_first_dose_in_same_month_and_max_dates_cap_at_end():
    # TRTSDT 2022-03-10 (22714). Row 1: start 2022-03 → first dose date. Row 2: end 2022-03-05 (22709) is
    # earlier than that → capped at the end. Row 3: first dose outside the possible range → 1st of month.
    src = frame(
        [("2022-03", 22714, 22716), ("2022-03", 22714, 22709), ("2022-04", 22714, NA), ("2022-03-02", 22714, 22716)],
        ["AESTDTC", "TRTSDT", "AENDT"],
    )
    out = derive_vars_dt(src, "AST", dtc="AESTDTC", highest_imputation="M", min_dates=["TRTSDT"], max_dates=["AENDT"])
    exp = frame(
        [
            ("2022-03", 22714, 22716, 22714, "D"),
            ("2022-03", 22714, 22709, 22709, "D"),
            ("2022-04", 22714, NA, 22736, "D"),
            ("2022-03-02", 22714, 22716, 22706, ""),
        ],
        ["AESTDTC", "TRTSDT", "AENDT", "ASTDT", "ASTDTF"],
    )
    assert_frames(out, exp)


def test_end_imputed_last_then_start_never_after_end():
    src = frame(
        [("2022-03", "2022-03", 22740), ("2022", "2022", 22714), ("2022-03", "2022-03-05", 22714)],
        ["AESTDTC", "AEENDTC", "TRTSDT"],
    )
    out = derive_vars_dt(src, "AEN", dtc="AEENDTC", highest_imputation="M", date_imputation="last")
    out = derive_vars_dt(out, "AST", dtc="AESTDTC", highest_imputation="M", min_dates=["TRTSDT"], max_dates=["AENDT"])
    assert (out["ASTDT"] <= out["AENDT"]).all()
    # first dose 2022-04-05 is outside March → 1st; year only → first dose; first dose after the end → end
    assert out["ASTDT"].tolist() == [22705.0, 22714.0, 22709.0]
    assert out["AENDT"].tolist() == [22735.0, 23010.0, 22709.0]
    assert out["ASTDTF"].tolist() == ["D", "M", "D"]


def test_invalid_dates_give_missing_and_an_issue():
    issues = []
    src = frame([("2022-02-30",), ("15/03/2022",), ("2022-13",)], ["DTC"])
    out = derive_vars_dt(src, "A", dtc="DTC", highest_imputation="M", issues=issues)
    assert out["ADT"].isna().all()
    assert [i.code for i in issues] == ["iso8601-invalid"] * 3


def test_input_not_mutated():
    src = frame([("2022-03",)], ["DTC"])
    before = src.copy()
    derive_vars_dt(src, "A", dtc="DTC", highest_imputation="M")
    assert_frames(src, before)


def test_study_day_has_no_day_zero():
    assert compute_dy(pd.Series([100.0] * 4), pd.Series([99.0, 100.0, 101.0, NA])).tolist()[:3] == [-1.0, 1.0, 2.0]
    src = frame([(22714, 22714, 22700), (22714, 22800, NA), (NA, 22800, 22800)], ["TRTSDT", "ASTDT", "AENDT"])
    out = derive_vars_dy(src, source_vars=["ASTDT", "AENDT"])
    exp = frame(
        [(22714, 22714, 22700, 1, -14), (22714, 22800, NA, 87, NA), (NA, 22800, 22800, NA, NA)],
        ["TRTSDT", "ASTDT", "AENDT", "ASTDY", "AENDY"],
    )
    assert_frames(out, exp)


def test_trtdurd_and_duration():
    src = frame([(22714, 22770), (22714, NA)], ["TRTSDT", "TRTEDT"])
    assert_frames(
        derive_var_trtdurd(src), frame([(22714, 22770, 57), (22714, NA, NA)], ["TRTSDT", "TRTEDT", "TRTDURD"])
    )
    ae = frame([(10, 12), (10, NA)], ["ASTDT", "AENDT"])
    assert_frames(
        derive_vars_duration(ae), frame([(10, 12, 3, "DAYS"), (10, NA, NA, "")], ["ASTDT", "AENDT", "ADURN", "ADURU"])
    )


def test_datetimes_with_time_imputation_flags():
    src = frame(
        [("1960-01-02T01:02:03",), ("2022-03-15T10:30",), ("2022-03-15T10",), ("2022-03-15",), ("2022-03",)], ["DTC"]
    )
    out = derive_vars_dtm(src, "A", dtc="DTC")
    day = 22719 * 86400.0
    exp = frame(
        [
            ("1960-01-02T01:02:03", 86400.0 + 3723, ""),
            ("2022-03-15T10:30", day + 37800, "S"),
            ("2022-03-15T10", day + 36000, "M"),
            ("2022-03-15", day, "H"),
            ("2022-03", NA, ""),
        ],
        ["DTC", "ADTM", "ATMF"],
    )
    assert_frames(out, exp)
    last = derive_vars_dtm(src, "A", dtc="DTC", time_imputation="last")
    assert last["ADTM"].iloc[3] == day + 86399
