"""Structured conditions compile to masks; no eval, closed operator set."""

from __future__ import annotations

import pytest

from sdtm_convert.adam.derive import condition_mask, validate_condition
from sdtm_convert.errors import SdtmConvertError
from tests.adam.helpers import NA, frame

DF = frame([("Y", 1, 2), ("N", 5, NA), ("", NA, 3)], ["FL", "A", "B"])


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({"var": "FL", "op": "eq", "value": "Y"}, [True, False, False]),
        ({"var": "FL", "value": "Y"}, [True, False, False]),
        ({"var": "FL", "op": "in", "value": ["Y", "N"]}, [True, True, False]),
        ({"var": "FL", "op": "not_in", "value": ["Y"]}, [False, True, True]),
        ({"var": "A", "op": "ge", "value": 2}, [False, True, False]),
        ({"var": "A", "op": "lt", "value": 2}, [True, False, False]),
        ({"var": "FL", "op": "missing"}, [False, False, True]),
        ({"var": "A", "op": "present"}, [True, True, False]),
        ({"var": "A", "op": "le", "ref": "B"}, [True, False, False]),
        ({"all": [{"var": "A", "op": "present"}, {"var": "FL", "value": "N"}]}, [False, True, False]),
        ({"any": [{"var": "FL", "value": "Y"}, {"var": "B", "op": "ge", "value": 3}]}, [True, False, True]),
        ({"not": {"var": "FL", "value": "Y"}}, [False, True, True]),
        (None, [True, True, True]),
    ],
)
def test_condition_mask(cond, expected):
    assert condition_mask(DF, cond).tolist() == expected


def test_unknown_operator_or_variable_is_a_fatal_config_error():
    with pytest.raises(SdtmConvertError) as e:
        condition_mask(DF, {"var": "FL", "op": "__import__", "value": "os"})
    assert e.value.issue.code == "adam-condition-invalid"
    with pytest.raises(SdtmConvertError):
        condition_mask(DF, {"var": "NOPE", "value": 1})


def test_validate_condition_lists_problems():
    assert validate_condition({"var": "A", "op": "gt", "value": 1}) == []
    assert validate_condition({"all": [{"op": "eq"}, {"var": "A", "op": "bad"}]}) == [
        "condition has no 'column', 'target' or 'var'",
        "operator 'eq' needs 'value' or 'ref'",
        "unknown operator 'bad' (operators: eq, ne, in, not_in, is_empty, not_empty, gt, ge, lt, le, matches,"
        " starts_with, missing, present)",
    ]
    assert validate_condition("A > 1")  # a string is never evaluated


def test_a_filter_may_be_a_parsed_condition_of_the_one_language():
    from sdtm_convert.adam.derive import derive_var_flag
    from sdtm_convert.spec import conditions

    node = conditions.parse({"any": [{"var": "FL", "op": "eq", "value": "Y"}, {"var": "B", "op": "ge", "value": 3}]},
                            comparison="typed")
    assert condition_mask(DF, node).tolist() == [True, False, True]
    assert derive_var_flag(DF, "X", node)["X"].tolist() == ["Y", "N", "Y"]


def test_a_filter_compares_typed_values_exactly():
    """Unlike a mapping ``where`` (trimmed text, any case): ' y' is not 'Y' in ADaM."""
    df = frame([("Y",), (" y",), ("y",)], ["FL"])
    assert condition_mask(df, {"var": "FL", "op": "eq", "value": "Y"}).tolist() == [True, False, False]
    assert condition_mask(df, {"var": "FL", "op": "matches", "value": "y"}).tolist() == [False, False, True]
    assert condition_mask(df, {"var": "FL", "op": "starts_with", "value": "y", "case_sensitive": False}).tolist() == [
        True, False, True]
