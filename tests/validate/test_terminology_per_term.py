"""CT rules report one finding per dataset × variable × codelist × term, with the record count, and say when
define.xml declares the term as an extended value; the define reader keeps those declarations."""

from __future__ import annotations

from pathlib import Path

from sdtm_convert.package.define.read import DefCodelist, DefDataset, Define, DefVariable, read_define
from sdtm_convert.validate import validate_package
from tests.validate.conftest import sdtm_base

PILOT_DEFINE = Path(__file__).resolve().parents[1] / "data" / "define" / "define-2-0-cdiscpilot01-sdtm.xml"


def _units(*values: str) -> dict:
    p = sdtm_base()
    p["LB"]["LBORRESU"] = list(values)  # LBORRESU: extensible codelist UNIT
    return p


def _define(extended: set[str]) -> Define:
    var = DefVariable("LBORRESU", "Original Units", "text", 8, "CL.UNIT", False, None)
    lb = DefDataset("LB", "LB", "Laboratory Test Results", "FINDINGS", "", None, {"LBORRESU": var})
    unit = DefCodelist("CL.UNIT", "Unit", "text", ["g/dL", *sorted(extended)], "C71620", frozenset(extended))
    return Define("define.xml", "2.1.0", "", "", ["2025-03-25"], {"LB": lb}, {"CL.UNIT": unit})


def _ct_findings(report):
    f = report.findings
    return [tuple(r) for r in f.loc[f["rule"] == "SC-CT-002", ["variable", "value", "record", "records", "message"]]
            .itertuples(index=False)]


def test_one_finding_per_term_on_its_first_record_with_the_record_count():
    report = validate_package(_units("blips", "blops", "blips", "blips"), standard="sdtmig-3.4", ct="2025-03-25",
                              rules=["SC-CT-002"])
    assert _ct_findings(report) == [
        ("LBORRESU", "blips", 1, 3, "Value not found in extensible codelist UNIT (CT 2025-03-25), 3 records"),
        ("LBORRESU", "blops", 2, 1, "Value not found in extensible codelist UNIT (CT 2025-03-25), 1 record"),
    ]
    assert report.warnings == 2


def test_a_term_declared_extended_in_define_is_reported_as_an_extended_value():
    report = validate_package(_units("blips", "blops", "blips", "g/dL"), define=_define({"blips"}),
                              standard="sdtmig-3.4", ct="2025-03-25", rules=["SC-CT-002"])
    assert _ct_findings(report) == [
        ("LBORRESU", "blips", 1, 2, 'Extended value declared in define.xml (def:ExtendedValue="Yes") for extensible '
                                    "codelist UNIT (CT 2025-03-25), 2 records"),
        ("LBORRESU", "blops", 2, 1, "Value not found in extensible codelist UNIT (CT 2025-03-25), 1 record"),
    ]
    assert set(report.findings["severity"]) == {"warning"}


def test_non_extensible_codelists_are_reported_per_term_too():
    p = sdtm_base()
    p["DM"]["SEX"] = ["Female", "Female"]  # SEX: non-extensible
    report = validate_package(p, standard="sdtmig-3.4", ct="2025-03-25", rules=["SC-CT-001"])
    f = report.findings
    assert list(zip(f["variable"], f["value"], f["records"], f["severity"], strict=True)) == [
        ("SEX", "Female", 2, "error")]


def test_define_reader_keeps_the_extended_values_of_the_cdisc_pilot_define():
    d = read_define(PILOT_DEFINE)  # written by CDISC (pilot submission package), not by this project
    assert sorted(d.codelists["CL.LBUNIT"].extended) == ["10^12/L", "10^9/L", "fmol"]
    assert "EVERY MORNING" in d.codelists["CL.CMFREQ"].extended
    assert "ONCE" not in d.codelists["CL.CMFREQ"].extended and "ONCE" in d.codelists["CL.CMFREQ"].values
