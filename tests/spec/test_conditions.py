"""One condition language: frozen nodes, aliases, comparison with another column, words for define.xml."""

import dataclasses

import pandas as pd
import pytest

from sdtm_convert import pipeline
from sdtm_convert.adam.derive import condition_mask
from sdtm_convert.derive.registry import DeriveContext, get
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.spec import conditions
from tests.mapping.conftest import AE_YAML, DM_YAML, RAW_YAML, STUDY_YAML, write_study
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


# --- one language for every context ------------------------------------------------------------------------

# values already trimmed and upper case: where text and typed comparison agree
AGREE = pd.DataFrame({"FL": ["Y", "N", "", "Y"], "ARM": ["A", "B", "A", "SCRNFAIL"]}, dtype=object)
SAME_IN_EVERY_CONTEXT = [
    ({"var": "FL", "op": "eq", "value": "Y"}, [True, False, False, True]),
    ({"FL": "Y", "ARM": "A"}, [True, False, False, False]),  # the shorthand: all of eq
    ({"any": [{"column": "FL", "op": "missing"}, {"var": "ARM", "op": "in", "value": ["B"]}]}, [False, True, True, False]),
    ({"not": {"column": "ARM", "op": "not_in", "value": ["A", "B"]}}, [True, True, True, False]),
    ({"all": [{"var": "FL", "op": "present"}, {"column": "ARM", "op": "starts_with", "value": "SCR"}]},
     [False, False, False, True]),
]


@pytest.mark.parametrize(("cond", "expected"), SAME_IN_EVERY_CONTEXT)
def test_the_same_condition_gives_the_same_mask_in_every_context(cond, expected):
    text = conditions.parse(cond, comparison="text").mask(AGREE)
    typed = conditions.parse(cond, comparison="typed").mask(AGREE)
    adam = condition_mask(AGREE, cond)  # an ADaM derivation's filter
    ds = AGREE.assign(USUBJID=[f"S{i}" for i in range(4)], V=["v0", "v1", "v2", "v3"])
    ctx = DeriveContext(study=None, ct=None, domain="DM", domains={"DS": ds})  # type: ignore[arg-type]
    dm = pd.DataFrame({"USUBJID": ds["USUBJID"], "X": ""})
    merged, issues = get("merge_vars")(dm, ctx, vars={"X": "V"}, where=cond, **{"from": "DS"})
    assert not issues
    assert text.tolist() == typed.tolist() == adam.tolist() == expected
    assert (merged["X"] != "").tolist() == expected


def test_typed_and_text_comparison_differ_on_purpose():
    """Mapping and merge_vars compare trimmed text without case (raw CRF exports); ADaM compares typed
    values exactly (admiral): the context chooses, the user cannot."""
    frame = pd.DataFrame({"FL": ["y", " Y", "Y", None], "N": [1.0, 2.0, 10.0, None]})
    eq_y = {"var": "FL", "op": "eq", "value": "Y"}
    assert conditions.parse(eq_y, comparison="text").mask(frame).tolist() == [True, True, True, False]
    assert conditions.parse(eq_y, comparison="typed").mask(frame).tolist() == [False, False, True, False]
    eq_2 = {"var": "N", "op": "eq", "value": "2"}  # text "2.0" is not "2"; the number 2.0 is not the string "2"
    assert conditions.parse(eq_2, comparison="text").mask(frame).tolist() == [False] * 4
    assert conditions.parse({"var": "N", "op": "eq", "value": 2}, comparison="typed").mask(frame).tolist() == [
        False, True, False, False]
    empty = {"var": "FL", "op": "is_empty"}  # None is empty in both; blank text too
    assert conditions.parse(empty, comparison="text").mask(frame).tolist() == [False, False, False, True]
    assert conditions.parse(empty, comparison="typed").mask(frame).tolist() == [False, False, False, True]
    with pytest.raises(ValueError, match="comparison must be one of"):
        conditions.parse(eq_y, comparison="loose")  # type: ignore[arg-type]
    assert "comparison" not in conditions.KEYS  # not a key a spec can write


def test_var_and_the_shorthand_parse_into_the_same_nodes_as_column():
    assert conditions.parse({"var": "A", "op": "eq", "value": 1}) == conditions.parse({"column": "A", "op": "eq", "value": 1})
    node = conditions.parse({"DSDECOD": "DEATH", "DSCAT": "X"})
    assert node == conditions.All((conditions.Compare("column", "DSDECOD", "eq", "DEATH"),
                                   conditions.Compare("column", "DSCAT", "eq", "X")))
    assert node.text() == "DSDECOD = 'DEATH' and DSCAT = 'X'"


