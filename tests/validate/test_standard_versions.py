"""Rules that read standards metadata read the package's own SDTMIG / ADaMIG version (boundary cases on small
literal frames; each finding asserted under the version where it holds and absent under the other)."""

from __future__ import annotations

from sdtm_convert.package.define.read import Define
from sdtm_convert.validate import validate_package
from tests.validate.conftest import frame

S = "STUDY1"


def _hits(frames, standard, rules, metadata=None, define=None) -> set[tuple[str, str]]:
    r = validate_package(frames, standard=standard, rules=rules, metadata=metadata, define=define)
    return set(zip(r.findings["rule"], r.findings["variable"]))


def _ds():
    return {"DS": frame("STUDYID DOMAIN USUBJID DSSEQ DSTERM DSDECOD DSCAT EPOCH DSSTDTC DSDY",
                        [(S, "DS", "S-1", 1, "COMPLETED", "COMPLETED", "DISPOSITION EVENT", "TREATMENT",
                          "2020-03-01", 51)])}


def test_model_timing_variable_missing_from_the_32_domain_is_a_permissible_addition_only_under_32():
    """DSDY is a DS variable in SDTMIG 3.4, not in 3.2: under 3.2 it is a model timing variable added (SD1076)
    and its label is not compared with the 3.4 label."""
    meta = {"DS": {"labels": {"DSDY": "Study Day of Visit/Collection/Exam"}}}
    rules = ["SC-META-011", "SC-META-009"]
    assert _hits(_ds(), "sdtmig-3.2", rules, meta) == {("SC-META-011", "DSDY")}
    assert _hits(_ds(), "sdtmig-3.4", rules, meta) == {("SC-META-009", "DSDY")}


def test_epoch_in_ae_is_a_permissible_addition_under_32_and_a_domain_variable_under_34():
    ae = {"AE": frame("STUDYID DOMAIN USUBJID AESEQ AETERM AEDECOD EPOCH AESTDTC",
                      [(S, "AE", "S-1", 1, "HEADACHE", "Headache", "TREATMENT", "2020-01-20")])}
    assert _hits(ae, "sdtmig-3.2", ["SC-META-011", "SC-META-010"]) == {("SC-META-011", "EPOCH")}
    assert _hits(ae, "sdtmig-3.4", ["SC-META-011", "SC-META-010"]) == set()


def test_study_days_of_elements_are_not_in_the_32_model():
    se = {"SE": frame("STUDYID DOMAIN USUBJID SESEQ ETCD ELEMENT SESTDTC SEENDTC SESTDY SEENDY",
                      [(S, "SE", "S-1", 1, "SCRN", "Screening", "2020-01-01", "2020-01-09", -9, -1)])}
    assert _hits(se, "sdtmig-3.2", ["SC-META-010"]) == {("SC-META-010", "SESTDY"), ("SC-META-010", "SEENDY")}
    assert _hits(se, "sdtmig-3.4", ["SC-META-010"]) == set()


def test_labels_are_compared_with_the_packages_own_guide():
    sv = {"SV": frame("STUDYID DOMAIN USUBJID VISITNUM VISIT SVSTDTC",
                      [(S, "SV", "S-1", 1, "SCREENING", "2020-01-01")])}
    meta = {"SV": {"labels": {"SVSTDTC": "Start Date/Time of Visit"}}}  # the SDTMIG 3.2 label
    assert _hits(sv, "sdtmig-3.2", ["SC-META-009"], meta) == set()
    assert _hits(sv, "sdtmig-3.4", ["SC-META-009"], meta) == {("SC-META-009", "SVSTDTC")}


def test_codelist_assignment_follows_the_guide_version():
    """TSVCDREF has the DICTNAM codelist in SDTMIG 3.4 only; LBSTRESC has C102580 from SDTMIG 3.2 on
    (3.1.3 assigns none)."""
    ts = {"TS": frame("STUDYID DOMAIN TSSEQ TSPARMCD TSPARM TSVAL TSVALCD TSVCDREF TSVCDVER",
                      [(S, "TS", 1, "SEXPOP", "Sex of Participants", "BOTH", "C49636", "CDISC", "2014-09-26")])}
    assert ("SC-CT-002", "TSVCDREF") in _hits(ts, "sdtmig-3.4", ["SC-CT-002"])
    assert ("SC-CT-002", "TSVCDREF") not in _hits(ts, "sdtmig-3.2", ["SC-CT-002"])
    lb = {"LB": frame("STUDYID DOMAIN USUBJID LBSEQ LBTESTCD LBTEST LBORRES LBSTRESC",
                      [(S, "LB", "S-1", 1, "GLUC", "Glucose", "N", "N")])}
    assert ("SC-CT-002", "LBSTRESC") in _hits(lb, "sdtmig-3.2", ["SC-CT-002"])
    assert ("SC-CT-002", "LBSTRESC") not in _hits(lb, "sdtmig-3.1.3", ["SC-CT-002"])


