"""The one ISO 8601 reader (SDTMIG 3.4 §4.4), and every caller that reads ISO 8601 agreeing with it."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdtm_convert.adam.derive.dates import compute_dt, compute_dtm
from sdtm_convert.common import edc_dates as dates
from sdtm_convert.common import iso8601
from sdtm_convert.derive import _common
from sdtm_convert.rowschema.patterns import PATTERNS
from sdtm_convert.sdtm.trialdesign import ts_values
from sdtm_convert.validate import helpers
from sdtm_convert.validate.rules.consistency import _after

# value, valid, precision, sort key, date (or None)
CASES = [
    ("2021", True, 1, "2021", None),
    ("2021-03", True, 2, "2021-03", None),
    ("2021-03-15", True, 3, "2021-03-15", "2021-03-15"),
    ("2020-02-29", True, 3, "2020-02-29", "2020-02-29"),
    ("2021-02-29", False, 0, "", None),  # no such day
    ("2021-04-31", False, 0, "", None),
    ("2021-13-01", False, 0, "", None),
    ("2021-00-10", False, 0, "", None),
    ("--12", True, 0, "", None),  # year unknown, December
    ("--02-29", True, 0, "", None),  # may exist: the year is unknown
    ("2021---15", True, 1, "2021", None),  # month unknown: known to the year
    ("2021---", False, 0, "", None),  # a value never ends with a placeholder
    ("2021-03-15T", False, 0, "", None),  # "T" without an hour
    ("T", False, 0, "", None),
    ("2021-03-15T10", True, 4, "2021-03-15T10", "2021-03-15"),
    ("2021-03-15T10:30", True, 5, "2021-03-15T10:30", "2021-03-15"),
    ("2021-03-15T10:30:45", True, 6, "2021-03-15T10:30:45", "2021-03-15"),
    ("2021-03-15T10:30:45.5", True, 6, "2021-03-15T10:30:45", "2021-03-15"),
    ("2021-03-15T25:00", False, 0, "", None),
    ("2021-03-15T10:60", False, 0, "", None),
    ("2021-03-15T10:30Z", True, 5, "2021-03-15T10:30", "2021-03-15"),
    ("2021-03-15T10:30+01:00", True, 5, "2021-03-15T10:30", "2021-03-15"),
    ("2021-03-15T-:30", True, 3, "2021-03-15", "2021-03-15"),
    ("2021-03-15T10:30:45:00", False, 0, "", None),
    ("2021-03-15 10:30", False, 0, "", None),
    (" 2021-03-15", False, 0, "", None),
    ("21-03-15", False, 0, "", None),
    ("2021-3-5", False, 0, "", None),
    ("P3D", False, 0, "", None),  # a duration, not a datetime
    ("2021-03-15/2021-03-20", False, 0, "", None),
    ("", False, 0, "", None),
]


@pytest.mark.parametrize("value,valid,prec,key,date", CASES)
def test_reader_follows_sdtmig(value, valid, prec, key, date):
    s = pd.Series([value], dtype=object)
    assert iso8601.is_valid(s).tolist() == [valid]
    assert iso8601.precision(s).tolist() == [prec]
    assert iso8601.sort_key(s).tolist() == [key]
    got = iso8601.to_date(s).iloc[0]
    assert (None if pd.isna(got) else got.strftime("%Y-%m-%d")) == date


def test_durations_and_intervals_only_when_asked():
    s = pd.Series(["P3D", "-PT15M", "P2W", "2021-03-15/2021-03-20", "2021-02-30/P3D", "P", "PT"], dtype=object)
    assert iso8601.is_valid(s).tolist() == [False] * 7
    assert iso8601.is_valid(s, durations=True).tolist() == [True, True, True, False, False, False, False]
    assert iso8601.is_valid(s, durations=True, intervals=True).tolist() == [True, True, True, True, False, False, False]
    assert iso8601.is_duration(s).tolist() == [True, False, True, False, False, False, False]


def test_days_in_month_counts_leap_years_and_unknown_years_as_leap():
    y = pd.Series([2021, 2024, 1900, 2000, math.nan, 2021])
    m = pd.Series([2, 2, 2, 2, 2, math.nan])
    assert iso8601.days_in_month(y, m).fillna(-1).tolist() == [28, 29, 28, 29, 29, -1]


def test_compare_at_common_precision_and_invalid_is_unknown():
    a = pd.Series(["2021-03-15", "2022---15", "2021-03-15T10:30Z", "2021-02-30", None, "2021-03-15T10"], index=list("abcdef"))
    b = pd.Series(["2021-03", "2021-03-01", "2021-03-15T10:31", "2021", "2021", "2021-03-15T09:59"])
    got = iso8601.compare(a, b)
    assert list(got.index) == list("abcdef")
    assert [None if math.isnan(v) else v for v in got] == [0.0, 1.0, -1.0, None, None, 1.0]
    assert iso8601.compare(a, b, min_precision=3).isna().tolist() == [True, True, False, True, True, False]


# text made of the pieces ISO 8601 values are written with: valid, near-valid and broken values
_piece = st.sampled_from(
    ["2021", "2020", "1900", "-", "--", "-02", "-03", "-12", "-13", "-00", "-15", "-29", "-30", "-31", "T", "T10", "T25",
     "T-", ":30", ":60", ":-", ":45", ".5", "Z", "+01:00", "/", "P3D", " ", "3"]
)
_values = st.lists(st.lists(_piece, min_size=1, max_size=7).map("".join), min_size=1, max_size=25)


def _calendar_only(value: str) -> bool:
    """Shaped like a datetime but naming a day the calendar lacks (what no regex can see)."""
    m = re.match(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value)
    if not m:
        return False
    try:
        dt.date(*map(int, m.groups()))
    except ValueError:
        return True
    return False


@settings(max_examples=40, deadline=None)  # each example is a list of values through six readers
@given(_values)
def test_every_caller_reads_iso8601_as_the_one_reader(values):
    """Validity, dates and precision: the SDTM dates module, the derivations, ADaM, the validator, the row schema
    patterns and the trial design tables say the same of the same text."""
    s = pd.Series(values, dtype=object)
    valid = iso8601.is_valid(s)
    day = iso8601.to_date(s)
    assert dates.is_iso8601_dtc(s).tolist() == (valid | s.eq("")).tolist()
    assert (~helpers.iso8601_invalid(s)).tolist() == (
        s.str.strip().eq("") | iso8601.is_valid(s, durations=True, intervals=True)
    ).tolist()
    schema = [bool(re.search(PATTERNS["datetime"], v)) and v != "" for v in values]
    assert [sch and not _calendar_only(v) for sch, v in zip(schema, values, strict=True)] == valid.tolist()
    plain_date = valid & iso8601.precision(s).le(3) & iso8601.sort_key(s).eq(s)
    assert [ts_values.valid_date(v) for v in values] == plain_date.tolist()
    for reader in (dates.iso_to_date, _common.to_date, helpers.iso_date):
        assert reader(s).equals(day)
    sas = compute_dt(s)[0]
    assert sas.notna().tolist() == day.notna().tolist()
    assert compute_dtm(s)[0].notna().tolist() == day.notna().tolist()
    assert helpers.iso_days(s).notna().tolist() == day.notna().tolist()
    assert dates.date_precision(s).tolist() == _common.precision(s).tolist() == iso8601.precision(s).tolist()
    assert dates.iso_to_datetime(s).notna().tolist() == iso8601.precision(s).ge(5).tolist()


# whole values near the calendar's edges: late days of every month, leap and unknown years, times, intervals
_late = st.builds(
    lambda y, m, d, rest: f"{y}-{m}-{d}{rest}",  # rest: a time (a placeholder, an offset), an interval's end
    st.sampled_from(["2021", "2020", "1900", "2000", "-"]),
    st.sampled_from(["01", "02", "04", "06", "09", "11", "12", "13", "-"]),
    st.sampled_from(["28", "29", "30", "31", "32", "-"]),
    st.sampled_from(["", "T10", "T10:30Z", "T-:30", "T10:-:45", "T10:30:45.5-05", "T23:59:60", "/2021-02-29",
                     "/2020-02-29", "/P3D", "T", " "]),
)
_mixed = st.lists(st.one_of(_late, st.lists(_piece, min_size=1, max_size=7).map("".join)), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(_mixed)
def test_validity_and_dates_without_the_component_parse_agree_with_it(values):
    """is_valid, precision, sort_key, to_date and to_datetime skip the component frame (regexes on the distinct
    values, the calendar only for late days): they say what parse says, durations and intervals included (an
    interval is valid when both ends are)."""
    s = pd.Series(values + [None], dtype=object)
    p = iso8601.parse(s)
    assert iso8601.is_valid(s).tolist() == p["valid"].tolist()
    assert iso8601.precision(s).tolist() == p["precision"].tolist()
    assert iso8601.sort_key(s).tolist() == p["key"].tolist()
    minute = p["key"].where(p["precision"] >= iso8601.MINUTES)
    assert iso8601.to_datetime(s).tolist() == pd.to_datetime(minute, format="ISO8601", errors="coerce").tolist()
    day = p["key"].str.slice(0, 10).where(p["precision"] >= iso8601.DATE)
    assert iso8601.to_date(s).tolist() == pd.to_datetime(day, format="%Y-%m-%d", errors="coerce").tolist()
    ends = s.fillna("").str.split("/")
    end_ok = [len(e) == 2 and all(x and ("P" in x or iso8601.parse(pd.Series([x]))["valid"].iloc[0]) for x in e)
              for e in ends]
    shaped = s.fillna("").str.fullmatch(iso8601.INTERVAL).tolist()
    interval = [a and b for a, b in zip(shaped, end_ok, strict=True)]
    duration = s.fillna("").str.fullmatch(iso8601.SIGNED_DURATION).tolist()
    full = iso8601.is_valid(s, durations=True, intervals=True).tolist()
    assert full == [v or i or d for v, i, d in zip(p["valid"], interval, duration, strict=True)]


def test_validity_without_the_component_parse_checks_the_calendar_on_late_days():
    s = pd.Series(["2021-02-29", "2020-02-29", "1900-02-29", "2000-02-29", "--02-29", "--02-30", "2021-04-31",
                   "2021-04-30T10:30", "2021---31", "2021-02-29/2021-03-01", "2020-02-29/P3D", "P3D/2021-11-31"])
    assert iso8601.is_valid(s).tolist() == [False, True, False, True, True, False, False, True, True] + [False] * 3
    assert iso8601.is_valid(s, intervals=True).tolist()[-3:] == [False, True, False]
    assert iso8601.to_date(s).notna().tolist() == [False, True, False, True, False, False, False, True] + [False] * 4


@settings(max_examples=100, deadline=None)
@given(_values, _values)
def test_validator_date_order_uses_the_one_comparison(a, b):
    n = min(len(a), len(b))
    sa, sb = pd.Series(a[:n], dtype=object), pd.Series(b[:n], dtype=object)
    assert _after(sa, sb).tolist() == iso8601.compare(sa, sb).gt(0).tolist()


def test_validator_date_order_at_the_precision_both_have():
    """The validator's "A is after B" on literal pairs, the answers worked out by hand (SDTMIG 3.4 §4.4.2: a
    partial date is compared at the precision both values have; an invalid or empty value never compares)."""
    pairs = [("2021-03-01", "2021-02-28", True), ("2021", "2020-12-31", True), ("2021-03", "2021-03-15", False),
             ("2021-03-15T10:00", "2021-03-15", False), ("2021-03-15T10:00", "2021-03-15T09:59", True),
             ("2021-03-15T10:00:01", "2021-03-15T10:00", False), ("2021-02-30", "2021-01-01", False),
             ("", "2021", False), ("2020-02-29", "2020-02-28", True), ("2021-01-01", "2021-01-02", False)]
    a = pd.Series([x for x, _, _ in pairs], dtype=object)
    b = pd.Series([y for _, y, _ in pairs], dtype=object)
    assert _after(a, b).tolist() == [want for _, _, want in pairs]


def test_pharmaverse_sdtm_dates_read_as_published():
    """--DTC values of pharmaverse's published SDTM (pharmaverse/pharmaversesdtm @530a5ea8, ae/cm/dm/ds/ex/lb/mh/sv/
    vs/ts; twelve of each shape, copied to tests/common/data/pharmaverse_dtc.csv): every one valid, known to its
    full length, and the same calendar day Python's own ISO reader gives."""
    ref = pd.read_csv(Path(__file__).parent / "data" / "pharmaverse_dtc.csv", dtype=str, keep_default_na=False)
    s = ref["value"]
    assert iso8601.is_valid(s).all()
    assert iso8601.precision(s).tolist() == [{4: 1, 7: 2, 10: 3, 16: 5}[len(v)] for v in s]
    assert iso8601.sort_key(s).tolist() == s.tolist()
    days = iso8601.to_date(s)
    assert [None if pd.isna(d) else d.date() for d in days] == [
        dt.date.fromisoformat(v[:10]) if len(v) >= 10 else None for v in s]
