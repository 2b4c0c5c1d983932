"""Variables joined on conditions over both datasets (admiral derive_vars_joined), the exposure flag
(derive_var_merged_exist_flag) and AGEGR1's "Missing" group, as admiral's templates use them."""

from __future__ import annotations

import datetime as dt

import pytest

from sdtm_convert.adam.derive import (
    derive_var_merged_exist_flag,
    derive_vars_cat,
    derive_vars_joined,
    derive_vars_last_dose,
)
from sdtm_convert.errors import SdtmConvertError
from tests.adam.helpers import NA, assert_frames, frame

EX = frame(
    [
        ("01", 1, 100, 54, "XANOMELINE"),
        ("01", 2, 130, 81, "XANOMELINE"),
        ("01", 3, 160, 0, "XANOMELINE"),  # no dose: not a dosing record for LDOSEDTM
        ("02", 1, 100, 0, "PLACEBO"),
    ],
    ["USUBJID", "EXSEQ", "EXSTDTM", "EXDOSE", "EXTRT"],
)
DOSED = {"any": [{"var": "EXDOSE", "op": "gt", "value": 0}, {"var": "EXTRT", "op": "eq", "value": "PLACEBO"}]}


def test_last_dose_on_or_before_the_event_start():
    adae = frame([("01", 1, 90), ("01", 2, 130), ("01", 3, 170), ("02", 1, 120), ("03", 1, 100)], ["USUBJID", "AESEQ", "ASTDTM"])
    out = derive_vars_joined(
        adae, ["USUBJID"], ["EXSTDTM"], {"LDOSEDTM": "EXSTDTM"}, DOSED,
        dataset_add=EX, join_vars=["EXSTDTM"], filter_join={"var": "EXSTDTM", "op": "le", "ref": "ASTDTM"},
        mode="last",
    )  # fmt: skip
    # ad_adae.R: filter_add dose > 0 or placebo, filter_join EXSTDTM <= ASTDTM, order EXSTDTM, mode
    # "last": before any dose → NA; on the dose day → that dose; the zero dose (day 160) is skipped.
    expected = adae.assign(LDOSEDTM=[NA, 130, 130, 100, NA])
    assert_frames(out, expected)


def _sas_dtm(text: str) -> float:
    return (dt.datetime.fromisoformat(text) - dt.datetime(1960, 1, 1)).total_seconds()


EX_TEXT = frame(
    [
        ("01", "XANOMELINE", 54, "mg", "2014-01-01", "2014-01-14"),
        ("01", "XANOMELINE", 81, "mg", "2014-01-15", "2014-02-01"),
        ("01", "XANOMELINE", 0, "mg", "2014-02-02", "2014-02-20"),  # no dose and not placebo: not a dose
        ("02", "PLACEBO", 0, "mg", "2014-01-01", "2014-01-10"),
        ("02", "PLACEBO", 0, "mg", "2014-02", "2014-02-10"),  # partial start date: no single doses
    ],
    ["USUBJID", "EXTRT", "EXDOSE", "EXDOSU", "EXSTDTC", "EXENDTC"],
)


def test_last_dose_counts_one_dose_a_day_and_the_dose_of_the_event_day():
    starts = ["2013-12-31", "2014-01-14", "2014-01-15", "2014-02-10", "2014-01-20T10:00:00", "2014-01-05", "2014-02-05"]
    adae = frame([("01",)] * 5 + [("02",), ("02",), ("03",)], ["USUBJID"])
    adae["ASTDTM"] = [_sas_dtm(s) for s in starts] + [NA]
    out = derive_vars_last_dose(adae, DOSED, dataset_add=EX_TEXT, by_vars=["USUBJID"],
                                dose_vars={"DOSEON": "EXDOSE", "DOSEU": "EXDOSU"})
    # admiral ad_adae.R on create_single_dose_dataset(EX): before any dose → none; the last day of a record
    # and the first of the next are doses of their own record; after the last dose → that day, no dose on the
    # day; a start later than midnight → that day's dose date but no DOSEON (EXSTDTM <= ASTDTM <= EXENDTM on
    # the single dose at 00:00); a placebo dose of 0 counts; the partial-date record gives no dose; no start → none
    last = [NA, "2014-01-14", "2014-01-15", "2014-02-01", "2014-01-20", "2014-01-05", "2014-01-10", NA]
    assert out["LDOSEDTM"].fillna(-1).tolist() == [_sas_dtm(d) if isinstance(d, str) else -1 for d in last]
    assert out["DOSEON"].fillna(-1).tolist() == [-1, 54, 81, -1, -1, 0, -1, -1]
    assert out["DOSEU"].tolist() == ["", "mg", "mg", "", "", "mg", "", ""]


def test_clashing_join_variable_is_suffixed_and_several_matches_need_a_mode():
    bds = frame([("1", -7, 10), ("1", 1, 12), ("1", 8, 11), ("1", 15, 9), ("2", 13, 8)], ["USUBJID", "ADY", "AVAL"])
    out = derive_vars_joined(
        bds, ["USUBJID"], ["AVAL"], {"NADIR": "AVAL"}, {"var": "ADY", "op": "gt", "value": 0},
        dataset_add=bds, join_vars=["ADY"], filter_join={"var": "ADY.join", "op": "lt", "ref": "ADY"}, mode="first",
    )  # fmt: skip
    # admiral's own example (nadir before the record, post-baseline values only): 12, then min(12, 11)
    assert out["NADIR"].fillna(-1).tolist() == [-1, -1, 12, 11, -1]
    with pytest.raises(SdtmConvertError, match="more than one joined record"):
        derive_vars_joined(bds, ["USUBJID"], None, {"X": "AVAL"}, dataset_add=bds)


def test_safety_flag_is_y_for_a_dose_or_placebo_and_n_otherwise():
    dm = frame([("01",), ("02",), ("03",), ("04",)], ["USUBJID"])
    ex = frame([("01", 54, "XANOMELINE"), ("02", 0, "PLACEBO"), ("03", 0, "XANOMELINE")], ["USUBJID", "EXDOSE", "EXTRT"])
    out = derive_var_merged_exist_flag(
        dm, ["USUBJID"], "SAFFL", dataset_add=ex, condition=DOSED, false_value="N", missing_value="N"
    )
    # ad_adsl.R: condition EXDOSE > 0 | (EXDOSE == 0 & PLACEBO); false_value "N", missing_value "N"
    assert out["SAFFL"].tolist() == ["Y", "Y", "N", "N"]
    # admiral's defaults: false and missing values NA
    assert derive_var_merged_exist_flag(dm, ["USUBJID"], "SAFFL", dataset_add=ex, condition=DOSED)["SAFFL"].tolist() == [
        "Y",
        "Y",
        "",
        "",
    ]


def test_age_group_of_a_missing_age_is_missing_label():
    adsl = frame([(17,), (18,), (64,), (65,), (NA,)], ["AGE"])
    groups = [{"label": "<18", "max": 17}, {"label": "18-64", "min": 18, "max": 64}, {"label": ">64", "min": 65}]
    out = derive_vars_cat(adsl, "AGEGR1", source_var="AGE", groups=groups, missing_label="Missing")
    # ad_adsl.R format_agegr1: x < 18, between(x, 18, 64), x > 64, TRUE ~ "Missing"
    assert_frames(out, adsl.assign(AGEGR1=["<18", "18-64", "18-64", ">64", "Missing"]))
