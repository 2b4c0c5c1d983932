"""define.html: our jinja2 templates over a parsed define.xml — escaped, cross-linked, any define.xml."""

from __future__ import annotations

import re

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
    assert "QSCAT EQ PASI and QSTESTCD IN PASI0101, PASI0102" in re.sub(r"\s+", " ", vl)
    cl = doc.get_element_by_id("cl-CL.SEX").text_content()
    assert "C66731" in cl and "C16576" in cl and "C20197" in cl
    assert "Coded with MedDRA 26.0." in doc.get_element_by_id("com-COM.AE").text_content()


def test_adam_page_shows_value_lists_and_analysis_results():
    page = render_define_html(_adam_define())
    _internal_links_resolve(page)
    doc = lxml_html.fromstring(page)
    rd = re.sub(r"\s+", " ", doc.get_element_by_id("rd-RD.T14.2.1").text_content())
    assert "PRIMARY OUTCOME MEASURE" in rd and "PARAMCD EQ PASIIMP and AVISIT EQ Week 12 and ANL01FL EQ Y" in rd
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
