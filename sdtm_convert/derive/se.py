"""``subject_elements``: the SE domain (one record per subject and element actually entered).

Run on DM (after ``dm_reference_dates``); ``build_se(ctx, dm)`` does the work and the registered
derivation returns DM unchanged with the SE frame in ``Derived.datasets`` (the run adds it to the domains
the next steps see, so ``epoch`` can run next, and writes it).

Which elements: those of the subject's arm in TA order (ACTARMCD, else ARMCD); a subject with neither
(screen failure) gets only the first element of the first arm. An element is entered when its start
rule yields a date for the subject; SEENDTC = the SESTDTC of the next entered element, and the last
one ends at ``end`` (default DM.RFPENDTC). An element whose start is after the subject's ``end``
(compared at the precision both have) was never entered and is left out (info
``se-element-after-end``): e.g. a follow-up element starting the day after the last dose, for a
subject whose participation ended on the day of the last dose. A screen failure never exposed therefore has only the
screening element, from RFICDTC to RFPENDTC.

Start rules (``starts``: ETCD → rule; structured, no free text is parsed). A rule is
``{domain: DM, var: RFICDTC}`` (the DM value) or ``{domain: EX, var: EXSTDTC, which: first|last,
fallback: EXSTDTC, where: {EXTRT: "..."}, offset_days: 1}`` (see :mod:`sdtm_convert.derive.date_rules`). Without ``starts`` the k-th element of
an arm uses: 1 → DM.RFICDTC (informed consent), 2 → DM.RFXSTDTC (first exposure), 3 → DM.RFXENDTC
+ 1 day (day after the end of dosing); elements missing from ``starts`` take these positional
defaults, and an element beyond the third without a rule is an error.

For the NCT03745417 sample (SCRN "Informed consent", UCMSC "First infusion", FU "day after last
infusion") the defaults are exactly:

    starts:
      SCRN: {domain: DM, var: RFICDTC}
      UCMSC: {domain: DM, var: RFXSTDTC}
      FU: {domain: DM, var: RFXENDTC, offset_days: 1}
    end: {domain: DM, var: RFPENDTC}

Output columns: STUDYID, DOMAIN, USUBJID, SESEQ, ETCD, ELEMENT, TAETORD, EPOCH, SESTDTC, SEENDTC,
SESTDY, SEENDY and the provenance of the subject's DM record. Issues: ``se-rule-missing`` (error),
``se-element-skipped`` (warning: an element without a start before a later entered one),
``se-element-not-reached`` (info: the same at the end of an epoch the subject had entered: it left the epoch early),
``se-element-order`` (warning: an element starting before the previous one), ``se-element-after-end``
(info: an element starting after the subject's end, left out), ``derive-domain-missing``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.common.provenance import PROVENANCE
from sdtm_convert.derive._common import missing_domain, record_issues, text
from sdtm_convert.derive.date_rules import rule_dates
from sdtm_convert.derive.registry import DeriveContext, Derived, register
from sdtm_convert.derive.study_day import compute_study_day
from sdtm_convert.errors import ERROR, INFO, WARNING, Issue

DEFAULT_STARTS: tuple[dict[str, Any], ...] = (
    {"domain": "DM", "var": "RFICDTC"},
    {"domain": "DM", "var": "RFXSTDTC"},
    {"domain": "DM", "var": "RFXENDTC", "offset_days": 1},
)
DEFAULT_END = {"domain": "DM", "var": "RFPENDTC"}



def _subject_arm(dm: pd.DataFrame) -> pd.Series:
    act = text(dm, "ACTARMCD")
    return act.where(act != "", text(dm, "ARMCD"))


def build_se(
    ctx: DeriveContext,
    dm: pd.DataFrame | None = None,
    starts: dict[str, dict[str, Any]] | None = None,
    end: dict[str, Any] | None = None,
) -> tuple[pd.DataFrame, list[Issue]]:
    """SE records for every DM subject (see module doc). ``dm`` defaults to ``ctx.domains["DM"]``."""
    dm = ctx.domains.get("DM") if dm is None else dm
    if dm is None:
        return pd.DataFrame(), [missing_domain("SE", "DM", "subject_elements")]
    dm = dm.reset_index(drop=True)
    arm = _subject_arm(dm)
    issues: list[Issue] = []
    parts = []
    first_arm = ctx.study.arms[0].armcd if ctx.study.arms else ""
    for a in ctx.study.arms:
        for k, etcd in enumerate(a.elements):
            in_arm = (arm == a.armcd) | ((arm == "") & (a.armcd == first_arm) & (k == 0))
            if not in_arm.any():
                continue
            rule = (starts or {}).get(etcd) or (DEFAULT_STARTS[k] if k < len(DEFAULT_STARTS) else None)
            if rule is None:
                issues.append(
                    Issue("se-rule-missing", ERROR, f"no start rule for element {etcd}", dataset="SE", value=etcd)
                )
                continue
            start, rule_issues = rule_dates(dm, ctx, rule)
            issues += rule_issues
            el = ctx.study.element(etcd)
            parts.append(
                pd.DataFrame(
                    {
                        "__dm": np.flatnonzero(in_arm),
                        "ETCD": etcd,
                        "ELEMENT": el.element,
                        "TAETORD": float(k + 1),
                        "EPOCH": el.epoch,
                        "SESTDTC": start[in_arm].to_numpy(),
                    }
                )
            )
    se = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({"__dm": [], "ETCD": [], "ELEMENT": [], "TAETORD": [], "EPOCH": [], "SESTDTC": []})
    )
    se = se.sort_values(["__dm", "TAETORD"], kind="mergesort").reset_index(drop=True)
    issues += _skipped(se, dm)
    se = se[se["SESTDTC"] != ""].reset_index(drop=True)
    end_val, end_issues = rule_dates(dm, ctx, end or DEFAULT_END)
    issues += end_issues
    subject_end = pd.Series(end_val.to_numpy()[se["__dm"].to_numpy()], index=se.index, dtype=str)
    se, after_issues = _drop_after_end(se, subject_end, dm)
    issues += after_issues
    nxt = se.groupby("__dm")["SESTDTC"].shift(-1)
    se["SEENDTC"] = nxt.fillna(subject_end[se.index]).astype(str)
    se = se.reset_index(drop=True)
    return _finish(se, dm, ctx), issues + _order_issues(se, dm)


def _drop_after_end(se: pd.DataFrame, subject_end: pd.Series, dm: pd.DataFrame) -> tuple[pd.DataFrame, list[Issue]]:
    """Drop the elements starting after the subject's end (never entered), each reported as info.

    Compared at the precision both values have: an element starting on 2014-07-03 after an end at
    2014-07-02T11:45 was never entered; one starting on 2014-07-02 was (same day).
    """
    late = iso8601.compare(se["SESTDTC"], subject_end) > 0
    issues = _element_issues(se[late], dm, "se-element-after-end", INFO,
                             "element starts after the subject's end of participation: not entered")
    return se[~late], issues


def _element_issues(bad: pd.DataFrame, dm: pd.DataFrame, code: str, severity: str, message: str) -> list[Issue]:
    """One issue per SE row of ``bad``, on its subject's DM record, naming the element (ETCD)."""
    rows = dm.iloc[bad["__dm"].to_numpy()].assign(ETCD=bad["ETCD"].to_numpy())
    return record_issues(rows, code, severity, message, dataset="SE", variable="SESTDTC", value_col="ETCD")


