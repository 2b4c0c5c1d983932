"""define.xml from the sponsor's define spec merged with what the run knows: the sponsor's text wins where
given, the run fills the rest, external dictionaries are def:ExternalCodeList, contradictions are issues
naming define.yaml and its line."""

from __future__ import annotations

from lxml import etree

from sdtm_convert.errors import Issue
from sdtm_convert.package.define.sponsor import prepare_define
from sdtm_convert.package.define_xml import build_define
from sdtm_convert.package.xsd import validate_define
from sdtm_convert.spec import define_spec as ds
from sdtm_convert.standards import load_ct
from tests.package import samples as S

NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}
CT = load_ct("2025-03-25")


def _spec(**kw) -> ds.DefineSpec:
    spec = ds.DefineSpec(**kw)
    spec.path = "mappings/x/define.yaml"
    # lines as define_load records them: list item → line
    spec.lines = {f"{k}/{i}": 100 * n + i for n, k in enumerate(ds.DATA_FIELDS, 1)
                  for i in range(len(getattr(spec, k)) if k != "study" else 0)}
    return spec


def _build(spec: ds.DefineSpec, adam: bool = False) -> tuple[etree._Element, bytes, list[Issue]]:
    metas, frames = S.adam() if adam else S.sdtm()
    metas, sponsor, used, issues = prepare_define(metas, frames, spec, adam=adam, ct=CT)
    xml = build_define(metas, standard="ADaMIG 1.3" if adam else "SDTMIG 3.4", used_values=used, sponsor=sponsor,
                       **S.STUDY)  # its own issues (the samples' RACE value outside CT) are tested elsewhere
    return etree.fromstring(xml), xml, issues


def _meddra() -> ds.DefineSpec:
    return _spec(
        datasets=[ds.DatasetDef("AE", comment="COM.AE.CODING")],
        variables=[ds.VariableDef("AE", "AETERM", origin="CRF", pages="12 14"),
                   ds.VariableDef("AE", "AESTDY", method="MT.AE.AESTDY"),
                   ds.VariableDef("AE", "AESEV", codelist="MEDDRA")],
        dictionaries=[ds.DictionaryDef("MEDDRA", "MedDRA", "text", "MedDRA", "26.1")],
        methods=[ds.MethodDef("MT.AE.AESTDY", "Algorithm to derive AE.AESTDY", "Computation",
                              "AESTDTC - RFSTDTC + 1 when on or after RFSTDTC", "SAS", "aestdy = ...", "SAP", "4-5")],
        comments=[ds.CommentDef("COM.AE.CODING", "Coded by the vendor", "SAP", "7")],
        documents=[ds.DocumentDef("CRF", "Annotated CRF", "acrf.pdf"), ds.DocumentDef("SAP", "Analysis plan", "sap.pdf")],
    )


