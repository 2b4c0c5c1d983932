"""The fault catalogue: one named fault per entry, injected into a fresh copy of the bundled study.

Each :class:`Fault` edits a :class:`Case` (a copy of ``sample_data/nct03745417`` and ``mappings/nct03745417``,
an empty output place), may change the command line, and says what the real CLI must answer: the exit status and
the issues (code, file, data row, line, column) its messages must carry. ``test_faults.py`` runs them.

Positions: ``row`` is a data row (data row N = line N+1 of a one-line-per-record CSV), ``line`` a physical line.

Signals at several points of a run (SIGINT, SIGTERM, SIGHUP, SIGKILL of the parent while its worker writes) and
two runs into one output folder at once are in ``tests/trust/test_stops.py``: they need real process trees (a
parent and its worker, signalled at a progress line), not the forked runner used here.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.trust import edits

STUDY_NAME = "nct03745417"
VALIDATION = "validation.json"  # where the `validate` faults have their findings written


@dataclass
class Case:
    """One fault's workplace: copies of the study and spec, an output folder not yet made, the command to run."""

    root: Path
    study: Path
    spec: Path
    out: Path
    package: Path | None = None  # a written SDTM package (for the `validate` faults), copied per fault
    argv: list[str] = field(default_factory=list)
    preexec: Callable[[], None] | None = None

    def run_argv(self, *extra: str, out: Path | None = None) -> list[str]:
        return ["run", str(self.study), "--spec", str(self.spec), "--out", str(out or self.out), "--no-validate",
                "--no-adam", "--jobs", "1", "--json", "--formats", "json", *extra]

    def raw(self, name: str) -> Path:
        return self.study / name


@dataclass(frozen=True)
class Expect:
    """An issue the run must report (in the conversion report or as a line on stderr), where the fault is."""

    code: str
    file: str | None = None
    row: int | None = None
    line: int | None = None
    column: str | None = None
    severity: str | None = None


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[Case], None]
    exit: int | tuple[int, ...]
    expect: tuple[Expect, ...] = ()
    mentions: tuple[str, ...] = ()  # text the output must hold (for messages another change is rewording)
    reconciles: bool = False  # the run must get as far as the conversion report (its counts are checked)
    needs_package: bool = False
    skip_as_root: bool = False
    check: Callable[[Case], None] | None = None  # more to assert on what the run wrote


# ----------------------------------------------------------------------------------------------- injections


def _cell(file: str, row: int, column: str, raw: bytes | str) -> Callable[[Case], None]:
    return lambda c: edits.set_cell(c.raw(file), row, column, raw)


def _c0_controls(c: Case) -> None:
    """NUL, SUB (0x1A), BEL and ESC, each in a mapped value of another file (one of them renamed by raw.yaml)."""
    edits.set_cell(c.raw("ae.csv"), 3, "AETERM_V", b"Common\x00cold")
    edits.set_cell(c.raw("infusion.csv"), 5, "LOTNO", b"UC22\x0701")
    edits.set_cell(c.raw("vitals_site02.csv"), 7, "TEMP_C", b"\x1b36.6")
    edits.set_cell(c.raw("ae_meddra.csv"), 6, "PT", edits.cell(c.raw("ae_meddra.csv"), 6, "PT") + "\x1a")


def _quote_before_value(c: Case) -> None:
    value = edits.cell(c.raw("ae.csv"), 3, "AETERM_V")
    edits.set_cell(c.raw("ae.csv"), 3, "AETERM_V", '"' + value)


def _quote_spanning_rows(c: Case) -> None:
    edits.set_cell(c.raw("ae.csv"), 3, "AECOMM", '"See next')
    edits.set_cell(c.raw("ae.csv"), 4, "AECOMM", 'x"')


def _quote_open_at_eof(c: Case) -> None:
    edits.set_cell(c.raw("ae.csv"), 26, "AECOMM", '"never closed')


def _mixed_line_ends(c: Case) -> None:
    path = c.raw("dm.csv")
    lines = edits.lines(path)
    path.write_bytes(b"".join(ln.rstrip(b"\n") + b"\r\n" if i % 2 else ln for i, ln in enumerate(lines)))


