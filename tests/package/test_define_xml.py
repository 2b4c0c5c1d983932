"""Define-XML 2.1: validates against the official XSD, deterministic, codelists from CT and data."""

from __future__ import annotations

from lxml import etree

from sdtm_convert.errors import Issue
from sdtm_convert.metadata import WhereClause
from sdtm_convert.package.arm import AnalysisDataset, AnalysisResult, ResultDisplay
from sdtm_convert.package.codelists import used_values_from_frames
from sdtm_convert.package.define_xml import build_define
from sdtm_convert.package.xsd import validate_define
from tests.package import samples as S

NS = {
    "odm": "http://www.cdisc.org/ns/odm/v1.3",
    "def": "http://www.cdisc.org/ns/def/v2.1",
    "arm": "http://www.cdisc.org/ns/arm/v1.0",
}


def _sdtm(issues: list[Issue] | None = None, **kw) -> bytes:
    metas, frames = S.sdtm()
    return build_define(
        metas, standard="SDTMIG 3.4", used_values=used_values_from_frames(metas, frames), issues=issues, **S.STUDY, **kw
    )


def _adam(**kw) -> bytes:
    metas, frames = S.adam()
    used = used_values_from_frames(metas, frames) | S.PARAM_DECODES
    return build_define(metas, standard="ADaMIG 1.3", used_values=used, arm=S.primary_arm(), **S.STUDY, **kw)


def _tree(b: bytes):
    return etree.fromstring(b)


def test_generated_sdtm_and_adam_defines_validate_against_the_xsd():
    assert validate_define(_sdtm()) == []
    assert validate_define(_adam()) == []


def test_output_is_byte_identical_across_runs_and_declares_the_stylesheet():
    a, b = _sdtm(), _sdtm()
    assert a == b
    assert a.startswith(
        b"<?xml version='1.0' encoding='UTF-8'?>\n<?xml-stylesheet type=\"text/xsl\" href=\"define2-1.xsl\"?>"
    )
    assert b"xml-stylesheet" not in _sdtm(stylesheet=None)


def test_root_study_and_standards():
    root = _tree(_adam())
    assert root.get("ODMVersion") == "1.3.2" and root.get("FileType") == "Snapshot"
    assert root.get("CreationDateTime") == S.CREATED and root.get(f"{{{NS['def']}}}Context") == "Submission"
    mdv = root.find("odm:Study/odm:MetaDataVersion", NS)
    assert mdv.get(f"{{{NS['def']}}}DefineVersion") == "2.1.0"
    stds = [
        (s.get("Name"), s.get("Type"), s.get("PublishingSet"), s.get("Version"))
        for s in mdv.findall("def:Standards/def:Standard", NS)
    ]
    assert ("ADaMIG", "IG", None, "1.3") in stds
    assert ("CDISC/NCI", "CT", "SDTM", "2025-03-25") in stds  # NY is SDTM CT
    assert ("CDISC/NCI", "CT", "ADaM", "2025-09-26") in stds  # DTYPE is ADaM CT


def test_item_group_refs_keys_methods_and_leaf():
    root = _tree(_sdtm())
    ig = root.find(".//odm:ItemGroupDef[@OID='IG.AE']", NS)
    assert ig.get("Purpose") == "Tabulation" and ig.get("Repeating") == "Yes"
    assert ig.get(f"{{{NS['def']}}}ArchiveLocationID") == "LF.AE"
    assert ig.find("def:leaf", NS).get("{http://www.w3.org/1999/xlink}href") == "ae.xpt"
    assert ig.find("def:Class", NS).get("Name") == "EVENTS"
    refs = {r.get("ItemOID"): r for r in ig.findall("odm:ItemRef", NS)}
    assert refs["IT.AE.USUBJID"].get("Mandatory") == "Yes" and refs["IT.AE.USUBJID"].get("KeySequence") == "2"
    assert refs["IT.AE.AESEV"].get("Mandatory") == "No"
    assert refs["IT.AE.AESEQ"].get("MethodOID") == "MT.SEQ"
    assert [r.get("OrderNumber") for r in refs.values()] == [str(i) for i in range(1, 10)]
    assert root.find(".//odm:ItemGroupDef[@OID='IG.DM']", NS).get("Repeating") == "No"
    # a method shared by AE and QS is written once
    assert len(root.findall(".//odm:MethodDef[@OID='MT.SEQ']", NS)) == 1


