"""Our conversion of the CDISC pilot's raw eCRF data (specs only) against the SDTM pharmaverse publishes.

DM, AE, DS, EX and VS are compared record by record on natural keys (tests/pilot/compare.py); every
difference must be listed in tests/pilot/exceptions.yaml with its count and reason, and every listed
exception must still occur exactly that many times.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from sdtm_convert.pipeline import convert
from tests.pilot import compare as cmp

ROOT = Path(__file__).resolve().parents[2]
EXCEPTIONS = Path(__file__).with_name("exceptions.yaml")


@pytest.fixture(scope="module")
def conversion():
    return convert(ROOT / "sample_data" / "cdiscpilot01", ROOT / "mappings" / "cdiscpilot01")


@pytest.fixture(scope="module")
def differences(conversion):
    return [d for dom in cmp.DOMAINS for d in cmp.compare(dom, conversion.sdtm[dom], cmp.read_reference(dom))]


@pytest.fixture(scope="module")
def exceptions():
    return yaml.safe_load(EXCEPTIONS.read_text(encoding="utf-8"))


def test_conversion_has_no_errors_and_accounts_for_every_raw_row(conversion):
    assert not conversion.errors, [i.one_line() for i in conversion.errors[:5]]
    rec = conversion.reconciliation
    assert rec["rows_unaccounted"].sum() == 0
    assert (rec["rows_read"] == rec["rows_mapped"] + rec["rows_rejected"]).all()


def test_exceptions_are_well_formed(exceptions):
    for exc in exceptions:
        assert set(exc) <= {"dataset", "variable", "where", "ours", "pharmaverse", "count", "reason"}, exc
        assert exc["dataset"] in cmp.DOMAINS and exc["variable"] and exc["reason"].strip(), exc
        assert isinstance(exc["count"], int) and exc["count"] > 0, exc


@pytest.mark.parametrize("domain", cmp.DOMAINS)
def test_record_counts_match_up_to_listed_extra_records(conversion, exceptions, domain):
    extra = {"ours": 0, "pharmaverse": 0}
    for exc in exceptions:
        if exc["dataset"] == domain and exc["variable"] == cmp.RECORD:
            extra["ours" if exc.get("ours") == "ours" else "pharmaverse"] += exc["count"]
    reference = cmp.read_reference(domain)
    assert len(conversion.sdtm[domain]) - extra["ours"] == len(reference) - extra["pharmaverse"]


def test_every_difference_is_a_listed_exception(differences, exceptions):
    _, uncovered = cmp.assign(exceptions, differences)
    assert not uncovered, "differences not in exceptions.yaml:\n" + cmp.summary(uncovered).to_string()


def test_every_exception_still_occurs_exactly(differences, exceptions):
    counts, _ = cmp.assign(exceptions, differences)
    stale = [
        (e["dataset"], e["variable"], e.get("where"), e["count"], n)
        for e, n in zip(exceptions, counts)
        if n != e["count"]
    ]
    assert not stale, f"(dataset, variable, where, listed, found): {stale}"


def test_exception_matching_is_by_dataset_variable_filter_and_values():
    rec = (("USUBJID", "01-1"), ("VSTESTCD", "TEMP"))
    d = cmp.Difference("VS", "VSORRES", "36", "036", rec)
    assert cmp.covers({"dataset": "VS", "variable": "VSORRES", "where": {"VSTESTCD": ["TEMP", "X"]}}, d)
    assert not cmp.covers({"dataset": "VS", "variable": "VSORRES", "where": {"VSTESTCD": "WEIGHT"}}, d)
    assert not cmp.covers({"dataset": "VS", "variable": "VSORRES", "ours": "37"}, d)
    assert cmp.covers({"dataset": "VS", "variable": "VSORRES", "pharmaverse": "036"}, d)


def test_a_variable_only_one_side_has_is_a_difference():
    ours = pd.DataFrame({"USUBJID": ["01-1"], "RFENDTC": ["2013-08-02"], "EPOCH": ["TREATMENT"]})
    theirs = pd.DataFrame({"USUBJID": ["01-1"], "RFENDTC": ["2013-08-03"], "BRTHDTC": ["1950"]})
    found = [(d.variable, d.ours, d.pharmaverse) for d in cmp.compare("DM", ours, theirs)]
    assert found == [("RFENDTC", "2013-08-02", "2013-08-03"), ("__variable__", "EPOCH", ""), ("__variable__", "", "BRTHDTC")]
