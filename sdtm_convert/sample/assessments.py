"""Visit-level forms: pasi, vitals (one file per site, two EDC builds), infusion."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import fmt
from . import labels as L
from .forms import frame
from .pasi import pasi_grid
from .plan import STREAM_INFUSION, STREAM_VITALS, Plan, stream
from .visits import visit_rows


def pasi(plan: Plan, seed: int) -> pd.DataFrame:
    grid = pasi_grid(plan, seed)
    r = visit_rows(plan, done_only=True)
    sched = r["vis"] >= 0
    vis0 = np.where(sched, r["vis"], 0)
    items = np.where(sched[:, None, None], grid["items"][r["subj"], vis0], grid["u_items"][r["subj"]])
    area = np.where(sched[:, None], grid["area"][r["subj"], vis0], grid["u_area"][r["subj"]])
    missing = np.where(sched[:, None], grid["erythema_missing"][r["subj"], vis0], False)
    k = len(r["subj"])
    subj = np.repeat(r["subj"], 4)
    items = items.reshape(k * 4, 3)
    return frame(
        {
            "SUBJECT": plan.subject[subj],
            "SITENO": fmt.site_ids(plan.site[subj]),
            "VISIT": np.repeat(r["label"], 4),
            "PASIDAT": np.repeat(fmt.edc_dates(r["day"]), 4),
            "REGION": np.tile(L.REGIONS, k),
            "ERYTH": fmt.labels(L.ITEM_LABELS, items[:, 0], missing=missing.reshape(-1)),
            "INDUR": fmt.labels(L.ITEM_LABELS, items[:, 1]),
            "DESQ": fmt.labels(L.ITEM_LABELS, items[:, 2]),
            "AREA": fmt.labels(L.AREA_LABELS, area.reshape(-1)),
        }
    )


def weights(plan: Plan, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Body weight in tenths of kg per (subject, scheduled visit), at the unscheduled visit, and height (cm)."""
    g = stream(seed, STREAM_VITALS)
    base = np.where(plan.sex == 1, g.normal(700, 90, plan.n), g.normal(580, 80, plan.n))
    base = np.clip(np.rint(base), 420, 1100)
    grid = np.rint(base[:, None] + g.normal(0, 8, (plan.n, L.N_VISITS))).astype(np.int64)
    unsched = np.rint(base + g.normal(0, 8, plan.n)).astype(np.int64)
    height = np.rint(np.where(plan.sex == 1, g.normal(171, 6, plan.n), g.normal(160, 6, plan.n))).astype(np.int64)
    return grid, unsched, height