def _cr_only(c: Case) -> None:
    """Every line of ic.csv ends at a lone CR (classic Mac OS line ends)."""
    path = c.raw("ic.csv")
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))


def _short_row(c: Case) -> None:
    path = c.raw("vitals_site01.csv")
    lines = edits.lines(path)
    lines[10] = b",".join(lines[10].rstrip(b"\r\n").split(b",")[:-2]) + b"\n"
    path.write_bytes(b"".join(lines))


def _long_row(c: Case) -> None:
    path = c.raw("ae_meddra.csv")
    lines = edits.lines(path)
    lines[4] = lines[4].rstrip(b"\r\n") + b",surplus\n"
    path.write_bytes(b"".join(lines))


def _blank_line_middle(c: Case) -> None:
    edits.insert_line(c.raw("pasi.csv"), 100, b"")


def _trailing_blank_lines(c: Case) -> None:
    path = c.raw("visits.csv")
    path.write_bytes(path.read_bytes() + b"\n\n  \n\n")


def _bom(c: Case) -> None:
    path = c.raw("dm.csv")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _cp1252(c: Case) -> None:
    path = c.raw("ae.csv")
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))  # 头痛 → ??


def _invalid_utf8(c: Case) -> None:
    edits.set_cell(c.raw("ae.csv"), 4, "AECOMM", b"bad \x81 byte")


def _cp1252_declared_utf8(c: Case) -> None:
    _cp1252(c)
    c.argv = c.run_argv("--encoding", "utf-8")


def _utf16(c: Case) -> None:
    path = c.raw("dm.csv")
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def _duplicate_header(c: Case) -> None:
    edits.rename_header(c.raw("ae.csv"), "AECOMM", "AETERM_V")


def _missing_column(c: Case) -> None:
    edits.drop_column(c.raw("dm.csv"), "SEX")


def _extra_column(c: Case) -> None:
    edits.add_column(c.raw("ic.csv"), "SITE_NOTE", "checked")


def _header_only(c: Case) -> None:
    path = c.raw("disposition.csv")
    path.write_bytes(edits.lines(path)[0])


def _empty_file(c: Case) -> None:
    c.raw("ic.csv").write_bytes(b"")


def _file_is_folder(c: Case) -> None:
    c.raw("ic.csv").unlink()
    c.raw("ic.csv").mkdir()


def _symlink_loop(c: Case) -> None:
    c.raw("ic.csv").unlink()
    c.raw("ic.csv").symlink_to("ic.csv")


def _missing_file(c: Case) -> None:
    c.raw("ic.csv").unlink()


def _xlsx_export_not_a_workbook(c: Case) -> None:
    """raw.yaml names an Excel export for informed consent; the file is a CSV saved under .xlsx."""
    c.raw("ic.csv").rename(c.raw("ic.xlsx"))
    raw_yaml = c.spec / "raw.yaml"
    text = raw_yaml.read_text(encoding="utf-8")
    assert "files: [ic.csv]" in text
    raw_yaml.write_text(text.replace("files: [ic.csv]", "files: [ic.xlsx]"), encoding="utf-8")


def _exact_duplicate(c: Case) -> None:
    edits.append_line(c.raw("dm.csv"), edits.lines(c.raw("dm.csv"))[3].rstrip(b"\r\n"))


def _conflicting_duplicate(c: Case) -> None:
    row = edits.lines(c.raw("dm.csv"))[2].rstrip(b"\r\n")  # 02-001, Male
    assert b",Male," in row
    edits.append_line(c.raw("dm.csv"), row.replace(b",Male,", b",Female,"))


def _subject_not_in_dm(c: Case) -> None:
    row = edits.lines(c.raw("ae.csv"))[1].rstrip(b"\r\n")
    assert row.startswith(b"01-002,01,1,")
    edits.append_line(c.raw("ae.csv"), b"09-999,09,1," + row[len(b"01-002,01,1,"):])


def _pasi_bad_cells(c: Case) -> None:
    edits.set_cell(c.raw("pasi.csv"), 10, "ERYTH", "abc")
    edits.set_cell(c.raw("pasi.csv"), 20, "AREA", "7")


LONG_COMMENT = "Very long comment " + "x" * 240


