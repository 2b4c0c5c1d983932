"""A study's ADaM settings in words for define.xml method texts (adam.words): values, never setting names."""

from __future__ import annotations

import dataclasses

from sdtm_convert.adam.config import adam_settings
from sdtm_convert.adam.steps.kinds import condition_text, values_text
from sdtm_convert.adam.words import fill, settings_words


def test_settings_are_stated_as_values(study):
    settings = dataclasses.replace(adam_settings(study), trtemfl_window_days=None, anl01fl_rule="earliest",
                                   treatment_numbers={"Placebo": 0.0, "Drug 10 mg": 1.0})
    words = settings_words(settings)
    assert words["trtemfl_upper"] == " (no upper limit)" and words["ontrt_window"] == ""
    assert words["anl01fl_rule"] == "the earliest"
    assert words["treatment_numbers"] == "0 for 'Placebo'; 1 for 'Drug 10 mg'"
    assert fill("ASTDT{trtemfl_upper}; {unknown} and {'var': 'X'}", words) == (
        "ASTDT (no upper limit); {unknown} and {'var': 'X'}")  # only the known names are placeholders


def test_conditions_and_event_values_in_words():
    assert condition_text({"any": [{"var": "AESER", "op": "eq", "value": "Y"},
                                   {"all": [{"var": "ASEVN", "op": "ge", "value": 3}, {"var": "AEREL", "op": "present"}]}]}
                          ) == "AESER = 'Y' or (ASEVN ≥ 3 and AEREL is not empty)"
    assert condition_text({"not": {"var": "ARMCD", "op": "in", "value": ["SCRNFAIL", "NOTASSGN"]}}) == (
        "not (ARMCD in ('SCRNFAIL', 'NOTASSGN'))")
    assert condition_text(None) == ""
    assert values_text({"LSTALVDT": {"dtc": "AEENDTC", "highest_imputation": "D", "date_imputation": "last"},
                        "SEQ": {"var": "AESEQ"}, "SRC": "AE"}) == (
        "LSTALVDT = AEENDTC as a date (missing day imputed to the last possible date), SEQ = AESEQ, SRC = 'AE'")
