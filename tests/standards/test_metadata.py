"""Standards metadata by version: each shipped version loads with the dataset and variable counts of its source."""

from __future__ import annotations

import pytest

from sdtm_convert.standards.metadata import (
    adamig_variables,
    class_variables,
    sdtm_model_variables,
    sdtmig_datasets,
    sdtmig_domain_variables,
    sdtmig_variables,
    shipped,
)

# datasets / variables as counted in the source files (the reference README states the same figures)
SDTMIG_COUNTS = {"3.1.2": (32, 714), "3.1.3": (35, 818), "3.2": (57, 1284), "3.4": (63, 1917)}


def test_shipped_versions():
    assert shipped("sdtmig") == ("3.1.2", "3.1.3", "3.2", "3.4")
    assert shipped("sdtm") == ("1.2", "1.3", "1.4")
    assert shipped("adamig") == ("1.0", "1.3")


@pytest.mark.parametrize("version", sorted(SDTMIG_COUNTS))
def test_sdtmig_version_loads_its_own_datasets_and_variables(version):
    v, d = sdtmig_variables(version), sdtmig_datasets(version)
    assert (len(d), len(v)) == SDTMIG_COUNTS[version]
    assert set(v["dataset"]) == set(d["dataset"])
    assert {"DM", "SUPPQUAL", "RELREC", "TS"} <= set(d["dataset"])  # one name for each across versions
    assert set(v["core"]) == {"Req", "Exp", "Perm"} and set(v["type"]) == {"Char", "Num"}


@pytest.mark.parametrize(("version", "rows"), [("1.2", 125), ("1.3", 150), ("1.4", 178)])
def test_sdtm_model_version_loads_its_class_variables(version, rows):
    m = sdtm_model_variables(version)
    assert len(m) == rows
    assert {"Interventions", "Events", "Findings", "Identifiers", "Timing"} <= set(m["group"])
    assert not m["name"].str.startswith("__").any()


@pytest.mark.parametrize(("version", "rows"), [("1.0", 290), ("1.3", 336)])
def test_adamig_version_loads_its_variables(version, rows):
    a = adamig_variables(version)
    assert len(a) == rows
    assert {"Subject-Level Analysis Dataset", "Basic Data Structure"} <= set(a["structure"])


def test_versions_differ_where_the_guides_differ():
    """Facts of the guides themselves, not of a subtraction from 3.4."""
    assert "DSDY" not in set(sdtmig_domain_variables("DS", "3.2")["name"])
    assert "DSDY" in set(sdtmig_domain_variables("DS", "3.4")["name"])
    assert "EPOCH" not in set(sdtmig_domain_variables("AE", "3.2")["name"])
    sv = sdtmig_domain_variables("SV", "3.2").set_index("name")
    assert sv.loc["SVSTDTC", "label"] == "Start Date/Time of Visit"
    assert sdtmig_domain_variables("SV", "3.4").set_index("name").loc["SVSTDTC", "label"] == (
        "Start Date/Time of Observation")
    lb = {v: sdtmig_domain_variables("LB", v).set_index("name").loc["LBSTRESC", "codelist_codes"]
          for v in ("3.1.3", "3.2", "3.4")}
    assert lb == {"3.1.3": [], "3.2": ["C102580"], "3.4": ["C102580"]}
    ts = {v: sdtmig_domain_variables("TS", v).set_index("name").loc["TSVCDREF", "codelist_codes"]
          for v in ("3.2", "3.4")}
    assert ts == {"3.2": [], "3.4": ["C66788"]}


def test_a_version_not_shipped_is_a_key_error_naming_the_shipped_ones():
    with pytest.raises(KeyError, match=r"sdtmig 3.3 is not shipped \(shipped: 3.1.2, 3.1.3, 3.2, 3.4\)"):
        sdtmig_variables("3.3")


def test_default_version_is_the_one_the_converter_writes():
    assert sdtmig_variables().equals(sdtmig_variables("3.4"))
    assert adamig_variables().equals(adamig_variables("1.3"))


def test_class_variables_come_from_the_model_plus_the_guides_domains():
    v32 = class_variables("3.2", "1.4")
    assert {"EPOCH", "--DY", "--SEQ", "--TRT", "--DOSE"} <= v32["Interventions"]
    assert "--OBJ" in v32["Findings About"]  # model 1.4 lists --OBJ with the Findings variables
    assert "--LOBXFL" not in v32["Findings"]  # not in model 1.4 nor any 3.2 Findings domain
    assert "--LOBXFL" in class_variables("3.4", "1.4")["Findings"]  # used by SDTMIG 3.4 Findings domains
    assert "--DETECT" not in class_variables("3.1.2", "1.2")["Events"]  # timing variable new in model 1.3
    assert "--DETECT" in class_variables("3.1.3", "1.3")["Events"]


def test_usual_codelist_is_the_one_most_listing_domains_give_and_no_domain_contradicts():
    from sdtm_convert.standards.metadata import usual_codelists

    u32 = usual_codelists("3.2")
    assert u32["EPOCH"] == ("C99079",)  # 6 of the 9 SDTMIG 3.2 domains listing EPOCH
    assert "--SEV" not in u32  # C66769 in AE only; CE and DE list --SEV without a codelist
    assert "--ORRESU" not in u32  # UNIT, and other unit codelists in other domains
    assert "EPOCH" not in usual_codelists("3.1.3")  # SDTMIG 3.1.3 lists EPOCH without a codelist in most domains
