"""Each registered ADaM step run as a spec runs it (``Step.run(ctx, params)``) on a literal frame.

``CASES`` names every step: the contract test (test_step_contract.py) checks that none is left out. The
psoriasis study's coarse steps run on the hand-made study of conftest.py."""

from __future__ import annotations

import numpy as np
import pytest

from sdtm_convert.adam.steps import STEPS, StepContext
from sdtm_convert.spec.study import study_from_dict
from tests.adam.conftest import STUDY_DICT, ae, dm, ds, ex, qs
from tests.adam.helpers import assert_frames, frame

NA = np.nan
D = 22719.0  # 2022-03-15 as a SAS date


def run(name, working, params, adam=None, sdtm=None, study=None):
    ctx = StepContext("ADXX", working, sdtm or {}, adam or {}, study, [])
    out = STEPS[name].run(ctx, params)
    assert ctx.issues == []
    return out


def _sdtm():
    return {"DM": dm(), "EX": ex(), "DS": ds(), "QS": qs(), "AE": ae()}


def test_derive_vars_merged_copies_and_renames_from_a_source_dataset():
    adsl = frame([("S", "1", "A", 1), ("S", "2", "B", 2)], ["STUDYID", "USUBJID", "TRT01A", "TRT01AN"])
    ae_ = frame([("S", "2", "HEADACHE"), ("S", "1", "RASH"), ("S", "2", "NAUSEA")], ["STUDYID", "USUBJID", "AETERM"])
    out = run("derive_vars_merged", ae_, {"dataset_add": "ADSL", "new_vars": {"TRTA": "TRT01A", "TRTAN": "TRT01AN"}},
              adam={"ADSL": adsl})
    assert_frames(out, frame([("S", "2", "HEADACHE", "B", 2), ("S", "1", "RASH", "A", 1), ("S", "2", "NAUSEA", "B", 2)],
                             ["STUDYID", "USUBJID", "AETERM", "TRTA", "TRTAN"]))


def test_derive_vars_merged_first_record_of_an_sdtm_domain_by_order():
    adsl = frame([("S", "1")], ["STUDYID", "USUBJID"])
    ex_ = frame([("S", "1", 20.0, 2), ("S", "1", 10.0, 1)], ["STUDYID", "USUBJID", "EXSTDT", "EXSEQ"])
    out = run("derive_vars_merged", adsl, {"dataset_add": "EX", "new_vars": {"TRTSDT": "EXSTDT"}, "order": ["EXSTDT"],
                                           "mode": "first"}, sdtm={"EX": ex_})
    assert_frames(out, frame([("S", "1", 10.0)], ["STUDYID", "USUBJID", "TRTSDT"]))


def test_derive_vars_dt_partial_start_in_the_month_of_first_dose_is_raised_to_it():
    ae_ = frame([("1", "2022-03", D), ("2", "2022-03-15", NA), ("3", "2022", NA)], ["USUBJID", "AESTDTC", "TRTSDT"])
    out = run("derive_vars_dt", ae_, {"new_vars_prefix": "AST", "dtc": "AESTDTC", "highest_imputation": "M",
                                      "date_imputation": "first", "min_dates": ["TRTSDT"]})
    assert_frames(out, frame([("1", "2022-03", D, D, "D"), ("2", "2022-03-15", NA, D, ""),
                              ("3", "2022", NA, D - 73, "M")], ["USUBJID", "AESTDTC", "TRTSDT", "ASTDT", "ASTDTF"]))


def test_derive_vars_dy_has_no_day_zero():
    out = run("derive_vars_dy", frame([(100.0, 99.0), (100.0, 100.0), (100.0, 105.0)], ["TRTSDT", "ASTDT"]),
              {"reference_date": "TRTSDT", "source_vars": ["ASTDT"]})
    assert_frames(out, frame([(100.0, 99.0, -1), (100.0, 100.0, 1), (100.0, 105.0, 6)], ["TRTSDT", "ASTDT", "ASTDY"]))


def test_derive_vars_duration_counts_both_ends():
    out = run("derive_vars_duration", frame([(100.0, 104.0), (100.0, NA)], ["ASTDT", "AENDT"]), {})
    assert_frames(out, frame([(100.0, 104.0, 5.0, "DAYS"), (100.0, NA, NA, "")], ["ASTDT", "AENDT", "ADURN", "ADURU"]))


