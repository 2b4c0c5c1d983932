"""``study_day``: --DY / --STDY / --ENDY from --DTC / --STDTC / --ENDTC and DM.RFSTDTC.

``dy = date − RFSTDTC + 1`` when the date is on or after RFSTDTC, ``date − RFSTDTC`` when before: there
is no day 0. Only the date parts count (times are ignored) and only when both values are complete to
the day; otherwise NaN (float64). The reference is taken per USUBJID from ``ctx.domains["DM"]``.

YAML: ``{derive: study_day, params: {vars: [AESTDTC, AEENDTC]}}``; optional ``ref: RFSTDTC``.
Issues: ``derive-domain-missing`` (no DM), ``study-day-no-reference`` (warning, per record whose
subject is not in DM at all; a subject in DM with an empty RFSTDTC, e.g. a screen failure, is normal).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.derive._common import missing_columns, missing_domain, record_issues
from sdtm_convert.derive.registry import DeriveContext, register
from sdtm_convert.errors import WARNING, Issue


def dy_name(var: str) -> str:
    """AESTDTC → AESTDY, AEENDTC → AEENDY, QSDTC → QSDY, SVSTDTC → SVSTDY."""
    if not var.endswith("DTC"):
        raise ValueError(f"{var} is not a --DTC variable")
    return var[: -len("DTC")] + "DY"


def compute_study_day(dates: pd.Series, ref: pd.Series) -> pd.Series:
    """Vector in/out: SDTM study day of ISO ``dates`` against ISO ``ref`` (same length, aligned by
    position); float64, no day 0."""
    d = iso8601.to_date(dates)
    r = iso8601.to_date(pd.Series(ref.to_numpy(), index=dates.index))
    diff = (d - r).dt.days.astype("float64")
    return pd.Series(np.where(diff >= 0, diff + 1, diff), index=dates.index, dtype="float64")


def reference_dates(df: pd.DataFrame, dm: pd.DataFrame, ref: str = "RFSTDTC") -> pd.Series:
    """DM.<ref> of each record's USUBJID (NaN where the subject is not in DM)."""
    lookup = dm.drop_duplicates("USUBJID").set_index("USUBJID")[ref]
    return df["USUBJID"].map(lookup)


@register("study_day", sets={
    "--DY": "Study day: date - RFSTDTC + 1 when on or after RFSTDTC, else date - RFSTDTC (no day 0); complete dates only",
    "--STDY": "Study day of start: date - RFSTDTC + 1 when on or after RFSTDTC, else date - RFSTDTC (no day 0)",
    "--ENDY": "Study day of end: date - RFSTDTC + 1 when on or after RFSTDTC, else date - RFSTDTC (no day 0)",
})
def derive_study_day(
    df: pd.DataFrame, ctx: DeriveContext, vars: list[str], ref: str = "RFSTDTC"
) -> tuple[pd.DataFrame, list[Issue]]:
    out = df.copy(deep=False)
    dm = ctx.domains.get("DM")
    issues = missing_columns(df, ["USUBJID", *vars], ctx.domain, "study_day")
    if dm is None:
        issues.append(missing_domain(ctx.domain, "DM", "study_day"))
    else:
        issues += missing_columns(dm, ["USUBJID", ref], "DM", "study_day")
    if issues:
        return out, issues
    refdt = reference_dates(df, dm, ref)
    for var in vars:
        out[dy_name(var)] = compute_study_day(df[var], refdt)
    unknown = refdt.isna()
    issues += record_issues(
        df[unknown],
        "study-day-no-reference",
        WARNING,
        "subject not in DM: no study day",
        dataset=ctx.domain,
        variable="USUBJID",
        value_col="USUBJID",
    )
    return out, issues
