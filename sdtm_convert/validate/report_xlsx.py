"""Excel report with the sheets Pinnacle 21 users expect: Dataset Summary, Issue Summary, Details, Rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from sdtm_convert.common.atomic import atomic_open
from sdtm_convert.common.xlsx import FORMULA_START, ILLEGAL, needs_care, safe_row
from sdtm_convert.validate.report import ValidationReport

SHEET_ROWS = 1_048_576  # Excel's limit per sheet, header included: longer Details continue on "Details (2)", ...
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
    return v  # text that looks like a formula becomes a text cell in _rows (common/xlsx.py)


def _sheet(wb: Workbook, title: str, header: list[str], widths: dict[int, int] | None = None):
    """A write-only (streamed) sheet with its styled header, frozen first row and filter over ``header``."""
    ws = wb.create_sheet(title)
    for i, w in (widths or {}).items():
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    head = []
    for h in header:
        c = WriteOnlyCell(ws, h)
        c.font, c.fill = _HEAD, _FILL
        head.append(c)
    ws.append(head)
    return ws


def _rows(ws, rows: Iterable, sev_col: int | None = None, limit: int = SHEET_ROWS - 1, clean: bool = True) -> int:
    """Append up to ``limit`` rows (values made safe unless ``clean`` is False because they are already, the
    severity cell coloured); returns how many. One styled cell per severity is made and reused: a write-only
    sheet writes a row when it is appended, and styling a new cell per row costs more than the row."""
    styled: dict[str, WriteOnlyCell] = {}
    for sev, fill in _SEV_FILL.items():
        c = WriteOnlyCell(ws, sev)
        c.fill = fill
        styled[sev] = c
    n = 0
    for row in rows:
        out = [_cell(v) for v in row] if clean else list(row)
        if type(row) is _FormulaLike or (clean and any(map(needs_care, out))):
            out = safe_row(ws, out)  # never a formula, the value kept exactly
        if sev_col is not None and out[sev_col] in styled:
            out[sev_col] = styled[out[sev_col]]
        ws.append(out)
        n += 1
        if n == limit:
            break
    return n


def _finish(ws, ncols: int, nrows: int) -> None:
    ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{nrows + 1}"


def _table(wb, title, header, rows, widths=None, sev_col=None) -> None:
    ws = _sheet(wb, title, header, widths)
    _finish(ws, len(header), _rows(ws, rows, sev_col))


DETAIL_COLUMNS = {  # findings column -> Details header
    "dataset": "Dataset", "record": "Record", "usubjid": "USUBJID", "seq": "Seq", "variable": "Variable",
    "value": "Value", "rule": "Rule", "p21_id": "Pinnacle 21 ID", "fda_id": "FDA ID", "cdisc_id": "CDISC ID",
    "severity": "Severity", "message": "Message", "cause": "Cause",
    "core_id": "CORE ID", "why": "Why",  # (only with CORE rules run: validate --rules-source core|all)
}
_CHUNK = 50_000  # findings converted to cell values at a time (memory stays flat for millions of findings)


def _values(s: pd.Series) -> list:
    """Cell values of a findings column: None for missing, numbers as Python numbers, text as it is (a text
    that looks like a formula is made a text cell when the row is written)."""
    out = s.astype(object)
    return out.where(s.notna(), None).tolist()


class _FormulaLike(tuple):
    """A Details row holding a text that looks like a formula or a character a workbook cannot hold (found per
    chunk, vectorised)."""


def _detail_rows(f: pd.DataFrame) -> Iterator[tuple]:
    cols = [c for c in DETAIL_COLUMNS if c in f.columns]
    for start in range(0, len(f), _CHUNK):
        part = f.iloc[start:start + _CHUNK]
        flagged = np.zeros(len(part), dtype=bool)
        for c in cols:
            if not pd.api.types.is_numeric_dtype(part[c].dtype):
                text = part[c].astype("string")
                flagged |= text.str[:1].isin(FORMULA_START).to_numpy(dtype=bool, na_value=False)
                flagged |= text.str.contains(ILLEGAL.pattern, regex=True).to_numpy(dtype=bool, na_value=False)
        for row, odd in zip(zip(*(_values(part[c]) for c in cols)), flagged.tolist(), strict=True):
            yield _FormulaLike(row) if odd else row


def _details(wb: Workbook, f: pd.DataFrame) -> int:
    """The Details sheet(s): every finding, continued on "Details (2)", ... past Excel's row limit."""
    cols = [c for c in DETAIL_COLUMNS if c in f.columns]
    header = [DETAIL_COLUMNS[c] for c in cols]
    sev = cols.index("severity")
    rows = iter(_detail_rows(f))
    sheets, left = 0, len(f)
    while sheets == 0 or left > 0:
        sheets += 1
        ws = _sheet(wb, "Details" if sheets == 1 else f"Details ({sheets})", header, {3: 14, 6: 30, 12: 70, 13: 50})
        n = _rows(ws, islice(rows, SHEET_ROWS - 1), sev_col=sev, clean=False)
        _finish(ws, len(header), n)
        left -= n
    return sheets


def _dataset_summary(wb: Workbook, report: ValidationReport, info: list[tuple[str, object]]) -> None:
    f = report.findings
    counts = f.groupby(["dataset", "severity"]).size().to_dict() if len(f) else {}
    header = ["Dataset", "Label", "Class", "Records", "Variables", "Errors", "Warnings", "Notices", "File"]
    ws = _sheet(wb, "Dataset Summary", header, {1: 12, 2: 40, 3: 18, 9: 16})
    rows = [(d["dataset"], d.get("label"), d.get("class"), d["records"], d["variables"],
             *(counts.get((d["dataset"], sev), 0) for sev in ("error", "warning", "notice")), d.get("file"))
            for d in report.datasets]
    _finish(ws, len(header), _rows(ws, rows))
    ws.append([])
    for k, v in info:
        ws.append(safe_row(ws, [_cell(k), _cell(v)]))


def write_xlsx(report: ValidationReport, path: str | Path) -> Path:
    """Write the report streaming (openpyxl write-only mode: rows go to disk as they are made, so memory does
    not grow with the findings). Details past Excel's 1,048,576 rows per sheet continue on "Details (2)", ...,
    and the Dataset Summary says so."""
    path = Path(path)
    wb = Workbook(write_only=True)
    f = report.findings
    sheets = -(-len(f) // (SHEET_ROWS - 1)) if len(f) else 1
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
    if sheets > 1:
        info.append(("Note", f"{len(f):,} findings: Details continue over {sheets} sheets "
                             f"(Excel holds {SHEET_ROWS:,} rows per sheet)"))
    _dataset_summary(wb, report, info)
    s = report.issue_summary()
    _table(
        wb,
        "Issue Summary",
        ["Cause", "Rules", "Pinnacle 21 IDs", "Severity", "Message", "Datasets", "Variables", "Findings", "Records"],
        s[["cause", "rule", "p21_id", "severity", "message", "datasets", "where", "count", "records"]].itertuples(
            index=False),
        {1: 50, 2: 16, 3: 14, 5: 70, 6: 20, 7: 40},
        sev_col=3,
    )
    _details(wb, f)
    _table(
        wb,
        "Rules",
        ["Rule", "Pinnacle 21 ID", "FDA ID", "CDISC ID", "Category", "Severity", "Message", "Description"],
        [(r["id"], r["p21_id"], r["fda_id"], r["cdisc_id"], r["category"], r["severity"], r["message"],
          r["description"]) for r in report.rules],
        {7: 60, 8: 90},
        sev_col=5,
    )
    with atomic_open(path, "wb") as fh:
        wb.save(fh)
    return path