def test_variables_new_in_later_guides_are_not_expected_from_older_ones():
    lb = {"LB": frame("STUDYID DOMAIN USUBJID LBSEQ LBTESTCD LBTEST LBORRES",
                      [(S, "LB", "S-1", 1, "GLUC", "Glucose", "5")])}
    assert ("SC-PRES-004", "LBLOBXFL") in _hits(lb, "sdtmig-3.4", ["SC-PRES-004"])
    assert ("SC-PRES-004", "LBLOBXFL") not in _hits(lb, "sdtmig-3.2", ["SC-PRES-004"])
    assert ("SC-PRES-004", "LBBLFL") in _hits(lb, "sdtmig-3.2", ["SC-PRES-004"])  # Exp in 3.2, Perm in 3.4


def _define(name: str, version: str) -> Define:
    return Define("define.xml", "2.0.0", name, version, [], {}, {})


def test_report_names_the_metadata_used_when_the_declared_guide_is_not_shipped():
    r = validate_package(_ds(), define=_define("CDISC SDTM", "3.3"), rules=["SC-META-011"])
    assert r.standard == "sdtmig-3.3"
    assert r.notes[0] == (
        "standards metadata: SDTMIG 3.3 (define.xml: CDISC SDTM 3.3) not shipped; used SDTMIG 3.4 (nearest later); "
        "SDTM model 1.7 not shipped: general-class variables of SDTM model 1.4 (newest shipped) and of the "
        "SDTMIG 3.4 domains")
    assert r.findings.empty  # DSDY is a DS variable of SDTMIG 3.4


def test_adam_model_21_in_define_is_checked_with_adamig_10():
    bds = {"ADLB": frame("STUDYID USUBJID TRTP PARAM PARAMCD AVAL",
                         [(S, "S-1", "Drug A", "Glucose (mmol/L)", "GLUC", 5.0)])}
    r = validate_package(bds, define=_define("CDISC ADaM", "2.1"), rules=["AD-PRES-047"])
    assert (r.standard, r.notes[0]) == ("adamig-1.0", "standards metadata: ADaMIG 1.0 (define.xml: CDISC ADaM 2.1)")
    assert r.findings.empty  # ADaMIG 1.0: "at least one of AVAL or AVALC is required"
    no_trtp = {"ADLB": bds["ADLB"].drop(columns="TRTP")}
    assert _hits(no_trtp, "adamig-1.0", ["AD-PRES-047"]) == {("AD-PRES-047", "TRTP")}  # Req in 1.0 only
    assert _hits(no_trtp, "adamig-1.3", ["AD-PRES-047"]) == set()


def test_adae_is_checked_against_the_adamig_10_adverse_event_structure():
    adae = {"ADAE": frame("STUDYID USUBJID AESEQ AETERM AEDECOD AEBODSYS",
                          [(S, "S-1", 1, "HEADACHE", "Headache", "Nervous system disorders")])}
    assert _hits(adae, "adamig-1.0", ["AD-PRES-047"]) == {("AD-PRES-047", "AESER")}
    assert _hits(adae, "adamig-1.3", ["AD-PRES-047"]) == set()


def test_supplemental_qualifiers_are_checked_under_every_guide_version():
    supp = {"SUPPAE": frame("STUDYID RDOMAIN USUBJID IDVAR IDVARVAL QNAM QLABEL QVAL QEVAL",
                            [(S, "AE", "S-1", "AESEQ", "1", "AETRTEM", "Treatment Emergent Flag", "Y", "")])}
    for standard in ("sdtmig-3.1.2", "sdtmig-3.1.3", "sdtmig-3.2", "sdtmig-3.4"):
        assert _hits(supp, standard, ["SC-PRES-003"]) == {("SC-PRES-003", "QORIG")}, standard


def test_model_variable_added_to_a_domain_gets_the_guides_usual_codelist_only():
    """Under SDTMIG 3.2 EPOCH is not an AE or MH variable; added, it is still checked against C99079 (its
    codelist in most 3.2 domains); MHSEV is not checked (3.2 gives --SEV a codelist in AE only, CE has none)."""
    ae = {"AE": frame("STUDYID DOMAIN USUBJID AESEQ AETERM AEDECOD EPOCH",
                      [(S, "AE", "S-1", 1, "HEADACHE", "Headache", "PHASE X")])}
    assert _hits(ae, "sdtmig-3.2", ["SC-CT-002"]) == {("SC-CT-002", "EPOCH")}
    assert _hits(ae, "sdtmig-3.1.3", ["SC-CT-002"]) == set()  # 3.1.3 lists EPOCH without a codelist mostly
    mh = {"MH": frame("STUDYID DOMAIN USUBJID MHSEQ MHTERM MHSEV",
                      [(S, "MH", "S-1", 1, "ASTHMA", "GRADE 1")])}
    assert _hits(mh, "sdtmig-3.2", ["SC-CT-001", "SC-CT-002"]) == set()
    ae_sev = {"AE": frame("STUDYID DOMAIN USUBJID AESEQ AETERM AEDECOD AESEV",
                          [(S, "AE", "S-1", 1, "HEADACHE", "Headache", "GRADE 1")])}
    assert ("SC-CT-001", "AESEV") in _hits(ae_sev, "sdtmig-3.2", ["SC-CT-001", "SC-CT-002"])  # listed for AE
