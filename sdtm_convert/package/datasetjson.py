"""Dataset-JSON 1.1 (``.json``, ``.ndjson`` and compressed ``.dsjc``): streaming writer, reader, XPT converters,
schema check.

Three forms of the same content: ``.json`` (one document with ``rows``), ``.ndjson`` (CDISC's Dataset-NDJSON:
the metadata on the first line, then one row array a line) and ``.dsjc`` (CDISC's Compressed Dataset-JSON
1.1, 2025: that NDJSON as one zlib stream, level 9, nothing around it); each is read and written streaming.

Column types come from :class:`~sdtm_convert.metadata.VariableMeta`: Char → ``string`` (or ``date`` /
``datetime`` / ``time`` when that is its Define-XML data type); Num → ``integer`` / ``float``, or a SAS
date/datetime/time (``dataType`` date… + ``targetDataType: integer``, written as ISO 8601 text as the
standard requires). Missing: Char → ``""``, Num → ``null``. Rows are written one at a time (no whole
document in memory) to a temporary file that is renamed into place; the creation timestamp is the
one given, so output is byte-identical for the same input.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sdtm_convert.common.arrowtext import join_all, lit
from sdtm_convert.common.atomic import atomic_open
from sdtm_convert.errors import ERROR, Issue, fatal
from sdtm_convert.metadata import DatasetMeta, VariableMeta
from sdtm_convert.package._sasdates import from_iso, to_iso
from sdtm_convert.version import __version__

VERSION = "1.1.0"
TEMPORAL = ("date", "datetime", "time")
_SCHEMAS = resources.files("sdtm_convert") / "data" / "schemas" / "dataset-json"


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def column_types(v: VariableMeta, values: pd.Series | None = None) -> dict[str, str]:
    """``dataType`` (and ``targetDataType``) of one variable."""
    if v.type == "Char":
        return {"dataType": v.data_type if v.data_type in TEMPORAL else "string"}
    if v.data_type in TEMPORAL:
        return {"dataType": v.data_type, "targetDataType": "integer"}
    if v.data_type in ("integer", "float"):
        return {"dataType": v.data_type}
    integral = values is None or all(math.isnan(x) or x.is_integer() for x in pd.to_numeric(values).astype(float))
    return {"dataType": "integer" if integral else "float"}


def columns(meta: DatasetMeta, df: pd.DataFrame | None = None) -> list[dict]:
    keys = {k: i for i, k in enumerate(meta.keys, 1)}
    out = []
    for v in meta.variables:
        col: dict = {"itemOID": f"IT.{meta.name}.{v.name}", "name": v.name, "label": v.label}
        col |= column_types(v, None if df is None else df[v.name])
        if v.type == "Char":
            col["length"] = v.length
        if v.display_format:
            col["displayFormat"] = v.display_format
        if v.name in keys:
            col["keySequence"] = keys[v.name]
        out.append(col)
    return out


def _num_cell(x: float, col: dict) -> object:
    if x is None or math.isnan(x):
        return None
    if col.get("targetDataType") == "integer":
        return to_iso(x, col["dataType"])
    if col["dataType"] == "integer" and float(x).is_integer():
        return int(x)
    return float(x)


class _Encoded:
    """One column as the JSON text of each distinct value (``table``) and, per row, its index there."""

    def __init__(self, encoded: list[str], missing: str, codes: np.ndarray) -> None:
        self.table = pa.array(encoded + [missing], type=pa.large_string())
        self.index = np.where(codes < 0, len(encoded), codes)

    def rows(self, start: int, stop: int) -> pa.Array:
        return self.table.take(pa.array(self.index[start:stop]))


def _char_json(s: pd.Series) -> _Encoded:
    codes, uniq = pd.factorize(s)  # JSON text once per distinct value
    enc = [_dumps("" if (x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))) else str(x)) for x in uniq]
    return _Encoded(enc, _dumps(""), codes)


def _num_json(s: pd.Series, col: dict) -> _Encoded:
    codes, uniq = pd.factorize(pd.to_numeric(s).astype(float))
    return _Encoded([_dumps(_num_cell(float(v), col)) for v in uniq], "null", codes)


def row_text(parts: list[pa.Array], n: int, sep: str) -> str:
    """``n`` rows given column-wise as JSON text (``parts``), as JSON arrays joined by ``sep``; the rows are
    assembled by Arrow, not cell by cell in Python."""
    if n == 0:
        return ""
    body = pc.binary_join_element_wise(*parts, lit(",")) if parts else pa.array([""] * n, pa.large_string())
    return join_all(pc.binary_join_element_wise(lit("["), body, lit("]"), lit("")), sep)


def _row_chunks(df: pd.DataFrame, cols: list[dict], sep: str, chunk: int = 50_000) -> Iterator[str]:
    """Each column is encoded once per distinct value (with :func:`_dumps`, so the text is what
    ``json.dumps`` of the row gives); rows are then produced ``chunk`` at a time."""
    encoded = [_char_json(df[c["name"]]) if "length" in c else _num_json(df[c["name"]], c) for c in cols]
    for start in range(0, len(df), chunk):
        stop = min(start + chunk, len(df))
        yield row_text([e.rows(start, stop) for e in encoded], stop - start, sep)


def _header(df, meta, cols, created, study_oid, metadata_version_oid, metadata_ref) -> dict:
    return {
        "datasetJSONCreationDateTime": created,
        "datasetJSONVersion": VERSION,
        "fileOID": f"{study_oid}/{meta.name}",
        "originator": "sdtm-convert",
        "sourceSystem": {"name": "sdtm-convert", "version": __version__},
        "studyOID": study_oid,
        "metaDataVersionOID": metadata_version_oid,
        "metaDataRef": metadata_ref,
        "itemGroupOID": f"IG.{meta.name}",
        "records": len(df),
        "name": meta.name,
        "label": meta.label,
        "columns": cols,
    }


FORMS = {".json": "json", ".ndjson": "ndjson", ".dsjc": "dsjc"}  # suffix → form
DSJC_LEVEL = 9  # zlib level: the DSJC specification recommends the maximum for exchange


def form_of(path: str | Path) -> str:
    """``json``, ``ndjson`` or ``dsjc`` by the file's suffix (any other suffix: ``json``)."""
    return FORMS.get(Path(path).suffix.lower(), "json")


