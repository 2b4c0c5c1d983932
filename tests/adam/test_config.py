"""ADaM settings: defaults when keys are absent, structured populations, errors for bad config."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from sdtm_convert.adam.config import adam_settings
from sdtm_convert.errors import SdtmConvertError


def test_defaults_when_absent(study):
    s = adam_settings(dataclasses.replace(study, populations={}, adam={}))
    assert [p.flag for p in s.populations] == ["ENRLFL", "ITTFL", "SAFFL", "FASFL", "PPROTFL", "COMPLFL"]
    assert s.responder_thresholds == (50, 75, 90, 100)
    assert s.nri is True and s.trtemfl_window_days == 28 and s.anl01fl_rule == "closest_to_target_then_latest"
    assert s.windows["AVISIT"].tolist() == ["Week 2", "Week 4", "Week 6", "Week 8", "Week 12"]
    assert s.windows["AWLO"].tolist() == [12, 26, 40, 54, 82] and s.primary_avisitn == 12


def test_populations_as_rule_names_or_conditions(study):
    cfg = {
        "SAFFL": "received_any_treatment",
        "EFFFL": {
            "label": "efficacy",
            "where": {"all": [{"var": "SAFFL", "value": "Y"}, {"rule": "has_primary_visit_pasi"}]},
        },
    }
    s = adam_settings(dataclasses.replace(study, populations=cfg))
    pops = {p.flag: p for p in s.populations}
    assert pops["SAFFL"].where == {"var": "NINFUS", "op": "ge", "value": 1}
    assert pops["EFFFL"].where["all"][1] == {"var": "PVPASIFL", "op": "eq", "value": "Y"}


def test_custom_windows_and_options(study):
    adam = {
        "windows": {
            "tolerance_days": 5,
            "visits": [
                {"avisit": "Week 12", "avisitn": 12, "target": 85},
                {"avisit": "Week 16", "avisitn": 16, "target": 113, "range": [100, 120]},
            ],
        },
        "anl01fl_rule": "latest",
        "responder_thresholds": [75],
        "nri": False,
        "trtemfl_window_days": None,
        "primary_avisitn": 12,
    }
    s = adam_settings(dataclasses.replace(study, adam=adam))
    assert s.windows[["AWLO", "AWHI"]].values.tolist() == [[80, 90], [100, 120]]
    assert (s.anl01fl_rule, s.responder_thresholds, s.nri, s.trtemfl_window_days) == ("latest", (75,), False, None)


@pytest.mark.parametrize(
    ("populations", "adam"),
    [
        ({"SAFFL": "no_such_rule"}, {}),
        ({"SAFFL": {"where": {"var": "NINFUS", "op": "~=", "value": 1}}}, {}),
        ({"SAFFL": "__import__('os')"}, {}),
        ({}, {"anl01fl_rule": "random"}),
        ({}, {"responder_thresholds": [0]}),
        ({}, {"adsl_subjects": "some"}),
    ],
)
def test_bad_config_is_fatal(study, populations, adam):
    with pytest.raises(SdtmConvertError) as e:
        adam_settings(dataclasses.replace(study, populations=populations, adam=adam))
    assert e.value.issue.code == "adam-config-invalid"


def test_populations_are_parsed_once_into_typed_condition_nodes(study):
    from sdtm_convert.adam.adsl import derive_populations
    from sdtm_convert.spec import conditions

    cfg = {"SAFFL": "received_any_treatment", "EFFFL": {"label": "efficacy", "where": {"SAFFL": "Y"}}}
    s = adam_settings(dataclasses.replace(study, populations=cfg))
    pops = {p.flag: p for p in s.populations}
    assert pops["SAFFL"].condition == conditions.Compare("column", "NINFUS", "ge", 1, comparison="typed",
                                                         case_sensitive=True)
    assert pops["EFFFL"].condition == conditions.All((conditions.Compare(
        "column", "SAFFL", "eq", "Y", comparison="typed", case_sensitive=True),))
    adsl = pd.DataFrame({"USUBJID": ["1", "2", "3"], "NINFUS": [1.0, 0.0, None], "ARMCD": ["A", "A", "A"],
                         "ALLINFFL": "N", "BLPASIFL": "Y", "PBPASIFL": "Y", "PVPASIFL": "N", "EOSSTT": "ONGOING"})
    out = derive_populations(adsl, dataclasses.replace(s, populations=(pops["SAFFL"], pops["EFFFL"])))
    assert out["SAFFL"].tolist() == ["Y", "N", "N"] and out["EFFFL"].tolist() == ["Y", "N", "N"]


def test_a_misspelt_population_operator_is_named_with_a_suggestion(study):
    with pytest.raises(SdtmConvertError) as e:
        adam_settings(dataclasses.replace(study, populations={"SAFFL": {"var": "NINFUS", "op": "equal", "value": 1}}))
    assert e.value.issue.code == "adam-config-invalid"
    assert e.value.issue.message.startswith("population SAFFL: unknown operator 'equal' (did you mean 'eq'?)")
