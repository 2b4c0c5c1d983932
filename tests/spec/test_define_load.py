"""define.yaml (the sponsor's define spec) is read with the spec and checked before any data is read: a bad key,
value or reference is a spec error naming define.yaml and its line."""

from pathlib import Path

import pytest

from sdtm_convert import pipeline
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.spec.define_load import read_define_spec
from tests.mapping.conftest import AE_YAML, DM_YAML, RAW_YAML, STUDY_YAML, write_study

ROOT = Path(__file__).parents[2]

DEFINE_YAML = """\
variables:
  - {dataset: AE, variable: AEDECOD, codelist: MEDDRA}
  - {dataset: AE, variable: AESEQ, method: MT.AE.AESEQ, comment: COM.SEQ}
dictionaries:
  - {id: MEDDRA, name: MedDRA, dictionary: MedDRA, version_from: coding.PT}
methods:
  - {id: MT.AE.AESEQ, name: Sequence, type: Computation, description: One per subject, document: SAP}
comments:
  - {id: COM.SEQ, description: By start date}
documents:
  - {id: SAP, title: Statistical analysis plan, href: sap.pdf}
"""


def _prepare(tmp_path, define: str):
    files = {"study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ae.yaml": AE_YAML,
             "define.yaml": define}
    _, spec = write_study(tmp_path, files)
    return pipeline.prepare_spec(spec)


def _error(tmp_path, define: str):
    with pytest.raises(SdtmConvertError) as exc:
        _prepare(tmp_path, define)
    return exc.value.issue


def test_the_define_spec_is_read_with_the_spec_and_reaches_the_study_config(tmp_path):
    spec, _ = _prepare(tmp_path, DEFINE_YAML)
    assert spec.study.define is spec.define
    assert [(v.variable, v.codelist, v.method) for v in spec.define.variables] == [
        ("AEDECOD", "MEDDRA", ""), ("AESEQ", "", "MT.AE.AESEQ")]
    assert spec.define.dictionaries[0].version_from == "coding.PT"
    assert spec.define.line("variables", 1, "method") == 3


def test_a_misspelt_key_names_define_yaml_and_its_line(tmp_path):
    issue = _error(tmp_path, DEFINE_YAML.replace("method: MT.AE.AESEQ", "methd: MT.AE.AESEQ"))
    assert (issue.code, Path(issue.file).name, issue.line) == ("spec-define-key-unknown", "define.yaml", 3)
    assert issue.message.startswith("variables/1: unknown key 'methd' (did you mean 'method'?)")


def test_a_reference_to_an_undefined_method_comment_or_document_is_a_spec_error(tmp_path):
    issue = _error(tmp_path, DEFINE_YAML.replace("document: SAP", "document: SAP2"))
    assert (issue.code, issue.line, issue.extra["all"][0]["value"]) == ("spec-define-reference-unknown", 7, "SAP2")
    assert issue.message == "document 'SAP2' is not defined"
    every = [(e["code"], e["line"]) for e in _error(tmp_path, DEFINE_YAML.replace(
        "comment: COM.SEQ}", "comment: COM.X}").replace("codelist: MEDDRA", "codelist: MEDDRAX")).extra["all"]]
    assert every == [("spec-define-reference-unknown", 2), ("spec-define-reference-unknown", 3)]


def test_a_dictionary_version_source_must_be_a_declared_raw_column(tmp_path):
    issue = _error(tmp_path, DEFINE_YAML.replace("coding.PT", "coding.MEDDRA_V"))
    assert (issue.code, issue.line) == ("spec-define-reference-unknown", 5)
    assert "column 'MEDDRA_V' of raw dataset coding" in issue.message
    issue = _error(tmp_path, DEFINE_YAML.replace(", version_from: coding.PT", ""))
    assert (issue.code, issue.line) == ("spec-define-value-invalid", 5)


def test_values_a_define_xml_cannot_hold_are_named(tmp_path):
    bad = DEFINE_YAML.replace("{dataset: AE, variable: AEDECOD, codelist: MEDDRA}",
                              "{dataset: AE, variable: AEDECOD, codelist: MEDDRA, origin: Typed, length: long}")
    got = sorted((e["code"], e["line"], e["message"]) for e in _error(tmp_path, bad).extra["all"])
    assert [g[:2] for g in got] == [("spec-define-value-invalid", 2)] * 2
    assert got[0][2].startswith("origin 'Typed' is not one of Collected, Derived, Assigned")
    assert got[1][2] == "variables/0: length must be a whole number, not 'long'"


@pytest.mark.parametrize("study", ["nct03745417", "cdiscpilot01"])
def test_the_bundled_define_specs_are_sound(study):
    spec, issues = read_define_spec(ROOT / "mappings" / study / "define.yaml")
    assert issues == []
    assert {d.dictionary for d in spec.dictionaries} == {"MedDRA"}
    assert spec.methods and spec.comments and spec.documents