def test_the_sponsor_text_wins_and_the_document_passes_the_define_xml_2_1_schema():
    root, xml, issues = _build(_meddra())
    assert validate_define(xml) == []
    assert issues == []
    mdv = root.find("odm:Study/odm:MetaDataVersion", NS)
    assert mdv.find("def:AnnotatedCRF/def:DocumentRef", NS).get("leafID") == "LF.CRF"
    assert [r.get("leafID") for r in mdv.findall("def:SupplementalDoc/def:DocumentRef", NS)] == ["LF.SAP"]
    assert mdv.find("odm:ItemGroupDef[@OID='IG.AE']", NS).get(f"{{{NS['def']}}}CommentOID") == "COM.AE.CODING"
    term = mdv.find("odm:ItemDef[@OID='IT.AE.AETERM']/def:Origin", NS)
    assert (term.get("Type"), term.get("Source")) == ("Collected", "Investigator")
    assert term.find("def:DocumentRef/def:PDFPageRef", NS).attrib == {"PageRefs": "12 14", "Type": "PhysicalRef"}
    ref = mdv.find("odm:ItemGroupDef[@OID='IG.AE']/odm:ItemRef[@ItemOID='IT.AE.AESTDY']", NS)
    assert ref.get("MethodOID") == "MT.AE.AESTDY"
    method = mdv.find("odm:MethodDef[@OID='MT.AE.AESTDY']", NS)
    assert method.findtext("odm:Description/odm:TranslatedText", namespaces=NS).startswith("AESTDTC - RFSTDTC")
    assert method.find("odm:FormalExpression", NS).attrib == {"Context": "SAS"}
    assert method.find("def:DocumentRef/def:PDFPageRef", NS).attrib == {"FirstPage": "4", "LastPage": "5",
                                                                       "Type": "PhysicalRef"}
    # the run's method that no variable names any more is left out; the run's other methods stay
    assert mdv.find("odm:MethodDef[@OID='MT.STUDYDAY']", NS) is None
    assert mdv.find("odm:MethodDef[@OID='MT.SEQ']", NS) is not None
    comment = mdv.find("def:CommentDef[@OID='COM.AE.CODING']", NS)
    assert comment.findtext("odm:Description/odm:TranslatedText", namespaces=NS) == "Coded by the vendor"
    assert comment.find("def:DocumentRef", NS).get("leafID") == "LF.SAP"
    assert mdv.find("def:CommentDef[@OID='COM.AE']", NS) is None  # the run's dataset comment gave way
    assert mdv.find("def:leaf[@ID='LF.SAP']", NS).get("{http://www.w3.org/1999/xlink}href") == "sap.pdf"
    # what the spec does not say stays the run's: label, length, the other variables' origins
    item = mdv.find("odm:ItemDef[@OID='IT.AE.AETERM']", NS)
    assert (item.get("Length"), item.findtext("odm:Description/odm:TranslatedText", namespaces=NS)) == (
        "8", "Reported Term for the Adverse Event")
    assert mdv.find("odm:ItemDef[@OID='IT.AE.AESTDTC']/def:Origin", NS).get("Type") == "Collected"


def test_an_external_dictionary_is_an_external_code_list_referenced_by_its_variables():
    root, xml, _ = _build(_meddra())
    mdv = root.find("odm:Study/odm:MetaDataVersion", NS)
    cl = mdv.find("odm:CodeList[@OID='CL.MEDDRA']", NS)
    assert cl.find("odm:ExternalCodeList", NS).attrib == {"Dictionary": "MedDRA", "Version": "26.1"}
    assert cl.get(f"{{{NS['def']}}}IsNonStandard") is None and len(cl) == 1
    assert mdv.find("odm:ItemDef[@OID='IT.AE.AESEV']/odm:CodeListRef", NS).get("CodeListOID") == "CL.MEDDRA"
    assert mdv.find("odm:CodeList[@OID='CL.AESEV']", NS) is None  # the CT codelist it replaced is not written


def test_adam_define_takes_the_rows_of_adam_datasets_only():
    spec = _spec(variables=[ds.VariableDef("ADSL", "TRT01P", comment="C1"), ds.VariableDef("AE", "AETERM", comment="C2"),
                            ds.VariableDef("ADSL", "TRTSDT", origin="Predecessor", predecessor="EX.EXSTDTC")],
                 comments=[ds.CommentDef("C1", "Planned treatment of the randomisation list"),
                           ds.CommentDef("C2", "verbatim")])
    root, xml, issues = _build(spec, adam=True)
    assert validate_define(xml) == [] and issues == []
    mdv = root.find("odm:Study/odm:MetaDataVersion", NS)
    assert mdv.find("odm:ItemDef[@OID='IT.ADSL.TRT01P']", NS).get(f"{{{NS['def']}}}CommentOID") == "COM.C1"
    assert [c.get("OID") for c in mdv.findall("def:CommentDef", NS) if c.get("OID").startswith("COM.C")] == ["COM.C1"]
    origin = mdv.find("odm:ItemDef[@OID='IT.ADSL.TRTSDT']/def:Origin", NS)
    assert (origin.get("Type"), origin.findtext("odm:Description/odm:TranslatedText", namespaces=NS)) == (
        "Predecessor", "EX.EXSTDTC")


