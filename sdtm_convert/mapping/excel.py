"""A study's mapping spec and define metadata as one Excel workbook, and back (openpyxl).

``export_spec(spec_folder, xlsx_path)`` writes every YAML file of ``mappings/<study>/`` to a workbook;
``import_spec(xlsx_path, spec_folder)`` writes them back. The round trip keeps the parsed YAML data
exactly (YAML comments and anchors are not data: anchors come back expanded, ``#`` comments are lost;
``comment:`` keys are kept). ``read_define``/``write_define`` read and write the define sheets alone
(a Pinnacle 21 define-spec workbook). Layout (see docs/spec-excel.md):

Mapping sheets
  SpecFiles     File | Key | Value - top-level keys of study.yaml, raw.yaml (and adam.yaml), in order;
                a value ``sheet:<Name>`` points to the sheet that holds that key's list
  RawDatasets   one row per raw dataset (raw.yaml ``datasets``)
  Domains       one row per domain spec file (File = file name without .yaml)
  Sources       one row per source block (File, Source = 1, 2, ... in file order)
  Mapping       one row per target variable: File | Source | Target | Algorithm | one column per
                parameter (Column, Value, Codelist, Date, Time, Format, Map, Pattern, ...) | Extra
  Derivations   one row per derivation step: File | Step | Name | Params
  TrialArms, TrialElements, TrialVisits, TrialSummary, TrialIE
                study.yaml arms, elements, visits, trial_summary, inclusion_exclusion: one row per
                item, one column per key
Define sheets (Pinnacle 21 layout): Study, Datasets, Variables, ValueLevel, WhereClauses, Codelists,
  Dictionaries (external codelists: MedDRA, WHODrug; may be missing), Methods, Comments, Documents - kept in ``define.yaml`` of the spec folder (written only when the
  sheets hold rows). A composite where-clause is several WhereClauses rows with one ID (ANDed).

Cells. A scalar is a plain cell (text, number, true/false). Structured parameters (Map, Range,
Convert, Cases, Else, Parts, Keys, Table, Default, Format lists, Join, Where, Transpose, Params,
Extra, list-valued RawDatasets columns) are YAML flow text, e.g. ``{column: AEONGO, op: eq,
value: "Yes"}`` - the same notation as the spec files; nested conditions and lookup tables cannot be
flattened into fixed columns without losing structure. In a scalar column, a value that a plain
cell cannot carry exactly (empty text, null, a whole float such as 2.0, text starting with ``=``,
``yaml:`` or ``sheet:``, or a list/mapping) is written as ``yaml:`` + YAML flow text.

Errors: a malformed workbook raises :class:`SdtmConvertError` whose Issue has ``file`` = the workbook,
``extra["sheet_row"]`` = the Excel row number as Excel shows it (header = 1; also named in the message,
``row`` stays empty: it is a data row) and ``column`` = ``"Sheet!Column"`` (the sheet is also named in
the message). Codes: ``xlsx-unreadable``, ``xlsx-sheet-missing``, ``xlsx-column-unknown``,
``xlsx-column-missing``, ``xlsx-value-invalid``, ``xlsx-reference-unknown``; every problem found is
listed in ``issue.extra["all"]``.

Bytes are deterministic: fixed workbook properties (creator, created = modified = the study's
``created`` timestamp) and fixed zip entry timestamps.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import fields
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from sdtm_convert.common.atomic import atomic_write_bytes
from sdtm_convert.common.xlsx import safe_row
from sdtm_convert.errors import ERROR, Issue, SdtmConvertError
from sdtm_convert.spec import define_spec as ds
from sdtm_convert.spec.params import COMMON

TOP_FILES = ("study", "raw", "adam")  # non-domain YAML files whose top-level keys go to SpecFiles
DEFINE_FILE = "define"
LIST_SHEETS = {  # (file, key) → sheet of a list of mappings, one row per item
    ("study", "arms"): "TrialArms",
    ("study", "elements"): "TrialElements",
    ("study", "visits"): "TrialVisits",
    ("study", "trial_summary"): "TrialSummary",
    ("study", "inclusion_exclusion"): "TrialIE",
}
def _title(key: str) -> str:
    return key.replace("_", " ").title().replace(" ", "")


# Fixed-column sheets: (header, key, kind) with kind "s" scalar, "y" YAML, "i" row index
SHEETS: dict[str, list[tuple[str, str, str]]] = {
    "SpecFiles": [("File", "file", "s"), ("Key", "key", "s"), ("Value", "value", "s")],
    "RawDatasets": [
        ("Dataset", "name", "s"),
        ("Description", "description", "s"),
        ("Files", "files", "y"),
        ("Columns", "columns", "y"),
        ("Optional Columns", "optional_columns", "y"),
        ("Keys", "keys", "y"),
        ("Subject", "subject", "s"),
        ("Encoding", "encoding", "s"),
        ("Extra", "__extra", "y"),
    ],
    "Domains": [
        ("File", "file", "s"),
        ("Domain", "domain", "s"),
        ("Label", "label", "s"),
        ("Description", "description", "s"),
        ("Extra", "__extra", "y"),
    ],
    "Sources": [
        ("File", "file", "s"),
        ("Source", "source", "s"),
        ("Raw", "raw", "s"),
        ("Description", "description", "s"),
        ("Join", "join", "y"),
        ("Where", "where", "y"),
        ("Excluded Reason", "excluded_reason", "s"),
        ("Transpose", "transpose", "y"),
        ("Extra", "__extra", "y"),
    ],
    "Mapping": [
        ("File", "file", "s"),
        ("Source", "source", "s"),
        ("Target", "target", "s"),
        ("Algorithm", "algorithm", "s"),
        # one column per algorithm parameter, filled from the descriptors by sheets()
        ("Extra", "__extra", "y"),
    ],
    "Derivations": [("File", "file", "s"), ("Step", "step", "s"), ("Name", "name", "s"), ("Params", "__extra", "y")],
}


def mapping_params(algorithms: Any) -> list[tuple[str, str]]:
    """``(key, cell kind)`` of every algorithm parameter (first appearance, Assigned then Collected then Derived algorithms), then the keys
    any variable may carry. A column is YAML text when every algorithm with that parameter says so."""
    kinds: dict[str, list[str]] = {}
    rank = {"Assigned": 0, "Collected": 1, "Derived": 2}
    for algo in sorted(algorithms.values(), key=lambda a: rank.get(a.origin, 3)):
        for name, kind in algo.params.items():
            kinds.setdefault(name, []).append(kind.excel)
    for name in ("label", "origin", "comment"):
        kinds.setdefault(name, []).append(COMMON[name].excel)
    return [(name, "y" if all(k == "y" for k in ks) else "s") for name, ks in kinds.items()]


@cache
def sheets() -> dict[str, list[tuple[str, str, str]]]:
    """:data:`SHEETS` with the Mapping sheet's parameter columns, read from the mapping algorithm registry."""
    from sdtm_convert.mapping.algorithms import ALGORITHMS

    out = dict(SHEETS)
    head, extra = SHEETS["Mapping"][:-1], SHEETS["Mapping"][-1]
    out["Mapping"] = [*head, *[(_title(p), p, kind) for p, kind in mapping_params(ALGORITHMS)], extra]
    return out


