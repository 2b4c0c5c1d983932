"""``batch pool``: several studies' ADaM packages stacked into one, harmonised by a pooling spec, with every
subject once; small packages written by the package writers, pooled whole and compared whole."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sdtm_convert.batch.pool import pool_packages
from sdtm_convert.package.tables import read_dataset
from tests.batch.helpers import adae, adsl, package, spec

SPEC = "pool: ISS-1\nstudies:\n  STUDY-A:\n  STUDY-B:\n"


def _two(tmp_path, a_adsl=None, b_adsl=None, a_ae=None, b_ae=None):
    a = package(tmp_path / "a", {"ADSL": a_adsl if a_adsl is not None else adsl("STUDY-A", ["STUDY-A-001", "STUDY-A-002"]),
                                 "ADAE": a_ae if a_ae is not None else adae("STUDY-A", [("STUDY-A-001", "Headache")])})
    b = package(tmp_path / "b", {"ADSL": b_adsl if b_adsl is not None else adsl("STUDY-B", ["STUDY-B-001"]),
                                 "ADAE": b_ae if b_ae is not None else adae("STUDY-B", [("STUDY-B-001", "NAUSEA"),
                                                                                       ("STUDY-B-001", "HEADACHE")])},
                formats=("json",))  # one study as Dataset-JSON: both readers
    return a, b


def _codes(result):
    return sorted({i.code for i in result.issues if i.severity != "info"})


def test_pooled_datasets_stack_the_studies_records_with_their_studyid(tmp_path):
    a, b = _two(tmp_path)
    result = pool_packages([a, b], spec(tmp_path, SPEC), tmp_path / "out", validate=False)
    assert _codes(result) == []
    folder = tmp_path / "out" / "m5" / "datasets" / "iss-1" / "analysis" / "adam" / "datasets"
    pooled = read_dataset(folder / "adsl.xpt")
    assert pooled[["STUDYID", "USUBJID"]].to_dict("list") == {
        "STUDYID": ["STUDY-A", "STUDY-A", "STUDY-B"], "USUBJID": ["STUDY-A-001", "STUDY-A-002", "STUDY-B-001"]}
    ae = read_dataset(folder / "adae.json")
    assert ae[["STUDYID", "USUBJID", "AEDECOD"]].values.tolist() == [
        ["STUDY-A", "STUDY-A-001", "Headache"], ["STUDY-B", "STUDY-B-001", "NAUSEA"],
        ["STUDY-B", "STUDY-B-001", "HEADACHE"]]
    report = json.loads((tmp_path / "out" / "reports" / "pooling.json").read_text())
    assert [(s["study"], s["dataset"], s["records_in"], s["records_out"]) for s in report["studies"]] == [
        ("STUDY-A", "ADSL", 2, 2), ("STUDY-A", "ADAE", 1, 1), ("STUDY-B", "ADSL", 1, 1), ("STUDY-B", "ADAE", 2, 2)]
    assert report["datasets"] == {"ADSL": {"records": 3, "variables": 6}, "ADAE": {"records": 3, "variables": 5}}


def test_a_subject_in_two_studies_is_an_error_naming_both_and_nothing_is_written(tmp_path):
    a, b = _two(tmp_path, b_adsl=adsl("STUDY-B", ["STUDY-B-001", "STUDY-A-002"]))  # an extension study
    result = pool_packages([a, b], spec(tmp_path, SPEC), tmp_path / "out", validate=False)
    dup = [i for i in result.issues if i.code == "pool-subject-duplicate"]
    assert [(i.usubjid, i.extra["studies"], i.row) for i in dup] == [("STUDY-A-002", ["STUDY-A", "STUDY-B"], 2)]
    assert "study STUDY-A and of study STUDY-B" in dup[0].message
    assert not (tmp_path / "out" / "m5").exists()
    report = json.loads((tmp_path / "out" / "reports" / "pooling.json").read_text())
    assert report["errors"] == 1 and report["written"] == []
    assert "pool-subject-duplicate" in (tmp_path / "out" / "reports" / "pooling.html").read_text()


def test_an_adverse_event_of_a_subject_not_in_its_studys_adsl_is_an_error(tmp_path):
    a, b = _two(tmp_path, b_ae=adae("STUDY-B", [("STUDY-B-001", "NAUSEA"), ("STUDY-A-001", "RASH")]))
    result = pool_packages([a, b], spec(tmp_path, SPEC), tmp_path / "out", validate=False)
    (orphan,) = [i for i in result.issues if i.code == "pool-subject-unknown"]
    assert (orphan.dataset, orphan.row, orphan.usubjid, orphan.file) == ("ADAE", 2, "STUDY-A-001", str(b / "adae.json"))


def test_a_variable_numeric_in_one_study_and_text_in_another_is_an_error_naming_both(tmp_path):
    a, b = _two(tmp_path, b_adsl=adsl("STUDY-B", ["STUDY-B-001"], AGE=["41"]))
    result = pool_packages([a, b], spec(tmp_path, SPEC), tmp_path / "out", validate=False)
    (clash,) = [i for i in result.issues if i.code == "pool-type-clash"]
    assert (clash.dataset, clash.variable, clash.extra["studies"]) == ("ADSL", "AGE", {"STUDY-A": "Num", "STUDY-B": "Char"})
    assert clash.file == str(tmp_path / "pooling.yaml") and clash.line == 1
    assert not (tmp_path / "out" / "m5").exists()


def test_a_clash_a_rename_makes_points_at_that_studys_line_of_the_spec(tmp_path):
    a, b = _two(tmp_path, b_adsl=adsl("STUDY-B", ["STUDY-B-001"], AGEC=["41"]).drop(columns="AGE"))
    text = "pool: ISS-1\nstudies:\n  STUDY-A:\n  STUDY-B:\n    rename: {AGEC: AGE}\n"
    result = pool_packages([a, b], spec(tmp_path, text), tmp_path / "out", validate=False)
    (clash,) = [i for i in result.issues if i.code == "pool-type-clash"]
    assert clash.line == 4 and "study STUDY-B's rename makes it AGE" in clash.message


def test_a_rename_to_a_name_the_study_has_already_is_an_error_at_the_studys_line(tmp_path):
    a, b = _two(tmp_path, b_adsl=adsl("STUDY-B", ["STUDY-B-001"], TRTP=["Placebo"]))
    text = "pool: ISS-1\nstudies:\n  STUDY-A:\n  STUDY-B:\n    rename: {TRTP: TRT01P}\n"
    result = pool_packages([a, b], spec(tmp_path, text), tmp_path / "out", validate=False)
    (clash,) = [i for i in result.issues if i.code == "pool-rename-collision"]
    assert (clash.line, clash.dataset, clash.variable) == (4, "ADSL", "TRT01P")
    assert not (tmp_path / "out" / "m5").exists()


def test_the_specs_types_settle_a_clash_and_a_value_that_cannot_be_converted_is_named(tmp_path):
    a, b = _two(tmp_path, b_adsl=adsl("STUDY-B", ["STUDY-B-001", "STUDY-B-002"], AGE=["41", ">89"]))
    text = SPEC + "types:\n  AGE: Char\n"
    result = pool_packages([a, b], spec(tmp_path, text), tmp_path / "out", validate=False)
    assert _codes(result) == [] and result.frames["ADSL"]["AGE"].tolist() == ["40", "41", "41", ">89"]
    result = pool_packages([a, b], spec(tmp_path, SPEC + "types:\n  AGE: Num\n"), tmp_path / "out2", validate=False)
    (bad,) = [i for i in result.issues if i.code == "pool-type-convert"]
    assert (bad.line, bad.row, bad.value, bad.extra["study"]) == (6, 2, ">89", "STUDY-B")


def test_renames_recodes_ct_maps_and_assigned_values_harmonise_each_study(tmp_path):
    a, b = _two(tmp_path, b_adsl=adsl("STUDY-B", ["STUDY-B-001"], TRTP=["Placebo"], AESEVX=["x"]).drop(
        columns="TRT01P"))
    text = """pool: ISS-1
