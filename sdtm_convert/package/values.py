"""Values of two versions of a dataset compared one column at a time, vectorised (the rules are listed in
:mod:`sdtm_convert.package.agreement`): a column as numbers or text (``column``), which values agree
(``same``), keys as comparable text (``key_text``), and values as an example shows them (``shown``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common.text import number_text
from sdtm_convert.package._sasdates import SAS_EPOCH, to_iso

REL_TOL = 1e-9
SECONDS_TOL = 1e-6  # seconds: an ISO text's fraction against a SAS number
DAYS_BELOW = 1_000_000  # a SAS number below this (in magnitude) is a date in days, at or above a datetime in seconds
TEMPORAL = ("date", "datetime", "time")
# ISO 8601 date, datetime or time; a blank for the T too, as R's write.csv writes a datetime (2014-01-02 08:30:00)
_ISO = re.compile(r"^(?:(\d{4}-\d{2}-\d{2}))?(?:[T ]?(\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$")


# -- one column, canonical ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column as numbers (float64, NaN missing) or as text (trailing blanks stripped, "" missing)."""

    values: np.ndarray
    numeric: bool
    temporal: str | None = None  # date / datetime / time when the file says the numbers are one


def column(s: pd.Series, temporal: str | None) -> Column:
    if pd.api.types.is_datetime64_any_dtype(s):
        ts = pd.to_datetime(s)
        if getattr(ts.dt, "tz", None) is not None:
            ts = ts.dt.tz_localize(None)
        secs = (ts - pd.Timestamp(SAS_EPOCH)).dt.total_seconds().to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            whole_days = bool(np.all(np.isnan(secs) | (np.mod(secs, 86400) == 0)))
        return Column(secs / 86400 if whole_days else secs, True, "date" if whole_days else "datetime")
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return Column(pd.to_numeric(s).to_numpy(dtype="float64", na_value=np.nan), True, temporal)
    codes, uniq = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)  # once per distinct value
    table = np.array(["" if _missing(x) else str(x).rstrip() for x in uniq] + [""], dtype=object)
    return Column(table[np.where(codes < 0, len(uniq), codes)], False)


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x))


def _iso_parts(text: str) -> tuple[float | None, float | None] | None:
    """(SAS day, seconds in the day) of ISO 8601 text, either None when the text lacks it; None when not ISO."""
    m = _ISO.match(text)
    if not m or not (m.group(1) or m.group(2)):
        return None
    try:
        day = float((date.fromisoformat(m.group(1)) - SAS_EPOCH).days) if m.group(1) else None
    except ValueError:
        return None
    if m.group(2) is None:
        return day, None
    return day, int(m.group(2)) * 3600 + int(m.group(3)) * 60 + float(m.group(4) or 0)


def _text_kind(text: np.ndarray) -> str | None:
    """``iso`` / ``time`` when every non-missing text reads as ISO 8601 (``time``: times only), else None."""
    present = [t for t in pd.unique(text) if t != ""]
    parsed = [_iso_parts(t) for t in present]
    if not present or any(p is None for p in parsed):
        return None
    return "time" if all(p is not None and p[0] is None for p in parsed) else "iso"


