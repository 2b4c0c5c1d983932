"""A bad raw cell is one error naming the raw file, data row and raw column (copies of the bundled study)."""

import csv
import shutil

from sdtm_convert.errors import ERROR
from sdtm_convert.pipeline import convert
from tests.e2e.conftest import SAMPLE, SPEC


def _copy_with_cells(tmp_path, name, cells):
    """A copy of the bundled study with ``cells`` ({(data row, column): value}) changed in raw file ``name``."""
    folder = tmp_path / "raw"
    shutil.copytree(SAMPLE, folder)
    path = folder / name
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for (row, column), value in cells.items():
        rows[row][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return folder


def test_each_bad_pasi_cell_is_one_error_naming_the_raw_column_and_every_row_is_accounted_for(tmp_path):
    folder = _copy_with_cells(tmp_path, "pasi.csv",
                              {(1, "ERYTH"): "abc", (2, "INDUR"): "5", (3, "AREA"): "7", (4, "DESQ"): "9"})
    bad_pasi = convert(folder, SPEC)
    errors = [(i.code, i.file, i.row, i.column, i.value) for i in bad_pasi.issues if i.severity == ERROR]
    assert sorted(errors, key=lambda e: e[2]) == [
        ("number-invalid", "pasi.csv", 1, "ERYTH", "abc"),
        ("pasi-item-out-of-range", "pasi.csv", 2, "INDUR", "5"),
        ("value-out-of-range", "pasi.csv", 3, "AREA", "7"),
        ("value-out-of-range", "pasi.csv", 4, "DESQ", "9"),
    ]
    assert not [i for i in bad_pasi.issues if i.column in (None, "__value") and i.file == "pasi.csv"]
    assert "pasi.csv, data row 1, column ERYTH" in next(i for i in bad_pasi.issues if i.row == 1).one_line()
    summary = bad_pasi.reconciliation.set_index("file").loc["pasi.csv"]
    assert summary["rows_unaccounted"] == 0
    assert summary["rows_read"] == summary["rows_mapped"] + summary["rows_rejected"]


def _copy_with_rows(tmp_path, name, extra_rows):
    folder = tmp_path / "raw"
    shutil.copytree(SAMPLE, folder)
    with (folder / name).open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(extra_rows)
    return folder


def test_a_conflicting_duplicate_demographics_record_is_an_error_and_neither_copy_is_kept(tmp_path):
    with (SAMPLE / "dm.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    first = next(r for r in rows if r[0] == "02-001")
    other_sex = [*first[:5], "Female" if first[5] == "Male" else "Male", *first[6:]]
    conv = convert(_copy_with_rows(tmp_path, "dm.csv", [other_sex]), SPEC)
    dup = [i for i in conv.issues if i.code.startswith("raw-duplicate")]
    n = len(rows) - 1
    assert [(i.code, i.severity, i.file, i.row, i.column) for i in dup] == [
        ("raw-duplicate-conflict", ERROR, "dm.csv", n + 1, "SEX")]
    assert f"dm.csv data row {rows.index(first)} and dm.csv data row {n + 1} differ in SEX" in dup[0].message
    assert "NCT03745417-02-001" not in set(conv.sdtm["DM"]["USUBJID"])
    dm = conv.reconciliation.set_index("file").loc["dm.csv"]
    assert (dm["rows_read"], dm["rows_mapped"], dm["rows_rejected"], dm["rows_unaccounted"]) == (n + 1, n - 1, 2, 0)
    assert sorted(conv.rejects.loc[conv.rejects["file"] == "dm.csv", "row"]) == [rows.index(first), n + 1]


def test_an_exact_copy_of_a_record_stays_a_warning(tmp_path):
    with (SAMPLE / "ae.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    conv = convert(_copy_with_rows(tmp_path, "ae.csv", [rows[1]]), SPEC)
    n = len(rows) - 1
    dup = [(i.code, i.severity, i.row) for i in conv.issues if i.code.startswith("raw-duplicate")]
    assert dup == [("raw-duplicate-record", "warning", n + 1)]
    assert "(an exact copy of ae.csv data row 1); later copy rejected" in next(
        i.message for i in conv.issues if i.code == "raw-duplicate-record")
    assert not [i for i in conv.issues if i.severity == ERROR]
    ae = conv.reconciliation.set_index("file").loc["ae.csv"]
    assert (ae["rows_read"], ae["rows_mapped"], ae["rows_rejected"]) == (n + 1, n, 1)


def test_one_bad_raw_value_is_one_error_at_its_source_listing_what_it_caused(tmp_path):
    import json

    from sdtm_convert.pipeline import run_study

    folder = _copy_with_cells(tmp_path, "dm.csv", {(2, "SEX"): "X"})
    result = run_study(folder, SPEC, tmp_path / "out", jobs=1)
    about_x = [i for i in result.conversion.errors if i.value == "X"]
    assert [(i.code, i.file, i.row, i.column) for i in about_x] == [("ct-term-not-found", "dm.csv", 2, "SEX")]
    also = [(a["code"], a["dataset"], a["variable"]) for a in about_x[0].extra["also"]]
    assert sorted(also, key=str) == sorted([
        ("schema-enum", "DM", "SEX"), ("define-term-not-in-ct", None, "SEX"), ("schema-enum", "ADSL", "SEX"),
        ("SC-CT-001", "DM", "SEX"), ("SC-CT-001", "ADSL", "SEX")], key=str)
    assert about_x[0].message.endswith("also reported as [schema-enum] DM.SEX, [define-term-not-in-ct] SEX, "
                                       "[schema-enum] ADSL.SEX, [SC-CT-001] DM.SEX, [SC-CT-001] ADSL.SEX")
    assert len(result.conversion.errors) == 1  # the headline counts it once
    report = json.loads(result.report_json.read_text(encoding="utf-8"))
    assert report["counts"]["error"] == 1
    assert [i["code"] for i in report["issues"] if i["severity"] == "error"] == ["ct-term-not-found"]
