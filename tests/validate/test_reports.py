"""JSON, Excel and HTML reports render the one ValidationReport; values are escaped."""

from __future__ import annotations

import json
import re

import openpyxl
import pandas as pd

from sdtm_convert.validate import rules_catalog, validate_package, write_html, write_json, write_xlsx
from sdtm_convert.validate.catalog import render_markdown
from tests.validate.conftest import sdtm_base

XSS = "<script>alert(1)</script>"


def _report():
    p = sdtm_base()
    p["AE"].loc[0, "AESTDTC"] = XSS  # invalid ISO 8601: its value lands in the report
    return validate_package(p)


def test_json_report(tmp_path):
    r = _report()
    data = json.loads(write_json(r, tmp_path / "r.json").read_text())
    assert data["run"]["standard"] == "sdtmig-3.4" and data["run"]["ct_version"]
    assert {"read_s", "validate_s", "total_s"} <= set(data["run"]["timing"])
    f = next(x for x in data["findings"] if x["rule"] == "SC-FMT-001")
    assert f["p21_id"] == "SD0003" and f["fda_id"] == "FDAC038" and f["value"] == XSS
    assert {
        "rule",
        "p21_id",
        "cdisc_id",
        "fda_id",
        "severity",
        "dataset",
        "variable",
        "record",
        "usubjid",
        "seq",
        "value",
        "message",
    } <= set(f)
    assert f["record"] == 1 and f["usubjid"] == "S-1" and f["seq"] == 1
    assert any(s["rule"] == "SC-FMT-001" and s["dataset"] == "AE" and s["count"] == 1 for s in data["summary"])
    assert data["counts"]["errors"] == r.errors


def test_xlsx_report_has_the_p21_sheets(tmp_path):
    wb = openpyxl.load_workbook(write_xlsx(_report(), tmp_path / "r.xlsx"))
    assert wb.sheetnames == ["Dataset Summary", "Issue Summary", "Details", "Rules"]
    details = list(wb["Details"].iter_rows(values_only=True))
    assert details[0][:3] == ("Dataset", "Record", "USUBJID") and len(details) > 1


def test_html_escapes_values_and_has_no_network(tmp_path):
    html = write_html(_report(), tmp_path / "r.html").read_text()
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "http://" not in html.replace("http-equiv", "") and "https://" not in html
    assert html.index("Issue summary") < html.index("Details")


def test_catalog_lists_every_rule_with_ids():
    cat = rules_catalog()
    ids = [r["id"] for r in cat]
    assert len(ids) == len(set(ids)) and len(ids) > 100
    by = {r["id"]: r for r in cat}
    assert by["SC-PRES-002"]["p21_id"] == "SD0002" and by["SC-PRES-002"]["fda_id"] == "FDAC018"
    assert by["AD-CONS-223"]["cdisc_id"] == "ADaM-223"
    assert all(r["category"] and r["severity"] in ("error", "warning", "notice") and r["message"] for r in cat)


def test_docs_rules_md_is_generated_from_the_code():
    from pathlib import Path

    doc = Path(__file__).parents[2] / "docs" / "rules.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(), (
        "regenerate: python -m sdtm_convert.validate.catalog docs/rules.md"
    )


def test_cdisc_equivalents_exist_in_the_core_catalogue():
    from sdtm_convert.validate.registry import core_catalog

    core = core_catalog()
    for r in rules_catalog():
        for part in (r["cdisc_id"] or "").split("; "):
            if part.startswith("CORE-"):
                assert part in core, (r["id"], part)
            elif part.startswith(("CG", "FB")):
                assert any(part in c["source_ids"].split(",") for c in core.values()), (r["id"], part)


def test_json_report_can_list_a_limited_number_of_findings_per_rule_but_counts_them_all(tmp_path):
    import json

    import pandas as pd

    from sdtm_convert.validate import validate_package, write_json

    ae = pd.DataFrame({"STUDYID": ["S"] * 5, "DOMAIN": ["AE"] * 5, "USUBJID": ["S-1"] * 5,
                       "AESEQ": [1.0, 2, 3, 4, 5], "AETERM": ["X"] * 5, "AEDECOD": ["X"] * 5,
                       "AESEV": [f"HUGE{i}" for i in range(5)]})  # five terms: five findings
    report = validate_package({"AE": ae}, standard="sdtmig-3.4")
    sev = report.findings[report.findings["variable"] == "AESEV"]
    assert len(sev) == 5
    doc = json.loads(write_json(report, tmp_path / "r.json", per_group=2).read_text(encoding="utf-8"))
    listed = [f for f in doc["findings"] if f["variable"] == "AESEV" and f["rule"] == sev["rule"].iloc[0]]
    assert len(listed) == 2 and doc["counts"]["findings"] == len(report.findings)
    assert doc["counts"]["listed"] < doc["counts"]["findings"]


