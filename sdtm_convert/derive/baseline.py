"""``baseline_flags``: --LOBXFL (and optionally --BLFL) = "Y" on the last pre-exposure result.

Per USUBJID × ``by`` (default --TESTCD, plus --CAT when the frame has it), among the records that
have a result (any of the ``result`` variables non-empty; default --STRESC and --ORRES) and whose
date (``date``, default --DTC) is on or before the subject's DM.RFXSTDTC (``ref``), the last one in
date order is flagged "Y"; every other record gets "". Dates are compared at the precision both
values have (``2022-03-10`` is on or before ``2022-03-10T09:30``; ``2022-03-10T10:00`` is not; a
partial ``2022-03`` counts as on or before any March 2022 reference). Among candidates, order is the
date text truncated to its known precision, ties broken by row order (the later row wins). Subjects
never exposed (empty RFXSTDTC) get no flag. --BLFL uses the same rule when ``blfl: true``.

YAML: ``{derive: baseline_flags, params: {blfl: true}}``; optional ``date: QSDTC``,
``result: [QSSTRESC, QSORRES]``, ``by: [QSTESTCD, QSCAT]``, ``ref: RFXSTDTC``, ``lobxfl: false``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.derive._common import missing_columns, missing_domain, sort_rank, stable_order, text
from sdtm_convert.derive.registry import DeriveContext, register
from sdtm_convert.derive.study_day import reference_dates
from sdtm_convert.errors import Issue


def last_before_reference(df: pd.DataFrame, date: str, ref: pd.Series, by: list[str], result: list[str]) -> pd.Series:
    """Boolean (aligned to ``df.index``): the last record with a result on or before ``ref`` per by-group."""
    has_result = np.zeros(len(df), dtype=bool)
    for col in result:
        has_result |= (text(df, col).str.strip() != "").to_numpy()
    on_or_before = (iso8601.compare(text(df, date), ref.fillna("").astype(str)) <= 0).to_numpy()
    keep = np.flatnonzero(has_result & on_or_before)  # candidates only, and text stays in Arrow
    cand = pd.DataFrame({c: text(df, c).take(keep).reset_index(drop=True) for c in ["USUBJID", *by]})
    key = iso8601.sort_key(text(df, date).take(keep))
    cand = cand.take(stable_order([sort_rank(key)]))  # ties keep record order
    last = keep[cand.drop_duplicates(["USUBJID", *by], keep="last").index.to_numpy()]
    flag = np.zeros(len(df), dtype=bool)
    flag[last] = True
    return pd.Series(flag, index=df.index)


@register("baseline_flags", sets={"--LOBXFL": "Y on the last non-missing result on or before first exposure (RFXSTDTC) per subject and test",
                                    "--BLFL": "Y on the last non-missing result on or before first exposure (RFXSTDTC) per subject and test"})
def derive_baseline_flags(
    df: pd.DataFrame,
    ctx: DeriveContext,
    date: str | None = None,
    result: list[str] | None = None,
    by: list[str] | None = None,
    ref: str = "RFXSTDTC",
    lobxfl: bool = True,
    blfl: bool = False,
) -> tuple[pd.DataFrame, list[Issue]]:
    p = ctx.domain
    date = date or f"{p}DTC"
    by = by if by is not None else [f"{p}TESTCD"] + ([f"{p}CAT"] if f"{p}CAT" in df.columns else [])
    result = result or [c for c in (f"{p}STRESC", f"{p}ORRES") if c in df.columns] or [f"{p}ORRES"]
    out = df.copy(deep=False)
    dm = ctx.domains.get("DM")
    issues = missing_columns(df, ["USUBJID", date, *by, *result], p, "baseline_flags")
    if dm is None:
        issues.append(missing_domain(p, "DM", "baseline_flags"))
    else:
        issues += missing_columns(dm, ["USUBJID", ref], "DM", "baseline_flags")
    if issues:
        return out, issues
    flag = last_before_reference(df, date, reference_dates(df, dm, ref), by, result)
    y = pd.Series(np.where(flag, "Y", ""), index=df.index, dtype=str)
    if lobxfl:
        out[f"{p}LOBXFL"] = y
    if blfl:
        out[f"{p}BLFL"] = y
    return out, []