def test_contradictions_are_typed_issues_naming_define_yaml_and_its_line():
    spec = _spec(
        datasets=[ds.DatasetDef("XX"), ds.DatasetDef("AE", "Adverse Event Listing",
                                                    key_variables="STUDYID, USUBJID, AENOPE")],
        variables=[ds.VariableDef("XX", "XXSEQ"),  # said once with the dataset
                   ds.VariableDef("AE", "AETERM", label="Verbatim", length=4),  # the data holds 8 bytes
                   ds.VariableDef("AE", "AEFOO", method="MT.X"),  # no such variable
                   ds.VariableDef("AE", "AESEV", codelist="SEV"),
                   ds.VariableDef("AE", "AESER", pages="3")],  # pages without an aCRF
        codelists=[ds.Codelist("SEV", "Severity", terms=[ds.CodelistTerm("MILD"), ds.CodelistTerm("SEVERE")])],
        methods=[ds.MethodDef("MT.X", "x", "Computation", "x")],
    )
    _, xml, issues = _build(spec)
    got = sorted((i.code, i.severity, i.line, i.dataset, i.variable, i.value) for i in issues)
    assert got == [
        ("spec-define-dataset-unknown", "warning", 200, "XX", None, None),
        ("spec-define-document-unknown", "error", 304, "AE", "AESER", None),
        ("spec-define-label-differs", "warning", 201, "AE", None, "Adverse Event Listing"),
        ("spec-define-label-differs", "warning", 301, "AE", "AETERM", "Verbatim"),
        ("spec-define-length-short", "error", 301, "AE", "AETERM", "4"),
        ("spec-define-term-missing", "error", 600, "AE", "AESEV", "MODERATE"),
        ("spec-define-term-unused", "warning", 600, None, None, "SEVERE"),
        ("spec-define-variable-unknown", "error", 201, "AE", "AENOPE", None),
        ("spec-define-variable-unknown", "error", 302, "AE", "AEFOO", None),
    ]
    assert all(i.file == "mappings/x/define.yaml" for i in issues)
    msg = next(i.message for i in issues if i.code == "spec-define-length-short")
    assert msg == "AE.AETERM: the define spec's length 4 is shorter than the data's 8 (define.xml states 8)"
    assert b'<ItemDef OID="IT.AE.AETERM" Name="AETERM" DataType="text" Length="8"' in xml  # the data's length
    assert b"Reported Term for the Adverse Event" in xml and b"Verbatim" not in xml  # and label
    assert b"Adverse Event Listing" in xml  # the sponsor's dataset description
    assert validate_define(xml) == []


def test_a_sponsor_codelist_replaces_the_run_codelist_with_its_terms_decodes_and_codes():
    spec = _spec(variables=[ds.VariableDef("AE", "AESEV", codelist="CL.AESEV")],
                 codelists=[ds.Codelist("CL.AESEV", "Severity", "C66769", "text", [
                     ds.CodelistTerm("MILD", 1, "C41338", "Mild"), ds.CodelistTerm("MODERATE", 2, "", "Moderate")])])
    root, xml, issues = _build(spec)
    assert validate_define(xml) == [] and issues == []
    cl = root.find("odm:Study/odm:MetaDataVersion/odm:CodeList[@OID='CL.AESEV']", NS)
    items = [(i.get("CodedValue"), i.findtext("odm:Decode/odm:TranslatedText", namespaces=NS),
              i.find("odm:Alias", NS).get("Name")) for i in cl.findall("odm:CodeListItem", NS)]
    assert items == [("MILD", "Mild", "C41338"), ("MODERATE", "Moderate", "C41339")]  # the CT fills a missing code
    assert cl.get("Name") == "Severity" and cl.find("odm:Alias", NS).get("Name") == "C66769"


