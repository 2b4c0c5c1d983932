"""BDS findings rules of admiral's ad_advs.R template: ANRIND, PCHG, analysis ratio, ONTRTFL with the
baseline pre-timepoint, on literal frames."""

from __future__ import annotations

from sdtm_convert.adam.derive import (
    derive_var_analysis_ratio,
    derive_var_anrind,
    derive_var_chg,
    derive_var_ontrtfl,
    derive_var_pchg,
    derive_var_trtemfl,
)
from tests.adam.helpers import NA, frame


def test_anrind_boundaries_and_one_sided_ranges():
    vs = frame(
        [
            (90.0, 90, 130),  # on the low limit → NORMAL (AVAL >= ANRLO and <= ANRHI)
            (130.0, 90, 130),  # on the high limit → NORMAL
            (89.9, 90, 130),  # below → LOW
            (130.1, 90, 130),  # above → HIGH
            (200.0, 90, NA),  # no high limit, AVAL >= ANRLO → NORMAL
            (10.0, NA, 80),  # no low limit, AVAL <= ANRHI → NORMAL
            (NA, 90, 130),  # no value → NA ("")
            (100.0, NA, NA),  # no range → NA ("")
            (0.1 + 0.2, 0.3, 1),  # 0.30000000000000004 equals 0.3 at 15 significant digits → NORMAL
        ],
        ["AVAL", "ANRLO", "ANRHI"],
    )
    out = derive_var_anrind(vs)
    assert out["ANRIND"].tolist() == ["NORMAL", "NORMAL", "LOW", "HIGH", "NORMAL", "NORMAL", "", "", "NORMAL"]


def test_anrind_with_a1_limits():
    vs = frame(
        [(50.0, 60, 100, 40, 110), (30.0, 60, 100, 40, 110), (105.0, 60, 100, 40, 110), (120.0, 60, 100, 40, 110)],
        ["AVAL", "ANRLO", "ANRHI", "A1LO", "A1HI"],
    )
    # use_a1hia1lo: LOW when AVAL < ANRLO and AVAL >= A1LO; LOW LOW when AVAL < A1LO; likewise HIGH
    out = derive_var_anrind(vs, use_a1hia1lo=True)
    assert out["ANRIND"].tolist() == ["LOW", "LOW LOW", "HIGH", "HIGH HIGH"]
    assert derive_var_anrind(vs)["ANRIND"].tolist() == ["LOW", "LOW", "HIGH", "HIGH"]


def test_pchg_divides_by_the_absolute_baseline():
    bds = frame([(-1.0, -2.0), (3.0, 2.0), (1.0, 0.0)], ["AVAL", "BASE"])
    # admiral derive_var_pchg(): PCHG = (AVAL - BASE) / abs(BASE) * 100; NA when BASE is 0
    out = derive_var_pchg(bds)
    assert out["PCHG"].fillna(-999).tolist() == [50.0, 50.0, -999]


def test_chg_and_pchg_restricted_to_post_baseline_visits():
    bds = frame(
        [
            (NA, 70.0, 80.0),  # screening (no analysis visit) → null
            (0.0, 80.0, 80.0),  # the baseline visit (AVISITN 0, the boundary) → null, not 0
            (2.0, 88.0, 80.0),  # week 2 → computed
            (99.0, 60.0, 80.0),  # End of Treatment (AVISITN 99) → computed
            (4.0, NA, 80.0),  # no value → null
        ],
        ["AVISITN", "AVAL", "BASE"],
    )
    post = {"var": "AVISITN", "op": "gt", "value": 0}
    # admiral's templates: restrict_derivation(derive_var_chg / derive_var_pchg, filter = AVISITN > 0)
    out = derive_var_pchg(derive_var_chg(bds, filter=post), filter=post)
    assert out["CHG"].fillna(-999).tolist() == [-999, -999, 8.0, -20.0, -999]
    assert out["PCHG"].fillna(-999).tolist() == [-999, -999, 10.0, -25.0, -999]
    # without a filter every record with a baseline gets one (the baseline's own change is 0)
    assert derive_var_chg(bds)["CHG"].fillna(-999).tolist() == [-10.0, 0.0, 8.0, -20.0, -999]


def test_analysis_ratio_is_missing_for_a_zero_denominator():
    out = derive_var_analysis_ratio(frame([(6.0, 3.0), (1.0, 0.0), (NA, 2.0)], ["AVAL", "BASE"]), "AVAL", "BASE")
    assert out["R2BASE"].fillna(-1).tolist() == [2.0, -1, -1]


def test_ontrtfl_baseline_visit_on_the_day_of_first_dose_is_not_on_treatment():
    advs = frame(
        [
            ("Baseline", 100, 100, 170),  # ADT = TRTSDT and AVISIT "Baseline" → pre-timepoint, not on treatment
            ("Week 2", 100, 100, 170),  # ADT = TRTSDT, other visit → Y
            ("Week 26", 200, 100, 170),  # after TRTEDT (window 0) → not on treatment
            ("Week 4", NA, 100, 170),  # missing ADT
        ],
        ["AVISIT", "ADT", "TRTSDT", "TRTEDT"],
    )
    pre = {"var": "AVISIT", "op": "eq", "value": "Baseline"}
    out = derive_var_ontrtfl(advs, filter_pre_timepoint=pre)
    assert out["ONTRTFL"].tolist() == ["", "Y", "", ""]
    # admiral rule 1: "start_date is missing and ref_start_date is non-missing" → "Y" (an option here),
    # then filter_pre_timepoint nulls the flagged records meeting it (a Baseline record without a date)
    missing = advs.assign(AVISIT=["Baseline", "Week 2", "Week 26", "Baseline"])
    assert derive_var_ontrtfl(advs, filter_pre_timepoint=pre, flag_missing_start=True)["ONTRTFL"].tolist()[3] == "Y"
    assert derive_var_ontrtfl(missing, filter_pre_timepoint=pre, flag_missing_start=True)["ONTRTFL"].tolist()[3] == ""


def test_trtemfl_is_null_when_the_event_ended_before_first_dose():
    adae = frame([(105.0, 95.0, 100.0, 170.0), (NA, 95.0, 100.0, 170.0)], ["ASTDT", "AENDT", "TRTSDT", "TRTEDT"])
    # derive_var_trtemfl(), first applicable case: "event before treatment: If end_date is before
    # trt_start_date (and end_date is not NA), it is set to NA" — even with a start on/after TRTSDT
    assert derive_var_trtemfl(adae, end_window=30)["TRTEMFL"].tolist() == ["", ""]
