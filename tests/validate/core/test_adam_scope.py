"""ADaM scopes and the pieces the unpublished ADaMIG rules need, on literal frames: the structure and subclass
of a dataset (declared, else by the ADaMIG structure rules), the define.xml's classes, regex_find_replace, and
what makes such a rule not run."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from sdtm_convert.validate.core.adam import adam_class, adam_subclass, declare_classes, in_adam_scope
from sdtm_convert.validate.core.operations import Env, run
from sdtm_convert.validate.core.rules import CoreRule
from sdtm_convert.validate.core.run import run_rules
from sdtm_convert.validate.model import Dataset


def ds(name: str, cols: list[str], klass: str = "", subclass: str = "") -> Dataset:
    return Dataset(name=name, frame=pd.DataFrame({c: ["x"] for c in cols}), klass=klass, subclass=subclass)


@pytest.mark.parametrize(("name", "cols", "klass", "subclass", "want"), [
    ("ADSL", ["USUBJID", "AGE"], "", "", ("SUBJECT LEVEL ANALYSIS DATASET", "")),
    ("ADVS", ["USUBJID", "PARAMCD", "AVAL"], "", "", ("BASIC DATA STRUCTURE", "")),
    ("ADPC", ["USUBJID", "AVAL", "ARELTM"], "", "", ("BASIC DATA STRUCTURE", "")),  # a BDS lacking PARAMCD
    ("ADAE", ["USUBJID", "AETERM", "AEDECOD", "AVAL"], "", "", ("OCCURRENCE DATA STRUCTURE", "ADVERSE EVENT")),
    ("ADCM", ["USUBJID", "CMTRT"], "", "", ("OCCURRENCE DATA STRUCTURE", "")),
    ("ADTTE", ["USUBJID", "PARAMCD", "AVAL", "CNSR2"], "", "", ("BASIC DATA STRUCTURE", "TIME TO EVENT")),
    ("ADEFF", ["USUBJID", "PARAMCD", "CNSR"], "", "", ("BASIC DATA STRUCTURE", "TIME TO EVENT")),
    ("ADPPK", ["USUBJID", "AVAL"], "", "", ("BASIC DATA STRUCTURE", "POPULATION PHARMACOKINETIC ANALYSIS")),
    ("ADXX", ["USUBJID", "X"], "", "", ("ADAM OTHER", "")),
    ("DM", ["USUBJID", "AGE"], "", "", ("", "")),
    # declared metadata wins; a declared class without subclass has none
    ("ADAE", ["USUBJID", "AETERM"], "OCCURRENCE DATA STRUCTURE", "", ("OCCURRENCE DATA STRUCTURE", "")),
    ("ADLB", ["USUBJID"], "BASIC DATA STRUCTURE", "Time-to-Event", ("BASIC DATA STRUCTURE", "TIME TO EVENT")),
    ("ADOT", ["USUBJID", "PARAMCD"], "OTHER", "", ("ADAM OTHER", "")),
])
def test_structure_and_subclass_of_a_dataset(name, cols, klass, subclass, want) -> None:
    d = ds(name, cols, klass, subclass)
    assert (adam_class(d), adam_subclass(d)) == want


def test_scope_blocks_include_exclude_and_all() -> None:
    bds = ds("ADTTE", ["PARAMCD", "CNSR"])
    assert in_adam_scope({"Data Structures": {"Include": ["BASIC DATA STRUCTURE"]},
                          "Subclasses": {"Include": ["TIME-TO-EVENT"]}}, bds)
    assert not in_adam_scope({"Subclasses": {"Include": ["POPULATION PHARMACOKINETIC ANALYSIS"]}}, bds)
    assert not in_adam_scope({"Data Structures": {"Include": ["SUBJECT LEVEL ANALYSIS DATASET"]}}, bds)
    assert in_adam_scope({"Data Structures": {"Include": ["ALL"]}, "Subclasses": {"Include": ["ALL"]}}, bds)
    assert not in_adam_scope({"Datasets": {"Include": ["ADSL"]}}, bds)
    assert not in_adam_scope({"Data Structures": {"Exclude": ["BASIC DATA STRUCTURE"]}}, bds)
    assert in_adam_scope({}, bds)


DEFINE_21 = """<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:def="http://www.cdisc.org/ns/def/v2.1"><Study><MetaDataVersion>
<ItemGroupDef OID="IG.ADTTE" Name="ADTTE" SASDatasetName="ADTTE"><def:Class Name="BASIC DATA STRUCTURE">
<def:SubClass Name="TIME-TO-EVENT"/></def:Class></ItemGroupDef>
<ItemGroupDef OID="IG.ADAE" Name="ADAE"><def:Class Name="OCCURRENCE DATA STRUCTURE"/></ItemGroupDef>
</MetaDataVersion></Study></ODM>"""
DEFINE_20 = """<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:def="http://www.cdisc.org/ns/def/v2.0"><Study><MetaDataVersion>
<ItemGroupDef OID="IG.ADSL" Name="ADSL" def:Class="SUBJECT LEVEL ANALYSIS DATASET"/>
<ItemGroupDef OID="IG.ADAE" Name="ADAE" def:Class="ADAE"/>
</MetaDataVersion></Study></ODM>"""


@pytest.mark.parametrize(("xml", "want"), [
    (DEFINE_21, {"ADTTE": ("BASIC DATA STRUCTURE", "TIME-TO-EVENT"), "ADAE": ("OCCURRENCE DATA STRUCTURE", "")}),
    (DEFINE_20, {"ADSL": ("SUBJECT LEVEL ANALYSIS DATASET", ""), "ADAE": ("ADAE", "")}),
])
def test_define_declares_class_and_subclass(tmp_path: Path, xml: str, want: dict) -> None:
    (tmp_path / "define.xml").write_text(xml, encoding="utf-8")
    datasets = {n: ds(n, ["USUBJID"]) for n in want}
    declare_classes(datasets, SimpleNamespace(path=str(tmp_path / "define.xml")))
    assert {n: (d.klass, d.subclass) for n, d in datasets.items()} == want


def test_regex_find_replace_rewrites_matching_values_and_keeps_the_rest() -> None:
    d = Dataset(name="ADSL", frame=pd.DataFrame({"variable_name": ["TRT01AN", "TRT02A", "AGE", ""]}))
    res = run(Env(d, "ADSL", d.frame, {"ADSL": d}), {"id": "$g", "operator": "regex_find_replace",
                                                       "name": "variable_name", "find": "^TRT([0-9]{2})AN*$",
                                                       "replace": "TRT\\1A\n"})
    assert res.column is not None and res.column.tolist() == ["TRT01A", "TRT02A", "AGE", ""]


ADSL = Dataset(name="ADSL", frame=pd.DataFrame({"USUBJID": ["1", "2"], "NAME": ["AB", "CD"]}))


def rule(**changes: object) -> CoreRule:
    base = {"core_id": "CDISC.ADaMIG.AD9999", "rule_type": "Record Data", "sensitivity": "Record",
            "standards": (("ADaMIG", ""),), "scope": {"Data Structures": {"Include": ["ALL"]}}}
    return CoreRule(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(("changes", "reason"), [
    ({"check": {"name": "ROOT(N)||'FL'", "operator": "exists"}},
     "check condition names \"ROOT(N)||'FL'\", not a variable"),
    ({"check": {"name": "variable_name", "operator": "ends_with", "value": "DY"}},
     "a Record Data rule whose check names variable or dataset metadata"),
    ({"check": {"name": "NAME", "operator": "not_prefix_matches_regex", "prefix": 0, "value": "[A-Z]"}},
     "not_prefix_matches_regex with prefix 0: a prefix of no character"),
])
def test_a_draft_adam_rule_the_interpreter_cannot_read_is_not_run(changes: dict, reason: str) -> None:
    result = run_rules({"ADSL": ADSL}, "ADaMIG", "1.3", [rule(**changes)])
    assert result.findings == [] and result.not_run["CDISC.ADaMIG.AD9999"].startswith(reason)


def test_a_rule_naming_no_version_applies_to_every_adamig_version() -> None:
    r = rule(check={"name": "NAME", "operator": "equal_to", "value": "CD", "value_is_literal": True})
    assert [(f.dataset, f.record) for f in run_rules({"ADSL": ADSL}, "ADaMIG", "1.1", [r]).findings] == [("ADSL", 2)]


def test_exists_in_a_variable_metadata_check_reads_the_dataset_variables() -> None:
    r = rule(rule_type="Variable Metadata Check", sensitivity="Dataset",
             check={"name": "STUDYID", "operator": "not_exists"})
    assert [(f.dataset, f.record) for f in run_rules({"ADSL": ADSL}, "ADaMIG", "1.3", [r]).findings] == [
        ("ADSL", None)]
    with_id = Dataset(name="ADSL", frame=ADSL.frame.assign(STUDYID="S"))
    assert run_rules({"ADSL": with_id}, "ADaMIG", "1.3", [r]).findings == []


def test_inconsistent_across_dataset_flags_every_record_of_a_group_and_an_empty_value_counts() -> None:
    from sdtm_convert.validate.core.operators import OPERATORS, Frame, Leaf

    # ACYCLE 1 holds "1" and "22": all its records (CORE-000612 flags the majority too); ACYCLE 2 holds "2" and
    # an empty value, a second value (CORE-000699 flags a record without --STRESU in a group with units)
    f = pd.DataFrame({"ACYCLEC": ["1", "22", "2", "1", "", "3"], "ACYCLE": [1.0, 1.0, 2.0, 1.0, 2.0, 3.0]})
    leaf = Leaf("ACYCLEC", "is_inconsistent_across_dataset", "ACYCLE")
    got = OPERATORS["is_inconsistent_across_dataset"](Frame(f, {}, {}, frozenset(f.columns)), leaf)
    assert got.tolist() == [True, True, True, True, True, False]


def test_our_adam_rule_and_the_adamig_core_rule_of_its_number_merge_into_one_finding() -> None:
    from sdtm_convert.validate import validate_package

    adsl = pd.DataFrame({"STUDYID": ["S", "S"], "USUBJID": ["S-1", "S-1"]})  # USUBJID twice: AD0054
    f = validate_package({"ADSL": adsl}, standard="adamig-1.3", rules_source="all").findings
    rows = f[(f["p21_id"] == "AD0054") | (f["core_id"] == "CDISC.ADaMIG.AD0054")]
    assert [(r.rule, r.p21_id, r.core_id, r.record) for r in rows.itertuples()] == [
        ("AD-CONS-054", "AD0054", "CDISC.ADaMIG.AD0054", 2), ("CDISC.ADaMIG.AD0054", None, "CDISC.ADaMIG.AD0054", 1)]
