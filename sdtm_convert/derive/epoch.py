"""``epoch``: EPOCH (and optionally TAETORD) of each record from the subject's SE elements.

Rule: a record belongs to the element with ``SESTDTC <= date < SEENDTC``; the subject's last element
also takes its end date (``date <= SEENDTC``) and is open-ended when SEENDTC is empty. Values are
compared at the precision both have (datetimes as datetimes when both have a time, else dates), so
an undated-time record on the day of the first infusion falls in the treatment element. The record's
date must be complete to the day: a partial or empty date gives ``EPOCH = ""``.

Not assigned → ``""`` with an *info* issue (a fact worth listing, not an error):
``epoch-before-first-element``, ``epoch-after-last-element``, ``epoch-date-partial`` (non-empty date
not complete to the day), ``epoch-no-elements`` (subject has no SE records, e.g. never consented).

YAML: ``{derive: epoch, params: {var: AESTDTC}}``; optional ``taetord: true`` also sets TAETORD.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.derive._common import missing_columns, missing_domain, record_issues, text
from sdtm_convert.derive.registry import DeriveContext, register
from sdtm_convert.errors import INFO, Issue


def locate_elements(df: pd.DataFrame, se: pd.DataFrame, var: str) -> pd.DataFrame:
    """Per record (aligned to ``df.index``): EPOCH, TAETORD and the reason when unassigned.

    Computed once per distinct USUBJID × date and spread back to the records.
    """
    keys = pd.DataFrame({"USUBJID": text(df, "USUBJID"), "__dt": text(df, var)}).reset_index(drop=True)
    group = keys.groupby(["USUBJID", "__dt"], sort=False).ngroup().to_numpy()
    _, first = np.unique(group, return_index=True)  # first record of each group, in group-number order
    found = _locate(keys.iloc[first].reset_index(drop=True), se)
    return found.iloc[group].set_axis(df.index)


def _locate(rec: pd.DataFrame, se: pd.DataFrame) -> pd.DataFrame:
    n = len(rec)
    rec = rec.assign(__pos=np.arange(n))
    ses = se.assign(__ord=pd.to_numeric(se["TAETORD"], errors="coerce") if "TAETORD" in se else np.nan)
    ses = ses.assign(__k=np.arange(len(ses)))[["USUBJID", "EPOCH", "__ord", "SESTDTC", "SEENDTC", "__k"]]
    ses = ses.sort_values(["USUBJID", "SESTDTC", "__k"], kind="mergesort")
    ses["__last"] = ~ses["USUBJID"].duplicated(keep="last")
    ses["__rank"] = np.arange(len(ses))
    m = rec.merge(ses, on="USUBJID", how="inner").sort_values(["__pos", "__rank"], kind="mergesort")
    m = m.reset_index(drop=True)
    after_start = iso8601.compare(m["SESTDTC"], m["__dt"], iso8601.DATE) <= 0
    c_end = iso8601.compare(m["__dt"], m["SEENDTC"], iso8601.DATE)
    open_end = text(m, "SEENDTC") == ""
    before_end = (c_end < 0) | (m["__last"] & ((c_end == 0) | open_end))
    hit = m[after_start & before_end].drop_duplicates("__pos", keep="first").set_index("__pos")
    epoch = hit["EPOCH"].reindex(range(n)).fillna("").astype(str)
    taetord = hit["__ord"].reindex(range(n)).astype("float64")

    complete = (iso8601.precision(rec["__dt"]) >= iso8601.DATE).to_numpy()
    has_se = rec["USUBJID"].isin(ses["USUBJID"].unique()).to_numpy()  # distinct values: Arrow isin loops over them
    first = m.groupby("__pos")["SESTDTC"].first().reindex(range(n))
    before_first = (iso8601.compare(rec["__dt"], first.fillna(""), iso8601.DATE) < 0).to_numpy()
    reason = np.select(
        [rec["__dt"].eq("").to_numpy(), ~complete, ~has_se, before_first],
        ["", "epoch-date-partial", "epoch-no-elements", "epoch-before-first-element"],
        default="epoch-after-last-element",
    )
    reason = np.where(epoch.to_numpy() != "", "", reason)
    return pd.DataFrame({"EPOCH": epoch.to_numpy(), "TAETORD": taetord.to_numpy(), "reason": reason})


_MESSAGES = {
    "epoch-date-partial": "date not complete to the day: EPOCH left empty",
    "epoch-no-elements": "subject has no SE elements: EPOCH left empty",
    "epoch-before-first-element": "date before the subject's first element: EPOCH left empty",
    "epoch-after-last-element": "date after the subject's last element: EPOCH left empty",
}


@register("epoch", sets={"EPOCH": "EPOCH of the subject element (SE) containing the record's date",
                         "TAETORD": "Order of the element within the arm (TA.TAETORD)"})
def derive_epoch(
    df: pd.DataFrame, ctx: DeriveContext, var: str, taetord: bool = False
) -> tuple[pd.DataFrame, list[Issue]]:
    out = df.copy(deep=False)
    se = ctx.domains.get("SE")
    issues = missing_columns(df, ["USUBJID", var], ctx.domain, "epoch")
    if se is None:
        issues.append(missing_domain(ctx.domain, "SE", "epoch"))
    else:
        issues += missing_columns(se, ["USUBJID", "EPOCH", "SESTDTC", "SEENDTC"], "SE", "epoch")
    if issues:
        return out, issues
    found = locate_elements(df, se, var)
    out["EPOCH"] = found["EPOCH"]
    if taetord:
        out["TAETORD"] = found["TAETORD"]
    for code, msg in _MESSAGES.items():
        issues += record_issues(
            df[found["reason"] == code], code, INFO, msg, dataset=ctx.domain, variable=var, value_col=var
        )
    return out, issues