def _long_value(c: Case) -> None:
    edits.set_cell(c.raw("ae.csv"), 4, "AECOMM", LONG_COMMENT)
    c.argv = c.run_argv("--formats", "xpt")


def _long_value_split_whole(c: Case) -> None:
    """SDTMIG 4.5.3.2: a text over 200 characters goes to SUPPAE as AECOMM, AECOMM1, ... of at most 200 each;
    read back with pyreadstat, the pieces hold the whole value."""
    import pyreadstat

    supp, _ = pyreadstat.read_xport(str(c.out / "m5" / "datasets" / STUDY_NAME / "tabulations" / "sdtm" / "suppae.xpt"))
    pieces = supp[(supp["USUBJID"] == "NCT03745417-02-002") & supp["QNAM"].str.match(r"AECOMM\d*$")]
    assert pieces["QNAM"].tolist() == ["AECOMM", "AECOMM1", "AECOMM2"]
    assert pieces["QVAL"].str.len().max() <= 200
    assert "".join(pieces["QVAL"]).replace(" ", "") == LONG_COMMENT.replace(" ", "")


def _out_read_only(c: Case) -> None:
    locked = c.root / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    c.argv = c.run_argv(out=locked / "build")


def _out_under_file(c: Case) -> None:
    (c.root / "plain.txt").write_text("a file, not a folder\n")
    c.argv = c.run_argv(out=c.root / "plain.txt" / "build")


def _out_inside_input(c: Case) -> None:
    c.argv = c.run_argv(out=c.study / "build")


def _out_is_study(c: Case) -> None:
    c.argv = c.run_argv(out=c.study)
    c.root.joinpath("files-before").write_text("\n".join(sorted(p.name for p in c.study.iterdir())))


def _study_untouched(c: Case) -> None:
    """The package replaces its output folder whole: a study folder given as --out is refused, not emptied."""
    assert "\n".join(sorted(p.name for p in c.study.iterdir())) == c.root.joinpath("files-before").read_text()


FILE_LIMIT = 64 * 1024  # bytes: the raw files fit, the QS Dataset-JSON does not


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def _disk_full(c: Case) -> None:
    c.preexec = _limit_file_size


def _nothing_half_written(c: Case) -> None:
    """The run died writing: no package appeared, and no staging folder or lock file stayed beside it."""
    assert not c.out.exists()
    assert [p.name for p in c.out.parent.iterdir() if p.name.startswith(f".{c.out.name}.")] == []


