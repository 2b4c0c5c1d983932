"""Dates: ISO 8601 text → numeric SAS dates (days since 1960-01-01) with imputation, study days, durations.

Partial dates (``2022-03``, ``2022``, ``2022---15``) are imputed up to ``highest_imputation``
("n" none, "D" day, "M" month and day; a missing year is never imputed) with ``date_imputation``
"first" (01 / January), "last" (end of month / December) or "mid" (15th; 30 June when the month is
missing). A known day under an unknown month is ignored (imputed with the month). The flag follows
ADaM DATEFL: "D" day imputed, "M" month (and day) imputed, "" complete.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.common.provenance import SRC_FILE, SRC_ROW
from sdtm_convert.errors import WARNING, Issue

SAS_EPOCH = pd.Timestamp("1960-01-01")
_LEVEL = {"n": 0, "D": 1, "M": 2, "Y": 3}


def _parts(dtc: pd.Series) -> pd.DataFrame:
    """Year/month/day as floats (NaN when unknown; a day under an unknown month is ignored) plus ``present``
    and ``valid`` masks, from :func:`sdtm_convert.common.iso8601.parse` (once per distinct value)."""
    p = iso8601.parse(dtc)
    out = p[["y", "m", "d", "H", "M", "S"]].copy()
    out.loc[out["m"].isna(), "d"] = np.nan
    out["present"] = dtc.astype("string").fillna("").ne("").astype(bool)
    out["valid"] = p["valid"] & p["y"].notna()
    return out


def _to_sas(y: pd.Series, m: pd.Series, d: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"year": y, "month": m, "day": d}).fillna(1).astype(int)
    ts = pd.to_datetime(frame, errors="coerce")
    ok = y.notna() & m.notna() & d.notna()
    days = (ts - SAS_EPOCH).dt.days.astype(float)
    return days.where(ok & ts.notna())


def _range_from_parts(p: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    y = p["y"].where(p["valid"])
    lo = _to_sas(y, p["m"].fillna(1), p["d"].fillna(1))
    m_hi = p["m"].fillna(12)
    hi = _to_sas(y, m_hi, p["d"].fillna(iso8601.days_in_month(y, m_hi)))
    return lo, hi


def compute_dt_range(dtc: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Earliest and latest SAS date compatible with each (possibly partial) ISO 8601 value."""
    return _range_from_parts(_parts(dtc))


def compute_dt(
    dtc: pd.Series, *, highest_imputation: str = "n", date_imputation: str = "first"
) -> tuple[pd.Series, pd.Series]:
    """ISO 8601 text → (SAS date as float, DATEFL flag). Unimputable or invalid values give NaN, ""."""
    if highest_imputation not in _LEVEL or date_imputation not in ("first", "last", "mid"):
        raise ValueError(f"bad imputation options {highest_imputation!r}/{date_imputation!r}")
    return _dt_from_parts(_parts(dtc), highest_imputation, date_imputation)


def _dt_from_parts(p: pd.DataFrame, highest_imputation: str, date_imputation: str) -> tuple[pd.Series, pd.Series]:
    y, m, d = p["y"].where(p["valid"]), p["m"], p["d"]
    index = p.index
    level = pd.Series(np.select([m.isna(), d.isna()], [2, 1], 0), index=index)
    allowed = p["valid"] & (level <= min(_LEVEL[highest_imputation], 2))
    if date_imputation == "first":
        m2, d2 = m.fillna(1), d.fillna(1)
    elif date_imputation == "mid":
        m2 = m.fillna(6)
        d2 = d.fillna(pd.Series(np.where(m.isna(), 30, 15), index=index, dtype=float))
    else:
        m2 = m.fillna(12)
        d2 = d.fillna(iso8601.days_in_month(y, m2))
    dt = _to_sas(y, m2, d2).where(allowed)
    flag = pd.Series(np.select([level == 2, level == 1], ["M", "D"], ""), index=index, dtype=object)
    flag = flag.where(dt.notna(), "")
    return dt, flag


