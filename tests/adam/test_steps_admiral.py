"""The steps wrapping the rest of the admiral-style library (events.py, occds.py, findings.py) and the
admiral options of the older steps, each run as a spec runs it on a literal frame. ``CASES`` names them
for the contract test (test_step_contract.py)."""

from __future__ import annotations

import numpy as np

from sdtm_convert.adam.steps import STEPS, StepContext
from tests.adam.helpers import assert_frames, frame

NA = np.nan
D = 22719.0  # 2022-03-15 as a SAS date


def run(name, working, params, adam=None, sdtm=None, dataset="ADXX"):
    ctx = StepContext(dataset, working, sdtm or {}, adam or {}, None, [])
    out = STEPS[name].run(ctx, params)
    assert ctx.issues == []
    return out


def _subjects(*ids):
    return frame([("S", i) for i in ids], ["STUDYID", "USUBJID"])


def test_extreme_event_takes_the_death_cause_from_the_first_of_ds_and_ae():
    ds = frame([("S", "1", "DEATH", "2022-03-20", 1), ("S", "2", "COMPLETED", "2022-04-01", 1)],
               ["STUDYID", "USUBJID", "DSDECOD", "DSSTDTC", "DSSEQ"])
    ae = frame([("S", "1", "MYOCARDIAL INFARCTION", "FATAL", "2022-03-18", 3),
                ("S", "3", "STROKE", "FATAL", "2022-03", 1)],
               ["STUDYID", "USUBJID", "AEDECOD", "AEOUT", "AEENDTC", "AESEQ"])
    params = {"by_vars": ["STUDYID", "USUBJID"], "order": ["DTHDT", "EVENT_NR"], "mode": "first",
              "new_vars": ["DTHCAUS", "DTHDT"],
              "events": [{"dataset_name": "DS", "condition": {"var": "DSDECOD", "op": "eq", "value": "DEATH"},
                          "set_values_to": {"DTHCAUS": {"var": "DSDECOD"}, "DTHDT": {"dtc": "DSSTDTC"}}},
                         {"dataset_name": "AE", "condition": {"var": "AEOUT", "op": "eq", "value": "FATAL"},
                          "set_values_to": {"DTHCAUS": {"var": "AEDECOD"},
                                            "DTHDT": {"dtc": "AEENDTC", "highest_imputation": "M"}}}]}
    out = run("derive_vars_extreme_event", _subjects("1", "2", "3"), params, sdtm={"DS": ds, "AE": ae})
    assert_frames(out, frame([("S", "1", "MYOCARDIAL INFARCTION", D + 3), ("S", "2", "", NA),
                              ("S", "3", "STROKE", D - 14)], ["STUDYID", "USUBJID", "DTHCAUS", "DTHDT"]))


def test_extreme_event_reads_the_dataset_being_built_by_its_name():
    adsl = frame([("S", "1", D), ("S", "2", NA)], ["STUDYID", "USUBJID", "TRTEDT"])
    lb = frame([("S", "1", "2022-03-16"), ("S", "2", "2022-03-10")], ["STUDYID", "USUBJID", "LBDTC"])
    params = {"order": ["LSTALVDT"], "mode": "last", "new_vars": ["LSTALVDT"],
              "events": [{"dataset_name": "LB", "set_values_to": {"LSTALVDT": {"dtc": "LBDTC"}}},
                         {"dataset_name": "ADSL", "condition": {"var": "TRTEDT", "op": "not_empty"},
                          "set_values_to": {"LSTALVDT": {"var": "TRTEDT"}}}]}
    out = run("derive_vars_extreme_event", adsl, params, sdtm={"LB": lb}, dataset="ADSL")
    assert list(out["LSTALVDT"]) == [D + 1, D - 5]


def test_extreme_dt_is_the_latest_date_over_sources():
    ae = frame([("S", "1", "2022-03-17"), ("S", "1", "")], ["STUDYID", "USUBJID", "AESTDTC"])
    adsl = frame([("S", "1", D), ("S", "2", D - 1)], ["STUDYID", "USUBJID", "TRTEDT"])
    out = run("derive_var_extreme_dt", adsl, {"new_var": "LSTALVDT", "mode": "last", "sources": [
        {"dataset_name": "AE", "date": {"dtc": "AESTDTC"}}, {"dataset_name": "ADSL", "date": {"var": "TRTEDT"}}]},
        sdtm={"AE": ae}, dataset="ADSL")
    assert list(out["LSTALVDT"]) == [D + 2, D - 1]