MAPPING_SHEETS = ["SpecFiles", "RawDatasets", "Domains", "Sources", "Mapping", "Derivations", *LIST_SHEETS.values()]

# Pinnacle 21 define-spec sheets: header → dataclass field
DEFINE_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "Study": [("Attribute", "attribute"), ("Value", "value")],
    "Datasets": [
        ("Dataset", "dataset"),
        ("Description", "description"),
        ("Class", "cls"),
        ("Structure", "structure"),
        ("Purpose", "purpose"),
        ("Key Variables", "key_variables"),
        ("Repeating", "repeating"),
        ("Reference Data", "reference_data"),
        ("Comment", "comment"),
        ("Developer Notes", "developer_notes"),
    ],
    "Variables": [
        ("Order", "order"),
        ("Dataset", "dataset"),
        ("Variable", "variable"),
        ("Label", "label"),
        ("Data Type", "data_type"),
        ("Length", "length"),
        ("Significant Digits", "significant_digits"),
        ("Format", "format"),
        ("Mandatory", "mandatory"),
        ("Assigned Value", "assigned_value"),
        ("Codelist", "codelist"),
        ("Common", "common"),
        ("Origin", "origin"),
        ("Source", "source"),
        ("Pages", "pages"),
        ("Method", "method"),
        ("Predecessor", "predecessor"),
        ("Role", "role"),
        ("Comment", "comment"),
        ("Developer Notes", "developer_notes"),
    ],
    "ValueLevel": [
        ("Order", "order"),
        ("Dataset", "dataset"),
        ("Variable", "variable"),
        ("Where Clause", "where_clause"),
        ("Description", "description"),
        ("Data Type", "data_type"),
        ("Length", "length"),
        ("Significant Digits", "significant_digits"),
        ("Format", "format"),
        ("Mandatory", "mandatory"),
        ("Assigned Value", "assigned_value"),
        ("Codelist", "codelist"),
        ("Origin", "origin"),
        ("Source", "source"),
        ("Pages", "pages"),
        ("Method", "method"),
        ("Predecessor", "predecessor"),
        ("Comment", "comment"),
        ("Developer Notes", "developer_notes"),
    ],
    "WhereClauses": [
        ("ID", "id"),
        ("Dataset", "dataset"),
        ("Variable", "variable"),
        ("Comparator", "comparator"),
        ("Value", "values"),
        ("Comment", "comment"),
    ],
    "Codelists": [
        ("ID", "id"),
        ("Name", "name"),
        ("NCI Codelist Code", "nci_codelist_code"),
        ("Data Type", "data_type"),
        ("Order", "order"),
        ("Term", "term"),
        ("NCI Term Code", "nci_term_code"),
        ("Decoded Value", "decoded_value"),
        ("Comment", "comment"),
        ("Developer Notes", "developer_notes"),
    ],
    "Dictionaries": [
        ("ID", "id"),
        ("Name", "name"),
        ("Data Type", "data_type"),
        ("Dictionary", "dictionary"),
        ("Version", "version"),
        ("Version From", "version_from"),
    ],
    "Methods": [
        ("ID", "id"),
        ("Name", "name"),
        ("Type", "type"),
        ("Description", "description"),
        ("Expression Context", "expression_context"),
        ("Expression Code", "expression_code"),
        ("Document", "document"),
        ("Pages", "pages"),
    ],
    "Comments": [("ID", "id"), ("Description", "description"), ("Document", "document"), ("Pages", "pages")],
    "Documents": [("ID", "id"), ("Title", "title"), ("Href", "href")],
}
DEFINE_SHEETS = list(DEFINE_COLUMNS)
OPTIONAL_DEFINE_SHEETS = {"Dictionaries"}  # not in every P21 workbook: a missing one reads as empty
INT_FIELDS = {"order", "length", "significant_digits"}
# P21 writes the values of an IN / NOTIN where-clause in one cell, separated by commas
WHERE_VALUE_SEP = ", "
_FIXED_TIME = datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------------------------------
# cells