def test_value_level_rows_override_the_runs_and_add_new_ones_with_their_where_clause():
    spec = _spec(
        value_level=[ds.ValueLevelDef("QS", "QSORRES", "QS.QSORRES.PASITOT", description="PASI total score",
                                      method="MT.PASITOT", comment="COM.TOT"),
                     ds.ValueLevelDef("QS", "QSORRES", "WC.QS.OTHER", data_type="text", length=2, origin="Assigned")],
        where_clauses=[ds.WhereClause("WC.QS.OTHER", [ds.WhereCondition("QS", "QSTESTCD", "EQ", ["PASI0199"])])],
        methods=[ds.MethodDef("MT.PASITOT", "PASI total", "Computation", "Sum of the four regions")],
        comments=[ds.CommentDef("COM.TOT", "Rounded to one decimal")],
    )
    root, xml, issues = _build(spec)
    assert validate_define(xml) == [] and issues == []
    mdv = root.find("odm:Study/odm:MetaDataVersion", NS)
    refs = mdv.findall("def:ValueListDef[@OID='VL.QS.QSORRES']/odm:ItemRef", NS)
    assert [(r.get("ItemOID"), r.get("MethodOID")) for r in refs] == [
        ("IT.QS.QSORRES.PASIITEM", None), ("IT.QS.QSORRES.PASITOT", "MT.PASITOT"), ("IT.QS.QSORRES.OTHER", None)]
    assert mdv.find("odm:MethodDef[@OID='MT.PASITOT']", NS).get("Name") == "PASI total"
    total = mdv.find("odm:ItemDef[@OID='IT.QS.QSORRES.PASITOT']", NS)
    assert total.findtext("odm:Description/odm:TranslatedText", namespaces=NS) == "PASI total score"
    assert total.get(f"{{{NS['def']}}}CommentOID") == "COM.TOT"
    other = mdv.find("odm:ItemDef[@OID='IT.QS.QSORRES.OTHER']", NS)
    assert (other.get("Length"), other.find("def:Origin", NS).get("Type")) == ("2", "Assigned")
    check = mdv.find("def:WhereClauseDef[@OID='WC.QS.OTHER']/odm:RangeCheck", NS)
    assert (check.get(f"{{{NS['def']}}}ItemOID"), check.findtext("odm:CheckValue", namespaces=NS)) == (
        "IT.QS.QSTESTCD", "PASI0199")


def test_a_codelist_without_terms_names_the_ct_codelist_and_the_run_writes_the_terms_used():
    spec = _spec(variables=[ds.VariableDef("AE", "AESER", codelist="CL.YN")],
                 codelists=[ds.Codelist("CL.YN", "No Yes Response", "C66742", "text")])
    root, xml, issues = _build(spec)
    assert validate_define(xml) == [] and issues == []
    mdv = root.find("odm:Study/odm:MetaDataVersion", NS)
    assert mdv.find("odm:ItemDef[@OID='IT.AE.AESER']/odm:CodeListRef", NS).get("CodeListOID") == "CL.NY"
    cl = mdv.find("odm:CodeList[@OID='CL.NY']", NS)
    assert [i.get("CodedValue") for i in cl.findall("odm:EnumeratedItem", NS)] == ["N"]


def test_a_comment_id_without_its_comment_is_an_issue_and_the_document_stays_valid():
    from dataclasses import replace

    metas, frames = S.sdtm()
    metas = [replace(m, comment_id="COM.NONE") if m.name == "AE" else m for m in metas]
    issues: list[Issue] = []
    xml = build_define(metas, standard="SDTMIG 3.4", issues=issues, **S.STUDY)
    assert [(i.code, i.message) for i in issues if i.code == "define-comment-missing"] == [
        ("define-comment-missing", "comment COM.NONE is not defined")]
    assert validate_define(xml) == []