def test_derive_var_trtdurd():
    out = run("derive_var_trtdurd", frame([(100.0, 109.0), (100.0, NA)], ["TRTSDT", "TRTEDT"]), {})
    assert_frames(out, frame([(100.0, 109.0, 10.0), (100.0, NA, NA)], ["TRTSDT", "TRTEDT", "TRTDURD"]))


def test_derive_var_trtemfl_window_after_last_dose_and_ae_before_treatment():
    ae_ = frame([(99.0, 101.0), (105.0, NA), (138.0, NA), (139.0, NA), (NA, NA)], ["ASTDT", "AENDT"])
    ae_ = ae_.assign(TRTSDT=100.0, TRTEDT=110.0)
    out = run("derive_var_trtemfl", ae_, {"end_window": 28})
    assert list(out["TRTEMFL"]) == ["", "Y", "Y", "", "Y"]


def test_derive_var_extreme_flag_first_teae_per_subject():
    ae_ = frame([("1", 5.0, 1, "Y"), ("1", 3.0, 2, "Y"), ("1", 1.0, 3, ""), ("2", 7.0, 1, "Y")],
                ["USUBJID", "ASTDT", "AESEQ", "TRTEMFL"])
    out = run("derive_var_extreme_flag", ae_, {"by_vars": ["USUBJID"], "order": ["ASTDT", "AESEQ"], "new_var": "AOCCFL",
                                               "filter": {"var": "TRTEMFL", "op": "eq", "value": "Y"}, "mode": "first"})
    assert list(out["AOCCFL"]) == ["", "Y", "", "Y"]


def test_derive_var_extreme_flag_descending_order_closest_to_target():
    bds = frame([("1", 3.0, 10.0), ("1", 1.0, 11.0), ("1", 1.0, 12.0)], ["USUBJID", "AWTDIFF", "ADT"])
    out = run("derive_var_extreme_flag", bds, {"by_vars": ["USUBJID"], "order": ["-AWTDIFF", "ADT"],
                                               "new_var": "ANL01FL", "mode": "last"})
    assert list(out["ANL01FL"]) == ["", "", "Y"]  # the smallest AWTDIFF, then the latest date
    assert STEPS["derive_var_extreme_flag"].reads_of({"by_vars": ["USUBJID"], "order": ["-AWTDIFF"],
                                                      "new_var": "ANL01FL"}) == ("USUBJID", "AWTDIFF")


def test_derive_var_obs_number_within_subject():
    bds = frame([("1", 2.0), ("1", 1.0), ("2", 1.0)], ["USUBJID", "PARAMN"])
    out = run("derive_var_obs_number", bds, {"by_vars": ["USUBJID"], "order": ["PARAMN"], "new_var": "ASEQ"})
    assert list(out["ASEQ"]) == [2.0, 1.0, 1.0]


def test_derive_vars_cat_inclusive_bounds_and_out_of_range():
    out = run("derive_vars_cat", frame([(18.0,), (40.0,), (41.0,), (70.0,), (NA,)], ["AGE"]),
              {"new_var": "AGEGR1", "source_var": "AGE", "numeric_var": "AGEGR1N",
               "groups": [{"label": "18-40", "min": 18, "max": 40}, {"label": "41-65", "min": 41, "max": 65}]})
    assert_frames(out, frame([(18.0, "18-40", 1.0), (40.0, "18-40", 1.0), (41.0, "41-65", 2.0), (70.0, "", NA),
                              (NA, "", NA)], ["AGE", "AGEGR1", "AGEGR1N"]))


def test_derive_nri_records_imputes_a_missing_response_of_the_population_only():
    cols = ["STUDYID", "USUBJID", "PARAMCD", "AVISIT", "AVISITN", "AVAL", "AVALC", "ANL01FL", "DTYPE"]
    bds = frame([("S", "1", "PASI50", "Week 12", 12.0, 1.0, "Y", "Y", "")], cols)
    adsl = frame([("S", "1", "Y", "A"), ("S", "2", "Y", "A"), ("S", "3", "N", "A")],
                 ["STUDYID", "USUBJID", "FASFL", "TRT01P"])
    out = run("derive_nri_records", bds, {"dataset_ref": "ADSL", "filter": {"var": "FASFL", "op": "eq", "value": "Y"},
                                          "parameters": {"PASI50": {"PARAM": "PASI 50", "PARAMN": 150.0}},
                                          "visit": {"AVISIT": "Week 12", "AVISITN": 12.0}, "keep_vars": ["TRTP"],
                                          "rename": {"TRTP": "TRT01P"}}, adam={"ADSL": adsl})
    assert_frames(out, frame([("S", "1", "PASI50", "Week 12", 12.0, 1.0, "Y", "Y", "", "", "", NA),
                              ("S", "2", "PASI50", "Week 12", 12.0, 0.0, "N", "Y", "NRI", "A", "PASI 50", 150.0)],
                             [*cols, "TRTP", "PARAM", "PARAMN"]))


