"""Read raw CRF exports (CSV, Excel, SAS) as text frames with provenance, per the study's raw.yaml.

Every cell is read as text (empty cell = ""). Two columns are added: ``__src_file`` (file name) and
``__src_row`` (1-based data row; header = row 0). Problems (missing file/column, unexpected column,
duplicate record, undecodable bytes, empty file, an id with a look-alike letter of another script) are returned
as issues, not raised, unless the file cannot be read at all. A UTF-16 or UTF-32 file is recognised (byte-order
mark or NUL pattern, :mod:`encoding`) and read as such, or refused when another encoding is set.

A raw dataset may also be given as a pandas DataFrame (:func:`read_raw_frames`): it is checked like a file,
turned into text as a CSV writer would (:func:`text_frame`), and its provenance names the frame,
``"<name> (DataFrame)"``, with the 1-based row position in the frame.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.common.provenance import PROVENANCE, SRC_FILE, SRC_ROW
from sdtm_convert.errors import ERROR, INFO, WARNING, Issue, fatal
from sdtm_convert.io.checks import header_duplicates, malformed, record_faults, structure_faults, value_controls
from sdtm_convert.io.duplicates import split_duplicates
from sdtm_convert.io.encoding import is_wide, sniff_wide
from sdtm_convert.io.records import scan
from sdtm_convert.io.scripts import id_lookalikes

REASON = "__reason"  # why a row read is rejected ("" = kept)
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
    rejected: pd.DataFrame | None = None  # rows dropped at read (duplicates, bad records), with a reason column
    records: dict[str, int] = field(default_factory=dict)  # data records per file, counted without the parser


def _wide(path: Path, encoding: str | None, data: bytes) -> tuple[str, str, list[Issue]] | None:
    """A UTF-16 or UTF-32 file (:mod:`encoding`): read as such when no encoding is set (an info with a byte-order
    mark, a warning without), refused when the encoding set is another one."""
    wide = sniff_wide(data)
    if wide is None or (encoding and is_wide(encoding)):
        return None
    family, name = wide  # "utf-16" with a byte-order mark, else the byte order too ("utf-16-be")
    if encoding:
        raise fatal("raw-encoding",
                    f"the file is {name} but its encoding is set to {encoding}; set encoding: {family} in raw.yaml "
                    f"(or --encoding {family}), or re-export the file as UTF-8", file=path.name)
    try:
        text = data.decode(family)
    except UnicodeDecodeError as exc:
        raise fatal("raw-encoding", f"the file looks {name} but does not decode as {family}: {exc}; re-export "
                                    "it as UTF-8", file=path.name) from None
    sure = "without" not in name
    return text, family, [Issue("raw-encoding-detected", INFO if sure else WARNING,
                               f"file is {name}; read as {family} (set encoding: {family} in raw.yaml or "
                               f"--encoding {family} to be explicit, or re-export it as UTF-8)", file=path.name)]


def _decode(path: Path, encoding: str | None, data: bytes) -> tuple[str, str, list[Issue]]:
    wide = _wide(path, encoding, data)
    if wide is not None:
        return wide
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


def _check_raw_file(path: Path) -> None:
    """One line naming what is wrong with a raw file's place: missing, a symbolic link that leads nowhere or in a
    loop, a folder, or unreadable."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop on Python < 3.13
            why = "in a loop" if "loop" in str(exc).lower() or isinstance(exc, RuntimeError) else "to nothing"
            raise fatal("raw-file-missing", f"raw file is a symbolic link that leads {why}", file=str(path)) from None
    if not path.exists():
        raise fatal("raw-file-missing", "raw file not found", file=str(path))
    if path.is_dir():
        raise fatal("raw-file-not-a-file", "raw file is a folder, not a file", file=str(path))
    if not os.access(path, os.R_OK):
        raise fatal("raw-file-unreadable", "raw file cannot be read (permission denied)", file=str(path))


