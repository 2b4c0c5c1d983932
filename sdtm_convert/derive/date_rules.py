"""Dates per subject from structured rules, shared by the DM and SE derivations.

``pick_date(usubjid, values, which)`` picks each subject's earliest/latest value complete to the day;
``rule_dates(dm, ctx, rule)`` evaluates a rule ``{domain: DM, var: RFICDTC}`` (the DM value) or
``{domain: EX, var: EXSTDTC, which: first|last, fallback: EXSTDTC, where: {EXTRT: "..."},
offset_days: 1}`` (the subject's earliest/latest value of ``var`` — ``fallback`` where ``var`` is
empty — among the records matching ``where``; values complete to the day; ``offset_days`` shifts the
date, dropping any time) for every DM record.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.derive._common import missing_domain, text
from sdtm_convert.derive.registry import DeriveContext
from sdtm_convert.errors import Issue


def pick_date(usubjid: pd.Series, values: pd.Series, which: str) -> pd.Series:
    """Earliest (``which="first"``) or latest (``"last"``) value complete to the day per subject.

    Returns ISO text indexed by USUBJID. Days compare as dates; on a tie the most precise value wins
    (then the earlier/later time).
    """
    v = values.astype("string").fillna("").astype(str)
    # equal (subject, value) pairs pick the same value: keep one of each (dates repeat on every item)
    t = pd.DataFrame({"USUBJID": usubjid.astype(str).reset_index(drop=True),
                      "v": v.reset_index(drop=True)}).drop_duplicates()
    t = t.assign(prec=iso8601.precision(t["v"]).to_numpy())
    t = t[t["prec"] >= iso8601.DATE]
    t = t.assign(day=t["v"].str.slice(0, 10), key=iso8601.sort_key(t["v"]))
    asc = which == "first"
    t = t.sort_values(["day", "prec", "key"], ascending=[asc, False, asc], kind="mergesort")
    return t.drop_duplicates("USUBJID").set_index("USUBJID")["v"]


def rule_dates(
    dm: pd.DataFrame,
    ctx: DeriveContext,
    rule: dict[str, Any],
    dataset: str = "SE",
    caller: str = "subject_elements",
) -> tuple[pd.Series, list[Issue]]:
    """The date a rule yields for each DM record ("" when none); ``dataset``/``caller`` name the
    derivation in the issue for an absent source domain."""
    subj = text(dm, "USUBJID")
    domain, var = rule.get("domain", "DM"), rule["var"]
    if domain == "DM":
        val = text(dm, var)
    else:
        src = ctx.domains.get(domain)
        if src is None:
            return pd.Series("", index=dm.index, dtype=str), [missing_domain(dataset, domain, caller)]
        keep = np.ones(len(src), dtype=bool)
        for col, wanted in (rule.get("where") or {}).items():
            keep &= (text(src, col) == str(wanted)).to_numpy()
        src = src[keep]
        v = text(src, var)
        if rule.get("fallback"):
            v = v.where(v != "", text(src, rule["fallback"]))
        val = subj.map(pick_date(text(src, "USUBJID"), v, rule.get("which", "first"))).fillna("").astype(str)
    if rule.get("offset_days"):
        shifted = iso8601.to_date(val) + pd.Timedelta(days=int(rule["offset_days"]))
        val = shifted.dt.strftime("%Y-%m-%d").fillna("").astype(str)
    return val, []