studies:
  STUDY-A:
    recode: {TRT01P: {Drug: Drug 10 mg}}
    assign: {ADSL: {FASFL: Y}}
  STUDY-B:
    rename: {TRTP: TRT01P}
    ct: {from: "2017-09-29", values: {SAFFL: {"Y": "Y"}}}
    assign: {ADSL: {FASFL: N}}
drop: {ADSL: [AESEVX]}
"""
    result = pool_packages([a, b], spec(tmp_path, text), tmp_path / "out", validate=False)
    assert _codes(result) == ["pool-ct-version-mismatch"]
    got = result.frames["ADSL"][["USUBJID", "TRT01P", "FASFL"]].values.tolist()
    assert got == [["STUDY-A-001", "Drug 10 mg", "Y"], ["STUDY-A-002", "Drug 10 mg", "Y"], ["STUDY-B-001", "Placebo", "N"]]
    assert "AESEVX" not in result.frames["ADSL"].columns
    assert "<td>ADSL</td><td></td><td>AESEVX</td>" in (tmp_path / "out" / "reports" / "pooling.html").read_text()
    (ct,) = [i for i in result.issues if i.code == "pool-ct-version-mismatch"]  # the package's define: another CT
    assert (ct.severity, ct.line, ct.extra["study"]) == ("warning", 6, "STUDY-B") and "2017-09-29" in ct.message
    report = json.loads((tmp_path / "out" / "reports" / "pooling.json").read_text())
    assert report["renames"] == [{"study": "STUDY-B", "dataset": "ADSL", "from": "TRTP", "to": "TRT01P"}]
    assert [(r["study"], r["variable"], r["kind"], r["from"], r["to"], r["records"]) for r in report["recodes"]] == [
        ("STUDY-A", "TRT01P", "recode", "Drug", "Drug 10 mg", 2), ("STUDY-A", "FASFL", "assign", "", "Y", 2),
        ("STUDY-B", "SAFFL", "ct", "Y", "Y", 1), ("STUDY-B", "FASFL", "assign", "", "N", 1)]


def test_a_meddra_term_map_recodes_the_term_and_its_soc_and_lists_what_it_mapped(tmp_path):
    a, b = _two(tmp_path)
    (tmp_path / "map.csv").write_text("from_pt,to_pt,to_ptcd,to_soc,to_soccd\n"
                                      "Headache,HEADACHE,10019211,NERVOUS SYSTEM DISORDERS,10029205\n"
                                      "Fatigue,FATIGUE,10016256,GENERAL DISORDERS,10018065\n")
    text = SPEC.replace("  STUDY-A:\n", "  STUDY-A:\n    meddra: {from: '25.1', file: map.csv}\n") + "meddra_version: '26.0'\n"
    result = pool_packages([a, b], spec(tmp_path, text), tmp_path / "out", validate=False)
    ae = result.frames["ADAE"]
    assert ae[["AEDECOD", "AEBODSYS"]].values.tolist() == [["HEADACHE", "NERVOUS SYSTEM DISORDERS"],
                                                          ["NAUSEA", "OLD SOC"], ["HEADACHE", "OLD SOC"]]
    report = json.loads((tmp_path / "out" / "reports" / "pooling.json").read_text())
    assert report["meddra"] == {"to_version": "26.0", "terms": [
        {"study": "STUDY-A", "dataset": "ADAE", "from_pt": "Headache", "to_pt": "HEADACHE", "to_ptcd": "10019211",
         "to_soc": "NERVOUS SYSTEM DISORDERS", "to_soccd": "10029205", "from_version": "25.1", "records": 1}]}
    define = (tmp_path / "out" / "m5" / "datasets" / "iss-1" / "analysis" / "adam" / "datasets" / "define.xml").read_text()
    assert define.count('<ExternalCodeList Dictionary="MedDRA" Version="26.0"/>') == 1  # AEDECOD, AEBODSYS
    assert define.count('<CodeListRef CodeListOID="CL.MEDDRA"/>') == 2


def test_a_variable_one_study_lacks_is_null_there_and_noted(tmp_path):
    a, b = _two(tmp_path, b_adsl=adsl("STUDY-B", ["STUDY-B-001"], RACE=["ASIAN"]))
    result = pool_packages([a, b], spec(tmp_path, SPEC), tmp_path / "out", validate=False)
    assert result.frames["ADSL"]["RACE"].tolist() == ["", "", "ASIAN"]
    notes = [(i.severity, i.dataset, i.variable, i.extra["study"]) for i in result.issues if i.code == "pool-variable-missing"]
    assert notes == [("info", "ADSL", "RACE", "STUDY-A")]


def test_keep_chooses_the_variables_and_their_order(tmp_path):
    a, b = _two(tmp_path)
    result = pool_packages([a, b], spec(tmp_path, SPEC + "keep:\n  ADSL: [USUBJID, STUDYID, SAFFL]\n"),
                           tmp_path / "out", validate=False)
    assert list(result.frames["ADSL"].columns) == ["USUBJID", "STUDYID", "SAFFL"]


def test_a_study_given_twice_or_a_spec_study_no_package_holds_is_a_spec_error(tmp_path):
    from sdtm_convert.errors import SdtmConvertError

    a, b = _two(tmp_path)
    with pytest.raises(SdtmConvertError) as twice:
        pool_packages([a, a], spec(tmp_path, "pool: ISS-1\nstudies:\n  STUDY-A:\n"), tmp_path / "out")
    assert twice.value.issue.code == "pool-study-twice"
    with pytest.raises(SdtmConvertError) as unknown:
        pool_packages([a], spec(tmp_path, SPEC), tmp_path / "out")
    assert (unknown.value.issue.code, unknown.value.issue.line) == ("pool-spec-study-unknown", 4)


def test_reruns_write_the_same_bytes(tmp_path):
    a, b = _two(tmp_path)
    first = pool_packages([a, b], spec(tmp_path, SPEC), tmp_path / "out", validate=True)
    files = {p: p.read_bytes() for p in sorted((tmp_path / "out").rglob("*")) if p.is_file()}
    pool_packages([a, b], spec(tmp_path, SPEC), tmp_path / "out", validate=True)
    assert first.validation is not None and len(files) == 11
    assert {p: p.read_bytes() for p in sorted((tmp_path / "out").rglob("*")) if p.is_file()} == files


def test_pooled_frames_equal_the_stacked_inputs_when_nothing_is_harmonised(tmp_path):
    a, b = _two(tmp_path)
    result = pool_packages([a, b], spec(tmp_path, SPEC), tmp_path / "out", validate=False)
    expected = pd.concat([read_dataset(a / "adsl.xpt"), read_dataset(b / "adsl.json")], ignore_index=True)
    pd.testing.assert_frame_equal(result.frames["ADSL"], expected, check_dtype=False)