def read_table(path: Path, *, encoding: str | None = None, sheet: str | None = None) -> tuple[pd.DataFrame, list[Issue]]:
    """Read one raw file as all-text, with provenance columns."""
    _check_raw_file(path)
    suffix = path.suffix.lower()
    issues: list[Issue] = []
    if suffix in (".csv", ".txt"):
        df, issues = _read_csv(path, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        df = _read_workbook(path, sheet)
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
    df.columns = names = [str(c).strip() for c in df.columns]
    df = df.astype(str)
    df[SRC_FILE] = path.name
    df[SRC_ROW] = range(1, len(df) + 1)
    if REASON not in df:
        df[REASON], value_issues = value_controls(path.name, df, names)
        issues += value_issues
    return df, issues


def _read_workbook(path: Path, sheet: str | None) -> pd.DataFrame:
    """One sheet of an Excel export as text; a file that is not a workbook, or lacks the sheet, is one line."""
    import zipfile

    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False, engine="openpyxl")
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, IndexError) as exc:
        why = f"no sheet {sheet!r}" if sheet and "not found" in str(exc) else f"{type(exc).__name__}: {exc}"
        raise fatal("raw-file-unreadable", f"cannot read the Excel workbook ({why})", file=path.name) from None


def _parse(text: str, header_fields: int, widest: int) -> pd.DataFrame:
    """All-text frame of a CSV text, one row per record; a row longer than the header is read whole and cut
    to the header's width (its record is rejected by the caller)."""
    import io

    opts: dict[str, Any] = {"dtype": str, "keep_default_na": False, "na_filter": False, "index_col": False}
    if widest <= header_fields:
        return pd.read_csv(io.StringIO(text), **opts)
    df = pd.read_csv(io.StringIO(text), header=None, names=range(widest), **opts)
    return df.iloc[1:, :header_fields].reset_index(drop=True).fillna("")


def _read_csv(path: Path, encoding: str | None) -> tuple[pd.DataFrame, list[Issue]]:
    """A CSV file read by pandas and checked against its records counted from the bytes (:mod:`records`):
    a quote left open is fatal; a record with the wrong number of fields or a control character is an
    error and the record is rejected (column ``__reason``)."""
    data = path.read_bytes()
    text, enc, issues = _decode(path, encoding, data)
    if not text.lstrip("\ufeff").strip():
        raise fatal("raw-file-empty", "raw file is empty (no header row)", file=path.name)
    recs = scan(text.lstrip("\ufeff").encode("utf-8") if is_wide(enc) else data)  # scan reads ASCII-compatible bytes
    structure_faults(path.name, recs)
    names = header_duplicates(path.name, text)
    try:
        df = _parse(text, recs.header_fields, int(recs.fields.max()) if recs.count else 0)
    except pd.errors.ParserError as exc:
        raise malformed(path.name, text, recs.header_fields, str(exc).strip()) from None
    df.columns = names
    if len(df) != recs.count:
        raise fatal("raw-records-mismatch",
                    f"the file holds {recs.count} data records but the CSV parser read {len(df)} rows; "
                    "nothing is converted", file=path.name)
    reasons, bad = record_faults(path.name, recs, names)
    issues += bad
    df[REASON] = reasons
    df.attrs["records"] = recs.count  # counted from the bytes, not by the parser
    return df, issues


def _file_entries(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"file": f} if isinstance(f, str) else f for f in spec["files"]]