def test_a_standalone_validation_is_dated_by_its_real_start_and_says_so(tmp_path):
    r = _report()
    run = json.loads(write_json(r, tmp_path / "r.json").read_text())["run"]
    assert run["package_date"] is None and run["package_date_source"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", run["started"])
    html = write_html(r, tmp_path / "r.html").read_text()
    assert f"validation started {run['started']} (clock of the validating machine)" in html
    info = dict(openpyxl.load_workbook(write_xlsx(r, tmp_path / "r.xlsx"))["Dataset Summary"].iter_rows(
        min_col=1, max_col=2, values_only=True))
    assert info.get("Date", "").startswith(f"validation started {run['started']}")


def test_issue_summary_has_a_row_per_message_of_a_rule_in_one_dataset(tmp_path):
    from tests.validate.conftest import DATA

    r = validate_package(DATA / "ts.xpt", ct="2025-03-25")  # CDISC pilot TS: three codelists miss terms
    rows = json.loads(write_json(r, tmp_path / "r.json").read_text())["summary"]
    ct = [s for s in rows if s["rule"] == "SC-CT-002" and s["dataset"] == "TS"]
    assert {re.search(r"codelist (\S+)", s["message"]).group(1) for s in ct} == {"DICTNAM", "TSPARM", "TSPARMCD"}
    assert sum(s["count"] for s in ct) == int((r.findings["rule"] == "SC-CT-002").sum())
    sheet = list(openpyxl.load_workbook(write_xlsx(r, tmp_path / "r.xlsx"))["Issue Summary"].iter_rows(values_only=True))
    head = sheet[0]
    xl = [dict(zip(head, row)) for row in sheet[1:] if row[head.index("Rules")] == "SC-CT-002"]
    assert {re.search(r"codelist (\S+)", x["Message"]).group(1) for x in xl} == {"DICTNAM", "TSPARM", "TSPARMCD"}
    assert sum(x["Findings"] for x in xl) == sum(s["count"] for s in ct) and all(x["Datasets"] == "TS" for x in xl)


def test_xlsx_details_past_the_sheet_row_limit_continue_on_numbered_sheets(tmp_path, monkeypatch):
    import sdtm_convert.validate.report_xlsx as xlsx

    monkeypatch.setattr(xlsx, "SHEET_ROWS", 4)  # 3 findings a sheet (Excel's real limit is 1,048,576 rows)
    monkeypatch.setattr(xlsx, "_CHUNK", 2)
    r = _report()
    n = len(r.findings)
    wb = openpyxl.load_workbook(write_xlsx(r, tmp_path / "r.xlsx"))
    details = [s for s in wb.sheetnames if s.startswith("Details")]
    assert details == ["Details"] + [f"Details ({i})" for i in range(2, -(-n // 3) + 1)] and len(details) > 1
    rows = [row for s in details for row in list(wb[s].iter_rows(values_only=True))[1:]]
    assert [(row[0], row[1], row[6]) for row in rows] == [
        (d, None if pd.isna(rec) else int(rec), rule)
        for d, rec, rule in zip(r.findings["dataset"], r.findings["record"], r.findings["rule"])]
    notes = [v for k, v in wb["Dataset Summary"].iter_rows(min_col=1, max_col=2, values_only=True) if k == "Note"]
    assert f"{n:,} findings: Details continue over {len(details)} sheets" in " ".join(notes)



def test_json_report_lists_one_finding_a_line(tmp_path):
    r = _report()
    lines = write_json(r, tmp_path / "r.json").read_text(encoding="utf-8").splitlines()
    start = lines.index(' "findings": [')
    listed = lines[start + 1 : start + 1 + len(r.findings)]
    assert [json.loads(x.rstrip(","))["rule"] for x in listed] == list(r.findings["rule"])
    assert lines[start + 1 + len(r.findings)] == " ],"


def test_xlsx_keeps_a_formula_like_value_as_text_without_an_apostrophe(tmp_path):
    p = sdtm_base()
    p["AE"].loc[0, "AESTDTC"] = "=1+1"  # invalid ISO 8601: its value lands in Details
    p["AE"].loc[1, "AESTDTC"] = "@SUM(A1)"
    wb = openpyxl.load_workbook(write_xlsx(validate_package(p), tmp_path / "r.xlsx"))
    ws = wb["Details"]
    head = [c.value for c in ws[1]]
    cells = [row[head.index("Value")] for row in ws.iter_rows(min_row=2)]
    odd = [c for c in cells if c.value in ("=1+1", "@SUM(A1)")]
    assert {c.value for c in odd} == {"=1+1", "@SUM(A1)"}
    assert {(c.data_type, c.quotePrefix) for c in odd} == {("s", True)}
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f" or str(c.value).startswith("'")]


def test_xlsx_writes_a_value_holding_a_control_character_with_the_character_named(tmp_path):
    p = sdtm_base()
    p["AE"].loc[0, "AESTDTC"] = "2024\x00-01"  # invalid ISO 8601 and a NUL: openpyxl refuses the raw value
    wb = openpyxl.load_workbook(write_xlsx(validate_package(p), tmp_path / "r.xlsx"))
    values = {c for row in wb["Details"].iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert "2024<U+0000>-01" in values and not [v for v in values if "\x00" in v]
    summary = {c for row in wb["Issue Summary"].iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert not [v for v in summary if "\x00" in v]
