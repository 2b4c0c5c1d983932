"""A mistake in ``adam/analyses.yaml`` (a copy of mappings/nct03745417) is found before any data is read: one
error naming the file, its line and the cause (a dataset, variable or parameter the ADaM specs do not declare,
a where-clause define.xml cannot say, a misspelt key); where-conditions in the order define.xml writes them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sdtm_convert import pipeline
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.spec.adam import load_adam_specs
from sdtm_convert.spec.analyses import WhereError, where_conditions

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "mappings" / "nct03745417"
FILE = "analyses.yaml"


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec)
    path = spec / "adam" / FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return spec


def _line(spec: Path, needle: str) -> int:
    lines = (spec / "adam" / FILE).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


MISTAKES = [
    ("            variables: [AVAL]", "            variables: [AVAL, AVALX]", "variables: [AVAL, AVALX]",
     "spec-adam-analysis-variable-unknown",
     "ADPASI.AVALX is not a variable the spec of ADPASI declares (did you mean 'AVAL'?)"),
    ("          - dataset: ADPASI", "          - dataset: ADPASS", "- dataset: ADPASS",
     "spec-adam-analysis-dataset-unknown", "analysis dataset ADPASS is not a declared ADaM dataset (did you mean "
     "'ADPASI'?) (declared: ADAE, ADPASI, ADSL)"),
    ("{var: AVISIT, op: eq, value: Week 12}", "{var: AVISITX, op: eq, value: Week 12}", "AVISITX",
     "spec-adam-analysis-variable-unknown", "ADPASI.AVISITX is not a variable the spec of ADPASI declares"),
    ("        parameter: ADPASI.PARAMCD", "        parameter: ADSL.PARAMCD", "parameter: ADSL.PARAMCD",
     "spec-adam-analysis-variable-unknown", "parameter ADSL.PARAMCD: the parameter of an analysis is the PARAMCD "
     "of a BDS dataset, and the spec of ADSL declares no PARAMCD"),
    ("        parameter: ADPASI.PARAMCD", "        parameter: ADPAS.PARAMCD", "parameter: ADPAS.PARAMCD",
     "spec-adam-analysis-dataset-unknown", "parameter ADPAS.PARAMCD: ADPAS is not a declared ADaM dataset"),
    ("{var: ANL01FL, op: eq, value: \"Y\"}", "{any: [{var: ANL01FL, op: eq, value: \"Y\"}]}", "any:",
     "spec-adam-analysis-where-invalid", "where of ADPASI: a define.xml where-clause ANDs comparisons: no 'any'"),
    ("{var: ANL01FL, op: eq, value: \"Y\"}", "{var: ANL01FL, op: eq, ref: ABLFL}", "ref: ABLFL",
     "spec-adam-analysis-where-invalid", "where of ADPASI: ANL01FL = ABLFL: a define.xml where-clause compares a "
     "variable with values"),
    ("        purpose: PRIMARY OUTCOME MEASURE", "        purpos: PRIMARY OUTCOME MEASURE", "purpos:",
     "spec-key-unknown", "unknown key 'purpos' (did you mean 'purpose'?)"),
    ("  - id: T14.2.1\n", "  - id: T14.2.1\n    nam: x\n", "nam: x", "spec-key-unknown", "unknown key 'nam'"),
]


@pytest.mark.parametrize(("old", "new", "needle", "code", "cause"), MISTAKES, ids=[m[3] + "-" + m[2] for m in MISTAKES])
def test_analyses_mistake_names_file_line_and_cause(tmp_path, old, new, needle, code, cause):
    spec = _copy(tmp_path, old, new)
    with pytest.raises(SdtmConvertError) as exc:
        pipeline.prepare_spec(spec)
    issue = exc.value.issue
    assert (issue.code, issue.file, issue.line) == (code, str(spec / "adam" / FILE), _line(spec, needle))
    assert issue.message.startswith(cause), issue.message


def test_an_id_declared_twice_names_the_first_line(tmp_path):
    spec = _copy(tmp_path, "  - id: T14.2.1\n", "  - id: T14.2.0\n    name: Table 14.2.0\n    description: d\n"
                 "    results:\n      - id: T14.2.1.R1\n        description: r\n        datasets:\n"
                 "          - {dataset: ADSL, variables: [FASFL]}\n  - id: T14.2.1\n")
    with pytest.raises(SdtmConvertError) as exc:
        pipeline.prepare_spec(spec)
    lines = [i for i, line in enumerate((spec / "adam" / FILE).read_text().splitlines(), 1) if "id: T14.2.1.R1" in line]
    issue = exc.value.issue
    assert (issue.code, issue.line) == ("spec-adam-analysis-duplicate", lines[1])
    assert issue.message == f"analysis result T14.2.1.R1 is also declared at line {lines[0]}"
    spec = _copy(tmp_path / "rd", "  - id: T14.2.1\n", "  - id: T14.2.1\n    name: Table 14.2.1\n    description: d\n"
                 "    results:\n      - id: T14.2.1.R0\n        description: r\n        datasets:\n"
                 "          - {dataset: ADSL, variables: [FASFL]}\n  - id: T14.2.1\n")
    with pytest.raises(SdtmConvertError) as exc:
        pipeline.prepare_spec(spec)
    lines = [i for i, line in enumerate((spec / "adam" / FILE).read_text().splitlines(), 1) if "- id: T14.2.1" == line.strip()]
    assert (exc.value.issue.code, exc.value.issue.line) == ("spec-adam-analysis-duplicate", lines[1])
    assert exc.value.issue.message.startswith(f"result display T14.2.1 is also declared at line {lines[0]}")


def test_the_bundled_analyses_load_and_are_not_a_dataset_spec():
    spec, _ = pipeline.prepare_spec(SPEC)
    assert [rd["id"] for rd in spec.analyses.displays] == ["T14.2.1"]
    assert [s.dataset for s in load_adam_specs(SPEC)] == ["ADAE", "ADPASI", "ADSL"]
    pilot, _ = pipeline.prepare_spec(ROOT / "mappings" / "cdiscpilot01")
    assert [rd["id"] for rd in pilot.analyses.displays] == ["Table_14-2.01", "Table_14-5.01", "Table_14-5.02"]


def test_a_study_without_analyses_has_none(tmp_path):
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec)
    (spec / "adam" / FILE).unlink()
    assert pipeline.prepare_spec(spec)[0].analyses is None


def test_where_conditions_are_the_anded_comparisons_in_order():
    assert where_conditions({"all": [{"var": "PARAMCD", "op": "in", "value": ["SYSBP", "DIABP"]},
                                     {"all": [{"var": "AVISITN", "op": "le", "value": 4.0}]},
                                     {"var": "ANL01FL", "op": "ne", "value": "N"}]}) == [
        ("PARAMCD", "IN", ["SYSBP", "DIABP"]), ("AVISITN", "LE", ["4"]), ("ANL01FL", "NE", ["N"])]
    assert where_conditions({"var": "AVAL", "op": "not_in", "value": [1, 2.5]}) == [("AVAL", "NOTIN", ["1", "2.5"])]
    for cond, message in [({"not": {"var": "A", "op": "eq", "value": 1}}, "no 'any' or 'not'"),
                          ({"var": "A", "op": "missing"}, "A is empty: a define.xml where-clause compares"),
                          ({"var": "A", "op": "equals", "value": 1}, "unknown operator 'equals'")]:
        with pytest.raises(WhereError) as exc:
            where_conditions(cond)
        assert message in str(exc.value)
