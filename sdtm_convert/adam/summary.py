"""The reviewer's summary page: links to the package's define.html files and validation reports; disposition and
demographics; PASI over time (inline SVG: per-subject lines up to 50 subjects, mean ± 95 % CI above) with
per-visit statistics; the improvement rate at the primary visit with 95 % CIs for the mean (t) and the median
(order statistics); PASIxx response with exact Clopper–Pearson 95 % CIs (table and bar chart); TEAE tables
(:mod:`.summary_safety`); serious AEs. A study without ADPASI shows no PASI section. jinja2 with autoescape;
self-contained (no network, no scripts)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sdtm_convert.adam.adpasi import primary_visit, responder_param
from sdtm_convert.adam.config import adam_settings
from sdtm_convert.adam.derive import sas_date_to_iso
from sdtm_convert.adam.stats import clopper_pearson, describe, mean_ci, median_ci
from sdtm_convert.adam.summary_safety import safety_tables
from sdtm_convert.adam.summary_tables import demographics, disposition
from sdtm_convert.common.arrowtext import join_runs, lit
from sdtm_convert.common.html import environment
from sdtm_convert.spec.study import StudyConfig

PLOT = {"width": 640, "height": 360, "left": 56, "right": 40, "top": 20, "bottom": 44}
BARS = {"width": 640, "height": 300, "left": 56, "right": 20, "top": 24, "bottom": 44}
#: Above this many subjects the plot shows the mean and its 95 % CI by visit instead of one line per subject.
TRAJECTORY_LIMIT = 50


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


def visit_statistics(d: pd.DataFrame) -> list[dict[str, Any]]:
    """Per analysis visit: n, mean, SD, 95 % CI (t), median, min, max of AVAL and the mean % change from
    baseline (PCHG, with its n) as numbers (None when not defined)."""
    out = []
    for avisitn, g in d.groupby("AVISITN", sort=True):
        s = describe(g["AVAL"].tolist())
        pchg = describe(g["PCHG"].tolist()) if "PCHG" in g.columns else {"n": 0, "mean": None}
        out.append({"avisitn": float(avisitn), "avisit": str(g["AVISIT"].iloc[0]), **s, "ci": mean_ci(g["AVAL"].tolist()),
                    "pchg_n": pchg["n"], "pchg": pchg["mean"]})
    return out


def pasi_plot(adpasi: pd.DataFrame) -> dict[str, Any]:
    """Coordinates for the SVG (axes, ticks, the mean by analysis visit; per-subject lines up to
    ``TRAJECTORY_LIMIT`` subjects, else the 95 % CI of the mean as a band) and the per-visit table."""
    d = _analysed(adpasi, "PASI").dropna(subset=["AVAL", "AVISITN"])
    p = PLOT
    stats = visit_statistics(d)
    xs = [v["avisitn"] for v in stats] or [0.0, 12.0]
    xmax = max(max(xs), 1.0)
    n_subjects = int(d["USUBJID"].nunique())
    band = n_subjects > TRAJECTORY_LIMIT
    tops = [float(d["AVAL"].max()) if len(d) and not band else 10.0]
    tops += [v["ci"][1] for v in stats if band and v["ci"]] + [v["mean"] for v in stats if v["mean"] is not None]
    ymax = math.ceil(max(max(tops), 1.0) / 5) * 5
    iw, ih = p["width"] - p["left"] - p["right"], p["height"] - p["top"] - p["bottom"]

    def sx(v: float) -> float:
        return round(p["left"] + iw * v / xmax, 1)

    def sy(v: float) -> float:
        return round(p["top"] + ih * (1 - max(v, 0.0) / ymax), 1)

    subjects = [] if band else _trajectories(d.sort_values(["USUBJID", "AVISITN"]), sx, sy)
    mean_pts = []
    for v in stats:
        ci = v["ci"]
        label = f"{v['mean']:.1f}" + (f" (95 % CI {ci[0]:.1f} – {ci[1]:.1f})" if ci else "") + f", n = {v['n']}"
        mean_pts.append({"x": sx(v["avisitn"]), "y": sy(v["mean"]), "label": label,
                         "lo": sy(ci[0]) if ci else None, "hi": sy(ci[1]) if ci else None})
    with_ci = [m for m in mean_pts if m["lo"] is not None]
    band_points = " ".join([f"{m['x']},{m['hi']}" for m in with_ci] + [f"{m['x']},{m['lo']}" for m in with_ci[::-1]])
    return {
        **p,
        "n_subjects": n_subjects,
        "band": band,
        "band_points": band_points if band else "",
        "subjects": subjects,
        "mean_points": mean_pts,
        "mean_line": " ".join(f"{m['x']},{m['y']}" for m in mean_pts),
        "xticks": [{"x": sx(v["avisitn"]), "label": v["avisit"]} for v in stats],
        "yticks": [{"y": sy(v), "label": f"{v:g}"} for v in _ticks(ymax)],
        "x0": p["left"],
        "x1": p["width"] - p["right"],
        "y0": p["top"],
        "y1": p["height"] - p["bottom"],
        "visit_table": [
            {"avisit": v["avisit"], "n": str(v["n"]), "mean": _fmt(v["mean"]), "sd": _fmt(v["sd"], 2),
             "ci": f"{_fmt(v['ci'][0])} – {_fmt(v['ci'][1])}" if v["ci"] else "", "median": _fmt(v["median"]),
             "range": f"{_fmt(v['min'])} – {_fmt(v['max'])}" if v["n"] else "",
             "pchg": _fmt(v["pchg"]) if v["pchg_n"] else "", "pchg_n": str(v["pchg_n"]) if v["pchg_n"] else ""}
            for v in stats
        ],
    }


def improvement(adpasi: pd.DataFrame, avisitn: float) -> dict[str, str]:
    """n, mean with its t 95 % CI, SD, median with its distribution-free 95 % CI (and the coverage those order
    statistics achieve), min, max of the improvement rate at the primary visit."""
    d = _analysed(adpasi, "PASIIMP")
    values = d.loc[d["AVISITN"] == avisitn, "AVAL"].tolist()
    s = describe(values)
    out = {k: (str(v) if k == "n" else _fmt(v)) for k, v in s.items()}
    out["sd"] = _fmt(s["sd"], 2)
    ci, mci = mean_ci(values), median_ci(values)
    out["mean_ci"] = f"{_fmt(ci[0])} – {_fmt(ci[1])}" if ci else ""
    out["median_ci"] = f"{_fmt(mci[0])} – {_fmt(mci[1])}" if mci else ""
    out["median_coverage"] = f"{100 * mci[2]:.1f}" if mci else ""
    return out


def responses(adpasi: pd.DataFrame, avisitn: float, thresholds) -> list[dict[str, Any]]:
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
                "k": k,
                "param": name,
                "x": str(x),
                "n": str(n),
                "nri": str(nri),
                "rate": _fmt(100 * x / n) if n else "",
                "ci": f"{_fmt(100 * lo)} – {_fmt(100 * hi)}" if n else "",
                "values": (100 * x / n, 100 * lo, 100 * hi) if n else None,
            }
        )
    return rows


def response_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars (response rate, %) with the exact 95 % CI as whiskers, one per PASIxx, on a 0–100 % axis."""
    p = BARS
    iw, ih = p["width"] - p["left"] - p["right"], p["height"] - p["top"] - p["bottom"]
    slot = iw / max(len(rows), 1)

    def sy(v: float) -> float:
        return round(p["top"] + ih * (1 - v / 100), 1)

    bars = []
    for i, r in enumerate(rows):
        cx = round(p["left"] + slot * (i + 0.5), 1)
        bar: dict[str, Any] = {"cx": cx, "label": f"PASI {r['k']}", "x": round(cx - slot * 0.25, 1),
                               "w": round(slot * 0.5, 1), "title": f"{r['param']}: {r['x']}/{r['n']}"}
        if r["values"]:
            rate, lo, hi = r["values"]
            bar |= {"y": sy(rate), "h": round(sy(0) - sy(rate), 1), "lo": sy(lo), "hi": sy(hi),
                    "text": f"{rate:.1f} %", "text_y": sy(hi) - 6,
                    "title": f"{r['param']}: {r['x']}/{r['n']} = {rate:.1f} % (95 % CI {lo:.1f} – {hi:.1f})"}
        bars.append(bar)
    return {**p, "bars": bars, "x0": p["left"], "x1": p["width"] - p["right"], "y0": p["top"],
            "y1": p["height"] - p["bottom"], "yticks": [{"y": sy(v), "label": f"{v}"} for v in range(0, 101, 20)]}