def test_item_defs_carry_written_length_type_origin_and_digits():
    root = _tree(_sdtm())
    sev = root.find(".//odm:ItemDef[@OID='IT.AE.AESEV']", NS)
    assert (sev.get("DataType"), sev.get("Length")) == ("text", "8")
    assert sev.find("odm:CodeListRef", NS).get("CodeListOID") == "CL.AESEV"
    sex = root.find(".//odm:ItemDef[@OID='IT.DM.SEX']", NS)
    origin = sex.find("def:Origin", NS)
    assert (origin.get("Type"), origin.get("Source")) == ("Collected", "Investigator")
    assert origin.findtext("odm:Description/odm:TranslatedText", namespaces=NS) == "dm.csv GENDER"
    dtc = root.find(".//odm:ItemDef[@OID='IT.AE.AESTDTC']", NS)
    assert dtc.get("DataType") == "date" and dtc.get("Length") is None
    stresn = root.find(".//odm:ItemDef[@OID='IT.QS.QSSTRESN']", NS)
    assert (stresn.get("DataType"), stresn.get("Length"), stresn.get("SignificantDigits")) == ("float", "8", "1")
    day = root.find(".//odm:ItemDef[@OID='IT.AE.AESTDY']", NS)
    assert day.find("def:Origin", NS).get("Source") == "Sponsor"  # default for Derived


def test_display_format_for_numeric_dates():
    root = _tree(_adam())
    trtsdt = root.find(".//odm:ItemDef[@OID='IT.ADSL.TRTSDT']", NS)
    assert trtsdt.get(f"{{{NS['def']}}}DisplayFormat") == "DATE9." and trtsdt.get("DataType") == "date"


def test_codelists_hold_only_used_terms_with_nci_codes():
    root = _tree(_sdtm())
    sex = root.find(".//odm:CodeList[@OID='CL.SEX']", NS)
    assert [i.get("CodedValue") for i in sex.findall("odm:EnumeratedItem", NS)] == ["F", "M"]
    assert sex.find("odm:Alias", NS).attrib == {"Context": "nci:ExtCodeID", "Name": "C66731"}
    codes = [i.find("odm:Alias", NS).get("Name") for i in sex.findall("odm:EnumeratedItem", NS)]
    assert codes == ["C16576", "C20197"]
    ny = root.find(".//odm:CodeList[@OID='CL.NY']", NS)
    assert [i.get("CodedValue") for i in ny.findall("odm:EnumeratedItem", NS)] == ["N"]


def test_sponsor_term_in_extensible_list_is_marked_extended_and_non_extensible_is_reported():
    issues: list[Issue] = []
    root = _tree(_sdtm(issues))
    qscat = root.find(".//odm:CodeList[@OID='CL.QSCAT']", NS)  # C100129 is extensible
    item = qscat.find("odm:EnumeratedItem", NS)
    assert item.get("CodedValue") == "PASI" and item.get(f"{{{NS['def']}}}ExtendedValue") == "Yes"
    assert item.find("odm:Alias", NS) is None
    assert [(i.code, i.variable) for i in issues] == [("define-term-not-in-ct", "RACE")]


def test_without_used_values_a_ct_codelist_is_written_whole():
    metas, _ = S.sdtm()
    root = _tree(build_define(metas, standard="SDTMIG 3.4", **S.STUDY))
    ny = root.find(".//odm:CodeList[@OID='CL.NY']", NS)
    assert {i.get("CodedValue") for i in ny.findall("odm:EnumeratedItem", NS)} == {"N", "Y", "NA", "U"}


