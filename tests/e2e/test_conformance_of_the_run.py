"""The bundled study's own output: no conformance finding the tool could avoid, and a headline (and ``--json``)
that carries each written package's conformance result."""

import json
import re

from lxml import etree

from sdtm_convert.cli import main
from sdtm_convert.package.layout import adam_dir, sdtm_dir
from tests.e2e.conftest import SAMPLE, SPEC

ODM = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}
EXTENDED = '{http://www.cdisc.org/ns/def/v2.1}ExtendedValue'


def _extended_terms(define_path) -> set[tuple[str, str]]:
    """(codelist name, term) of every item define.xml marks def:ExtendedValue="Yes" (read with lxml alone)."""
    root = etree.parse(str(define_path)).getroot()
    return {
        (cl.get("Name"), item.get("CodedValue"))
        for cl in root.iterfind(".//odm:CodeList", ODM)
        for item in cl
        if item.get(EXTENDED) == "Yes"
    }


def _left(sample_run, kind):
    return [(w["rule"], w["dataset"], w["variable"], w["value"], w["records"]) for w in
            sample_run.conversion.conformance[kind].left]


def test_bundled_study_leaves_only_declared_extended_terms_and_an_uncollected_domain(sample_run):
    conv = sample_run.conversion
    assert conv.errors == []
    sdtm, adam = conv.conformance["sdtm"], conv.conformance["adam"]
    assert (sdtm.errors, sdtm.warnings, sdtm.extended_terms) == (0, 2, 1)
    assert (adam.errors, adam.warnings, adam.extended_terms) == (0, 1, 1)
    assert _left(sample_run, "sdtm") == [
        ("SC-PRES-021", None, None, "LB", 1),
        ("SC-CT-002", "QS", "QSCAT", "PASI FREDRIKSSON", 5245),
    ]
    assert _left(sample_run, "adam") == [("SC-CT-002", "ADPASI", "DTYPE", "NRI", 16)]
    # every extended term is declared in the package's define.xml, and each warning left has its reason
    assert ("Category of Questionnaire", "PASI FREDRIKSSON") in _extended_terms(
        sdtm_dir(sample_run.out, "NCT03745417") / "define.xml")
    assert ("Derivation Type", "NRI") in _extended_terms(adam_dir(sample_run.out, "NCT03745417") / "define.xml")
    reasons = {w["value"]: w["reason"] for c in (sdtm, adam) for w in c.left}
    assert reasons["LB"] == "the study collected no LB data: the spec maps no raw dataset to LB"
    assert all('declares it as an extended value (def:ExtendedValue="Yes")' in reasons[t]
               for t in ("PASI FREDRIKSSON", "NRI"))


def test_conversion_report_lists_every_conformance_warning_left_with_its_reason(sample_run):
    report = json.loads(sample_run.report_json.read_text(encoding="utf-8"))
    left = {k: [(w["value"], w["records"], w["reason"][:30]) for w in c["left"]]
            for k, c in report["conformance"].items()}
    assert left == {
        "adam": [("NRI", 16, "'NRI' is a sponsor term added ")],
        "sdtm": [("LB", 1, "the study collected no LB data"),
                 ("PASI FREDRIKSSON", 5245, "'PASI FREDRIKSSON' is a sponso")],
    }
    assert report["conformance"]["sdtm"]["report"] == "reports/validation-sdtm.html"
    html = sample_run.report_html.read_text(encoding="utf-8")
    assert "Warnings left, with their explanations" in html
    assert "Reason found by the run: the study collected no LB data: the spec maps no raw dataset to LB" in html


def test_validation_report_has_one_finding_per_term_with_its_record_count(sample_run):
    doc = json.loads((sample_run.out / "reports" / "validation-sdtm.json").read_text(encoding="utf-8"))
    ct = [f for f in doc["findings"] if f["rule"] == "SC-CT-002"]
    assert [(f["variable"], f["value"], f["records"], f["record"]) for f in ct] == [("QSCAT", "PASI FREDRIKSSON", 5245, 1)]
    assert doc["counts"]["warnings"] == 2


def test_run_headline_carries_each_packages_conformance(tmp_path, capsys):
    out = tmp_path / "build"
    assert main(["run", str(SAMPLE), "--spec", str(SPEC), "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(
        r"OK: 0 errors, \d+ warnings?; "
        rf"SDTM conformance 0 errors / 2 warnings \(1 extended term\) -> {re.escape(str(out))}/reports/validation-sdtm\.html; "
        rf"ADaM conformance 0 errors / 1 warning \(1 extended term\) -> {re.escape(str(out))}/reports/validation-adam\.html; "
        rf"0 findings unexplained -> {re.escape(str(out))}/reports/csdrg\.md; "
        r"16 SDTM and 3 ADaM datasets in .*",
        line,
    ), line


def test_run_json_carries_the_same_conformance_numbers(tmp_path, capsys):
    assert main(["run", str(SAMPLE), "--spec", str(SPEC), "--out", str(tmp_path / "b"), "--json"]) == 0
    conformance = json.loads(capsys.readouterr().out)["conformance"]
    numbers = {k: (c["errors"], c["warnings"], c["extended_terms"], c["report"]) for k, c in conformance.items()}
    assert numbers == {"sdtm": (0, 2, 1, "reports/validation-sdtm.html"), "adam": (0, 1, 1, "reports/validation-adam.html")}
    assert [w["value"] for w in conformance["sdtm"]["left"]] == ["LB", "PASI FREDRIKSSON"]
