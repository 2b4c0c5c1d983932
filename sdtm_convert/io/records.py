"""The physical records of a CSV file, found from its bytes without the CSV parser (numpy over the bytes).

The reader counts records here and compares the count with the rows pandas parsed, so a stray quote that
merges records cannot go unseen. Quotes follow RFC 4180 as pandas reads them: a quote opens a quoted value
only at the start of a field, ``""`` inside it is one quote, and a quote in the middle of an unquoted value is
text. Records end at LF, CRLF or a lone CR outside quotes; blank lines (nothing but spaces or tabs) are not
records. The bytes are scanned as they are: the delimiter, quote and line-break bytes cannot be part of a
multi-byte character in UTF-8, Windows-1252 or GB18030 (the encodings the reader decodes).

What it finds (:func:`scan`): the records (data rows after the header), the line each starts on and its field
count, the quoted values that hold a line break (and whether the text after the break is a whole record:
then the quote is unbalanced), a quote still open at the end of the file, and every control character
(C0 and DEL) in a value, with its data row and field; in a file whose records end at LF, a record ending at a
lone CR counts as holding a CR in its last field (the CR cut a value short).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

QUOTE, COMMA, LF, CR, TAB, SPACE, DEL = 0x22, 0x2C, 0x0A, 0x0D, 0x09, 0x20, 0x7F
_NAMES = {0: "NUL", 9: "TAB", 10: "LF", 13: "CR", 26: "SUB", 127: "DEL"}


def char_name(code: int) -> str:
    """``U+0000 (NUL)`` and the like for a control character."""
    return f"U+{code:04X}" + (f" ({_NAMES[code]})" if code in _NAMES else "")


@dataclass
class Records:
    """The physical structure of one CSV file (positions are data rows, 1-based; lines are 1-based)."""

    lines: np.ndarray  # line each data record starts on
    fields: np.ndarray  # fields in each data record
    header_fields: int
    spanning: list[tuple[int, int, bool]]  # (data row, line of the opening quote, next line is a whole record)
    open_quote_line: int | None  # a quote still open at the end of the file opened on this line
    controls: list[tuple[int, int, int]]  # (data row, field index 0-based, byte value) of control characters

    @property
    def count(self) -> int:
        return len(self.lines)


def _quote_spans(a: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Quoted values as (opening quote, closing quote) byte positions; an unclosed one closes at the end.

    The fast way pairs the quotes in order (RFC 4180, ``""`` included); when a quote is not where that puts
    it (an opening quote mid-value, a closing quote followed by text) a walk over the quotes decides."""
    qp = np.flatnonzero(a == QUOTE)
    if not len(qp):
        return qp, qp
    opens, closes = qp[0::2], qp[1::2]
    prev = a[np.maximum(opens - 1, 0)]
    at_start = np.isin(prev, (COMMA, LF, CR)) | (opens == start) | ((prev == QUOTE) & np.isin(opens - 1, closes))
    after = a[np.minimum(closes + 1, len(a) - 1)]
    ends_well = np.isin(after, (COMMA, LF, CR, QUOTE)) | (closes == len(a) - 1)
    if at_start.all() and ends_well.all():
        return opens, np.append(closes, len(a)) if len(opens) > len(closes) else closes
    return _quote_walk(a, qp, start)


