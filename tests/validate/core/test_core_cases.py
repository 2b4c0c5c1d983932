"""CDISC's own test cases (a slice shipped in ``data/cases.tar.gz``) pass through the CORE interpreter: a
positive case raises no finding of its rule, a negative case flags exactly the records its results list."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from sdtm_convert.validate.core.cases import expected, find_cases, judge
from sdtm_convert.validate.core.check import operators_used
from sdtm_convert.validate.core.operations import OPERATIONS
from sdtm_convert.validate.core.operators import OPERATORS
from sdtm_convert.validate.core.rules import load_rules
from sdtm_convert.validate.core.run import SUPPORTED_TYPES
from tests.validate.core.slice_cases import ADAM_RULES, ARCHIVE, RULES

# operators the published cases never exercise with a passing rule: covered by test_operators.py instead
UNIT_TESTED = {
    "not_equal_to_case_insensitive", "is_not_contained_by_case_insensitive", "prefix_is_contained_by",
    "suffix_is_contained_by", "suffix_equal_to", "prefix_not_equal_to", "suffix_not_equal_to", "does_not_contain",
    "contains_case_insensitive", "does_not_contain_case_insensitive", "ends_with", "prefix_matches_regex",
    "longer_than_or_equal_to", "shorter_than", "shorter_than_or_equal_to", "has_equal_length",
    "has_not_equal_length", "invalid_duration", "is_unique_set", "is_unique_relationship",
    "not_present_on_multiple_rows_within", "non_empty_within_except_last_row",
    "has_next_corresponding_record", "target_is_not_sorted_by", "target_is_sorted_by", "is_ordered_subset_of",
    "is_not_ordered_subset_of", "shares_no_elements_with", "shares_at_least_one_element_with", "contains_all",
    "not_contains_all", "does_not_equal_string_part", "equals_string_part",
}
# operations and rule types no published case (of a rule whose cases all pass, SDTMIG) exercises: covered by
# test_library.py through the shipped rules that use them
UNIT_TESTED_OPERATIONS = {
    "get_column_order_from_library", "get_column_order_from_dataset", "get_parent_model_column_order",
    "get_model_filtered_variables", "required_variables", "expected_variables", "domain_is_custom",
    "extract_metadata", "codelist_terms",
}
UNIT_TESTED_TYPES = {"Value Check with Dataset Metadata", "Define Item Metadata Check against Library Metadata"}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("core")
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(root, filter="data")
    return root / "Published"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return {r.core_id: r for r in load_rules()}


def _cases(published: Path, rule_id: str) -> list:
    return [c for p in ("SDTMIG", "SENDIG", "TIG") for c in find_cases(published / rule_id, p)]


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_published_cases_of_rule_pass(published: Path, shipped: dict, rule_id: str) -> None:
    cases = _cases(published, rule_id)
    assert {c.kind for c in cases} == {"positive", "negative"}
    verdicts = [judge(c, shipped[rule_id]) for c in cases]
    assert [(v.case.kind, v.case.number, v.outcome, v.detail) for v in verdicts if v.outcome != "pass"] == []


def test_negative_case_flags_exactly_the_listed_records(published: Path) -> None:
    neg = next(c for c in _cases(published, "CORE-000001") if c.kind == "negative")
    assert expected(neg) == {("IE", "1"), ("IE", "2"), ("IE", "3")}


def test_every_supported_operator_operation_and_rule_type_is_exercised(shipped: dict) -> None:
    rules = [shipped[r] for r in RULES]
    by_cases = {op for r in rules for op in operators_used(r.check)}
    assert set(OPERATORS) - by_cases == UNIT_TESTED
    assert by_cases <= set(OPERATORS)
    adam = [shipped[r] for r in ADAM_RULES]  # the ADaM slice (test_adam_cases.py) exercises the rest
    assert ({str(o["operator"]) for r in rules + adam for o in r.operations}
            == set(OPERATIONS) - UNIT_TESTED_OPERATIONS)
    assert {r.rule_type for r in rules} == set(SUPPORTED_TYPES) - UNIT_TESTED_TYPES
    assert any(r.match for r in rules)
