"""``visit``: VISITNUM / VISIT / VISITDY from the raw visit label and the study's planned visits (TV).

Planned visits: the raw label (column ``label``, default VISIT) is looked up, trimmed and
case-insensitively, in ``labels`` (raw label → planned VISITNUM), or, without ``labels``, among the
planned visit names of ``study.yaml``; VISIT and VISITDY then come from the planned visit.

Unscheduled visits (label matches ``unscheduled_pattern``, a case-insensitive regular expression):
``VISITNUM = P + k/100`` where P is the highest planned VISITNUM the subject has in this frame on or
before the record's date (0 when none) and k = 1, 2, ... numbers the subject's distinct unscheduled
dates after P in date order (all records of one date share one number: 3.01, 3.02...);
``VISIT = "UNSCHEDULED 3.01"``; VISITDY NaN. The date must be complete to the day, else VISITNUM
is NaN with ``visit-unscheduled-undated``. More than 99 unscheduled dates after one planned visit:
``visit-unscheduled-overflow`` (the numbers would reach the next planned visit).

Unknown label (non-empty, not mapped, not unscheduled): ``visit-unknown`` (warning); the record is kept
with VISITNUM/VISITDY NaN and VISIT = the raw label (so is an undated unscheduled record). Empty label: ``visit-missing`` (warning), VISIT "".
A ``labels`` value that is no planned visit: ``visit-not-in-study`` (error).
Window check (``window_check``, default true; needs DM.RFSTDTC): the record's study day (from ``date``)
outside the planned visit's ``window`` → ``visit-out-of-window`` (warning). Record-level issues are
reported once per USUBJID × visit × day, with the provenance of the first such record.

YAML: ``{derive: visit, params: {labels: {"Screening": 1, "Week 0": 2}, unscheduled_pattern: "^Unscheduled"}}``;
optional ``label: VISIT`` (raw label column), ``date: QSDTC`` (default --DTC, else --STDTC), ``window_check: false``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sdtm_convert.derive._common import by_unique, missing_columns, missing_domain, record_issues, text
from sdtm_convert.derive.registry import DeriveContext, register
from sdtm_convert.derive.study_day import compute_study_day, reference_dates
from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.spec.study import StudyConfig


def _norm(s: pd.Series) -> pd.Series:
    """Trimmed, upper case, single spaces (computed once per distinct label)."""
    return pd.Series(
        by_unique(s, lambda u: u.str.strip().str.upper().str.replace(r"\s+", " ", regex=True)), index=s.index, dtype=str
    )


def planned_visitnum(labels: pd.Series, study: StudyConfig, mapping: dict[str, float] | None) -> pd.Series:
    """Planned VISITNUM of each raw label (NaN when the label is not a planned visit)."""
    table = mapping if mapping is not None else {v.visit: v.visitnum for v in study.visits}
    lookup = {" ".join(str(k).upper().split()): float(v) for k, v in table.items()}
    return _norm(labels).map(lookup).astype("float64")


def unscheduled_visitnum(
    usubjid: pd.Series, day: pd.Series, visitnum: pd.Series, unsched: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """(P + k/100, k) for the ``unsched`` records (NaN elsewhere and where ``day`` is empty); see module doc."""
    n = len(usubjid)
    rec = pd.DataFrame(
        {"USUBJID": usubjid.to_numpy(), "day": day.to_numpy(), "vn": visitnum.to_numpy(), "pos": np.arange(n)}
    )
    dated = rec["day"] != ""
    planned = rec[rec["vn"].notna() & dated].drop_duplicates(["USUBJID", "day", "vn"])
    un = rec[unsched.to_numpy() & dated]
    keys = un.drop_duplicates(["USUBJID", "day"])[["USUBJID", "day"]]  # one row per unscheduled date
    m = keys.merge(planned[["USUBJID", "day", "vn"]], on="USUBJID", how="left", suffixes=("", "_p"))
    m = m[m["day_p"].fillna("") <= m["day"]]
    keys = keys.merge(m.groupby(["USUBJID", "day"], as_index=False)["vn"].max(), on=["USUBJID", "day"], how="left")
    keys["prev"] = keys["vn"].fillna(0.0)
    keys["k"] = keys.groupby(["USUBJID", "prev"])["day"].rank(method="dense")
    un = un.merge(keys[["USUBJID", "day", "prev", "k"]], on=["USUBJID", "day"], how="left")
    vn = np.full(n, np.nan)
    kk = np.full(n, np.nan)
    vn[un["pos"].to_numpy()] = np.round(un["prev"].to_numpy() + un["k"].to_numpy() / 100.0, 2)
    kk[un["pos"].to_numpy()] = un["k"].to_numpy()
    return pd.Series(vn, index=usubjid.index, dtype="float64"), pd.Series(kk, index=usubjid.index, dtype="float64")


def unscheduled_name(visitnum: pd.Series) -> pd.Series:
    """3.01 → "UNSCHEDULED 3.01" (NA where NaN)."""
    cents = (visitnum * 100).round().astype("Int64")
    return "UNSCHEDULED " + (cents // 100).astype("string") + "." + (cents % 100).astype("string").str.zfill(2)


def _dedup_issues(
    rows: pd.DataFrame, keys: list[str], code: str, severity: str, msg: str, ds: str, var: str
) -> list[Issue]:
    return record_issues(rows.drop_duplicates(keys), code, severity, msg, dataset=ds, variable=var, value_col=var)


@register("visit", sets={
    "VISITNUM": "Planned visit number from the trial visits (TV); unplanned visits numbered previous visit + 0.01",
    "VISITDY": "Planned study day of the visit from the trial visits (TV)",
})
def derive_visit(
    df: pd.DataFrame,
    ctx: DeriveContext,
    labels: dict[str, float] | None = None,
    unscheduled_pattern: str | None = None,
    label: str = "VISIT",
    date: str | None = None,
    window_check: bool = True,
) -> tuple[pd.DataFrame, list[Issue]]:
    p = ctx.domain
    date = date or (f"{p}DTC" if f"{p}DTC" in df.columns else f"{p}STDTC")
    out = df.copy(deep=False)
    issues = missing_columns(df, ["USUBJID", label, date], p, "visit")
    dm = ctx.domains.get("DM")
    if window_check and dm is None:
        issues.append(missing_domain(p, "DM", "visit"))
    if issues:
        return out, issues
    known = {v.visitnum for v in ctx.study.visits}
    issues += [
        Issue("visit-not-in-study", ERROR, f"labels maps {k!r} to {v}, not a planned visit", dataset=p, variable=label)
        for k, v in (labels or {}).items()
        if float(v) not in known
    ]
    raw = text(df, label)
    dtc = text(df, date)
    day = dtc.str.slice(0, 10).where(dtc.str.match(r"\d{4}-\d{2}-\d{2}"), "")
    vnum = planned_visitnum(raw, ctx.study, labels)
    vnum = vnum.where(vnum.isin(known))
    unsched = (
        vnum.isna()
        & pd.Series(
            by_unique(raw, lambda u: u.str.contains(unscheduled_pattern, flags=re.IGNORECASE, regex=True)),
            index=df.index,
            dtype=bool,
        )
        if (unscheduled_pattern)
        else pd.Series(False, index=df.index)
    )
    uvn, k = unscheduled_visitnum(text(df, "USUBJID"), day, vnum, unsched)
    names = {v.visitnum: v.visit for v in ctx.study.visits}
    vdy = {v.visitnum: (np.nan if v.visitdy is None else float(v.visitdy)) for v in ctx.study.visits}
    out["VISITNUM"] = vnum.fillna(uvn).astype("float64")
    out["VISIT"] = vnum.map(names).fillna(unscheduled_name(uvn)).fillna(raw).astype(str)
    out["VISITDY"] = vnum.map(vdy).astype("float64")

    keyed = df.assign(__day=day, __vn=out["VISITNUM"], __raw=_norm(raw))
    unknown = vnum.isna() & ~unsched & (raw.str.strip() != "")
    issues += _dedup_issues(
        keyed[unknown],
        ["USUBJID", "__raw", "__day"],
        "visit-unknown",
        WARNING,
        "visit label is no planned visit",
        p,
        label,
    )
    issues += _dedup_issues(
        keyed[raw.str.strip() == ""], ["USUBJID", "__day"], "visit-missing", WARNING, "no visit label", p, label
    )
    issues += _dedup_issues(
        keyed[unsched & (day == "")],
        ["USUBJID", "__raw"],
        "visit-unscheduled-undated",
        WARNING,
        "unscheduled visit without a complete date: no VISITNUM",
        p,
        date,
    )
    over = k >= 100
    issues += _dedup_issues(
        keyed[over],
        ["USUBJID", "__vn"],
        "visit-unscheduled-overflow",
        WARNING,
        "more than 99 unscheduled visits after one planned visit",
        p,
        date,
    )
    if window_check:
        issues += _window_issues(keyed, vnum, dtc, reference_dates(df, dm, "RFSTDTC"), ctx.study, p, date)
    return out, issues


def _window_issues(
    keyed: pd.DataFrame, vnum: pd.Series, dtc: pd.Series, ref: pd.Series, study: StudyConfig, p: str, date: str
) -> list[Issue]:
    lo = vnum.map({v.visitnum: v.window[0] for v in study.visits if v.window}).astype("float64")
    hi = vnum.map({v.visitnum: v.window[1] for v in study.visits if v.window}).astype("float64")
    dy = compute_study_day(dtc, ref)
    outside = (dy < lo) | (dy > hi)
    return _dedup_issues(
        keyed[outside],
        ["USUBJID", "__vn", "__day"],
        "visit-out-of-window",
        WARNING,
        "study day outside the planned visit window",
        p,
        date,
    )