# --- the psoriasis study's steps, on the hand-made study (tests/adam/conftest.py) ---------------------

@pytest.fixture(scope="module")
def study():
    return study_from_dict(STUDY_DICT)


@pytest.fixture(scope="module")
def adsl(study):
    core = run("adsl_core", None, {"treatment_numbers": {"UCMSC 2x10^6 cells/kg IV": 1}}, sdtm=_sdtm(), study=study)
    return run("pasi_availability", core, {}, sdtm=_sdtm(), study=study)


def test_adsl_core_makes_one_record_per_dm_subject_with_treatment_and_disposition(adsl):
    got = adsl[["USUBJID", "TRT01PN", "NINFUS", "ALLINFFL", "EOSSTT", "DCSREAS"]]
    assert_frames(got, frame([("NCT03745417-001", 1.0, 5.0, "Y", "COMPLETED", ""),
                              ("NCT03745417-002", 1.0, 2.0, "N", "DISCONTINUED", "ADVERSE EVENT"),
                              ("NCT03745417-003", NA, 0.0, "N", "", ""),
                              ("NCT03745417-004", 1.0, 5.0, "Y", "COMPLETED", ""),
                              ("NCT03745417-005", 1.0, 5.0, "Y", "COMPLETED", "")], list(got.columns)))


def test_adsl_core_assigned_subjects_only_drops_the_screen_failure(study):
    core = run("adsl_core", None, {"adsl_subjects": "assigned"}, sdtm=_sdtm(), study=study)
    assert "NCT03745417-003" not in set(core["USUBJID"]) and len(core) == 4


def test_pasi_availability_flags_baseline_post_baseline_and_primary_visit(adsl):
    got = adsl[["USUBJID", "BLPASIFL", "PBPASIFL", "PVPASIFL"]]
    assert_frames(got, frame([("NCT03745417-001", "Y", "Y", "Y"), ("NCT03745417-002", "Y", "Y", "N"),
                              ("NCT03745417-003", "N", "N", "N"), ("NCT03745417-004", "Y", "Y", "Y"),
                              ("NCT03745417-005", "Y", "Y", "Y")], list(got.columns)))


def test_populations_in_the_step_order_with_rules_and_conditions(adsl, study):
    pops = {"SAFFL": "received_any_treatment",
            "FASFL": {"label": "full", "where": {"all": [{"var": "SAFFL", "op": "eq", "value": "Y"},
                                                         {"rule": "has_baseline_and_postbaseline_pasi"}]}}}
    out = run("populations", adsl, {"populations": pops}, study=study)
    assert list(out.columns[-2:]) == ["SAFFL", "FASFL"]
    assert list(out["SAFFL"]) == ["Y", "Y", "N", "Y", "Y"] and list(out["FASFL"]) == ["Y", "Y", "N", "Y", "Y"]


@pytest.fixture(scope="module")
def pasi(adsl, study):
    return run("pasi_records", None, {}, sdtm=_sdtm(), adam={"ADSL": adsl}, study=study)


def test_pasi_records_baseline_and_change_of_the_total(pasi):
    total = pasi[(pasi["USUBJID"] == "NCT03745417-004") & (pasi["PARAMCD"] == "PASI") & (pasi["ANL01FL"] == "Y")]
    got = total[["AVISIT", "AVAL", "BASE", "CHG", "PCHG", "ABLFL"]]
    assert_frames(got.tail(1), frame([("Week 12", 3.0, 12.0, -9.0, -75.0, "")], list(got.columns)))
    assert list(total["ABLFL"])[0] == "Y" and list(total["AVISIT"])[0] == "Baseline"


def test_pasi_improvement_and_responders_are_computed_from_the_total(pasi):
    out = run("derive_param_pasi_response", run("derive_param_pasiimp", pasi, {}), {"thresholds": [75]})
    wk12 = out[(out["USUBJID"] == "NCT03745417-004") & (out["AVISITN"] == 12.0) & (out["ANL01FL"] == "Y")]
    got = wk12.set_index("PARAMCD").loc[["PASIIMP", "PASI75"], ["AVAL", "AVALC", "PARCAT1"]].reset_index()
    assert_frames(got, frame([("PASIIMP", 75.0, "", "PASI"), ("PASI75", 1.0, "Y", "PASI RESPONSE")], list(got.columns)))