def test_sponsor_codelist_with_decodes_uses_codelistitem():
    root = _tree(_adam())
    cl = root.find(".//odm:CodeList[@OID='CL.PARAMCD']", NS)
    items = cl.findall("odm:CodeListItem", NS)
    assert [(i.get("CodedValue"), i.findtext("odm:Decode/odm:TranslatedText", namespaces=NS)) for i in items] == [
        ("PASI", "PASI Score"),
        ("PASIIMP", "PASI Improvement Rate (%)"),
    ]
    assert cl.get(f"{{{NS['def']}}}IsNonStandard") == "Yes"


def test_value_level_with_composite_where_clause_kept_whole():
    root = _tree(_sdtm())
    vl = root.find(".//def:ValueListDef[@OID='VL.QS.QSORRES']", NS)
    refs = vl.findall("odm:ItemRef", NS)
    assert [r.get("ItemOID") for r in refs] == ["IT.QS.QSORRES.PASIITEM", "IT.QS.QSORRES.PASITOT"]
    assert refs[1].get("MethodOID") == "MT.PASI.TOTAL" and refs[0].get("Mandatory") == "Yes"
    parent = root.find(".//odm:ItemDef[@OID='IT.QS.QSORRES']", NS)
    assert parent.find("def:ValueListRef", NS).get("ValueListOID") == "VL.QS.QSORRES"
    wc = root.find(".//def:WhereClauseDef[@OID='WC.QS.QSORRES.PASIITEM']", NS)
    checks = [
        (r.get("Comparator"), r.get(f"{{{NS['def']}}}ItemOID"), [c.text for c in r.findall("odm:CheckValue", NS)])
        for r in wc.findall("odm:RangeCheck", NS)
    ]
    assert checks == [("EQ", "IT.QS.QSCAT", ["PASI"]), ("IN", "IT.QS.QSTESTCD", ["PASI0101", "PASI0102"])]
    item = root.find(".//odm:ItemDef[@OID='IT.QS.QSORRES.PASIITEM']", NS)
    assert item.get("DataType") == "integer" and item.find("odm:CodeListRef", NS).get("CodeListOID") == "CL.PASISCORE"
    # the value-level codelist holds the values under its where-clause only (not the total 12.4)
    cl = root.find(".//odm:CodeList[@OID='CL.PASISCORE']", NS)
    assert [i.get("CodedValue") for i in cl.findall("odm:EnumeratedItem", NS)] == ["2", "3"]
    total = root.find(".//odm:ItemDef[@OID='IT.QS.QSORRES.PASITOT']", NS)
    assert total.get("SignificantDigits") == "1" and total.get(f"{{{NS['def']}}}CommentOID") == "COM.QS.QSORRES.PASITOT"


def test_adam_bds_paramcd_value_list_and_arm_for_primary_endpoint():
    root = _tree(_adam())
    ig = root.find(".//odm:ItemGroupDef[@OID='IG.ADPASI']", NS)
    assert ig.get("Purpose") == "Analysis" and ig.get("Domain") is None
    assert ig.find("def:Class", NS).get("Name") == "BASIC DATA STRUCTURE"
    vl = root.find(".//def:ValueListDef[@OID='VL.ADPASI.AVAL']", NS)
    assert [r.find("def:WhereClauseRef", NS).get("WhereClauseOID") for r in vl.findall("odm:ItemRef", NS)] == [
        "WC.ADPASI.AVAL.PASI",
        "WC.ADPASI.AVAL.PASIIMP",
    ]
    res = root.find(".//arm:AnalysisResultDisplays/arm:ResultDisplay/arm:AnalysisResult", NS)
    assert res.get("AnalysisPurpose") == "PRIMARY OUTCOME MEASURE" and res.get("ParameterOID") == "IT.ADPASI.PARAMCD"
    ds = res.find("arm:AnalysisDatasets/arm:AnalysisDataset", NS)
    wc_oid = ds.find("def:WhereClauseRef", NS).get("WhereClauseOID")
    wc = root.find(f".//def:WhereClauseDef[@OID='{wc_oid}']", NS)
    assert len(wc.findall("odm:RangeCheck", NS)) == 3  # PARAMCD, AVISIT, ANL01FL kept as one clause
    assert ds.find("arm:AnalysisVariable", NS).get("ItemOID") == "IT.ADPASI.AVAL"


