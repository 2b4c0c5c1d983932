"""ISO 8601 date/time text as SDTM writes it (SDTMIG 3.4 §4.4): the one reader.

A value is **valid** when it is ``YYYY-MM-DDThh:mm:ss(.f)`` right-truncated (``2021``, ``2021-03``,
``2021-03-15T10``), with the hyphen placeholder for an unknown component followed by a known one
(``2021---15``, ``--12-15``, ``2021-03-15T-:30``), an optional UTC offset after a time (``T10:30Z``,
``T10:30+01:00``), every component in range, and a date known to the day that exists in the calendar
(``2021-02-29`` is not a date; ``--02-29`` may be). Nothing else is: no blanks around it, no ``T`` without an
hour, no trailing placeholder (``2021---``), no space for ``T``, no two-digit year.

Its **precision** is the number of known leading components (0 none, 1 year .. 6 seconds); a placeholder ends
the known part (``2021---15`` is known to the year). An invalid value has precision 0: nothing in it is known.
Its **sort key** is its known leading part (``2021-03-15T10:30+01:00`` → ``2021-03-15T10:30``); keys of valid
values sort and compare as the instants they name, at the precision both have.

Every function takes a Series and works once per distinct value (a visit date repeats on every record of the
visit). The regexes are written so that ECMA-262 (JSON Schema) and Python read them alike (``[0-9]``, never
``\\d``); ``rowschema``'s patterns are built from them.
"""

from __future__ import annotations

import re
from collections import OrderedDict

import numpy as np
import pandas as pd

YEAR = "[0-9]{4}"
MONTH = "(?:0[1-9]|1[0-2])"
DAY = "(?:0[1-9]|[12][0-9]|3[01])"
HOUR = "(?:[01][0-9]|2[0-3])"
MINUTE = "[0-5][0-9]"
SECOND = "[0-5][0-9](?:\\.[0-9]+)?"
OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)"
# (separator before the component, component)
COMPONENTS = (("", YEAR), ("-", MONTH), ("-", DAY), ("T", HOUR), (":", MINUTE), (":", SECOND))


def _truncated(k: int) -> str:
    """The first ``k`` components; all but the last may be the placeholder ``-``."""
    parts = [sep + (rx if i == k - 1 else f"(?:{rx}|-)") for i, (sep, rx) in enumerate(COMPONENTS[:k])]
    return "".join(parts) + (f"{OFFSET}?" if k > 3 else "")


DATETIME = "(?:" + "|".join(_truncated(k) for k in range(1, len(COMPONENTS) + 1)) + ")"
_NUM = "[0-9]+(?:[.,][0-9]+)?"
DURATION = (
    f"P(?:{_NUM}W|(?=[0-9]|T[0-9])(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?"
    f"(?:T(?=[0-9])(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)"
)
SIGNED_DURATION = f"-?{DURATION}"
_POINT = f"(?:{DATETIME}|{SIGNED_DURATION})"
INTERVAL = f"{_POINT}/{_POINT}"
DURATION_OR_INTERVAL = f"(?:{INTERVAL}|{SIGNED_DURATION})"

# the components of a value already known to match DATETIME ("-" = placeholder)
_PARTS = (
    "^(?P<y>[0-9]{4}|-)(?:-(?P<m>[0-9]{2}|-))?(?:-(?P<d>[0-9]{2}|-))?"
    "(?:T(?P<H>[0-9]{2}|-)(?::(?P<M>[0-9]{2}|-))?(?::(?P<S>[0-9]{2}(?:\\.[0-9]+)?))?)?"
)
FIELDS = ("y", "m", "d", "H", "M", "S")
KEY_LENGTH = {0: 0, 1: 4, 2: 7, 3: 10, 4: 13, 5: 16, 6: 19}  # length of the sort key at each precision
DATE = 3  # precision of a value known to the day
MINUTES = 5  # precision of a value known to the minute


