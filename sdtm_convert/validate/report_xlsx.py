"""Excel report with the sheets Pinnacle 21 users expect: Dataset Summary, Issue Summary, Details, Rules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from sdtm_convert.atomic import atomic_open
from sdtm_convert.validate.report import ValidationReport

MAX_DETAIL_ROWS = 1_000_000  # Excel holds 1,048,576 rows per sheet
_HEAD = Font(bold=True, color="FFFFFF")
_FILL = PatternFill("solid", fgColor="305496")
_SEV_FILL = {
    "error": PatternFill("solid", fgColor="F8CBAD"),
    "warning": PatternFill("solid", fgColor="FFE699"),
    "notice": PatternFill("solid", fgColor="DDEBF7"),
}


def _cell(v):
    if v is None or v is pd.NA:
        return None
    try:
        if v != v:  # NaN
            return None
    except Exception:  # pragma: no cover
        pass
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v  # never let a data value become a formula
    return v


def _sheet(wb: Workbook, title: str, header: list[str], rows, widths: dict[int, int] | None = None, sev_col=None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for c in ws[1]:
        c.font, c.fill = _HEAD, _FILL
    for i, row in enumerate(rows, start=2):
        ws.append([_cell(v) for v in row])
        if sev_col is not None:
            fill = _SEV_FILL.get(row[sev_col])
            if fill is not None:
                ws.cell(i, sev_col + 1).fill = fill  # (ws.max_row is O(cells): never in a loop)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for i, w in (widths or {}).items():
        ws.column_dimensions[get_column_letter(i)].width = w
    return ws


def write_xlsx(report: ValidationReport, path: str | Path) -> Path:
    path = Path(path)
    wb = Workbook(write_only=False)
    wb.remove(wb.active)
    counts = (
        report.findings.groupby(["dataset", "severity"]).size().unstack(fill_value=0) if len(report.findings) else None
    )

    def n(ds, sev):
        if counts is None or ds not in counts.index or sev not in counts.columns:
            return 0
        return int(counts.loc[ds, sev])

    info = [
        ("Standard", report.standard),
        ("Controlled Terminology", report.ct_version),
        ("Define-XML", report.define or "(none)"),
        ("Path", report.path or "(frames)"),
        ("Tool", f"sdtm-convert validate {report.tool_version}"),
        ("Date", report.date_line()),
        ("Errors", report.errors),
        ("Warnings", report.warnings),
        ("Total seconds", report.timing.get("total_s")),
    ] + [("Note", x) for x in report.notes]
    _sheet(
        wb,
        "Dataset Summary",
        ["Dataset", "Label", "Class", "Records", "Variables", "Errors", "Warnings", "Notices", "File"],
        [
            (
                d["dataset"],
                d.get("label"),
                d.get("class"),
                d["records"],
                d["variables"],
                n(d["dataset"], "error"),
                n(d["dataset"], "warning"),
                n(d["dataset"], "notice"),
                d.get("file"),
            )
            for d in report.datasets
        ],
        {1: 12, 2: 40, 3: 18, 9: 16},
    )
    ws = wb["Dataset Summary"]
    ws.append([])
    for k, v in info:
        ws.append([_cell(k), _cell(v)])
    s = report.summary()
    _sheet(
        wb,
        "Issue Summary",
        ["Dataset", "Rule", "Pinnacle 21 ID", "Severity", "Category", "Message", "Count"],
        s[["dataset", "rule", "p21_id", "severity", "category", "message", "count"]].itertuples(index=False),
        {2: 14, 3: 14, 6: 70},
        sev_col=3,
    )
    f = report.findings.head(MAX_DETAIL_ROWS)
    cols = [
        "dataset",
        "record",
        "usubjid",
        "seq",
        "variable",
        "value",
        "rule",
        "p21_id",
        "fda_id",
        "cdisc_id",
        "severity",
        "message",
    ]
    _sheet(
        wb,
        "Details",
        [
            "Dataset",
            "Record",
            "USUBJID",
            "Seq",
            "Variable",
            "Value",
            "Rule",
            "Pinnacle 21 ID",
            "FDA ID",
            "CDISC ID",
            "Severity",
            "Message",
        ],
        f[cols].itertuples(index=False),
        {3: 14, 6: 30, 12: 70},
        sev_col=10,
    )
    _sheet(
        wb,
        "Rules",
        ["Rule", "Pinnacle 21 ID", "FDA ID", "CDISC ID", "Category", "Severity", "Message", "Description"],
        [
            (
                r["id"],
                r["p21_id"],
                r["fda_id"],
                r["cdisc_id"],
                r["category"],
                r["severity"],
                r["message"],
                r["description"],
            )
            for r in report.rules
        ],
        {7: 60, 8: 90},
        sev_col=5,
    )
    with atomic_open(path, "wb") as fh:
        wb.save(fh)
    return path
