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


def _sex(code, **where):
    return Issue(code, ERROR, "m", value="X", variable="SEX", **where)


def test_later_errors_about_a_bad_raw_value_are_listed_under_it():
    from sdtm_convert.common.provenance import once_per_cause

    root = _sex("ct-term-not-found", file="dm.csv", row=2, column="SEX", dataset="DM", usubjid="02-001")
    issues = [root, _issue("other"),
              _sex("schema-enum", file="dm.csv", row=2, dataset="DM", extra={"record": 16}),
              _sex("SC-CT-001", row=16, dataset="ADSL", usubjid="STUDY-02-001"),
              _sex("SC-CT-001", row=17, dataset="DM", usubjid="STUDY-02-002"),  # another subject
              _sex("ct-term-not-found", file="dm.csv", row=3, column="SEX", dataset="DM")]  # another cell
    out = once_per_cause(issues)
    assert [(i.code, i.row) for i in out] == [("ct-term-not-found", 2), ("other", 1), ("SC-CT-001", 17),
                                             ("ct-term-not-found", 3)]
    assert out[0].extra["also"] == [
        {"code": "schema-enum", "dataset": "DM", "variable": "SEX", "message": "m", "record": 16},
        {"code": "SC-CT-001", "dataset": "ADSL", "variable": "SEX", "message": "m", "record": 16}]
    assert out[0].message == "m; also reported as [schema-enum] DM.SEX, [SC-CT-001] ADSL.SEX"
