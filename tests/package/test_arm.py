"""Analysis Results Metadata from the spec (``adam/analyses.yaml``): the bundled study's Table 14.2.1 as the
committed define.xml fragment (written from code before the spec held it), the CDISC pilot's displays in its
ADaM define.xml (XSD with ARM, define check clean), where-clauses to their OIDs (a value-level one when equal)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from lxml import etree

from sdtm_convert.metadata import WhereClause
from sdtm_convert.package.arm import AnalysisDataset, displays_from_spec, resolved
from sdtm_convert.package.xsd import validate_define
from sdtm_convert.spec.analyses import AnalysesSpec, load_analyses
from sdtm_convert.validate.define_check import check_define

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).parent / "expected" / "nct03745417-adam-arm.xml"
NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1",
      "arm": "http://www.cdisc.org/ns/arm/v1.0"}


def test_the_bundled_primary_endpoint_arm_is_the_committed_define_xml_text(bundled_defines):
    text = bundled_defines["nct03745417 ADaM"].read_text(encoding="utf-8")
    where, _, arm = EXPECTED.read_text(encoding="utf-8").partition("      <arm:AnalysisResultDisplays>")
    assert where.startswith('      <def:WhereClauseDef OID="WC.ADPASI.PASIIMP.WEEK12">') and where in text
    assert "      <arm:AnalysisResultDisplays>" + arm in text


def test_the_pilot_adam_define_carries_its_displays_valid_against_the_arm_schema(bundled_defines):
    define = bundled_defines["cdiscpilot01 ADaM"]
    assert validate_define(define) == []
    report = check_define(define)
    assert "schema with ARM 1.0" in report.notes[0] and "3 analysis results" in report.notes[0]
    assert report.findings.empty
    root = etree.parse(str(define)).getroot()
    displays = root.findall(".//arm:ResultDisplay", NS)
    assert [(d.get("OID"), d.get("Name")) for d in displays] == [
        ("RD.Table_14-2.01", "Table 14-2.01"), ("RD.Table_14-5.01", "Table 14-5.01"),
        ("RD.Table_14-5.02", "Table 14-5.02")]
    sae = root.find(".//arm:AnalysisResult[@OID='AR.Table_14-5.02.R1']", NS)
    used = [(d.get("ItemGroupOID"), d.find("def:WhereClauseRef", NS).get("WhereClauseOID"),
             [v.get("ItemOID") for v in d.findall("arm:AnalysisVariable", NS)])
            for d in sae.findall("arm:AnalysisDatasets/arm:AnalysisDataset", NS)]
    assert used == [("IG.ADSL", "WC.ADSL.SAFFL.EQ.Y", ["IT.ADSL.TRT01AN"]),
                    ("IG.ADAE", "WC.ADAE.AESER.EQ.Y.TRTEMFL.EQ.Y.SAFFL.EQ.Y", ["IT.ADAE.AEBODSYS", "IT.ADAE.AEDECOD"])]
    wc = root.find(".//def:WhereClauseDef[@OID='WC.ADAE.AESER.EQ.Y.TRTEMFL.EQ.Y.SAFFL.EQ.Y']", NS)
    assert [(r.get(f"{{{NS['def']}}}ItemOID"), r.get("Comparator"), r.findtext("odm:CheckValue", namespaces=NS))
            for r in wc.findall("odm:RangeCheck", NS)] == [
        ("IT.ADAE.AESER", "EQ", "Y"), ("IT.ADAE.TRTEMFL", "EQ", "Y"), ("IT.ADAE.SAFFL", "EQ", "Y")]
    # one where-clause definition for the safety population, which two results use
    assert len(root.findall(".//def:WhereClauseDef[@OID='WC.ADSL.SAFFL.EQ.Y']", NS)) == 1


def _analyses(datasets: list[dict]) -> AnalysesSpec:
    return AnalysesSpec("analyses.yaml", {"displays": [{"id": "T1", "name": "Table 1", "description": "d", "results": [
        {"id": "T1.R1", "description": "r", "datasets": datasets}]}]})


def test_a_where_clause_the_spec_does_not_name_takes_the_oid_of_an_equal_value_level_one():
    spec = _analyses([{"dataset": "ADVS", "variables": ["CHG"], "where": {"var": "PARAMCD", "op": "eq", "value": "SYSBP"}},
                      {"dataset": "ADVS", "variables": ["AVAL"],
                       "where": {"all": [{"var": "PARAMCD", "op": "in", "value": ["SYSBP", "DIABP"]},
                                         {"var": "AVISITN", "op": "ge", "value": 2.0}]}}])
    displays = displays_from_spec(spec, {"ADVS"})
    first, second = displays[0].results[0].datasets
    assert first.where == WhereClause("WC.ADVS.PARAMCD.EQ.SYSBP", [("ADVS.PARAMCD", "EQ", ["SYSBP"])])
    assert second.where == WhereClause("WC.ADVS.PARAMCD.IN.SYSBP.DIABP.AVISITN.GE.2",
                                       [("ADVS.PARAMCD", "IN", ["SYSBP", "DIABP"]), ("ADVS.AVISITN", "GE", ["2"])])
    vlm = [("ADVS", WhereClause("WC.ADVS.PARAMCD.SYSBP", [("ADVS.PARAMCD", "EQ", ["SYSBP"])])),
           ("ADSL", WhereClause("WC.ADSL.OTHER", [("ADVS.PARAMCD", "IN", ["SYSBP", "DIABP"]),
                                                  ("ADVS.AVISITN", "GE", ["2"])]))]
    out = resolved(displays, vlm)[0].results[0].datasets
    assert [d.where.id for d in out] == ["WC.ADVS.PARAMCD.SYSBP", "WC.ADVS.PARAMCD.IN.SYSBP.DIABP.AVISITN.GE.2"]


def test_a_where_clause_the_spec_names_keeps_its_oid():
    spec = _analyses([{"dataset": "ADVS", "variables": ["AVAL"], "where_id": "WC.ADVS.MINE",
                       "where": {"var": "PARAMCD", "op": "eq", "value": "SYSBP"}}])
    vlm = [("ADVS", WhereClause("WC.ADVS.PARAMCD.SYSBP", [("ADVS.PARAMCD", "EQ", ["SYSBP"])]))]
    assert resolved(displays_from_spec(spec, {"ADVS"}), vlm)[0].results[0].datasets[0].where.id == "WC.ADVS.MINE"


def test_a_result_on_a_dataset_not_written_is_left_out_and_a_study_without_analyses_writes_none(tmp_path):
    spec = _analyses([{"dataset": "ADPASI", "variables": ["AVAL"]}, {"dataset": "ADSL", "variables": ["FASFL"]}])
    assert displays_from_spec(spec, {"ADSL", "ADAE"}) == []
    assert displays_from_spec(spec, {"ADSL", "ADPASI"})[0].results[0].datasets == [
        AnalysisDataset("ADPASI", ["AVAL"]), AnalysisDataset("ADSL", ["FASFL"])]
    (tmp_path / "adam").mkdir()
    assert load_analyses(tmp_path) is None and displays_from_spec(None, {"ADSL"}) == []


def test_write_package_writes_the_analyses_of_its_spec_folder_and_none_without_them(tmp_path):
    import shutil

    from sdtm_convert.api import write_package

    frames = {"ADSL": pd.DataFrame({"STUDYID": ["NCT03745417"], "USUBJID": ["S1"], "FASFL": ["Y"]}),
              "ADPASI": pd.DataFrame({"STUDYID": ["NCT03745417"], "USUBJID": ["S1"], "PARAMCD": ["PASIIMP"],
                                      "AVISIT": ["Week 12"], "ANL01FL": ["Y"], "AVAL": [80.0]})}
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "mappings" / "nct03745417", spec)
    with_arm = write_package(frames, tmp_path / "with", spec=spec, created="2024-01-01T00:00:00")
    assert validate_define(with_arm.out / "define.xml") == []
    assert b'<arm:ResultDisplay OID="RD.T14.2.1"' in (with_arm.out / "define.xml").read_bytes()
    (spec / "adam" / "analyses.yaml").unlink()
    without = write_package(frames, tmp_path / "without", spec=spec, created="2024-01-01T00:00:00")
    assert b"arm:" not in (without.out / "define.xml").read_bytes()


def test_result_defaults_are_the_protocol_primary_outcome():
    r = displays_from_spec(_analyses([{"dataset": "ADSL", "variables": ["AGE"]}]), {"ADSL"})[0].results[0]
    assert (r.reason, r.purpose, r.parameter, r.code) == ("SPECIFIED IN PROTOCOL", "PRIMARY OUTCOME MEASURE", None, None)