def _ydump(v: Any) -> str:
    text = yaml.safe_dump(v, default_flow_style=True, sort_keys=False, allow_unicode=True, width=10**9)
    if text.endswith("\n...\n"):
        text = text[: -len("\n...\n")]
    return text.strip()


def _plain_ok(v: Any) -> bool:
    if isinstance(v, bool) or isinstance(v, int):
        return True
    if isinstance(v, float):
        return not v.is_integer() and v == v and abs(v) != float("inf")
    if isinstance(v, str):
        return v != "" and not v.startswith(("=", "yaml:", "sheet:")) and v == v.strip("\x00")
    return False


def _enc_scalar(v: Any) -> Any:
    return v if _plain_ok(v) else "yaml:" + _ydump(v)


class _CellError(ValueError):
    pass


def _dec_scalar(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith("yaml:"):
        return _yload(cell[len("yaml:") :])
    if isinstance(cell, datetime):  # a cell Excel turned into a date: keep it as ISO text
        return cell.isoformat()
    return cell


def _yload(text: str) -> Any:
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loader
    except yaml.YAMLError as exc:
        raise _CellError(f"not valid YAML flow text ({getattr(exc, 'problem', exc)})") from None


def _enc(v: Any, kind: str) -> Any:
    return _ydump(v) if kind == "y" else _enc_scalar(v)


def _dec(cell: Any, kind: str) -> Any:
    if kind == "y":
        return _yload(str(cell))
    return _dec_scalar(cell)


# ---------------------------------------------------------------------------------------------------
# spec folder ⇄ rows


def _read_yaml(path: Path) -> Any:
    from sdtm_convert.spec.loader import load_yaml

    return load_yaml(path)[0]


def spec_rows(spec_folder: str | Path) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]]]:
    """The rows of every mapping sheet (``{sheet: [row dict]}``) and the column order of list sheets."""
    folder = Path(spec_folder)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in MAPPING_SHEETS}
    list_columns: dict[str, list[str]] = {sheet: [] for sheet in LIST_SHEETS.values()}
    for stem in TOP_FILES:
        path = folder / f"{stem}.yaml"
        if not path.exists():
            continue
        data = _read_yaml(path) or {}
        for key, value in data.items():
            if (stem, key) in LIST_SHEETS and isinstance(value, list) and all(isinstance(x, dict) for x in value):
                sheet = LIST_SHEETS[(stem, key)]
                rows["SpecFiles"].append({"file": stem, "key": key, "value": "sheet:" + sheet})
                for item in value:
                    rows[sheet].append(dict(item))
                    list_columns[sheet] += [k for k in item if k not in list_columns[sheet]]
            elif stem == "raw" and key == "datasets" and isinstance(value, dict):
                rows["SpecFiles"].append({"file": stem, "key": key, "value": "sheet:RawDatasets"})
                for name, d in value.items():
                    rows["RawDatasets"].append(_split({"name": name, **d}, "RawDatasets"))
            else:
                rows["SpecFiles"].append({"file": stem, "key": key, "value": value})
    for path in sorted(folder.glob("*.yaml")):
        if path.stem in TOP_FILES or path.stem == DEFINE_FILE:
            continue
        _domain_rows(path.stem, _read_yaml(path) or {}, rows)
    return rows, list_columns


