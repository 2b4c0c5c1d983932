"""write_package: data frames a user built -> XPT (+ Dataset-JSON), define.xml and define.html, with metadata
given, from the mapping spec, or inferred from the shipped SDTMIG/ADaMIG tables and the data."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from lxml import etree

import sdtm_convert as sc
from sdtm_convert.package.xsd import validate_define
from sdtm_convert.xpt.v5 import read_v5

ROOT = Path(__file__).resolve().parents[1]
RAW, SPEC = ROOT / "sample_data" / "nct03745417", ROOT / "mappings" / "nct03745417"
NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}
CREATED = "2026-03-01T09:00:00"


def user_dm() -> pd.DataFrame:
    return pd.DataFrame({
        "STUDYID": ["XYZ-101"] * 3, "DOMAIN": "DM", "USUBJID": ["XYZ-101-001", "XYZ-101-002", "XYZ-101-003"],
        "SUBJID": ["001", "002", "003"], "SITEID": "01", "AGE": [34, 51, 47], "AGEU": "YEARS",
        "SEX": ["F", "M", "F"], "ARMCD": ["A", "B", "A"], "ARM": ["Drug A", "Placebo", "Drug A"], "COUNTRY": "DEU",
    })


def user_ae() -> pd.DataFrame:
    return pd.DataFrame({
        "STUDYID": ["XYZ-101"] * 2, "DOMAIN": "AE", "USUBJID": ["XYZ-101-001", "XYZ-101-003"], "AESEQ": [1, 1],
        "AETERM": ["HEADACHE", "NAUSEA AND VOMITING"], "AESTDTC": ["2026-02-03", "2026-02-10T08:30"],
        "AESPONS": ["x", ""],  # not an SDTMIG AE variable: kept, its name as label
    })


def item_defs(define: Path) -> dict[str, etree._Element]:
    tree = etree.parse(str(define))
    return {el.get("OID"): el for el in tree.iterfind(".//odm:ItemDef", NS)}


@pytest.fixture(scope="module")
def conversion():
    return sc.convert(RAW, SPEC)


def test_user_frames_are_written_as_xpt_with_an_xsd_valid_define(tmp_path):
    pkg = sc.write_package({"DM": user_dm(), "AE": user_ae()}, tmp_path, created=CREATED)
    assert pkg.ok, pkg.issues
    assert sorted(p.name for p in pkg.files) == ["ae.xpt", "define.html", "define.xml", "define2-1.xsl", "dm.xpt"]
    assert validate_define(tmp_path / "define.xml") == []
    dm = read_v5(tmp_path / "dm.xpt")  # the project's own reader, written apart from the writer
    assert dm.info.label == "Demographics" and dm.info.records == 3
    assert [v.name for v in dm.info.variables] == list(user_dm().columns)  # the frame's order, nothing added
    assert (dm.info.variable("AGE").type, dm.info.variable("AGE").label) == ("Num", "Age")
    assert dm.columns["AGE"].tolist() == [34.0, 51.0, 47.0]
    assert dm.columns["ARM"].tolist() == ["Drug A", "Placebo", "Drug A"]
    assert dm.info.variable("ARM").length == 7  # longest value
    ae, meta = pyreadstat.read_xport(str(tmp_path / "ae.xpt"))  # and an independent one
    assert ae["AETERM"].tolist() == ["HEADACHE", "NAUSEA AND VOMITING"]
    assert ae["AESEQ"].tolist() == [1.0, 1.0]
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["AETERM"] == "Reported Term for the Adverse Event" and labels["AESPONS"] == "AESPONS"
    assert meta.variable_storage_width["AETERM"] == 19


def test_inferred_define_states_types_lengths_and_no_invented_origin(tmp_path):
    sc.write_package({"DM": user_dm(), "AE": user_ae()}, tmp_path, created=CREATED)
    items = item_defs(tmp_path / "define.xml")
    age, sex, dtc = items["IT.DM.AGE"], items["IT.DM.SEX"], items["IT.AE.AESTDTC"]
    assert (age.get("DataType"), age.get("Length")) == ("integer", "8")
    assert (dtc.get("DataType"), dtc.get("Length")) == ("datetime", None)  # ISO 8601: no length in define
    assert sex.find("odm:CodeListRef", NS) is not None  # SEX codelist from the SDTMIG table
    assert {el.find("def:Origin", NS).get("Type") for el in (age, sex)} == {"Not Available"}
    assert items["IT.DM.STUDYID"].find("def:Origin", NS).get("Type") == "Assigned"
    study = etree.parse(str(tmp_path / "define.xml")).getroot().find("odm:Study", NS)
    assert study.get("OID") == "XYZ-101"  # from the frames' STUDYID


def test_rewriting_with_the_same_created_gives_identical_files(tmp_path):
    frames = {"DM": user_dm(), "AE": user_ae()}
    first = sc.write_package(frames, tmp_path / "a", created=CREATED, formats=("xpt", "json"))
    sc.write_package(frames, tmp_path / "b", created=CREATED, formats=("xpt", "json"))
    names = sorted(p.name for p in first.files)
    assert "dm.json" in names and "ae.json" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_text_of_numbers_in_a_numeric_variable_is_converted_other_text_refused(tmp_path):
    dm = user_dm().assign(AGE=["34", "", "47"])
    sc.write_package({"DM": dm}, tmp_path / "ok", created=CREATED)
    assert pyreadstat.read_xport(str(tmp_path / "ok" / "dm.xpt"))[0]["AGE"].tolist()[::2] == [34.0, 47.0]
    with pytest.raises(sc.SdtmConvertError) as err:
        sc.write_package({"DM": user_dm().assign(AGE=["34", "fifty", "47"])}, tmp_path / "bad")
    issue = err.value.issue
    assert (issue.code, issue.dataset, issue.variable, issue.row, issue.value) == \
        ("frame-value-not-numeric", "DM", "AGE", 2, "fifty")
    assert not (tmp_path / "bad" / "dm.xpt").exists()


def test_one_standard_per_package_and_a_study_id_is_needed(tmp_path):
    with pytest.raises(sc.SdtmConvertError) as err:
        sc.write_package({"DM": user_dm(), "ADSL": user_dm()}, tmp_path)
    assert err.value.issue.code == "package-mixed-standards"
    with pytest.raises(sc.SdtmConvertError) as err:
        sc.write_package({"AE": user_ae().drop(columns="STUDYID")}, tmp_path)
    assert err.value.issue.code == "package-studyid-missing"
    assert sc.write_package({"AE": user_ae().drop(columns="STUDYID")}, tmp_path, studyid="S9").ok
    with pytest.raises(sc.SdtmConvertError) as err:
        sc.write_package({"DM": pd.concat([user_dm(), user_dm()[["SEX"]]], axis=1)}, tmp_path)
    assert (err.value.issue.code, err.value.issue.dataset, err.value.issue.variable) == \
        ("package-column-duplicate", "DM", "SEX")


def test_metadata_from_the_spec_is_the_conversions(conversion, tmp_path):
    pkg = sc.write_package(dict(conversion.sdtm), tmp_path, SPEC)
    assert pkg.ok, pkg.issues
    assert pkg.standard == "SDTMIG 3.4" and len(pkg.metadata) == len(conversion.metadata) == 16
    for name, want in conversion.metadata.items():
        got = pkg.metadata[name]
        assert got.variables == want.variables, name  # labels, types, lengths, origins, codelists, methods
        assert (got.label, got.class_, got.methods, got.value_level) == \
            (want.label, want.class_, want.methods, want.value_level), name
        assert got.keys == [k for k in want.keys if k in conversion.sdtm[name].columns], name
    assert validate_define(tmp_path / "define.xml") == []
    study = etree.parse(str(tmp_path / "define.xml")).getroot().find("odm:Study", NS)
    assert study.get("OID") == conversion.spec.study.studyid


def test_adam_frames_with_dates_get_adamig_labels_and_sas_dates(tmp_path):
    adlb = pd.DataFrame({
        "STUDYID": ["S1"] * 2, "USUBJID": ["S1-1", "S1-2"], "PARAMCD": ["ALT", "ALT"],
        "PARAM": ["Alanine Aminotransferase (U/L)"] * 2, "AVAL": [31.5, 40.0],
        "ADT": pd.to_datetime(["2026-01-05", "2026-01-19"]), "ANL01FL": ["Y", ""],
    })
    pkg = sc.write_package({"ADLB": adlb}, tmp_path, created=CREATED)
    assert pkg.ok, pkg.issues
    assert pkg.standard == "ADaMIG 1.3" and validate_define(tmp_path / "define.xml") == []
    data, meta = pyreadstat.read_xport(str(tmp_path / "adlb.xpt"))
    assert data["ADT"].tolist() == [dt.date(2026, 1, 5), dt.date(2026, 1, 19)]  # DATE9. numbers read as dates
    assert meta.original_variable_types["ADT"] == "DATE9."
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert (labels["PARAMCD"], labels["AVAL"], labels["ADT"]) == ("Parameter Code", "Analysis Value", "Analysis Date")
    root = etree.parse(str(tmp_path / "define.xml")).getroot()
    assert root.find(".//odm:ItemGroupDef/def:Class", NS).get("Name") == "BASIC DATA STRUCTURE"
    assert item_defs(tmp_path / "define.xml")["IT.ADLB.AVAL"].get("DataType") == "float"


def test_adam_built_by_the_tool_keeps_its_metadata_through_the_spec(conversion, tmp_path):
    adam = sc.build_adam(conversion.sdtm, conversion.spec.study)
    pkg = sc.write_package(adam.datasets, tmp_path, spec=SPEC)
    assert pkg.ok, pkg.issues
    for name in ("ADSL", "ADPASI", "ADAE"):
        assert pkg.metadata[name] == adam.metadata[name]
    assert validate_define(tmp_path / "define.xml") == []
    assert read_v5(tmp_path / "adsl.xpt").info.records == len(adam.datasets["ADSL"]) == 30


def test_adam_frames_without_metadata_get_adamig_labels_and_claim_no_origin(conversion, tmp_path):
    adam = sc.build_adam(conversion.sdtm, conversion.spec.study)
    pkg = sc.write_package(adam.datasets, tmp_path, created=CREATED)
    assert pkg.ok, pkg.issues
    adsl = read_v5(tmp_path / "adsl.xpt").info
    assert [v.name for v in adsl.variables] == list(adam.datasets["ADSL"].columns)
    assert adsl.variable("TRT01P").label == "Planned Treatment for Period 01"  # ADaMIG, generic TRTxxP
    assert {v.origin_type for v in pkg.metadata["ADSL"].variables} == {"Not Available"}
    assert validate_define(tmp_path / "define.xml") == []


def test_working_columns_are_not_written(tmp_path):
    dm = user_dm().assign(__src_file="dm.csv", __src_row=[1, 2, 3])
    pkg = sc.write_package({"DM": dm}, tmp_path, created=CREATED)
    assert [v.name for v in read_v5(tmp_path / "dm.xpt").info.variables] == list(user_dm().columns)
    assert [v.name for v in pkg.metadata["DM"].variables] == list(user_dm().columns)


def test_a_failed_write_leaves_the_folder_as_it_was(tmp_path, monkeypatch):
    """All or nothing: the files are written beside the folder and moved in only when every one is written; a
    failure on the way (here define.xml, after the datasets) leaves the earlier files and the user's own."""
    from sdtm_convert.package import write as submission

    out = tmp_path / "pkg"
    sc.write_package({"DM": user_dm()}, out, created=CREATED)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail(*_a, **_k):
        raise OSError(28, "No space left on device", str(out / "define.xml"))

    monkeypatch.setattr(submission, "write_define", fail)
    with pytest.raises(OSError):
        sc.write_package({"DM": user_dm().assign(AGE=[1, 2, 3]), "AE": user_ae()}, out, created=CREATED)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]  # no staging folder, no lock file


def test_files_are_added_beside_the_users_own(tmp_path):
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    pkg = sc.write_package({"DM": user_dm(), "AE": user_ae()}, out, created=CREATED)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.iterdir()) == sorted(["notes.txt", *(p.name for p in pkg.files)])
    assert all(p.parent == out for p in pkg.files) and all(p.is_file() for p in pkg.files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]