def _yaml_syntax(c: Case) -> None:
    path = c.spec / "dm.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[6] = lines[6].replace("{target:", "{target: [", 1)  # line 7: an unclosed flow sequence
    path.write_text("".join(lines), encoding="utf-8")


def _unknown_algorithm(c: Case) -> None:
    path = c.spec / "dm.yaml"
    text = path.read_text(encoding="utf-8")
    assert "{target: SUBJID, algorithm: assign_no_ct," in text
    path.write_text(text.replace("{target: SUBJID, algorithm: assign_no_ct,", "{target: SUBJID, algorithm: guess_it,"),
                    encoding="utf-8")


def _xlsx_not_zip(c: Case) -> None:
    book = c.root / "spec.xlsx"
    book.write_text("SUBJECT,SEX\nthis is a CSV renamed to .xlsx\n")
    c.argv = ["spec", "import", str(book), str(c.root / "mappings")]


# ---------------------------------------------------------------------------------------- validate faults

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE ODM [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study OID="S"><GlobalVariables>
<StudyName>&i;</StudyName></GlobalVariables></Study></ODM>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE ODM [<!ENTITY leak SYSTEM "file:///etc/passwd">]>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><Study OID="S"><GlobalVariables>
<StudyName>&leak;</StudyName></GlobalVariables></Study></ODM>
"""


LATE_DOCTYPE = "<?xml version=\"1.0\"?>\n<!--" + "x" * 70_000 + "-->\n" + EXTERNAL_ENTITY.split("\n", 1)[1]


def _define_utf16(c: Case) -> None:
    assert c.package is not None
    (c.package / "define.xml").write_bytes(EXTERNAL_ENTITY.replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
                                           .encode("utf-16"))
    _validate(c, "define.xml")


def _json_columns_overstated(c: Case) -> None:
    import json

    assert c.package is not None
    path = c.package / "ae.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    first = doc["columns"][0]
    doc["columns"] += [{**first, "itemOID": f"IT.AE.X{i}", "name": f"X{i}"} for i in range(100_000)]
    path.write_text(json.dumps(doc), encoding="utf-8")
    _validate(c, "ae.json")


def _validate(c: Case, target: str, *extra: str) -> None:
    """`validate` of one file of the package (a dataset or define.xml on its own: quicker than the package)."""
    assert c.package is not None
    c.argv = ["validate", str(c.package / target), "--json", "--report-json", str(c.root / VALIDATION), *extra]


def _define(text: str) -> Callable[[Case], None]:
    def inject(c: Case) -> None:
        assert c.package is not None
        (c.package / "define.xml").write_text(text, encoding="utf-8")
        _validate(c, "define.xml")
    return inject


def _json_records_overstated(c: Case) -> None:
    import json

    assert c.package is not None
    path = c.package / "ae.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["rows"] = doc["rows"][:20]  # a truncated transfer: the header still says 26
    path.write_text(json.dumps(doc), encoding="utf-8")
    _validate(c, "ae.json")


def _json2xpt_records_overstated(c: Case) -> None:
    _json_records_overstated(c)
    assert c.package is not None
    c.argv = ["json2xpt", str(c.package / "ae.json"), "--out", str(c.root / "ae.xpt")]


def _json_nested_deep(c: Case) -> None:
    assert c.package is not None
    (c.package / "ae.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    _validate(c, "ae.json")


XLSX_REPORT = "validation.xlsx"


def _absent(path: Path) -> None:
    assert not path.exists(), f"{path.name} was written"


def _formula_in_value(c: Case) -> None:
    import json

    assert c.package is not None
    path = c.package / "ae.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    col = [i for i, v in enumerate(doc["columns"]) if v["name"] == "AESEV"][0]
    doc["rows"][0][col] = "=1+1"  # not in the AESEV codelist: the finding carries the value into the workbook
    path.write_text(json.dumps(doc), encoding="utf-8")
    _validate(c, "ae.json", "--report-xlsx", str(c.root / XLSX_REPORT))


def _no_formula_cell(c: Case) -> None:
    """The value is in the workbook as text; no cell is a formula (read back with openpyxl)."""
    from openpyxl import load_workbook

    book = load_workbook(c.root / XLSX_REPORT)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert any(isinstance(cell.value, str) and "=1+1" in cell.value for cell in cells)


def _xpt_truncated(c: Case) -> None:
    assert c.package is not None
    path = c.package / "dm.xpt"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 700])  # cut inside the observations, off the 80-byte card grid
    _validate(c, "dm.xpt")


def _xpt_bad_header(c: Case) -> None:
    assert c.package is not None
    path = c.package / "dm.xpt"
    data = path.read_bytes()
    path.write_bytes(b"NOT A SAS TRANSPORT FILE".ljust(80, b" ") + data[80:])
    _validate(c, "dm.xpt")


# ------------------------------------------------------------------------------------------------ catalogue

AE, DM = "ae.csv", "dm.csv"

FAULTS: tuple[Fault, ...] = (
    # quotes
    Fault("stray-quote-inside-value", _cell(AE, 4, "AETERM_V", 'Itchy "skin" on both forearms'), 0, reconciles=True),
    Fault("quote-opening-a-value-never-closed", _quote_before_value, 2,
          (Expect("raw-quote-unbalanced", AE, line=4),)),
    Fault("quote-open-in-last-field-closed-in-next-row", _quote_spanning_rows, 2,
          (Expect("raw-quote-unbalanced", AE, line=4),)),
    Fault("quote-unbalanced-at-end-of-file", _quote_open_at_eof, 2, (Expect("raw-quote-unbalanced", AE, line=27),)),
    # line breaks
    Fault("crlf-and-lf-mixed", _mixed_line_ends, 0, reconciles=True),
    Fault("lone-cr-in-quoted-value", _cell(AE, 2, "AECOMM", b'"first\rsecond"'), 1,
          (Expect("raw-control-character", AE, row=2, column="AECOMM"),), reconciles=True),
    Fault("lone-cr-in-unquoted-value", _cell(AE, 2, "AECOMM", b"first\rsecond"), 1,
          (Expect("raw-control-character", AE, row=2, column="AECOMM"), Expect("raw-record-fields", AE, row=3)),
          reconciles=True),
    Fault("cr-only-line-ends", _cr_only, 0, reconciles=True),
    Fault("lf-in-quoted-value", _cell(AE, 2, "AECOMM", b'"first\nsecond"'), 1,
          (Expect("raw-control-character", AE, row=2, column="AECOMM"),), reconciles=True),
    # control characters
    Fault("nul-0x1a-bel-esc-in-mapped-values", _c0_controls, 1,
          (Expect("raw-control-character", AE, row=3, column="AETERM_V"),
           Expect("raw-control-character", "infusion.csv", row=5, column="LOTNO"),
           Expect("raw-control-character", "vitals_site02.csv", row=7, column="TEMP_C"),
           Expect("raw-control-character", "ae_meddra.csv", row=6, column="PT")), reconciles=True),
    Fault("tab-in-free-text", _cell(AE, 5, "AECOMM", b"tired\tin the evenings"), 1,
          (Expect("raw-control-character", AE, row=5, column="AECOMM"),), reconciles=True),
    # record shape
    Fault("short-row", _short_row, 1, (Expect("raw-record-fields", "vitals_site01.csv", row=10, line=11),),
          reconciles=True),
    Fault("long-row", _long_row, 1, (Expect("raw-record-fields", "ae_meddra.csv", row=4, line=5),), reconciles=True),
    Fault("blank-line-in-the-middle", _blank_line_middle, 0, reconciles=True),
    Fault("trailing-blank-lines", _trailing_blank_lines, 0, reconciles=True),
    # encodings
    Fault("utf8-bom", _bom, 0, reconciles=True),
    Fault("windows-1252-bytes", _cp1252, 0, (Expect("raw-encoding-detected", AE),), reconciles=True),
    Fault("invalid-utf8-byte", _invalid_utf8, 2, (Expect("raw-encoding", AE),)),
    Fault("windows-1252-declared-utf8", _cp1252_declared_utf8, 2, (Expect("raw-encoding", AE),)),
    Fault("utf16-with-bom", _utf16, 0, (Expect("raw-encoding-detected", DM, severity="info"),), reconciles=True),
    # header
    Fault("duplicate-header-column", _duplicate_header, 2,
          (Expect("raw-column-duplicate", AE, line=1, column="AETERM_V"),)),
    Fault("missing-required-column", _missing_column, 2, (Expect("raw-column-missing", DM, column="SEX"),)),
    Fault("extra-unknown-column", _extra_column, 0, (Expect("raw-column-unexpected", "ic.csv", column="SITE_NOTE"),),
          reconciles=True),
    Fault("header-only", _header_only, (0, 1), (Expect("raw-file-no-rows", "disposition.csv"),), reconciles=True),
    # the file's place
    Fault("empty-file", _empty_file, 2, (Expect("raw-file-empty", "ic.csv"),)),
    Fault("raw-file-is-a-folder", _file_is_folder, 2, (Expect("raw-file-not-a-file"),), mentions=("ic.csv",)),
    Fault("raw-file-symlink-loop", _symlink_loop, 2, (Expect("raw-file-missing"),), mentions=("ic.csv", "loop")),
    Fault("raw-excel-export-not-a-workbook", _xlsx_export_not_a_workbook, 2,
          (Expect("raw-file-unreadable", "ic.xlsx"),)),
    Fault("raw-file-missing", _missing_file, 2, (Expect("raw-file-missing"),), mentions=("ic.csv",)),
    # duplicates and references
    Fault("exact-duplicate-record", _exact_duplicate, 0,
          (Expect("raw-duplicate-record", DM, row=31, column="SUBJECT", severity="warning"),), reconciles=True),
    Fault("conflicting-duplicate-dm-record", _conflicting_duplicate, 1,
          (Expect("raw-duplicate-conflict", DM, row=31, column="SEX", severity="error"),), reconciles=True),
    Fault("subject-not-in-dm", _subject_not_in_dm, 1, (Expect("subject-not-in-dm", AE, row=27),), reconciles=True),
    # values
    Fault("bad-date", _cell(AE, 5, "AESTDAT", "29 APX 2022"), 1, (Expect("date-invalid", AE, row=5, column="AESTDAT"),),
          reconciles=True),
    Fault("impossible-date", _cell(AE, 5, "AESTDAT", "30 FEB 2021"), 1,
          (Expect("date-nonexistent", AE, row=5, column="AESTDAT"),), reconciles=True),
    Fault("bad-pasi-cells", _pasi_bad_cells, 1,
          (Expect("number-invalid", "pasi.csv", row=10, column="ERYTH"),
           Expect("value-out-of-range", "pasi.csv", row=20, column="AREA")), reconciles=True),
    Fault("value-out-of-codelist", _cell(AE, 4, "AESEV", "Catastrophic"), 1, mentions=("Catastrophic",),
          reconciles=True),
    Fault("value-longer-than-xpt-allows", _long_value, 0, reconciles=True, check=_long_value_split_whole),
    # output places
    Fault("output-folder-read-only", _out_read_only, 2, (Expect("output-not-writable"),), skip_as_root=True),
    Fault("output-under-a-regular-file", _out_under_file, 2, (Expect("output-not-a-folder"),), mentions=("plain.txt",)),
    Fault("output-inside-the-study-folder", _out_inside_input, 0, (Expect("output-inside-input"),),
          mentions=("is inside the study folder",),
          reconciles=True),
    Fault("output-is-the-study-folder", _out_is_study, 2, (Expect("output-not-a-package"),),
          mentions=("not an sdtm-convert package",), check=_study_untouched),
    Fault("output-disk-full", _disk_full, 2, mentions=("EFBIG",), check=_nothing_half_written),
    # spec
    Fault("spec-yaml-syntax-error", _yaml_syntax, 2, (Expect("spec-yaml-syntax", "dm.yaml", line=7),)),
    Fault("spec-unknown-algorithm", _unknown_algorithm, 2, (Expect("spec-invalid", "dm.yaml", line=12),),
          mentions=("guess_it",)),
    Fault("spec-xlsx-not-a-zip", _xlsx_not_zip, 2, (Expect("xlsx-unreadable", "spec.xlsx"),)),
    # hostile packages given to `validate`
    Fault("define-billion-laughs", _define(BILLION_LAUGHS), 2, (Expect("define-unsafe", "define.xml"),), needs_package=True),
    Fault("define-external-entity", _define(EXTERNAL_ENTITY), 2, (Expect("define-unsafe", "define.xml"),), needs_package=True),
    Fault("define-doctype-after-a-70kb-comment", _define(LATE_DOCTYPE), 2, (Expect("define-unsafe", "define.xml"),),
          needs_package=True),
    Fault("define-utf16-with-an-entity", _define_utf16, 2, (Expect("define-unsafe", "define.xml"),),
          needs_package=True),
    Fault("datasetjson-columns-overstated", _json_columns_overstated, 2, (Expect("dataset-json-unreadable", "ae.json"),),
          mentions=("row 1",),
          needs_package=True),
    Fault("datasetjson-records-overstated", _json_records_overstated, 1,
          mentions=("SC-TECH-015", "ae.json declares records 26 and holds 20 rows"), needs_package=True),
    Fault("json2xpt-of-a-truncated-transfer", _json2xpt_records_overstated, 1,
          (Expect("dataset-json-records-mismatch", "ae.json"),), mentions=("declares records 26 and holds 20 rows",),
          needs_package=True, check=lambda c: _absent(c.root / "ae.xpt")),
    Fault("json-nested-very-deep", _json_nested_deep, 2, (Expect("dataset-json-unreadable", "ae.json"),), needs_package=True),
    Fault("formula-in-a-value-for-the-excel-report", _formula_in_value, 1, mentions=("=1+1",), needs_package=True,
          check=_no_formula_cell),
    Fault("xpt-truncated-mid-record", _xpt_truncated, 2, (Expect("xpt-unreadable", "dm.xpt"),), needs_package=True),
    Fault("xpt-bad-header", _xpt_bad_header, 2, (Expect("xpt-unreadable", "dm.xpt"),), needs_package=True),
)

RUNS_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
PYTHON = sys.executable
