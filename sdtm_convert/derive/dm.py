"""DM derivations: ``dm_reference_dates`` (RF dates, arms, ARMNRS, DTHFL) and ``age``.

``dm_reference_dates`` (run on DM; needs EX, uses DS and every other frame in ``ctx.domains``):

- RFSTDTC = RFXSTDTC = the subject's earliest EXSTDTC; RFXENDTC = the latest EXENDTC (EXSTDTC
  where EXENDTC is empty). Only values complete to the day count (others are reported as
  ``dm-exposure-date-partial``); on a tie of days the value with a time wins, so the reference keeps
  its time when one was collected.
- RFENDTC: SDTMIG "usually equivalent to the date/time when subject was determined to have ended
  the trial, and often equivalent to date/time of last exposure to study treatment". With ``rfendtc``
  (a date rule of :mod:`sdtm_convert.derive.date_rules`, e.g. ``{domain: DS, var: DSSTDTC, which:
  last, where: {DSCAT: DISPOSITION EVENT}}``) it is the date that rule yields, else the last
  exposure; without it, the last exposure (= RFXENDTC). Empty for screen failures.
- RFICDTC = the earliest ``ic_domain``.``ic_var`` (DS.DSSTDTC) among records with DSDECOD =
  ``ic_decod`` ("INFORMED CONSENT OBTAINED"; ``ic_decod: ""`` or a frame without DSDECOD: all
  records), or the DM column named by ``ic_column``; when neither is available an existing RFICDTC
  is kept (``dm-informed-consent-missing``).
- RFPENDTC = the latest date complete to the day among all --DTC/--STDTC/--ENDTC of every frame in
  ``ctx.domains`` that has USUBJID, plus this DM (BRTHDTC excluded), compared as dates.
- Screen failure = a DS record with DSDECOD = ``screen_failure_decod`` ("SCREEN FAILURE"), or an
  empty ARMCD in the input (when the input has ARMCD) and no EX record. Screen failures: ARMCD, ARM,
  ACTARMCD, ACTARM and RF(X)ST/ENDTC empty, ARMNRS "SCREEN FAILURE" (ARMNULRS C142179).
- Planned arm (ARMCD/ARM): the input ARMCD when given, else the study's only arm (one-arm studies).
  Actual arm = the input ACTARMCD when given, else the planned arm for subjects with an EX record;
  assigned but never exposed: ACTARMCD/ACTARM empty, ARMNRS "ASSIGNED, NOT TREATED".
- DTHFL = "Y" when DTHDTC is non-empty or DS has DSDECOD = ``death_decod`` ("DEATH"), else "".

Issues: ``derive-domain-missing`` (EX), ``dm-exposure-date-partial`` (warning, EX provenance),
``dm-arm-unknown`` (error: ARMCD not in study.yaml), ``dm-arm-missing`` (warning: exposed subject
without a planned arm in a multi-arm study), ``dm-informed-consent-missing`` (warning).

``age``: AGE in completed years from BRTHDTC to ``ref`` (RFICDTC; or RFSTDTC). Birth date complete
to the day → exact (a 29 February birthday is reached on 1 March in other years); birth date known to
the month → AGE only when the reference month differs from the birth month (the answer is then
certain); year only or nothing → the collected age (``collected``: a DM column of numbers) when
given, else NaN with ``age-not-derivable`` (warning). A derived AGE differing from a collected one:
``age-collected-mismatch`` (warning; the derived value is kept). Birth after the reference:
``age-negative`` (error, AGE NaN). AGEU = "YEARS" where AGE is known, else "".
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.derive._common import missing_domain, record_issues, text
from sdtm_convert.derive.date_rules import pick_date, rule_dates
from sdtm_convert.derive.registry import DeriveContext, register
from sdtm_convert.errors import ERROR, WARNING, Issue


def _ds_subjects(ds: pd.DataFrame | None, decod: str) -> set[str]:
    if ds is None or "DSDECOD" not in ds.columns:
        return set()
    return set(text(ds, "USUBJID")[text(ds, "DSDECOD").str.upper() == decod.upper()])


def _activity_dates(dm: pd.DataFrame, domains: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    # one frame at a time (``domains`` may be a FrameStore reading each from disk)
    frames = itertools.chain([dm], (f for name, f in domains.items() if name != "DM" and "USUBJID" in f.columns))
    parts = [  # distinct pairs per column: a visit date repeats on every item of the visit
        pd.DataFrame({"USUBJID": text(f, "USUBJID").reset_index(drop=True),
                      "v": text(f, c).reset_index(drop=True)}).drop_duplicates()
        for f in frames
        for c in f.columns
        if c.endswith("DTC") and c != "BRTHDTC"
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"USUBJID": [], "v": []})


def _informed_consent(
    dm: pd.DataFrame, src: pd.DataFrame | None, ic_column: str | None, ic_var: str, ic_decod: str
) -> tuple[pd.Series, list[Issue]]:
    subj = text(dm, "USUBJID")
    if ic_column:
        return text(dm, ic_column), []
    if src is not None and ic_var in src.columns:
        ic = src[text(src, "DSDECOD").str.upper() == ic_decod.upper()] if ic_decod and "DSDECOD" in src else src
        return subj.map(pick_date(text(ic, "USUBJID"), text(ic, ic_var), "first")).fillna("").astype(str), []
    issue = Issue("dm-informed-consent-missing", WARNING, "no consent frame/column: RFICDTC not derived", dataset="DM")
    return text(dm, "RFICDTC"), [issue]


def _arms(
    dm: pd.DataFrame, ctx: DeriveContext, exposed: pd.Series, sf_ds: pd.Series
) -> tuple[dict[str, pd.Series], list[Issue]]:
    arm_names = {a.armcd: a.arm for a in ctx.study.arms}
    given = text(dm, "ARMCD").str.strip()
    sf = sf_ds | (("ARMCD" in dm.columns) & (given == "") & ~exposed)
    default = ctx.study.arms[0].armcd if len(ctx.study.arms) == 1 else ""
    planned = given.where(given != "", default).where(~sf, "")
    actual = text(dm, "ACTARMCD").str.strip()
    actual = actual.where(actual != "", planned.where(exposed, "")).where(~sf, "")
    armnrs = np.select(
        [sf.to_numpy(), (planned != "").to_numpy() & ~exposed.to_numpy()],
        ["SCREEN FAILURE", "ASSIGNED, NOT TREATED"],
        default="",
    )
    issues = record_issues(
        dm[(planned != "") & ~planned.isin(list(arm_names))],
        "dm-arm-unknown",
        ERROR,
        "ARMCD is no arm of study.yaml",
        dataset="DM",
        variable="ARMCD",
        value_col="ARMCD",
    )
    issues += record_issues(
        dm[(planned == "") & exposed & ~sf],
        "dm-arm-missing",
        WARNING,
        "exposed subject without a planned arm",
        dataset="DM",
        variable="ARMCD",
    )
    cols = {
        "ARMCD": planned,
        "ARM": planned.map(arm_names).fillna("").astype(str),
        "ACTARMCD": actual,
        "ACTARM": actual.map(arm_names).fillna("").astype(str),
        "ARMNRS": pd.Series(armnrs, index=dm.index, dtype=str),
    }
    return cols, issues


@register("dm_reference_dates", sets={
    "RFSTDTC": "Date/time of first exposure to study treatment (first EXSTDTC)",
    "RFENDTC": "Date/time of last exposure to study treatment (last EXENDTC)",
    "RFXSTDTC": "First EXSTDTC",
    "RFXENDTC": "Last EXENDTC (or EXSTDTC when no end)",
    "RFICDTC": "Date of informed consent (DS INFORMED CONSENT OBTAINED)",
    "RFPENDTC": "Latest date of any subject record",
    "DTHFL": "Y when DTHDTC is populated or DS has a DEATH record, else null",
    "ARMNRS": "SCREEN FAILURE when not randomised; ASSIGNED, NOT TREATED when never exposed",
    "ACTARMCD": "Planned arm when the subject received study treatment",
    "ACTARM": "Planned arm when the subject received study treatment",
    "ARMCD": "Planned arm of the subject (one of the trial arms, TA); null for screen failures",
    "ARM": "Planned arm of the subject (one of the trial arms, TA); null for screen failures",
})
def derive_dm_reference_dates(
    df: pd.DataFrame,
    ctx: DeriveContext,
    ic_column: str | None = None,
    ic_domain: str = "DS",
    ic_var: str = "DSSTDTC",
    ic_decod: str = "INFORMED CONSENT OBTAINED",
    screen_failure_decod: str = "SCREEN FAILURE",
    death_decod: str = "DEATH",
    rfendtc: dict | None = None,
) -> tuple[pd.DataFrame, list[Issue]]:
    out = df.copy(deep=False)
    ex, ds = ctx.domains.get("EX"), ctx.domains.get("DS")
    if ex is None:
        return out, [missing_domain("DM", "EX", "dm_reference_dates")]
    subj = text(df, "USUBJID")
    ex_start, ex_subj = text(ex, "EXSTDTC"), text(ex, "USUBJID")
    ex_end = text(ex, "EXENDTC").where(text(ex, "EXENDTC") != "", ex_start)
    issues = record_issues(
        ex[(ex_start != "") & (iso8601.precision(ex_start) < iso8601.DATE)],
        "dm-exposure-date-partial",
        WARNING,
        "EXSTDTC not complete to the day: not used for RF dates",
        dataset="EX",
        variable="EXSTDTC",
        value_col="EXSTDTC",
    )
    exposed = subj.isin(set(ex_subj))
    sf = subj.isin(_ds_subjects(ds, screen_failure_decod))
    arms, arm_issues = _arms(df, ctx, exposed, sf)
    first = subj.map(pick_date(ex_subj, ex_start, "first")).fillna("").astype(str).where(~sf, "")
    last = subj.map(pick_date(ex_subj, ex_end, "last")).fillna("").astype(str).where(~sf, "")
    end, end_issues = rule_dates(df, ctx, rfendtc, "DM", "dm_reference_dates") if rfendtc else (last, [])
    end = end.where(end != "", last).where(~sf, "")
    out["RFSTDTC"], out["RFENDTC"], out["RFXSTDTC"], out["RFXENDTC"] = first, end, first, last
    out["RFICDTC"], ic_issues = _informed_consent(df, ctx.domains.get(ic_domain), ic_column, ic_var, ic_decod)
    act = _activity_dates(out.drop(columns=["RFPENDTC"], errors="ignore"), ctx.domains)
    out["RFPENDTC"] = subj.map(pick_date(act["USUBJID"], act["v"], "last")).fillna("").astype(str)
    dead = (text(df, "DTHDTC") != "") | subj.isin(_ds_subjects(ds, death_decod))
    out["DTHFL"] = pd.Series(np.where(dead, "Y", ""), index=df.index, dtype=str)
    for name, col in arms.items():
        out[name] = col
    return out, issues + arm_issues + ic_issues + end_issues


def completed_years(birth: pd.Series, ref: pd.Series) -> pd.Series:
    """Completed years from ISO ``birth`` to ISO ``ref`` where certain (see module doc); float64."""
    pat = r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"
    b = birth.astype("string").fillna("").str.extract(pat).astype("float64")
    r = ref.astype("string").fillna("").str.extract(pat).astype("float64")
    r_ok = iso8601.precision(ref.astype("string").fillna("")) >= iso8601.DATE
    before_birthday = (r[1] < b[1]) | ((r[1] == b[1]) & (r[2] < b[2]))
    years = r[0] - b[0] - before_birthday.astype("float64")
    known = r_ok & b[0].notna() & b[1].notna() & (b[2].notna() | (r[1] != b[1]))
    return years.where(known).astype("float64")


@register("age", sets={"AGE": "Age in completed years at informed consent from BRTHDTC",
                       "AGEU": "YEARS where AGE is known"})
def derive_age(
    df: pd.DataFrame, ctx: DeriveContext, ref: str = "RFICDTC", brthdtc: str = "BRTHDTC", collected: str | None = None
) -> tuple[pd.DataFrame, list[Issue]]:
    out = df.copy(deep=False)
    derived = completed_years(text(df, brthdtc), text(df, ref))
    negative = derived < 0
    derived = derived.where(~negative)
    given = pd.to_numeric(text(df, collected), errors="coerce").astype("float64") if collected else derived * np.nan
    age = derived.fillna(given)
    out["AGE"] = age
    out["AGEU"] = pd.Series(np.where(age.notna(), "YEARS", ""), index=df.index, dtype=str)
    issues = record_issues(
        df[negative], "age-negative", ERROR, f"{brthdtc} after {ref}", dataset="DM", variable=brthdtc, value_col=brthdtc
    )
    issues += record_issues(
        df[age.isna() & ~negative],
        "age-not-derivable",
        WARNING,
        f"AGE not derivable from {brthdtc} and {ref}",
        dataset="DM",
        variable="AGE",
        value_col=brthdtc,
    )
    issues += record_issues(
        df[derived.notna() & given.notna() & (derived != given)],
        "age-collected-mismatch",
        WARNING,
        "derived AGE differs from the collected age",
        dataset="DM",
        variable="AGE",
        value_col=collected,
    )
    return out, issues