class _Deflating:
    """A text sink that writes its UTF-8 bytes zlib-compressed (DSJC) into a binary file."""

    def __init__(self, fh) -> None:
        self.fh = fh
        self.z = zlib.compressobj(DSJC_LEVEL, zlib.DEFLATED, 15)

    def write(self, text: str) -> None:
        self.fh.write(self.z.compress(text.encode("utf-8")))

    def close(self) -> None:
        self.fh.write(self.z.flush())


def _write(path: Path, header: dict, chunks: Callable[[str], Iterator[str]], form: str) -> Path:
    """``header`` and the rows (``chunks(sep)``: rows as JSON text joined by ``sep``) as ``form``, atomically."""
    if form not in FORMS.values():
        raise ValueError(f"unknown Dataset-JSON form {form!r}")
    with atomic_open(path, "wb" if form == "dsjc" else "w") as fh:
        out = _Deflating(fh) if form == "dsjc" else fh
        if form == "json":
            out.write(_dumps(header)[:-1] + ',"rows":[')
            for i, text in enumerate(chunks(",\n")):
                out.write(("," if i else "") + "\n" + text)
            out.write("\n]}\n")
        else:  # NDJSON, plain or compressed: one metadata line, then one row a line
            out.write(_dumps(header) + "\n")
            for text in chunks("\n"):
                out.write(text + "\n")
        if isinstance(out, _Deflating):
            out.close()
    return path


def write_dataset_json(
    df: pd.DataFrame,
    meta: DatasetMeta,
    path: str | Path,
    *,
    created: str,
    study_oid: str,
    metadata_version_oid: str,
    ndjson: bool = False,
    metadata_ref: str = "define.xml",
    form: str | None = None,
) -> Path:
    """Write ``df`` (columns as in ``meta``) as Dataset-JSON 1.1: ``form`` ``json`` (default), ``ndjson`` (one
    metadata line + one row a line; also ``ndjson=True``) or ``dsjc`` (that NDJSON, zlib-compressed)."""
    cols = columns(meta, df)
    header = _header(df, meta, cols, created, study_oid, metadata_version_oid, metadata_ref)
    return _write(Path(path), header, lambda sep: _row_chunks(df, cols, sep), form or ("ndjson" if ndjson else "json"))


