"""What the physical records of a CSV file (:mod:`records`) say is wrong with it, as issues.

- A quote that never closes, or a quoted value whose line break is followed by a whole record (two records
  merged into one), is fatal (``raw-quote-unbalanced``): the file cannot be split into records reliably.
- A repeated header name is fatal (``raw-column-duplicate``), named as the header has it.
- A record with more or fewer fields than the header (``raw-record-fields``) or with a control character in a
  value (``raw-control-character``: C0 and DEL, tab and line breaks included) is an error and the record is
  rejected: it goes to no output and is listed with its reason under the conversion report's rejects.
  Tabs are not allowed even in free text: raw.yaml cannot say which columns are free text, and the XPT and
  Dataset-JSON outputs must be printable ASCII (FDA TCG), so a tab would only move the problem downstream.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.errors import ERROR, Issue, SdtmConvertError, fatal
from sdtm_convert.io.records import Records, char_name

MAX_LISTED = 20  # lines named in one fatal message


def rows_listed(places: list[tuple[int, int]]) -> str:
    """``data row 3 (line 4), data row 7 (line 9) and 2 more``: (data row, line) pairs, the first
    :data:`MAX_LISTED` named, the number of the others said."""
    named = ", ".join(f"data row {row} (line {line})" for row, line in places[:MAX_LISTED])
    return named + (f" and {len(places) - MAX_LISTED} more" if len(places) > MAX_LISTED else "")


def structure_faults(file: str, rec: Records) -> None:
    """Raise on a quote that is not closed before the next record (or the end of the file)."""
    merged = sorted({(row, line) for row, line, whole in rec.spanning if whole}, key=lambda p: p[1])
    if merged:
        raise fatal("raw-quote-unbalanced",
                    "quote opened here is not closed before the next record; the records after it would be "
                    f"read as text of one value; nothing is converted (quote opened in {rows_listed(merged)})",
                    file=file, row=merged[0][0], line=merged[0][1], extra={"count": len(merged)})
    if rec.open_quote_line is not None:
        raise fatal("raw-quote-unbalanced",
                    "quote opened here is not closed before the end of the file; nothing is converted",
                    file=file, line=rec.open_quote_line)


def malformed(file: str, text: str, header_fields: int, why: str) -> SdtmConvertError:
    """The fatal error for a CSV the parser refuses (``why``, its own words): every record whose field count
    differs from the header's, read by Python's csv module, named by data row and line (see :func:`rows_listed`)."""
    places: list[tuple[int, int]] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    start, row = 1, -1
    try:
        for fields in reader:
            if fields and not (len(fields) == 1 and not fields[0].strip()):
                row += 1
                if row and len(fields) != header_fields:
                    places.append((row, start))
            start = reader.line_num + 1
    except csv.Error:
        places.append((row + 1, start))
    if not places:
        return fatal("raw-csv-malformed", f"malformed CSV ({why}); nothing is converted", file=file)
    return fatal("raw-csv-malformed",
                 f"malformed CSV: {len(places)} record(s) do not have the header's {header_fields} fields, in "
                 f"{rows_listed(places)} (parser: {why}); nothing is converted",
                 file=file, row=places[0][0], line=places[0][1], extra={"count": len(places)})


def header_duplicates(file: str, text: str) -> list[str]:
    """Raise when a header name appears twice (pandas would rename the second one ``NAME.1``)."""
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")), [])  # CR, LF or CRLF line ends
    names = [h.strip() for h in header]
    repeated = [n for i, n in enumerate(names) if n in names[:i]]
    if repeated:
        cols = [i + 1 for i, n in enumerate(names) if n == repeated[0]]
        raise fatal("raw-column-duplicate",
                    f"header {repeated[0]} appears more than once (columns {', '.join(map(str, cols))}); "
                    "which copy holds the data is unknown, nothing is converted",
                    file=file, line=1, column=repeated[0])
    return names


def record_faults(file: str, rec: Records, names: list[str]) -> tuple[list[str], list[Issue]]:
    """Per data record, why it is rejected ("" = kept), and one error per fault."""
    reasons = [""] * rec.count
    issues: list[Issue] = []
    wrong = np.flatnonzero(rec.fields != rec.header_fields)
    for i in wrong.tolist():
        n = int(rec.fields[i])
        kind = "fewer" if n < rec.header_fields else "more"
        issues.append(Issue("raw-record-fields", ERROR,
                            f"the record has {n} fields, {kind} than the header's "
                            f"{rec.header_fields}; the record is rejected (in no output, listed under rejects)",
                            file=file, row=i + 1, line=int(rec.lines[i])))
        reasons[i] = f"{n} fields, header has {rec.header_fields}"
    seen: set[tuple[int, int]] = set()
    for row, fld, code in rec.controls:
        if (row, fld) in seen:
            continue
        seen.add((row, fld))
        issues.append(_control_issue(code, file=file, row=row, line=int(rec.lines[row - 1]),
                                     column=names[fld] if fld < len(names) else f"field {fld + 1}",
                                     extra={"field": fld + 1, "char": code}))
        reasons[row - 1] = reasons[row - 1] or f"control character {char_name(code)}"
    return reasons, issues


def _control_issue(code: int, **where: Any) -> Issue:
    """The error for a control character in a value (a CSV record's or a frame row's)."""
    return Issue("raw-control-character", ERROR,
                 f"control character {char_name(code)} in the value; the record is rejected "
                 "(in no output, listed under rejects)", **where)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def value_controls(where: str, frame: pd.DataFrame, columns: list[str]) -> tuple[list[str], list[Issue]]:
    """Control characters in the values of a sheet, SAS file or data frame (a CSV's are found in its bytes):
    per data row, why it is rejected ("" = kept), and one error per value."""
    reasons = [""] * len(frame)
    issues: list[Issue] = []
    for col in columns:
        values = frame[col].astype(str)
        hits = np.flatnonzero(values.str.contains(_CONTROL.pattern, regex=True).to_numpy(dtype=bool))
        for i in hits.tolist():
            code = ord(_CONTROL.search(values.iat[i]).group())  # type: ignore[union-attr]
            issues.append(_control_issue(code, file=where, row=i + 1, column=col, extra={"char": code}))
            reasons[i] = reasons[i] or f"control character {char_name(code)}"
    return reasons, issues
