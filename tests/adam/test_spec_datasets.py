"""The psoriasis study's ADaM specs (mappings/nct03745417/adam) build what the registered descriptors built:
the same frames, issues, metadata and row schemas on the hand-made study; a dataset not declared is not
built; the spec's parameters drive the data."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from sdtm_convert.adam import build_adam
from sdtm_convert.adam.derive._frame import as_text
from sdtm_convert.adam.specs import compile_specs
from sdtm_convert.rowschema import load_schema
from sdtm_convert.rowschema.generate import adam_schema
from sdtm_convert.spec.adam import load_adam_specs
from sdtm_convert.spec.study import study_from_dict
from tests.adam.conftest import STUDY_DICT, ae, dm, ds, ex, qs

SPEC = Path(__file__).resolve().parents[2] / "mappings" / "nct03745417"


def _sdtm():
    return {"DM": dm(), "EX": ex(), "DS": ds(), "QS": qs(), "AE": ae()}


@pytest.fixture(scope="module")
def specs():
    return load_adam_specs(SPEC)


@pytest.fixture(scope="module")
def both(specs):
    study = study_from_dict(STUDY_DICT)
    return build_adam(_sdtm(), study, specs), build_adam(_sdtm(), study)


def test_specs_build_the_same_datasets_as_the_descriptors(both):
    new, old = both
    assert list(new.datasets) == list(old.datasets) == ["ADSL", "ADPASI", "ADAE"]
    for name, frame in old.datasets.items():
        pd.testing.assert_frame_equal(new.datasets[name], frame)
    assert new.issues == old.issues and new.skipped == old.skipped


def _without_method_texts(metadata: dict) -> dict:
    return {name: dataclasses.replace(meta, methods=[dataclasses.replace(m, description="") for m in meta.methods])
            for name, meta in metadata.items()}


def test_specs_give_the_same_define_metadata(both):
    """Everything but the method texts, which state the spec's own values ("TRTEDT + 28 days") where the
    descriptors name the study.yaml setting that holds them (adam.trtemfl_window_days)."""
    new, old = both
    assert _without_method_texts(new.metadata) == _without_method_texts(old.metadata)
    texts = [m.description for meta in new.metadata.values() for m in meta.methods]
    assert texts and not [x for x in texts if "adam." in x]
    assert new.settings is not None and old.settings is not None
    assert [p.flag for p in new.settings.populations] == [p.flag for p in old.settings.populations]
    assert new.settings.responder_thresholds == old.settings.responder_thresholds and new.settings.nri


def test_specs_compile_to_the_committed_row_schemas(specs):
    registry = compile_specs(specs)
    assert registry.names() == ["ADSL", "ADAE", "ADPASI"]  # sources order, then file order
    for name in registry.names():
        assert adam_schema(registry[name]) == load_schema(name), name


def test_a_dataset_not_declared_is_not_built(specs):
    only_adsl = [s for s in specs if s.dataset == "ADSL"]
    result = build_adam(_sdtm(), study_from_dict(STUDY_DICT), only_adsl)
    assert list(result.datasets) == ["ADSL"] and result.skipped == {}


def test_a_spec_parameter_changes_the_data(specs):
    changed = copy.deepcopy(specs)
    adsl = next(s for s in changed if s.dataset == "ADSL")
    adsl.data["steps"][0]["planned_infusions"] = 2  # subject 002 had 2 infusions: now all planned ones
    result = build_adam(_sdtm(), study_from_dict(STUDY_DICT), [adsl])
    row = result.datasets["ADSL"].set_index("USUBJID").loc["NCT03745417-002"]
    assert row["PPROTFL"] == "N" and row["FASFL"] == "Y"  # no week-12 PASI: still not per protocol
    ages = next(st for st in adsl.data["steps"] if st["step"] == "derive_vars_cat")
    ages["groups"] = [{"label": "<50", "max": 49}, {"label": ">=50", "min": 50}]
    result = build_adam(_sdtm(), study_from_dict(STUDY_DICT), [adsl])
    assert list(result.datasets["ADSL"]["AGEGR1"]) == ["<50", ">=50", "<50", "<50", ">=50"]


def test_lineage_follows_the_spec_the_dataset_was_built_from(specs):
    from sdtm_convert.adam.lineage import adam_lineage

    changed = copy.deepcopy(specs)
    next(s for s in changed if s.dataset == "ADAE").data["lineage"] = {"dataset": "AE"}  # no --SEQ named
    result = build_adam(_sdtm(), study_from_dict(STUDY_DICT), changed)
    lin = adam_lineage(result.datasets, result.descriptors)
    ae_rows = lin[lin["dataset"] == "ADAE"]
    assert set(ae_rows["source_dataset"]) == {"AE"} and set(ae_rows["source_variable"]) == {"USUBJID"}
    assert set(ae_rows["source_seq"]) == {""}
    adsl_rows = lin[lin["dataset"] == "ADSL"]
    assert set(adsl_rows["source_dataset"]) == {"DM"}


def test_row_schemas_are_generated_from_the_bundled_specs():
    from sdtm_convert.adam.datasets import DATASETS
    from sdtm_convert.adam.rowschemas import adam_descriptors

    described = adam_descriptors()
    assert sorted(described) == ["ADAE", "ADPASI", "ADSL"]
    assert all(described[n] is not DATASETS[n] for n in described)  # compiled from mappings/nct03745417/adam


def test_generic_steps_reproduce_the_pasi_records_step_exactly():
    """docs/adam.md: pasi_records' timing and change as library steps give the same frame (dtypes included)."""
    from sdtm_convert.adam.adpasi import pasi_records
    from sdtm_convert.adam.steps import STEPS, StepContext

    study, sdtm = study_from_dict(STUDY_DICT), _sdtm()
    adsl = build_adam(sdtm, study).datasets["ADSL"]
    coarse = STEPS["pasi_records"].run(StepContext("ADPASI", None, sdtm, {"ADSL": adsl}, study, []), {})
    ctx = StepContext("ADPASI", None, sdtm, {"ADSL": adsl}, study, [])
    recs = pasi_records(sdtm, study, ctx.issues)
    ctx.frame = recs.loc[recs["USUBJID"].isin(adsl["USUBJID"])]
    windows = [{"AVISIT": f"Week {w}", "AVISITN": w, "AWTARGET": 7 * w + 1, "AWLO": 7 * w - 2, "AWHI": 7 * w + 4}
               for w in (2, 4, 6, 8, 12)]
    post = {"var": "ADT", "op": "gt", "ref": "TRTSDT"}
    steps = [
        ("derive_vars_merged", {"dataset_add": "ADSL", "new_vars": {"SUBJID": "SUBJID", "SITEID": "SITEID",
                                "TRTP": "TRT01P", "TRTA": "TRT01A", "TRTSDT": "TRTSDT", "TRTEDT": "TRTEDT"}}),
        ("derive_vars_dy", {"source_vars": ["ADT"]}),
        ("derive_var_extreme_flag", {"by_vars": ["USUBJID", "PARAMCD"], "order": ["ADT", "SRCSEQ"], "new_var": "ABLFL",
                                     "filter": {"all": [{"var": "AVAL", "op": "present"},
                                                        {"var": "ADT", "op": "le", "ref": "TRTSDT"}]}}),
        ("derive_vars_avisit", {"filter": post, "windows": windows}),
        ("set_values", {"condition": {"var": "ABLFL", "op": "eq", "value": "Y"},
                        "values": {"AVISIT": "Baseline", "AVISITN": 0.0}}),
        ("derive_var_extreme_flag", {"by_vars": ["USUBJID", "PARAMCD", "AVISITN"], "order": ["-AWTDIFF", "ADT", "SRCSEQ"],
                                     "new_var": "ANL01FL", "filter": {"all": [{"var": "AVISIT", "op": "present"},
                                                                              {"var": "AVAL", "op": "present"}]}}),
        ("derive_var_ontrtfl", {"ref_end_window": 28}),
        ("derive_var_base", {"by_vars": ["USUBJID", "PARAMCD"]}),
        ("derive_var_chg", {"decimals": 1}),
        ("derive_var_pchg", {"decimals": 1}),
        ("set_values", {"condition": {"not": post}, "values": {"CHG": None, "PCHG": None}}),
    ]
    for name, params in steps:
        ctx.frame = STEPS[name].run(ctx, params)
    pd.testing.assert_frame_equal(as_text(ctx.frame), coarse)
