"""Which CT version the validator uses, and the reason it reports: --ct, then Define-XML 2.1 def:Standards, then
the best match of a Define-XML 2.0 package's own codelists, then the newest release on or before the define's
date. An unknown --ct is an error naming the shipped versions; --ct may name an NCI EVS CT file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sdtm_convert.cli import main
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.package.define.read import read_define
from sdtm_convert.validate import validate_package
from sdtm_convert.validate.ct_choice import choose_ct
from tests.validate.conftest import DATA, sdtm_base

DEFINES = Path(__file__).resolve().parents[1] / "data" / "define"
NCI_2025 = Path(__file__).resolve().parents[1] / "data" / "ct" / "sdtm-terminology-2025-03-25.txt.gz"

ODM = """<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:def="http://www.cdisc.org/ns/def/v2.0" ODMVersion="1.3.2"
     FileType="Snapshot" FileOID="F" CreationDateTime="{created}">
 <Study OID="S"><GlobalVariables><StudyName>S</StudyName><StudyDescription>S</StudyDescription>
  <ProtocolName>S</ProtocolName></GlobalVariables>
  <MetaDataVersion OID="MDV" Name="S" def:DefineVersion="2.0.0" def:StandardName="SDTM-IG" def:StandardVersion="3.2">
   {codelists}
  </MetaDataVersion></Study></ODM>"""

NCOMPLT = """<CodeList OID="CL.NCOMPLT" Name="Completion/Reason for Non-Completion" DataType="text">
    <EnumeratedItem CodedValue="ADVERSE EVENT"><Alias Context="nci:ExtCodeID" Name="C41331"/></EnumeratedItem>
    <EnumeratedItem CodedValue="FAILURE TO MEET CONTINUATION CRITERIA"><Alias Context="nci:ExtCodeID" Name="C139236"/>
    </EnumeratedItem>
    <EnumeratedItem CodedValue="PROTOCOL DEVIATION"><Alias Context="nci:ExtCodeID" Name="C48251"/></EnumeratedItem>
    <EnumeratedItem CodedValue="SPONSOR TERM" def:ExtendedValue="Yes"/>
    <Alias Context="nci:ExtCodeID" Name="C66727"/></CodeList>"""


def _define(tmp_path, created: str, codelists: str = NCOMPLT):
    p = tmp_path / "define.xml"
    p.write_text(ODM.format(created=created, codelists=codelists), encoding="utf-8")
    return read_define(p)


def test_define_2_1_def_standards_names_the_version(tmp_path):
    d = read_define(DEFINES / "define-2-1-sdtm-invalid-standard-name.xml")  # CDISC's example: SDTM CT 2020-12-18
    choice = choose_ct(None, d)
    assert choice.version == "2020-12-18"
    assert choice.reason.startswith("CT 2020-12-18: stated in define.xml (def:Standards); this release is 'reduced'")


def test_a_define_2_0_gets_the_release_its_codelists_match_best_nearest_its_date(tmp_path):
    # C139236 first published 2017-09-29; PROTOCOL DEVIATION under C48251 last published 2019-12-20
    choice = choose_ct(None, _define(tmp_path, "2018-05-02T10:00:00"))
    assert choice.version == "2018-03-30"
    assert choice.reason.startswith(
        "CT 2018-03-30: best match of the define's 1 CDISC codelist (3 of 3 terms, 100%); 10 releases (2017-09-29 "
        "to 2019-12-20) match equally: taken the newest on or before the define's date 2018-05-02; this release is "
        "'reduced': rebuilt from a reduced source")


def test_a_define_2_0_dated_before_every_matching_release_gets_the_oldest_match(tmp_path):
    assert choose_ct(None, _define(tmp_path, "2016-01-04T00:00:00")).version == "2017-09-29"


def test_a_define_without_cdisc_codelists_gets_the_newest_release_on_or_before_its_date(tmp_path):
    choice = choose_ct(None, _define(tmp_path, "2013-05-01T08:00:00", codelists=""))
    assert (choice.version, choice.reason) == (
        "2012-12-21", "CT 2012-12-21: define.xml states no CT version and has no CDISC codelists; the newest release "
                      "on or before the define's date 2013-05-01")


def test_the_cdisc_pilot_define_2_0_gets_ct_2017_09_29():
    choice = choose_ct(None, read_define(DEFINES / "define-2-0-cdiscpilot01-sdtm.xml"))
    assert choice.version == "2017-09-29"
    assert choice.reason.startswith("CT 2017-09-29: best match of the define's 25 CDISC codelists (86 of 87 terms, "
                                    "99%); 11 releases (2017-06-30 to 2019-12-20) match equally")


def test_ct_given_on_the_command_line_wins_and_a_decoded_release_says_so(tmp_path):
    choice = choose_ct("2023-03-31", _define(tmp_path, "2018-05-02T10:00:00"))
    assert choice.version == "2023-03-31"
    assert choice.reason.startswith("CT 2023-03-31: given with --ct; this release is 'decoded': rebuilt from a flat "
                                    "value list per codelist")


def test_unit_terms_are_checked_against_the_release_chosen():
    p = sdtm_base()  # the pilot's QS units 'sec': the UNIT term until 2022-03-25, 's' from 2022-06-24
    p["LB"]["LBORRESU"] = (["sec", "s"] * len(p["LB"]))[: len(p["LB"])]
    found = {ct: validate_package(p, standard="sdtmig-3.4", ct=ct, rules=["SC-CT-002"]).findings["value"].tolist()
             for ct in ("2017-09-29", "2025-03-25")}
    assert found == {"2017-09-29": ["s"], "2025-03-25": ["sec"]}


def test_an_unknown_ct_version_is_an_error_listing_the_shipped_ones(capsys):
    code = main(["validate", str(DATA), "--ct", "2021-03-25"])
    _, err = capsys.readouterr()
    assert code == 2 and len(err.splitlines()) == 1
    assert err.startswith("error: [ct-version-unknown] CT version '2021-03-25' is not shipped (have: 2012-12-21, ")
    assert "2021-03-26, " in err and "2025-03-28; 2025-03-25 = 2025-03-28); or pass a CT file" in err


def test_validate_package_refuses_an_unknown_ct_before_reading_data():
    with pytest.raises(SdtmConvertError) as err:
        validate_package(DATA / "no-such-folder", ct="2016")
    assert err.value.issue.code == "ct-version-unknown"


def _sex_findings(ct: str) -> list[tuple]:
    p = sdtm_base()
    p["DM"]["SEX"] = ["Female"] * len(p["DM"])  # SEX: non-extensible, 'F'/'M'/'U'/'UNDIFFERENTIATED'
    r = validate_package(p, standard="sdtmig-3.4", ct=ct, rules=["SC-CT-001"])
    return [(v, x, n) for v, x, n in zip(r.findings["variable"], r.findings["value"], r.findings["records"])]


def test_a_ct_file_in_the_nci_evs_text_layout_is_used_as_given():
    r = validate_package(sdtm_base(), standard="sdtmig-3.4", ct=str(NCI_2025), rules=["SC-CT-001"])
    assert r.ct_version == str(NCI_2025) and r.notes[1] == f"CT file {NCI_2025}: given with --ct"  # after the standards note
    assert _sex_findings(str(NCI_2025)) == _sex_findings("2025-03-25") == [("SEX", "Female", 2)]


def test_a_ct_file_in_the_nci_evs_excel_layout_is_read_from_its_terminology_sheet(tmp_path):
    text = pd.read_csv(NCI_2025, sep="\t", dtype=str, keep_default_na=False, quoting=3)
    sex = text[(text["Code"] == "C66731") | (text["Codelist Code"] == "C66731")]
    xlsx = tmp_path / "SDTM Terminology.xlsx"
    with pd.ExcelWriter(xlsx) as w:
        pd.DataFrame({"README": ["CDISC SDTM Controlled Terminology"]}).to_excel(w, sheet_name="README", index=False)
        sex.to_excel(w, sheet_name="SDTM Terminology 2025-03-28", index=False)
    assert _sex_findings(str(xlsx)) == [("SEX", "Female", 2)]


def test_a_file_that_is_not_ct_is_refused_naming_its_columns(tmp_path):
    bad = tmp_path / "ct.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SdtmConvertError) as err:
        validate_package(sdtm_base(), ct=str(bad))
    assert err.value.issue.code == "ct-file-layout"
    assert err.value.issue.message.startswith("ct.csv is not in the NCI EVS CT layout: its columns are a, b;")


STANDARDS_21 = """<def:Standards>
    <def:Standard OID="STD.1" Name="SDTMIG" Type="IG" Version="3.3" Status="Final"/>
    {ct}
   </def:Standards>"""


def test_a_stated_release_that_is_not_shipped_gives_the_newest_shipped_before_it(tmp_path):
    ct = '<def:Standard OID="STD.2" Name="CDISC/NCI" Type="CT" PublishingSet="SDTM" Version="2024-09-27"/>'
    choice = choose_ct(None, _define(tmp_path, "2025-01-10T00:00:00", STANDARDS_21.format(ct=ct) + NCOMPLT))
    assert (choice.version, choice.reason.split("; this release")[0]) == (
        "2024-03-29", "CT 2024-03-29: define.xml states SDTM CT 2024-09-27, which is not shipped; the newest shipped "
                      "release on or before it")


def test_a_define_stating_only_adam_ct_gets_the_sdtm_release_of_that_date(tmp_path):
    ct = '<def:Standard OID="STD.2" Name="CDISC/NCI" Type="CT" PublishingSet="ADaM" Version="2023-06-30"/>'
    choice = choose_ct(None, _define(tmp_path, "2025-01-10T00:00:00", STANDARDS_21.format(ct=ct)))
    assert choice.version == "2023-06-30"
    assert choice.reason.startswith("CT 2023-06-30: define.xml states ADaM CT 2023-06-30 and no SDTM CT; the newest "
                                    "SDTM release on or before it")


def test_cdiscs_adam_define_2_1_example_states_its_sdtm_ct():
    assert choose_ct(None, read_define(DEFINES / "define-2-1-adam-with-arm.xml")).version == "2020-12-18"
