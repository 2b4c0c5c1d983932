"""Read raw CRF exports (CSV, Excel, SAS) as text frames with provenance, per the study's raw.yaml.

Every cell is read as text (empty cell = ""). Two columns are added: ``__src_file`` (file name) and
``__src_row`` (1-based data row; header = row 0). Problems (missing file/column, unexpected column,
duplicate record, undecodable bytes, empty file) are returned as issues, not raised, unless the file
cannot be read at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.errors import ERROR, WARNING, Issue, fatal

SRC_FILE = "__src_file"
SRC_ROW = "__src_row"
PROVENANCE = (SRC_FILE, SRC_ROW)
ENCODINGS_TRIED = ("utf-8-sig", "gb18030", "cp1252")
_GB2312_PAIR = re.compile(rb"[\xa1-\xf7][\xa1-\xfe]")
_HIGH = re.compile(rb"[\x80-\xff]")


def _guess_legacy(data: bytes) -> tuple[str, ...]:
    """Order GB18030 / Windows-1252 by plausibility (GB18030 decodes nearly any bytes, so it cannot just be
    tried first): Chinese text is high-byte pairs in the GB2312 range; Windows-1252 text has isolated
    high bytes (’, é) between ASCII."""
    high = len(_HIGH.findall(data))
    paired = 2 * len(_GB2312_PAIR.findall(data))
    return ("gb18030", "cp1252") if high and paired >= 0.9 * high else ("cp1252", "gb18030")


@dataclass
class RawDataset:
    name: str
    frame: pd.DataFrame
    files: list[str]
    keys: list[str] = field(default_factory=list)
    subject: str | None = None
    rejected: pd.DataFrame | None = None  # rows dropped at read (duplicates), with a reason column


def _decode(path: Path, encoding: str | None) -> tuple[str, str, list[Issue]]:
    data = path.read_bytes()
    if encoding:
        try:
            return data.decode(encoding), encoding, []
        except (UnicodeDecodeError, LookupError) as exc:
            raise fatal("raw-encoding", f"cannot decode as {encoding}: {exc}", file=path.name) from None
    for enc in ("utf-8-sig", *_guess_legacy(data)):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        issues = []
        if enc != "utf-8-sig":
            issues.append(
                Issue("raw-encoding-detected", WARNING,
                      f"file is not UTF-8; decoded as {enc} by its byte pattern (check the text; set encoding in "
                      "raw.yaml or --encoding to be explicit)",
                      file=path.name)
            )
        return text, enc, issues
    raise fatal("raw-encoding", "cannot decode the file (tried " + ", ".join(ENCODINGS_TRIED) + ")", file=path.name)


def read_table(path: Path, *, encoding: str | None = None, sheet: str | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Read one raw file as all-text, with provenance columns."""
    if not path.exists():
        raise fatal("raw-file-missing", "raw file not found", file=str(path))
    suffix = path.suffix.lower()
    issues: list[Issue] = []
    if suffix in (".csv", ".txt"):
        import io

        text, _enc, issues = _decode(path, encoding)
        if not text.strip():
            raise fatal("raw-file-empty", "raw file is empty (no header row)", file=path.name)
        try:
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
        except pd.errors.ParserError as exc:
            raise fatal("raw-csv-malformed", f"malformed CSV: {exc}", file=path.name) from None
    elif suffix in (".xlsx", ".xlsm"):
        df = pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False, engine="openpyxl")
    elif suffix in (".sas7bdat", ".xpt"):
        import pyreadstat

        reader = pyreadstat.read_sas7bdat if suffix == ".sas7bdat" else pyreadstat.read_xport
        try:
            df, _meta = reader(str(path), encoding=encoding) if encoding else reader(str(path))
        except Exception as exc:  # pyreadstat raises its own error types for corrupt files
            raise fatal("raw-file-unreadable", f"cannot read SAS file: {exc}", file=path.name) from None
        df = df.astype(object).where(df.notna(), "").astype(str)
    else:
        raise fatal("raw-file-type", f"unsupported raw file type {suffix!r} (csv, xlsx, sas7bdat, xpt)", file=path.name)
    df.columns = [str(c).strip() for c in df.columns]
    df = df.astype(str)
    df[SRC_FILE] = path.name
    df[SRC_ROW] = range(1, len(df) + 1)
    return df, issues


def _file_entries(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"file": f} if isinstance(f, str) else f for f in spec["files"]]


def read_raw_dataset(folder: Path, name: str, spec: dict[str, Any], *, encoding: str | None = None) -> tuple[RawDataset, list[Issue]]:
    """Read every file of one raw dataset (renaming site-specific columns), check its columns and keys."""
    frames, issues, files = [], [], []
    expected = list(spec["columns"])
    optional = set(spec.get("optional_columns", []))
    for entry in _file_entries(spec):
        path = folder / entry["file"]
        df, file_issues = read_table(path, encoding=entry.get("encoding") or spec.get("encoding") or encoding,
                                     sheet=entry.get("sheet"))
        issues += file_issues
        files.append(path.name)
        df = df.rename(columns=entry.get("rename", {}))
        missing = [c for c in expected if c not in df.columns and c not in optional]
        for col in missing:
            issues.append(Issue("raw-column-missing", ERROR, f"expected column {col} is missing", file=path.name, column=col))
        if missing:
            raise fatal("raw-column-missing", f"expected column(s) missing: {', '.join(missing)}", file=path.name,
                        column=missing[0])
        for col in df.columns:
            if col not in expected and col not in optional and col not in PROVENANCE:
                issues.append(Issue("raw-column-unexpected", WARNING,
                                    f"column {col} is not declared in raw.yaml and is not mapped", file=path.name, column=col))
        for col in optional:
            if col not in df.columns:
                df[col] = ""
        if df.empty:
            issues.append(Issue("raw-file-no-rows", WARNING, "raw file has a header but no data rows", file=path.name))
        frames.append(df)
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    keys = list(spec.get("keys", []))
    rejected = None
    if keys:
        dup = frame.duplicated(subset=keys, keep="first")
        if dup.any():
            rejected = frame[dup].copy()
            rejected["__reason"] = "duplicate record on keys " + "+".join(keys)
            for f, r, *vals in rejected[[SRC_FILE, SRC_ROW, *keys]].itertuples(index=False):
                issues.append(Issue("raw-duplicate-record", WARNING,
                                    f"duplicate record for {'+'.join(keys)} = {'/'.join(map(str, vals))}; later copy rejected",
                                    file=f, row=int(r), column=keys[0], value="/".join(map(str, vals))))
            frame = frame[~dup].reset_index(drop=True)
    return RawDataset(name, frame, files, keys, spec.get("subject"), rejected), issues
