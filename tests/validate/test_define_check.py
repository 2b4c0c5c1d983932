"""`sdtm-convert validate define.xml`: a define.xml validated on its own, by the SC-DEF-* rules.

Inputs (provenance in tests/data/define/README.md): the CDISC pilot SDTM define.xml (Define-XML 2.0), CDISC's
Define-XML 2.1 SDTM example (one known schema error: standard name 'STDTMIG') and its ADaM example with ARM;
broken copies are made inside the tests. What each holds was checked by hand in the files (line numbers below).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sdtm_convert.cli import main
from sdtm_convert.validate.define_check import check_define

DEFINES = Path(__file__).parents[1] / "data" / "define"
PILOT = DEFINES / "define-2-0-cdiscpilot01-sdtm.xml"
EXAMPLE_21 = DEFINES / "define-2-1-sdtm-invalid-standard-name.xml"
ARM = DEFINES / "define-2-1-adam-with-arm.xml"


def _found(report) -> list[tuple]:
    rows = report.findings[["rule", "dataset", "variable", "value", "message"]].itertuples(index=False)
    return _sorted(tuple(None if pd.isna(x) else x for x in r) for r in rows)


def _sorted(found) -> list[tuple]:
    return sorted(found, key=lambda t: tuple("" if x is None else str(x) for x in t))


def _broken(tmp_path: Path, source: Path, old: str, new: str, after: str = "") -> Path:
    text = source.read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    at = text.index(old, start)
    out = tmp_path / "define.xml"
    out.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return out


PILOT_FINDINGS = [
    # RangeCheck def:ItemOID="IT.SUPPLB.QNAM" (lines 2135, 2140): there is no SUPPLB, only SUPPLBCH/HE/UR
    ("SC-DEF-002", None, None, "IT.SUPPLB.QNAM", "RangeCheck/@ItemOID names no ItemDef"),
    ("SC-DEF-002", None, None, "IT.SUPPLB.QNAM", "RangeCheck/@ItemOID names no ItemDef"),
    ("SC-DEF-003", None, None, "CL.ROLES", "CodeList is not referenced"),  # line 12516, no CodeListRef to it
    # line 10956: DISCCD's 'PROTOCOL DEVIATION' carries C66727, the code of the NCOMPLT codelist (the term's is C50996)
    ("SC-DEF-015", None, None, "CL.DISCCD: 'PROTOCOL DEVIATION' C66727, the C-code of 'codelist NCOMPLT'",
     "Term carries the C-code of another term of its CDISC codelist (CT 2025-03-25)"),
    ("SC-DEF-020", "LBHE", "LBCAT", "VL.LBHE.LBORRES: LBCAT EQ 'NULL' (CL.LBCAT)",
     "Where clause value not in the codelist of the variable it tests"),
    ("SC-DEF-020", "LBHE", "LBCAT", "VL.LBHE.LBORRES: LBCAT EQ 'NULL' (CL.LBCAT)",
     "Where clause value not in the codelist of the variable it tests"),
    ("SC-DEF-020", "SC", "SCTESTCD", "VL.SC.SCORRES: SCTESTCD EQ 'EDLEVEL' (CL.SC.SCTESTCD)",
     "Where clause value not in the codelist of the variable it tests"),
    ("SC-DEF-020", "SUPPAE", "QNAM", "VL.SUPPAE.QVAL: QNAM EQ 'TRTEMFL' (CL.SUPPAE.QNAM)",
     "Where clause value not in the codelist of the variable it tests"),
]


def test_pilot_define_is_schema_valid_and_its_reference_and_vlm_slips_are_found():
    report = check_define(PILOT)
    assert _found(report) == _sorted(PILOT_FINDINGS)
    assert (report.standard, report.errors, report.warnings) == ("define-xml-2.0", 7, 1)
    assert report.notes == ["define.xml alone (define-xml-2.0 (CDISC SDTM 3.2), DefineVersion 2.0.0, schema without "
                            "ARM): 31 datasets, 747 variables, 75 codelists, 18 value lists, 0 analysis results; "
                            "no datasets were read"]


def test_cdisc_21_example_has_its_one_schema_error_and_a_c_code_used_twice():
    report = check_define(EXAMPLE_21)
    f = report.findings
    (schema,) = f[f["rule"] == "SC-DEF-001"].itertuples()
    assert schema.value == "line 63" and "STDTMIG" in schema.message  # def:Standard Name="STDTMIG"
    # CL.ETHNIC gives 'NOT HISPANIC OR LATINO' the C-code of 'HISPANIC OR LATINO' (C17459; CDISC's is C41222)
    assert f[f["rule"] == "SC-DEF-013"]["value"].tolist() == ["CL.ETHNIC: C17459 (2 terms)"]
    # where TSPARMCD EQ 'TS_DURATION'/'TS_FLOAT': not TSPARMCD terms; DSSCAT EQ/NE '' (a null test) is not flagged
    assert sorted(f[f["rule"] == "SC-DEF-020"]["value"]) == ["VL.TSVAL: TSPARMCD EQ 'TS_DURATION' (CL.TSPARMCD)",
                                                             "VL.TSVAL: TSPARMCD EQ 'TS_FLOAT' (CL.TSPARMCD)"]
    # codes copied from another term: NV has LB's, mL has %'s, and two pairs of lab units swap theirs; QSUNIT-style
    # renamed terms and the ETHNIC code already reported as shared (SC-DEF-013) are not repeated here
    assert sorted(f[f["rule"] == "SC-DEF-015"]["value"]) == [
        "CL.DOMAIN_NV: 'NV' C49592, the C-code of 'LB'", "CL.UNIT_ECDOSU: 'mL' C25613, the C-code of '%'",
        "CL.UNIT_LB_fmol: 'fmol' C42576, the C-code of 'g/L'", "CL.UNIT_LB_g/L: 'g/L' C68854, the C-code of 'fmol'",
        "CL.UNIT_LB_mU/L: 'mU/L' C48508, the C-code of 'umol/L'",
        "CL.UNIT_LB_umol/L: 'umol/L' C67408, the C-code of 'mU/L'"]
    assert len(f) == 4 + 6


def test_adam_example_with_analysis_results_passes_the_arm_schema_and_its_references():
    report = check_define(ARM)
    # its SEX codelist gives 'U' the C-code of the SEX codelist itself (C66731; CDISC's 'U' is C17998); judged
    # against the CT of the date its def:Standards states (ADaM CT 2020-12-18: the SDTM release of that date)
    assert _found(report) == [("SC-DEF-015", None, None, "CL.SEX: 'U' C66731, the C-code of 'codelist SEX'",
                               "Term carries the C-code of another term of its CDISC codelist (CT 2020-12-18)")]
    assert "schema with ARM 1.0" in report.notes[0] and "2 analysis results" in report.notes[0]
    assert {"SC-DEF-001", "SC-DEF-030", "SC-DEF-031"} <= {r["id"] for r in report.rules}


def test_a_dangling_item_oid_is_an_error_and_leaves_its_item_def_orphaned(tmp_path):
    broken = _broken(tmp_path, PILOT, 'ItemRef ItemOID="IT.DM.AGE"', 'ItemRef ItemOID="IT.DM.AGEX"')
    new = _sorted(set(_found(check_define(broken))) - set(PILOT_FINDINGS))
    assert new == [("SC-DEF-002", "DM", None, "IT.DM.AGEX", "ItemRef/@ItemOID names no ItemDef"),
                   ("SC-DEF-003", None, "AGE", "IT.DM.AGE", "ItemDef is not referenced")]


def test_a_codelist_with_a_duplicate_coded_value_is_one_error_not_also_a_schema_error(tmp_path):
    broken = _broken(tmp_path, PILOT, 'CodedValue="F"', 'CodedValue="M"', after='OID="CL.SEX"')
    new = _sorted(set(_found(check_define(broken))) - set(PILOT_FINDINGS))
    # the schema's unique constraint on CodedValue is not reported again; the retyped term keeps F's C-code
    assert new == [("SC-DEF-010", None, None, "CL.SEX: 'M' (2 times)", "Codelist has a coded value more than once"),
                   ("SC-DEF-015", None, None, "CL.SEX: 'M' C16576, the C-code of 'F'",
                    "Term carries the C-code of another term of its CDISC codelist (CT 2025-03-25)")]


def test_an_analysis_variable_that_is_not_defined_is_found(tmp_path):
    text = ARM.read_text(encoding="utf-8")
    at = text.index("<arm:AnalysisVariable ItemOID=\"")
    oid = text[at:].split('"')[1]
    broken = tmp_path / "define.xml"
    broken.write_text(text.replace(f'<arm:AnalysisVariable ItemOID="{oid}"', '<arm:AnalysisVariable ItemOID="IT.NOPE"', 1),
                      encoding="utf-8")
    f = check_define(broken).findings
    f = f[f["rule"] != "SC-DEF-015"]  # the example's own slip (test above)
    assert f[["rule", "value"]].values.tolist() == [["SC-DEF-030", "IT.NOPE"]]
    assert f["message"].tolist() == ["AnalysisVariable/@ItemOID names no ItemDef"]


def test_cli_validates_a_define_alone_with_rule_selection(capsys, tmp_path):
    code = main(["validate", str(PILOT), "--rules", "SC-DEF-02*", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["standard"] == "define-xml-2.0" and out["datasets"] == 0
    assert [(r["rule"], r["count"]) for r in out["by_rule"]] == [("SC-DEF-020", 4)]
    code = main(["validate", str(PILOT), "--exclude-rules", "SC-DEF-002,SC-DEF-02*,SC-DEF-015", "-o", str(tmp_path / "r"),
                 "-of", "JSON", "--quiet"])
    assert code == 0 and capsys.readouterr() == ("", "")
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert written["counts"] | {"by_severity": None} == {"errors": 0, "warnings": 1, "findings": 1, "listed": 1,
                                                         "listed_per_dataset_rule": None, "by_severity": None}
    assert written["run"]["standard"] == "define-xml-2.0" and written["datasets"] == []


@pytest.mark.parametrize(("content", "why"), [
    ("not xml at all", "is not well-formed XML"),
    ('<?xml version="1.0"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>', "has no Define-XML 2.0/2.1 namespace"),
])
def test_a_file_that_is_not_a_define_is_one_line_exit_2(capsys, tmp_path, content, why):
    bad = tmp_path / "define.xml"
    bad.write_text(content, encoding="utf-8")
    code = main(["validate", str(bad)])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len([e for e in err if e.startswith("error:")]) == 1 and why in err[-1]


def test_an_oid_defined_twice_is_one_error(tmp_path):
    broken = _broken(tmp_path, PILOT, '<ItemDef OID="IT.DM.AGEU"', '<ItemDef OID="IT.DM.AGE"')
    new = _sorted(set(_found(check_define(broken))) - set(PILOT_FINDINGS))
    assert new == [("SC-DEF-002", "DM", None, "IT.DM.AGEU", "ItemRef/@ItemOID names no ItemDef"),
                   ("SC-DEF-004", None, None, "IT.DM.AGE (2 times)", "ItemDef OID is defined more than once")]


def test_a_folder_holding_only_a_define_points_to_validating_the_define_alone(capsys, tmp_path):
    (tmp_path / "define.xml").write_bytes(PILOT.read_bytes())
    code = main(["validate", str(tmp_path)])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and err[-1] == (f"error: [package-empty] {tmp_path}: {tmp_path} holds no .xpt, .json, .ndjson or .dsjc "
                                     f"dataset; to check its define.xml alone: sdtm-convert validate "
                                     f"{tmp_path / 'define.xml'}")


def test_a_codelist_typed_integer_with_text_values_and_a_text_variable_is_found(tmp_path):
    broken = _broken(tmp_path, PILOT, 'Name="SEX" DataType="text"', 'Name="SEX" DataType="integer"',
                     after='<CodeList OID="CL.SEX"')
    new = _sorted(set(_found(check_define(broken))) - set(PILOT_FINDINGS))
    assert new == [
        ("SC-DEF-011", None, None, "CL.SEX: 'F'", "Coded value of a codelist of data type integer is not an integer"),
        ("SC-DEF-011", None, None, "CL.SEX: 'M'", "Coded value of a codelist of data type integer is not an integer"),
        ("SC-DEF-011", None, None, "CL.SEX: 'U'", "Coded value of a codelist of data type integer is not an integer"),
        ("SC-DEF-012", None, "SEX", "IT.DM.SEX text, CL.SEX integer",
         "Variable and its codelist have different data types")]


def test_a_cdisc_term_without_its_c_code_must_be_marked_extended(tmp_path):
    broken = _broken(tmp_path, PILOT, '<Alias Name="C20197" Context="nci:ExtCodeID"/>', "", after='OID="CL.SEX"')
    new = _sorted(set(_found(check_define(broken))) - set(PILOT_FINDINGS))
    assert new == [("SC-DEF-014", None, None, "CL.SEX (C66731): 'M'",
                    "Term of a CDISC codelist without a C-code, not marked as extended")]
    marked = _broken(tmp_path, broken, '<CodeListItem CodedValue="M" OrderNumber="2">',
                     '<CodeListItem CodedValue="M" OrderNumber="2" def:ExtendedValue="Yes">', after='OID="CL.SEX"')
    assert not check_define(marked).findings["rule"].eq("SC-DEF-014").any()


def test_a_where_clause_on_a_variable_of_another_dataset_is_found(tmp_path):
    broken = _broken(tmp_path, PILOT, 'def:ItemOID="IT.LBCH.LBCAT"', 'def:ItemOID="IT.DM.AGE"',
                     after='<def:WhereClauseDef OID="WC.LBCH.LBTESTCD.EQ.ALB.LBCH.LBCAT.EQ.CHEMISTRY-012fe739">')
    new = _sorted(set(_found(check_define(broken))) - set(PILOT_FINDINGS))
    assert new == [("SC-DEF-021", "LBCH", "AGE", "VL.LBCH.LBORRES (LBCH.LBORRES): IT.DM.AGE",
                    "Where clause tests a variable that is not in the dataset")]


def test_an_analysis_variable_of_another_dataset_is_found(tmp_path):
    broken = _broken(tmp_path, ARM, '<arm:AnalysisVariable ItemOID="IT.ADADAS.CHG"/>',
                     '<arm:AnalysisVariable ItemOID="IT.ADAE.AEDECOD"/>')
    f = check_define(broken).findings
    (hit,) = f[f["rule"] == "SC-DEF-031"].itertuples()
    assert (hit.dataset, hit.variable, hit.message) == ("ADADAS", "AEDECOD", "Analysis variable is not a variable of "
                                                                             "its analysis dataset")
    assert hit.value.endswith(": IT.ADAE.AEDECOD")
