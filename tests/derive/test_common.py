"""The shared ISO 8601 helpers of the derivations, checked against a plain per-value reference."""

from __future__ import annotations

import math
import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sdtm_convert.common.edc_dates import date_precision
from sdtm_convert.derive._common import date_key, iso_compare, precision

_LEN = {0: 0, 1: 4, 2: 7, 3: 10, 4: 13, 5: 16, 6: 19}


def _ref_precision(v: str) -> int:
    m = re.match(r"\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?)?)?", v)
    return 0 if not m else {4: 1, 7: 2, 10: 3, 13: 4, 16: 5, 19: 6}[len(m.group(0))]


def _ref_compare(a: str, b: str, min_precision: int) -> float:
    p = min(_ref_precision(a), _ref_precision(b))
    if p < max(min_precision, 1):
        return math.nan
    n = _LEN[p]
    return float((a[:n] > b[:n]) - (a[:n] < b[:n]))


_iso = st.sampled_from(
    [
        "",
        "2022",
        "2021",
        "2022-03",
        "2022-03-10",
        "2022-03-09",
        "2022-03-10T09",
        "2022-03-10T09:30",
        "2022-03-10T08:59",
        "2022-03-10T09:30:15",
        "2022---10",
        "2022-03-10T-:30",
        "garbage",
    ]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_iso, _iso), min_size=1, max_size=12), st.integers(1, 6))
def test_iso_compare_matches_reference(pairs, min_precision):
    a = pd.Series([p[0] for p in pairs], index=range(100, 100 + len(pairs)))
    b = pd.Series([p[1] for p in pairs])
    got = iso_compare(a, b, min_precision)
    want = [_ref_compare(x, y, min_precision) for x, y in pairs]
    assert list(got.index) == list(a.index)
    assert [None if math.isnan(v) else v for v in got] == [None if math.isnan(v) else v for v in want]


@settings(max_examples=60, deadline=None)
@given(st.lists(_iso, min_size=0, max_size=12))
def test_precision_and_key_agree_with_dates_module(values):
    s = pd.Series(values, dtype=object)
    assert precision(s).tolist() == date_precision(s).tolist() == [_ref_precision(v) for v in values]
    keys = date_key(s).tolist()
    assert keys == [v[: _LEN[p]] for v, p in zip(values, date_precision(s).tolist(), strict=True)]


def test_missing_values_count_as_empty():
    s = pd.Series(["2022-03-10", None, float("nan")], dtype=object)
    assert date_key(s).tolist() == ["2022-03-10", "", ""]
    assert iso_compare(s, pd.Series(["2022-03-11"] * 3)).tolist()[0] == -1.0
