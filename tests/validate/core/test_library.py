"""The CORE interpreter's library operations and rule types (the standard's own metadata, from the SDTMIG and
SDTM model tables the package ships), on literal datasets, through the shipped published rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sdtm_convert.validate.core import library
from sdtm_convert.validate.core.cases import read_datasets
from sdtm_convert.validate.core.operations import Env, run
from sdtm_convert.validate.core.rules import load_rules
from sdtm_convert.validate.core.run import run_rules
from sdtm_convert.validate.core.scope import in_scope
from sdtm_convert.validate.model import Dataset


def _rule(core_id: str):
    return next(r for r in load_rules() if r.core_id == core_id)


def _ds(name: str, **cols: list) -> Dataset:
    return Dataset(name=name, frame=pd.DataFrame(cols))


def _op(ds: Dataset, version: str = "3.4", **spec: object) -> object:
    env = Env(ds, ds.domain, ds.frame, {ds.name: ds}, {}, version)
    return run(env, dict(spec)).scalar


def _found(datasets: dict[str, Dataset], core_id: str, version: str = "3.4") -> list[tuple[str, int | None]]:
    result = run_rules(datasets, "SDTMIG", version, [_rule(core_id)])
    assert core_id in result.ran, result.not_run
    return [(f.dataset, f.record) for f in result.findings]


VS = _ds("VS", STUDYID=["S"] * 3, DOMAIN=["VS"] * 3, USUBJID=["S-1"] * 3, VSSEQ=[1.0, 2.0, 3.0],
         VSTESTCD=["SYSBP"] * 3, VSORRES=["120", "121", "119"], VISITNUM=[1.0, 1.0, 2.0],
         VSDTC=["2020-01-01", "2020-01-01T10:00", "2020-01-08"], VSTPT=["", "", ""])


def test_model_column_order_is_the_class_variables_in_model_order_with_the_prefix_resolved() -> None:
    order = _op(VS, "3.2", operator="get_model_column_order")
    assert order[:4] == ("STUDYID", "DOMAIN", "USUBJID", "POOLID")
    assert order.index("VSSEQ") < order.index("VSTESTCD") < order.index("VSORRES") < order.index("VISITNUM") \
        < order.index("VSDTC")
    assert "VSOBJ" not in order  # --OBJ is Findings About's
    fa = _op(_ds("FA", DOMAIN=["FA"], FATESTCD=["OCCUR"]), "3.2", operator="get_model_column_order")
    assert fa.index("FATEST") + 1 == fa.index("FAOBJ")  # Findings About: --OBJ right after --TEST


def test_a_special_purpose_domain_gets_the_guides_variables() -> None:
    assert _op(_ds("SE", DOMAIN=["SE"]), "3.2", operator="get_model_column_order") == (
        "STUDYID", "DOMAIN", "USUBJID", "SESEQ", "ETCD", "ELEMENT", "SESTDTC", "SEENDTC", "TAETORD", "EPOCH",
        "SEUPDES")


def test_filtered_variables_are_the_datasets_own_of_that_role_in_library_order() -> None:
    assert _op(VS, operator="get_dataset_filtered_variables", key_name="role", key_value="Timing") == (
        "VISITNUM", "VSDTC", "VSTPT")
    model = _op(VS, "3.2", operator="get_model_filtered_variables", key_name="role", key_value="Timing")
    assert {"VISIT", "EPOCH", "VSSTDTC", "VSENRTPT"} <= set(model)


def test_required_and_expected_variables_are_the_guides_for_the_domain() -> None:
    dm = _ds("DM", DOMAIN=["DM"], USUBJID=["S-1"])
    assert {"STUDYID", "DOMAIN", "USUBJID", "SUBJID", "SITEID", "SEX"} <= set(_op(dm, operator="required_variables"))
    assert {"ARMNRS", "ACTARMUD", "RFSTDTC"} <= set(_op(dm, operator="expected_variables"))
    assert "ARMNRS" not in _op(dm, "3.2", operator="expected_variables")  # added by SDTMIG 3.3
    assert _op(_ds("XX", DOMAIN=["XX"]), operator="required_variables") == ()


def test_domain_is_custom_and_dataset_name() -> None:
    assert _op(_ds("XX", DOMAIN=["XX"], XXTESTCD=["A"]), operator="domain_is_custom") is True
    assert _op(VS, operator="domain_is_custom") is False
    assert _op(_ds("SUPPAE", RDOMAIN=["AE"]), operator="extract_metadata", name="dataset_name") == "SUPPAE"
    big = Dataset(name="AE", frame=pd.DataFrame({"DOMAIN": ["AE"]}), file_size=6 * 2**30)
    assert _op(big, operator="extract_metadata", name="dataset_size") == 6 * 2**30
    assert _found({"AE": big}, "CORE-000765") == [("AE", None)]  # larger than 5 GB
    assert _found({"AE": _ds("AE", DOMAIN=["AE"])}, "CORE-000765") == []  # size unknown: not flagged


def test_expected_and_required_variables_missing_from_a_dataset_are_flagged_once() -> None:
    dm = _ds("DM", STUDYID=["S"], DOMAIN=["DM"], USUBJID=["S-1"], SUBJID=["1"], SITEID=["01"], SEX=["F"],
             ARMCD=["A"], ARM=["Arm A"], ACTARMCD=["A"], ACTARM=["Arm A"], COUNTRY=["USA"])
    assert _found({"DM": dm}, "CORE-000334") == [("DM", None)]  # RFSTDTC, AGE ... are Expected
    assert _found({"DM": dm}, "CORE-000355") == []  # every Required one is there
    assert _found({"DM": Dataset(name="DM", frame=dm.frame.drop(columns="SEX"))}, "CORE-000355") == [("DM", None)]


def test_a_required_variable_with_an_empty_value_is_flagged_on_its_record() -> None:
    """Value Check with Dataset Metadata (CORE-000356): one row per record and variable."""
    dm = _ds("DM", STUDYID=["S", "S"], DOMAIN=["DM", "DM"], USUBJID=["S-1", ""], SUBJID=["1", "2"],
             SITEID=["01", "01"], SEX=["F", "M"], COUNTRY=["USA", "USA"])
    assert _found({"DM": dm}, "CORE-000356") == [("DM", 2)]


def test_a_custom_domains_own_variables_must_carry_its_prefix() -> None:
    """CORE-000376: domain_is_custom, then prefix_is_not_contained_by the distinct DOMAIN values."""
    xx = _ds("XX", STUDYID=["S"], DOMAIN=["XX"], USUBJID=["S-1"], XXSEQ=[1.0], XXTESTCD=["A"], YYORRES=["1"])
    assert _found({"XX": xx}, "CORE-000376") == [("XX", 6)]  # the 6th variable, YYORRES
    assert _found({"VS": VS}, "CORE-000376") == []  # not custom


def test_a_dataset_without_a_timing_variable_is_flagged() -> None:
    """CORE-000575: get_column_order_from_dataset shares_no_elements_with the model's Timing variables."""
    bare = _ds("VS", STUDYID=["S"], DOMAIN=["VS"], USUBJID=["S-1"], VSSEQ=[1.0], VSTESTCD=["SYSBP"])
    assert _found({"VS": bare}, "CORE-000575", "3.2") == [("VS", None)]
    assert _found({"VS": VS}, "CORE-000575", "3.2") == []


