"""Adverse events (ae.csv) and their MedDRA coding export (ae_meddra.csv)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import cases, fmt
from . import labels as L
from . import meddra as M
from .forms import frame
from .plan import STREAM_AE, Plan, stream

SERIOUS_CRITERIA = ("AESDTH", "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG", "AESMIE")
_INFECTIONS = (M.event_index("nasopharyngitis"), M.event_index("urti"))
_IRR = M.event_index("irr")


def _records(**arrays) -> dict[str, np.ndarray]:
    n = len(arrays["subj"])
    defaults = dict(start_kind=0, end_kind=0, time=-1, hosp=False, comment="", acn=L.ACN_NOT_CHANGED)
    out = {k: np.asarray(v) for k, v in arrays.items()}
    for key, value in defaults.items():
        if key not in out:
            out[key] = np.full(n, value, dtype=object if isinstance(value, str) else type(value))
    return out


def _bulk(plan: Plan, g: np.random.Generator) -> dict[str, np.ndarray]:
    n = plan.n
    treated = (plan.status != L.SCREEN_FAILURE) & (np.arange(n) >= cases.N_SCRIPTED)
    subj = np.repeat(np.arange(n), np.where(treated, g.poisson(1.3, n), 0))
    m = len(subj)
    event = g.choice(len(M.KEYS), size=m, p=M.WEIGHTS)
    variant = M.VARIANT_OFFSET[event] + np.floor(g.random(m) * M.N_VARIANTS[event]).astype(np.int64)
    first, last = plan.w0_day[subj], plan.ds_day[subj]
    start = first + np.floor(g.random(m) * (last - first + 1)).astype(np.int64)
    n_inf = np.minimum(plan.last_visit[subj], 5)
    inf_vis = 1 + np.floor(g.random(m) * n_inf).astype(np.int64)
    inf_vis = np.where(plan.infusion_given()[subj, inf_vis], inf_vis, 1)
    irr = event == _IRR
    start = np.where(irr, plan.visit_day[subj, inf_vis], start)
    duration = np.select(
        [irr, event == M.event_index("psoriasis")], [g.integers(0, 2, m), g.integers(7, 60, m)], g.geometric(0.2, m)
    )
    rel = np.where(irr, g.integers(3, 5, m), g.choice(4, size=m, p=[0.3, 0.3, 0.3, 0.1]))
    rel = np.where(np.isin(event, _INFECTIONS), g.integers(0, 2, m), rel)
    partial = ~irr & (g.random(m) < 0.03)
    hosp = g.random(m) < 0.015
    return _records(
        subj=subj,
        event=event,
        verbatim=M.VERBATIMS[variant],
        llt=M.VARIANT_LLT[variant],
        llt_code=M.VARIANT_LLT_CODE[variant],
        start=start,
        start_kind=np.where(partial, fmt.DAY_UNKNOWN, 0),
        time=np.where(irr, plan.inf_start[subj, inf_vis] + g.integers(10, 60, m), -1),
        end=start + duration,
        sev=np.maximum(g.choice(3, size=m, p=[0.65, 0.28, 0.07]), hosp.astype(np.int64)),
        hosp=hosp,
        rel=rel,
        comment=np.where((event == M.event_index("pyrexia")) & (g.random(m) < 0.2), "Paracetamol given", ""),
    )


def _protocol_driven(plan: Plan, g: np.random.Generator) -> dict[str, np.ndarray]:
    """AEs behind bulk discontinuations for AE (drug withdrawn) and withheld infusions (drug interrupted)."""
    bulk = np.arange(plan.n) >= cases.N_SCRIPTED
    disc = np.nonzero(bulk & (plan.ds_reason == L.DSR_AE))[0]
    held_subj, held_vis = np.nonzero(plan.withheld & bulk[:, None])
    subj = np.concatenate([disc, held_subj])
    k, h = len(disc), len(held_subj)
    disc_events = np.array([M.event_index(e) for e in ("irr", "pyrexia", "dizziness", "nausea")])
    event = np.concatenate([disc_events[g.integers(0, 4, k)], np.full(h, M.event_index("pyrexia"))])
    variant = M.VARIANT_OFFSET[event]
    last_vis = plan.last_visit[disc]
    start = np.concatenate([plan.visit_day[disc, last_vis], plan.visit_day[held_subj, held_vis] - g.integers(1, 3, h)])
    time = np.concatenate([plan.inf_start[disc, last_vis] + g.integers(10, 60, k), np.full(h, -1)])
    return _records(
        subj=subj,
        event=event,
        verbatim=M.VERBATIMS[variant],
        llt=M.VARIANT_LLT[variant],
        llt_code=M.VARIANT_LLT_CODE[variant],
        start=start,
        time=time,
        end=start + g.integers(2, 6, k + h),
        sev=np.concatenate([g.integers(1, 3, k), np.ones(h, dtype=np.int64)]),
        rel=np.full(k + h, 2),
        acn=np.concatenate([np.full(k, L.ACN_WITHDRAWN), np.full(h, L.ACN_INTERRUPTED)]),
    )


def _scripted(plan: Plan) -> dict[str, np.ndarray]:
    rows = [a for a in cases.SCRIPTED_AES if a["case"] < plan.n]
    col: dict[str, list] = {
        k: []
        for k in (
            "subj",
            "event",
            "verbatim",
            "llt",
            "llt_code",
            "start",
            "start_kind",
            "time",
            "end",
            "end_kind",
            "sev",
            "hosp",
            "rel",
            "acn",
            "out",
            "comment",
        )
    }
    for a in rows:  # a handful of literal records
        ev = M.event_index(a["event"])
        known = np.nonzero(M.VERBATIMS == a["verbatim"])[0]
        llt, llt_code = (
            (M.VARIANT_LLT[known[0]], M.VARIANT_LLT_CODE[known[0]]) if len(known) else M.EVENTS[a["event"]][1]
        )
        start = int(plan.visit_day[a["case"], a["visit"]]) + a["offset"]
        values = dict(
            subj=a["case"],
            event=ev,
            verbatim=a["verbatim"],
            llt=llt,
            llt_code=llt_code,
            start=start,
            start_kind=a.get("start_kind", 0),
            end_kind=a.get("end_kind", 0),
            time=-1 if a["time"] is None else int(plan.inf_start[a["case"], a["visit"]]) + a["time"],
            end=fmt.MISSING if a["days"] is None else start + a["days"],
            sev=a["sev"],
            hosp=bool(a["serious"]) and "AESHOSP" in a["serious"],
            rel=a["rel"],
            acn=a["acn"],
            out=a["out"],
            comment=a["comment"],
        )
        for key, value in values.items():
            col[key].append(value)
    out = {
        k: np.array(v, dtype=object if k in ("verbatim", "llt", "llt_code", "comment") else np.int64)
        for k, v in col.items()
        if k != "hosp"
    }
    out["hosp"] = np.array(col["hosp"], dtype=bool)
    return out


def ae_records(plan: Plan, seed: int) -> dict[str, np.ndarray]:
    """All AE records, sorted by subject and start, with AENO and derived outcome/action."""
    g = stream(seed, STREAM_AE)
    bulk = _bulk(plan, g)
    extra = _protocol_driven(plan, g)
    scripted = _scripted(plan)
    parts = [bulk, extra, scripted]
    r = {
        k: np.concatenate([np.asarray(p[k]) for p in parts if len(p["subj"])] or [np.array([])])
        for k in bulk
        if k != "out"
    }
    r["scripted"] = np.concatenate(
        [np.zeros(len(bulk["subj"]) + len(extra["subj"]), bool), np.ones(len(scripted["subj"]), bool)]
    )
    out_scripted = scripted["out"] if len(scripted["subj"]) else np.zeros(0, np.int64)
    order = np.lexsort(
        (np.arange(len(r["subj"])), r["time"].astype(np.int64), r["start"].astype(np.int64), r["subj"].astype(np.int64))
    )
    r = {k: v[order] for k, v in r.items()}
    out_all = np.concatenate([np.full(len(order) - len(out_scripted), -1), out_scripted])[order]
    subj = r["subj"].astype(np.int64)
    ongoing = (r["end"] == fmt.MISSING) | (r["end"] > plan.ds_day[subj])
    r["end"] = np.where(ongoing, fmt.MISSING, r["end"]).astype(np.int64)
    r["ongoing"] = ongoing
    r["out"] = np.where(out_all >= 0, out_all, np.where(ongoing, L.OUT_NOT_RECOVERED, L.OUT_RECOVERED))
    last_inf = np.where(plan.infusion_given(), plan.visit_day, fmt.MISSING).max(axis=1)
    after = r["start"].astype(np.int64) > last_inf[subj]
    r["acn"] = np.where(~r["scripted"] & after & (r["acn"] == L.ACN_NOT_CHANGED), L.ACN_NA, r["acn"])
    first = np.r_[0, np.nonzero(np.diff(subj))[0] + 1] if len(subj) else np.zeros(0, np.int64)
    counts = np.diff(np.r_[first, len(subj)])
    r["aeno"] = np.arange(len(subj)) - np.repeat(first, counts) + 1
    r["subj"] = subj
    return r


def ae(plan: Plan, r: dict[str, np.ndarray]) -> pd.DataFrame:
    subj = r["subj"]
    serious = r["hosp"].astype(bool)
    cols = {
        "SUBJECT": plan.subject[subj],
        "SITENO": fmt.site_ids(plan.site[subj]),
        "AENO": fmt.integers(r["aeno"]),
        "AETERM_V": r["verbatim"],
        "AESTDAT": fmt.edc_dates(r["start"].astype(np.int64), r["start_kind"].astype(np.int64)),
        "AESTTIM": fmt.edc_times(np.where(r["start_kind"].astype(np.int64) == 0, r["time"].astype(np.int64), -1)),
        "AEENDAT": fmt.edc_dates(r["end"], r["end_kind"].astype(np.int64)),
        "AEONGO": fmt.labels(L.YES_NO, r["ongoing"]),
        "AESEV": fmt.labels(L.AE_SEV, r["sev"]),
        "AESER": fmt.labels(L.YES_NO, serious),
    }
    for crit in SERIOUS_CRITERIA:
        cols[crit] = fmt.labels(L.YES_NO, serious & (crit == "AESHOSP"), missing=~serious)
    cols.update(
        AEREL=fmt.labels(L.AE_REL, r["rel"]),
        AEACN=fmt.labels(L.AE_ACN, r["acn"]),
        AEOUT=fmt.labels(L.AE_OUT, r["out"]),
        AECOMM=r["comment"],
    )
    return frame(cols)


def ae_meddra(plan: Plan, r: dict[str, np.ndarray]) -> pd.DataFrame:
    event = r["event"].astype(np.int64)
    h = M.hierarchy_columns(event)
    return frame(
        {
            "SUBJECT": plan.subject[r["subj"]],
            "AENO": fmt.integers(r["aeno"]),
            "AETERM_V": r["verbatim"],
            "MEDDRA_V": np.full(len(event), M.MEDDRA_VERSION, dtype=object),
            "LLT": r["llt"],
            "LLT_CODE": r["llt_code"],
            **{k: h[k] for k in ("PT", "PT_CODE", "HLT", "HLT_CODE", "HLGT", "HLGT_CODE", "SOC", "SOC_CODE")},
        }
    )
