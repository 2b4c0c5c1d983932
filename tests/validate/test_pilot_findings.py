"""The CDISC pilot SDTM and ADaM packages, validated whole: the standard and CT version chosen for a 3.2 package
with a Define-XML 2.0, and the findings per dataset and rule pinned in a golden file a reviewer can read
(``pilot_findings.yaml``; see ``pilot_findings.py``), every class that Pinnacle 21 would not report explained."""

from __future__ import annotations

import pytest
import yaml

from tests.validate.pilot_findings import GOLDEN, current


@pytest.fixture(scope="module")
def pilot(tmp_path_factory):
    return current(tmp_path_factory.mktemp("pilot"))


def test_a_3_2_package_is_checked_with_sdtmig_3_2_and_the_ct_its_define_matches(pilot):
    sdtm = pilot["sdtm"]
    assert (sdtm["standard"], sdtm["ct"]) == ("sdtmig-3.2", "2017-09-29")
    assert sdtm["notes"][0].startswith("standards metadata: SDTMIG 3.2 (define.xml: CDISC SDTM 3.2)")
    assert sdtm["notes"][1].startswith("CT 2017-09-29: best match of the define's 25 CDISC codelists")


def test_no_version_artifacts_remain(pilot):
    """The classes that came from checking a 3.2 package with SDTMIG 3.4 and CT 2025: QSCAT and unit 'sec' not in
    CT, TSVCDREF under DICTNAM, DSDY/SESTDY/SEENDY labels; none is left."""
    rules = pilot["sdtm"]["rules"]
    assert not [d for d in rules["SC-CT-002 (CT2002)"] if d.startswith("QS")]  # ADAS-COG, MMSE, 'sec' are CT 2017
    assert "TS" in rules["SC-CT-002 (CT2002)"] and rules["SC-CT-002 (CT2002)"]["TS"] == 4  # TSPARM(CD) only
    labels = rules["SC-META-009 (SD0063)"]
    assert "DS" not in labels and "SE" not in labels  # DSDY, SESTDY, SEENDY: no SDTMIG 3.2 label to compare


def test_findings_per_dataset_and_rule_are_the_reviewed_ones(pilot):
    golden = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    assert pilot == golden, "findings changed: review, then python -m tests.validate.pilot_findings"


def test_every_class_pinnacle_21_would_not_report_has_its_reason(pilot):
    for kind in ("sdtm", "adam"):
        assert pilot[kind]["unexplained"] == []
        no_p21 = {r for r in pilot[kind]["rules"] if "(" not in r}
        assert no_p21 == set(pilot[kind]["not_p21"])
