"""``--rules`` / ``--exclude-rules`` select CORE rules by their CORE, CDISC CG and FDA ids, and through the ids of
our rules that check the same thing."""

from __future__ import annotations

import pytest

from sdtm_convert.validate import validate_package
from sdtm_convert.validate.core.rules import load_rules
from sdtm_convert.validate.selection import core_names, select_core, unknown_patterns
from tests.validate.core.test_merge import AE


def _rules(report) -> list[str]:
    return sorted(set(report.findings["rule"]))


def test_a_core_id_selects_that_core_rule_alone() -> None:
    report = validate_package({"AE": AE}, standard="sdtmig-3.4", rules_source="all", rules=["CORE-000328"])
    assert _rules(report) == ["CORE-000328"]


def test_our_p21_id_selects_our_rule_and_its_core_equivalent_as_one_finding() -> None:
    report = validate_package({"AE": AE}, standard="sdtmig-3.4", rules_source="all", rules=["SD0013"])
    f = report.findings
    assert f[["rule", "core_id", "record"]].values.tolist() == [["SC-CONS-018", "CORE-000718", 1]]


def test_a_cdisc_id_excludes_the_core_rules_that_implement_it() -> None:
    # AE records under another name: CORE-000598 (CG0413, dataset name begins with DOMAIN) flags it
    kept = validate_package({"QS": AE}, standard="sdtmig-3.4", rules_source="core")
    left = validate_package({"QS": AE}, standard="sdtmig-3.4", rules_source="core", exclude_rules=["CG0413"])
    assert "CORE-000598" in _rules(kept)
    assert _rules(left) == sorted(set(_rules(kept)) - {"CORE-000598"})


def test_a_glob_of_core_ids_selects_core_rules() -> None:
    chosen = select_core(load_rules(), ["core-00032*"])
    assert [r.core_id for r in chosen] == [f"CORE-00032{i}" for i in range(10)
                                           if f"CORE-00032{i}" in {r.core_id for r in load_rules()}]


def test_a_core_rule_answers_to_the_ids_of_our_equivalent_rule() -> None:
    rule = next(r for r in load_rules() if r.core_id == "CORE-000718")
    assert core_names(rule) == ["CORE-000718", "FB3209", "SC-CONS-018", "SD0013", "FDAC107"]


def test_core_and_cdisc_ids_are_known_patterns_and_others_are_not() -> None:
    assert unknown_patterns(["CORE-000328", "FB3202", "CG0368", "CORE-999999", "XX*"]) == ["CORE-999999", "XX*"]
    with pytest.raises(ValueError, match=r"no rule matches 'CORE-999999' \(rule ids, P21/FDA/CDISC/CORE ids"):
        validate_package({"AE": AE}, standard="sdtmig-3.4", rules_source="all", rules=["CORE-999999"])


def test_cli_accepts_a_core_id_in_rules(tmp_path, capsys) -> None:
    import json

    from sdtm_convert.cli import main
    from tests.validate.conftest import DATA

    out = tmp_path / "r.json"
    main(["validate", str(DATA), "--ct", "2025-03-25", "--rules-source", "all", "-r", "CORE-000152",
          "--report-json", str(out), "--quiet"])
    capsys.readouterr()
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [f["rule"] for f in doc["findings"]] == ["CORE-000152", "CORE-000152"]
    assert doc["rules"] == []  # none of ours ran
