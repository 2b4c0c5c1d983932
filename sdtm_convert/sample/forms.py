"""Subject-level forms: dm, ic, ie, visits, disposition."""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from . import cases, fmt
from . import labels as L
from .plan import STREAM_DM, Plan, stream
from .visits import visit_rows

AMENDMENT_DAY = fmt.day_number(_dt.date(2021, 12, 10))  # consent form version 2.1 from here


def frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({k: np.asarray(v, dtype=object) for k, v in columns.items()}, dtype=object)


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(days, dtype="datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, dd


def age_at(birth: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Completed years between two day numbers (calendar rule)."""
    yb, mb, db = _ymd(birth)
    yr, mr, dr = _ymd(ref)
    return yr - yb - ((mr < mb) | ((mr == mb) & (dr < db))).astype(np.int64)


def _sex_text(plan: Plan, g: np.random.Generator) -> np.ndarray:
    text = fmt.labels(L.SEX_LABELS, plan.sex)
    variant = g.random(plan.n) < 0.03
    female_variant = np.where(g.random(plan.n) < 0.5, "female", "F")
    text = np.where(variant & (plan.sex == 0), female_variant, text)
    text = np.where(variant & (plan.sex == 1), "M", text).astype(object)
    scripted = np.arange(plan.n) < cases.N_SCRIPTED
    text[scripted] = fmt.labels(L.SEX_LABELS, plan.sex[scripted])
    for case, (spelling, _) in cases.SEX_SPELLING.items():
        if case < plan.n:
            text[case] = spelling
    return text


def dm(plan: Plan, seed: int) -> pd.DataFrame:
    g = stream(seed, STREAM_DM)
    hi = plan.ic_day - 6577  # at least 18 years old at consent
    lo = plan.ic_day - 24041  # at most 65 years (and 300 days) old at consent
    birth = lo + np.floor(g.random(plan.n) * (hi - lo + 1)).astype(np.int64)
    kind = np.select([g.random(plan.n) < 0.02, g.random(plan.n) < 0.02], [fmt.DAY_UNKNOWN, fmt.MONTH_UNKNOWN], 0)
    kind[: cases.N_SCRIPTED] = fmt.FULL
    for case, k in ((cases.UNSCHEDULED, fmt.MONTH_UNKNOWN), (cases.FRENCH, fmt.DAY_UNKNOWN)):
        if case < plan.n:
            kind[case] = k
    sex = _sex_text(plan, g)
    return frame(
        {
            "SUBJECT": plan.subject,
            "SITENO": fmt.site_ids(plan.site),
            "BRTHDAT": fmt.edc_dates(birth, kind),
            "AGE": fmt.integers(age_at(birth, plan.ic_day)),
            "AGEU": np.full(plan.n, "Years", dtype=object),
            "SEX": sex,
            "RACE": np.full(plan.n, "Asian", dtype=object),
            "ETHNIC": np.full(plan.n, "Not Hispanic or Latino", dtype=object),
            "COUNTRY": np.where(plan.site == 2, "CHN", "China").astype(object),
        }
    )


def ic(plan: Plan) -> pd.DataFrame:
    return frame(
        {
            "SUBJECT": plan.subject,
            "SITENO": fmt.site_ids(plan.site),
            "ICYN": np.full(plan.n, "Yes", dtype=object),
            "ICDAT": fmt.edc_dates(plan.ic_day),
            "ICVERS": np.where(plan.ic_day >= AMENDMENT_DAY, "2.1", "2.0").astype(object),
        }
    )


def ie(plan: Plan) -> pd.DataFrame:
    failed = plan.status == L.SCREEN_FAILURE
    return frame(
        {
            "SUBJECT": plan.subject,
            "SITENO": fmt.site_ids(plan.site),
            "IEDAT": fmt.edc_dates(plan.visit_day[:, 0]),
            "IEYN": fmt.labels(L.YES_NO, ~failed),
            "IECRIT": np.where(failed, L.SCREEN_FAILURE_CRITERION, "").astype(object),
            "IECRIT_T": np.where(failed, L.IE_CRITERIA[L.SCREEN_FAILURE_CRITERION], "").astype(object),
        }
    )


def visits(plan: Plan) -> pd.DataFrame:
    r = visit_rows(plan, done_only=False)
    reason = np.where(r["done"], -1, plan.missed_reason[r["subj"]])
    return frame(
        {
            "SUBJECT": plan.subject[r["subj"]],
            "SITENO": fmt.site_ids(plan.site[r["subj"]]),
            "VISIT": r["label"],
            "VISDAT": fmt.edc_dates(np.where(r["done"], r["day"], fmt.MISSING)),
            "VISYN": fmt.labels(L.YES_NO, r["done"]),
            "VISNDREAS": fmt.labels(L.VISIT_NOT_DONE_REASONS, reason, missing=reason < 0),
        }
    )


DS_SPECIFY = {
    L.DSR_AE: "See AE log",
    L.DSR_WITHDRAWAL: "Subject moved to another city",
    L.DSR_LOST: "No contact after three attempts",
    L.DSR_PHYSICIAN: "Insufficient response in the investigator's opinion",
    L.DSR_SCREEN_FAILURE: f"Inclusion criterion {L.SCREEN_FAILURE_CRITERION} not met",
}


def disposition(plan: Plan) -> pd.DataFrame:
    spec = np.full(plan.n, "", dtype=object)
    for reason, text in DS_SPECIFY.items():
        spec[plan.ds_reason == reason] = text
    if cases.DISC_AE < plan.n:
        spec[cases.DISC_AE] = "Serious infusion related reaction at infusion 3"
    return frame(
        {
            "SUBJECT": plan.subject,
            "SITENO": fmt.site_ids(plan.site),
            "DSSTAT": fmt.labels(L.DS_STATUS, plan.status != L.COMPLETED),
            "DSREAS": fmt.labels(L.DS_REASONS, plan.ds_reason),
            "DSREAS_SP": spec,
            "DSDAT": fmt.edc_dates(plan.ds_day),
        }
    )
