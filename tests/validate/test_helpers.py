"""The validator's shared building blocks, on small frames whose answer is worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.validate.helpers import inconsistent


def test_inconsistent_flags_values_other_than_the_group_mode():
    df = pd.DataFrame({
        "K": ["a", "a", "a", "b", "b", "c", None, None, None],
        "V": ["x", "x", "y", "q", "p", "z", "m", "n", "n"],
    }, index=[10, 11, 12, 13, 14, 15, 16, 17, 18])
    got = inconsistent(df, ["K"], "V")
    assert list(got.index) == [10, 11, 12, 13, 14, 15, 16, 17, 18]
    # a: x is the mode; b: a tie goes to the value sorting first (p); c: one value; missing keys: a group too
    assert got.tolist() == [False, False, True, True, False, False, True, False, False]


def test_inconsistent_by_two_keys_and_numbers():
    df = pd.DataFrame({"A": ["s", "s", "s", "t"], "B": [1.0, 1.0, 2.0, 1.0], "V": [5.0, 6.0, 7.0, 8.0]})
    assert inconsistent(df, ["A", "B"], "V").tolist() == [False, True, False, False]  # tie 5 vs 6: 5 sorts first
    assert not inconsistent(df.iloc[0:0], ["A"], "V").any()


def test_inconsistent_missing_value_sorts_last_in_a_tie():
    df = pd.DataFrame({"K": ["a", "a", "a"], "V": [np.nan, 2.0, 4.0]}, index=[7, 8, 9])
    assert inconsistent(df, ["K"], "V").tolist() == [True, False, True]  # a three-way tie: 2.0 is the mode
