"""Small byte-level edits of a copied raw study, for the fault catalogue (:mod:`tests.trust.faults`).

Positions are the ones a data manager sees: ``row`` is a data row (1 = the line after the header), columns are
header names. The edits parse a line with Python's ``csv`` module and write it back, so a cell can be given
bytes no CSV writer would produce (a lone CR, a NUL, a stray quote).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path


def lines(path: Path) -> list[bytes]:
    """The file's physical lines, each with its line break."""
    return path.read_bytes().splitlines(keepends=True)


def header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def _field(value: str) -> str:
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\r\n') else value


def set_cell(path: Path, row: int, column: str, raw: bytes | str) -> None:
    """Put ``raw`` (written as is, unquoted) in ``column`` of data row ``row`` (a one-line record)."""
    cols = header(path)
    all_lines = lines(path)
    line = all_lines[row].decode("utf-8")
    body = line.rstrip("\r\n")
    ending = line[len(body):]
    fields = next(csv.reader(io.StringIO(body)))
    i = cols.index(column)
    raw_bytes = raw.encode("utf-8") if isinstance(raw, str) else raw
    parts = [_field(f).encode("utf-8") for f in fields]
    parts[i] = raw_bytes
    all_lines[row] = b",".join(parts) + ending.encode()
    path.write_bytes(b"".join(all_lines))


def cell(path: Path, row: int, column: str) -> str:
    line = lines(path)[row].decode("utf-8").rstrip("\r\n")
    return next(csv.reader(io.StringIO(line)))[header(path).index(column)]


def insert_line(path: Path, before_row: int, text: bytes) -> None:
    """Insert a physical line before data row ``before_row`` (``text`` without its line break)."""
    all_lines = lines(path)
    all_lines.insert(before_row, text + b"\n")
    path.write_bytes(b"".join(all_lines))


def append_line(path: Path, text: bytes) -> None:
    data = path.read_bytes()
    path.write_bytes(data + (b"" if data.endswith(b"\n") else b"\n") + text + b"\n")


def rename_header(path: Path, old: str, new: str) -> None:
    all_lines = lines(path)
    names = all_lines[0].decode("utf-8").rstrip("\r\n").split(",")
    names[names.index(old)] = new
    all_lines[0] = (",".join(names) + "\n").encode()
    path.write_bytes(b"".join(all_lines))


def drop_column(path: Path, column: str) -> None:
    """Remove a column from every record (the file's records are one line each)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    i = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")


def add_column(path: Path, column: str, value: str) -> None:
    all_lines = lines(path)
    out = [all_lines[0].rstrip(b"\r\n") + b"," + column.encode() + b"\n"]
    out += [ln.rstrip(b"\r\n") + b"," + value.encode() + b"\n" for ln in all_lines[1:]]
    path.write_bytes(b"".join(out))
