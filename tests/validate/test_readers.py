"""Package, XPT, Dataset-JSON and define.xml readers: encodings, broken files, unsafe XML, CLI exit codes."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pyreadstat
import pytest

from sdtm_convert.cli import validate as cli
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.package.define.read import read_define
from sdtm_convert.validate import validate_package
from sdtm_convert.validate.package import read_dataset_json, read_xpt
from tests.validate.conftest import DATA


def test_cp1252_byte_in_ts_is_read_with_a_fallback():
    ds = read_xpt(DATA / "ts.xpt")
    assert ds.encoding == "cp1252" and ds.name == "TS"
    assert ds.frame["TSVAL"].str.contains("\u2019").any()  # 0x92 → right single quotation mark


def test_explicit_encoding_is_used():
    assert read_xpt(DATA / "ts.xpt", encoding="cp1252").encoding == "cp1252"


def test_non_ascii_value_in_ts_is_reported(tmp_path):
    shutil.copy(DATA / "ts.xpt", tmp_path / "ts.xpt")
    r = validate_package(tmp_path, standard="sdtmig-3.2")
    hits = r.findings[r.findings["rule"] == "SC-TECH-011"]
    assert set(hits["dataset"]) == {"TS"} and len(hits) >= 1


def test_truncated_xpt_is_a_fatal_error_naming_the_file(tmp_path):
    raw = (DATA / "dm.xpt").read_bytes()
    (tmp_path / "dm.xpt").write_bytes(raw[: len(raw) // 2 + 17])
    with pytest.raises(SdtmConvertError) as exc:
        validate_package(tmp_path)
    assert exc.value.issue.code == "xpt-unreadable" and "dm.xpt" in exc.value.issue.one_line()


def test_not_an_xpt_file(tmp_path):
    (tmp_path / "ae.xpt").write_bytes(b"this is not SAS")
    with pytest.raises(SdtmConvertError):
        validate_package(tmp_path)


def _args(path, **kw):
    ns = argparse.ArgumentParser()
    cli.add_arguments(ns)
    argv = [str(path)] + [x for k, v in kw.items() for x in (f"--{k.replace('_', '-')}", str(v))]
    return ns.parse_args(argv)


def test_cli_exit_2_with_one_line_for_unreadable_input(tmp_path, capsys):
    raw = (DATA / "dm.xpt").read_bytes()
    (tmp_path / "dm.xpt").write_bytes(raw[:1000])
    assert cli.run(_args(tmp_path)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "dm.xpt" in err[0] and "Traceback" not in err[0]


def test_cli_exit_2_for_missing_folder(tmp_path, capsys):
    assert cli.run(_args(tmp_path / "nope")) == 2


def test_cli_exit_1_on_errors_and_writes_reports(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    for f in ("dm.xpt", "te.xpt", "tv.xpt", "ts.xpt"):
        shutil.copy(DATA / f, pkg / f)
    ta, meta = pyreadstat.read_xport(str(DATA / "ta.xpt"))  # without the placebo arm that 86 DM subjects have
    pyreadstat.write_xport(ta[ta["ARMCD"] != "Pbo"], str(pkg / "ta.xpt"), file_format_version=5, table_name="TA",
                           file_label=meta.file_label, column_labels=meta.column_labels)
    rc = cli.run(
        _args(pkg, report_json=tmp_path / "r.json", report_html=tmp_path / "r.html", report_xlsx=tmp_path / "r.xlsx")
    )
    assert rc == 1  # DM ARMCD 'Pbo' is not in TA (SD0066), an error
    assert all((tmp_path / n).stat().st_size > 0 for n in ("r.json", "r.html", "r.xlsx"))


def _write_json(path, name, df):
    import json

    cols = [
        {
            "itemOID": f"IT.{name}.{c}",
            "name": c,
            "label": c,
            "dataType": "double" if df[c].dtype.kind == "f" else "string",
        }
        for c in df.columns
    ]
    rows = [[None if (isinstance(v, float) and v != v) else v for v in r] for r in df.itertuples(index=False)]
    path.write_text(
        json.dumps({"datasetJSONVersion": "1.1.0", "name": name, "label": name, "columns": cols, "rows": rows})
    )


def test_cli_exit_0_without_errors(tmp_path):
    from sdtm_convert.validate.rules.presence import TS_REQUIRED
    from tests.validate.conftest import frame, sdtm_base

    values = {
        "SSTDTC": "2020-01-01",
        "SENDTC": "2021-01-01",
        "DCUTDTC": "2021-01-01",
        "AGEMIN": "P18Y",
        "AGEMAX": "P80Y",
        "LENGTH": "P1Y",
        "PLANSUB": "100",  # numbers (SD1221, SD2246, SD2249)
        "NARMS": "2",
        "ACTSUB": "98",
    }
    ts = frame(
        "STUDYID DOMAIN TSSEQ TSPARMCD TSPARM TSVAL",
        [("STUDY1", "TS", 1, p, p.title(), values.get(p, "X")) for p, _ in TS_REQUIRED],
    )
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    _write_json(pkg / "ts.json", "TS", ts)
    _write_json(pkg / "dm.json", "DM", sdtm_base()["DM"])
    assert cli.run(_args(pkg, standard="sdtmig-3.4")) == 0


@pytest.mark.parametrize("name", ["dm.json", "dm.ndjson"])
def test_dataset_json_reader(name):
    ds = read_dataset_json(DATA / name)
    assert ds.name == "DM" and len(ds.frame) == 18
    assert ds.is_numeric("AGE") and not ds.is_numeric("USUBJID")
    assert ds.labels["USUBJID"] == "Unique Subject Identifier" and ds.lengths["STUDYID"] == 12


def test_dataset_json_package(tmp_path):
    shutil.copy(DATA / "dm.json", tmp_path / "dm.json")
    r = validate_package(tmp_path)
    assert r.datasets[0]["dataset"] == "DM" and r.datasets[0]["records"] == 18


_DEFINE = """<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:def="http://www.cdisc.org/ns/def/v2.1"
     xmlns:xlink="http://www.w3.org/1999/xlink" ODMVersion="1.3.2" FileType="Snapshot" FileOID="x">
 <Study OID="S"><MetaDataVersion OID="M" Name="m" def:DefineVersion="2.1.0">
  <def:Standards><def:Standard OID="STD1" Name="SDTMIG" Type="IG" Version="3.4"/>
   <def:Standard OID="STD2" Name="CDISC/NCI" Type="CT" PublishingSet="SDTM" Version="2025-03-25"/></def:Standards>
  <ItemGroupDef OID="IG.TE" Name="TE" SASDatasetName="TE" Domain="TE" Repeating="No" def:Structure="x">
   <Description><TranslatedText>Trial Elements</TranslatedText></Description>
   <ItemRef ItemOID="IT.TE.ETCD" Mandatory="Yes" OrderNumber="1"/>
   <ItemRef ItemOID="IT.TE.EXTRA" Mandatory="No" OrderNumber="2"/>
  </ItemGroupDef>
  <ItemGroupDef OID="IG.XX" Name="XX" SASDatasetName="XX" Domain="XX" Repeating="No"/>
  <ItemDef OID="IT.TE.ETCD" Name="ETCD" DataType="integer" Length="8">
   <Description><TranslatedText>Element Code</TranslatedText></Description>
   <CodeListRef CodeListOID="CL.ETCD"/></ItemDef>
  <ItemDef OID="IT.TE.EXTRA" Name="EXTRA" DataType="text" Length="8"/>
  <CodeList OID="CL.ETCD" Name="ETCD" DataType="text">
   <CodeListItem CodedValue="SCRN"><Decode><TranslatedText>Screening</TranslatedText></Decode></CodeListItem>
  </CodeList>
 </MetaDataVersion></Study></ODM>
