"""Every registered ADaM step keeps the descriptor contract: parameter kinds, a description, the variables it
sets each with define.xml method text, a literal-frame case in test_steps.py; the committed ADaM spec JSON
Schema is the one the steps generate."""

from __future__ import annotations

import json

import pytest

from sdtm_convert.adam import jsonschema
from sdtm_convert.adam.steps import STEPS
from sdtm_convert.spec.loader import spec_schema
from sdtm_convert.spec.params import Param
from tests.adam.test_steps import CASES
from tests.adam.test_steps_admiral import CASES as ADMIRAL_CASES

# parameters that make a step set something, for the steps whose variables come from their parameters
PARAMS = {
    "derive_vars_merged": {"dataset_add": "ADSL", "new_vars": ["TRT01A"]},
    "derive_vars_dt": {"new_vars_prefix": "AST", "dtc": "AESTDTC", "highest_imputation": "M"},
    "derive_var_extreme_flag": {"by_vars": ["USUBJID"], "order": ["ASTDT"], "new_var": "AOCCFL"},
    "derive_var_obs_number": {"by_vars": ["USUBJID"], "order": ["PARAMN"]},
    "derive_vars_cat": {"new_var": "AGEGR1", "source_var": "AGE", "groups": [{"label": "<65", "max": 64}]},
    "populations": {"populations": {"SAFFL": "received_any_treatment"}},
    "sdtm_records": {"dataset": "VS", "keep": ["USUBJID", "VSTESTCD"]},
    "copy_vars": {"vars": {"TRT01P": "ARM"}},
    "map_values": {"source_var": "TRT01P", "new_var": "TRT01PN", "values": {"Placebo": 0}},
    "derive_var_flag": {"new_var": "SAFFL", "condition": {"var": "NDOSE", "op": "ge", "value": 1}},
    "derive_vars_dtm": {"new_vars_prefix": "TRTS", "dtc": "EXSTDTC"},
    "derive_var_merged_summary": {"dataset_add": "EX", "new_var": "NDOSE"},
    "derive_var_base": {"by_vars": ["USUBJID", "PARAMCD"]},
    "derive_vars_crit_flag": {"condition": {"var": "AVAL", "op": "gt", "value": 1}, "description": "AVAL > 1"},
    "derive_vars_extreme_event": {"events": [{"dataset_name": "DS", "set_values_to": {"DTHFL": "Y"}}],
                                  "order": ["EVENT_NR"], "mode": "first", "new_vars": ["DTHFL"]},
    "derive_var_extreme_dt": {"new_var": "LSTALVDT", "mode": "last",
                              "sources": [{"dataset_name": "AE", "date": {"dtc": "AESTDTC"}}]},
    "derive_var_merged_exist_flag": {"dataset_add": "EX", "new_var": "SAFFL",
                                     "condition": {"var": "EXDOSE", "op": "gt", "value": 0}},
    "derive_vars_dtm_to_dt": {"source_vars": ["TRTSDTM"]},
    "derive_vars_occurrence_flags": {"by_vars": ["USUBJID"], "order": ["ASTDT"], "flags": {"AOCCFL": []}},
    "derive_vars_joined": {"dataset_add": "EX", "new_vars": ["EXDOSE"]},
    "derive_vars_last_dose": {"dataset_add": "EX", "dose_vars": {"DOSEON": "EXDOSE"}},
    "derive_param_map": {"by_vars": ["USUBJID", "VISIT"]},
    "derive_param_bmi": {"by_vars": ["USUBJID", "VISIT"]},
    "derive_param_bsa": {"by_vars": ["USUBJID", "VISIT"]},
    "derive_summary_records": {"by_vars": ["USUBJID", "VISIT"], "set_values_to": {"DTYPE": "AVERAGE"}},
    "derive_extreme_records": {"by_vars": ["USUBJID"], "order": ["ADT"], "mode": "last",
                               "set_values_to": {"DTYPE": "LOV"}},
    "derive_basetype_records": {"basetypes": {"LAST": {"var": "ATPT", "op": "not_empty"}}},
    "set_values": {"condition": {"var": "ABLFL", "op": "eq", "value": "Y"}, "values": {"AVISIT": "Baseline"}},
}


def test_every_step_has_a_literal_frame_case():
    assert set(STEPS.names()) == CASES | ADMIRAL_CASES