def invalid_date_issues(
    dataset: pd.DataFrame, dtc: str, *, dataset_name: str | None = None, parts: pd.DataFrame | None = None
) -> list[Issue]:
    """One ``iso8601-invalid`` issue per non-empty value that is not an ISO 8601 date (or impossible)."""
    p = _parts(dataset[dtc]) if parts is None else parts
    if not p["present"].any():
        return []
    lo, _ = _range_from_parts(p)
    bad = p["present"] & (~p["valid"] | (p["m"].notna() & p["d"].notna() & lo.isna()))
    issues = []
    for idx in dataset.index[bad]:
        rec = dataset.loc[idx]
        issues.append(
            Issue(
                "iso8601-invalid",
                WARNING,
                f"{dtc} is not a valid ISO 8601 date; analysis date left missing",
                file=str(rec.get(SRC_FILE)) if rec.get(SRC_FILE) else None,
                row=int(rec[SRC_ROW]) if str(rec.get(SRC_ROW, "")).isdigit() else None,
                value=str(rec[dtc]),
                dataset=dataset_name,
                variable=dtc,
                usubjid=str(rec.get("USUBJID")) if rec.get("USUBJID") is not None else None,
            )
        )
    return issues


def _bounded(dt: pd.Series, lo: pd.Series, hi: pd.Series, dates: pd.Series, *, side: str) -> pd.Series:
    in_range = dates.notna() & (dates >= lo) & (dates <= hi)
    if side == "min":
        return dt.where(~(in_range & (dates > dt)), dates)
    return dt.where(~(in_range & (dates < dt)), dates)


def derive_vars_dt(
    dataset: pd.DataFrame,
    new_vars_prefix: str,
    *,
    dtc: str,
    highest_imputation: str = "n",
    date_imputation: str = "first",
    flag_imputation: str = "auto",
    min_dates: Sequence[str] = (),
    max_dates: Sequence[str] = (),
    issues: list[Issue] | None = None,
) -> pd.DataFrame:
    """Add ``<prefix>DT`` (numeric SAS date) and, when imputing, ``<prefix>DTF`` from ISO text ``dtc``.

    ``min_dates``: for an imputed date, a listed date that lies inside the range of dates the partial
    value allows and after the imputed date replaces it (e.g. TRTSDT for an AE start in the month of
    first dose). ``max_dates``: likewise, a date inside the range and before the imputed date replaces
    it (e.g. the end date, so that an imputed start never falls after the end). min_dates are applied
    first, max_dates last. ``flag_imputation``: "auto" (flag when highest_imputation != "n"), "date", "none".
    """
    out = dataset.copy()
    if highest_imputation not in _LEVEL or date_imputation not in ("first", "last", "mid"):
        raise ValueError(f"bad imputation options {highest_imputation!r}/{date_imputation!r}")
    parts = _parts(out[dtc])
    dt, flag = _dt_from_parts(parts, highest_imputation, date_imputation)
    imputed = flag != ""
    if (min_dates or max_dates) and imputed.any():
        lo, hi = _range_from_parts(parts)
        for col in min_dates:
            dt = dt.where(~imputed, _bounded(dt, lo, hi, out[col].astype(float), side="min"))
        for col in max_dates:
            dt = dt.where(~imputed, _bounded(dt, lo, hi, out[col].astype(float), side="max"))
    out[f"{new_vars_prefix}DT"] = dt.astype(float)
    if flag_imputation == "date" or (flag_imputation == "auto" and highest_imputation != "n"):
        out[f"{new_vars_prefix}DTF"] = flag.astype(object)
    if issues is not None:
        issues.extend(invalid_date_issues(dataset, dtc, parts=parts))
    return out


def compute_dy(reference_date: pd.Series, date: pd.Series) -> pd.Series:
    """Study day: date − ref + 1 on/after the reference, date − ref before (no day 0); NaN if either missing."""
    diff = date.astype(float) - reference_date.astype(float)
    return (diff + (diff >= 0).astype(float)).where(diff.notna())