def _skipped(se: pd.DataFrame, dm: pd.DataFrame) -> list[Issue]:
    """Elements without a start before a later entered one. When the subject entered an earlier element of the
    same epoch and no later one of it, the subject left the epoch early (info: a subject stopping high-dose
    treatment before its last element goes straight to follow-up); any other gap is a warning."""
    entered = (se["SESTDTC"] != "").astype(int)
    same_epoch = [se["__dm"], se["EPOCH"]]
    before = entered.groupby(same_epoch).cumsum() - entered
    after_all = entered[::-1].groupby(se["__dm"][::-1]).cumsum()[::-1] - entered
    after_epoch = entered[::-1].groupby([c[::-1] for c in same_epoch]).cumsum()[::-1] - entered
    missing = (entered == 0) & (after_all > 0)
    left_early = missing & (before > 0) & (after_epoch == 0)
    return (_element_issues(se[missing & ~left_early], dm, "se-element-skipped", WARNING,
                            "element has no start date but a later one has")
            + _element_issues(se[left_early], dm, "se-element-not-reached", INFO,
                              "element not reached: the subject left this epoch early for a later one"))


def _order_issues(se: pd.DataFrame, dm: pd.DataFrame) -> list[Issue]:
    prev = se.groupby("__dm")["SESTDTC"].shift(1).fillna("")
    bad = se[iso8601.compare(se["SESTDTC"], prev) < 0]
    rows = dm.iloc[bad["__dm"].to_numpy()].assign(SESTDTC=bad["SESTDTC"].to_numpy())
    return record_issues(
        rows,
        "se-element-order",
        WARNING,
        "element starts before the previous element",
        dataset="SE",
        variable="SESTDTC",
        value_col="SESTDTC",
    )


def _finish(se: pd.DataFrame, dm: pd.DataFrame, ctx: DeriveContext) -> pd.DataFrame:
    idx = se["__dm"].to_numpy(dtype=int)
    studyid = text(dm, "STUDYID").where(text(dm, "STUDYID") != "", ctx.study.studyid)
    ref = pd.Series(text(dm, "RFSTDTC").to_numpy()[idx], index=se.index)
    out = pd.DataFrame(
        {
            "STUDYID": studyid.to_numpy()[idx],
            "DOMAIN": "SE",
            "USUBJID": text(dm, "USUBJID").to_numpy()[idx],
            "SESEQ": se.groupby("__dm").cumcount().to_numpy(dtype="float64") + 1.0,
            "ETCD": se["ETCD"].to_numpy(),
            "ELEMENT": se["ELEMENT"].to_numpy(),
            "TAETORD": se["TAETORD"].to_numpy(dtype="float64"),
            "EPOCH": se["EPOCH"].to_numpy(),
            "SESTDTC": se["SESTDTC"].to_numpy(),
            "SEENDTC": se["SEENDTC"].to_numpy(),
        },
        index=pd.RangeIndex(len(se)),
    )
    out["SESTDY"] = compute_study_day(out["SESTDTC"], ref)
    out["SEENDY"] = compute_study_day(out["SEENDTC"], ref)
    for col in PROVENANCE:
        if col in dm.columns:
            out[col] = dm[col].to_numpy()[idx]
    return out


@register("subject_elements", builds=("SE",), sets={
    "ETCD": "Element of the subject's arm (TA order) that the subject entered",
    "ELEMENT": "Element of the subject's arm (TA order) that the subject entered",
    "TAETORD": "Order of the element within the arm (TA.TAETORD)",
    "SESTDTC": "Start of the element by its start rule: informed consent, first infusion, day after the last infusion",
    "SEENDTC": "Start of the next element; the last element ends at RFPENDTC",
})
def derive_subject_elements(
    df: pd.DataFrame,
    ctx: DeriveContext,
    starts: dict[str, dict[str, Any]] | None = None,
    end: dict[str, Any] | None = None,
) -> Derived:
    se, issues = build_se(ctx, df, starts, end)
    return Derived(df.copy(deep=False), issues, {"SE": se})
