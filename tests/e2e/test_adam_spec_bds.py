"""A BDS dataset declared in a study's ADaM spec with the generic steps only (tests/adam/data/advs.yaml, the
worked example of docs/adam.md) is checked before data, built beside the study's other datasets, described
in define.xml metadata from the spec and validated against a row schema generated from it."""

import shutil
from pathlib import Path

import pytest

from sdtm_convert.adam.run import run_adam
from sdtm_convert.pipeline import prepare_spec
from tests.e2e.conftest import SPEC

ADVS = Path(__file__).resolve().parents[1] / "adam" / "data" / "advs.yaml"


@pytest.fixture(scope="module")
def advs_run(sample_run, tmp_path_factory):
    spec = tmp_path_factory.mktemp("advs") / "spec"
    shutil.copytree(SPEC, spec)
    shutil.copy(ADVS, spec / "adam" / "advs.yaml")
    loaded, _ = prepare_spec(spec)
    result, part = run_adam(sample_run.conversion.sdtm, loaded.study, lambda _msg: None, loaded.adam)
    return result, part


def test_declared_bds_dataset_is_built_in_sources_order(advs_run):
    result, part = advs_run
    assert list(result.datasets) == ["ADSL", "ADPASI", "ADVS", "ADAE"]  # ADSL first, then BDS, then OCCDS
    advs = result.datasets["ADVS"]
    assert list(advs.columns[:3]) == ["STUDYID", "USUBJID", "ASEQ"] and "HEIGHT" not in set(advs["PARAMCD"])
    assert [i for i in part.issues if i.dataset == "ADVS" and i.severity == "error"] == []


def test_baseline_change_and_windows_follow_the_spec(advs_run):
    advs = advs_run[0].datasets["ADVS"]
    base = advs[advs["ABLFL"] == "Y"]
    assert not base.duplicated(["USUBJID", "PARAMCD"]).any() and (base["ADY"] <= 1).all()
    post = advs[(advs["AVISITN"] == 12) & advs["BASE"].notna()]
    assert len(post) > 0 and ((post["AVAL"] - post["BASE"] - post["CHG"]).abs() < 1e-9).all()
    outside = advs[(advs["ADY"] > 1) & (advs["AVISIT"] == "")]
    assert outside["AVISITN"].isna().all()  # a visit outside every window has no analysis visit


def test_define_metadata_of_the_declared_dataset_comes_from_the_spec(advs_run):
    meta = advs_run[0].metadata["ADVS"]
    assert (meta.label, meta.class_, meta.keys) == ("Vital Signs Analysis Dataset", "BASIC DATA STRUCTURE",
                                                    ["STUDYID", "USUBJID", "PARAMCD", "AVISITN", "ADT"])
    methods = {m.id: m.description for m in meta.methods}
    assert methods["MT.ADVS.ABLFL"] == ("'Y' on the last record per USUBJID, PARAMCD ordered by ADT, VSSEQ among the "
                                        "records where ADY ≤ 1 and AVAL is not empty.")  # the step's filter, in words
    assert methods["MT.ADVS.PARAMCD"] == "VS.VSTESTCD"
    visit = next(v for v in meta.variables if v.name == "VISITNUM")
    assert visit.source == "VS.VISITNUM" and visit.method_id is None


def test_define_value_level_metadata_per_parameter_of_the_declared_bds_dataset(advs_run):
    meta = advs_run[0].metadata["ADVS"]
    vlm = {v.where.id: v for v in meta.value_level}
    assert sorted(vlm) == [f"WC.ADVS.PARAMCD.{cd}" for cd in ("DIABP", "PULSE", "SYSBP", "TEMP", "WEIGHT")]
    sysbp = vlm["WC.ADVS.PARAMCD.SYSBP"]
    assert (sysbp.variable, sysbp.label, sysbp.type, sysbp.method_id) == ("AVAL", "Systolic Blood Pressure",
                                                                          "integer", "MT.ADVS.AVAL")
    assert sysbp.where.conditions == [("ADVS.PARAMCD", "EQ", ["SYSBP"])]