def derive_vars_dy(
    dataset: pd.DataFrame, *, reference_date: str = "TRTSDT", source_vars: Sequence[str] | Mapping[str, str] = ("ADT",)
) -> pd.DataFrame:
    """Add relative days: ``ADT`` → ``ADY``, ``ASTDT`` → ``ASTDY`` (a mapping gives explicit names)."""
    out = dataset.copy()
    pairs = dict(source_vars) if isinstance(source_vars, Mapping) else {v: v[:-2] + "DY" for v in source_vars}
    for src, new in pairs.items():
        out[new] = compute_dy(out[reference_date], out[src])
    return out


def compute_duration(start_date: pd.Series, end_date: pd.Series, *, add_one: bool = True) -> pd.Series:
    """end − start (+1 when ``add_one``), in days; NaN if either is missing."""
    return end_date.astype(float) - start_date.astype(float) + (1.0 if add_one else 0.0)


def derive_var_trtdurd(
    dataset: pd.DataFrame, *, start_date: str = "TRTSDT", end_date: str = "TRTEDT", new_var: str = "TRTDURD"
) -> pd.DataFrame:
    """TRTDURD = TRTEDT − TRTSDT + 1."""
    out = dataset.copy()
    out[new_var] = compute_duration(out[start_date], out[end_date])
    return out


def derive_vars_duration(
    dataset: pd.DataFrame,
    new_var: str = "ADURN",
    *,
    new_var_unit: str | None = "ADURU",
    start_date: str = "ASTDT",
    end_date: str = "AENDT",
    add_one: bool = True,
) -> pd.DataFrame:
    """Duration in days between two numeric dates, with its unit ("DAYS") where the duration exists."""
    out = dataset.copy()
    dur = compute_duration(out[start_date], out[end_date], add_one=add_one)
    out[new_var] = dur
    if new_var_unit:
        out[new_var_unit] = pd.Series(np.where(dur.notna(), "DAYS", ""), index=out.index, dtype=object)
    return out


def sas_date_to_iso(dt: pd.Series) -> pd.Series:
    """Numeric SAS date → ``YYYY-MM-DD`` text ("" when missing), for display."""
    ts = SAS_EPOCH + pd.to_timedelta(dt.astype(float), unit="D")
    return ts.dt.strftime("%Y-%m-%d").fillna("").astype(object)


_DTM_DATE_LEVEL = {"n": "n", "s": "n", "m": "n", "h": "n", "D": "D", "M": "M"}


