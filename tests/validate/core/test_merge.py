"""``validate_package(rules_source="all")``: a check both our rules and a CORE rule raise on the same record is
one finding carrying every id; a finding only one side raises stays with its own ids; ``p21`` reports are as
before (no CORE column)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from sdtm_convert.validate import validate_package, write_html, write_json, write_xlsx
from sdtm_convert.validate.core.merge import merge_findings
from sdtm_convert.validate.registry import RULES
from sdtm_convert.validate.report import FINDING_COLUMNS

# AE record 1 ends before it starts: our SC-CONS-018 (P21 SD0013) and CORE-000718 (FB3209) both flag it
AE = pd.DataFrame({
    "STUDYID": ["S1"] * 3, "DOMAIN": ["AE"] * 3, "USUBJID": ["S1-1", "S1-1", "S1-2"], "AESEQ": [1.0, 2.0, 1.0],
    "AETERM": ["HEADACHE", "NAUSEA", "RASH"], "AEDECOD": ["Headache", "Nausea", "Rash"],
    "AESTDTC": ["2020-01-05", "2020-13-45", "2020-02-01"], "AEENDTC": ["2020-01-04", "2020-02-10", "2020-02-03"],
})
IDS = ["rule", "p21_id", "cdisc_id", "fda_id", "core_id", "dataset", "variable", "record"]


def _all():
    return validate_package({"AE": AE}, standard="sdtmig-3.4", rules_source="all")


def test_a_check_both_sources_flag_is_one_finding_with_every_id() -> None:
    f = _all().findings
    both = f[(f["core_id"] == "CORE-000718") | (f["rule"] == "SC-CONS-018")]
    assert [tuple(r) for r in both[IDS].itertuples(index=False)] == [
        ("SC-CONS-018", "SD0013", "FB3209", "FDAC107, FB3209", "CORE-000718", "AE", "AESTDTC", 1)]
    assert both["why"].iloc[0].startswith("AESTDTC non empty and AEENDTC non empty and AESTDTC date greater than")


def test_a_finding_only_core_raises_is_kept_with_its_own_ids() -> None:
    f = _all().findings
    only = f[f["rule"] == "CORE-000328"]
    assert [tuple(r) for r in only[["rule", "p21_id", "fda_id", "core_id", "dataset", "value"]].itertuples(index=False)] \
        == [("CORE-000328", None, "FB3202", "CORE-000328", "AE", "AESTDTC=2020-01-05")]


def test_a_finding_only_our_rule_raises_is_kept_without_a_core_id() -> None:
    f = _all().findings
    ours = f[f["rule"] == "SC-FMT-001"]
    assert ours[["p21_id", "record"]].values.tolist() == [["SD0003", 2]]
    assert ours["core_id"].isna().all()


def test_merging_counts_are_in_the_notes() -> None:
    report = _all()
    assert [n for n in report.notes if n.startswith("findings merged")] == [
        f"findings merged: {len(report.findings) - 4} of this project's rules + 5 of CORE rules -> "
        f"{len(report.findings)} (a check both raise on the same record is one finding with every id)"]


def test_equivalent_findings_on_different_records_stay_apart() -> None:
    cols = [*FINDING_COLUMNS, "core_id", "why"]
    ours = pd.DataFrame([dict.fromkeys(FINDING_COLUMNS) | {"rule": "SC-CONS-018", "dataset": "AE", "record": 2,
                                                          "variable": "AESTDTC", "cdisc_id": "FB3209; CORE-000718"}])
    core = pd.DataFrame([dict.fromkeys(cols) | {"rule": "CORE-000718", "core_id": "CORE-000718", "dataset": "AE",
                                                "record": 1, "value": "AESTDTC=x; AEENDTC=y"}])
    merged = merge_findings(ours, core, [RULES["SC-CONS-018"]])
    assert merged[["rule", "record", "core_id"]].values.tolist() == [["SC-CONS-018", 2, None],
                                                                       ["CORE-000718", 1, "CORE-000718"]]
    same = merge_findings(ours.assign(record=1), core, [RULES["SC-CONS-018"]])
    assert same[["rule", "record", "core_id"]].values.tolist() == [["SC-CONS-018", 1, "CORE-000718"]]


def test_equivalent_findings_on_another_variable_stay_apart() -> None:
    cols = [*FINDING_COLUMNS, "core_id", "why"]
    ours = pd.DataFrame([dict.fromkeys(FINDING_COLUMNS) | {"rule": "SC-CONS-018", "dataset": "AE", "record": 1,
                                                          "variable": "AEDTC", "cdisc_id": "FB3209; CORE-000718"}])
    core = pd.DataFrame([dict.fromkeys(cols) | {"rule": "CORE-000718", "core_id": "CORE-000718", "dataset": "AE",
                                                "variable": "AESTDTC", "record": 1, "value": "AESTDTC=x; AEENDTC=y"}])
    assert len(merge_findings(ours, core, [RULES["SC-CONS-018"]])) == 2


def test_json_html_and_excel_reports_show_every_id_of_a_merged_finding(tmp_path: Path) -> None:
    report = _all()
    doc = json.loads(write_json(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    merged = next(f for f in doc["findings"] if f["rule"] == "SC-CONS-018")
    assert (merged["p21_id"], merged["cdisc_id"], merged["fda_id"], merged["core_id"]) == (
        "SD0013", "FB3209", "FDAC107, FB3209", "CORE-000718")
    html = write_html(report, tmp_path / "r.html").read_text(encoding="utf-8")
    row = next(line for line in html.splitlines() if 'data-rule="SC-CONS-018"' in line)
    assert "<td>CORE-000718</td>" in row and "<td>FDAC107, FB3209</td>" in row
    ws = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"), read_only=True)["Details"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    hit = next(r for r in rows if r[head.index("Rule")] == "SC-CONS-018")
    assert (hit[head.index("Pinnacle 21 ID")], hit[head.index("FDA ID")], hit[head.index("CDISC ID")],
            hit[head.index("CORE ID")]) == ("SD0013", "FDAC107, FB3209", "FB3209", "CORE-000718")


def test_p21_reports_carry_no_core_column(tmp_path: Path) -> None:
    report = validate_package({"AE": AE}, standard="sdtmig-3.4", rules_source="p21")
    doc = json.loads(write_json(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert set(doc["findings"][0]) == set(FINDING_COLUMNS) - {"category"}
    assert "CORE ID" not in write_html(report, tmp_path / "r.html").read_text(encoding="utf-8")
    ws = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"), read_only=True)["Details"]
    assert "CORE ID" not in next(ws.iter_rows(values_only=True))
    assert not any(n.startswith("findings merged") for n in report.notes)


def test_a_variable_metadata_finding_merges_with_ours_on_the_variable_it_names() -> None:
    """CORE-000398 (label differs from the guide's) reports ``variable_name=...``; our SC-META-009 names the
    variable itself: one finding with both ids."""
    lb = pd.DataFrame({"STUDYID": ["S1"], "DOMAIN": ["LB"], "USUBJID": ["S1-1"], "LBSEQ": [1.0],
                       "LBTESTCD": ["ALB"], "LBTEST": ["Albumin"], "LBMETHOD": ["X"]})
    labels = {"STUDYID": "Study Identifier", "DOMAIN": "Domain Abbreviation", "USUBJID": "Unique Subject Identifier",
              "LBSEQ": "Sequence Number", "LBTESTCD": "Lab Test or Examination Short Name",
              "LBTEST": "Lab Test or Examination Name", "LBMETHOD": "Metho of Test or Examination"}
    meta = {"LB": {"labels": labels}}
    f = validate_package({"LB": lb}, standard="sdtmig-3.2", rules_source="all", metadata=meta).findings
    both = f[(f["core_id"] == "CORE-000398") | (f["rule"] == "SC-META-009")]
    assert [tuple(r) for r in both[["rule", "core_id", "dataset", "variable"]].itertuples(index=False)] == [
        ("SC-META-009", "CORE-000398", "LB", "LBMETHOD")]