def test_ae_records_keep_the_adsl_subjects_with_the_optional_variables(adsl):
    adsl2 = adsl[adsl["USUBJID"] != "NCT03745417-005"]
    out = run("ae_records", None, {}, sdtm=_sdtm(), adam={"ADSL": adsl2})
    assert "NCT03745417-005" not in set(out["USUBJID"]) and len(out) > 0
    assert list(out.columns[:3]) == ["STUDYID", "USUBJID", "AESEQ"] and {"AEOUT", "AEACN"} <= set(out.columns)


# --- the generic and BDS steps (steps/bds.py) ---------------------------------------------------------

VS = frame([("S", "1", "SYSBP", 120.0), ("S", "1", "DIABP", 80.0), ("S", "2", "SYSBP", 130.0), ("S", "3", "SYSBP", 140.0)],
           ["STUDYID", "USUBJID", "VSTESTCD", "VSSTRESN"])


def test_sdtm_records_keep_filter_and_subjects_of_adsl_with_an_absent_variable_empty():
    adsl = frame([("S", "1"), ("S", "2")], ["STUDYID", "USUBJID"])
    ctx = StepContext("ADVS", None, {"VS": VS}, {"ADSL": adsl}, None, [])
    out = STEPS["sdtm_records"].run(ctx, {"dataset": "VS", "keep": ["USUBJID", "VSTESTCD", "VSSTRESN", "VSPOS"],
                                          "filter": {"var": "VSTESTCD", "op": "eq", "value": "SYSBP"},
                                          "subjects_in": "ADSL"})
    assert_frames(out, frame([("1", "SYSBP", 120.0, ""), ("2", "SYSBP", 130.0, "")],
                             ["USUBJID", "VSTESTCD", "VSSTRESN", "VSPOS"]))
    assert [i.code for i in ctx.issues] == ["adam-input-missing"]  # VSPOS named, not fatal


def test_copy_vars_and_map_values_numeric_and_text():
    adsl = frame([("Placebo",), ("Xanomeline High Dose",), ("Screen Failure",)], ["ARM"])
    out = run("copy_vars", adsl, {"vars": {"TRT01P": "ARM"}})
    out = run("map_values", out, {"source_var": "TRT01P", "new_var": "TRT01PN", "numeric": True,
                                  "values": {"Placebo": 0, "Xanomeline High Dose": 81}})
    out = run("map_values", out, {"source_var": "ARM", "new_var": "ARMGR", "values": {"Placebo": "PBO"}})
    assert_frames(out, frame([("Placebo", "Placebo", 0.0, "PBO"), ("Xanomeline High Dose", "Xanomeline High Dose", 81.0, ""),
                              ("Screen Failure", "Screen Failure", NA, "")], ["ARM", "TRT01P", "TRT01PN", "ARMGR"]))


def test_derive_var_flag_yes_no():
    out = run("derive_var_flag", frame([(1.0,), (0.0,)], ["NDOSE"]),
              {"new_var": "SAFFL", "condition": {"var": "NDOSE", "op": "ge", "value": 1}})
    assert list(out["SAFFL"]) == ["Y", "N"]


def test_derive_vars_dtm_imputes_missing_time_and_flags_it():
    out = run("derive_vars_dtm", frame([("2022-03-15T10:30",), ("2022-03-15",), ("",)], ["EXSTDTC"]),
              {"new_vars_prefix": "TRTS", "dtc": "EXSTDTC"})
    day = D * 86400.0
    assert_frames(out, frame([("2022-03-15T10:30", day + 37800.0, "S"), ("2022-03-15", day, "H"), ("", NA, "")],
                             ["EXSTDTC", "TRTSDTM", "TRTSTMF"]))


def test_derive_var_merged_summary_counts_zero_for_none():
    adsl = frame([("S", "1"), ("S", "2")], ["STUDYID", "USUBJID"])
    out = run("derive_var_merged_summary", adsl, {"dataset_add": "EX", "new_var": "NDOSE"},
              sdtm={"EX": frame([("S", "1"), ("S", "1")], ["STUDYID", "USUBJID"])})
    assert list(out["NDOSE"]) == [2.0, 0.0]


