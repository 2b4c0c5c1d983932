"""Provenance of issues: which raw cell (file, data row, column) an issue is about."""

from __future__ import annotations

from collections.abc import Iterable

from sdtm_convert.errors import ERROR, Issue

SRC_FILE = "__src_file"  # the raw file (or data frame) a row was read from
SRC_ROW = "__src_row"  # its 1-based data row there (header = row 0)


def _cell(issue: Issue) -> tuple[str, int, str] | None:
    if issue.file is None or issue.row is None or issue.column is None:
        return None
    return issue.file, issue.row, issue.column


def once_per_cell(earlier: Iterable[Issue], later: list[Issue]) -> list[Issue]:
    """``later`` without the errors about a raw cell that ``earlier`` already holds an error for.

    One bad cell is one error: e.g. a PASI item 'abc' is refused by the mapping (``number-invalid``,
    left missing), and the PASI scoring, reading the same cell, need not say it again."""
    seen = {c for i in earlier if i.severity == ERROR and (c := _cell(i)) is not None}
    if not seen:
        return later
    return [i for i in later if not (i.severity == ERROR and _cell(i) in seen)]
