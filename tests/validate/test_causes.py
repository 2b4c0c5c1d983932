"""Root causes: the Issue Summary shows a cause behind several findings once, with its count and the rules,
datasets and variables it spans; the findings (Details) keep every record.

The literal findings below have the shape the rules give (values and messages as SC-CT-002, SC-META-006/007/009
write them); the arm-code case uses the CDISC pilot DM in tests/data/validate (52 screen failures coded
'Scrnfail', provenance in its README.md)."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd

from sdtm_convert.validate import validate_package, write_html, write_json, write_xlsx
from sdtm_convert.validate.causes import causes
from sdtm_convert.validate.report import FINDING_COLUMNS, ValidationReport
from tests.validate.conftest import DATA

CT_MSG = "Value not found in extensible codelist UNIT (CT 2025-03-25), {} records"
LEN_MSG = "Define.xml/dataset variable length mismatch"


def _report(findings: list[dict]) -> ValidationReport:
    rows = [{c: f.get(c) for c in FINDING_COLUMNS} for f in findings]
    f = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    f["cause"] = causes(f)
    return ValidationReport(standard="sdtmig-3.2", ct_version="2025-03-25", define=None, tool_version="0",
                            path=None, findings=f, datasets=[], rules=[])


def _ct(ds: str, var: str, term: str, n: int) -> dict:
    return {"rule": "SC-CT-002", "p21_id": "CT2002", "severity": "warning", "dataset": ds, "variable": var,
            "record": 1, "value": term, "message": CT_MSG.format(n), "records": n}


def _length(ds: str, var: str, data: int, define: int) -> dict:
    return {"rule": "SC-META-007", "severity": "notice", "dataset": ds, "variable": var,
            "value": f"data {data}, define {define}", "message": LEN_MSG}


def test_one_new_term_in_several_datasets_is_one_summary_row_with_its_records():
    r = _report([_ct("QSCO", "QSORRESU", "sec", 700), _ct("QSDA", "QSORRESU", "sec", 920),
                 _ct("QSDA", "QSORRESU", "msec", 3)])
    s = r.issue_summary()
    (row,) = s[s["cause"] != ""].itertuples(index=False)
    assert (row.cause, row.count, row.records, row.datasets) == ("term 'sec' not in codelist UNIT", 2, 1620, "QSCO, QSDA")
    (alone,) = s[s["cause"] == ""].itertuples(index=False)  # a cause of one finding stays in its rule's row
    assert (alone.rule, alone.count, alone.records) == ("SC-CT-002", 1, 3)
    assert len(r.findings) == 3


def test_one_define_length_across_datasets_is_one_cause_whatever_the_data_lengths():
    r = _report([_length(ds, "USUBJID", n, 40) for ds, n in (("AE", 11), ("CM", 12), ("DM", 11))]
                + [_length("AE", "AETERM", 46, 200)])
    s = r.issue_summary().set_index("cause")
    assert s.loc["define.xml length 40 of USUBJID", "count"] == 3
    assert s.loc["define.xml length 40 of USUBJID", "where"] == "AE.USUBJID, CM.USUBJID, DM.USUBJID"
    assert s.loc["", "count"] == 1 and s.loc["", "message"] == LEN_MSG


def test_a_label_in_the_data_is_one_cause_across_the_define_and_sdtmig_label_rules():
    label = "Result or Finding in Standard Format"
    r = _report([{"rule": "SC-META-006", "severity": "warning", "dataset": ds, "variable": "QSSTRESC",
                  "value": f"data '{label}', define 'Character Result/Finding in Std Format'",
                  "message": "Define.xml/dataset variable label mismatch"} for ds in ("QSCO", "QSDA")]
                + [{"rule": "SC-META-009", "severity": "warning", "dataset": ds, "variable": "QSSTRESC",
                    "value": f"'{label}' (SDTMIG: 'Character Result/Finding in Std Format')",
                    "message": "SDTM/dataset variable label mismatch"} for ds in ("QSCO", "QSDA")])
    (row,) = r.issue_summary().itertuples(index=False)
    assert (row.cause, row.rules, row.rule, row.count) == (
        f"QSSTRESC labelled '{label}' in the data", 2, "SC-META-006, SC-META-009", 4)


def test_a_rule_may_name_its_own_cause_and_the_worst_severity_leads():
    r = _report([{"rule": "SC-X", "severity": "notice", "dataset": "AE", "message": "m1", "cause": "one thing"},
                 {"rule": "SC-Y", "severity": "error", "dataset": "CM", "message": "m2", "cause": "one thing"}])
    (row,) = r.issue_summary().itertuples(index=False)
    assert (row.cause, row.severity, row.rules, row.message) == ("one thing", "error", 2, "m1; m2")


def test_screen_failures_coded_in_another_case_are_one_cause_in_every_report(tmp_path):
    r = validate_package(DATA, ct="2025-03-25")
    arm = r.findings[r.findings["cause"].notna() & r.findings["cause"].astype(str).str.startswith("DM.ARMCD")]
    # one SC-CONS-036 finding per subject (the arm rules compare exception values in any case)
    assert len(arm) == 52 and set(arm["rule"]) == {"SC-CONS-036"}
    assert arm["usubjid"].nunique() == 52
    cause = "DM.ARMCD 'Scrnfail' is exception value 'SCRNFAIL' in another case"
    doc = json.loads(write_json(r, tmp_path / "r.json").read_text(encoding="utf-8"))
    (row,) = [x for x in doc["issue_summary"] if x["cause"] == cause]
    assert row["count"] == 52 and row["rules"] == ["SC-CONS-036"]
    assert sum(1 for f in doc["findings"] if f["cause"] == cause) == 52  # the details keep every record
    sheet = list(openpyxl.load_workbook(write_xlsx(r, tmp_path / "r.xlsx"))["Issue Summary"].iter_rows(values_only=True))
    assert sum(1 for row in sheet if row[0] == cause and row[7] == 52) == 1
    html = write_html(r, tmp_path / "r.html").read_text(encoding="utf-8")
    summary, details = html.split("<h2>Details</h2>")
    escaped = f"<td>{cause.replace(chr(39), '&#39;')}</td>"
    assert summary.count(escaped) == 1 and details.count(escaped) == 52


def test_a_term_whose_message_names_no_codelist_is_grouped_by_its_message():
    msg = "Value not in the sponsor's list, {} records"
    r = _report([dict(_ct(ds, "QSCAT", "ADAS-COG", n), message=msg.format(n)) for ds, n in (("QSCO", 5), ("QSDA", 7))])
    (row,) = r.issue_summary().itertuples(index=False)
    assert (row.cause, row.count, row.records) == ("term 'ADAS-COG': Value not in the sponsor's list", 2, 12)