def _num_parts(x: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(day, seconds) of SAS numbers of ``kind``; NaN where the kind has no such part."""
    nan = np.full(len(x), np.nan)
    if kind == "date":
        return np.floor(x), nan
    if kind == "time":
        return nan, x
    day = np.floor(x / 86400)
    return day, x - day * 86400


def _text_parts(text: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(day, seconds, is ISO) of each text."""
    codes, uniq = pd.factorize(text)
    parts = [_iso_parts(t) if t != "" else None for t in uniq]
    day = np.array([np.nan if p is None or p[0] is None else p[0] for p in parts] + [np.nan])
    sec = np.array([np.nan if p is None or p[1] is None else p[1] for p in parts] + [np.nan])
    ok = np.array([p is not None for p in parts] + [False])
    idx = np.where(codes < 0, len(uniq), codes)
    return day[idx], sec[idx], ok[idx]


def _temporal_kind(num: Column, text: Column) -> str | None:
    """The kind of the numbers when they are to be read as dates against ``text``, else None."""
    if num.temporal:
        return num.temporal
    kind = _text_kind(text.values)
    if kind is None:
        return None
    if kind == "time":
        return "time"
    finite = num.values[~np.isnan(num.values)]
    return "date" if not len(finite) or np.abs(finite).max() < DAYS_BELOW else "datetime"


def _same_temporal(x: np.ndarray, kind: str, text: np.ndarray) -> np.ndarray:
    nday, nsec = _num_parts(x, kind)
    tday, tsec, iso = _text_parts(text)
    both_day = ~np.isnan(nday) & ~np.isnan(tday)
    both_sec = ~np.isnan(nsec) & ~np.isnan(tsec)
    with np.errstate(invalid="ignore"):
        same = (iso & (both_day | both_sec) & (~both_day | (nday == tday))
                & (~both_sec | (np.abs(nsec - tsec) <= SECONDS_TOL)))
    return same | (np.isnan(x) & (text == ""))


def same(a: Column, b: Column) -> tuple[np.ndarray, str | None]:
    """Which values agree, and the date kind of the numbers (to show them as ISO text) when they are dates."""
    if a.numeric and b.numeric:  # two date numbers compare as numbers, and are shown as dates
        return np.isclose(a.values, b.values, rtol=REL_TOL, atol=0.0, equal_nan=True), a.temporal or b.temporal
    if not a.numeric and not b.numeric:
        return a.values == b.values, None
    num, text = (a, b) if a.numeric else (b, a)
    kind = _temporal_kind(num, text)
    if kind:
        return _same_temporal(num.values, kind, text.values), kind
    parsed = pd.to_numeric(pd.Series(text.values), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        close = ~np.isnan(parsed) & np.isclose(num.values, parsed, rtol=REL_TOL, atol=0.0)
    return close | (np.isnan(num.values) & (text.values == "")), None


def shown(col: Column, value: Any, kind: str | None) -> Any:
    """A value as an example shows it: plain Python, a date number also as ISO text."""
    if col.numeric:
        if math.isnan(value):
            return None
        if kind:
            return to_iso(value, kind)
        return int(value) if float(value).is_integer() else float(value)
    return value


# -- keys ------------------------------------------------------------------------------------------------------


def key_text(a: Column, b: Column) -> tuple[np.ndarray, np.ndarray]:
    """Both sides of one key as comparable text."""
    if a.numeric and b.numeric:
        return _num_text(a.values), _num_text(b.values)
    if not a.numeric and not b.numeric:
        return a.values, b.values
    num, text = (a, b) if a.numeric else (b, a)
    kind = _temporal_kind(num, text)
    if kind:
        nday, nsec = _num_parts(num.values, kind)
        tday, tsec, iso = _text_parts(text.values)
        # a date, or text without a time somewhere, is matched on the day alone
        coarse = kind == "date" or (kind == "datetime" and bool(np.isnan(tsec[iso]).any()))
        nt = _parts_text(nday, None if coarse else nsec)
        tt = np.where(iso, _parts_text(tday, None if coarse else tsec), text.values)
    else:
        parsed = pd.to_numeric(pd.Series(text.values), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        nt = _num_text(num.values)
        tt = np.where(np.isnan(parsed), text.values, _num_text(parsed))
    return (nt, tt) if a.numeric else (tt, nt)


def _num_text(x: np.ndarray) -> np.ndarray:
    return number_text(pd.Series(x)).to_numpy(dtype=object)


def _parts_text(day: np.ndarray, sec: np.ndarray | None) -> np.ndarray:
    d = _num_text(day)
    return d if sec is None else d + "T" + _num_text(np.round(sec, 6))


def plain(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else (int(v) if float(v).is_integer() else float(v))
    if isinstance(v, np.integer):
        return int(v)
    return v
