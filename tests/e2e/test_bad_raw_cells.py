"""A bad raw cell is one error naming the raw file, data row and raw column (copies of the bundled study)."""

import csv
import shutil

import pytest

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


@pytest.fixture(scope="module")
def bad_pasi(tmp_path_factory):
    folder = _copy_with_cells(tmp_path_factory.mktemp("pasi"), "pasi.csv",
                              {(1, "ERYTH"): "abc", (2, "INDUR"): "5", (3, "AREA"): "7", (4, "DESQ"): "9"})
    return convert(folder, SPEC)


def test_each_bad_pasi_cell_is_one_error_naming_the_raw_column(bad_pasi):
    errors = [(i.code, i.file, i.row, i.column, i.value) for i in bad_pasi.issues if i.severity == ERROR]
    assert sorted(errors, key=lambda e: e[2]) == [
        ("number-invalid", "pasi.csv", 1, "ERYTH", "abc"),
        ("pasi-item-out-of-range", "pasi.csv", 2, "INDUR", "5"),
        ("value-out-of-range", "pasi.csv", 3, "AREA", "7"),
        ("value-out-of-range", "pasi.csv", 4, "DESQ", "9"),
    ]
    assert not [i for i in bad_pasi.issues if i.column in (None, "__value") and i.file == "pasi.csv"]
    assert "pasi.csv, data row 1, column ERYTH" in next(i for i in bad_pasi.issues if i.row == 1).one_line()


def test_bad_pasi_cells_are_still_accounted_for(bad_pasi):
    summary = bad_pasi.reconciliation.set_index("file").loc["pasi.csv"]
    assert summary["rows_unaccounted"] == 0
    assert summary["rows_read"] == summary["rows_mapped"] + summary["rows_rejected"]
