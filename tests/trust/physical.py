"""An independent count of the physical records of a raw CSV file, written for the fault tests.

It shares no code with ``sdtm_convert.io``: Python's own ``csv`` module (strict mode) splits the records, and a
line-based count cross-checks it (every physical line is the start of a record or a line break inside a quoted
value). A record merged into another one, or dropped, makes the two disagree or the product's count differ.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"))


def _text(path: Path) -> str:
    data = path.read_bytes()
    wide = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)  # UTF-32 before UTF-16: same start
    for enc in ((wide,) if wide else ()) + ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError("unreachable: latin-1 decodes every byte")


def _blank(fields: list[str]) -> bool:
    return len(fields) <= 1 and not "".join(fields).strip(" \t\r\n")


def data_records(path: Path) -> int:
    """Data records of a CSV file (header and blank lines not counted), checked two ways."""
    text = _text(path)
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    records = [r for r in rows if not _blank(r)]
    breaks = [sum(len(_LINE_BREAK.findall(v)) for v in r) for r in rows]
    lines = len(_LINE_BREAK.findall(text)) + (0 if not text or _LINE_BREAK.match(text[-1]) else 1)
    # every physical line starts a row (blank ones too) or continues a quoted value across a line break
    assert lines == len(rows) + sum(breaks), (
        f"{path.name}: {lines} physical lines but csv read {len(rows)} rows holding {sum(breaks)} line breaks in values")
    _no_merged_record(path.name, records)
    return len(records) - 1 if records else 0


def _no_merged_record(name: str, records: list[list[str]]) -> None:
    """Fail when a quoted value's line break is followed by a line holding a whole record (as many fields as the
    header): a quote left open swallowed the next record, which a parser counts as one."""
    width = len(records[0]) if records else 0
    for n, rec in enumerate(records[1:], start=1):
        for i, value in enumerate(rec):
            tail = _LINE_BREAK.split(value)[1:]
            for k, segment in enumerate(tail):
                after = len(rec) - i - 1 if k == len(tail) - 1 else 0  # the fields after the value's last break
                assert segment.count(",") + 1 + after < width, (
                    f"{name}: data record {n} holds a line break followed by a whole record (a merged record)")

