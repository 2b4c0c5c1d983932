"""How a ValidationReport shows itself: one-line repr, and a small escaped HTML table in a notebook."""

import pandas as pd

from sdtm_convert.validate import validate_package
from sdtm_convert.validate.report import FINDING_COLUMNS, ValidationReport


def report_with(findings: list[dict], datasets: int = 3) -> ValidationReport:
    rows = [{c: f.get(c) for c in FINDING_COLUMNS} for f in findings]
    return ValidationReport(standard="sdtmig-3.4", ct_version="2025-03-25", define=None, tool_version="0",
                            path=None, findings=pd.DataFrame(rows, columns=FINDING_COLUMNS),
                            datasets=[{"dataset": f"D{i}"} for i in range(datasets)], rules=[])


FINDINGS = (
    [{"rule": "SC-A", "severity": "error", "dataset": "DM", "message": "bad <b>thing</b> & more"}] * 2
    + [{"rule": "SC-B", "severity": "warning", "dataset": ds, "message": "odd"} for ds in ("AE", "DM", "AE")]
    + [{"rule": "SC-C", "severity": "notice", "dataset": "TS", "message": "note"}]
)


def test_repr_is_one_line_of_counts():
    assert repr(report_with(FINDINGS, datasets=31)) == \
        "<ValidationReport sdtmig-3.4: 31 datasets, 2 errors, 3 warnings, 1 notice; valid=False>"
    assert repr(report_with([], datasets=1)) == \
        "<ValidationReport sdtmig-3.4: 1 dataset, 0 errors, 0 warnings, 0 notices; valid=True>"


def test_html_view_counts_by_severity_and_lists_top_rules_escaped():
    html = report_with(FINDINGS)._repr_html_()
    assert "<tr><td>error</td><td>2</td></tr><tr><td>warning</td><td>3</td></tr><tr><td>notice</td><td>1</td></tr>" \
        in html
    # rules by number of findings: SC-B (3, in AE and DM), SC-A (2), SC-C (1)
    assert html.index("<td>SC-B</td>") < html.index("<td>SC-A</td>") < html.index("<td>SC-C</td>")
    assert "<td>SC-B</td><td>warning</td><td>3</td><td>AE, DM</td><td>odd</td>" in html
    assert "bad &lt;b&gt;thing&lt;/b&gt; &amp; more" in html and "<b>thing</b>" not in html
    assert "not valid" in html


def test_html_view_names_how_many_rules_are_not_listed():
    many = [{"rule": f"SC-{i:02d}", "severity": "warning", "dataset": "AE", "message": "m"} for i in range(12)]
    html = report_with(many)._repr_html_()
    assert html.count("<td>warning</td><td>1</td>") == 10
    assert "and 2 more rules with findings" in html


def test_a_real_report_shows_its_counts():
    dm = pd.DataFrame({"STUDYID": ["S1"], "DOMAIN": ["DM"], "USUBJID": ["S1-1"], "SUBJID": ["1"], "SEX": ["X"]})
    report = validate_package({"DM": dm}, standard="sdtmig-3.4")
    line = repr(report)
    assert line.startswith("<ValidationReport sdtmig-3.4: 1 dataset, ")
    assert f"{report.errors} error" in line and f"{report.warnings} warning" in line
    assert f"valid={report.valid}" in line and "\n" not in line
    assert f"<td>error</td><td>{report.errors}</td>" in report._repr_html_()
