"""The validator checks what a file says about itself against what it holds, and sizes a file from its
headers before reading it: a Dataset-JSON `records` count that differs from its rows is an error finding, a
row of the wrong width or JSON nested absurdly deep is one clean error, and an XPT far larger than its data
(extended, or sparse) is refused without being read.

`dm.json` is the 18-row DM of tests/data/validate (from the CDISC Dataset-JSON examples); `ta.xpt` is the
CDISC pilot's TA."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.validate import validate_package
from sdtm_convert.validate.package import VIEW_BUDGET, read_dataset_json, read_xpt
from sdtm_convert.xpt import read_v5, v5, write_xpt
from tests.validate.conftest import DATA
from tests.xpt.xpt_helpers import CREATED, meta_for

PILOT_TA = Path(__file__).resolve().parents[1] / "data" / "cdiscpilot01" / "ta.xpt"


def _dm_json(tmp_path: Path, edit) -> Path:
    doc = json.loads((DATA / "dm.json").read_text(encoding="utf-8"))
    edit(doc)
    path = tmp_path / "dm.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_declared_records_above_the_rows_held_is_an_error_naming_both_numbers(tmp_path):
    def truncate(doc):
        doc["rows"] = doc["rows"][:12]  # a truncated transfer: the header still says 18

    _dm_json(tmp_path, truncate)
    report = validate_package(tmp_path, standard="sdtmig-3.4", rules=["SC-TECH-015"])
    f = report.findings
    assert (len(f), f["severity"].tolist(), f["dataset"].tolist()) == (1, ["error"], ["DM"])
    assert f["value"].iloc[0] == "dm.json declares records 18 and holds 12 rows"


def test_declared_records_equal_to_the_rows_held_is_no_finding(tmp_path):
    shutil.copy(DATA / "dm.json", tmp_path / "dm.json")
    report = validate_package(tmp_path, standard="sdtmig-3.4", rules=["SC-TECH-015"])
    assert len(report.findings) == 0


def test_a_row_shorter_than_the_declared_columns_is_one_error_naming_the_row(tmp_path):
    def widen(doc):
        doc["columns"] += [dict(doc["columns"][-1], itemOID=f"IT.X{i}", name=f"X{i}") for i in range(10**4)]
        doc["rows"] = [row + [None] * 10**4 for row in doc["rows"]]
        doc["rows"][3] = doc["rows"][3][:10]

    path = _dm_json(tmp_path, widen)
    with pytest.raises(SdtmConvertError) as e:
        read_dataset_json(path)
    assert e.value.issue.code == "dataset-json-unreadable"
    assert e.value.issue.message.endswith(f"row 4 holds 10 values where {10**4 + 26} columns are declared")
    assert e.value.issue.file == str(path)


def test_an_ndjson_row_that_is_not_an_array_names_its_line(tmp_path):
    lines = (DATA / "dm.ndjson").read_text(encoding="utf-8").splitlines()
    lines[2] = '{"not": "a row"}'
    (tmp_path / "dm.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SdtmConvertError) as e:
        read_dataset_json(tmp_path / "dm.ndjson")
    assert e.value.issue.message.endswith("row 2 (line 3) holds a dict, not an array where 26 columns are declared")


def test_json_nested_far_too_deep_is_one_clean_error(tmp_path):
    (tmp_path / "dm.json").write_text('{"rows": ' + "[" * 10**5 + "]" * 10**5 + "}", encoding="utf-8")
    with pytest.raises(SdtmConvertError) as e:
        validate_package(tmp_path, standard="sdtmig-3.4")
    assert e.value.issue.code == "dataset-json-unreadable"
    assert "nested too deeply" in e.value.issue.message


def test_an_xpt_extended_to_20_gib_is_refused_from_its_headers_without_reading_data(tmp_path, monkeypatch):
    path = tmp_path / "ta.xpt"
    shutil.copy(PILOT_TA, path)
    theirs = pyreadstat.read_xport(str(path))[0]  # as it was: read through the same size check
    assert read_xpt(path).frame["ARMCD"].tolist() == theirs["ARMCD"].tolist() and len(theirs) == 11
    with open(path, "r+b") as fh:
        fh.truncate(20 * 2**30)  # sparse: nothing is written
    data_at, obs_len, nvars = v5.read_v5_layout(path)

    def never(*a, **k):
        raise AssertionError("the observations were read")

    monkeypatch.setattr(v5, "parse_v5", never)
    monkeypatch.setattr(Path, "read_bytes", never)
    with pytest.raises(SdtmConvertError) as e:
        read_xpt(path)
    records = (20 * 2**30 - data_at) // obs_len
    assert e.value.issue.code == "xpt-too-large" and e.value.issue.file == "ta.xpt"
    msg = e.value.issue.message
    assert msg.startswith(f"21,474,836,480 bytes hold {records:,} records of {nvars} variables, "
                          f"a validation view of {8 * records * nvars / 2**30:.1f} GiB, over the validator's "
                          f"budget of 1 GiB")
    assert 8 * records * nvars > VIEW_BUDGET and msg.endswith("; not read") and "\n" not in msg


def test_observations_of_zero_bytes_are_refused_not_read_as_records(tmp_path):
    df = pd.DataFrame({"STUDYID": ["S1"] * 10})  # 2-byte observations, 10 of them, 60 blanks of padding
    write_xpt(df, tmp_path / "xx.xpt", meta_for(df), created=CREATED)
    assert len(read_v5(tmp_path / "xx.xpt").columns["STUDYID"]) == 10
    with open(tmp_path / "xx.xpt", "ab") as fh:
        fh.write(b"\0" * 800)
    with pytest.raises(SdtmConvertError) as e:
        read_v5(tmp_path / "xx.xpt")
    assert e.value.issue.code == "xpt-corrupt"
    # 20 bytes of data + 60 blanks + 800 zero bytes = 440 observations of 2 bytes; the last is all zero
    assert e.value.issue.message.startswith("observation 440 (at byte ")
    assert e.value.issue.message.endswith("are zero bytes only, not data: the file is padded with zero bytes "
                                          "(extended or sparse?)")
