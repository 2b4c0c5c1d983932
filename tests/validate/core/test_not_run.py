"""A CORE rule the interpreter cannot run is reported *not run* with its reason: never a pass, never a crash."""

from __future__ import annotations

import pandas as pd
import pytest

from sdtm_convert.validate.core.rules import CoreRule
from sdtm_convert.validate.core.run import run_rules
from sdtm_convert.validate.model import Dataset

AE = Dataset(name="AE", frame=pd.DataFrame({"DOMAIN": ["AE", "AE"], "USUBJID": ["1", "2"], "AETERM": ["X", ""],
                                            "AESEQ": [1.0, 2.0]}))
RECORD = {"core_id": "CORE-900001", "rule_type": "Record Data", "sensitivity": "Record",
          "standards": (("SDTMIG", "3.4"),), "scope": {"Domains": {"Include": ["ALL"]}}}


def rule(**changes: object) -> CoreRule:
    return CoreRule(**{**RECORD, **changes})  # type: ignore[arg-type]


def run(r: CoreRule):
    return run_rules({"AE": AE}, "SDTMIG", "3.4", [r])


@pytest.mark.parametrize(("changes", "reason"), [
    ({"check": {"name": "AETERM", "operator": "is_frobnicated"}}, "operator 'is_frobnicated' is not supported"),
    ({"check": {"all": [{"name": "AETERM", "operator": "empty"}, {"name": "X", "operator": "sorts_before"}]}},
     "operator 'sorts_before' is not supported"),
    ({"check": {"name": "AETERM", "operator": "empty"}, "operations": ({"id": "$x", "operator": "magic"},)},
     "operation 'magic' is not supported"),
    ({"check": {"name": "AETERM", "operator": "empty"}, "rule_type": "Define Item Metadata Check"},
     "rule type 'Define Item Metadata Check' is not supported"),
    ({"check": {"name": "AETERM", "operator": "empty"}, "match": ({"Name": "SUPP--", "Child": True, "Keys": ["USUBJID"]},)},
     "Match Datasets form {'Name': 'SUPP--', 'Child': True, 'Keys': ['USUBJID']} is not supported"),
    ({"check": {"all": []}}, "'all' holds no list of conditions"),
    ({"check": {"name": "AETERM", "operator": "longer_than", "value": "X", "value_is_reference": True}},
     "operator 'longer_than' with value_is_reference is not supported"),
    ({"check": None}, "check is not a condition: NoneType"),
    ({"check": {"name": "AETERM", "operator": "matches_regex", "value": "(["}},
     "matches_regex: regex '([' does not compile (unterminated character set at position 1)"),
    ({"error": "rule file does not parse: bad indentation"}, "rule file does not parse: bad indentation"),
])
def test_rule_not_run_names_its_reason(changes: dict, reason: str) -> None:
    result = run(rule(**changes))
    assert (result.not_run, result.ran, result.findings) == ({"CORE-900001": reason}, [], [])


def test_an_error_inside_an_operator_is_not_run_not_a_crash() -> None:
    result = run(rule(check={"name": "AETERM", "operator": "prefix_equal_to", "value": "X", "prefix": "two"}))
    assert result.not_run == {"CORE-900001": "interpreter error: ValueError: invalid literal for int() with base 10: 'two'"}


def test_a_rule_naming_an_absent_variable_runs_and_flags_nothing() -> None:
    result = run(rule(check={"name": "AEDECOD", "operator": "empty"}))
    assert (result.ran, result.findings, result.not_run) == (["CORE-900001"], [], {})


def test_the_same_rule_with_known_operators_flags_the_record() -> None:
    result = run(rule(check={"name": "--TERM", "operator": "empty"}, output_variables=("--TERM", "--SEQ")))
    assert [(f.dataset, f.record, f.variables, f.values) for f in result.findings] == [
        ("AE", 2, ("AETERM", "AESEQ"), ("", 2.0))]


def test_a_rule_of_another_standard_is_left_out() -> None:
    result = run_rules({"AE": AE}, "SENDIG", "3.1", [rule(check={"name": "AETERM", "operator": "empty"})])
    assert (result.ran, result.not_run) == ([], {})
