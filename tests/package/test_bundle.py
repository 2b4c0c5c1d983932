"""write_define_bundle: define.xml + our XSL + define.html, atomically; the XSL transforms our define."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

from sdtm_convert.package import write_define_bundle
from sdtm_convert.package.codelists import used_values_from_frames
from sdtm_convert.package.xsd import validate_define
from tests.package import samples as S


def _bundle(out, **kw):
    metas, frames = S.sdtm()
    return write_define_bundle(
        out, metas, standard="SDTMIG 3.4", used_values=used_values_from_frames(metas, frames), **S.STUDY, **kw
    )


def test_bundle_writes_the_three_files_and_no_temporaries(tmp_path):
    paths = _bundle(tmp_path)
    assert [p.name for p in paths] == ["define.xml", "define2-1.xsl", "define.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["define.html", "define.xml", "define2-1.xsl"]
    assert validate_define(tmp_path / "define.xml") == []
    again = tmp_path / "again"
    _bundle(again)
    assert all((again / p.name).read_bytes() == p.read_bytes() for p in paths)


def test_without_stylesheet_no_xsl_is_written(tmp_path):
    assert [p.name for p in _bundle(tmp_path, stylesheet=None)] == ["define.xml", "define.html"]


def test_our_xsl_renders_datasets_variables_and_codelists(tmp_path):
    _bundle(tmp_path)
    xslt = etree.XSLT(etree.parse(str(tmp_path / "define2-1.xsl")))
    result = str(xslt(etree.parse(str(tmp_path / "define.xml"))))
    doc = lxml_html.fromstring(result)
    assert [a.text for a in doc.xpath('//h2[@id="datasets"]/following-sibling::table[1]//td[1]/a')] == [
        "DM",
        "AE",
        "QS",
    ]
    row = doc.get_element_by_id("IT.DM.SEX").text_content()
    assert "Sex" in row and "Collected (Investigator)" in row
    assert doc.get_element_by_id("CL.SEX").text_content().strip().endswith("[C66731]")
    assert "QSCAT EQ PASI and QSTESTCD IN PASI0101, PASI0102" in " ".join(
        doc.get_element_by_id("VL.QS.QSORRES").getnext().text_content().split()
    )
    assert "<script>alert(1)</script>" not in result and "&lt;script&gt;alert(1)&lt;/script&gt;" in result
