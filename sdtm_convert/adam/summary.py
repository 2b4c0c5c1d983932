"""The reviewer's summary page: PASI over time (inline SVG), improvement rate and PASIxx response at the
primary visit (exact Clopper–Pearson 95 % CIs), TEAEs by SOC/PT, serious AEs. jinja2 with autoescape;
self-contained (no network, no scripts)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sdtm_convert.adam.adpasi import primary_visit, responder_param
from sdtm_convert.adam.config import adam_settings
from sdtm_convert.adam.datasets import DATASETS
from sdtm_convert.adam.derive import sas_date_to_iso
from sdtm_convert.adam.stats import clopper_pearson, describe
from sdtm_convert.common.arrowtext import join_runs, lit
from sdtm_convert.common.html import environment
from sdtm_convert.spec.study import StudyConfig

PLOT = {"width": 640, "height": 360, "left": 56, "right": 40, "top": 20, "bottom": 44}


def _fmt(x: float | None, digits: int = 1) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _analysed(adpasi: pd.DataFrame, paramcd: str, population: str = "FASFL") -> pd.DataFrame:
    pop = adpasi[population] == "Y" if population in adpasi.columns else True
    return adpasi.loc[(adpasi["PARAMCD"] == paramcd) & (adpasi["ANL01FL"] == "Y") & pop]


def _ticks(top: float) -> list[float]:
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if top / s <= 8)
    return [float(step * i) for i in range(int(top // step) + 1)]


def _trajectories(d: pd.DataFrame, sx, sy) -> list[dict[str, str]]:
    """One polyline per subject ("x,y x,y ..." in visit order): coordinates are formatted once per distinct
    visit and value, and the points joined per subject by Arrow (10,000 subjects are 10,000 polylines)."""
    if d.empty:
        return []
    ids = d["USUBJID"].astype(str).to_numpy()

    def text(values: pd.Series, scale) -> pa.Array:
        codes, uniq = pd.factorize(values.to_numpy(dtype=float))
        return pa.array(np.array([str(scale(v)) for v in uniq], dtype=object)[codes], pa.large_string())

    points = pc.binary_join_element_wise(text(d["AVISITN"], sx), text(d["AVAL"], sy), lit(","))
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    lines = join_runs(points, starts, " ")
    return [{"id": i, "points": p} for i, p in zip(ids[starts].tolist(), lines.to_pylist())]


def pasi_plot(adpasi: pd.DataFrame) -> dict[str, Any]:
    """Coordinates for the SVG: individual trajectories, the mean by analysis visit, axes and ticks."""
    d = _analysed(adpasi, "PASI").dropna(subset=["AVAL", "AVISITN"])
    p = PLOT
    xs = sorted(d["AVISITN"].unique()) or [0.0, 12.0]
    xmax = max(max(xs), 1.0)
    ymax = max(float(d["AVAL"].max()) if len(d) else 10.0, 1.0)
    ymax = math.ceil(ymax / 5) * 5
    iw, ih = p["width"] - p["left"] - p["right"], p["height"] - p["top"] - p["bottom"]

    def sx(v: float) -> float:
        return round(p["left"] + iw * v / xmax, 1)

    def sy(v: float) -> float:
        return round(p["top"] + ih * (1 - v / ymax), 1)

    subjects = _trajectories(d.sort_values(["USUBJID", "AVISITN"]), sx, sy)
    means = d.groupby("AVISITN", sort=True)["AVAL"].agg(["mean", "count"]).reset_index()
    mean_pts = [
        {"x": sx(a), "y": sy(m), "label": f"{m:.1f} (n={c})"}
        for a, m, c in zip(means["AVISITN"], means["mean"], means["count"])
    ]
    labels = d.drop_duplicates("AVISITN").set_index("AVISITN")["AVISIT"].to_dict()
    return {
        **p,
        "subjects": subjects,
        "mean_points": mean_pts,
        "mean_line": " ".join(f"{m['x']},{m['y']}" for m in mean_pts),
        "xticks": [{"x": sx(v), "label": labels.get(v, f"{v:g}")} for v in xs],
        "yticks": [{"y": sy(v), "label": f"{v:g}"} for v in _ticks(ymax)],
        "x0": p["left"],
        "x1": p["width"] - p["right"],
        "y0": p["top"],
        "y1": p["height"] - p["bottom"],
        "mean_table": [
            {"avisit": labels.get(a, f"{a:g}"), "n": int(c), "mean": _fmt(m)}
            for a, m, c in zip(means["AVISITN"], means["mean"], means["count"])
        ],
    }


def improvement(adpasi: pd.DataFrame, avisitn: float) -> dict[str, str]:
    d = _analysed(adpasi, "PASIIMP")
    s = describe(d.loc[d["AVISITN"] == avisitn, "AVAL"].tolist())
    return {k: (str(v) if k == "n" else _fmt(v)) for k, v in s.items()}


def responses(adpasi: pd.DataFrame, avisitn: float, thresholds) -> list[dict[str, str]]:
    rows = []
    for k in thresholds:
        cd, name, _ = responder_param(k)
        d = _analysed(adpasi, cd)
        d = d.loc[(d["AVISITN"] == avisitn) & d["AVAL"].notna()]
        n, x = len(d), int((d["AVAL"] == 1).sum())
        nri = int((d["DTYPE"] == "NRI").sum()) if "DTYPE" in d.columns else 0
        lo, hi = clopper_pearson(x, n) if n else (float("nan"), float("nan"))
        rows.append(
            {
                "param": name,
                "x": str(x),
                "n": str(n),
                "nri": str(nri),
                "rate": _fmt(100 * x / n) if n else "",
                "ci": f"{_fmt(100 * lo)} – {_fmt(100 * hi)}" if n else "",
            }
        )
    return rows


def teae_table(adae: pd.DataFrame) -> list[dict[str, Any]]:
    """TEAEs of the safety population: an "any TEAE" row, then SOCs and PTs (subjects desc, then name)."""
    saf = adae["SAFFL"] == "Y" if "SAFFL" in adae.columns else True
    d = adae.loc[(adae["TRTEMFL"] == "Y") & saf]
    if d.empty:
        return []
    out: list[dict[str, Any]] = [
        {
            "soc": "Any treatment-emergent adverse event",
            "subjects": int(d["USUBJID"].nunique()),
            "events": len(d),
            "pts": [],
        }
    ]
    socs = d.groupby("AEBODSYS").agg(subjects=("USUBJID", "nunique"), events=("USUBJID", "size")).reset_index()
    socs = socs.sort_values(["subjects", "AEBODSYS"], ascending=[False, True], kind="mergesort")
    for soc, subj, ev in zip(socs["AEBODSYS"], socs["subjects"], socs["events"]):
        pts = (
            d.loc[d["AEBODSYS"] == soc]
            .groupby("AEDECOD")
            .agg(subjects=("USUBJID", "nunique"), events=("USUBJID", "size"))
            .reset_index()
        )
        pts = pts.sort_values(["subjects", "AEDECOD"], ascending=[False, True], kind="mergesort")
        out.append(
            {
                "soc": soc,
                "subjects": int(subj),
                "events": int(ev),
                "pts": [
                    {"pt": a, "subjects": int(b), "events": int(c)}
                    for a, b, c in zip(pts["AEDECOD"], pts["subjects"], pts["events"])
                ],
            }
        )
    return out


def serious_aes(adae: pd.DataFrame) -> list[dict[str, str]]:
    d = adae.loc[adae["AESER"] == "Y"].sort_values(["USUBJID", "AESEQ"], kind="mergesort")
    start, end = sas_date_to_iso(d["ASTDT"]), sas_date_to_iso(d["AENDT"])
    return [
        {
            "usubjid": r.USUBJID,
            "term": r.AETERM,
            "pt": r.AEDECOD,
            "soc": r.AEBODSYS,
            "start": s,
            "end": e,
            "day": _fmt(r.ASTDY, 0),
            "sev": r.AESEV,
            "rel": r.AEREL,
            "teae": r.TRTEMFL,
        }
        for r, s, e in zip(d.itertuples(index=False), start, end)
    ]


def render_summary(result, study: StudyConfig) -> str:
    settings = result.settings or adam_settings(study)
    adsl = result.datasets["ADSL"]
    adpasi = result.datasets.get("ADPASI", pd.DataFrame(columns=DATASETS["ADPASI"].columns(())))  # skipped: no PASI records
    adae = result.datasets.get("ADAE", pd.DataFrame(columns=DATASETS["ADAE"].columns(())))  # skipped: no AE records
    visit = primary_visit(settings)
    env = environment("sdtm_convert.adam")
    counts = {f: int((adsl[f] == "Y").sum()) for f in [p.flag for p in settings.populations] if f in adsl.columns}
    n_saf = counts.get("SAFFL", len(adsl))
    return env.get_template("summary.html.j2").render(
        study=study,
        visit=visit,
        n_subjects=len(adsl),
        populations=counts,
        pop_labels={p.flag: p.label for p in settings.populations},
        plot=pasi_plot(adpasi),
        improvement=improvement(adpasi, settings.primary_avisitn),
        responses=responses(adpasi, settings.primary_avisitn, settings.responder_thresholds),
        nri=settings.nri,
        tolerance=settings.tolerance_days,
        teae=teae_table(adae),
        sae=serious_aes(adae),
        trtemfl_window=settings.trtemfl_window_days,
        n_saf=n_saf,
        package_date=study.created,
        package_date_source=study.package_date_source,
        skipped=result.skipped,
    )
