"""The datasets of a folder, whatever their format: which file is read, CSV typed by sniffing, SAS date kinds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.package.tables import dataset_name, find_datasets, read_csv, read_dataset


def test_csv_columns_are_numbers_only_when_every_cell_is_one(tmp_path):
    path = tmp_path / "adsl.csv"
    path.write_text('"USUBJID","SITEID","AGE","BMIBL","FLAG","EMPTY","NOTE"\n'
                    '"01-001","01",63,24.5,"Y",NA,"NA"\n'
                    '"01-002","02",NA,,"",NA,"x  "\n', encoding="utf-8")
    df = read_csv(path)
    assert df["AGE"].dtype == "float64" and df["AGE"].isna().tolist() == [False, True]
    assert df["BMIBL"].tolist()[0] == 24.5 and np.isnan(df["BMIBL"].tolist()[1])
    assert df["SITEID"].tolist() == ["01", "02"]  # leading zeros: text
    assert df["FLAG"].tolist() == ["Y", ""] and df["EMPTY"].tolist() == ["", ""]
    assert df["NOTE"].tolist() == ["", "x  "]  # NA is missing, quoted or not (R's write.csv)


def test_one_file_per_dataset_xpt_first_json_only_when_dataset_json_and_csv_only_in_a_csv_folder(tmp_path, data_dir):
    src = data_dir / "datasetjson" / "examples"
    (tmp_path / "sub").mkdir()
    (tmp_path / "dm.csv").write_text("USUBJID\n1\n")
    (tmp_path / "sub" / "dm.xpt").write_bytes((src / "dm.xpt").read_bytes())
    (tmp_path / "ae.json").write_bytes((src / "ae.json").read_bytes())
    (tmp_path / "ae.csv.gz").write_bytes(b"")
    (tmp_path / "manifest.json").write_text('{"files": ["ae.json"]}')
    (tmp_path / "lineage-sdtm.csv").write_text("DATASET\nDM\n")
    found = find_datasets(tmp_path)
    assert {k: p.relative_to(tmp_path).as_posix() for k, p in found.items()} == {"AE": "ae.json", "DM": "sub/dm.xpt"}
    csv_only = tmp_path / "csv"
    csv_only.mkdir()
    (csv_only / "adsl.csv").write_text("USUBJID\n1\n")
    assert list(find_datasets(csv_only)) == ["ADSL"]
    assert dataset_name(tmp_path / "adsl.csv.gz") == "ADSL"


def test_date_variables_are_marked_from_the_file(data_dir):
    src = data_dir / "datasetjson" / "examples"
    xpt, js = read_dataset(src / "adsl.xpt"), read_dataset(src / "adsl.json")
    assert xpt.attrs["temporal"]["TRTSDT"] == "date" and js.attrs["temporal"]["TRTSDT"] == "date"
    pd.testing.assert_frame_equal(xpt, js, check_exact=True)