def convert_dataset_json(src: str | Path, dst: str | Path, form: str | None = None) -> Path:
    """Re-write a Dataset-JSON file (.json, .ndjson or .dsjc) as ``form`` (default: by ``dst``'s suffix), cell for
    cell: the metadata as the file gives it (without ``rows``), each row re-serialised compactly. What
    :func:`write_dataset_json` wrote in one form comes out as it would have written the other."""
    head, rows = _load(Path(src))
    header = {k: v for k, v in head.items() if k != "rows"}

    def chunks(sep: str, size: int = 50_000) -> Iterator[str]:
        batch: list[str] = []
        for row in rows:
            batch.append(_dumps(row))
            if len(batch) == size:
                yield sep.join(batch)
                batch = []
        if batch:
            yield sep.join(batch)

    return _write(Path(dst), header, chunks, form or form_of(dst))


# -- reading -------------------------------------------------------------------------------------------

_DEFINE_TYPES = {"string": "text", "integer": "integer", "float": "float", "double": "float", "decimal": "float"}


def _is_char(col: dict) -> bool:
    return col["dataType"] in ("string", "URI") or (col["dataType"] in TEMPORAL and "targetDataType" not in col)


def _load(path: Path) -> tuple[dict, Iterator[list]]:
    """The metadata and an iterator of the rows; NDJSON and DSJC are streamed line by line."""
    if form_of(path) == "json":
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        return doc, iter(doc.get("rows", []))
    lines = _lines(path)
    head = json.loads(next(lines, ""))

    def rows() -> Iterator[list]:
        for line in lines:
            if line.strip():
                yield json.loads(line)

    return head, rows()


def _lines(path: Path) -> Iterator[str]:
    """The lines of an NDJSON file, or of a DSJC file's zlib-decompressed content (read a megabyte at a time)."""
    if form_of(path) == "ndjson":
        with open(path, encoding="utf-8") as fh:
            yield from (line.rstrip("\n") for line in fh)
        return
    z = zlib.decompressobj()
    rest = b""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                *whole, rest = (rest + z.decompress(chunk)).split(b"\n")
                yield from (line.decode("utf-8") for line in whole)
            rest += z.flush()
    except zlib.error as e:
        raise fatal("dataset-json-unreadable", f"not a readable DSJC file: not a zlib stream ({e})",
                    file=str(path)) from None
    if not z.eof:
        raise fatal("dataset-json-unreadable", "not a readable DSJC file: the zlib stream ends early (a truncated "
                    "transfer?)", file=str(path))
    if z.unused_data:
        raise fatal("dataset-json-unreadable", f"not a readable DSJC file: {len(z.unused_data):,} bytes after the "
                    "end of the zlib stream", file=str(path))
    if rest:
        yield rest.decode("utf-8")


def _column(values: list, col: dict) -> pd.Series:
    if _is_char(col):
        return pd.Series(["" if x is None else str(x) for x in values], dtype="str")
    kind = col["dataType"]
    if kind in TEMPORAL:
        nums = [np.nan if x in (None, "") else from_iso(x, kind) for x in values]
    else:
        nums = [np.nan if x is None or x == "" else float(x) for x in values]
    return pd.Series(nums, dtype="float64")


def _variable(col: dict, values: pd.Series) -> VariableMeta:
    char = _is_char(col)
    if char:
        length = col.get("length") or max([len(x.encode("utf-8")) for x in values] + [1])
    else:
        length = col.get("length") or 8
    data_type = col["dataType"] if col["dataType"] in TEMPORAL else _DEFINE_TYPES.get(col["dataType"], "text")
    return VariableMeta(
        col["name"],
        col.get("label", ""),
        "Char" if char else "Num",
        int(length),
        data_type=data_type,
        display_format=col.get("displayFormat"),
    )


def read_dataset_json(path: str | Path) -> tuple[pd.DataFrame, DatasetMeta]:
    """Frame (Char → str with "" for missing, Num → float64 with NaN; SAS dates back to numbers) and metadata."""
    df, meta, _ = read_dataset_json_columns(path)
    return df, meta


def read_dataset_json_columns(path: str | Path) -> tuple[pd.DataFrame, DatasetMeta, list[dict]]:
    """:func:`read_dataset_json` plus the file's ``columns`` as written (e.g. whether a length was declared)."""
    df, meta, cols, _ = read_dataset_json_declared(path)
    return df, meta, cols