def test_an_analysis_where_clause_equal_to_a_value_level_one_is_written_once_under_its_oid():
    metas, frames = S.adam()
    used = used_values_from_frames(metas, frames) | S.PARAM_DECODES
    imp = WhereClause("WC.ADPASI.PARAMCD.EQ.PASIIMP", [("ADPASI.PARAMCD", "EQ", ["PASIIMP"])])
    arm = [ResultDisplay("T1", "Table 1", "d", [AnalysisResult("T1.R1", "r", [AnalysisDataset("ADPASI", ["AVAL"], imp,
                                                                                               where_named=False)])])]
    b = build_define(metas, standard="ADaMIG 1.3", used_values=used, arm=arm, **S.STUDY)
    assert validate_define(b) == []
    root = _tree(b)
    ref = root.find(".//arm:AnalysisDataset/def:WhereClauseRef", NS).get("WhereClauseOID")
    assert ref == "WC.ADPASI.AVAL.PASIIMP"  # the value-level where-clause of AVAL for PASIIMP
    assert [w.get("OID") for w in root.findall(".//def:WhereClauseDef", NS) if "PASIIMP" in w.get("OID")] == [ref]


def test_comments_are_defined_and_referenced():
    root = _tree(_sdtm())
    assert root.find(".//odm:ItemGroupDef[@OID='IG.AE']", NS).get(f"{{{NS['def']}}}CommentOID") == "COM.AE"
    text = root.findtext(".//def:CommentDef[@OID='COM.AE']/odm:Description/odm:TranslatedText", namespaces=NS)
    assert text == "Coded with MedDRA 26.0."


def test_metadata_problems_are_reported_as_issues():
    metas, _ = S.sdtm()
    metas[1].variables[3].method_id = "MT.NOPE"
    metas[1].variables[4].origin_type = "Derived"
    issues: list[Issue] = []
    b = build_define(metas, standard="SDTMIG 3.4", issues=issues, **S.STUDY)
    assert {"define-method-missing", "define-derived-without-method"} <= {i.code for i in issues}
    assert b"MT.NOPE" not in b
    assert validate_define(b) == []


def test_sdtmig_class_spelling_is_normalised_and_a_ct_codelist_without_used_values_is_whole():
    metas, frames = S.sdtm()
    metas[0].class_ = "Special-Purpose"  # as spelt in the SDTMIG dataset table
    used = used_values_from_frames(metas, frames) | {("AE", "AESER"): []}  # AESER all missing
    b = build_define(metas, standard="SDTMIG 3.4", used_values=used, **S.STUDY)
    assert validate_define(b) == []
    root = _tree(b)
    assert root.find(".//odm:ItemGroupDef[@OID='IG.DM']/def:Class", NS).get("Name") == "SPECIAL PURPOSE"
    ny = root.find(".//odm:CodeList[@OID='CL.NY']", NS)
    assert {i.get("CodedValue") for i in ny.findall("odm:EnumeratedItem", NS)} == {"N", "Y", "NA", "U"}


def test_value_level_item_oids_from_where_clause_ids():
    from sdtm_convert.package.define_xml import vl_item_oid

    assert vl_item_oid("QS", "QSORRES", "QS.QSORRES.PASITOT") == "IT.QS.QSORRES.PASITOT"
    assert vl_item_oid("ADPASI", "AVAL", "WC.ADPASI.PARAMCD.PASI") == "IT.ADPASI.AVAL.PARAMCD.PASI"
    assert vl_item_oid("QS", "QSORRES", "TOTAL") == "IT.QS.QSORRES.TOTAL"


def test_supplemental_documents_are_referenced_and_leafed():
    root = _tree(b := _sdtm(supplemental_docs={"csdrg.pdf": "Clinical Study Data Reviewer's Guide"}))
    assert validate_define(b) == []
    assert root.find(".//def:SupplementalDoc/def:DocumentRef", NS).get("leafID") == "LF.DOC1"
    leaf = root.find(".//odm:MetaDataVersion/def:leaf[@ID='LF.DOC1']", NS)
    assert leaf.get("{http://www.w3.org/1999/xlink}href") == "csdrg.pdf"