def _split(d: dict[str, Any], sheet: str) -> dict[str, Any]:
    """Known keys stay, the rest go to ``__extra`` (a mapping, order kept)."""
    known = {key for _, key, _ in sheets()[sheet]}
    row = {k: v for k, v in d.items() if k in known}
    extra = {k: v for k, v in d.items() if k not in known}
    if extra:
        row["__extra"] = extra
    return row


def _domain_rows(stem: str, data: dict[str, Any], rows: dict[str, list[dict[str, Any]]]) -> None:
    head = {k: v for k, v in data.items() if k not in ("sources", "derivations")}
    if "derivations" in data and not data["derivations"]:
        head["derivations"] = data["derivations"]  # an empty list has no Derivations rows: kept in Extra
    if "sources" not in data:
        head["__no_sources"] = True
    rows["Domains"].append(_split({"file": stem, **head}, "Domains"))
    for i, src in enumerate(data.get("sources", []), start=1):
        s = {k: v for k, v in src.items() if k != "variables"}
        srow = _split({"file": stem, "source": i, **s}, "Sources")
        if "variables" not in src:
            srow.setdefault("__extra", {})["__no_variables"] = True
        rows["Sources"].append(srow)
        for var in src.get("variables", []):
            rows["Mapping"].append(_split({"file": stem, "source": i, **var}, "Mapping"))
    for j, step in enumerate(data.get("derivations", []), start=1):
        params = {k: v for k, v in step.items() if k != "name"}
        r = {"file": stem, "step": j, **({"name": step["name"]} if "name" in step else {})}
        if params or "name" not in step:
            r["__extra"] = params
        rows["Derivations"].append(r)


