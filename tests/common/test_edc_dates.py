import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sdtm_convert.common import edc_dates as dates


def conv(values, fmt="DD MON YYYY"):
    iso, problem = dates.edc_to_iso(pd.Series(values, dtype=object), fmt)
    return list(iso), [p if isinstance(p, str) else None for p in problem]


def test_edc_full_and_partial_dates():
    iso, problem = conv(["12 MAR 2022", "UN MAR 2022", "UN UNK 2021", "15 UNK 2022", "1 jan 2022", "", None])
    assert iso == ["2022-03-12", "2022-03", "2021", "2022---15", "2022-01-01", "", ""]
    assert problem == [None] * 7


@pytest.mark.parametrize(
    "value,fmt,code",
    [
        ("31 FEB 2022", "DD MON YYYY", dates.NONEXISTENT),
        ("29 FEB 2023", "DD MON YYYY", dates.NONEXISTENT),
        ("2022-13-01", "YYYY-MM-DD", dates.INVALID),
        ("12 MAR 22", "DD MON YYYY", dates.TWO_DIGIT_YEAR),
        ("12 XYZ 2022", "DD MON YYYY", dates.INVALID),
        ("UN UN UNK", "DD MON YYYY", dates.INVALID),
        ("yesterday", "DD MON YYYY", dates.INVALID),
    ],
)
def test_edc_bad_dates_are_reported_and_left_empty(value, fmt, code):
    iso, problem = conv([value], fmt)
    assert iso == [""]
    assert problem == [code]


def test_leap_day_is_valid():
    assert conv(["29 FEB 2024"])[0] == ["2024-02-29"]


def test_add_time_only_to_complete_dates():
    iso = pd.Series(["2022-03-12", "2022-03", "2022-03-12"])
    out, problem = dates.add_time(iso, pd.Series(["14:30", "10:00", "25:00"]))
    assert list(out) == ["2022-03-12T14:30", "2022-03", "2022-03-12"]
    assert [p if isinstance(p, str) else None for p in problem] == [None, None, dates.TIME_INVALID]


def test_iso_helpers():
    s = pd.Series(["2022-03-12T14:30", "2022-03", "2022---15", "2022", "", "2022-03-12", "2022-02-30"])
    # 2022-02-30 is no date: nothing in it is known (the one reader, common/iso8601.py)
    assert dates.is_complete_date(s).tolist() == [True, False, False, False, False, True, False]
    assert dates.iso_to_date(s).notna().tolist() == [True, False, False, False, False, True, False]
    assert dates.iso_to_datetime(s).notna().tolist() == [True, False, False, False, False, False, False]
    assert dates.date_precision(s).tolist() == [5, 2, 1, 1, 0, 3, 0]
    assert dates.is_iso8601_dtc(pd.Series(["2022-03-12T14:30", "2022---15", "2022-03-", "12MAR2022"])).tolist() == [
        True, True, False, False]


@given(st.dates(min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2099-12-31").date()),
       st.sampled_from(["day", "month", "both", "none"]))
def test_edc_round_trips_any_date(d, unknown):
    months = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
    day = "UN" if unknown in ("day", "both") else f"{d.day:02d}"
    mon = "UNK" if unknown in ("month", "both") else months[d.month - 1]
    iso, problem = conv([f"{day} {mon} {d.year}"])
    expected = {
        "none": d.isoformat(),
        "day": f"{d.year:04d}-{d.month:02d}",
        "month": f"{d.year:04d}---{d.day:02d}",
        "both": f"{d.year:04d}",
    }[unknown]
    assert iso == [expected] and problem == [None]
    assert dates.is_iso8601_dtc(pd.Series(iso)).all()


def test_user_formats_compile_from_tokens_and_separators():
    from sdtm_convert.common.edc_dates import format_regex

    assert format_regex("YYYY/MM/DD") == r"(?P<y>\w{1,4})/(?P<m>\w{1,4})/(?P<d>\w{1,4})"
    assert format_regex("YYYYMM") == r"(?P<y>\w{4})(?P<m>\w{2})(?P<d>)"
    for bad, why in [("YYYY/QQ/DD", "'QQ' is not"), ("MM/DD", "no YYYY"), ("YYYY/MM/MM", "two MM")]:
        with pytest.raises(ValueError, match=why):
            format_regex(bad)