def _check_columns(df: pd.DataFrame, spec: dict[str, Any], where: str) -> tuple[pd.DataFrame, list[Issue]]:
    """The columns of one file (or frame) against raw.yaml: a missing expected column is fatal, an extra one a
    warning, a missing optional one is added empty."""
    issues: list[Issue] = []
    expected = list(spec["columns"])
    optional = set(spec.get("optional_columns", []))
    missing = [c for c in expected if c not in df.columns and c not in optional]
    for col in missing:
        issues.append(Issue("raw-column-missing", ERROR, f"expected column {col} is missing", file=where, column=col))
    if missing:
        raise fatal("raw-column-missing", f"expected column(s) missing: {', '.join(missing)}", file=where,
                    column=missing[0])
    for col in df.columns:
        if col not in expected and col not in optional and col not in PROVENANCE and col != REASON:
            issues.append(Issue("raw-column-unexpected", WARNING,
                                f"column {col} is not declared in raw.yaml and is not mapped", file=where, column=col))
    for col in optional:
        if col not in df.columns:
            df[col] = ""
    if df.empty:
        issues.append(Issue("raw-file-no-rows", WARNING, "raw file has a header but no data rows", file=where))
    return df, issues


def _check_ids(df: pd.DataFrame, spec: dict[str, Any], where: str) -> list[Issue]:
    """Look-alike letters of another script in the key and subject columns (:mod:`scripts`): the record is
    rejected."""
    ids = list(dict.fromkeys([*spec.get("keys", []), *([spec["subject"]] if spec.get("subject") else [])]))
    reasons, issues = id_lookalikes(where, df, ids)
    if issues:
        df[REASON] = df[REASON].where(df[REASON] != "", reasons) if REASON in df else reasons
    return issues


def _raw_dataset(name: str, frames: list[pd.DataFrame], files: list[str], spec: dict[str, Any],
                 issues: list[Issue]) -> tuple[RawDataset, list[Issue]]:
    """Stack the checked parts of one raw dataset; reject the rows marked bad on reading and repeated keys (see
    ``io.duplicates``)."""
    records = {files[i]: int(f.attrs.get("records", len(f))) for i, f in enumerate(frames)}
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    keys = list(spec.get("keys", []))
    parts = []
    if REASON in frame:
        bad = frame[REASON] != ""
        if bad.any():
            parts.append(frame[bad].copy())
            frame = frame[~bad].reset_index(drop=True)
        frame = frame.drop(columns=REASON)
    if keys:
        frame, dups, dup_issues = split_duplicates(frame, keys)
        issues += dup_issues
        if dups is not None:
            parts.append(dups)
    rejected = pd.concat(parts, ignore_index=True) if parts else None
    return RawDataset(name, frame, files, keys, spec.get("subject"), rejected, records), issues


def read_raw_dataset(folder: Path, name: str, spec: dict[str, Any], *, encoding: str | None = None) -> tuple[RawDataset, list[Issue]]:
    """Read every file of one raw dataset (renaming site-specific columns), check its columns and keys."""
    frames, issues, files = [], [], []
    for entry in _file_entries(spec):
        path = folder / entry["file"]
        df, file_issues = read_table(path, encoding=entry.get("encoding") or spec.get("encoding") or encoding,
                                     sheet=entry.get("sheet"))
        issues += file_issues
        files.append(path.name)
        df, column_issues = _check_columns(df.rename(columns=entry.get("rename", {})), spec, path.name)
        issues += column_issues + _check_ids(df, spec, path.name)
        frames.append(df)
    return _raw_dataset(name, frames, files, spec, issues)


def frame_source(name: str) -> str:
    """What provenance calls a raw dataset given as a data frame (in place of a file name)."""
    return f"{name} (DataFrame)"


