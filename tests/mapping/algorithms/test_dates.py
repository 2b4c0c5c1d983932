"""assign_datetime: user-defined formats with any separators, declared unknown tokens, targets as input."""

import pandas as pd

from tests.mapping.algorithms._helpers import codes, raw, run


def test_user_format_with_slashes_and_declared_unknown_tokens_keeps_partial_dates():
    f = raw(D=["2021/03/04", "2021/UK/UK", "2021/03/UNK", "2021/UNK/04", ""])
    s, issues = run("assign_datetime", f, date="D", format="YYYY/MM/DD", unknown=["UK", "UNK"])
    assert s.tolist() == ["2021-03-04", "2021", "2021-03", "2021---04", ""] and issues == []


def test_user_format_keeps_the_calendar_check_with_file_row_and_column():
    f = raw(D=["2021/02/28", "2021/02/30", "2021/13/01"])
    s, issues = run("assign_datetime", f, date="D", format="YYYY/MM/DD")
    assert s.tolist() == ["2021-02-28", "", ""]
    assert codes(issues) == [("date-invalid", 3, "D", "2021/13/01"), ("date-nonexistent", 2, "D", "2021/02/30")]
    assert issues[1].file == "x.csv"


def test_declared_unknown_tokens_replace_the_default_ones():
    f = raw(D=["2021/UN/01"])
    _, issues = run("assign_datetime", f, date="D", format="YYYY/MM/DD", unknown=["UK"])
    assert codes(issues) == [("date-invalid", 1, "D", "2021/UN/01")]


def test_fixed_width_and_dotted_formats():
    s, _ = run("assign_datetime", raw(D=["20210304"]), date="D", format="YYYYMMDD")
    assert s.tolist() == ["2021-03-04"]
    s, _ = run("assign_datetime", raw(D=["4.Mar.2021"]), date="D", format="DD.MON.YYYY")
    assert s.tolist() == ["2021-03-04"]


def test_an_earlier_target_is_read_as_the_date():
    f = raw(A=["x", "y"])
    s, issues = run("assign_datetime", f, targets={"__D": pd.Series(["2021/03/04", "2021/02/30"])},
                    date={"target": "__D"}, format="YYYY/MM/DD")
    assert s.tolist() == ["2021-03-04", ""]
    assert codes(issues) == [("date-nonexistent", 2, None, "2021/02/30")]