def test_every_problem_of_a_condition_is_listed_with_its_path():
    cond = {"any": [{"var": "A", "op": "equals", "value": 1}, {"column": "B", "op": "eq"},
                    {"column": "C", "op": "in", "value": "X"}]}
    found = conditions.located_problems(cond)
    assert [(p.path, p.message.split(" (")[0]) for p in found] == [
        (("any", 0, "op"), "unknown operator 'equals'"),
        (("any", 1), "operator 'eq' needs 'value' or 'ref'"),
        (("any", 2, "value"), "operator 'in' needs a list as 'value'"),
    ]
    assert "(did you mean 'eq'?)" in found[0].message
    assert conditions.problems({"not": {}}) == ["empty condition (a comparison, or all/any/not of comparisons)"]


# --- checked at spec load, with file and line, before any data is read -------------------------------------

def _spec_error_before_data(tmp_path, **replace):
    """Convert with no raw data at all: the spec error comes first (nothing was read)."""
    files = {"study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ae.yaml": AE_YAML, **replace}
    _, spec = write_study(tmp_path, files)
    with pytest.raises(SdtmConvertError) as exc:
        pipeline.convert(tmp_path / "no-raw-data-here", spec)
    return exc.value.issue


POPULATIONS = """\
populations:
  SAFFL: received_any_treatment
  FASFL:
    label: full analysis set
    where:
      all:
        - {var: SAFFL, op: eq, value: "Y"}
        - {var: BLPASIFL, op: eqauls, value: "Y"}
"""


def test_a_misspelt_operator_in_a_population_is_a_spec_error_with_file_and_line(tmp_path):
    issue = _spec_error_before_data(tmp_path, **{"study.yaml": STUDY_YAML + POPULATIONS})
    assert issue.code == "spec-condition-invalid"
    assert issue.file.endswith("study.yaml") and issue.line == 21  # the BLPASIFL line
    assert issue.message.startswith("population FASFL: unknown operator 'eqauls' (did you mean 'eq'?)")


def test_a_population_comparison_without_a_value_is_a_spec_error(tmp_path):
    pops = "populations:\n  COMPLFL: {var: EOSSTT, op: eq, label: completed}\n"
    issue = _spec_error_before_data(tmp_path, **{"study.yaml": STUDY_YAML + pops})
    assert (issue.code, issue.line) == ("spec-condition-invalid", 15)
    assert issue.message == "population COMPLFL: operator 'eq' needs 'value' or 'ref'"


def test_a_misspelt_operator_in_a_merge_vars_where_is_a_spec_error_with_file_and_line(tmp_path):
    dm = DM_YAML + ("derivations:\n  - name: merge_vars\n    from: AE\n    vars: {SITEID: AETERM}\n"
                    "    where:\n      any:\n        - {column: AESER, op: eq, value: Y}\n"
                    "        - {column: AETERM, op: start_with, value: HEAD}\n")
    issue = _spec_error_before_data(tmp_path, **{"dm.yaml": dm})
    assert issue.code == "spec-condition-invalid"
    assert issue.file.endswith("dm.yaml") and issue.line == 21
    assert issue.message.startswith("derivation merge_vars where: unknown operator 'start_with' "
                                    "(did you mean 'starts_with'?)")


def test_a_mapping_comparison_without_a_value_is_a_spec_error_on_its_own_line(tmp_path):
    ae = AE_YAML.replace("    where: {column: TERM, op: not_empty}\n",
                         "    where:\n      all:\n        - {column: TERM, op: not_empty}\n"
                         "        - {var: SERIOUS, op: eq}\n")
    issue = _spec_error_before_data(tmp_path, **{"ae.yaml": ae})
    assert (issue.code, issue.file.endswith("ae.yaml"), issue.line) == ("spec-condition-invalid", True, 8)  # the SERIOUS line
    assert issue.message == "operator 'eq' needs 'value' or 'ref'"


def test_a_condition_is_compiled_once_per_comparison():
    cond = {"any": [{"column": "S", "op": "eq", "value": "y"}, {"column": "A", "op": "missing"}]}
    text = conditions.compiled(cond)
    assert conditions.compiled(dict(cond)) is text  # an equal mapping: the same frozen node
    assert conditions.compiled(cond, "typed") is not text and conditions.compiled(cond, "typed").items[0].comparison == "typed"
    assert conditions.evaluate(cond, FRAME).tolist() == text.mask(FRAME).tolist() == [False, True, True]
