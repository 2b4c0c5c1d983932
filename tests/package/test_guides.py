"""The reviewer's guides' findings: each finding of a validation report with the sponsor's explanation or none,
the count of unexplained findings, and the explanations that match nothing (stale)."""

import re

from sdtm_convert.package.guides.findings import match, stale_issues
from sdtm_convert.spec.explanations import Explanation

RULES = [{"id": "SC-CT-002", "p21_id": "CT2002", "fda_id": "FDAC341", "cdisc_id": None},
         {"id": "SC-PRES-021", "p21_id": "SD1107", "fda_id": "FDAC006", "cdisc_id": None},
         {"id": "SC-CONS-001", "p21_id": "SD0004", "fda_id": "FDAC056", "cdisc_id": "CG0413; CORE-000598"}]


def _finding(rule, dataset, variable, value, message, records=None, severity="warning"):
    return {"rule": rule, "severity": severity, "dataset": dataset, "variable": variable, "value": value,
            "message": message + (f", {records} records" if records else ""), "records": records}


def _report(findings, summary=None):
    if summary is None:
        counts = {}
        for f in findings:
            key = (f["dataset"], f["rule"], f["message"], f["severity"])
            counts[key] = counts.get(key, 0) + 1
        summary = [{"dataset": d, "rule": r, "message": m, "severity": s, "count": n}
                   for (d, r, m, s), n in counts.items()]
    return {"run": {"tool": "sdtm-convert validate"}, "counts": {}, "rules": RULES, "findings": findings,
            "summary": summary}


SDTM = _report([
    _finding("SC-CT-002", "QS", "QSCAT", "PASI FREDRIKSSON", "Extended value for QSCAT", 5245),
    _finding("SC-CT-002", "QS", "QSCAT", "NAPSI", "Extended value for QSCAT", 12),
    _finding("SC-PRES-021", None, None, "LB", "Missing LB dataset"),
])


def _e(rule, dataset, text="why", variable=None, value=None, line=1):
    return Explanation(rule, dataset, text, variable, re.compile(value) if value else None, "explanations.yaml", line)


def test_a_finding_is_explained_by_any_id_of_its_rule_and_a_whole_value_match():
    found = match({"sdtm": SDTM}, [_e("CT2002", "QS", "a QRS category", "QSCAT", "PASI FREDRIKSSON"),
                                   _e("FDAC006", "LB", "no lab data")])
    rows = [(g.rule, g.where, g.values, g.records, g.explanation.explanation if g.explanation else None)
            for g in found.groups["sdtm"]]
    assert rows == [
        ("SC-CT-002", "QS.QSCAT", ["NAPSI"], 12, None),
        ("SC-CT-002", "QS.QSCAT", ["PASI FREDRIKSSON"], 5245, "a QRS category"),
        ("SC-PRES-021", "", ["LB"], 1, "no lab data"),  # a missing dataset: the explanation names that dataset
    ]
    assert (found.total(), found.unexplained(), found.unexplained("sdtm"), found.stale) == (3, 1, 1, [])


def test_a_value_pattern_must_match_the_whole_value():
    found = match({"sdtm": SDTM}, [_e("SC-CT-002", "QS", value="PASI")])
    assert found.unexplained() == 3 and [e.value.pattern for e in found.stale] == ["PASI"]
    assert match({"sdtm": SDTM}, [_e("SC-CT-002", "QS", value="PASI.*|NAPSI")]).unexplained() == 1


def test_a_cdisc_id_of_a_rule_explains_its_findings():
    report = _report([_finding("SC-CONS-001", "AE", "DOMAIN", "XX", "Inconsistent value for DOMAIN",
                               severity="error")])
    found = match({"sdtm": report}, [_e("CORE-000598", "AE", "legacy data")])
    assert found.unexplained() == 0 and found.groups["sdtm"][0].other_ids == "SD0004, FDAC056, CG0413, CORE-000598"


def test_an_explanation_that_matches_no_finding_is_a_stale_warning_with_file_and_line():
    stale = _e("SD1107", "MH", "no medical history", line=12)
    found = match({"sdtm": SDTM}, [_e("SD1107", "LB"), stale])
    assert found.stale == [stale]
    issue, = stale_issues(found)
    assert (issue.code, issue.severity, issue.file, issue.line, issue.dataset) == (
        "explanation-stale", "warning", "explanations.yaml", 12, "MH")
    assert issue.message.startswith("explanation of rule SD1107, MH matches no conformance finding of this run")


def test_an_adam_explanation_is_not_judged_when_adam_was_not_validated():
    adam = _e("CT2002", "ADPASI", variable="DTYPE", value="NRI")
    assert match({"sdtm": SDTM}, [adam]).stale == []
    assert match({"sdtm": SDTM, "adam": _report([])}, [adam]).stale == [adam]


def test_findings_beyond_the_reports_listing_limit_are_counted_and_explained_only_without_a_value_pattern():
    listed = [_finding("SC-CT-002", "AE", "AESEV", "SEVERE", "Value not in codelist AESEV")] * 3
    summary = [{"dataset": "AE", "rule": "SC-CT-002", "message": "Value not in codelist AESEV",
                "severity": "warning", "count": 10}]
    report = _report(listed, summary)
    by_value = match({"sdtm": report}, [_e("CT2002", "AE", value="SEVERE")])
    assert [(g.count, g.unlisted, g.explanation is None) for g in by_value.groups["sdtm"]] == [
        (7, 7, True), (3, 0, False)]
    assert by_value.unexplained() == 7
    assert match({"sdtm": report}, [_e("CT2002", "AE", variable="AESEV")]).unexplained() == 7
    assert match({"sdtm": report}, [_e("CT2002", "AE")]).unexplained() == 0


def test_values_are_escaped_for_markdown_table_cells_and_read_back_whole_for_word():
    from sdtm_convert.common.markdown import md
    from sdtm_convert.package.guides.word import _cells

    cell = md("AETERM | 'a\\b'\n<b>")
    assert cell == "AETERM \\| 'a\\\\b' &lt;b>"
    assert _cells(f"| {cell} | x |") == ["AETERM | 'a\\b' <b>", "x"]
    assert md("A\x01B") == "A\\\\x01B"  # a control character is shown as \x01 text, as in the HTML pages


def test_a_group_shows_its_first_distinct_values_and_counts_the_others_once():
    values = ["A", "B", "C", "D", "E", "F", "F", "G", "A"]
    report = _report([_finding("SC-CT-002", "AE", "AEOUT", v, "Value not in codelist OUT") for v in values])
    group, = match({"sdtm": report}, []).groups["sdtm"]
    assert (group.count, group.values_text) == (9, "A, B, C, D, E and 2 more")
