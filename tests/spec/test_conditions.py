"""One condition language: frozen nodes, aliases, comparison with another column, words for define.xml."""

import dataclasses

import pandas as pd
import pytest

from sdtm_convert.spec import conditions
from tests.mapping.conftest import DM_YAML
from tests.spec.test_spec_errors import spec_error

FRAME = pd.DataFrame({"A": ["3", "", " 10"], "B": ["2", "5", "10"], "S": ["x", "Y", "y"]})


def test_a_condition_parses_into_frozen_nodes():
    node = conditions.parse({"all": [{"column": "A", "op": "present"}, {"not": {"column": "S", "op": "eq", "value": "y"}}]})
    assert isinstance(node, conditions.All) and isinstance(node.items[1], conditions.Not)
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.items[0].op = "eq"  # type: ignore[misc]
    assert node.items[0].op == "not_empty"  # the alias is resolved once


def test_missing_and_present_are_aliases_of_is_empty_and_not_empty():
    assert conditions.evaluate({"column": "A", "op": "missing"}, FRAME).tolist() == [False, True, False]
    assert conditions.evaluate({"column": "A", "op": "present"}, FRAME).tolist() == [True, False, True]


def test_ref_compares_with_another_column_of_the_same_record():
    assert conditions.evaluate({"column": "A", "op": "gt", "ref": "B"}, FRAME).tolist() == [True, False, False]
    assert conditions.evaluate({"column": "A", "op": "eq", "ref": "B"}, FRAME).tolist() == [False, False, True]
    assert conditions.referenced_names({"column": "A", "op": "gt", "ref": "B"}) == [("column", "A"), ("column", "B")]


def test_words_for_define_xml():
    cond = {"all": [{"column": "A", "op": "ge", "ref": "B"}, {"any": [{"column": "S", "op": "in", "value": ["x", "y"]},
                                                                     {"column": "A", "op": "missing"}]}]}
    assert conditions.to_text(cond) == "A ≥ B and (S in ('x', 'y') or A is empty)"


def test_ref_with_a_list_operator_is_a_spec_error_with_its_line(tmp_path):
    dm = DM_YAML + ("      - {target: RACE, algorithm: if_then_else, cases: [{when: {column: SITE, op: in, ref: GENDER}, "
                    "then: {value: X}}]}\n")
    issue = spec_error(tmp_path, **{"dm.yaml": dm})
    assert (issue.code, issue.line) == ("spec-condition-invalid", 14)
    assert "operator 'in' cannot compare with ref 'GENDER'" in issue.message


def test_a_column_named_by_ref_must_be_declared(tmp_path):
    dm = DM_YAML + ("      - {target: RACE, algorithm: if_then_else, cases: [{when: {column: SITE, op: eq, ref: NOPE}, "
                    "then: {value: X}}]}\n")
    issue = spec_error(tmp_path, **{"dm.yaml": dm})
    assert (issue.code, issue.line) == ("spec-column-unknown", 14) and "'NOPE'" in issue.message