def test_merged_exist_flag_is_saffl_from_valid_doses():
    ex = frame([("S", "1", 54.0, "XANOMELINE"), ("S", "2", 0.0, "PLACEBO"), ("S", "3", 0.0, "XANOMELINE")],
               ["STUDYID", "USUBJID", "EXDOSE", "EXTRT"])
    valid = {"any": [{"var": "EXDOSE", "op": "gt", "value": 0},
                     {"all": [{"var": "EXDOSE", "op": "eq", "value": 0},
                              {"var": "EXTRT", "op": "matches", "value": ".*PLACEBO.*"}]}]}
    out = run("derive_var_merged_exist_flag", _subjects("1", "2", "3", "4"),
              {"dataset_add": "EX", "new_var": "SAFFL", "condition": valid, "false_value": "N", "missing_value": "N"},
              sdtm={"EX": ex})
    assert list(out["SAFFL"]) == ["Y", "Y", "N", "N"]


def test_dtm_to_dt_is_the_day_of_the_datetime():
    out = run("derive_vars_dtm_to_dt", frame([(D * 86400 + 86399,), (NA,)], ["TRTSDTM"]), {"source_vars": ["TRTSDTM"]})
    assert_frames(out, frame([(D * 86400 + 86399, D), (NA, NA)], ["TRTSDTM", "TRTSDT"]))


def test_dtm_with_date_imputation_is_raised_to_first_dose_and_capped_at_death():
    ae = frame([("2022-03", D, D + 10), ("2022-03", D, D - 3), ("2022-03-16T10:30", D, NA)],
               ["AESTDTC", "TRTSDT", "DTHDT"])
    out = run("derive_vars_dtm", ae, {"new_vars_prefix": "AST", "dtc": "AESTDTC", "highest_imputation": "M",
                                      "min_dates": ["TRTSDT"], "max_dates": ["DTHDT"]})
    assert list(out["ASTDTM"]) == [D * 86400, (D - 3) * 86400 + 86399, (D + 1) * 86400 + 37800]
    assert list(out["ASTDTF"]) == ["D", "D", ""] and list(out["ASTTMF"]) == ["H", "H", "S"]


def test_severity_rank_is_the_position_in_the_levels():
    out = run("compute_severity_rank", frame([("MILD",), ("SEVERE",), ("",)], ["ASEV"]), {})
    assert_frames(out, frame([("MILD", 1.0), ("SEVERE", 3.0), ("", NA)], ["ASEV", "ASEVN"]))


def test_occurrence_flags_flag_the_first_teae_per_group_missing_dates_last():
    ae = frame([("1", "SKIN", "RASH", NA, 1, "Y"), ("1", "SKIN", "ITCH", D, 2, "Y"), ("1", "GI", "NAUSEA", D - 1, 3, ""),
                ("1", "GI", "VOMIT", D + 1, 4, "Y")], ["USUBJID", "AEBODSYS", "AEDECOD", "ASTDT", "AESEQ", "TRTEMFL"])
    out = run("derive_vars_occurrence_flags", ae, {
        "by_vars": ["USUBJID"], "order": ["ASTDT", "AESEQ"], "filter": {"var": "TRTEMFL", "op": "eq", "value": "Y"},
        "flags": {"AOCCFL": [], "AOCCSFL": ["AEBODSYS"]}})
    assert list(out["AOCCFL"]) == ["", "Y", "", ""] and list(out["AOCCSFL"]) == ["", "Y", "", "Y"]


def test_aocci_flag_is_the_first_of_the_most_severe():
    ae = frame([("1", 1.0, D, 1, "Y"), ("1", 2.0, D + 3, 2, "Y"), ("1", 2.0, D + 1, 3, "Y"), ("1", 3.0, D, 4, "")],
               ["USUBJID", "ASEVN", "ASTDT", "AESEQ", "TRTEMFL"])
    out = run("derive_var_aocci_flag", ae, {"filter": {"var": "TRTEMFL", "op": "eq", "value": "Y"}})
    assert list(out["AOCCIFL"]) == ["", "", "Y", ""]


def test_joined_takes_the_last_dose_on_or_before_the_event():
    ae = frame([("S", "1", 15.0), ("S", "1", 5.0)], ["STUDYID", "USUBJID", "ASTDT"])
    ex = frame([("S", "1", 1.0, 54.0), ("S", "1", 10.0, 81.0)], ["STUDYID", "USUBJID", "EXSTDT", "EXDOSE"])
    out = run("derive_vars_joined", ae, {"dataset_add": "EX", "new_vars": {"LDOSE": "EXDOSE"}, "order": ["EXSTDT"],
                                         "join_vars": ["EXSTDT"], "mode": "last",
                                         "filter_join": {"var": "EXSTDT", "op": "le", "ref": "ASTDT"}},
              sdtm={"EX": ex})
    assert list(out["LDOSE"]) == [81.0, 54.0]


