"""Dataset-JSON 1.1: schema-valid, deterministic, streaming NDJSON, exact XPT round trips, CDISC examples."""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.package.datasetjson import (
    json_to_xpt,
    read_dataset_json,
    validate_dataset_json,
    write_dataset_json,
    xpt_to_json,
)
from sdtm_convert.xpt import read_xpt
from tests.package import samples as S

IDS = dict(created=S.CREATED, study_oid="NCT03745417", metadata_version_oid="MDV.NCT03745417.SDTMIG.3.4")
CREATED_DT = datetime(2026, 11, 25)


@pytest.fixture
def djdir(data_dir):
    return data_dir / "datasetjson"


@pytest.mark.parametrize("ndjson", [False, True])
@pytest.mark.parametrize("make", [S.dm, S.ae, S.qs, S.adsl, S.adpasi])
def test_every_file_we_write_validates_and_reads_back(tmp_path, make, ndjson):
    meta, df = make()
    path = tmp_path / f"{meta.name.lower()}.{'ndjson' if ndjson else 'json'}"
    write_dataset_json(df, meta, path, ndjson=ndjson, **IDS)
    assert validate_dataset_json(path) == []
    back, bmeta = read_dataset_json(path)
    expected = pd.DataFrame(
        {v.name: (df[v.name].astype("str") if v.type == "Char" else df[v.name].astype(float)) for v in meta.variables}
    )
    pd.testing.assert_frame_equal(back, expected)
    assert [(v.name, v.label, v.type, v.length, v.data_type) for v in bmeta.variables] == [
        (v.name, v.label, v.type, v.length, v.data_type) for v in meta.variables
    ]
    assert bmeta.keys == meta.keys and (bmeta.name, bmeta.label) == (meta.name, meta.label)


def test_output_is_byte_identical_and_types_follow_the_metadata(tmp_path):
    meta, df = S.adsl()
    a = write_dataset_json(df, meta, tmp_path / "a.json", **IDS).read_bytes()
    b = write_dataset_json(df, meta, tmp_path / "b.json", **IDS).read_bytes()
    assert a == b
    doc = json.loads(a)
    assert doc["datasetJSONCreationDateTime"] == S.CREATED and doc["datasetJSONVersion"] == "1.1.0"
    assert doc["itemGroupOID"] == "IG.ADSL" and doc["records"] == 2
    col = {c["name"]: c for c in doc["columns"]}
    assert col["TRTSDT"] == {
        "itemOID": "IT.ADSL.TRTSDT",
        "name": "TRTSDT",
        "label": "Date of First Exposure to Treatment",
        "dataType": "date",
        "targetDataType": "integer",
        "displayFormat": "DATE9.",
    }
    assert col["USUBJID"]["keySequence"] == 2 and col["USUBJID"]["length"] == 5
    assert doc["rows"][0] == ["NCT03745417", "P-001", "UCMSC", "2021-09-01", "Y"]  # SAS day 22524 = 2021-09-01


def test_missing_values_and_integers(tmp_path):
    meta, df = S.dm()
    doc = json.loads(write_dataset_json(df, meta, tmp_path / "dm.json", **IDS).read_text())
    age = [r[3] for r in doc["rows"]]
    assert age == [34, 51, None] and isinstance(age[0], int)
    assert doc["rows"][2][4] == ""  # AGEU missing → ""


def test_ndjson_is_one_metadata_line_then_one_row_per_line(tmp_path):
    meta, df = S.ae()
    lines = write_dataset_json(df, meta, tmp_path / "ae.ndjson", ndjson=True, **IDS).read_text().splitlines()
    assert len(lines) == 1 + len(df) and "rows" not in json.loads(lines[0])
    assert json.loads(lines[1])[:3] == ["NCT03745417", "AE", "P-001"]