def read_dataset_json_declared(path: str | Path) -> tuple[pd.DataFrame, DatasetMeta, list[dict], Any]:
    """:func:`read_dataset_json_columns` plus the ``records`` count the file declares (None when absent), to
    be checked against the rows it holds. A row whose number of cells differs from the declared columns,
    or JSON nested deeper than Python's parser goes, is one ``dataset-json-unreadable`` error."""
    path = Path(path)
    try:
        head, rows = _load(path)
        cols = head["columns"]
        table = list(zip(*_checked_rows(rows, len(cols), path), strict=True)) if cols else []
    except RecursionError:
        raise fatal("dataset-json-unreadable", "not a readable Dataset-JSON file: JSON nested too deeply "
                    "(Dataset-JSON is at most 4 levels deep)", file=str(path)) from None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise fatal("dataset-json-unreadable", f"not a readable Dataset-JSON file: {e}", file=str(path)) from None
    n = head.get("records", 0)
    data = {c["name"]: _column(list(table[i]) if table else [], c) for i, c in enumerate(cols)}
    df = pd.DataFrame(data, index=pd.RangeIndex(len(table[0]) if table else n if not cols else 0))
    keys = [c["name"] for c in sorted((c for c in cols if "keySequence" in c), key=lambda c: c["keySequence"])]
    meta = DatasetMeta(
        head["name"], head.get("label", ""), "", "", keys, [_variable(c, df[c["name"]]) for c in cols], records=len(df)
    )
    return df, meta, cols, head.get("records")


def _checked_rows(rows: Iterator[list], width: int, path: Path) -> Iterator[list]:
    """The rows, each an array of ``width`` cells, else one error naming the row (1-based; an NDJSON file's
    data row N is its line N + 1)."""
    ndjson = form_of(path) != "json"
    for i, row in enumerate(rows, 1):
        if not isinstance(row, list) or len(row) != width:
            what = f"{len(row)} values" if isinstance(row, list) else f"a {type(row).__name__}, not an array"
            where = f"row {i} (line {i + 1})" if ndjson else f"row {i}"
            raise fatal("dataset-json-unreadable", f"{where} holds {what} where {width} columns are declared",
                        file=str(path))
        yield row


# -- schema validation -----------------------------------------------------------------------------------


@cache
def _validator(ndjson: bool) -> jsonschema.Draft201909Validator:
    schema = json.loads((_SCHEMAS / "dataset.schema.json").read_bytes().decode("utf-8"))
    if ndjson:
        # The published NDJSON metadata schema (UTF-16 with BOM) refers to #/$defs/Column and
        # #/$defs/SourceSystem but nests them elsewhere; the $defs of the main 1.1 schema fill the gap.
        ndjson_schema = json.loads((_SCHEMAS / "dataset-ndjson-schema.json").read_bytes().decode("utf-16"))
        ndjson_schema["$defs"] = schema["$defs"] | ndjson_schema["$defs"]
        schema = ndjson_schema
    return jsonschema.Draft201909Validator(schema)


def validate_dataset_json(path: str | Path) -> list[Issue]:
    """Issues (code ``dataset-json-schema``) of a .json / .ndjson / .dsjc file against the official 1.1 schema;
    an NDJSON file's (or a DSJC file's decompressed) first line is checked against the NDJSON metadata schema,
    and every other line must be a JSON array with one cell per column."""
    path = Path(path)
    ndjson = form_of(path) != "json"
    head, rows = _load(path)
    issues = [
        Issue("dataset-json-schema", ERROR, f"{'/'.join(map(str, e.absolute_path))}: {e.message}", file=str(path))
        for e in _validator(ndjson).iter_errors(head)
    ]
    if ndjson:
        width = len(head.get("columns", []))
        for i, row in enumerate(rows, 2):
            if not isinstance(row, list) or len(row) != width:
                issues.append(
                    Issue("dataset-json-schema", ERROR, f"line {i}: not an array of {width} cells", file=str(path))
                )
    return issues


# -- XPT converters ----------------------------------------------------------------------------------------

_DATE_FORMATS = (
    ("datetime", ("DATETIME", "E8601DT")),
    ("time", ("TIME", "E8601TM", "HHMM")),
    ("date", ("DATE", "YYMMDD", "E8601DA", "MMDDYY", "DDMMYY")),
)


def format_kind(display_format: str | None) -> str | None:
    """``date``, ``datetime`` or ``time`` for a SAS display format that shows a number as one (``DATE9.``,
    ``E8601DT19.``, ``TIME8.``), else None."""
    fmt = (display_format or "").upper()
    for kind, prefixes in _DATE_FORMATS:  # DATETIME before DATE
        if fmt.startswith(prefixes):
            return kind
    return None