def _distinct(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(code per value, distinct values as str with "" last for missing): code -1 picks that ""."""
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    values = pd.Series(np.append(np.asarray(uniq, dtype=object), ""), dtype=object).map(str)
    return np.where(codes < 0, len(uniq), codes), values


MONTH_DAYS = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}


def days_in_month(year: pd.Series, month: pd.Series) -> pd.Series:
    """Days in each month (float, NaN where the month is unknown); an unknown year counts as a leap year."""
    y = pd.Series(year, dtype="float64")
    m = pd.Series(month, dtype="float64").set_axis(y.index)
    leap = y.isna() | (((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0))
    dim = m.map(MONTH_DAYS)
    return dim.astype("float64") + (leap & (m == 2)).astype("float64")


def _month_days(year: int | None, month: int) -> int:
    """:func:`days_in_month` of one known month (``year`` None: unknown, a leap year)."""
    leap = year is None or (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    return MONTH_DAYS[month] + (1 if leap and month == 2 else 0)


_PARSED: OrderedDict[tuple[str, ...], pd.DataFrame] = OrderedDict()  # distinct values -> their parse (read-only)


def _parse_distinct(t: pd.Series) -> pd.DataFrame:
    """:func:`_parse_values` of these distinct values, remembered for the last 256 sets: the validator asks about
    the same date columns from several rules."""
    key = tuple(t)
    hit = _PARSED.get(key)
    if hit is None:
        hit = _PARSED[key] = _parse_values(t.reset_index(drop=True))
        if len(_PARSED) > 256:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(key)
    return hit.set_axis(t.index)


def _parse_values(t: pd.Series) -> pd.DataFrame:
    shape = t.str.fullmatch(DATETIME).fillna(False).astype(bool)
    raw = t.where(shape, "").str.extract(_PARTS)
    out = pd.DataFrame({f: pd.to_numeric(raw[f], errors="coerce").astype("float64") for f in FIELDS}, index=t.index)
    day_ok = out["d"].isna() | out["m"].isna() | (out["d"] <= days_in_month(out["y"], out["m"]))
    valid = shape & day_ok
    out = out.where(valid)  # nothing is known of an invalid value
    known = raw.notna().to_numpy() & (raw != "-").to_numpy()
    prec = np.cumprod(known, axis=1).sum(axis=1)
    out["valid"] = valid
    out["precision"] = np.where(valid, prec, 0).astype("int64")
    key = pd.Series("", index=t.index, dtype=object)
    for level, n in KEY_LENGTH.items():
        at = out["precision"] == level
        if level and at.any():
            key[at] = t[at].str.slice(0, n)
    out["key"] = key
    return out


def parse(s: pd.Series) -> pd.DataFrame:
    """One row per value, indexed like ``s``: components ``y m d H M S`` (float, NaN unless known), ``valid``,
    ``precision`` (0 when invalid or missing) and ``key`` (the sort key, "" when nothing is known)."""
    codes, values = _distinct(s)
    return _parse_distinct(values).iloc[codes].set_axis(s.index)


_SHAPE = re.compile(DATETIME)
# a known month with day 29, 30 or 31: the only dates of the right shape the calendar may lack
_LATE_DAY = re.compile("([0-9]{4}|-)-([0-9]{2})-(29|30|31)")


def _valid_values(values: list[str]) -> np.ndarray:
    """Validity of each text (module docstring) without the component frame of :func:`parse`: the shape regex,
    then the calendar only for the few that name a late day of a known month (an unknown year is a leap year,
    as in :func:`days_in_month`). The validator asks this of every --DTC column; it must say what
    ``parse(...)["valid"]`` says (tests/common/test_iso8601.py)."""
    shape = _SHAPE.fullmatch
    ok = np.fromiter((shape(v) is not None for v in values), dtype=bool, count=len(values))
    for i, v in enumerate(values):
        if ok[i] and (m := _LATE_DAY.match(v)) is not None:
            ok[i] = int(m[3]) <= _month_days(None if m[1] == "-" else int(m[1]), int(m[2]))
    return ok


def is_valid(s: pd.Series, *, durations: bool = False, intervals: bool = False) -> pd.Series:
    """Valid ISO 8601 datetimes (module docstring); missing and "" are not. ``durations``: a signed duration
    (``P3D``, ``-PT15M``) is valid too; ``intervals``: ``start/end`` of datetimes or durations too.

    Worked out once per distinct value, without parsing the components (see :func:`_valid_values`)."""
    codes, values = _distinct(s)
    texts = values.tolist()
    ok = _valid_values(texts)
    if durations or intervals:  # a duration holds a "P", an interval a "/": only those are read again
        at = np.array([i for i, v in enumerate(texts) if not ok[i] and ("P" in v or "/" in v)], dtype=np.int64)
        alt = "|".join(([SIGNED_DURATION] if durations else []) + ([INTERVAL] if intervals else []))
        shaped = re.compile(alt).fullmatch
        for i in at:
            v = texts[i]
            ok[i] = shaped(v) is not None and (not intervals or "/" not in v or _ends_valid(v))
    return pd.Series(ok[codes], index=s.index, dtype=bool)


def _ends_valid(interval: str) -> bool:
    """Both ends of a ``start/end`` already shaped like an interval name real dates (a duration end has none)."""
    ends = [e for e in interval.split("/")[:2] if "P" not in e]
    return bool(_valid_values(ends).all())


def is_duration(s: pd.Series, *, signed: bool = False) -> pd.Series:
    """ISO 8601 durations (``P3D``, ``PT15M``, ``P2W``; ``signed``: ``-PT15M`` too)."""
    codes, values = _distinct(s)
    ok = values.str.fullmatch(SIGNED_DURATION if signed else DURATION).fillna(False).to_numpy(dtype=bool)
    return pd.Series(ok[codes], index=s.index, dtype=bool)


# the known leading part of a valid value: components up to the first placeholder, without fraction or offset
_KNOWN = re.compile("[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2}(?:T[0-9]{2}(?::[0-9]{2}(?::[0-9]{2})?)?)?)?)?")
_PRECISION = {n: level for level, n in KEY_LENGTH.items()}


def _keys(values: list[str]) -> list[str]:
    """:func:`sort_key` of each text without the component frame (``parse(...)["key"]``, tested to agree)."""
    known = _KNOWN.match
    return [(m[0] if (m := known(v)) is not None else "") if ok else "" for v, ok in zip(values, _valid_values(values),
                                                                                          strict=True)]


def _distinct_keys(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(code per value, sort key of each distinct value)."""
    codes, values = _distinct(s)
    return codes, _keys(values.tolist())


def precision(s: pd.Series) -> pd.Series:
    """Known leading components: 0 (none, or invalid) .. 6 (seconds)."""
    codes, keys = _distinct_keys(s)
    prec = np.array([_PRECISION[len(k)] for k in keys], dtype=np.int64)
    return pd.Series(prec[codes], index=s.index, dtype="int64")


def sort_key(s: pd.Series) -> pd.Series:
    """The known leading part of each valid value, without offset or fraction ("" when nothing is known)."""
    codes, keys = _distinct_keys(s)
    return pd.Series(np.array(keys, dtype=object)[codes], index=s.index, dtype=object).astype(str)


_DAY_KNOWN = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")  # year, month and day known: precision >= DATE if valid


def to_date(s: pd.Series) -> pd.Series:
    """datetime64 of the date; NaT unless valid and known to the day.

    Only values starting with a known year, month and day are checked (:func:`_valid_values`) and read."""
    codes, values = _distinct(s)
    texts = values.tolist()
    at = [i for i, v in enumerate(texts) if _DAY_KNOWN.match(v) is not None]
    at = [i for i, ok in zip(at, _valid_values([texts[i] for i in at]), strict=True) if ok]
    txt = pd.Series(None, index=values.index, dtype=object)
    txt.iloc[at] = [texts[i][:10] for i in at]
    days = pd.to_datetime(txt, format="%Y-%m-%d", errors="coerce").to_numpy()
    return pd.Series(days[codes], index=s.index)


def to_datetime(s: pd.Series) -> pd.Series:
    """datetime64 to the minute or second (local time: an offset is not applied); NaT unless valid and known
    to the minute."""
    codes, keys = _distinct_keys(s)
    txt = pd.Series([k if len(k) >= KEY_LENGTH[MINUTES] else None for k in keys], dtype=object)
    stamps = pd.to_datetime(txt, format="ISO8601", errors="coerce").to_numpy()
    return pd.Series(stamps[codes], index=s.index)


def is_complete_date(s: pd.Series) -> pd.Series:
    """Valid and known to the day (a time may follow)."""
    return precision(s) >= DATE


def _key_codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per value, distinct sort keys) without building a full-length text column."""
    codes, keys = _distinct_keys(s)
    kcodes, kuniq = pd.factorize(np.array(keys, dtype=object))
    return kcodes[codes], np.asarray(kuniq, dtype=object)


def compare(a: pd.Series, b: pd.Series, min_precision: int = 1) -> pd.Series:
    """Compare ISO 8601 values at the precision both have: -1 (a < b), 0 (equal there), 1 (a > b).

    NaN when either side is known to fewer than ``min_precision`` components (``min_precision=3``: both
    complete to the day), or is invalid. ``a`` and ``b`` are paired by position; the result has ``a``'s
    index. Work is done once per distinct pair of values."""
    ca, ua0 = _key_codes(a)
    cb, ub0 = _key_codes(b)
    width = max(len(ub0), 1)
    codes, pairs = pd.factorize(ca.astype("int64") * width + cb)
    ua = pd.Series(ua0[pairs // width], dtype=object).astype(str)
    ub = pd.Series(ub0[pairs % width], dtype=object).astype(str)
    n_common = np.minimum(ua.str.len().to_numpy(), ub.str.len().to_numpy())
    res = np.full(len(pairs), np.nan)
    for level, n in KEY_LENGTH.items():
        m = n_common == n
        if level < max(min_precision, 1) or not m.any():
            continue
        sa = ua[m].str.slice(0, n).to_numpy(dtype=object)
        sb = ub[m].str.slice(0, n).to_numpy(dtype=object)
        res[m] = np.where(sa < sb, -1.0, np.where(sa > sb, 1.0, 0.0))
    return pd.Series(res[codes] if len(codes) else res[:0], index=a.index, dtype="float64")
