"""The shipped metadata version that checks a package, and the note that says which and why."""

from __future__ import annotations

import pytest

from sdtm_convert.standards.versions import ADAMIG_RELEASES, choose_metadata, nearest


@pytest.mark.parametrize(
    ("declared", "ig", "model", "model_used"),
    [
        ("sdtmig-3.1.2", "3.1.2", "1.2", "1.2"),
        ("sdtmig-3.1.3", "3.1.3", "1.3", "1.3"),
        ("sdtmig-3.2", "3.2", "1.4", "1.4"),
        ("sdtmig-3.3", "3.4", "1.7", "1.4"),
        ("sdtmig-3.4", "3.4", "2.0", "1.4"),
        ("sdtmig-3.1.1", "3.1.2", "1.1", "1.2"),
        ("sdtmig-3.5", "3.4", "2.0", "1.4"),
    ],
)
def test_sdtmig_and_model_chosen_for_a_declared_version(declared, ig, model, model_used):
    m = choose_metadata(declared)
    assert (m.kind, m.version, m.model, m.model_used) == ("sdtm", ig, model, model_used)


@pytest.mark.parametrize(("declared", "used"), [("1.0", "1.0"), ("1.1", "1.0"), ("1.2", "1.3"), ("1.3", "1.3")])
def test_adamig_nearest_release(declared, used):
    assert choose_metadata(f"adamig-{declared}").version == used


def test_tie_between_releases_goes_to_the_later_one():
    assert nearest("1.2", ("1.0", "1.1", "1.2", "1.3", "1.4"), ("1.1", "1.3")) == "1.3"
    assert nearest("1.1", ADAMIG_RELEASES, ("1.0", "1.3")) == "1.0"


def test_note_says_which_version_was_used_and_why():
    assert choose_metadata("sdtmig-3.3").note("define.xml: CDISC SDTM 3.3") == (
        "standards metadata: SDTMIG 3.3 (define.xml: CDISC SDTM 3.3) not shipped; used SDTMIG 3.4 (nearest later); "
        "SDTM model 1.7 not shipped: general-class variables of SDTM model 1.4 (newest shipped) and of the "
        "SDTMIG 3.4 domains")
    assert choose_metadata("sdtmig-3.2").note("requested") == (
        "standards metadata: SDTMIG 3.2 (requested); general-class variables of SDTM model 1.4")
    assert choose_metadata("sdtmig-3.1.1").note() == (
        "standards metadata: SDTMIG 3.1.1 not shipped; used SDTMIG 3.1.2 (oldest shipped); "
        "SDTM model 1.1 not shipped: general-class variables of SDTM model 1.2 (oldest shipped) and of the "
        "SDTMIG 3.1.2 domains")
    assert choose_metadata("adamig-1.1").note() == (
        "standards metadata: ADaMIG 1.1 not shipped; used ADaMIG 1.0 (nearest earlier)")
