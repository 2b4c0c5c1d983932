"""Rule selection (`--rules` / `--exclude-rules`, `validate_package(rules=, exclude_rules=)`): ids, P21/FDA/CDISC
ids and globs; a pattern that matches no rule is refused."""

from __future__ import annotations

import pytest

from sdtm_convert.validate import validate_package
from sdtm_convert.validate.engine import applicable
from sdtm_convert.validate.selection import select, split_patterns, unknown_patterns
from tests.validate.conftest import sdtm_base

SDTM = applicable("sdtm")


def test_a_glob_of_p21_ids_selects_the_rules_with_such_an_id_and_no_other():
    chosen = select(SDTM, ["SD00*"])
    assert "SC-PRES-002" in {r.id for r in chosen}  # P21 SD0002
    assert chosen and all((r.p21_id or "").startswith("SD00") for r in chosen)


def test_ids_of_every_kind_and_any_case_select_the_same_rule():
    for pattern in ("SC-PRES-002", "sc-pres-002", "SD0002", "FDAC018"):
        assert [r.id for r in select(SDTM, [pattern])] == ["SC-PRES-002"], pattern
    assert [r.id for r in select(SDTM, ["CG0205"])] == ["SC-TECH-001"]  # a CDISC conformance id


def test_exclusion_wins_over_selection():
    ct = {r.id for r in select(SDTM, ["SC-CT-*"])}
    assert "SC-CT-002" in ct and len(ct) > 1
    assert {r.id for r in select(SDTM, ["SC-CT-*"], ["SC-CT-002"])} == ct - {"SC-CT-002"}


def test_a_pattern_matching_no_rule_is_refused_by_name():
    assert unknown_patterns(["SD00", "SD00*", "NOPE-1", "SC-DEF-001"]) == ["SD00", "NOPE-1"]  # P21 ids need a glob
    with pytest.raises(ValueError, match="no rule matches 'NOPE-1'"):
        select(SDTM, ["SC-CT-*"], ["NOPE-1"])


def test_patterns_are_comma_separated_or_repeated():
    assert split_patterns(["SC-CT-*, SD0002", "SD1082"]) == ["SC-CT-*", "SD0002", "SD1082"]


def test_validate_package_leaves_the_excluded_rules_out_of_findings_and_catalogue():
    report = validate_package(sdtm_base(), standard="sdtmig-3.4", ct="2025-03-25", exclude_rules=["SC-PRES-*"])
    assert report.rules and not any(r["id"].startswith("SC-PRES-") for r in report.rules)
    assert not report.findings["rule"].str.startswith("SC-PRES-").any()
    assert len(report.rules) == len(SDTM) - len(select(SDTM, ["SC-PRES-*"]))


def test_a_selection_that_leaves_no_rule_of_the_package_says_nothing_was_checked():
    report = validate_package(sdtm_base(), standard="sdtmig-3.4", ct="2025-03-25", rules=["SC-DEF-*"])
    assert report.rules == [] and report.findings.empty
    assert report.notes[-1] == "the rule selection leaves no sdtmig-3.4 rule to run: nothing was checked"