def files_from_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Rebuild ``{file stem: YAML data}`` from sheet rows (inverse of :func:`spec_rows`)."""
    files: dict[str, Any] = {}
    for r in rows["SpecFiles"]:
        data = files.setdefault(r["file"], {})
        value = r.get("value")
        if isinstance(value, str) and value.startswith("sheet:"):
            sheet = value[len("sheet:") :]
            if sheet == "RawDatasets":
                value = {}
                for d in rows["RawDatasets"]:
                    d = _join_extra(d)
                    name = d.pop("name")
                    value[name] = d
            else:
                value = [dict(x) for x in rows.get(sheet, [])]
        data[r["key"]] = value
    for d in rows["Domains"]:
        d = _join_extra(d)
        stem = d.pop("file")
        no_sources = d.pop("__no_sources", False)
        files[stem] = {**d, **({} if no_sources else {"sources": []})}
    sources: dict[tuple[str, int], dict[str, Any]] = {}
    for s in rows["Sources"]:
        s = _join_extra(s)
        stem, idx = s.pop("file"), int(s.pop("source"))
        no_vars = s.pop("__no_variables", False)
        src = {**s, **({} if no_vars else {"variables": []})}
        files[stem]["sources"].append(src)
        sources[(stem, idx)] = src
    for v in rows["Mapping"]:
        v = _join_extra(v)
        stem, idx = v.pop("file"), int(v.pop("source"))
        sources[(stem, idx)]["variables"].append(v)
    for step in rows["Derivations"]:
        step = dict(step)
        stem = step.pop("file")
        step.pop("step", None)
        params = step.pop("__extra", None) or {}
        files[stem].setdefault("derivations", []).append({**step, **params})
    return files


def _join_extra(d: dict[str, Any]) -> dict[str, Any]:
    d = dict(d)
    extra = d.pop("__extra", None) or {}
    return {**d, **extra}


# ---------------------------------------------------------------------------------------------------
# workbook writing


def _sheet(wb: Any, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(safe_row(ws, r))  # a text starting "=" stays text, never a formula
    ws.freeze_panes = "A2"


def _mapping_sheets(wb: Any, rows: dict[str, list[dict[str, Any]]], list_columns: dict[str, list[str]]) -> None:
    for name, cols in sheets().items():
        table = [[(_enc(r[key], kind) if key in r else None) for _, key, kind in cols] for r in rows[name]]
        _sheet(wb, name, [h for h, _, _ in cols], table)
    for sheet in LIST_SHEETS.values():
        keys = list_columns.get(sheet, [])
        _sheet(wb, sheet, keys, [[(_enc_scalar(r[k]) if k in r else None) for k in keys] for r in rows[sheet]])


def define_rows(spec: ds.DefineSpec) -> dict[str, list[dict[str, Any]]]:
    """The define sheets as row dicts keyed by dataclass field (inverse of :func:`define_from_rows`)."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in DEFINE_SHEETS}
    out["Study"] = [{"attribute": k, "value": v} for k, v in spec.study.items()]
    out["Datasets"] = [vars(d).copy() for d in spec.datasets]
    out["Variables"] = [vars(v).copy() for v in spec.variables]
    out["ValueLevel"] = [vars(v).copy() for v in spec.value_level]
    out["WhereClauses"] = [
        {"id": w.id, **{**vars(c), "values": WHERE_VALUE_SEP.join(c.values)}}
        for w in spec.where_clauses
        for c in w.conditions
    ]
    for c in spec.codelists:  # one row per term; a codelist without terms (external dictionary) gets one row
        head = {"id": c.id, "name": c.name, "nci_codelist_code": c.nci_codelist_code, "data_type": c.data_type}
        out["Codelists"] += [{**head, **vars(t)} for t in c.terms] or [head]
    out["Dictionaries"] = [vars(d).copy() for d in spec.dictionaries]
    out["Methods"] = [vars(m).copy() for m in spec.methods]
    out["Comments"] = [vars(c).copy() for c in spec.comments]
    out["Documents"] = [vars(d).copy() for d in spec.documents]
    return out


def _define_sheets(wb: Any, spec: ds.DefineSpec) -> None:
    rows = define_rows(spec)
    for name, cols in DEFINE_COLUMNS.items():
        table = [[_define_cell(r.get(key)) for _, key in cols] for r in rows[name]]
        _sheet(wb, name, [h for h, _ in cols], table)


def _define_cell(v: Any) -> Any:
    return None if v is None or v == "" else v


def _save(wb: Any, path: Path, created: datetime) -> None:
    """Write ``wb`` with fixed properties and zip timestamps (same content → same bytes)."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.creator = "sdtm-convert"
    wb.properties.lastModifiedBy = "sdtm-convert"
    wb.properties.created = created
    wb.properties.modified = created
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    atomic_write_bytes(path, out.getvalue())


def _created(rows: dict[str, list[dict[str, Any]]]) -> datetime:
    for r in rows["SpecFiles"]:
        if r["file"] == "study" and r["key"] == "created":
            try:
                return datetime.fromisoformat(str(r["value"]))
            except ValueError:
                break
    return _FIXED_TIME


def export_spec(spec_folder: str | Path, xlsx_path: str | Path, define: ds.DefineSpec | None = None) -> Path:
    """Write the spec of ``spec_folder`` (all its YAML files, and define.yaml if present) to ``xlsx_path``.

    ``define``: the define sheets' content instead of define.yaml's, e.g. what a run's define.xml files state
    (:func:`sdtm_convert.package.define.to_spec.run_define_spec`, ``spec export --run``)."""
    from openpyxl import Workbook

    folder = Path(spec_folder)
    if not folder.is_dir():
        raise SdtmConvertError(Issue("spec-folder-missing", ERROR, "mapping spec folder not found", file=str(folder)))
    rows, list_columns = spec_rows(folder)
    define_path = folder / f"{DEFINE_FILE}.yaml"
    if define is None:
        define = ds.DefineSpec.from_dict(_read_yaml(define_path) or {}) if define_path.exists() else ds.DefineSpec()
    wb = Workbook()
    wb.remove(wb.active)
    _mapping_sheets(wb, rows, list_columns)
    _define_sheets(wb, define)
    path = Path(xlsx_path)
    _save(wb, path, _created(rows))
    return path


def write_define(spec: ds.DefineSpec, xlsx_path: str | Path) -> Path:
    """Write the define sheets alone (a P21-style define-spec workbook)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _define_sheets(wb, spec)
    path = Path(xlsx_path)
    _save(wb, path, _FIXED_TIME)
    return path


