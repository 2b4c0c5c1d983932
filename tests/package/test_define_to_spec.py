"""A define.xml read back as a define spec: the CDISC pilot's Define-XML 2.0 goes to a P21 define-spec workbook and
back without loss, and the spec read from our own define.xml gives the same define.xml again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.mapping.excel import export_spec, import_spec, read_define, write_define
from sdtm_convert.package.define.sponsor import prepare_define
from sdtm_convert.package.define.to_spec import define_spec_from_xml, run_define_spec
from sdtm_convert.package.define_xml import build_define
from sdtm_convert.spec import define_spec as ds
from sdtm_convert.spec.loader import load_yaml
from sdtm_convert.standards import load_ct
from tests.package import samples as S

ROOT = Path(__file__).parents[2]
# unchanged copy of the CDISC pilot SDTM define.xml (Define-XML 2.0), see tests/data/define/README.md
PILOT = ROOT / "tests" / "data" / "define" / "define-2-0-cdiscpilot01-sdtm.xml"


def test_the_pilot_define_is_read_whole():
    spec = define_spec_from_xml(PILOT)
    counts = {k: len(getattr(spec, k)) for k in ds.DATA_FIELDS if k != "study"}
    assert counts == {"datasets": 31, "variables": 517, "value_level": 230, "where_clauses": 226, "codelists": 72,
                      "dictionaries": 3, "methods": 103, "comments": 19, "documents": 1}
    assert [(d.id, d.dictionary, d.version) for d in spec.dictionaries] == [
        ("CL.AEDICT", "MEDDRA", "8.0"), ("CL.DRUGDICT", "WHODRUG", "200604"), ("CL.MHDICT", "MEDDRA", "8.0")]
    assert spec.documents == [ds.DocumentDef("LF.blankcrf", "Annotated Case Report Form", "blankcrf.pdf")]
    ae = next(d for d in spec.datasets if d.dataset == "AE")
    assert (ae.cls, ae.key_variables) == ("EVENTS", "STUDYID, USUBJID, AETERM, AESTDTC, AESEQ")
    term = next(v for v in spec.variables if (v.dataset, v.variable) == ("AE", "AETERM"))
    assert (term.origin, term.pages, term.length, term.label) == ("CRF", "121 122 123", 200, "Reported Term for the Adverse Event")
    decod = next(v for v in spec.variables if (v.dataset, v.variable) == ("AE", "AEDECOD"))
    assert decod.codelist == "CL.AEDICT"
    assert spec.study["StandardVersion"] == "3.2"


def test_the_pilot_define_spec_goes_through_a_workbook_without_loss(tmp_path):
    spec = define_spec_from_xml(PILOT)
    path = write_define(spec, tmp_path / "define-spec.xlsx")
    assert read_define(path) == spec


def test_import_export_import_of_the_pilot_define_spec_is_lossless(tmp_path):
    folder = tmp_path / "spec"
    shutil.copytree(ROOT / "mappings" / "cdiscpilot01", folder)
    (folder / "define.yaml").write_text(yaml.dump(define_spec_from_xml(PILOT).to_dict(), sort_keys=False,
                                                  Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)),
                                        encoding="utf-8")
    first = export_spec(folder, tmp_path / "first.xlsx")
    import_spec(first, tmp_path / "a")
    second = export_spec(tmp_path / "a", tmp_path / "second.xlsx")
    import_spec(second, tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").glob("*.yaml"))
    assert "define.yaml" in names and names == sorted(p.name for p in (tmp_path / "b").glob("*.yaml"))
    for name in names:  # the same data; only the header comment names the other workbook
        a, b = ((tmp_path / d / name).read_text(encoding="utf-8").split("\n", 1)[1] for d in ("a", "b"))
        assert a == b, name
    back = ds.DefineSpec.from_dict(load_yaml(tmp_path / "b" / "define.yaml")[0])
    assert back == define_spec_from_xml(PILOT)


def _define(spec: ds.DefineSpec | None) -> bytes:
    metas, frames = S.sdtm()
    metas, sponsor, used, issues = prepare_define(metas, frames, spec, adam=False, ct=load_ct("2025-03-25"))
    assert [i for i in issues if i.severity == "error"] == []
    return build_define(metas, standard="SDTMIG 3.4", used_values=used, sponsor=sponsor, **S.STUDY)


def test_the_spec_read_from_our_define_gives_the_same_define_again(tmp_path):
    first = _define(None)
    (tmp_path / "define.xml").write_bytes(first)
    spec = define_spec_from_xml(tmp_path / "define.xml")
    assert _define(spec) == first


def test_spec_export_fills_the_define_sheets_from_a_run(tmp_path):
    run = tmp_path / "out"
    sdtm = run / "m5" / "datasets" / "nct03745417" / "tabulations" / "sdtm"
    sdtm.mkdir(parents=True)
    (sdtm / "define.xml").write_bytes(_define(None))
    folder = tmp_path / "spec"
    shutil.copytree(ROOT / "mappings" / "nct03745417", folder)
    path = export_spec(folder, tmp_path / "spec.xlsx", define=run_define_spec(run, folder))
    got = read_define(path)
    assert [d.dataset for d in got.datasets] == ["DM", "AE", "QS"]
    assert len(got.variables) == 26 and len(got.value_level) == 2 and got.methods and got.codelists
    # define.yaml's dictionaries are not in this define.xml: nothing to keep of them
    assert got.dictionaries == []


def test_spec_export_from_a_folder_without_a_package_says_so(tmp_path):
    with pytest.raises(SdtmConvertError) as exc:
        run_define_spec(tmp_path, ROOT / "mappings" / "nct03745417")
    assert (exc.value.issue.code, exc.value.issue.file) == ("spec-run-missing", str(tmp_path))