def test_last_dose_step_counts_daily_doses_from_the_exposure_dates():
    ae = frame([("S", "1", 14.0 * 86400), ("S", "1", 40.0 * 86400)], ["STUDYID", "USUBJID", "ASTDTM"])
    ex = frame([("S", "1", "1960-01-02", "1960-01-20", 54.0, "mg")],
               ["STUDYID", "USUBJID", "EXSTDTC", "EXENDTC", "EXDOSE", "EXDOSU"])
    out = run("derive_vars_last_dose", ae, {"dataset_add": "EX", "dose_vars": {"DOSEON": "EXDOSE"}}, sdtm={"EX": ex})
    # day 14 lies in the record (1960-01-15, a dose that day); day 40 is after its end (1960-01-20 = day 19)
    assert list(out["LDOSEDTM"]) == [14.0 * 86400, 19.0 * 86400] and list(out["DOSEON"].fillna(-1)) == [54.0, -1]


def _vs():
    return frame([("1", "V1", "SYSBP", 120.0, "mmHg"), ("1", "V1", "DIABP", 90.0, "mmHg"),
                  ("1", "V1", "WEIGHT", 80.0, "kg"), ("1", "V0", "HEIGHT", 200.0, "cm")],
                 ["USUBJID", "VISIT", "PARAMCD", "AVAL", "AVALU"])


def test_param_map_adds_a_record_per_visit_with_both_pressures():
    out = run("derive_param_map", _vs(), {"by_vars": ["USUBJID", "VISIT"], "set_values_to": {"PARAMCD": "MAP"},
                                          "unit_var": "AVALU"})
    assert_frames(out.iloc[4:], frame([("1", "V1", "MAP", 100.0, "")], ["USUBJID", "VISIT", "PARAMCD", "AVAL", "AVALU"]))


def test_param_bmi_and_bsa_match_the_height_of_the_subject():
    out = run("derive_param_bmi", _vs(), {"by_vars": ["USUBJID", "VISIT"], "constant_by_vars": ["USUBJID"]})
    assert list(out["PARAMCD"].iloc[4:]) == ["BMI"] and list(out["AVAL"].iloc[4:]) == [20.0]
    out = run("derive_param_bsa", _vs(), {"by_vars": ["USUBJID", "VISIT"], "constant_by_vars": ["USUBJID"],
                                          "set_values_to": {"PARAMCD": "BSA", "PARAM": "BSA (m^2)"}})
    assert list(out["PARAM"].iloc[4:]) == ["BSA (m^2)"]
    assert abs(out["AVAL"].iloc[4] - (200.0 * 80.0 / 3600) ** 0.5) < 1e-12


def test_summary_records_average_the_group():
    vs = frame([("1", "V1", 120.0), ("1", "V1", 130.0), ("1", "V2", NA)], ["USUBJID", "VISIT", "AVAL"])
    out = run("derive_summary_records", vs, {"by_vars": ["USUBJID", "VISIT"], "set_values_to": {"DTYPE": "AVERAGE"},
                                             "filter": {"var": "AVAL", "op": "not_empty"}})
    assert_frames(out.iloc[3:], frame([("1", "V1", 125.0, "AVERAGE")], ["USUBJID", "VISIT", "AVAL", "DTYPE"]))


def test_basetype_records_copy_the_records_of_each_condition():
    vs = frame([("SUPINE", 1.0), ("STANDING", 2.0), ("", 3.0)], ["ATPT", "AVAL"])
    out = run("derive_basetype_records", vs, {"basetypes": {"LAST": {"var": "ATPT", "op": "ne", "value": ""}}})
    assert list(out["BASETYPE"]) == ["LAST", "LAST", ""] and list(out["AVAL"]) == [1.0, 2.0, 3.0]


def test_anrind_compares_aval_with_the_range():
    vs = frame([(1.0, 2.0, 5.0), (6.0, 2.0, 5.0), (3.0, NA, 5.0), (NA, 2.0, 5.0)], ["AVAL", "ANRLO", "ANRHI"])
    assert list(run("derive_var_anrind", vs, {})["ANRIND"]) == ["LOW", "HIGH", "NORMAL", ""]