# ---------------------------------------------------------------------------------------------------
# workbook reading


class _Problems:
    def __init__(self, workbook: Path):
        self.workbook = workbook
        self.issues: list[Issue] = []

    def add(
        self, code: str, message: str, sheet: str, row: int | None = None, column: str | None = None, value: Any = None
    ) -> None:
        where = f"sheet {sheet}" + (f", row {row}" if row is not None else "") + (f", column {column}" if column else "")
        self.issues.append(
            Issue(
                code,
                ERROR,
                f"{where}: {message}",
                file=str(self.workbook),
                column=f"{sheet}!{column}" if column else sheet,
                value=None if value is None else str(value),
                extra={} if row is None else {"sheet_row": row},
            )
        )

    def raise_if_any(self) -> None:
        if not self.issues:
            return
        first = self.issues[0]
        more = f" (and {len(self.issues) - 1} more workbook errors)" if len(self.issues) > 1 else ""
        raise SdtmConvertError(
            Issue(
                first.code,
                ERROR,
                first.message + more,
                file=first.file,
                column=first.column,
                value=first.value,
                extra={**first.extra, "all": [i.to_dict() for i in self.issues]},
            )
        )


def _open(xlsx_path: str | Path) -> Any:
    from openpyxl import load_workbook

    path = Path(xlsx_path)
    if not path.exists():
        raise SdtmConvertError(Issue("xlsx-unreadable", ERROR, "workbook not found", file=str(path)))
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise SdtmConvertError(
            Issue("xlsx-unreadable", ERROR, f"not a readable .xlsx workbook ({exc})", file=str(path))
        ) from None


def _table(
    wb: Any, sheet: str, allowed: list[str] | None, problems: _Problems, required: list[str] | None = None
) -> list[tuple[int, dict[str, Any]]] | None:
    """Rows of ``sheet`` as ``(excel row, {header: cell})`` (empty rows skipped); None when missing."""
    if sheet not in wb.sheetnames:
        problems.add("xlsx-sheet-missing", f"sheet {sheet!r} is missing", sheet)
        return None
    it = wb[sheet].iter_rows(values_only=True)
    header_row = next(it, None) or ()
    headers = [str(h).strip() if h is not None else "" for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    for k, h in enumerate(headers):
        if h == "":
            problems.add("xlsx-column-unknown", f"column {k + 1} has no header", sheet, 1, f"#{k + 1}")
        elif allowed is not None and h not in allowed:
            problems.add("xlsx-column-unknown", f"unknown column {h!r} (known: {', '.join(allowed)})", sheet, 1, h)
    for h in required or []:
        if h not in headers:
            problems.add("xlsx-column-missing", f"required column {h!r} is missing", sheet, 1, h)
    out = []
    for n, values in enumerate(it, start=2):
        cells = {h: v for h, v in zip(headers, values) if h and v is not None and not (isinstance(v, str) and v == "")}
        if cells:
            out.append((n, cells))
    return out


def _mapping_rows(wb: Any, problems: _Problems) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[int]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, list[int]] = {}
    required = {
        "SpecFiles": ["File", "Key"],
        "RawDatasets": ["Dataset"],
        "Domains": ["File"],
        "Sources": ["File", "Source"],
        "Mapping": ["File", "Source", "Target", "Algorithm"],
        "Derivations": ["File", "Step"],
    }
    for name, cols in sheets().items():
        by_header = {h: (key, kind) for h, key, kind in cols}
        table = _table(wb, name, list(by_header), problems, required[name])
        rows[name], lines[name] = [], []
        for n, cells in table or []:
            row = {}
            for h, cell in cells.items():
                if h not in by_header:
                    continue
                key, kind = by_header[h]
                try:
                    row[key] = _dec(cell, kind)
                except _CellError as exc:
                    problems.add("xlsx-value-invalid", str(exc), name, n, h, cell)
            rows[name].append(row)
            lines[name].append(n)
    for sheet in LIST_SHEETS.values():
        table = _table(wb, sheet, None, problems)
        rows[sheet] = []
        for n, cells in table or []:
            item = {}
            for h, cell in cells.items():
                try:
                    item[h] = _dec_scalar(cell)
                except _CellError as exc:
                    problems.add("xlsx-value-invalid", str(exc), sheet, n, h, cell)
            rows[sheet].append(item)
    return rows, lines


