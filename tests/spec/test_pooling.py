"""The pooling spec (``pooling.yaml``): read against its JSON Schema, every error naming the file and line."""

from __future__ import annotations

import pytest

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.spec.pooling import load_pooling_spec


def _load(tmp_path, text: str):
    path = tmp_path / "pooling.yaml"
    path.write_text(text, encoding="utf-8")
    return load_pooling_spec(path)


def _error(tmp_path, text: str):
    with pytest.raises(SdtmConvertError) as ex:
        _load(tmp_path, text)
    return ex.value.issue


def test_a_pooling_spec_reads_into_its_model_with_adsl_always_pooled(tmp_path):
    (tmp_path / "map.csv").write_text("from_pt,to_pt,to_ptcd,to_soc,to_soccd\nHeadache,HEADACHE,1,NS,2\n")
    spec = _load(tmp_path, """pool: ISS-1
datasets: [ADAE, ADPASI]
types: {AGE: Num}
studies:
  A:
    rename: {TRTP: TRT01P}
    recode: {TRT01P: {Drug: Drug 10 mg}}
    meddra: {from: "25.1", file: map.csv}
  B:
""")
    assert spec.datasets == ("ADSL", "ADAE", "ADPASI") and spec.types == {"AGE": "Num"}
    a = spec.studies["A"]
    assert (a.rename, a.recode, a.line, spec.studies["B"].rename) == (
        {"TRTP": "TRT01P"}, {"TRT01P": {"Drug": "Drug 10 mg"}}, 5, {})
    assert a.meddra is not None and a.meddra.terms == {
        "Headache": {"to_pt": "HEADACHE", "to_ptcd": "1", "to_soc": "NS", "to_soccd": "2"}}
    assert spec.line_of("types.AGE") == 3


def test_a_misspelt_key_is_named_with_its_line(tmp_path):
    issue = _error(tmp_path, "pool: ISS-1\nstudies:\n  A:\n    renam: {X: Y}\n")
    assert (issue.code, issue.line) == ("spec-key-unknown", 4) and "'rename'" in issue.message


def test_a_type_other_than_char_or_num_is_invalid_at_its_line(tmp_path):
    issue = _error(tmp_path, "pool: ISS-1\ntypes:\n  AGE: Text\nstudies:\n  A:\n")
    assert (issue.code, issue.line) == ("spec-invalid", 3)


def test_two_variables_renamed_alike_are_a_spec_error(tmp_path):
    issue = _error(tmp_path, "pool: ISS-1\nstudies:\n  A:\n    rename: {TRTP: TRT01P, TRTA: TRT01P}\n")
    assert (issue.code, issue.line) == ("pool-spec-rename-clash", 4)


def test_a_missing_or_incomplete_meddra_map_is_a_spec_error_at_its_line(tmp_path):
    text = "pool: ISS-1\nstudies:\n  A:\n    meddra:\n      from: '25.1'\n      file: map.csv\n"
    assert (_error(tmp_path, text).code, _error(tmp_path, text).line) == ("pool-spec-meddra-file", 6)
    (tmp_path / "map.csv").write_text("from_pt,to_pt\nHeadache,HEADACHE\n")
    issue = _error(tmp_path, text)
    assert issue.code == "pool-spec-meddra-file" and "to_ptcd, to_soc, to_soccd" in issue.message


def test_keep_or_drop_of_a_dataset_not_pooled_is_a_spec_error(tmp_path):
    issue = _error(tmp_path, "pool: ISS-1\nstudies:\n  A:\ndrop:\n  ADLB: [X]\n")
    assert (issue.code, issue.line) == ("pool-spec-dataset-unknown", 5)
