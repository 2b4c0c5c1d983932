"""Repeated record keys: an exact copy loses its later copy (warning), a conflict loses every copy (error)."""

import pandas as pd

from sdtm_convert.errors import ERROR, WARNING
from sdtm_convert.io.duplicates import split_duplicates


def _frame(rows):
    df = pd.DataFrame(rows, columns=["SUBJECT", "SEX", "AGE"])
    df["__src_file"] = "dm.csv"
    df["__src_row"] = range(1, len(df) + 1)
    return df


def test_an_exact_copy_is_a_warning_and_the_first_copy_is_kept():
    kept, rejected, issues = split_duplicates(_frame([["1", "F", "40"], ["2", "M", "51"], ["1", "F", "40"]]),
                                              ["SUBJECT"])
    assert kept["__src_row"].tolist() == [1, 2] and rejected["__src_row"].tolist() == [3]
    assert [(i.code, i.severity, i.row) for i in issues] == [("raw-duplicate-record", WARNING, 3)]
    assert issues[0].message == ("duplicate record for SUBJECT = 1 (an exact copy of dm.csv data row 1); "
                                 "later copy rejected")
    assert rejected["__reason"].tolist() == ["duplicate record on keys SUBJECT (exact copy; first copy kept)"]


def test_copies_that_differ_are_an_error_naming_both_rows_and_every_differing_value_and_all_are_rejected():
    frame = _frame([["1", "F", "40"], ["2", "M", "51"], ["3", "M", "60"], ["1", "M", "41"], ["3", "M", "60"]])
    kept, rejected, issues = split_duplicates(frame, ["SUBJECT"])
    assert kept["__src_row"].tolist() == [2, 3]
    assert rejected["__src_row"].tolist() == [1, 4, 5]
    assert [(i.code, i.severity, i.file, i.row, i.column, i.value) for i in issues] == [
        ("raw-duplicate-conflict", ERROR, "dm.csv", 4, "SEX", "M"),
        ("raw-duplicate-record", WARNING, "dm.csv", 5, "SUBJECT", "3"),
    ]
    assert issues[0].message == ("records for SUBJECT = 1 in dm.csv data row 1 and dm.csv data row 4 differ in "
                                 "SEX 'F' vs 'M'; AGE '40' vs '41'; every copy of this key rejected "
                                 "(resolve at the source)")
    assert rejected["__reason"].tolist() == ["conflicting duplicate record on keys SUBJECT (every copy rejected)"] * 2 \
        + ["duplicate record on keys SUBJECT (exact copy; first copy kept)"]


def test_a_third_copy_equal_to_the_first_does_not_save_a_conflicting_key():
    frame = _frame([["1", "F", "40"], ["1", "F", "40"], ["1", "M", "40"]])
    kept, rejected, issues = split_duplicates(frame, ["SUBJECT", "AGE"])
    assert kept.empty and rejected["__src_row"].tolist() == [1, 2, 3]
    assert [(i.code, i.row, i.column) for i in issues] == [("raw-duplicate-conflict", 3, "SEX")]


def test_unique_keys_reject_nothing():
    frame = _frame([["1", "F", "40"], ["2", "F", "40"]])
    kept, rejected, issues = split_duplicates(frame, ["SUBJECT"])
    assert kept is frame and rejected is None and issues == []
