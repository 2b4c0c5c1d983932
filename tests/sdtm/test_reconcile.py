"""Reconciliation: records in the file (counted from its bytes) = read = mapped + rejected."""

import pandas as pd

from sdtm_convert.io.raw import SRC_FILE, SRC_ROW, RawDataset
from sdtm_convert.mapping.engine import ACCOUNT_COLUMNS
from sdtm_convert.sdtm.reconcile import reconcile


def _raw(rows: int, in_file: int) -> dict[str, RawDataset]:
    frame = pd.DataFrame({"SUBJECT": ["01"] * rows, SRC_FILE: "ae.csv", SRC_ROW: range(1, rows + 1)})
    return {"ae": RawDataset("ae", frame, ["ae.csv"], records={"ae.csv": in_file})}


def _mapped(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"file": "ae.csv", "row": range(1, rows + 1), "domain": "AE", "status": "mapped",
                         "reason": ""})[ACCOUNT_COLUMNS]


def test_records_in_the_file_are_reported_beside_rows_read():
    summary, _, issues = reconcile(_raw(3, 3), _mapped(3))
    assert summary[["file", "rows_in_file", "rows_read", "rows_mapped"]].values.tolist() == [["ae.csv", 3, 3, 3]]
    assert issues == []


def test_fewer_rows_read_than_records_in_the_file_is_an_error():
    summary, _, issues = reconcile(_raw(2, 3), _mapped(2))
    assert summary["rows_in_file"].tolist() == [3] and summary["rows_read"].tolist() == [2]
    assert [(i.code, i.severity, i.file) for i in issues] == [("raw-records-unread", "error", "ae.csv")]


def test_a_file_with_no_rows_read_keeps_its_line():
    raw = _raw(2, 2)
    raw["ds"] = RawDataset("ds", pd.DataFrame({"SUBJECT": [], SRC_FILE: [], SRC_ROW: []}), ["disposition.csv"],
                           records={"disposition.csv": 0})
    summary, _, issues = reconcile(raw, _mapped(2))
    assert summary[["file", "rows_in_file", "rows_read", "rows_mapped", "rows_rejected"]].values.tolist() == [
        ["ae.csv", 2, 2, 2, 0], ["disposition.csv", 0, 0, 0, 0]]
    assert issues == []


def test_a_file_whose_records_were_all_lost_is_an_error():
    raw = _raw(2, 2)
    raw["ds"] = RawDataset("ds", pd.DataFrame({"SUBJECT": [], SRC_FILE: [], SRC_ROW: []}), ["disposition.csv"],
                           records={"disposition.csv": 5})
    summary, _, issues = reconcile(raw, _mapped(2))
    assert summary.loc[summary["file"] == "disposition.csv", ["rows_in_file", "rows_read"]].values.tolist() == [[5, 0]]
    assert [(i.code, i.file) for i in issues] == [("raw-records-unread", "disposition.csv")]