def test_a_supplemental_qualifier_named_like_a_parent_model_variable_is_flagged() -> None:
    """CORE-000783: QNAM is_contained_by the parent domain's model column order."""
    ae = _ds("AE", STUDYID=["S"], DOMAIN=["AE"], USUBJID=["S-1"], AESEQ=[1.0], AETERM=["HEADACHE"])
    supp = _ds("SUPPAE", STUDYID=["S", "S"], RDOMAIN=["AE", "AE"], USUBJID=["S-1", "S-1"], IDVAR=["AESEQ"] * 2,
               IDVARVAL=["1", "1"], QNAM=["AETRTEM", "AESEV"], QLABEL=["x", "y"], QVAL=["Y", "MILD"])
    assert _found({"AE": ae, "SUPPAE": supp}, "CORE-000783", "3.2") == [("SUPPAE", 2)]


def test_the_rdomain_of_a_supp_dataset_is_the_part_of_its_name() -> None:
    """CORE-000538: extract_metadata and does_not_equal_string_part."""
    supp = _ds("SUPPAE", STUDYID=["S", "S"], RDOMAIN=["AE", "CM"], USUBJID=["S-1"] * 2, IDVAR=[""] * 2,
               IDVARVAL=[""] * 2, QNAM=["A", "B"], QLABEL=["a", "b"], QVAL=["1", "2"])
    assert _found({"SUPPAE": supp}, "CORE-000538") == [("SUPPAE", 2)]