def test_avisit_from_visit_title_cases_and_numbers_weeks():
    vs = frame([("BASELINE",), ("WEEK 26",), ("SCREENING 1",), ("UNSCHEDULED 3.1",), ("END OF TREATMENT",)], ["VISIT"])
    out = run("derive_vars_avisit_from_visit", vs, {})
    assert list(out["AVISIT"]) == ["Baseline", "Week 26", "", "", "End Of Treatment"]
    assert list(out["AVISITN"].fillna(-1)) == [0.0, 26.0, -1, -1, -1]


def test_extreme_flag_na_position_last_sorts_missing_dates_after():
    vs = frame([("1", NA), ("1", D)], ["USUBJID", "ADT"])
    first = run("derive_var_extreme_flag", vs, {"by_vars": ["USUBJID"], "order": ["ADT"], "new_var": "F", "mode": "first"})
    last = run("derive_var_extreme_flag", vs, {"by_vars": ["USUBJID"], "order": ["ADT"], "new_var": "F", "mode": "first",
                                               "na_position": "last"})
    assert list(first["F"]) == ["Y", ""] and list(last["F"]) == ["", "Y"]


def test_ontrtfl_flag_missing_start_flags_a_record_without_date():
    vs = frame([(NA, D, D + 5), (D - 1, D, D + 5)], ["ADT", "TRTSDT", "TRTEDT"])
    assert list(run("derive_var_ontrtfl", vs, {"flag_missing_start": True})["ONTRTFL"]) == ["Y", ""]
    assert list(run("derive_var_ontrtfl", vs, {})["ONTRTFL"]) == ["", ""]


def test_cat_missing_label_names_a_missing_age():
    out = run("derive_vars_cat", frame([(70.0,), (NA,)], ["AGE"]),
              {"new_var": "AGEGR1", "source_var": "AGE", "groups": [{"label": "65-80", "min": 65, "max": 80}],
               "missing_label": "Missing"})
    assert list(out["AGEGR1"]) == ["65-80", "Missing"]


CASES = {
    "derive_vars_extreme_event", "derive_var_extreme_dt", "derive_var_merged_exist_flag", "derive_vars_dtm_to_dt",
    "compute_severity_rank", "derive_vars_occurrence_flags", "derive_var_aocci_flag", "derive_vars_joined",
    "derive_vars_last_dose",
    "derive_param_map", "derive_param_bmi", "derive_param_bsa", "derive_summary_records", "derive_basetype_records",
    "derive_var_anrind", "derive_vars_avisit_from_visit", "derive_extreme_records",
}


def test_copy_vars_numeric_makes_text_numbers_floats():
    out = run("copy_vars", frame([("815",), ("",)], ["VSTPTNUM"]), {"vars": {"ATPTN": "VSTPTNUM"}, "numeric": ["ATPTN"]})
    assert out["ATPTN"].dtype == float and list(out["ATPTN"].fillna(-1)) == [815.0, -1]


def test_cat_groups_carry_their_own_number():
    out = run("derive_vars_cat", frame([(150.0,), (120.0,)], ["AVAL"]),
              {"new_var": "AVALCAT1", "source_var": "AVAL", "numeric_var": "AVALCA1N",
               "groups": [{"label": "<= 140", "max": 140, "n": 2}, {"label": "> 140", "min": 140, "n": 1}]})
    assert list(out["AVALCAT1"]) == ["> 140", "<= 140"] and list(out["AVALCA1N"]) == [1.0, 2.0]


def test_extreme_records_append_the_last_analysed_visit_as_end_of_treatment():
    vs = frame([("1", "SYSBP", 2.0, 120.0, "Y"), ("1", "SYSBP", 8.0, 130.0, "Y"), ("1", "SYSBP", 12.0, NA, ""),
                ("2", "SYSBP", 2.0, 110.0, "")], ["USUBJID", "PARAMCD", "AVISITN", "AVAL", "ANL01FL"])
    out = run("derive_extreme_records", vs, {
        "by_vars": ["USUBJID", "PARAMCD"], "order": ["AVISITN"], "mode": "last",
        "filter": {"var": "ANL01FL", "op": "eq", "value": "Y"},
        "set_values_to": {"AVISITN": 99, "DTYPE": "LOV"}})
    assert_frames(out.iloc[4:], frame([("1", "SYSBP", 99.0, 130.0, "Y", "LOV")],
                                      ["USUBJID", "PARAMCD", "AVISITN", "AVAL", "ANL01FL", "DTYPE"]))
    assert list(out["DTYPE"].iloc[:4]) == ["", "", "", ""]