"""


def test_define_21_standard_ct_and_metadata_rules(tmp_path):
    shutil.copy(DATA / "te.xpt", tmp_path / "te.xpt")
    (tmp_path / "define.xml").write_text(_DEFINE)
    d = read_define(tmp_path / "define.xml")
    assert (d.standard_name, d.standard_version, d.ct_versions) == ("SDTMIG", "3.4", ["2025-03-25"])
    r = validate_package(tmp_path)
    assert r.standard == "sdtmig-3.4" and r.ct_version == "2025-03-25"
    ids = r.rule_ids()
    # EXTRA missing from data, TE variables missing from define, XX missing, ETCD type, ETCD codelist
    assert {"SC-META-001", "SC-META-002", "SC-META-004", "SC-META-005", "SC-CT-004"} <= ids


def test_pilot_define_20_is_read():
    d = read_define(Path(__file__).resolve().parents[1] / "data" / "define" / "define-2-0-cdiscpilot01-sdtm.xml")
    assert d.standard_version == "3.2" and "LBCH" in d.datasets and d.datasets["LBCH"].domain == "LB"


_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ODM><Study><MetaDataVersion OID="x">&lol3;</MetaDataVersion></Study></ODM>"""
_XXE = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ODM><Study><MetaDataVersion OID="x">&xxe;</MetaDataVersion></Study></ODM>"""


@pytest.mark.parametrize("text", [_LAUGHS, _XXE], ids=["billion-laughs", "external-entity"])
def test_unsafe_define_is_refused_cleanly(tmp_path, text, capsys):
    (tmp_path / "define.xml").write_text(text)
    with pytest.raises(SdtmConvertError) as exc:
        read_define(tmp_path / "define.xml")
    assert exc.value.issue.code == "define-unsafe"
    shutil.copy(DATA / "te.xpt", tmp_path / "te.xpt")
    assert cli.run(_args(tmp_path)) == 2
    assert "define.xml" in capsys.readouterr().err


def test_malformed_define(tmp_path):
    (tmp_path / "define.xml").write_text("<ODM><Study>")
    with pytest.raises(SdtmConvertError) as exc:
        read_define(tmp_path / "define.xml")
    assert exc.value.issue.code == "define-unreadable"


def test_frames_with_project_dataset_metadata():
    from sdtm_convert.metadata import DatasetMeta, VariableMeta
    from tests.validate.conftest import sdtm_base

    p = sdtm_base()
    ae = p["AE"]
    vars_ = [
        VariableMeta(c, "L" * 41 if c == "AETERM" else c, "Num" if ae[c].dtype.kind == "f" else "Char", 8)
        for c in ae.columns
    ]
    meta = {"AE": DatasetMeta("AE", "Adverse Events", "EVENTS", "x", [], vars_)}
    assert "SC-TECH-003" in validate_package(p, metadata=meta).rule_ids()