def test_a_sequence_not_in_start_date_order_is_flagged() -> None:
    """CORE-000535: target_is_not_sorted_by --STDTC (empty last) within USUBJID."""
    se = _ds("SE", STUDYID=["S"] * 4, DOMAIN=["SE"] * 4, USUBJID=["S-1", "S-1", "S-1", "S-2"],
             SESEQ=[1.0, 2.0, 3.0, 1.0], ETCD=["A", "B", "C", "A"],
             SESTDTC=["2020-01-01", "2020-03-01", "2020-02-01", "2020-01-01"])
    assert _found({"SE": se}, "CORE-000535") == [("SE", 2), ("SE", 3)]


def test_variables_out_of_library_order_are_flagged_where_their_place_is_known() -> None:
    """CORE-000852 (SDTMIG 3.4, whose model 2.0 is not shipped): a variable the shipped metadata does not place
    (MIDS) is judged nowhere; LBDTC before the identifiers is out of order."""
    vs = VS.frame.assign(MIDS=["", "", ""])[["STUDYID", "DOMAIN", "USUBJID", "VSSEQ", "VSTESTCD", "MIDS",
                                             "VSORRES", "VISITNUM", "VSDTC"]]
    lb = pd.DataFrame({"LBDTC": ["2020"], "STUDYID": ["S"], "DOMAIN": ["LB"], "USUBJID": ["S-1"], "LBSEQ": [1.0],
                       "LBTESTCD": ["ALB"]})
    found = _found({"VS": Dataset(name="VS", frame=vs), "LB": Dataset(name="LB", frame=lb)}, "CORE-000852")
    assert found == [("LB", None)]
    sv = _ds("SV", STUDYID=["S"], DOMAIN=["SV"], USUBJID=["S-1"], VISITNUM=[1.0], SVDTC=["2020"])
    assert _found({"SV": sv}, "CORE-000852", "3.2") == [("SV", None)]  # SVDTC is no SV variable of the guide


def test_library_metadata_of_another_standard_makes_the_rule_not_run() -> None:
    result = run_rules({"VS": VS}, "SENDIG", "3.1", [_rule("CORE-000355")])
    assert result.not_run == {"CORE-000355": "library metadata of SENDIG is not shipped"}


def test_an_associated_persons_dataset_is_in_the_class_of_its_parent_domain() -> None:
    apsu = _ds("APSU", STUDYID=["S"], DOMAIN=["APSU"], RSUBJID=["S-1"], SUSEQ=[1.0], SUTRT=["SMOKING"])
    assert in_scope({"Classes": {"Include": ["INTERVENTIONS"]}}, apsu)
    fa = _ds("FA", DOMAIN=["FA"], FATESTCD=["OCCUR"], FAOBJ=["RASH"])
    assert in_scope({"Classes": {"Include": ["FINDINGS"]}}, fa)
    assert library.target(_ds("APEG", DOMAIN=["APEG"], APID=["1"], EGTESTCD=["QT"]), "3.4").prefix == "EG"


def test_a_case_holds_only_the_datasets_its_datasets_file_lists(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "_datasets.csv").write_text("Filename,Label\nsv,Subject Visits\n", encoding="utf-8")
    (data / "_variables.csv").write_text("dataset,variable,label,type,length\nsv,VISITNUM,Visit Number,Num,8\n",
                                         encoding="utf-8")
    (data / "sv.csv").write_text("VISITNUM\n1\n", encoding="utf-8")
    (data / "lb.csv").write_text("VISITNUM\n7\n", encoding="utf-8")
    got = read_datasets(data)
    assert list(got) == ["SV"]
    assert np.array_equal(got["SV"].frame["VISITNUM"].to_numpy(), [1.0])