def text_frame(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """A copy of a user's frame as all-text, as if written to CSV and read back as text.

    Text columns keep their values (missing → ""); any other column (numbers, booleans, dates, mixed
    objects) becomes the text ``DataFrame.to_csv`` writes for it (``3``, ``2.5``, ``70.0`` for a float
    column, ``True``, ``2024-01-31``; missing → ""). Column names must be unique text once stripped."""
    if isinstance(frame.columns, pd.MultiIndex):
        raise fatal("raw-frame-columns", "the frame has multi-level column names; give one name per column",
                    file=source)
    names = [str(c).strip() for c in frame.columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise fatal("raw-column-duplicate", f"column {repeated[0]} appears more than once", file=source,
                    column=repeated[0])
    out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    other = [i for i, (_, col) in enumerate(frame.items()) if not pd.api.types.is_string_dtype(col)]
    if other:
        import io

        csv = frame.iloc[:, other].to_csv(index=False, header=False, lineterminator="\n")
        as_csv = pd.read_csv(io.StringIO(csv), header=None, dtype=str, keep_default_na=False, na_filter=False,
                             skip_blank_lines=False) \
            if len(frame) else pd.DataFrame(columns=range(len(other)))
    for i, name in enumerate(names):
        if i in other:
            out[name] = as_csv.iloc[:, other.index(i)].astype(str).to_numpy() if len(frame) else pd.Series([], dtype=str)
        else:
            col = frame.iloc[:, i]
            out[name] = col.astype("string").fillna("").astype(str).to_numpy()
    return out


def frame_raw_dataset(name: str, frame: pd.DataFrame, spec: dict[str, Any]) -> tuple[RawDataset, list[Issue]]:
    """One raw dataset given as a data frame: checked like a file (its provenance is
    ``"<name> (DataFrame)"`` and the 1-based position of the row in the frame)."""
    source = frame_source(name)
    if not isinstance(frame, pd.DataFrame):
        raise fatal("raw-frame-type", f"raw dataset {name} must be a pandas DataFrame, not {type(frame).__name__}",
                    file=source)
    df = text_frame(frame, source)
    names = list(df.columns)
    df[SRC_FILE] = source
    df[SRC_ROW] = range(1, len(df) + 1)
    df[REASON], issues = value_controls(source, df, names)
    df, column_issues = _check_columns(df, spec, source)
    issues += column_issues + _check_ids(df, spec, source)
    return _raw_dataset(name, [df], [source], spec, issues)


def read_raw_frames(raw_spec: dict[str, Any], frames: Mapping[str, pd.DataFrame]) -> tuple[dict[str, RawDataset], list[Issue]]:
    """Every raw dataset of raw.yaml from ``frames`` (by raw dataset name); a frame raw.yaml does not
    declare is a warning, a declared dataset without a frame is fatal."""
    declared = raw_spec["datasets"]
    absent = [n for n in declared if n not in frames]
    if absent:
        raise fatal("raw-frame-missing",
                    f"no data frame for raw dataset {absent[0]} (raw.yaml declares: {', '.join(declared)}; "
                    f"given: {', '.join(map(str, frames)) or 'none'})", file=frame_source(absent[0]))
    raw, issues = {}, []
    for name in frames:
        if name not in declared:
            issues.append(Issue("raw-frame-unexpected", WARNING,
                                f"data frame {name} is not a raw dataset of raw.yaml and is not read",
                                file=frame_source(str(name))))
    for name, dspec in declared.items():
        raw[name], ds_issues = frame_raw_dataset(name, frames[name], dspec)
        issues += ds_issues
    return raw, issues


def frame_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 of a raw data frame as the text it is read as (:func:`text_frame`), written as CSV."""
    import hashlib

    text = text_frame(frame, "frame").to_csv(index=False, lineterminator="\n")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


RawInput = str | Path | Mapping[str, pd.DataFrame]  # a folder of raw exports, or {raw dataset name: DataFrame}


def read_study(raw_spec: dict[str, Any], raw_folder: RawInput,
               encoding: str | None = None) -> tuple[dict[str, RawDataset], list[Issue]]:
    """Every raw dataset ``raw.yaml`` (``raw_spec``) names, from a folder of exports or from
    ``{raw dataset name: DataFrame}``; ``encoding`` overrides raw.yaml's for files."""
    if isinstance(raw_folder, Mapping):
        return read_raw_frames(raw_spec, raw_folder)
    raw, issues = {}, []
    for name, dspec in raw_spec["datasets"].items():
        ds, ds_issues = read_raw_dataset(Path(raw_folder), name, dspec, encoding=encoding or raw_spec.get("encoding"))
        raw[name] = ds
        issues += ds_issues
    return raw, issues