def test_ndjson_writer_streams_rows_without_building_the_document(tmp_path, monkeypatch):
    meta, df = S.ae()
    big = pd.concat([df] * 60_000, ignore_index=True)
    import sdtm_convert.package.datasetjson as dj

    calls = []
    real = dj.row_text
    monkeypatch.setattr(dj, "row_text", lambda parts, n, sep: calls.append(n) or real(parts, n, sep))
    path = write_dataset_json(big, meta, tmp_path / "ae.ndjson", ndjson=True, **IDS)
    assert calls == [50_000, 50_000, 20_000]  # rows are produced chunk by chunk
    assert sum(1 for _ in path.open()) == 1 + 120_000
    assert validate_dataset_json(path) == []


def test_schema_violations_are_reported(tmp_path):
    meta, df = S.dm()
    path = write_dataset_json(df, meta, tmp_path / "dm.json", **IDS)
    doc = json.loads(path.read_text())
    doc["columns"][0]["dataType"] = "text"
    del doc["records"]
    path.write_text(json.dumps(doc))
    assert [i.code for i in validate_dataset_json(path)] == ["dataset-json-schema"] * 2


@pytest.mark.parametrize("name", ["dm", "ae"])
def test_pilot_xpt_to_json_to_xpt_round_trips_values_and_metadata(tmp_path, djdir, name):
    src = djdir / "pilot" / f"{name}.xpt"
    js = xpt_to_json(src, tmp_path / f"{name}.json", **IDS)
    assert validate_dataset_json(js) == []
    out = tmp_path / "xpt" / f"{name}.xpt"
    out.parent.mkdir()
    # the pilot files carry no dataset label, which the XPT writer requires for submission
    issues = json_to_xpt(js, out, created=CREATED_DT, label="Pilot " + name.upper())
    assert [i for i in issues if i.severity == "error"] == []
    a, ia = read_xpt(src)
    b, ib = read_xpt(out)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert ia.variables == ib.variables  # names, labels, types, lengths, formats
    assert ia.name == ib.name


def test_xpt_to_ndjson_round_trip_of_a_file_we_wrote_with_dates(tmp_path):
    from sdtm_convert.xpt import write_xpt

    meta, df = S.adsl()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert not [
        i for i in write_xpt(df, tmp_path / "a" / "adsl.xpt", meta, created=CREATED_DT) if i.severity == "error"
    ]
    js = xpt_to_json(tmp_path / "a" / "adsl.xpt", tmp_path / "adsl.ndjson", **IDS)
    assert json.loads(js.read_text().splitlines()[0])["columns"][3]["dataType"] == "date"  # from DATE9.
    assert not [i for i in json_to_xpt(js, tmp_path / "b" / "adsl.xpt", created=CREATED_DT) if i.severity == "error"]
    assert (tmp_path / "a" / "adsl.xpt").read_bytes() == (tmp_path / "b" / "adsl.xpt").read_bytes()


@pytest.mark.parametrize("name", ["dm", "ae", "ts", "adsl"])
@pytest.mark.parametrize("ext", ["json", "ndjson"])
def test_cdisc_examples_read_equal_to_their_xpt(djdir, name, ext):
    src = djdir / "examples" / f"{name}.{ext}"
    assert validate_dataset_json(src) == []
    df, meta = read_dataset_json(src)
    xdf, info = read_xpt(djdir / "examples" / f"{name}.xpt")
    pd.testing.assert_frame_equal(df, xdf, check_exact=True)  # incl. ISO dates → SAS day numbers
    assert [(v.name, v.label, v.type) for v in meta.variables] == [(v.name, v.label, v.type) for v in info.variables]
    head = json.loads(src.read_text().splitlines()[0]) if ext == "ndjson" else json.loads(src.read_text())
    declared = {c["name"]: c["length"] for c in head["columns"] if "length" in c}
    assert {v.name: v.length for v in info.variables if v.name in declared} == declared
    assert meta.keys == [
        c["name"] for c in sorted((c for c in head["columns"] if "keySequence" in c), key=lambda c: c["keySequence"])
    ]


