"""A raw file's place that cannot be read is one line naming it and what is wrong, never "not found" for a
symbolic-link loop or a traceback for a folder."""

from __future__ import annotations

import pytest

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.io.raw import read_table


def _error(path) -> tuple[str, str]:
    with pytest.raises(SdtmConvertError) as err:
        read_table(path)
    return err.value.issue.code, err.value.issue.message


def test_a_symbolic_link_loop_is_named_as_a_loop(tmp_path):
    (tmp_path / "dm.csv").symlink_to(tmp_path / "dm2.csv")
    (tmp_path / "dm2.csv").symlink_to(tmp_path / "dm.csv")
    assert _error(tmp_path / "dm.csv") == ("raw-file-missing", "raw file is a symbolic link that leads in a loop")


def test_a_dangling_symbolic_link_is_named_as_such(tmp_path):
    (tmp_path / "dm.csv").symlink_to(tmp_path / "gone.csv")
    assert _error(tmp_path / "dm.csv") == ("raw-file-missing", "raw file is a symbolic link that leads to nothing")


def test_a_folder_in_place_of_a_raw_file_is_named_as_a_folder(tmp_path):
    (tmp_path / "dm.csv").mkdir()
    assert _error(tmp_path / "dm.csv") == ("raw-file-not-a-file", "raw file is a folder, not a file")


def test_a_missing_raw_file_is_not_found(tmp_path):
    assert _error(tmp_path / "dm.csv") == ("raw-file-missing", "raw file not found")


@pytest.mark.parametrize("data", [b"SUBJECT,SEX\n01,F\n", b"PK\x03\x04 cut short"])
def test_an_excel_export_that_is_not_a_workbook_is_one_line(tmp_path, data):
    (tmp_path / "dm.xlsx").write_bytes(data)
    code, message = _error(tmp_path / "dm.xlsx")
    assert code == "raw-file-unreadable" and message.startswith("cannot read the Excel workbook (BadZipFile")


def test_an_excel_export_without_the_sheet_raw_yaml_names_is_one_line(tmp_path):
    import pandas as pd

    pd.DataFrame({"SUBJECT": ["01"]}).to_excel(tmp_path / "dm.xlsx", sheet_name="Demog", index=False)
    with pytest.raises(SdtmConvertError) as err:
        read_table(tmp_path / "dm.xlsx", sheet="DM")
    assert (err.value.issue.code, err.value.issue.file, err.value.issue.message) == (
        "raw-file-unreadable", "dm.xlsx", "cannot read the Excel workbook (no sheet 'DM')")
