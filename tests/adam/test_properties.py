"""Property tests: ISO 8601 → SAS date, partial-date ranges, study day, exact responder test."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sdtm_convert.adam.derive import compute_dt, compute_dt_range, compute_dy, compute_responder

DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
EPOCH = dt.date(1960, 1, 1)


@settings(max_examples=25, deadline=None)
@given(st.lists(DATES, min_size=1, max_size=20))
def test_complete_dates_are_days_since_1960(dates):
    dtc = pd.Series([d.isoformat() for d in dates])
    got, flag = compute_dt(dtc)
    assert got.tolist() == [float((d - EPOCH).days) for d in dates]
    assert set(flag) == {""}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(DATES, st.sampled_from(["month", "year"])), min_size=1, max_size=30))
def test_partial_date_range_contains_the_date_and_imputations_lie_inside(cases):
    s = pd.Series([d.isoformat()[:7] if cut == "month" else d.isoformat()[:4] for d, cut in cases])
    true = pd.Series([float((d - EPOCH).days) for d, _ in cases])
    lo, hi = compute_dt_range(s)
    assert ((lo <= true) & (true <= hi)).all()
    for how in ("first", "mid", "last"):
        v, flag = compute_dt(s, highest_imputation="M", date_imputation=how)
        assert ((lo <= v) & (v <= hi)).all()
        assert flag.tolist() == ["D" if cut == "month" else "M" for _, cut in cases]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(-30000, 30000), st.integers(-30000, 30000)), min_size=1, max_size=50))
def test_study_day_never_zero_and_consistent(pairs):
    dy = compute_dy(pd.Series([float(r) for r, _ in pairs]), pd.Series([float(d) for _, d in pairs]))
    assert (dy != 0).all()
    assert dy.tolist() == [float(d - r + 1 if d >= r else d - r) for r, d in pairs]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 720), st.integers(1, 720)), min_size=1, max_size=50),
    st.sampled_from([50, 75, 90, 100]),
)
def test_responder_equals_exact_rational_test(pairs, k):
    got = compute_responder(pd.Series([p / 10 for p, _ in pairs]), pd.Series([b / 10 for _, b in pairs]), k)
    assert got.tolist() == [1.0 if Fraction(b - p, b) * 100 >= k else 0.0 for p, b in pairs]
