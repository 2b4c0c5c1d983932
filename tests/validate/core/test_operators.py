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


def _lists(operator: str, target: str, value: object, scalars: dict) -> list[bool]:
    frame = pd.DataFrame({"variable_name": ["STUDYID", "DOMAIN", "AETERM"]})
    leaf = Leaf(target, operator, value, False, ())
    return OPERATORS[operator](Frame(frame, scalars, {}, frozenset(frame.columns)), leaf).tolist()


@pytest.mark.parametrize(("operator", "target", "value", "scalars", "want"), [
    ("is_ordered_subset_of", "$have", "$lib", {"$have": ("A", "C"), "$lib": ("A", "B", "C")}, True),
    ("is_not_ordered_subset_of", "$have", "$lib", {"$have": ("C", "A"), "$lib": ("A", "B", "C")}, True),
    ("is_not_ordered_subset_of", "$have", "$lib", {"$have": ("A", "X"), "$lib": ("A", "B", "C")}, True),
    ("is_not_ordered_subset_of", "$have", "$lib", {"$have": ("A", "B"), "$lib": ("A", "B", "C")}, False),
    ("shares_no_elements_with", "$have", "$lib", {"$have": ("A",), "$lib": ("B", "C")}, True),
    ("shares_at_least_one_element_with", "$have", "$lib", {"$have": ("A", "B"), "$lib": ("B",)}, True),
    ("contains_all", "variable_name", ["$want"], {"$want": ("STUDYID", "AETERM")}, True),
    ("not_contains_all", "variable_name", ["$want"], {"$want": ("STUDYID", "AESEV")}, True),
    ("not_contains_all", "variable_name", ["$want"], {"$want": ("DOMAIN",)}, False),
])
def test_list_operator_holds_for_every_row_alike(operator: str, target: str, value: object, scalars: dict,
                                                 want: bool) -> None:
    assert _lists(operator, target, value, scalars) == [want] * 3


SE = pd.DataFrame({
    "USUBJID": ["S1", "S1", "S1", "S2", "S2"], "SESEQ": [2.0, 1.0, 3.0, 1.0, 2.0],
    "SESTDTC": ["2020-01-05", "2020-01-01", "2020-01-09", "2020-02-01", ""],
    "SEENDTC": ["2020-01-09", "2020-01-05", "", "2020-02-03", ""],
})


def _se(operator: str, target: str, value: object, **params: object) -> list[bool]:
    leaf = Leaf(target, operator, value, False, tuple(sorted(params.items())))
    return OPERATORS[operator](Frame(SE, {}, {}, frozenset(SE.columns)), leaf).tolist()


def test_next_corresponding_record_is_the_next_by_ordering_within_the_group() -> None:
    # S1 by SESEQ: 1 (ends 01-05, next starts 01-05), 2 (ends 01-09, next starts 01-09), 3 last;
    # S2: SESEQ 1 ends 02-03, the next starts empty
    assert _se("does_not_have_next_corresponding_record", "SEENDTC", "SESTDTC", within="USUBJID",
               ordering="SESEQ") == [False, False, False, True, False]
    assert _se("has_next_corresponding_record", "SEENDTC", "SESTDTC", within="USUBJID",
               ordering="SESEQ") == [True, True, True, False, True]


def test_target_is_not_sorted_by_flags_the_records_out_of_date_order() -> None:
    order = [{"name": "SESTDTC", "sort_order": "asc", "null_position": "last"}]
    assert _se("target_is_not_sorted_by", "SESEQ", order, within="USUBJID") == [False] * 5
    shuffled = SE.assign(SESEQ=[1.0, 2.0, 3.0, 2.0, 1.0])
    leaf = Leaf("SESEQ", "target_is_not_sorted_by", order, False, (("within", "USUBJID"),))
    got = OPERATORS["target_is_not_sorted_by"](Frame(shuffled, {}, {}, frozenset(SE.columns)), leaf).tolist()
    assert got == [True, True, False, True, True]
    assert OPERATORS["target_is_sorted_by"](Frame(shuffled, {}, {}, frozenset(SE.columns)), leaf).tolist() == \
        [False, False, True, False, False]


def test_string_part_compares_the_target_with_the_regex_group_of_the_value() -> None:
    frame = pd.DataFrame({"RDOMAIN": ["AE", "CM", ""]})
    leaf = Leaf("RDOMAIN", "does_not_equal_string_part", "$name", False, (("regex", ".{4}(..).*"),))
    fr = Frame(frame, {"$name": "SUPPAE"}, {}, frozenset(frame.columns))
    assert OPERATORS["does_not_equal_string_part"](fr, leaf).tolist() == [False, True, True]
    assert OPERATORS["equals_string_part"](fr, leaf).tolist() == [True, False, False]


def test_inconsistent_across_dataset_flags_every_record_of_an_inconsistent_group() -> None:
    frame = pd.DataFrame({"T": ["A", "A", "A", "B", "B"], "U": ["mg", "mg", "g", "L", "L"]})
    leaf = Leaf("U", "is_inconsistent_across_dataset", "T", False, ())
    assert OPERATORS["is_inconsistent_across_dataset"](Frame(frame, {}, {}, frozenset(frame.columns)), leaf).tolist() \
        == [True, True, True, False, False]
    kept = Frame(frame, {}, {}, frozenset(frame.columns), kept=np.array([True, True, False, True, True]))
    assert OPERATORS["is_inconsistent_across_dataset"](kept, leaf).tolist() == [False] * 5


def test_dates_compare_with_missing_components_as_the_earliest() -> None:
    frame = pd.DataFrame({"S": ["2018-11-06T12:00", "2018-04-17", "2018-04", "2018-04", ""],
                          "E": ["2018-11-06", "2018-04", "2018-04-01", "2018-04-17", "2018"]})
    leaf = Leaf("S", "date_greater_than", "E", False, ())
    fr = Frame(frame, {}, {}, frozenset(frame.columns))
    assert OPERATORS["date_greater_than"](fr, leaf).tolist() == [True, True, False, False, False]
    assert OPERATORS["date_equal_to"](fr, Leaf("S", "date_equal_to", "E", False, ())).tolist() == \
        [False, False, True, False, False]
