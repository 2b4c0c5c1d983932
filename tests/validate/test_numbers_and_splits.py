"""Numbers compared as numbers; partial ISO 8601 dates; split datasets share the parent domain."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from sdtm_convert.validate import validate_package
from sdtm_convert.validate.helpers import decimals, iso8601_invalid, tolerance
from tests.validate.conftest import sdtm_base


def test_text_decimal_equals_its_binary_float():
    c, n = pd.Series([8.55, 61.5]), pd.Series([8.549999999999999, 61.55172413793103])
    diff = (c - n).abs()
    assert list(diff <= tolerance(c, n)) == [True, False]


def test_decimals_of_stored_values():
    assert decimals(pd.Series([8.549999999999999, 4.2, 3.0, 0.1 + 0.2])).tolist() == [2, 1, 0, 1]


def test_stresn_stresc_and_visitnum_float_noise_are_not_findings():
    # base LB holds '8.55' vs 8.549999999999999 and VISITNUM 2.0000000001 vs 2
    checked = ["SC-CONS-012", "SC-CONS-003", "SC-CONS-004", "SC-XREF-006", "SC-XREF-007"]
    assert not set(checked) & validate_package(sdtm_base(), rules=checked).rule_ids()


@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(1, 28), st.integers(0, 3))
def test_partial_iso_dates_are_valid(y, m, d, cut):
    full = f"{y:04d}-{m:02d}-{d:02d}T10:30:15"
    value = [f"{y:04d}", f"{y:04d}-{m:02d}", f"{y:04d}-{m:02d}-{d:02d}", full][cut]
    assert not iso8601_invalid(pd.Series([value, f"{y:04d}---{d:02d}"], dtype=object)).any()


def test_invalid_iso_dates():
    bad = pd.Series(["2010-13", "2010-02-30", "10/03/2010", "2010-3-1", "P"], dtype=object)
    assert iso8601_invalid(bad).all()


def test_partial_date_2010_gives_no_finding():
    p = sdtm_base()
    p["AE"].loc[1, "AESTDTC"] = "2010"
    p["AE"].loc[1, "AEENDTC"] = "2010-06"
    f = validate_package(p, rules=["SC-FMT", "SC-CONS"]).findings
    assert f[(f["dataset"] == "AE") & f["variable"].isin(["AESTDTC", "AEENDTC"])].empty


def _split(p):
    lb = p.pop("LB")
    p["LBCH"] = lb.iloc[[0, 2]].reset_index(drop=True)
    p["LBHE"] = lb.iloc[[1, 3]].reset_index(drop=True)
    supp = p.pop("SUPPLB")
    p["SUPPLBCH"], p["SUPPLBHE"] = supp.iloc[[1]].reset_index(drop=True), supp.iloc[[0]].reset_index(drop=True)
    return p


def test_supp_of_split_domain_resolves_against_all_splits():
    p = _split(sdtm_base())
    # SUPPLBHE row refers to S-1 LBSEQ 2 (in LBHE), SUPPLBCH to S-2 LBSEQ 1 (in LBCH); cross it over too
    p["SUPPLBCH"].loc[0, "IDVARVAL"] = "2"  # S-2 LBSEQ 2 lives in LBHE: still a valid LB record
    r = validate_package(p, rules=["SC-XREF-008"])
    assert "SC-XREF-008" not in r.rule_ids()
    assert {d["dataset"]: d["domain"] for d in r.datasets}["LBHE"] == "LB"


def test_supp_reference_to_missing_record_is_found_in_split_domain():
    p = _split(sdtm_base())
    p["SUPPLBCH"].loc[0, "IDVARVAL"] = "9"
    f = validate_package(p, rules=["SC-XREF-008"]).findings
    hit = f[f["rule"] == "SC-XREF-008"]
    assert hit[["dataset", "record", "usubjid"]].values.tolist() == [["SUPPLBCH", 1, "S-2"]]


def test_seq_space_is_shared_by_splits():
    p = _split(sdtm_base())
    assert "SC-CONS-002" not in validate_package(p, rules=["SC-CONS-002"]).rule_ids()
    p["LBHE"].loc[0, "LBSEQ"] = 1.0  # S-1 LBSEQ 1 already in LBCH
    f = validate_package(p, rules=["SC-CONS-002"]).findings
    assert f[f["rule"] == "SC-CONS-002"][["dataset", "seq"]].values.tolist() == [["LBHE", 1.0]]


def test_split_dataset_domain_value_is_the_parent():
    p = _split(sdtm_base())
    assert "SC-CONS-001" not in validate_package(p, rules=["SC-CONS-001"]).rule_ids()
