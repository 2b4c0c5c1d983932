"""validate.run: a package's conformance result for the run's headline, --json and the conversion report."""

from __future__ import annotations

import pytest

from sdtm_convert.validate import validate_package
from sdtm_convert.validate.run import conformance
from tests.validate.conftest import sdtm_base


@pytest.fixture(scope="module")
def no_lb():
    p = sdtm_base()
    del p["LB"], p["SUPPLB"]
    p["DS"]["DSDECOD"] = ["FINISHED", "FINISHED"]  # extensible NCOMPLT: a term not in CT, not declared
    return validate_package(p, standard="sdtmig-3.4", ct="2025-03-25", rules=["SC-PRES-021", "SC-CT-002"])


def test_missing_domain_the_spec_does_not_map_is_explained_as_not_collected(no_lb):
    c = conformance("sdtm", no_lb, "reports/validation-sdtm.html", mapped=frozenset({"DM", "DS", "EX"}))
    assert [(w["rule"], w["value"], w["records"], w["reason"]) for w in c.left] == [
        ("SC-PRES-021", "LB", 1, "the study collected no LB data: the spec maps no raw dataset to LB"),
        ("SC-CT-002", "FINISHED", 2, "no reason recorded; review the finding (SC-CT-002: Value not found in "
                                     "extensible codelist NCOMPLT/PROTMLST/OTHEVENT (CT 2025-03-25), 2 records)"),
    ]
    assert (c.errors, c.warnings, c.extended_terms) == (0, 2, 0)


def test_missing_domain_that_the_spec_maps_has_no_excuse(no_lb):
    c = conformance("sdtm", no_lb, "reports/validation-sdtm.html", mapped=frozenset({"DM", "LB"}))
    assert c.left[0]["reason"].startswith("no reason recorded; review the finding (SC-PRES-021: Missing LB dataset")


def test_headline_counts_by_severity_with_extended_terms_and_the_report_path(no_lb):
    c = conformance("sdtm", no_lb, "reports/validation-sdtm.html")
    assert c.headline("build") == "SDTM conformance 0 errors / 2 warnings -> build/reports/validation-sdtm.html"
    one = type(c)("adam", "adamig-1.3", 1, 1, 0, 1, "reports/validation-adam.html")
    assert one.headline("out/") == ("ADaM conformance 1 error / 1 warning (1 extended term) -> "
                                    "out/reports/validation-adam.html")
