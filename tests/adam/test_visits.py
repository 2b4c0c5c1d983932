"""Analysis windows, the ANL01FL rule (ties), non-responder imputation."""

from __future__ import annotations

from sdtm_convert.adam.derive import ANL01FL_RULES, derive_nri_records, derive_var_extreme_flag, derive_vars_avisit
from tests.adam.helpers import NA, assert_frames, frame

WINDOWS = frame(
    [("Week 2", 2, 15, 12, 18), ("Week 4", 4, 29, 26, 32)], ["AVISIT", "AVISITN", "AWTARGET", "AWLO", "AWHI"]
)


def test_avisit_from_relative_day():
    src = frame([(1,), (11,), (12,), (18,), (27,), (31,), (40,), (NA,)], ["ADY"])
    out = derive_vars_avisit(src, {"var": "ADY", "op": "gt", "value": 1}, windows=WINDOWS)
    exp = frame(
        [
            (1, "", NA, NA, NA, NA, NA, ""),
            (11, "", NA, NA, NA, NA, NA, ""),
            (12, "Week 2", 2, 15, 12, 18, 3, "DAYS"),
            (18, "Week 2", 2, 15, 12, 18, 3, "DAYS"),
            (27, "Week 4", 4, 29, 26, 32, 2, "DAYS"),
            (31, "Week 4", 4, 29, 26, 32, 2, "DAYS"),
            (40, "", NA, NA, NA, NA, NA, ""),
            (NA, "", NA, NA, NA, NA, NA, ""),
        ],
        ["ADY", "AVISIT", "AVISITN", "AWTARGET", "AWLO", "AWHI", "AWTDIFF", "AWU"],
    )
    assert_frames(out, exp)


def test_overlapping_windows_choose_the_nearest_target():
    wide = frame([("A", 1, 10, 0, 20), ("B", 2, 16, 5, 30)], ["AVISIT", "AVISITN", "AWTARGET", "AWLO", "AWHI"])
    out = derive_vars_avisit(frame([(12,), (14,), (13,)], ["ADY"]), windows=wide)
    assert out["AVISIT"].tolist() == ["A", "B", "A"]  # 13: equally near → lower AVISITN


def _anl(rule):
    src = frame(
        [
            ("S1", "Week 4", 4, 27, 2, 10.0, 5),
            ("S1", "Week 4", 4, 31, 2, 3.0, 9),  # tie in distance
            ("S1", "Week 4", 4, 30, 1, NA, 7),  # closest but missing value
            ("S2", "Week 4", 4, 29, 0, 8.0, 2),
            ("S2", "Week 4", 4, 29, 0, 7.0, 3),  # same day: SRCSEQ decides
        ],
        ["USUBJID", "AVISIT", "AVISITN", "ADT", "AWTDIFF", "AVAL", "SRCSEQ"],
    )
    cond = {"all": [{"var": "AVISIT", "op": "present"}, {"var": "AVAL", "op": "present"}]}
    return derive_var_extreme_flag(src, ["USUBJID", "AVISITN"], ANL01FL_RULES[rule], "ANL01FL", cond)[
        "ANL01FL"
    ].tolist()


def test_anl01fl_ties_inside_a_window_are_deterministic():
    assert _anl("closest_to_target_then_latest") == ["", "Y", "", "", "Y"]
    assert _anl("closest_to_target_then_earliest") == ["Y", "", "", "Y", ""]
    assert _anl("latest") == ["", "Y", "", "", "Y"]
    assert _anl("earliest") == ["Y", "", "", "Y", ""]


def test_nri_adds_records_for_missing_primary_visit_only():
    # S1 has a week-12 response; S2 has none after baseline (no post-baseline value at all); S3 has a
    # flagged week-12 record without a value (baseline 0): replaced by NRI; S4 is not in the population.
    bds = frame(
        [
            ("S1", "PASI75", "Week 12", 12, 1.0, "Y", "Y", ""),
            ("S3", "PASI75", "Week 12", 12, NA, "", "Y", ""),
        ],
        ["USUBJID", "PARAMCD", "AVISIT", "AVISITN", "AVAL", "AVALC", "ANL01FL", "DTYPE"],
    )
    adsl = frame([("S1", "Y", "A"), ("S2", "Y", "A"), ("S3", "Y", "A"), ("S4", "N", "A")], ["USUBJID", "FASFL", "TRTP"])
    out = derive_nri_records(
        bds,
        ["USUBJID"],
        {"var": "FASFL", "value": "Y"},
        dataset_ref=adsl,
        parameters={"PASI75": {"PARAM": "PASI 75"}},
        visit={"AVISIT": "Week 12", "AVISITN": 12},
        keep_vars=["TRTP"],
    )
    exp = frame(
        [
            ("S1", "PASI75", "Week 12", 12, 1.0, "Y", "Y", "", "", ""),
            ("S3", "PASI75", "Week 12", 12, NA, "", "", "", "", ""),
            ("S2", "PASI75", "Week 12", 12, 0.0, "N", "Y", "NRI", "A", "PASI 75"),
            ("S3", "PASI75", "Week 12", 12, 0.0, "N", "Y", "NRI", "A", "PASI 75"),
        ],
        ["USUBJID", "PARAMCD", "AVISIT", "AVISITN", "AVAL", "AVALC", "ANL01FL", "DTYPE", "TRTP", "PARAM"],
    )
    assert_frames(out, exp)