def test_a_supplemental_qualifier_whose_idvarval_names_no_parent_record_is_flagged() -> None:
    """CORE-000206: IDVARVAL not_equal_to IDVAR with value_is_reference (the value of the variable IDVAR names
    on the parent record), type-insensitive: "2" finds AESEQ 2.0, "3" finds none."""
    ae = _ds("AE", STUDYID=["S", "S"], DOMAIN=["AE", "AE"], USUBJID=["S-1", "S-1"], AESEQ=[1.0, 2.0])
    supp = _ds("SUPPAE", STUDYID=["S"] * 3, RDOMAIN=["AE"] * 3, USUBJID=["S-1"] * 3, IDVAR=["AESEQ"] * 3,
               IDVARVAL=["1", "2.0", "3"], QNAM=["AETRTEM"] * 3, QLABEL=["x"] * 3, QVAL=["Y"] * 3)
    assert _found({"AE": ae, "SUPPAE": supp}, "CORE-000206") == [("SUPPAE", 3)]


def _define(codes: dict[str, str]):
    from sdtm_convert.package.define.read import DefCodelist, DefDataset, Define, DefVariable

    datasets, codelists = {}, {}
    for dom, code in codes.items():
        items = {"STUDYID": DefVariable("STUDYID", "Study Identifier", "text", 12, None, True, 1),
                 "DOMAIN": DefVariable("DOMAIN", "Domain Abbreviation", "text", 2, f"CL.DOMAIN_{dom}", True, 2)}
        datasets[dom] = DefDataset(dom, dom, dom, "", "", None, items)
        codelists[f"CL.DOMAIN_{dom}"] = DefCodelist(f"CL.DOMAIN_{dom}", "Domain", "text", [dom], "C66734",
                                                    term_codes={dom: code})
    return Define("define.xml", "2.1", "SDTMIG", "3.4", ["2020-12-18"], datasets, codelists)


def test_a_define_domain_term_whose_code_is_not_published_is_flagged() -> None:
    """CORE-000929 (Define Item Metadata Check against Library Metadata, codelist_terms of DOMAIN in the
    package's CT): FA's DOMAIN term code C00002 is not CDISC's; AE's C49562 is."""
    data = {d: _ds(d, STUDYID=["S"], DOMAIN=[d]) for d in ("AE", "FA")}
    result = run_rules(data, "SDTMIG", "3.4", [_rule("CORE-000929")],
                       define=_define({"AE": "C49562", "FA": "C00002"}), ct_version="2020-12-18")
    assert [(f.dataset, f.record) for f in result.findings] == [("FA", 2)]
    assert run_rules(data, "SDTMIG", "3.4", [_rule("CORE-000929")]).not_run == {"CORE-000929": "no define.xml"}
    missing = run_rules(data, "SDTMIG", "3.4", [_rule("CORE-000929")], define=_define({"AE": "C49562"}),
                        ct_version="2099-01-01")
    assert missing.not_run == {"CORE-000929": "codelist_terms: CT 2099-01-01 is not shipped"}


def test_a_list_result_shows_in_the_report_as_a_list() -> None:
    from sdtm_convert.validate import validate_package

    dm = pd.DataFrame({"STUDYID": ["S"], "DOMAIN": ["DM"], "USUBJID": ["S-1"], "SUBJID": ["1"], "SITEID": ["01"],
                       "SEX": ["F"], "COUNTRY": ["USA"]})
    f = validate_package({"DM": dm}, standard="sdtmig-3.4", rules_source="core", rules=["CORE-000334"]).findings
    assert f["value"].tolist() == [
        "$dataset_variables=['STUDYID', 'DOMAIN', 'USUBJID', 'SUBJID', 'SITEID', 'SEX', 'COUNTRY']; "
        "$expected_variables=['RFSTDTC', 'RFENDTC', 'RFXSTDTC', 'RFXENDTC', 'RFICDTC', 'RFPENDTC', 'DTHDTC', "
        "'DTHFL', 'AGE', 'AGEU', 'RACE', 'ARMCD', 'ARM', 'ACTARMCD', 'ACTARM', 'ARMNRS', 'ACTARMUD']"]
