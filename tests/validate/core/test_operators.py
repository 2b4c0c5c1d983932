"""Operators of the CORE interpreter that no published test case exercises with a passing rule, on literal
frames: one boolean per record, compared whole."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.validate.core.operators import OPERATORS, Frame, Leaf

FRAME = pd.DataFrame({
    "A": ["Headache", "NAUSEA", "", "rash"],
    "B": ["HEADACHE", "nausea", "", "Fever"],
    "C": ["AEX1", "CMX2", "AEY3", ""],
    "D": ["P3D", "-PT15M", "3 days", ""],
    "G": ["S1", "S1", "S2", "S2"],
    "N": [1.0, 2.0, 2.0, np.nan],
})


def run(operator: str, target: str, value: object = None, **params: object) -> list[bool]:
    leaf = Leaf(target, operator, value, False, tuple(sorted(params.items())))
    return OPERATORS[operator](Frame(FRAME, {}, {}, frozenset(FRAME.columns)), leaf).tolist()


@pytest.mark.parametrize(("operator", "target", "value", "params", "want"), [
    ("not_equal_to_case_insensitive", "A", "B", {}, [False, False, False, True]),
    ("is_not_contained_by_case_insensitive", "A", ["headache", "RASH"], {}, [False, True, True, False]),
    ("prefix_is_contained_by", "C", ["AE"], {"prefix": 2}, [True, False, True, False]),
    ("suffix_is_contained_by", "C", ["X1", "X2"], {"suffix": 2}, [True, True, False, False]),
    ("suffix_equal_to", "C", "3", {"suffix": 1}, [False, False, True, False]),
    ("prefix_not_equal_to", "C", "AE", {"prefix": 2}, [False, True, False, True]),
    ("suffix_not_equal_to", "C", "2", {"suffix": 1}, [True, False, True, True]),
    ("does_not_contain", "A", "ach", {}, [False, True, True, True]),
    ("contains_case_insensitive", "A", "AUS", {}, [False, True, False, False]),
    ("does_not_contain_case_insensitive", "A", "AUS", {}, [True, False, True, True]),
    ("ends_with", "C", "2", {}, [False, True, False, False]),
    ("prefix_matches_regex", "C", "^A", {"prefix": 2}, [True, False, True, False]),
    ("longer_than_or_equal_to", "A", 6, {}, [True, True, False, False]),
    ("shorter_than", "A", 6, {}, [False, False, True, True]),
    ("shorter_than_or_equal_to", "A", 4, {}, [False, False, True, True]),
    ("has_equal_length", "A", "B", {}, [True, True, True, False]),
    ("has_not_equal_length", "A", "B", {}, [False, False, False, True]),
    ("invalid_duration", "D", None, {}, [False, False, True, False]),
    ("is_unique_set", "G", ["N"], {}, [True, True, True, True]),
    ("is_unique_relationship", "G", "N", {}, [False, False, False, False]),  # S1 has N 1 and 2; N 2 is S1 and S2
    ("is_unique_relationship", "C", "A", {}, [True, True, True, True]),
    ("not_present_on_multiple_rows_within", "G", None, {"within": "N"}, [True, True, True, True]),
    ("non_empty_within_except_last_row", "A", "G", {}, [True, False, False, False]),
])
def test_operator_on_literal_frame(operator: str, target: str, value: object, params: dict, want: list[bool]) -> None:
    assert run(operator, target, value, **params) == want


def test_equal_to_is_false_and_not_equal_to_true_when_one_side_is_empty() -> None:
    assert run("equal_to", "A", "B") == [False, False, False, False]
    assert run("not_equal_to", "A", "B") == [True, True, False, True]


def test_numbers_compare_as_numbers() -> None:
    assert run("equal_to", "N", "2") == [False, True, True, False]
    assert run("less_than", "N", 2) == [True, False, False, False]


def test_type_insensitive_equality_compares_decimals_as_numbers() -> None:
    """CORE-000542's case on the pilot: --STRESC '8.55' against --STRESN read back as 8.549999999999999 is
    equal (CDISC's engine compares them as text and flags them); '200.00' equals 200; text stays text."""
    frame = pd.DataFrame({"C": ["8.55", "200.00", "POS", "7"], "N": [8.549999999999999, 200.0, np.nan, 7.5]})
    leaf = Leaf("C", "not_equal_to", "N", False, (("type_insensitive", True),))
    got = OPERATORS["not_equal_to"](Frame(frame, {}, {}, frozenset(frame.columns)), leaf).tolist()
    assert got == [False, False, True, True]
