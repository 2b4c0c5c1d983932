"""A define.xml that declares a DTD is refused on its parsed tree: wherever the DOCTYPE is, whatever the encoding.

The documents are the CDISC pilot define (tests/data/define, see its README) with a DOCTYPE put in."""

import argparse
import shutil
from pathlib import Path

import pytest

from sdtm_convert.cli import validate as cli
from sdtm_convert.common.safexml import REFUSED, UnsafeXml, parse_untrusted
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.package.define.read import read_define
from sdtm_convert.package.xsd import safe_parser, validate_define
from sdtm_convert.validate.define_check import load as load_define

PILOT = Path(__file__).resolve().parents[1] / "data" / "define" / "define-2-0-cdiscpilot01-sdtm.xml"
DECL = '<?xml version="1.0" encoding="UTF-8"?>'
ENTITY = '<!DOCTYPE ODM [<!ENTITY who "Nobody">]>'
LAUGHS = ('<!DOCTYPE ODM [<!ENTITY l "lol">' + "".join(
    f'<!ENTITY l{i} "{("&l" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)) + "]>")


def _pilot_with(doctype: str, *, comment: int = 0, target: str = "&who;") -> str:
    text = PILOT.read_text(encoding="utf-8")
    assert text.startswith(DECL)
    text = text.replace('Description="', f'Description="{target}', 1)
    return DECL + (f"<!--{'x' * comment}-->" if comment else "") + doctype + text[len(DECL):]


def _cases():
    after_comment = _pilot_with(ENTITY, comment=70_000).encode("utf-8")
    utf16 = _pilot_with(ENTITY).replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).encode("utf-16")
    laughs = _pilot_with(LAUGHS, comment=70_000, target="&l9;").encode("utf-8")
    external = _pilot_with('<!DOCTYPE ODM SYSTEM "http://example.org/odm.dtd">', target="").encode("utf-8")
    return {"doctype-after-70kb-comment": after_comment, "utf-16": utf16, "billion-laughs-late": laughs,
            "external-dtd": external}


CASES = _cases()


@pytest.mark.parametrize("name", CASES)
def test_a_define_with_a_dtd_is_refused_by_every_define_reader(tmp_path, name):
    path = tmp_path / "define.xml"
    path.write_bytes(CASES[name])
    with pytest.raises(UnsafeXml):
        parse_untrusted(CASES[name], safe_parser())
    for read in (read_define, load_define):
        with pytest.raises(SdtmConvertError) as err:
            read(path)
        assert (err.value.issue.code, err.value.issue.file) == ("define-unsafe", "define.xml")
        assert str(err.value.issue.message) == f"define.xml {REFUSED}"
    assert [(i.code, i.message) for i in validate_define(path)] == [("define-unsafe", REFUSED)]


def test_validate_of_a_package_with_a_late_doctype_in_its_define_is_one_clear_error(tmp_path, capsys):
    (tmp_path / "define.xml").write_bytes(CASES["doctype-after-70kb-comment"])
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "validate" / "te.xpt", tmp_path / "te.xpt")
    ns = argparse.ArgumentParser()
    cli.add_arguments(ns)
    assert cli.run(ns.parse_args([str(tmp_path)])) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "[define-unsafe]" in err[0] and "define.xml" in err[0]


def test_the_pilot_define_itself_is_read():
    assert parse_untrusted(PILOT.read_bytes(), safe_parser()).getroot() is not None
    assert read_define(PILOT).standard_version == "3.2"
