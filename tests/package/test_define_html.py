"""define.html: our jinja2 templates over a parsed define.xml — escaped, cross-linked, any define.xml."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from sdtm_convert.package.codelists import used_values_from_frames
from sdtm_convert.package.define_html import render_define_html
from sdtm_convert.package.define_xml import build_define
from tests.package import samples as S


def _inputs() -> dict:
    metas, frames = S.sdtm()
    return dict(datasets=metas, standard="SDTMIG 3.4", used_values=used_values_from_frames(metas, frames), **S.STUDY)


def _adam_define() -> bytes:
    metas, frames = S.adam()
    used = used_values_from_frames(metas, frames) | S.PARAM_DECODES
    return build_define(metas, standard="ADaMIG 1.3", used_values=used, arm=S.primary_arm(), **S.STUDY)


def _internal_links_resolve(page: str) -> None:
    doc = lxml_html.fromstring(page)
    ids = {el.get("id") for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}
    targets = {a.get("href")[1:] for a in doc.iter("a") if (a.get("href") or "").startswith("#")}
    assert targets and targets <= ids, sorted(targets - ids)


def test_data_values_are_escaped_and_the_page_allows_no_script():
    page = render_define_html(build_define(**_inputs()))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # RACE term and the RACE comment
    assert "<script" not in page
    assert "default-src 'none'" in page


def test_render_from_inputs_equals_render_from_the_document_and_is_deterministic():
    a = render_define_html(**_inputs())
    assert a == render_define_html(build_define(**_inputs()))
    assert a == render_define_html(**_inputs())


def test_every_internal_link_has_its_target_and_navigation_chain_exists():
    page = render_define_html(**_inputs())
    _internal_links_resolve(page)
    doc = lxml_html.fromstring(page)
    # datasets table → dataset section → variable row → codelist / method / value level
    assert doc.xpath('//h2[@id="datasets"]/following-sibling::table[1]//a[@href="#ds-IG.DM"]')
    sex = doc.get_element_by_id("it-IT.DM.SEX")
    assert sex.xpath('.//a[@href="#cl-CL.SEX"]') and doc.get_element_by_id("cl-CL.SEX") is not None
    assert doc.get_element_by_id("it-IT.AE.AESEQ").xpath('.//a[@href="#mt-MT.SEQ"]')
    assert doc.get_element_by_id("it-IT.QS.QSORRES").xpath('.//a[@href="#vl-VL.QS.QSORRES"]')
    vl = doc.get_element_by_id("vl-VL.QS.QSORRES").text_content()
    assert "QSCAT = 'PASI' and QSTESTCD in ('PASI0101', 'PASI0102')" in re.sub(r"\s+", " ", vl)
    cl = doc.get_element_by_id("cl-CL.SEX").text_content()
    assert "C66731" in cl and "C16576" in cl and "C20197" in cl
    assert "Coded with MedDRA 26.0." in doc.get_element_by_id("com-COM.AE").text_content()


def test_adam_page_shows_value_lists_and_analysis_results():
    page = render_define_html(_adam_define())
    _internal_links_resolve(page)
    doc = lxml_html.fromstring(page)
    rd = re.sub(r"\s+", " ", doc.get_element_by_id("rd-RD.T14.2.1").text_content())
    assert "PRIMARY OUTCOME MEASURE" in rd and "PARAMCD EQ PASIIMP and AVISIT EQ Week 12 and ANL01FL EQ Y" in rd
    assert doc.xpath('//nav//a[@href="#rd-RD.T14.2.1"]')  # each display is listed in the navigation
    params = doc.get_element_by_id("cl-CL.PARAMCD").text_content()
    assert "PASI Improvement Rate (%)" in params


def test_renders_a_define_we_did_not_write(data_dir):
    page = render_define_html(data_dir / "define" / "define-2-1-adam-with-arm.xml")
    doc = lxml_html.fromstring(page)
    names = [a.text for a in doc.xpath('//h2[@id="datasets"]/following-sibling::table[1]//td[1]/a')]
    assert {"ADSL", "ADAE", "ADADAS"} <= set(names)
    assert "Table14.3.01" in page and "proc glm" in page
    page21 = render_define_html(data_dir / "define" / "define-2-1-sdtm-invalid-standard-name.xml")
    assert 'href="#cl-CL.AESEV"' in page21 and 'id="cl-CL.AESEV"' in page21 and "C66769" in page21


def test_a_reference_to_an_undefined_definition_is_shown_unlinked():
    xml = build_define(**_inputs()).replace(b'<MethodDef OID="MT.SEQ"', b'<MethodDef OID="MT.SEQX"')
    page = render_define_html(xml)
    assert 'class="broken" title="not defined in this document">MT.SEQ<' in page


PILOT = Path(__file__).resolve().parents[1] / "data" / "define" / "define-2-0-cdiscpilot01-sdtm.xml"


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def test_method_and_comment_texts_are_shown_in_the_variable_row_that_uses_them():
    doc = lxml_html.fromstring(render_define_html(PILOT))  # the CDISC pilot's own Define-XML 2.0
    usubjid = doc.get_element_by_id("it-IT.AE.USUBJID")
    assert "Method Concatenation of STUDYID, DM.SITEID and DM.SUBJID" in _text(usubjid)
    assert usubjid.xpath('.//a[@href="#mt-MT.AE.USUBJID"]')
    ageu = doc.get_element_by_id("it-IT.DM.AGEU")
    assert 'Comment AGEU="YEARS"' in _text(ageu) and ageu.xpath('.//a[@href="#com-COM.DM.AGEU"]')
    ours = lxml_html.fromstring(render_define_html(**_inputs()))
    ae = ours.xpath('//h2[@id="datasets"]/following-sibling::table[1]//tr[td/a[@href="#ds-IG.AE"]]')[0]
    assert "Comment Coded with MedDRA 26.0." in _text(ae)  # the dataset's comment, in the datasets table


def test_annotated_crf_pages_link_to_the_pdf_page_and_the_documents_are_listed():
    doc = lxml_html.fromstring(render_define_html(PILOT))
    aeterm = doc.get_element_by_id("it-IT.AE.AETERM")
    assert [a.get("href") for a in aeterm.xpath(".//a")] == [
        "blankcrf.pdf", "blankcrf.pdf#page=121", "blankcrf.pdf#page=122", "blankcrf.pdf#page=123"]
    assert "CRF Annotated Case Report Form pages 121, 122, 123" in _text(aeterm)
    row = doc.get_element_by_id("lf-LF.blankcrf")
    assert [_text(td) for td in row] == ["Annotated CRF", "Annotated Case Report Form", "blankcrf.pdf"]
    assert doc.xpath('//h1[@id="top"]/following-sibling::table[1]//a[@href="blankcrf.pdf"]')


def test_page_ranges_and_named_destinations_link_into_the_pdf():
    xml = PILOT.read_bytes().replace(
        b'<def:PDFPageRef Type="PhysicalRef" PageRefs="7"/>',
        b'<def:PDFPageRef Type="PhysicalRef" FirstPage="7" LastPage="9"/>', 1).replace(
        b'<def:PDFPageRef Type="PhysicalRef" PageRefs="121 122 123"/>',
        b'<def:PDFPageRef Type="NamedDestination" PageRefs="AE"/>', 1).replace(
        b'<def:PDFPageRef Type="PhysicalRef" PageRefs="121 122 123"/>',
        b'<def:PDFPageRef Type="PhysicalRef" PageRefs="121" Title="Adverse Events form"/>', 1)
    doc = lxml_html.fromstring(render_define_html(xml))
    studyid = doc.get_element_by_id("it-IT.TA.STUDYID")  # the first CRF origin of the pilot
    assert "Annotated Case Report Form pages 7–9" in _text(studyid)
    assert studyid.xpath('.//a[@href="blankcrf.pdf#page=7"]')[0].text == "7–9"
    named = doc.xpath('//a[@href="blankcrf.pdf#nameddest=AE"]')
    assert len(named) == 1 and "Annotated Case Report Form destination AE" in _text(named[0].getparent())
    titled = doc.xpath('//a[text()="Adverse Events form (121)"]')  # a Define-XML 2.1 page title
    assert [a.get("href") for a in titled] == ["blankcrf.pdf#page=121"]


def test_a_document_address_that_is_not_a_file_or_web_address_is_not_linked():
    xml = PILOT.read_bytes().replace(b'xlink:href="blankcrf.pdf"', b'xlink:href="javascript:alert(1)"')
    doc = lxml_html.fromstring(render_define_html(xml))
    assert not [a for a in doc.iter("a") if "javascript" in (a.get("href") or "")]
    assert "Annotated Case Report Form page 7" in _text(doc.get_element_by_id("it-IT.TA.STUDYID"))
    assert [_text(td) for td in doc.get_element_by_id("lf-LF.blankcrf")] == [
        "Annotated CRF", "Annotated Case Report Form", "javascript:alert(1)"]


def test_navigation_lists_value_lists_codelists_methods_comments_and_documents():
    nav = lxml_html.fromstring(render_define_html(PILOT)).xpath("//nav")[0]
    targets = [a.get("href") for a in nav.iter("a")]
    assert {"#datasets", "#value-level", "#codelists", "#methods", "#comments", "#documents"} <= set(targets)
    assert "#vl-VL.LBHE.LBORRES" in targets and "#cl-CL.SEV" in targets and "#lf-LF.blankcrf" in targets
    assert len([t for t in targets if t.startswith("#cl-")]) == 75


def test_a_codelist_of_an_external_dictionary_is_named_with_its_dictionary_and_version():
    doc = lxml_html.fromstring(render_define_html(PILOT))
    assert "ADVERSE EVENT DICTIONARY MEDDRA 8.0" in _text(doc.get_element_by_id("it-IT.AE.AEDECOD"))
    assert "External dictionary: MEDDRA 8.0" in _text(doc.get_element_by_id("cl-CL.AEDICT"))


def test_the_title_names_the_study_once():
    doc = lxml_html.fromstring(render_define_html(**_inputs()))
    assert doc.findtext(".//title") == doc.get_element_by_id("top").text == "NCT03745417 SDTMIG 3.4 Define-XML"
    pilot = lxml_html.fromstring(render_define_html(PILOT))
    assert pilot.findtext(".//title") == "Study UpdatedCDISCPILOT Data Definitions"


def test_a_formal_expression_of_a_method_is_shown_as_code():
    xml = build_define(**_inputs()).replace(
        b'<MethodDef OID="MT.SEQ" ', b'<MethodDef OID="MT.SEQ" ', 1)
    text = xml.decode()
    start = text.index('<MethodDef OID="MT.SEQ"')
    end = text.index("</MethodDef>", start)
    text = text[:end] + '<FormalExpression Context="SAS">AESEQ = _N_;</FormalExpression>' + text[end:]
    doc = lxml_html.fromstring(render_define_html(text.encode()))
    assert doc.get_element_by_id("it-IT.AE.AESEQ").xpath('.//pre[@class="code"]')[0].text == "AESEQ = _N_;"
    assert doc.get_element_by_id("mt-MT.SEQ").xpath('.//pre[@class="code"]')[0].get("title") == "SAS"


def test_an_external_dictionary_with_an_address_links_to_it():
    xml = PILOT.read_bytes().replace(b'<ExternalCodeList Dictionary="MEDDRA" Version="8.0"/>',
                                     b'<ExternalCodeList Dictionary="MEDDRA" Version="8.0" href="https://www.meddra.org"/>', 1)
    cl = lxml_html.fromstring(render_define_html(xml)).get_element_by_id("cl-CL.AEDICT")
    assert "External dictionary: MEDDRA 8.0 https://www.meddra.org" in _text(cl)
    assert cl.xpath('.//a/@href') == ["https://www.meddra.org"]


def test_value_level_rows_say_the_where_clause_in_words_and_the_variable_by_its_name():
    """The CDISC pilot's ItemDefs of value-level items are named by their tool (LBORRES.LBHE.LBCAT.EQ.HEMATOLOGY-...):
    the row shows the variable they describe, the where clause as a reader writes it."""
    doc = lxml_html.fromstring(render_define_html(PILOT))
    row = doc.get_element_by_id("vl-VL.LBHE.LBORRES").xpath(".//tr[td]")[2]
    where, variable = (c.text_content() for c in row.xpath("td")[:2])
    assert where == "LBCAT = 'HEMATOLOGY' and LBTESTCD = 'ANISO'"
    assert variable == "LBORRES"
    assert row.xpath("td[2]/span/@title") == ["ItemDef LBORRES.LBHE.LBTESTCD.EQ.ANISO.LBHE.LBCAT.EQ.HEMATOLOGY-ad56f059"]


def test_where_clause_words_quote_text_and_list_values():
    from sdtm_convert.package.define.read import condition_words

    assert condition_words("EQ", ["DIABP"]) == "= 'DIABP'"
    assert condition_words("NOTIN", ["A", "B'C"]) == "not in ('A', 'B''C')"
    assert condition_words("GE", ["18"], numeric=True) == "≥ 18"


def test_an_item_with_several_origins_shows_each():
    """Define-XML 2.1 allows more than one def:Origin per ItemDef (e.g. collected for some records, derived for
    others); define.html shows them all."""
    text = build_define(**_inputs()).decode()
    start = text.index('<ItemDef OID="IT.DM.SEX"')
    end = text.index("</def:Origin>", start) + len("</def:Origin>")
    text = text[:end] + '<def:Origin Type="Derived" Source="Sponsor"><Description><TranslatedText xml:lang="en">' \
        "From the screening form when the CRF page is missing</TranslatedText></Description></def:Origin>" + text[end:]
    doc = lxml_html.fromstring(render_define_html(text.encode()))
    origins = [d.text_content() for d in doc.get_element_by_id("it-IT.DM.SEX").xpath('.//div[@class="origin"]')]
    assert origins == ["Collected (Investigator): dm.csv GENDER",
                       "Derived (Sponsor): From the screening form when the CRF page is missing"]
