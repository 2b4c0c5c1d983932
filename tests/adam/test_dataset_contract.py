"""Every registered ADaM dataset descriptor is complete: what it declares is what is built, written in
define.xml and checked by its row schema; ``needs`` is known and acyclic."""

from __future__ import annotations

import json
from importlib.resources import files

import pandas as pd
import pytest

from sdtm_convert.adam import build_adam
from sdtm_convert.adam.config import adam_settings
from sdtm_convert.adam.datasets import DATASETS, AdamDataset, AdamInputs, Populations, V
from sdtm_convert.adam.inputs import no_source
from sdtm_convert.adam.meta import _label
from sdtm_convert.adam.registry import build_order, check_needs
from sdtm_convert.adam.run import build_datasets
from sdtm_convert.common.registry import Registry, RegistryError
from sdtm_convert.metadata import PREDECESSOR
from sdtm_convert.rowschema import load_schema, schema_path
from sdtm_convert.rowschema.generate import adam_schema, render
from tests.adam.conftest import STUDY_DICT, ae, dm, ds, ex, qs, study_from_dict

NAMES = DATASETS.names()


def _flags(settings) -> tuple[str, ...]:
    return tuple(p.flag for p in settings.populations)


def test_the_fixture_study_builds_every_registered_dataset(built):
    assert sorted(built.datasets) == sorted(NAMES) and built.skipped == {}


@pytest.mark.parametrize("name", NAMES)
def test_built_frame_has_exactly_the_declared_variables_in_order(built, name):
    frame = built.datasets[name]
    assert [c for c in frame.columns if not c.startswith("__")] == DATASETS[name].columns(_flags(built.settings))


@pytest.mark.parametrize("name", NAMES)
def test_committed_row_schema_is_the_generated_one_with_the_declared_variables(name):
    assert schema_path(name).parent.name == "adam"
    assert schema_path(name).read_text(encoding="utf-8") == render(adam_schema(DATASETS[name]))
    desc = DATASETS[name]
    pops = desc.populations()
    assert list(load_schema(name)["properties"]) == desc.columns(pops.schema_flags if pops else ())


@pytest.mark.parametrize("name", NAMES)
def test_every_variable_has_a_label_and_a_source_or_a_method(name):
    desc = DATASETS[name]
    for v in desc.variables:
        if isinstance(v, Populations):
            assert v.method and v.schema_flags
            continue
        label, _ = _label(name, v.name)
        assert label != v.name and len(label) <= 40, (name, v.name)
        assert v.source or v.method, (name, v.name)


@pytest.mark.parametrize("name", NAMES)
def test_define_metadata_names_an_origin_for_every_variable(built, name):
    """What define.xml is written from: no variable is "Not Available"; a derived one has its method text."""
    meta = built.metadata[name]
    methods = {m.id: m.description for m in meta.methods}
    for var in meta.variables:
        assert var.source or methods.get(var.method_id or ""), (name, var.name)


def test_needs_are_registered_and_acyclic():
    check_needs(DATASETS)
    order = build_order(DATASETS, NAMES)
    assert order == ["ADSL", "ADPASI", "ADAE"]  # ADSL first; then by class: BDS before OCCDS
    for name in NAMES:
        assert all(order.index(n) < order.index(name) for n in DATASETS[name].needs)


def _ds(name: str, cls: str, needs: tuple[str, ...] = ()) -> AdamDataset:
    return AdamDataset(name=name, label=name, cls=cls, structure="", keys=("USUBJID",),
                       variables=(V("USUBJID", source="DM.USUBJID"),), needs=needs,
                       build=lambda inputs: (pd.DataFrame(), []))


def _registry(*datasets: AdamDataset) -> Registry[AdamDataset]:
    reg: Registry[AdamDataset] = Registry("ADaM dataset")
    for d in datasets:
        reg.register(d.name, d)
    return reg


def test_build_order_follows_needs_before_class_and_name():
    reg = _registry(_ds("ADAA", "OCCURRENCE DATA STRUCTURE", ("ADZZ",)),
                    _ds("ADZZ", "BASIC DATA STRUCTURE", ("ADSL",)),
                    _ds("ADSL", "SUBJECT LEVEL ANALYSIS DATASET"),
                    _ds("ADBB", "BASIC DATA STRUCTURE", ("ADSL",)))
    assert build_order(reg, reg.names()) == ["ADSL", "ADBB", "ADZZ", "ADAA"]
    assert build_order(reg, ["ADAA"]) == ["ADSL", "ADZZ", "ADAA"]


def test_an_unknown_need_fails_at_registration_check():
    reg = _registry(_ds("ADSL", "SUBJECT LEVEL ANALYSIS DATASET"),
                    _ds("ADVS", "BASIC DATA STRUCTURE", ("ADSL", "ADXX")))
    with pytest.raises(RegistryError, match="ADVS needs ADXX, which is not registered"):
        check_needs(reg)


def test_a_cycle_in_needs_fails():
    reg = _registry(_ds("ADAA", "BASIC DATA STRUCTURE", ("ADBB",)), _ds("ADBB", "BASIC DATA STRUCTURE", ("ADAA",)))
    with pytest.raises(RegistryError, match="ADAA, ADBB need each other"):
        check_needs(reg)


