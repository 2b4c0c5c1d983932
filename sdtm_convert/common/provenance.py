"""Provenance of issues: which raw cell (file, data row, column) an issue is about."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sdtm_convert.errors import ERROR, Issue

SRC_FILE = "__src_file"  # the raw file (or data frame) a row was read from
SRC_ROW = "__src_row"  # its 1-based data row there (header = row 0)
SRC_COLUMN = "__src_column"  # on transposed records: the raw column the value came from
PROVENANCE = (SRC_FILE, SRC_ROW)  # the columns every record carries from its raw row


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


_OUTPUT_SUFFIXES = (".xpt", ".json", ".ndjson", ".dsjc", ".xml")  # a file named by a later stage: an output, not a raw file


def _root_key(issue: Issue) -> tuple[str, str] | None:
    """(variable, value) of an error about one raw cell (file, data row, column, value, and the variable it
    feeds): a root cause the later stages may report again."""
    if issue.severity != ERROR or _cell(issue) is None or not issue.variable or not (issue.value or "").strip():
        return None
    if str(issue.file).lower().endswith(_OUTPUT_SUFFIXES):
        return None
    return issue.variable, str(issue.value)


def _same_subject(root: Issue, other: Issue) -> bool:
    """A raw subject id ``02-001`` is the USUBJID ``NCT03745417-02-001``; an issue without one may be anyone's."""
    if not root.usubjid or not other.usubjid:
        return True
    return other.usubjid == root.usubjid or other.usubjid.endswith("-" + root.usubjid)


def _follows(root: Issue, other: Issue) -> bool:
    """Whether ``other`` (a later error with the root's variable and value) is about the root's cell: it names no
    raw cell of its own (no file, an output file, or the root's file and data row) and the same subject."""
    if other.severity != ERROR or other is root:
        return False
    own_file = other.file is not None and not str(other.file).lower().endswith(_OUTPUT_SUFFIXES)
    if own_file and (other.file, other.row) != (root.file, root.row):
        return False
    return other.column in (None, root.column, root.variable) and _same_subject(root, other)


def _also(issue: Issue) -> str:
    where = f"{issue.dataset}.{issue.variable}" if issue.dataset else (issue.variable or issue.file or "")
    return f"[{issue.code}] {where}".rstrip()


def once_per_cause(issues: list[Issue]) -> list[Issue]:
    """Each bad raw value reported once, at its source, with what it caused listed under it.

    A raw value the mapping refuses (``dm.csv`` SEX = 'X') is seen again by the row schema, define.xml, the
    conformance validator of SDTM and of ADaM (DM.SEX, ADSL.SEX): those later errors, about the same variable,
    value and subject and naming no raw cell of their own, leave the list and are listed in the first error's
    ``extra["also"]`` (code, dataset, variable, message, record) and at the end of its message
    (``; also reported as [schema-enum] DM.SEX, [SC-CT-001] ADSL.SEX``). Order is kept."""
    roots: dict[tuple[str, str], list[int]] = {}
    for n, issue in enumerate(issues):
        key = _root_key(issue)
        if key is not None:
            roots.setdefault(key, []).append(n)
    if not roots:
        return issues
    also: dict[int, list[Issue]] = {}
    after: set[int] = set()  # the consequences
    for n, issue in enumerate(issues):
        if issue.severity != ERROR or not issue.variable or issue.value is None:
            continue
        for r in roots.get((issue.variable, str(issue.value)), []):
            if r < n and r not in after and _follows(issues[r], issue):
                also.setdefault(r, []).append(issue)
                after.add(n)
                break
    out = []
    for n, issue in enumerate(issues):
        if n in after:
            continue
        if n in also:
            issue = replace(issue, message=f"{issue.message}; also reported as {', '.join(map(_also, also[n]))}",
                            extra={**issue.extra, "also": [
                                {"code": i.code, "dataset": i.dataset, "variable": i.variable, "message": i.message,
                                 "record": i.extra.get("record", i.row if i.file is None else None)}
                                for i in also[n]]})
        out.append(issue)
    return out
