"""assign_number: an earlier target as input, and bands."""

import pandas as pd
import pytest

from tests.mapping.algorithms._helpers import codes, raw, run

PASI_AREA = [[0, 0, 0], [0, 10, 1], [10, 30, 2], [30, 50, 3], [50, 70, 4], [70, 90, 5], [90, 100, 6]]


def test_bands_give_the_value_of_the_first_band_holding_the_number():
    f = raw(P=["0", "5", "10", "29.5", "90", "100"])
    s, issues = run("assign_number", f, column="P", bands=PASI_AREA, closed="left")
    assert s.tolist()[:5] == [0.0, 1.0, 2.0, 2.0, 6.0]
    assert pd.isna(s.iloc[5]) and codes(issues) == [("value-out-of-bands", 6, "P", "100")]


@pytest.mark.parametrize(("closed", "expected"), [("left", [2.0, 1.0]), ("right", [1.0, 1.0]), ("both", [1.0, 1.0])])
def test_closed_says_which_ends_belong_to_a_band(closed, expected):
    s, _ = run("assign_number", raw(P=["10", "5"]), column="P", bands=[[0, 10, 1], [10, 20, 2]], closed=closed)
    assert s.tolist() == expected


def test_an_earlier_target_is_read_as_the_number():
    f = raw(A=["x", "y", "z"])
    pct = pd.Series([15.0, float("nan"), 95.0])
    s, issues = run("assign_number", f, targets={"__PCT": pct}, column={"target": "__PCT"}, bands=PASI_AREA)
    assert s.tolist()[0] == 2.0 and pd.isna(s.iloc[1]) and s.tolist()[2] == 6.0 and issues == []


def test_text_target_that_is_not_a_number_is_reported_without_a_raw_column():
    s, issues = run("assign_number", raw(A=["x"]), targets={"__T": pd.Series(["abc"])}, column={"target": "__T"})
    assert pd.isna(s.iloc[0]) and codes(issues) == [("number-invalid", 1, None, "abc")]


def test_a_null_end_leaves_a_band_open():
    s, issues = run("assign_number", raw(P=["-5", "100", "250"]), column="P", bands=[[None, 0, 0], [90, None, 6]])
    assert s.tolist() == [0.0, 6.0, 6.0] and issues == []
