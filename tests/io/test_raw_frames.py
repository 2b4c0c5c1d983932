"""Raw data given as data frames ({raw dataset name: DataFrame}) instead of a folder of exports."""

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.io.raw import SRC_FILE, SRC_ROW, read_raw_frames, text_frame
from sdtm_convert.pipeline import convert

ROOT = Path(__file__).resolve().parents[2]
RAW, SPEC = ROOT / "sample_data" / "nct03745417", ROOT / "mappings" / "nct03745417"
DM_SPEC = {"datasets": {"dm": {"columns": ["SUBJECT", "SEX", "AGE"], "optional_columns": ["RACE"],
                               "keys": ["SUBJECT"], "subject": "SUBJECT"}}}


def study_frames() -> dict[str, pd.DataFrame]:
    """The bundled study's exports as one text frame per raw dataset (files stacked, raw.yaml renames applied)."""
    raw_yaml = yaml.safe_load((SPEC / "raw.yaml").read_text(encoding="utf-8"))
    frames = {}
    for name, ds in raw_yaml["datasets"].items():
        entries = [{"file": e} if isinstance(e, str) else e for e in ds["files"]]
        parts = [pd.read_csv(RAW / e["file"], dtype=str, keep_default_na=False).rename(columns=e.get("rename", {}))
                 for e in entries]
        frames[name] = pd.concat(parts, ignore_index=True)
    return frames


@pytest.fixture(scope="module")
def both():
    frames = study_frames()
    return frames, convert(RAW, SPEC), convert(frames, SPEC)


def test_frames_give_the_same_sdtm_as_the_folder(both):
    _frames, from_folder, from_frames = both
    assert sorted(from_frames.sdtm) == sorted(from_folder.sdtm)
    for name in from_folder.sdtm:
        pd.testing.assert_frame_equal(from_frames.sdtm[name], from_folder.sdtm[name], obj=name)
    assert [(i.code, i.row, i.column, i.value) for i in from_frames.issues] == \
        [(i.code, i.row, i.column, i.value) for i in from_folder.issues]


def test_reconciliation_counts_each_frame_row(both):
    frames, from_folder, from_frames = both
    rec = from_frames.reconciliation.set_index("file")
    assert sorted(rec.index) == sorted(f"{name} (DataFrame)" for name in frames)
    assert rec.loc["vitals (DataFrame)", "rows_read"] == 181 == len(frames["vitals"])  # 92 + 89 from two files
    assert rec.loc["ie (DataFrame)", ["rows_read", "rows_mapped", "rows_rejected"]].tolist() == [30, 3, 27]
    assert rec.loc["infusion (DataFrame)", ["rows_read", "rows_mapped", "rows_rejected"]].tolist() == [128, 126, 2]
    assert rec["rows_unaccounted"].sum() == 0
    folder = from_folder.reconciliation
    assert rec["rows_read"].sum() == folder["rows_read"].sum() == sum(len(f) for f in frames.values())
    assert rec["rows_rejected"].sum() == folder["rows_rejected"].sum()


def test_provenance_names_the_frame_and_the_row_position(both):
    frames, _folder, from_frames = both
    lin = from_frames.lineage
    dm = lin[lin["dataset"] == "DM"]
    assert set(dm["raw_file"]) == {"dm (DataFrame)"}
    for usubjid, row in zip(dm["USUBJID"], dm["raw_row"]):  # USUBJID ends with the raw SUBJECT
        assert usubjid.endswith(frames["dm"]["SUBJECT"].iloc[int(row) - 1])
    issue = next(i for i in from_frames.issues if i.code == "non-ascii-transliterated")
    assert (issue.file, issue.row) == ("ae (DataFrame)", 6)


def test_a_frame_missing_an_expected_column_is_refused_naming_frame_and_column():
    frames = study_frames()
    frames["dm"] = frames["dm"].drop(columns=["SEX"])
    with pytest.raises(SdtmConvertError) as err:
        convert(frames, SPEC)
    issue = err.value.issue
    assert (issue.code, issue.file, issue.column) == ("raw-column-missing", "dm (DataFrame)", "SEX")
    assert str(err.value) == "error: [raw-column-missing] dm (DataFrame), column SEX: expected column(s) missing: SEX"