@pytest.mark.parametrize("name", STEPS.names())
def test_step_declares_kinds_doc_and_method_text_of_what_it_sets(name):
    step = STEPS[name]
    assert step.doc and all(isinstance(k, Param) for k in step.params.values())
    sets = step.sets_of(PARAMS.get(name, {}))
    assert sets and all(isinstance(t, str) and t.strip() for t in sets.values()), sets
    assert all(r for r in step.reads_of(PARAMS.get(name, {})))


def test_committed_adam_spec_schema_is_generated_from_the_steps():
    assert jsonschema.SCHEMA_FILE.read_text(encoding="utf-8") == jsonschema.generated_text()
    assert jsonschema.main(["--check"]) == 0


def test_schema_has_one_branch_per_step_with_its_parameters_only():
    step_def = spec_schema("adam")["$defs"]["step"]
    branches = {b["if"]["properties"]["step"]["const"]: b["then"] for b in step_def["allOf"]}
    assert list(branches) == STEPS.names()
    assert branches["derive_vars_dt"]["required"] == ["new_vars_prefix", "dtc"]
    assert branches["derive_vars_dt"]["additionalProperties"] is False
    assert set(branches["derive_vars_dy"]["properties"]) == {"step", "comment", "reference_date", "source_vars"}
    order = branches["derive_var_extreme_flag"]["properties"]["order"]["items"]["pattern"]
    assert order == "^-?[A-Z][A-Z0-9_]*$"  # -NAME: descending
    assert json.dumps(spec_schema("adam")).count('"$ref": "#/$defs/condition"') >= 3


def test_step_reference_page_is_generated_from_the_steps():
    from sdtm_convert.adam import reference

    assert reference.PAGE.read_text(encoding="utf-8") == reference.page_text()
    text = reference.page_text()
    assert all(f"## `{name}`" in text for name in STEPS.names())
    assert "| `highest_imputation` | one of `n`, `D`, `M`, `Y` | \"n\" |" in text


def test_docs_show_the_advs_worked_example_as_tested():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    advs = (root / "tests" / "adam" / "data" / "advs.yaml").read_text(encoding="utf-8")
    assert advs[advs.index("dataset: ADVS"):] in (root / "docs" / "adam.md").read_text(encoding="utf-8")


COND = {"all": [{"var": "TRTEMFL", "op": "eq", "value": "Y"}, {"any": [{"var": "AESER", "op": "eq", "value": "Y"},
                                                                       {"var": "ASEVN", "op": "ge", "value": 3}]}]}
IN_WORDS = "TRTEMFL = 'Y' and (AESER = 'Y' or ASEVN ≥ 3)"
WITH_CONDITIONS = {  # the conditions inside list or mapping parameters, and values that are mappings
    "derive_vars_extreme_event": {"events": [{"dataset_name": "AE", "condition": COND,
                                              "set_values_to": {"DTHCAUS": {"var": "AEDECOD"}}}]},
    "derive_var_extreme_dt": {"sources": [{"dataset_name": "AE", "filter": COND,
                                           "date": {"dtc": "AESTDTC", "highest_imputation": "M"}}]},
    "derive_basetype_records": {"basetypes": {"LAST": COND}},
}


@pytest.mark.parametrize("name", STEPS.names())
def test_method_texts_write_every_condition_in_words_never_as_the_spec_mapping(name):
    step = STEPS[name]
    conds = {k: COND for k, p in step.params.items() if getattr(p, "fragment", None) == {"$ref": "#/$defs/condition"}}
    params = PARAMS.get(name, {}) | conds | WITH_CONDITIONS.get(name, {})
    texts = [t.replace("{dom}", "QS") for t in step.sets_of(params).values()]  # {dom}: the PASI domain's name
    assert not [t for t in texts if "{" in t or "}" in t or "'var'" in t], texts
    settings = ("treatment_numbers", "planned_infusions", "completed_terms", "anl01fl_rule", "trtemfl_window")
    assert not [t for t in texts if any(name in t for name in settings)], texts
    if name in ("derive_var_flag", "set_values", "derive_var_merged_exist_flag", "derive_var_extreme_flag",
                "derive_vars_occurrence_flags", "derive_vars_extreme_event", "derive_basetype_records"):
        assert all(IN_WORDS in t for t in texts), texts