def _infer_num_type(v: VariableMeta, values: pd.Series) -> str:
    kind = format_kind(v.display_format)
    return kind or column_types(VariableMeta(v.name, v.label, "Num", 8), values)["dataType"]


HEADER_DEFAULTS = {"study_oid": "STUDY", "metadata_version_oid": "MDV.1", "created": "2026-01-01T00:00:00"}
_FROM_DEFINE = {"study_oid": "study OID", "metadata_version_oid": "MetaDataVersion OID", "created": "creation time"}


def header_ids(folder: str | Path, **given: str | None) -> tuple[dict[str, str], str]:
    """``study_oid``, ``metadata_version_oid`` and ``created`` for Dataset-JSON files converted from the XPT files
    of ``folder``: each one ``given`` wins, else the define.xml in ``folder`` (ODM/Study/@OID, its MetaDataVersion
    OID, ODM/@CreationDateTime), else :data:`HEADER_DEFAULTS`. Also returns one line saying where they came
    from ("" when every one was given)."""
    from sdtm_convert.package.define.read import read_define_header

    define = next((p for p in sorted(Path(folder).glob("*")) if p.name.lower() == "define.xml" and p.is_file()), None)
    found = read_define_header(define) if define else None
    ids: dict[str, str] = {}
    taken: list[str] = []
    defaulted: list[str] = []
    for key, default in HEADER_DEFAULTS.items():
        value = given.get(key) or (getattr(found, key) if found else "")
        ids[key] = value or default
        if not given.get(key):
            (taken if value else defaulted).append(key)
    parts = []
    if taken:
        parts.append(", ".join(f"{_FROM_DEFINE[k]} {ids[k]}" for k in taken) + f" from {define}")
    if defaulted:
        where = f"not in {define}" if define else f"no define.xml in {folder}"
        parts.append(f"{where}: default " + ", ".join(f"{_FROM_DEFINE[k]} {ids[k]}" for k in defaulted)
                     + " (set " + ", ".join("--" + k.replace("_", "-") for k in defaulted) + ")")
    return ids, "; ".join(parts)


def xpt_to_json(
    xpt_path: str | Path,
    out_path: str | Path,
    *,
    created: str,
    study_oid: str,
    metadata_version_oid: str,
    meta: DatasetMeta | None = None,
    encoding: str | None = None,
    ndjson: bool | None = None,
    form: str | None = None,
) -> Path:
    """Convert one XPT file; without ``meta`` the types are inferred (SAS date formats → date/datetime/time,
    whole numbers → integer). The form (``json``, ``ndjson``, ``dsjc``) is ``form``, else ``ndjson=True``'s,
    else the output suffix's."""
    from sdtm_convert.xpt import read_xpt

    df, info = read_xpt(xpt_path, encoding=encoding)
    if meta is None:
        meta = info.to_dataset_meta()
        for v in meta.variables:
            if v.type == "Num":
                v.data_type = _infer_num_type(v, df[v.name])
    form = form or (form_of(out_path) if ndjson is None else "ndjson" if ndjson else "json")
    return write_dataset_json(
        df,
        meta,
        out_path,
        created=created,
        study_oid=study_oid,
        metadata_version_oid=metadata_version_oid,
        form=form,
    )


def json_to_xpt(
    json_path: str | Path, out_path: str | Path, *, created: datetime, label: str | None = None
) -> list[Issue]:
    """Convert one Dataset-JSON file to XPT v5 through :func:`sdtm_convert.xpt.write_xpt` (its pre-write
    checks apply; the issues are returned and nothing is written on an error). ``label`` replaces the
    dataset label (XPT for submission needs one; some legacy files have none). A file whose declared
    ``records`` differs from the rows it holds (a truncated transfer) is an error and nothing is written."""
    from sdtm_convert.xpt import write_xpt

    df, meta, _cols, declared = read_dataset_json_declared(json_path)
    if isinstance(declared, int) and not isinstance(declared, bool) and declared != len(df):
        return [Issue("dataset-json-records-mismatch", ERROR,
                      f"the file declares records {declared} and holds {len(df)} rows (a truncated or padded "
                      "transfer?); nothing is written", file=str(json_path))]
    if label is not None:
        meta.label = label
    return write_xpt(df, out_path, meta, created=created)
