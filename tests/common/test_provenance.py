from sdtm_convert.common.provenance import once_per_cell
from sdtm_convert.errors import ERROR, WARNING, Issue


def _issue(code, severity=ERROR, row=1, column="ERYTH"):
    return Issue(code, severity, "m", file="pasi.csv", row=row, column=column)


def test_a_later_error_about_a_cell_already_in_error_is_dropped():
    earlier = [_issue("number-invalid")]
    later = [_issue("pasi-item-out-of-range"), _issue("pasi-item-out-of-range", row=2),
             _issue("pasi-item-out-of-range", column="INDUR"), _issue("a-warning", severity=WARNING)]
    assert [(i.code, i.row, i.column) for i in once_per_cell(earlier, later)] == [
        ("pasi-item-out-of-range", 2, "ERYTH"), ("pasi-item-out-of-range", 1, "INDUR"), ("a-warning", 1, "ERYTH")]


def test_a_warning_or_an_issue_without_a_column_does_not_hide_a_later_error():
    earlier = [_issue("x", severity=WARNING), Issue("y", ERROR, "m", file="pasi.csv", row=1)]
    later = [_issue("pasi-item-out-of-range")]
    assert once_per_cell(earlier, later) == later
