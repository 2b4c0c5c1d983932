"""Every SDTM derivation is one descriptor (its ``register`` call) that every consumer reads: the spec check
(parameters), the run (datasets it builds) and define.xml (the method of each variable it sets)."""

from __future__ import annotations

from pathlib import Path

import pytest

import sdtm_convert.derive as derive_pkg
from sdtm_convert import pipeline
from sdtm_convert.derive import registry
from sdtm_convert.derive.registry import Derived, info, method_for, register
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.metadata import DERIVED
from tests.mapping.conftest import AE_YAML, DM_YAML, RAW_YAML, STUDY_YAML, write_study

ROOT = Path(__file__).resolve().parents[2]
DYNAMIC = {"merge_vars"}  # sets the variables its spec names (their origin and method come from the source)


@pytest.mark.parametrize("name", derive_pkg.names())
def test_each_derivation_declares_what_it_sets_or_builds(name):
    d = info(name)
    assert d.sets or d.builds or name in DYNAMIC, f"{name} declares neither the variables it sets nor a dataset"
    for var, text in d.sets.items():
        assert text.strip() and var == var.upper(), (name, var)
        domain = "AE"
        concrete = f"{domain}{var[2:]}" if var.startswith("--") else var
        assert method_for(domain, concrete) == text  # what define.xml says for it


@pytest.mark.parametrize("name", derive_pkg.names())
def test_a_misspelt_parameter_of_any_derivation_is_a_spec_error_before_data(tmp_path, name):
    dm = DM_YAML + f"derivations:\n  - {{name: {name}, colour_of_the_sky: blue}}\n"
    _, spec = write_study(tmp_path, {"study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": dm,
                                     "ae.yaml": AE_YAML})
    with pytest.raises(SdtmConvertError) as err:
        pipeline.prepare_spec(spec)
    assert "colour_of_the_sky" in err.value.issue.message
    assert err.value.issue.file.endswith("dm.yaml")


@pytest.fixture(scope="module")
def conv():
    return pipeline.convert(ROOT / "sample_data" / "nct03745417", ROOT / "mappings" / "nct03745417")


def test_every_derived_variable_of_a_real_run_has_its_method(conv):
    derived = [(m.name, v.name, v.method_id) for m in conv.metadata.values() for v in m.variables
               if v.origin_type == DERIVED]
    assert len(derived) > 20
    methods = {(m.name, x.id): x.description for m in conv.metadata.values() for x in m.methods}
    missing = [(ds, var) for ds, var, mid in derived if not methods.get((ds, mid), "").strip()]
    assert missing == []


def test_a_derivation_registered_twice_or_with_another_method_for_a_variable_fails_at_import(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    with pytest.raises(ValueError, match="registered twice"):
        register("seq", sets={"--SEQ": "x"})(lambda df, ctx: (df, []))
    with pytest.raises(ValueError, match="gives EPOCH another method than 'epoch'"):
        register("my_epoch", sets={"EPOCH": "a different text"})(lambda df, ctx: (df, []))
    with pytest.raises(TypeError):
        register("no_descriptor")(lambda df, ctx: (df, []))  # type: ignore[call-arg]


def test_the_datasets_a_step_builds_reach_the_next_steps_and_the_package(conv):
    assert {"SE", "SUPPAE"} <= set(conv.sdtm)  # built by subject_elements and suppqual/split_long_text
    assert conv.sdtm["AE"]["EPOCH"].ne("").any()  # epoch ran on AE with the SE that DM's steps built
    ae = conv.sdtm["AE"]
    frame, issues = Derived(ae, [])  # a Derived unpacks as the pair older derivations return
    assert frame is ae and issues == []