def test_a_raw_dataset_without_a_frame_is_refused_and_an_extra_frame_is_a_warning():
    with pytest.raises(SdtmConvertError) as err:
        read_raw_frames(DM_SPEC, {"demog": pd.DataFrame({"SUBJECT": ["1"]})})
    assert err.value.issue.code == "raw-frame-missing"
    assert "no data frame for raw dataset dm" in str(err.value) and "given: demog" in str(err.value)
    dm = pd.DataFrame({"SUBJECT": ["1"], "SEX": ["F"], "AGE": ["40"]})
    raw, issues = read_raw_frames(DM_SPEC, {"dm": dm, "extra": dm})
    assert [(i.code, i.file) for i in issues] == [("raw-frame-unexpected", "extra (DataFrame)")]
    assert raw["dm"].frame["RACE"].tolist() == [""]  # optional column added empty, as for files


def test_frame_rows_are_checked_like_file_rows():
    dm = pd.DataFrame({"SUBJECT": ["1", "2", "1"], "SEX": ["F", "M", "F"], "AGE": ["40", "51", "40"],
                       "NOTE": ["", "", ""]})
    raw, issues = read_raw_frames(DM_SPEC, {"dm": dm})
    assert [(i.code, i.file, i.row, i.column) for i in issues] == [
        ("raw-column-unexpected", "dm (DataFrame)", None, "NOTE"),
        ("raw-duplicate-record", "dm (DataFrame)", 3, "SUBJECT"),
    ]
    ds = raw["dm"]
    assert ds.frame[SRC_ROW].tolist() == [1, 2] and ds.rejected[SRC_ROW].tolist() == [3]
    assert ds.files == ["dm (DataFrame)"] and set(ds.frame[SRC_FILE]) == {"dm (DataFrame)"}


def test_values_that_are_not_text_become_the_text_a_csv_writer_writes():
    frame = pd.DataFrame({
        "INT": [1, 20, -3],
        "FLOAT": [70.0, np.nan, 2.5],
        "NULLABLE": pd.array([1, None, 3], dtype="Int64"),
        "BOOL": [True, False, True],
        "DATE": pd.to_datetime(["2024-01-31", None, "2023-12-01"]),
        "MIXED": [1, "a", None],
        "TEXT": ["x", None, "z"],
    })
    expected = pd.read_csv(io.StringIO(frame.to_csv(index=False)), dtype=str, keep_default_na=False)
    got = text_frame(frame, "f (DataFrame)")
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["FLOAT"].tolist() == ["70.0", "", "2.5"] and got["TEXT"].tolist() == ["x", "", "z"]
    assert text_frame(frame.iloc[0:0], "f").columns.tolist() == frame.columns.tolist()
    assert text_frame(pd.DataFrame({"A": [np.nan] * 3}), "f")["A"].tolist() == ["", "", ""]  # no row lost


def test_a_frame_with_a_repeated_column_name_is_refused():
    frame = pd.DataFrame([["1", "F", "2"]], columns=["SUBJECT", "SEX", "SEX "])
    with pytest.raises(SdtmConvertError) as err:
        read_raw_frames(DM_SPEC, {"dm": frame})
    assert (err.value.issue.code, err.value.issue.file, err.value.issue.column) == \
        ("raw-column-duplicate", "dm (DataFrame)", "SEX")


def test_a_control_character_in_a_frame_value_rejects_the_row_naming_row_and_column():
    frame = pd.DataFrame({"SUBJECT": ["01", "02"], "SEX": ["F", "M\x1a"], "AGE": ["30", "40"]})
    raw, issues = read_raw_frames(DM_SPEC, {"dm": frame})
    bad = [(i.code, i.severity, i.file, i.row, i.column) for i in issues if i.code == "raw-control-character"]
    assert bad == [("raw-control-character", "error", "dm (DataFrame)", 2, "SEX")]
    assert raw["dm"].frame["SUBJECT"].tolist() == ["01"]
    assert raw["dm"].rejected[[SRC_ROW, "__reason"]].values.tolist() == [[2, "control character U+001A (SUB)"]]


def test_a_control_character_in_an_excel_cell_is_named_by_row_and_column(tmp_path):
    from sdtm_convert.io.raw import read_table

    path = tmp_path / "dm.xlsx"
    pd.DataFrame({"SUBJECT": ["01", "02"], "SEX": ["F\tx", "M"]}).to_excel(path, index=False)
    df, issues = read_table(path)
    assert [(i.code, i.file, i.row, i.column) for i in issues] == [("raw-control-character", "dm.xlsx", 1, "SEX")]
    assert df["__reason"].tolist() == ["control character U+0009 (TAB)", ""]