BDS = frame([("1", "SYSBP", -2.0, 120.0, ""), ("1", "SYSBP", 1.0, 125.0, "Y"), ("1", "SYSBP", 15.0, 110.0, ""),
             ("1", "SYSBP", 100.0, 118.0, "")], ["USUBJID", "PARAMCD", "ADY", "AVAL", "ABLFL"])


def test_derive_vars_avisit_a_visit_outside_every_window_has_no_avisit():
    out = run("derive_vars_avisit", BDS, {"windows": [{"AVISIT": "Week 2", "AVISITN": 2, "AWTARGET": 15, "AWLO": 8,
                                                        "AWHI": 21}], "filter": {"var": "ADY", "op": "gt", "value": 1}})
    got = out[["ADY", "AVISIT", "AVISITN", "AWTDIFF", "AWU"]]
    assert_frames(got, frame([(-2.0, "", NA, NA, ""), (1.0, "", NA, NA, ""), (15.0, "Week 2", 2.0, 0.0, "DAYS"),
                              (100.0, "", NA, NA, "")], list(got.columns)))


def test_derive_var_base_chg_pchg_from_the_baseline_on_the_day_of_first_dose():
    out = run("derive_var_base", BDS, {"by_vars": ["USUBJID", "PARAMCD"]})
    out = run("derive_var_pchg", run("derive_var_chg", out, {}), {})
    got = out[["ADY", "BASE", "CHG", "PCHG"]]
    assert_frames(got, frame([(-2.0, 125.0, -5.0, -4.0), (1.0, 125.0, 0.0, 0.0), (15.0, 125.0, -15.0, -12.0),
                              (100.0, 125.0, -7.0, -5.6)], list(got.columns)))


def test_derive_vars_crit_flag_in_scope_only():
    out = run("derive_vars_crit_flag", BDS, {"condition": {"var": "AVAL", "op": "ge", "value": 120},
                                             "description": "SYSBP >= 120", "filter": {"var": "ADY", "op": "gt", "value": 0}})
    got = out[["CRIT1", "CRIT1FL", "CRIT1FN"]]
    assert_frames(got, frame([("", "", NA), ("SYSBP >= 120", "Y", 1.0), ("SYSBP >= 120", "N", 0.0),
                              ("SYSBP >= 120", "N", 0.0)], list(got.columns)))


def test_derive_var_ontrtfl_window_after_the_last_dose():
    bds = frame([(99.0,), (100.0,), (112.0,), (113.0,)], ["ADT"]).assign(TRTSDT=100.0, TRTEDT=110.0)
    out = run("derive_var_ontrtfl", bds, {"ref_end_window": 2})
    assert list(out["ONTRTFL"]) == ["", "Y", "Y", ""]


def test_set_values_baseline_visit_and_null_change_off_post_baseline():
    bds = frame([(1.0, 1.0, "Y", "", NA, 0.0), (15.0, 1.0, "", "Week 2", 2.0, -3.0)],
                ["ADT", "TRTSDT", "ABLFL", "AVISIT", "AVISITN", "CHG"])
    out = run("set_values", bds, {"condition": {"var": "ABLFL", "op": "eq", "value": "Y"},
                                  "values": {"AVISIT": "Baseline", "AVISITN": 0.0}})
    out = run("set_values", out, {"condition": {"not": {"var": "ADT", "op": "gt", "ref": "TRTSDT"}},
                                  "values": {"CHG": None}})
    assert_frames(out, frame([(1.0, 1.0, "Y", "Baseline", 0.0, NA), (15.0, 1.0, "", "Week 2", 2.0, -3.0)],
                             list(bds.columns)))


CASES = {
    "derive_vars_merged", "derive_vars_dt", "derive_vars_dy", "derive_vars_duration", "derive_var_trtdurd",
    "derive_var_trtemfl", "derive_var_extreme_flag", "derive_var_obs_number", "derive_vars_cat", "derive_nri_records",
    "adsl_core", "pasi_availability", "populations", "pasi_records", "derive_param_pasiimp",
    "derive_param_pasi_response", "ae_records",
    "sdtm_records", "copy_vars", "map_values", "derive_var_flag", "derive_vars_dtm", "derive_var_merged_summary",
    "derive_vars_avisit", "derive_var_base", "derive_var_chg", "derive_var_pchg", "derive_vars_crit_flag",
    "derive_var_ontrtfl", "set_values",
}