def test_sas_datetimes_and_times_convert_both_ways(tmp_path):
    from sdtm_convert.metadata import DatasetMeta, VariableMeta

    meta = DatasetMeta(
        "ADX",
        "X",
        "ADAM OTHER",
        "x",
        [],
        [
            VariableMeta("ADTM", "Analysis Datetime", "Num", 8, data_type="datetime", display_format="DATETIME20."),
            VariableMeta("ATM", "Analysis Time", "Num", 8, data_type="time", display_format="TIME8."),
        ],
        standard="ADaMIG 1.3",
    )
    df = pd.DataFrame({"ADTM": [1_946_000_000.0, np.nan], "ATM": [3723.0, 0.5]})
    path = write_dataset_json(df, meta, tmp_path / "adx.json", **IDS)
    assert json.loads(path.read_text())["rows"] == [["2021-08-31T03:33:20", "01:02:03"], [None, "00:00:00.5"]]
    back, _ = read_dataset_json(path)
    pd.testing.assert_frame_equal(back, df)


def test_json_to_xpt_refuses_a_file_declaring_more_records_than_it_holds(tmp_path):
    """A truncated transfer (the header says 3 records, 2 rows arrived) is an error; no XPT is written."""
    meta, df = S.dm()
    path = write_dataset_json(df, meta, tmp_path / "dm.json", **IDS)
    doc = json.loads(path.read_text())
    held = len(doc["rows"]) - 1
    doc["rows"] = doc["rows"][:held]
    path.write_text(json.dumps(doc))
    issues = json_to_xpt(path, tmp_path / "dm.xpt", created=CREATED_DT)
    assert [(i.code, i.severity, i.file) for i in issues] == [("dataset-json-records-mismatch", "error", str(path))]
    assert f"declares records {held + 1} and holds {held} rows" in issues[0].message
    assert not (tmp_path / "dm.xpt").exists()


# -- the three forms: .json, .ndjson and the compressed .dsjc (CDISC Compressed Dataset-JSON 1.1) -------------


def test_dsjc_is_the_ndjson_content_as_one_zlib_stream(tmp_path):
    import zlib

    meta, df = S.ae()
    dsjc = write_dataset_json(df, meta, tmp_path / "ae.dsjc", form="dsjc", **IDS)
    ndjson = write_dataset_json(df, meta, tmp_path / "ae.ndjson", ndjson=True, **IDS)
    data = dsjc.read_bytes()
    assert data[:2] == b"\x78\xda"  # a zlib header (deflate, 32 KB window) at level 9, nothing around it
    assert zlib.decompress(data) == ndjson.read_bytes()
    assert write_dataset_json(df, meta, tmp_path / "again.dsjc", form="dsjc", **IDS).read_bytes() == data
    assert validate_dataset_json(dsjc) == [] and validate_dataset_json(ndjson) == []
    back, bmeta = read_dataset_json(dsjc)
    pd.testing.assert_frame_equal(back, read_dataset_json(ndjson)[0], check_exact=True)
    assert bmeta.keys == meta.keys


@pytest.mark.parametrize("make", [S.dm, S.ae, S.adsl])
def test_forms_convert_into_each_other_as_they_would_have_been_written(tmp_path, make):
    """json → dsjc → ndjson → json re-writes each cell as it was: every file equals the one written directly."""
    from sdtm_convert.package.datasetjson import convert_dataset_json

    meta, df = make()
    direct = {form: write_dataset_json(df, meta, tmp_path / f"direct.{form}", form=form, **IDS)
              for form in ("json", "ndjson", "dsjc")}
    dsjc = convert_dataset_json(direct["json"], tmp_path / "a.dsjc")
    ndjson = convert_dataset_json(dsjc, tmp_path / "b.ndjson")
    back = convert_dataset_json(ndjson, tmp_path / "c.json")
    assert dsjc.read_bytes() == direct["dsjc"].read_bytes()
    assert ndjson.read_bytes() == direct["ndjson"].read_bytes()
    assert back.read_bytes() == direct["json"].read_bytes()


def _records_and_metadata(path):
    df, info = read_xpt(path)
    return df, info.name, info.label, info.variables


