"""The one define.xml reader: its two views of a document agree, every reader of a define.xml goes through its
safe parse, and the old module paths still name it.

The document is CDISC's pilot define (tests/data/define, see its README), written by CDISC, not by this project.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sdtm_convert.common.safexml import REFUSED
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.package.define import read
from sdtm_convert.package.define.read import parse_file, read_define, read_define_header, read_define_model

PILOT = Path(__file__).resolve().parents[1] / "data" / "define" / "define-2-0-cdiscpilot01-sdtm.xml"


def test_the_validator_view_and_the_define_html_model_read_the_same_datasets_and_lengths():
    define, model = read_define(PILOT), read_define_model(PILOT)
    assert list(define.datasets) == [d["name"] for d in model["datasets"]]
    assert len(define.datasets) == 31
    assert {n: [(v.name, v.length) for v in d.variables.values()] for n, d in define.datasets.items()} == {
        d["name"]: [(v["name"], int(v["length"]) if v["length"] else None) for v in d["variables"]]
        for d in model["datasets"]}
    assert define.datasets["AE"].variables["AETERM"].length == 200
    assert (define.created, read_define_header(PILOT).created, model["file"]["created"]) == (
        "2017-09-29T09:52:05",) * 3


def test_a_define_with_a_doctype_is_refused_by_the_parse_every_view_uses(tmp_path):
    path = tmp_path / "define.xml"
    text = PILOT.read_text(encoding="utf-8")
    path.write_text(text.replace("?>", '?><!DOCTYPE ODM [<!ENTITY who "Nobody">]>', 1), encoding="utf-8")
    for reader in (parse_file, read_define, read_define_header):
        with pytest.raises(SdtmConvertError) as err:
            reader(path)
        assert (err.value.issue.code, err.value.issue.file, err.value.issue.message) == (
            "define-unsafe", "define.xml", f"define.xml {REFUSED}")


def test_a_file_that_is_not_xml_is_one_clear_error(tmp_path):
    path = tmp_path / "define.xml"
    path.write_text("<ODM><Study>", encoding="utf-8")
    with pytest.raises(SdtmConvertError) as err:
        parse_file(path)
    assert err.value.issue.code == "define-unreadable"
    assert err.value.issue.message.startswith("define.xml is not well-formed XML: ")


def test_the_validator_reads_define_with_the_one_reader():
    from sdtm_convert.validate import define_check

    assert define_check.parse_file is read.parse_file


def test_the_dataset_class_is_read_from_the_2_0_attribute_and_the_2_1_element():
    adam21 = read_define(PILOT.parent / "define-2-1-adam-with-arm.xml").datasets
    assert (adam21["ADSL"].klass, adam21["ADCIBC"].klass) == ("SUBJECT LEVEL ANALYSIS DATASET", "BASIC DATA STRUCTURE")
    assert read_define(PILOT).datasets["AE"].klass == "EVENTS"