def _check_mapping_refs(
    rows: dict[str, list[dict[str, Any]]], lines: dict[str, list[int]], problems: _Problems
) -> None:
    domains = {str(d.get("file")) for d in rows["Domains"]}
    sources = {(str(s.get("file")), _int(s.get("source"))) for s in rows["Sources"]}
    for sheet in ("Sources", "Derivations"):
        for n, r in zip(lines[sheet], rows[sheet]):
            if str(r.get("file")) not in domains:
                problems.add(
                    "xlsx-reference-unknown",
                    f"file {r.get('file')!r} has no row in sheet Domains",
                    sheet,
                    n,
                    "File",
                    r.get("file"),
                )
    for n, r in zip(lines["Mapping"], rows["Mapping"]):
        if (str(r.get("file")), _int(r.get("source"))) not in sources:
            problems.add(
                "xlsx-reference-unknown",
                f"source {r.get('file')}/{r.get('source')} has no row in sheet Sources",
                "Mapping",
                n,
                "Source",
                r.get("source"),
            )
    for n, r in zip(lines["SpecFiles"], rows["SpecFiles"]):
        v = r.get("value")
        if isinstance(v, str) and v.startswith("sheet:") and v[len("sheet:") :] not in MAPPING_SHEETS:
            problems.add(
                "xlsx-reference-unknown", f"{v!r} names no sheet of the mapping layout", "SpecFiles", n, "Value", v
            )


def _int(v: Any) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _define_from_workbook(wb: Any, problems: _Problems) -> tuple[ds.DefineSpec, dict[str, list[int]]]:
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for name, cols in DEFINE_COLUMNS.items():
        if name in OPTIONAL_DEFINE_SHEETS and name not in wb.sheetnames:
            tables[name] = []
            continue
        t = _table(wb, name, [h for h, _ in cols], problems)
        tables[name] = t or []
    rows: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, list[int]] = {}
    for name, cols in DEFINE_COLUMNS.items():
        by_header = dict(cols)
        rows[name], lines[name] = [], []
        for n, cells in tables[name]:
            r: dict[str, Any] = {}
            for h, cell in cells.items():
                key = by_header.get(h)
                if key is None:
                    continue
                if key in INT_FIELDS:
                    if _int(cell) is None or (isinstance(cell, float) and not cell.is_integer()):
                        problems.add("xlsx-value-invalid", f"{h} must be a whole number", name, n, h, cell)
                        continue
                    r[key] = int(cell)
                else:
                    r[key] = cell.isoformat() if isinstance(cell, datetime) else str(cell)
            rows[name].append(r)
            lines[name].append(n)
    return define_from_rows(rows, lines, problems), lines


def define_from_rows(
    rows: dict[str, list[dict[str, Any]]], lines: dict[str, list[int]] | None = None, problems: _Problems | None = None
) -> ds.DefineSpec:
    """Build a DefineSpec from define-sheet rows (keys = dataclass fields); missing key columns are reported."""
    lines = lines or {k: list(range(2, len(v) + 2)) for k, v in rows.items()}

    def need(sheet: str, i: int, r: dict[str, Any], keys: list[str]) -> bool:
        missing = [k for k in keys if not r.get(k)]
        for k in missing:
            if problems is not None:
                header = next(h for h, f in DEFINE_COLUMNS[sheet] if f == k)
                problems.add("xlsx-value-invalid", f"{header} is required", sheet, lines[sheet][i], header)
        return not missing

    spec = ds.DefineSpec()
    for i, r in enumerate(rows.get("Study", [])):
        if need("Study", i, r, ["attribute"]):
            spec.study[r["attribute"]] = r.get("value", "")
    for i, r in enumerate(rows.get("Datasets", [])):
        if need("Datasets", i, r, ["dataset"]):
            spec.datasets.append(ds.DatasetDef(**r))
    for i, r in enumerate(rows.get("Variables", [])):
        if need("Variables", i, r, ["dataset", "variable"]):
            spec.variables.append(ds.VariableDef(**r))
    for i, r in enumerate(rows.get("ValueLevel", [])):
        if need("ValueLevel", i, r, ["dataset", "variable", "where_clause"]):
            spec.value_level.append(ds.ValueLevelDef(**r))
    clauses: dict[str, ds.WhereClause] = {}
    for i, r in enumerate(rows.get("WhereClauses", [])):
        if need("WhereClauses", i, r, ["id", "dataset", "variable", "comparator"]):
            comparator = str(r["comparator"]).strip().upper()
            values = [v.strip() for v in str(r.get("values", "")).split(",")] if r.get("values", "") != "" else []
            if comparator in ("EQ", "NE", "LT", "LE", "GT", "GE") and r.get("values", "") != "":
                values = [str(r["values"])]  # a single value may itself hold a comma
            cond = ds.WhereCondition(r["dataset"], r["variable"], comparator, values, r.get("comment", ""))
            clauses.setdefault(r["id"], ds.WhereClause(r["id"])).conditions.append(cond)
    spec.where_clauses = list(clauses.values())
    lists: dict[str, ds.Codelist] = {}
    for i, r in enumerate(rows.get("Codelists", [])):
        if need("Codelists", i, r, ["id"]):
            cl = lists.setdefault(
                r["id"], ds.Codelist(r["id"], r.get("name", ""), r.get("nci_codelist_code", ""), r.get("data_type", ""))
            )
            if r.get("term", "") != "":
                term_keys = {f.name for f in fields(ds.CodelistTerm)}
                cl.terms.append(ds.CodelistTerm(**{k: v for k, v in r.items() if k in term_keys}))
    spec.codelists = list(lists.values())
    for sheet, cls, attr in (
        ("Dictionaries", ds.DictionaryDef, "dictionaries"),
        ("Methods", ds.MethodDef, "methods"),
        ("Comments", ds.CommentDef, "comments"),
        ("Documents", ds.DocumentDef, "documents"),
    ):
        for i, r in enumerate(rows.get(sheet, [])):
            if need(sheet, i, r, ["id"]):
                getattr(spec, attr).append(cls(**r))
    return spec