def test_a_second_dataset_under_one_name_fails():
    reg = _registry(_ds("ADSL", "SUBJECT LEVEL ANALYSIS DATASET"))
    with pytest.raises(RegistryError, match="registered twice"):
        reg.register("ADSL", _ds("ADSL", "SUBJECT LEVEL ANALYSIS DATASET"))


def test_adsl_builds_alone_with_the_pasi_populations_from_sdtm(built):
    """ADSL's FASFL/PPROTFL read the SDTM PASI records themselves: built with no ADPASI, ADSL is the same."""
    study = study_from_dict(STUDY_DICT)
    sdtm = {"DM": dm(), "EX": ex(), "DS": ds(), "QS": qs(), "AE": ae()}
    alone, issues = DATASETS["ADSL"].build(AdamInputs(sdtm, study, adam_settings(study)))
    pd.testing.assert_frame_equal(alone, built.datasets["ADSL"])
    assert {"Y", "N"} <= set(alone["FASFL"]) and {"Y", "N"} <= set(alone["PPROTFL"])


def test_a_pasi_record_problem_is_reported_once_by_adpasi_not_by_adsl():
    study = study_from_dict(STUDY_DICT)
    sdtm = {"DM": dm(), "EX": ex(), "DS": ds(), "QS": qs().drop(columns="VISIT"), "AE": ae()}
    _, issues = DATASETS["ADSL"].build(AdamInputs(sdtm, study, adam_settings(study)))
    assert issues == []
    result = build_adam(sdtm, study)
    assert [(i.code, i.dataset, i.variable) for i in result.issues] == [("adam-input-missing", "QS", "VISIT")]


def _adtrt(inputs: AdamInputs) -> tuple[pd.DataFrame, list]:
    adsl = inputs.adam["ADSL"]
    return adsl[["STUDYID", "USUBJID", "TRT01A"]].rename(columns={"TRT01A": "TRTA"}), []


def _xx_absent(inputs: AdamInputs) -> str | None:
    return None if "XX" in inputs.sdtm else no_source(inputs.sdtm, "XX", "records")


ADTRT = AdamDataset(name="ADTRT", label="Treatment per subject", cls="OCCURRENCE DATA STRUCTURE",
                    structure="One record per subject", keys=("STUDYID", "USUBJID"),
                    variables=(V("STUDYID", source="ADSL.STUDYID"), V("USUBJID", source="ADSL.USUBJID"),
                               V("TRTA", source="ADSL.TRT01A")),
                    needs=("ADSL",), absent=_xx_absent, build=_adtrt)
ADNEXT = AdamDataset(name="ADNEXT", label="Next", cls="BASIC DATA STRUCTURE", structure="One record per subject",
                     keys=("STUDYID", "USUBJID"), variables=(V("USUBJID", source="ADTRT.USUBJID"),),
                     needs=("ADTRT",), build=lambda inputs: (inputs.adam["ADTRT"][["USUBJID"]], []))


def test_a_dataset_without_source_records_is_skipped_and_so_is_what_needs_it():
    study = study_from_dict(STUDY_DICT)
    reg = _registry(ADNEXT, ADTRT, DATASETS["ADSL"])
    result = build_datasets(reg, ["ADNEXT"], {"DM": dm(), "EX": ex(), "DS": ds(), "QS": qs()}, study)
    assert list(result.datasets) == ["ADSL"]
    assert result.skipped == {"ADTRT": "no records in SDTM XX (XX was not converted)",
                              "ADNEXT": "needs ADTRT, which was not built"}
    assert [(i.code, i.dataset) for i in result.issues] == [("adam-dataset-skipped", "ADTRT"),
                                                            ("adam-dataset-skipped", "ADNEXT")]


def test_a_dataset_declared_outside_the_registry_is_built_and_described_from_its_descriptor():
    study = study_from_dict(STUDY_DICT)
    reg = _registry(ADNEXT, ADTRT, DATASETS["ADSL"])
    sdtm = {"DM": dm(), "EX": ex(), "DS": ds(), "QS": qs(), "XX": pd.DataFrame()}
    result = build_datasets(reg, ["ADNEXT"], sdtm, study)
    assert list(result.datasets) == ["ADSL", "ADTRT", "ADNEXT"] and result.skipped == {}
    trta = result.metadata["ADTRT"].variable("TRTA")
    assert (trta.source, trta.origin_type, trta.label) == ("ADSL.TRT01A", PREDECESSOR, "Actual Treatment")
    assert result.metadata["ADTRT"].class_ == "OCCURRENCE DATA STRUCTURE"


def test_the_study_schema_adam_block_accepts_exactly_the_declared_settings():
    """A setting a descriptor reads is one study.yaml may carry, with the same JSON Schema (one kind per key)."""
    declared: dict[str, dict] = {}
    for desc in DATASETS.values():
        for key, kind in desc.settings.items():
            assert declared.setdefault(key, kind.schema()) == kind.schema(), key
    study_schema = json.loads((files("sdtm_convert.spec") / "jsonschema" / "study.schema.json").read_text("utf-8"))
    assert study_schema["properties"]["adam"]["properties"] == declared