@pytest.mark.parametrize("name", ["dm", "ae"])
def test_pilot_xpt_to_json_to_dsjc_to_ndjson_to_xpt_changes_no_data_byte(tmp_path, djdir, name):
    from sdtm_convert.package.datasetjson import convert_dataset_json

    src = djdir / "pilot" / f"{name}.xpt"
    js = xpt_to_json(src, tmp_path / f"{name}.json", **IDS)
    dsjc = convert_dataset_json(js, tmp_path / f"{name}.dsjc")
    nd = convert_dataset_json(dsjc, tmp_path / f"{name}.ndjson")
    for path in (js, dsjc, nd):
        assert validate_dataset_json(path) == []
    (tmp_path / "via_json").mkdir()
    (tmp_path / "via_chain").mkdir()
    label = "Pilot " + name.upper()  # the pilot files carry no dataset label, which the XPT writer requires
    assert json_to_xpt(js, tmp_path / "via_json" / f"{name}.xpt", created=CREATED_DT, label=label) == []
    assert json_to_xpt(nd, tmp_path / "via_chain" / f"{name}.xpt", created=CREATED_DT, label=label) == []
    assert (tmp_path / "via_chain" / f"{name}.xpt").read_bytes() == (tmp_path / "via_json" / f"{name}.xpt").read_bytes()
    a, b = _records_and_metadata(src), _records_and_metadata(tmp_path / "via_chain" / f"{name}.xpt")
    pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    assert (a[1], a[3]) == (b[1], b[3])  # name; variables: names, labels, types, lengths, formats


@pytest.mark.parametrize("name", ["dm", "ae", "ts", "adsl"])
def test_cdisc_examples_round_trip_through_dsjc(tmp_path, djdir, name):
    """CDISC's own NDJSON compressed to DSJC reads as their XPT, and their XPT → JSON → DSJC → NDJSON → XPT
    gives back its records and metadata exactly."""
    import zlib

    from sdtm_convert.package.datasetjson import convert_dataset_json

    theirs = djdir / "examples" / f"{name}.ndjson"
    dsjc = convert_dataset_json(theirs, tmp_path / f"{name}.dsjc")
    assert validate_dataset_json(dsjc) == []
    lines = zlib.decompress(dsjc.read_bytes()).decode("utf-8").splitlines()
    assert [json.loads(x) for x in lines] == [json.loads(x) for x in theirs.read_text("utf-8").splitlines() if x.strip()]
    xdf, info = read_xpt(djdir / "examples" / f"{name}.xpt")
    pd.testing.assert_frame_equal(read_dataset_json(dsjc)[0], xdf, check_exact=True)

    js = xpt_to_json(djdir / "examples" / f"{name}.xpt", tmp_path / f"{name}.json", **IDS)
    nd = convert_dataset_json(convert_dataset_json(js, tmp_path / "x.dsjc"), tmp_path / f"{name}.ndjson")
    (tmp_path / "chain").mkdir()
    (tmp_path / "direct").mkdir()
    assert json_to_xpt(nd, tmp_path / "chain" / f"{name}.xpt", created=CREATED_DT) == []
    assert json_to_xpt(js, tmp_path / "direct" / f"{name}.xpt", created=CREATED_DT) == []
    assert (tmp_path / "chain" / f"{name}.xpt").read_bytes() == (tmp_path / "direct" / f"{name}.xpt").read_bytes()
    a, b = _records_and_metadata(djdir / "examples" / f"{name}.xpt"), _records_and_metadata(tmp_path / "chain" / f"{name}.xpt")
    pd.testing.assert_frame_equal(a[0], b[0], check_exact=True)
    assert a[1:3] == b[1:3]
    # CDISC pads some text lengths (ACTARMUD 200); our XPT writer writes the longest value's length, as before
    assert [(v.name, v.label, v.type, v.format) for v in a[3]] == [(v.name, v.label, v.type, v.format) for v in b[3]]
    assert all(w.length <= v.length for v, w in zip(a[3], b[3]))