def serious_aes(adae: pd.DataFrame) -> list[dict[str, str]]:
    """Every serious AE (TEAE or not), by subject and sequence; a variable ADAE lacks is shown blank."""
    d = adae.loc[adae["AESER"] == "Y"].sort_values(["USUBJID", "AESEQ"], kind="mergesort") if "AESER" in adae else adae.iloc[0:0]

    def col(name: str) -> list[Any]:
        return d[name].tolist() if name in d.columns else [""] * len(d)

    def dates(name: str) -> list[str]:
        return list(sas_date_to_iso(d[name])) if name in d.columns else [""] * len(d)

    fields = {"usubjid": "USUBJID", "term": "AETERM", "pt": "AEDECOD", "soc": "AEBODSYS", "sev": "AESEV",
              "rel": "AEREL", "teae": "TRTEMFL"}
    values = {k: col(v) for k, v in fields.items()}
    values |= {"start": dates("ASTDT"), "end": dates("AENDT"), "day": [_fmt(x, 0) for x in d["ASTDY"]] if "ASTDY" in d.columns else [""] * len(d)}
    return [dict(zip(values, row)) for row in zip(*values.values())]


def render_summary(result, study: StudyConfig, links: Sequence[tuple[str, str]] = ()) -> str:
    """The page; ``links`` are (label, relative href) pairs to the package's other reviewer files."""
    settings = result.settings or adam_settings(study)
    adsl = result.datasets["ADSL"]
    adpasi = result.datasets.get("ADPASI")
    adae = result.datasets.get("ADAE")
    visit = primary_visit(settings)
    env = environment("sdtm_convert.adam")
    pop_labels = {p.flag: p.label for p in settings.populations if p.flag in adsl.columns}
    pasi: dict[str, Any] | None = None
    if adpasi is not None:
        rows = responses(adpasi, settings.primary_avisitn, settings.responder_thresholds)
        pasi = {"plot": pasi_plot(adpasi), "improvement": improvement(adpasi, settings.primary_avisitn),
                "responses": rows, "chart": response_chart(rows), "limit": TRAJECTORY_LIMIT}
    return env.get_template("summary.html.j2").render(
        study=study,
        visit=visit,
        n_subjects=len(adsl),
        links=[{"label": label, "href": href} for label, href in links],
        pop_labels=pop_labels,
        disposition=disposition(adsl, pop_labels),
        demographics=demographics(adsl),
        pasi=pasi,
        nri=settings.nri,
        tolerance=settings.tolerance_days,
        safety=safety_tables(adsl, adae) if adae is not None else None,
        sae=serious_aes(adae) if adae is not None else [],
        trtemfl_window=settings.trtemfl_window_days,
        package_date=study.created,
        package_date_source=study.package_date_source,
        skipped=result.skipped,
    )
