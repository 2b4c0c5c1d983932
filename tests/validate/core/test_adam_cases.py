"""CDISC's unpublished ADaMIG rules (a slice of their test data shipped in ``data/adam-cases.tar.gz``) run
through the CORE interpreter: the negative data of each raises findings of its rule, the positive data none
(CDISC publishes no expected records for them)."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from sdtm_convert.validate.core.cases import find_adam_cases, judge, read_datasets
from sdtm_convert.validate.core.rules import load_rules
from sdtm_convert.validate.core.run import run_rules
from tests.validate.core.slice_cases import ADAM_ARCHIVE, ADAM_RULES


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("adam")
    with tarfile.open(ADAM_ARCHIVE) as tar:
        tar.extractall(out, filter="data")
    return out


@pytest.fixture(scope="module")
def shipped() -> dict:
    return {r.core_id: r for r in load_rules()}


@pytest.mark.parametrize("rule_id", sorted(ADAM_RULES))
def test_adam_cases_of_rule_pass(root: Path, shipped: dict, rule_id: str) -> None:
    cases = find_adam_cases(root, [shipped[rule_id]])
    assert {c.kind for c in cases} == {"positive", "negative"}
    verdicts = [judge(c, shipped[rule_id]) for c in cases]
    assert [(v.case.kind, v.case.number, v.outcome, v.detail) for v in verdicts if v.outcome != "pass"] == []


def test_adam_case_runs_as_the_first_adamig_version_the_rule_names(root: Path, shipped: dict) -> None:
    case = find_adam_cases(root, [shipped["CDISC.ADaMIG.AD0846"]])[0]
    assert (case.product, case.version) == ("ADAMIG", "1.3")


def test_negative_popPK_case_flags_the_records_with_a_blank_form(root: Path, shipped: dict) -> None:
    rule = shipped["CDISC.ADaMIG.AD0846"]  # FORMN populated, FORM empty: the case writes FORM as " "
    neg = next(c for c in find_adam_cases(root, [rule]) if c.kind == "negative")
    found = run_rules(read_datasets(neg.folder / "data", blank_is_empty=True), "ADAMIG", "1.3", [rule]).findings
    assert [(f.dataset, f.record) for f in found] == [("ADPPK", 1), ("ADPPK", 4)]
    kept = run_rules(read_datasets(neg.folder / "data"), "ADAMIG", "1.3", [rule]).findings
    assert kept == []  # read as written, " " is a value


def test_case_reader_takes_class_and_subclass_from_datasets_csv(root: Path, shipped: dict) -> None:
    neg = next(c for c in find_adam_cases(root, [shipped["CDISC.ADAMIG.AD0620"]]) if c.kind == "negative")
    adae = read_datasets(neg.folder / "data")["ADAE"]
    assert (adae.klass, adae.subclass) == ("OCCURRENCE DATA STRUCTURE", "ADVERSE EVENT")