def _vital_values(plan: Plan, seed: int, r: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    g = stream(seed, STREAM_VITALS + 100)
    k = len(r["subj"])
    sbp = np.clip(np.rint(g.normal(122, 12, k)), 95, 165).astype(np.int64)
    dbp = np.clip(np.rint(0.55 * sbp + g.normal(10, 6, k)), 55, 105).astype(np.int64)
    w_grid, w_unsched, height = weights(plan, seed)
    sched = r["vis"] >= 0
    return dict(
        sbp=sbp,
        dbp=dbp,
        pulse=np.clip(np.rint(g.normal(75, 9, k)), 55, 110).astype(np.int64),
        temp=np.clip(np.rint(g.normal(366, 2.5, k)), 359, 374).astype(np.int64),
        weight=np.where(sched, w_grid[r["subj"], np.where(sched, r["vis"], 0)], w_unsched[r["subj"]]),
        height=height[r["subj"]],
        no_height=r["vis"] != 0,
    )


def vitals(plan: Plan, seed: int) -> dict[int, pd.DataFrame]:
    """One frame per site number; site 02 uses the other EDC build (see README)."""
    r = visit_rows(plan, done_only=True)
    v = _vital_values(plan, seed, r)
    s = r["subj"]
    common = dict(
        subject=plan.subject[s],
        site=fmt.site_ids(plan.site[s]),
        visit=r["label"],
        date=fmt.edc_dates(r["day"]),
        time=fmt.edc_times(r["time"]),
        sbp=fmt.integers(v["sbp"]),
        dbp=fmt.integers(v["dbp"]),
        pulse=fmt.integers(v["pulse"]),
        temp=fmt.tenths(v["temp"]),
        weight=fmt.tenths(v["weight"]),
        height=fmt.integers(v["height"], missing=v["no_height"]),
    )
    out = {}
    for site in range(1, plan.sites + 1):
        rows = plan.site[s] == site
        c = {key: value[rows] for key, value in common.items()}
        out[site] = _build_b(c) if site == 2 else _build_a(c)
    return out


def _build_a(c: dict[str, np.ndarray]) -> pd.DataFrame:
    no_height = c["height"] == ""
    return frame(
        {
            "SUBJECT": c["subject"],
            "SITENO": c["site"],
            "VISIT": c["visit"],
            "VSDAT": c["date"],
            "VSTIM": c["time"],
            "SYSBP": c["sbp"],
            "DIABP": c["dbp"],
            "PULSE": c["pulse"],
            "TEMP": c["temp"],
            "WEIGHT": c["weight"],
            "WEIGHTU": np.full(len(c["subject"]), "kg", dtype=object),
            "HEIGHT": c["height"],
            "HEIGHTU": np.where(no_height, "", "cm").astype(object),
        }
    )


def _build_b(c: dict[str, np.ndarray]) -> pd.DataFrame:
    return frame(
        {
            "SUBJECT": c["subject"],
            "SITE": c["site"],
            "VISIT": c["visit"],
            "VS_DATE": c["date"],
            "VS_TIME": c["time"],
            "SBP": c["sbp"],
            "DBP": c["dbp"],
            "HR_BPM": c["pulse"],
            "TEMP_C": c["temp"],
            "WT_KG": c["weight"],
            "HT_CM": c["height"],
        }
    )


def infusion(plan: Plan, seed: int) -> pd.DataFrame:
    g = stream(seed, STREAM_INFUSION)
    subj, vis = np.nonzero(plan.infusion_rows())
    given = plan.infusion_given()[subj, vis]
    w_grid, _, _ = weights(plan, seed)
    weight = w_grid[subj, vis]
    day = np.where(given, plan.visit_day[subj, vis], fmt.MISSING)
    y, m = _year_month(np.where(given, day, 0))
    batch = g.integers(1, 4, len(subj))
    lot = "UC" + fmt.zfill((y % 100) * 100 + m, 4) + "-" + fmt.zfill(batch, 2)
    missed = ~plan.visit_done[subj, vis]
    not_given = ~given
    return frame(
        {
            "SUBJECT": plan.subject[subj],
            "SITENO": fmt.site_ids(plan.site[subj]),
            "VISIT": L.VISIT_LABELS[vis],
            "INFNO": fmt.integers(vis),
            "EXYN": fmt.labels(L.YES_NO, given),
            "EXNDREAS": np.select(
                [missed, not_given], [L.INFUSION_NOT_GIVEN_VISIT, L.INFUSION_NOT_GIVEN_AE], ""
            ).astype(object),
            "EXSTDAT": fmt.edc_dates(day),
            "EXSTTIM": fmt.edc_times(np.where(given, plan.inf_start[subj, vis], -1)),
            "EXENTIM": fmt.edc_times(np.where(given, plan.inf_end[subj, vis], -1)),
            "EXDOSE": np.where(given, L.DOSE, "").astype(object),
            "EXDOSEU": np.where(given, L.DOSE_UNIT, "").astype(object),
            "WEIGHT": fmt.tenths(weight, missing=not_given),
            "CELLTOT": fmt.tenths(2 * weight, missing=not_given),
            "CELLTOTU": np.where(given, L.CELLS_UNIT, "").astype(object),
            "ROUTE": np.where(given, L.ROUTE, "").astype(object),
            "LOTNO": np.where(given, lot, "").astype(object),
        }
    )


def _year_month(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = np.asarray(days, dtype="datetime64[D]")
    return d.astype("datetime64[Y]").astype(np.int64) + 1970, d.astype("datetime64[M]").astype(np.int64) % 12 + 1