def _quote_walk(a: np.ndarray, qp: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
    opens: list[int] = []
    closes: list[int] = []
    inside, last_close = False, -3
    for p in qp.tolist():
        if inside:
            inside, last_close = False, p
            closes.append(p)
        elif p == last_close + 1 or p == start or a[p - 1] in (COMMA, LF, CR):
            inside = True
            opens.append(p)
    if inside:
        closes.append(len(a))
    return np.array(opens, dtype=np.int64), np.array(closes, dtype=np.int64)


def _inside(pos: np.ndarray, opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """Which of the byte positions ``pos`` lie inside a quoted value."""
    if not len(opens):
        return np.zeros(len(pos), dtype=bool)
    idx = np.searchsorted(opens, pos, side="left") - 1
    return (idx >= 0) & (pos < closes[np.maximum(idx, 0)])


def _line(newline_at: np.ndarray, pos: np.ndarray | int) -> np.ndarray:
    return np.searchsorted(newline_at, pos, side="left") + 1


def scan(data: bytes) -> Records:
    """The records of a CSV file's bytes (a UTF-8 BOM is skipped); see the module text."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    a = np.frombuffer(data, dtype=np.uint8)
    empty = Records(np.zeros(0, np.int64), np.zeros(0, np.int64), 0, [], None, [])
    if start >= len(a):
        return empty
    opens, closes = _quote_spans(a, start)
    is_lf = a == LF
    newline_at = np.flatnonzero(is_lf)
    cand = np.flatnonzero(is_lf | (a == CR))
    cand = cand[(cand >= start) & ~_inside(cand, opens, closes)]
    followed_by_lf = is_lf[np.minimum(cand + 1, len(a) - 1)] & (cand + 1 < len(a))
    lone_cr = (a[cand] == CR) & ~followed_by_lf  # the CR of a CRLF is not an end of its own
    ends = cand[(a[cand] == LF) | lone_cr]
    if len(ends) == 0 or ends[-1] != len(a) - 1:
        ends = np.append(ends, len(a))  # the last record has no line break after it
    begins = np.concatenate(([start], ends[:-1] + 1))
    commas = np.flatnonzero(a == COMMA)
    commas = commas[~_inside(commas, opens, closes)]
    fields = np.searchsorted(commas, ends) - np.searchsorted(commas, begins) + 1
    blank = _blank(a, begins, ends, fields)
    keep = np.flatnonzero(~blank)
    if len(keep) == 0:
        return empty
    header, recs = keep[0], keep[1:]
    records = Records(_line(newline_at, begins[recs]), fields[recs], int(fields[header]), [], None, [])
    if len(closes) and closes[-1] == len(a):
        records.open_quote_line = int(_line(newline_at, int(opens[-1])))
    row_of_rec = np.zeros(len(ends), dtype=np.int64)
    row_of_rec[recs] = np.arange(1, len(recs) + 1)
    _spanning(records, a, newline_at, opens, closes, ends, row_of_rec)
    _controls(records, a, ends, begins, commas, opens, closes, row_of_rec, start)
    _lone_cr_ends(records, a, ends, fields, row_of_rec)
    return records


def _lone_cr_ends(rec: Records, a: np.ndarray, ends: np.ndarray, fields: np.ndarray, row_of_rec: np.ndarray) -> None:
    """In a file whose records end at LF (or CRLF), a record ending at a lone CR was most likely cut by a CR inside
    an unquoted value: the CR is reported as a control character in the record's last field (the record is
    rejected), even when the part before it has every field. A file of lone-CR line ends only is left alone."""
    inner = ends[ends < len(a)]
    lone = inner[a[inner] == CR]
    if not len(lone) or not np.any(a[inner] == LF):
        return
    idx = np.searchsorted(ends, lone)
    for i in idx.tolist():
        if row_of_rec[i] >= 1:
            rec.controls.append((int(row_of_rec[i]), int(fields[i]) - 1, CR))


def _blank(a: np.ndarray, begins: np.ndarray, ends: np.ndarray, fields: np.ndarray) -> np.ndarray:
    """Records of nothing but spaces, tabs and CRs (pandas skips them as blank lines)."""
    blank = ends <= begins
    maybe = np.flatnonzero(~blank & (fields == 1))  # a record with a comma is not blank
    if len(maybe):
        idx = np.column_stack((begins[maybe], ends[maybe])).ravel()
        idx = idx[idx < len(a)]  # a last record without a line break runs to the end of the data
        text = ~np.isin(a, (SPACE, TAB, CR, LF))
        blank[maybe] = np.add.reduceat(text, idx, dtype=np.int64)[::2] == 0  # bytes other than blanks
    return blank


def _spanning(rec: Records, a: np.ndarray, newline_at: np.ndarray, opens: np.ndarray, closes: np.ndarray,
              ends: np.ndarray, row_of_rec: np.ndarray) -> None:
    """Quoted values holding a line break. The break is followed by a whole record when the next physical
    line, split at every comma, has as many fields as the header (or more): then the quote is unbalanced."""
    breaks = newline_at[_inside(newline_at, opens, closes)]
    if not len(breaks):
        return
    line_ends = np.append(newline_at, len(a))
    seen: set[int] = set()
    for b in breaks.tolist():
        row = int(row_of_rec[np.searchsorted(ends, b, side="left")])
        if row < 1 or row in seen:
            continue
        seen.add(row)
        nxt_end = int(line_ends[np.searchsorted(line_ends, b, side="right")])
        whole = int(np.count_nonzero(a[b + 1:nxt_end] == COMMA)) + 1 >= rec.header_fields
        opened = int(opens[np.searchsorted(opens, b, side="left") - 1])
        rec.spanning.append((row, int(_line(newline_at, opened)), whole))


def _controls(rec: Records, a: np.ndarray, ends: np.ndarray, begins: np.ndarray, commas: np.ndarray,
              opens: np.ndarray, closes: np.ndarray, row_of_rec: np.ndarray, start: int) -> None:
    """Control characters in values: every C0 byte and DEL but the line breaks that end records."""
    ctrl = (a < SPACE) | (a == DEL)
    ctrl[:start] = False
    inner = ends[ends < len(a)]
    ctrl[inner] = False  # the line breaks that end records
    crlf = inner[(inner > 0) & (a[inner] == LF)] - 1
    ctrl[crlf[a[crlf] == CR]] = False
    pos = np.flatnonzero(ctrl)
    if not len(pos):
        return
    recs = np.searchsorted(ends, pos, side="left")
    rows = row_of_rec[recs]
    fields = np.searchsorted(commas, pos) - np.searchsorted(commas, begins[recs])
    for p, row, fld in zip(pos.tolist(), rows.tolist(), fields.tolist(), strict=True):
        if row >= 1:
            rec.controls.append((row, fld, int(a[p])))