def _dtm_parts(
    parts: pd.DataFrame, highest_imputation: str, date_imputation: str, time_imputation: str
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(SAS datetime, DTF date flag, TMF time flag) from parsed parts."""
    if highest_imputation not in _DTM_DATE_LEVEL:
        raise ValueError(f"highest_imputation must be one of {tuple(_DTM_DATE_LEVEL)}")
    if time_imputation not in ("first", "last"):
        raise ValueError("time_imputation must be 'first' or 'last'")
    date, dtf = _dt_from_parts(parts, _DTM_DATE_LEVEL[highest_imputation], date_imputation)
    h = parts["H"]
    mi = parts["M"].where(h.notna())
    s = parts["S"].where(parts["M"].notna() & h.notna())
    level = np.select([h.isna(), mi.isna(), s.isna()], ["H", "M", "S"], "")
    fill = (0.0, 0.0, 0.0) if time_imputation == "first" else (23.0, 59.0, 59.0)
    secs = h.fillna(fill[0]) * 3600 + mi.fillna(fill[1]) * 60 + s.fillna(fill[2])
    # the time parts a level may impute (admiral: "n" none, "s" seconds, "m" minutes, "h"/"D"/"M" all)
    allowed = {"n": "", "s": "S", "m": "MS", "h": "HMS"}.get(highest_imputation, "HMS")
    ok = pd.Series(level, index=parts.index).isin(list(allowed) + [""])
    dtm = (date * 86400.0 + secs).where(date.notna() & ok)
    tmf = pd.Series(level, index=parts.index, dtype=object).where(dtm.notna(), "")
    return dtm, dtf.where(dtm.notna(), ""), tmf


def compute_dtm(
    dtc: pd.Series,
    *,
    time_imputation: str = "first",
    highest_imputation: str = "h",
    date_imputation: str = "first",
) -> tuple[pd.Series, pd.Series]:
    """ISO 8601 text → (SAS datetime = seconds since 1960-01-01T00:00:00, TIMEFL flag).

    With ``highest_imputation`` "h" (default) the date must be complete and any time part may be
    imputed; "m" needs the hour, "s" the minute, "n" the whole time; "D"/"M" also impute a partial
    date as :func:`compute_dt` does. Missing time parts are imputed with 00 ("first") or 23:59:59
    ("last"); the flag is "H" (hour imputed), "M" (minute), "S" (second), "" (complete time).
    """
    dtm, _, tmf = _dtm_parts(_parts(dtc), highest_imputation, date_imputation, time_imputation)
    return dtm, tmf


def _as_seconds(dataset: pd.DataFrame, col: str, *, end_of_day: bool) -> pd.Series:
    """A date (days) or datetime (seconds; the name ends in DTM) column as seconds; a date is taken at
    00:00:00, or at 23:59:59 with ``end_of_day`` (admiral: min_dates/max_dates of date type)."""
    x = dataset[col].astype(float)
    if col.upper().endswith("DTM"):
        return x
    return x * 86400.0 + (86399.0 if end_of_day else 0.0)


def derive_vars_dtm(
    dataset: pd.DataFrame,
    new_vars_prefix: str,
    *,
    dtc: str,
    time_imputation: str = "first",
    flag_imputation: bool = True,
    highest_imputation: str = "h",
    date_imputation: str = "first",
    min_dates: Sequence[str] = (),
    max_dates: Sequence[str] = (),
) -> pd.DataFrame:
    """Add ``<prefix>DTM`` (numeric SAS datetime) and ``<prefix>TMF`` (time imputation flag) from ``dtc``
    (admiral ``derive_vars_dtm()``); with ``highest_imputation`` "D"/"M" also ``<prefix>DTF``.

    ``min_dates``/``max_dates`` as in :func:`derive_vars_dt`, on datetimes: an imputed value is
    replaced by a listed datetime inside the range the partial value allows when that is later
    (``min_dates``) / earlier (``max_dates``). A column whose name ends in DTM is a datetime; any
    other is a date, taken at 00:00:00 in ``min_dates`` and 23:59:59 in ``max_dates`` (admiral's
    rule for date variables; its ADAE template passes TRTSDT and DTHDT, EOSDT).
    """
    out = dataset.copy()
    parts = _parts(out[dtc])
    dtm, dtf, tmf = _dtm_parts(parts, highest_imputation, date_imputation, time_imputation)
    imputed = (dtf != "") | (tmf != "")
    if (min_dates or max_dates) and imputed.any():
        lo, _, _ = _dtm_parts(parts, "M", "first", "first")
        hi, _, _ = _dtm_parts(parts, "M", "last", "last")
        for col in min_dates:
            dtm = dtm.where(~imputed, _bounded(dtm, lo, hi, _as_seconds(out, col, end_of_day=False), side="min"))
        for col in max_dates:
            dtm = dtm.where(~imputed, _bounded(dtm, lo, hi, _as_seconds(out, col, end_of_day=True), side="max"))
    out[f"{new_vars_prefix}DTM"] = dtm.astype(float)
    if highest_imputation in ("D", "M"):
        out[f"{new_vars_prefix}DTF"] = dtf.astype(object)
    if flag_imputation:
        out[f"{new_vars_prefix}TMF"] = tmf
    return out


def derive_vars_dtm_to_dt(dataset: pd.DataFrame, source_vars: Sequence[str]) -> pd.DataFrame:
    """``xxDTM`` (SAS datetime) → ``xxDT`` (SAS date, the day it falls on), admiral ``derive_vars_dtm_to_dt()``."""
    out = dataset.copy()
    for v in source_vars:
        out[v[:-1]] = np.floor(out[v].astype(float) / 86400.0)
    return out