def _check_define(spec: ds.DefineSpec, lines: dict[str, list[int]], problems: _Problems) -> None:
    codes = {
        "codelist": "xlsx-reference-unknown",
        "method": "xlsx-reference-unknown",
        "comment": "xlsx-reference-unknown",
        "document": "xlsx-reference-unknown",
        "where_clause": "xlsx-reference-unknown",
        "variable": "xlsx-reference-unknown",
        "comparator": "xlsx-value-invalid",
    }
    for sheet, i, fname, value, message in ds.check_refs(spec):
        header = next(h for h, f in DEFINE_COLUMNS[sheet] if f == fname)
        row = lines[sheet][i] if i < len(lines.get(sheet, [])) else None
        problems.add(codes[fname], message, sheet, row, header, value)


def read_define(xlsx_path: str | Path) -> ds.DefineSpec:
    """Read the P21 define sheets of a workbook; raises SdtmConvertError naming sheet, row, column."""
    path = Path(xlsx_path)
    wb = _open(path)
    problems = _Problems(path)
    try:
        spec, lines = _define_from_workbook(wb, problems)
        problems.raise_if_any()
        _check_define(spec, lines, problems)
        problems.raise_if_any()
    finally:
        wb.close()
    return spec


def read_spec_workbook(xlsx_path: str | Path) -> tuple[dict[str, Any], ds.DefineSpec]:
    """``({file stem: YAML data}, DefineSpec)`` from a spec workbook, checked; nothing written."""
    path = Path(xlsx_path)
    wb = _open(path)
    problems = _Problems(path)
    try:
        rows, lines = _mapping_rows(wb, problems)
        define, dlines = _define_from_workbook(wb, problems)
        problems.raise_if_any()
        _check_mapping_refs(rows, lines, problems)
        _check_define(define, dlines, problems)
        problems.raise_if_any()
    finally:
        wb.close()
    return files_from_rows(rows), define


def _write_yaml(path: Path, data: Any, source: Path) -> None:
    from sdtm_convert.common.atomic import atomic_write_text

    # libyaml's safe dumper when present: the same text as the pure-Python one, 10x faster on a define spec
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)
    atomic_write_text(path, f"# written by sdtm-convert spec import from {source.name}\n" + text)


def import_spec(xlsx_path: str | Path, spec_folder: str | Path) -> list[Path]:
    """Write the YAML files of a spec workbook into ``spec_folder`` (created if needed); returns the paths.

    The whole workbook is checked first; on any problem nothing is written. Files of the folder that
    the workbook does not hold are left alone. ``define.yaml`` is written when the define sheets hold rows.
    """
    source = Path(xlsx_path)
    files, define = read_spec_workbook(source)
    folder = Path(spec_folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, data in files.items():
        path = folder / f"{stem}.yaml"
        _write_yaml(path, data, source)
        written.append(path)
    if not define.is_empty():
        path = folder / f"{DEFINE_FILE}.yaml"
        _write_yaml(path, define.to_dict(), source)
        written.append(path)
    return written
