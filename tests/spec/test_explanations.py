"""explanations.yaml: the sponsor's explanations of conformance findings, a spec file checked with file and line
before any data is read, and never taken for a domain spec."""

from pathlib import Path

import pytest

from sdtm_convert import pipeline
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.spec.model import load_spec
from tests.mapping.conftest import AE_YAML, DM_YAML, RAW_YAML, STUDY_YAML, write_study

BUNDLED = Path(__file__).resolve().parents[2] / "mappings" / "nct03745417"

GOOD = """\
explanations:
  - rule: CT2002
    dataset: QS
    variable: QSCAT
    value: PASI .*
    explanation: a sponsor term
  - rule: SD1107
    dataset: LB
    explanation: no lab data collected
"""


def _spec(tmp_path, explanations: str):
    files = {"study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ae.yaml": AE_YAML,
             "explanations.yaml": explanations}
    return write_study(tmp_path, files)[1]


def _error(tmp_path, explanations: str):
    with pytest.raises(SdtmConvertError) as exc:
        pipeline.prepare_spec(_spec(tmp_path, explanations))
    return exc.value.issue


def test_explanations_are_read_in_file_order_with_their_lines(tmp_path):
    spec, _ = pipeline.prepare_spec(_spec(tmp_path, GOOD))
    assert [(e.rule, e.dataset, e.variable, e.line) for e in spec.explanations] == [
        ("CT2002", "QS", "QSCAT", 2), ("SD1107", "LB", None, 7)]
    assert spec.explanations[0].value.pattern == "PASI .*" and spec.explanations[1].value is None
    assert [d.domain for d in spec.domains] == ["AE", "DM"]  # explanations.yaml is not a domain spec


def test_bundled_study_carries_its_explanations():
    spec = load_spec(BUNDLED)
    assert [(e.rule, e.dataset) for e in spec.explanations] == [("CT2002", "QS"), ("SD1107", "LB"),
                                                                 ("CT2002", "ADPASI")]


def test_misspelt_key_names_file_and_line(tmp_path):
    issue = _error(tmp_path, GOOD.replace("    explanation: no lab", "    explaination: no lab"))
    assert issue.code == "spec-key-unknown" and issue.file.endswith("explanations.yaml") and issue.line == 9
    assert issue.message == "unknown key 'explaination' (did you mean 'explanation'?)"


def test_missing_explanation_names_the_entry_line(tmp_path):
    issue = _error(tmp_path, GOOD.replace("    explanation: no lab data collected\n", ""))
    assert issue.code == "spec-invalid" and issue.file.endswith("explanations.yaml") and issue.line == 7
    assert "'explanation' is a required property" in issue.message


def test_dataset_must_be_a_dataset_name(tmp_path):
    issue = _error(tmp_path, GOOD.replace("dataset: LB", "dataset: lb data"))
    assert issue.code == "spec-invalid" and issue.line == 8


def test_value_must_be_a_regular_expression(tmp_path):
    issue = _error(tmp_path, GOOD.replace("value: PASI .*", "value: PASI (["))
    assert issue.code == "spec-invalid" and issue.file.endswith("explanations.yaml") and issue.line == 5
    assert "is not a regular expression" in issue.message