def test_a_large_dsjc_file_is_read_across_its_chunks(tmp_path):
    meta, df = S.ae()
    big = pd.concat([df] * 40_000, ignore_index=True)
    path = write_dataset_json(big, meta, tmp_path / "ae.dsjc", form="dsjc", **IDS)
    assert path.stat().st_size < 1 << 20 < len(__import__("zlib").decompress(path.read_bytes()))
    back, _ = read_dataset_json(path)
    assert len(back) == len(big) and back["AETERM"].tolist() == big["AETERM"].astype(str).tolist()


@pytest.mark.parametrize("damage, says", [
    (lambda b: b[: len(b) // 2], "the zlib stream ends early (a truncated transfer?)"),
    (lambda b: b"PK\x03\x04" + b, "not a zlib stream"),
    (lambda b: b + b"\x00\x01", "2 bytes after the end of the zlib stream"),
])
def test_a_damaged_dsjc_file_is_one_error_naming_it(tmp_path, damage, says):
    from sdtm_convert.errors import SdtmConvertError

    meta, df = S.ae()
    path = write_dataset_json(pd.concat([df] * 200, ignore_index=True), meta, tmp_path / "ae.dsjc", form="dsjc", **IDS)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(SdtmConvertError) as e:
        read_dataset_json(path)
    assert e.value.issue.code == "dataset-json-unreadable" and e.value.issue.file == str(path)
    assert says in e.value.issue.message


def test_xpt2json_and_json2xpt_commands_take_every_form(tmp_path, djdir, capsys):
    import shutil

    from sdtm_convert.cli import main

    src = tmp_path / "xpt"
    src.mkdir()
    for name in ("dm", "ts"):
        shutil.copy(djdir / "examples" / f"{name}.xpt", src / f"{name}.xpt")
    ids = ["--created", S.CREATED, "--study-oid", "S", "--metadata-version-oid", "MDV.1", "--quiet"]
    assert main(["xpt2json", str(src), "--out", str(tmp_path / "dsjc"), "--format", "dsjc", *ids]) == 0
    assert sorted(p.name for p in (tmp_path / "dsjc").iterdir()) == ["dm.dsjc", "ts.dsjc"]
    # one form into another, chosen by the --out file's extension
    assert main(["xpt2json", str(tmp_path / "dsjc" / "dm.dsjc"), "--out", str(tmp_path / "dm.ndjson"), *ids]) == 0
    assert main(["json2xpt", str(tmp_path / "dsjc"), "--out", str(tmp_path / "back"), "--quiet"]) == 0
    for name in ("dm", "ts"):
        pd.testing.assert_frame_equal(read_xpt(tmp_path / "back" / f"{name}.xpt")[0], read_xpt(src / f"{name}.xpt")[0],
                                      check_exact=True)
    assert read_dataset_json(tmp_path / "dm.ndjson")[0].equals(read_xpt(src / "dm.xpt")[0])
    capsys.readouterr()
    assert main(["xpt2json", str(src / "dm.xpt"), "--out", str(tmp_path / "dm.json"), "--format", "dsjc"]) == 2
    assert main(["xpt2json", str(tmp_path / "dsjc" / "dm.dsjc"), "--format", "dsjc"]) == 2
    err = capsys.readouterr().err
    assert "--format dsjc but --out names a .json file" in err
    assert "[convert-same-file]" in err and "the output would overwrite its input" in err


def test_the_validator_reads_a_dsjc_file_with_its_header_and_prefers_the_plain_form(tmp_path):
    from sdtm_convert.validate.package import read_package

    meta, df = S.ae()
    write_dataset_json(df, meta, tmp_path / "ae.dsjc", form="dsjc", **IDS)
    only = read_package(tmp_path).datasets["AE"]
    assert (only.source, only.file, only.label, only.declared_records) == ("dsjc", "ae.dsjc", meta.label, len(df))
    assert only.lengths == {v.name: v.length for v in meta.variables if v.type == "Char"}
    write_dataset_json(df, meta, tmp_path / "ae.json", **IDS)
    both = read_package(tmp_path)
    assert both.datasets["AE"].file == "ae.json"
    assert "not read: ae.dsjc (--format dsjc validates the DSJC copies instead)" in both.notes[0]
    assert read_package(tmp_path, prefer="dsjc").datasets["AE"].file == "ae.dsjc"
