"""The TEAE tables of the summary page: an overview, subjects by their most related and their most severe
TEAE, and SOC/PT tables (all, related, serious, leading to discontinuation), as n (%) [events] by actual
treatment of the safety population."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sdtm_convert.adam.summary_tables import MISSING, Column, _text, count_row, treatment_columns

SAFETY_FLAGS = ("SAFFL",)
WITHDRAWN = "DRUG WITHDRAWN"  # CDISC CT ACN, the action taken that ends the treatment


def relationship_rank(term: str) -> int:
    """Order of a relationship term from not related (1) to definitely related (5); 0 unknown, −1 missing.
    Related means possibly or more (rank ≥ 3)."""
    t = term.upper().strip()
    if not t:
        return -1
    if "NOT" in t or t in ("NONE", "N", "NO", "UNRELATED"):
        return 1
    if "UNLIKELY" in t or "REMOTE" in t or "DOUBTFUL" in t:
        return 2
    if "POSSIBL" in t:
        return 3
    if "PROBABL" in t or "LIKELY" in t:
        return 4
    if "DEFINIT" in t or "CERTAIN" in t or t in ("RELATED", "Y", "YES"):
        return 5
    return 0


SEVERITY = {"MILD": 1, "MODERATE": 2, "SEVERE": 3, "LIFE THREATENING": 4, "LIFE-THREATENING": 4, "FATAL": 5,
            "DEATH": 5}


def severity_rank(term: str) -> int:
    t = term.upper().strip()
    if not t:
        return -1
    if t in SEVERITY:
        return SEVERITY[t]
    digits = "".join(ch for ch in t if ch.isdigit())  # CTCAE "GRADE 3" / "3"
    return int(digits) if digits and len(digits) == 1 else 0


def _first(d: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in d.columns and (_text(d[n]) != "").any()), None)


def teaes(adae: pd.DataFrame, columns: list[Column]) -> pd.DataFrame:
    """The TEAE records of the columns' subjects."""
    subjects = frozenset().union(*(c.ids for c in columns)) if columns else frozenset()
    te = _text(adae["TRTEMFL"]) == "Y" if "TRTEMFL" in adae.columns else pd.Series(False, index=adae.index)
    d = adae.loc[te & _text(adae["USUBJID"]).isin(subjects)].copy()
    d["USUBJID"] = _text(d["USUBJID"])
    return d


def _worst(d: pd.DataFrame, var: str, rank, columns: list[Column]) -> list[dict[str, Any]]:
    """Subjects once each at their highest-ranked term of ``var``; events by term."""
    terms = _text(d[var]).where(_text(d[var]) != "", MISSING)
    ranks = _text(d[var]).map(rank)
    r = pd.DataFrame({"id": d["USUBJID"], "term": terms, "rank": ranks})
    worst = r.sort_values(["id", "rank"], kind="mergesort").drop_duplicates("id", keep="last")
    order = r.drop_duplicates("term").sort_values(["rank", "term"], ascending=[False, True], kind="mergesort")
    return [count_row(str(t), worst.loc[worst["term"] == t, "id"], columns, events=r.loc[r["term"] == t, "id"])
            for t in order["term"]]


def soc_pt(d: pd.DataFrame, columns: list[Column]) -> list[dict[str, Any]]:
    """System organ class rows, each followed by its preferred terms; by subjects (all columns) descending,
    then name."""
    if d.empty:
        return []
    soc, pt = _text(d["AEBODSYS"]).where(_text(d["AEBODSYS"]) != "", MISSING), _text(d["AEDECOD"])
    frame = pd.DataFrame({"id": d["USUBJID"], "soc": soc, "pt": pt.where(pt != "", MISSING)})

    def ranked(f: pd.DataFrame, key: str) -> list[str]:
        g = f.groupby(key)["id"].nunique().reset_index(name="n")
        return g.sort_values(["n", key], ascending=[False, True], kind="mergesort")[key].tolist()

    rows = []
    for s in ranked(frame, "soc"):
        fs = frame.loc[frame["soc"] == s]
        rows.append(count_row(s, fs["id"], columns, events=fs["id"]))
        rows += [count_row(p, fs.loc[fs["pt"] == p, "id"], columns, level=1, events=fs.loc[fs["pt"] == p, "id"])
                 for p in ranked(fs, "pt")]
    return rows


def safety_tables(adsl: pd.DataFrame, adae: pd.DataFrame) -> dict[str, Any]:
    """Every TEAE table of the page, with the variables and terms that define them."""
    columns, flag = treatment_columns(adsl, SAFETY_FLAGS, "TRT01A")
    d = teaes(adae, columns)
    rel_var, sev_var = _first(d, "AREL", "AEREL"), _first(d, "ASEV", "AESEV")
    related = d[rel_var].astype(str).map(relationship_rank) >= 3 if rel_var else pd.Series(False, index=d.index)
    severe = (d[sev_var].astype(str).map(severity_rank) >= 3) if sev_var else pd.Series(False, index=d.index)
    serious = _text(d["AESER"]) == "Y" if "AESER" in d.columns else pd.Series(False, index=d.index)
    acn = _first(adae, "AEACN")
    withdrawn = _text(d["AEACN"]).str.upper() == WITHDRAWN if acn else pd.Series(False, index=d.index)
    fatal = pd.Series(False, index=d.index)
    for var, value in (("AEOUT", "FATAL"), ("AESDTH", "Y")):
        if var in d.columns:
            fatal |= _text(d[var]).str.upper() == value
    ids = d["USUBJID"]
    overview = [count_row("Any TEAE", ids, columns, events=ids)]
    for label, mask, known in (
        (f"Related TEAE ({rel_var} possibly, probably or definitely related)", related, rel_var),
        (f"Severe TEAE ({sev_var} severe or worse)", severe, sev_var),
        ("Serious TEAE (AESER = Y)", serious, "AESER" in d.columns),
        (f"TEAE leading to discontinuation of study treatment (AEACN = {WITHDRAWN})", withdrawn, acn),
        ("TEAE with fatal outcome (AEOUT = FATAL or AESDTH = Y)", fatal, True),
    ):
        if known:
            overview.append(count_row(label, ids[mask], columns, events=ids[mask]))
        else:
            overview.append({"label": label.split(" (")[0] + " (not collected)", "cells": ["–" for _ in columns],
                             "level": 0})
    related_terms = sorted({t for t in _text(d[rel_var]).unique() if relationship_rank(t) >= 3}) if rel_var else []
    return {
        "columns": [c.header for c in columns],
        "flag": flag,
        "n_subjects": sum(c.n for c in columns if c.label != "Total") if len(columns) > 1 else columns[0].n
        if columns else 0,
        "overview": overview,
        "relationship": _worst(d, rel_var, relationship_rank, columns) if rel_var else [],
        "relationship_var": rel_var,
        "related_terms": related_terms,
        "severity": _worst(d, sev_var, severity_rank, columns) if sev_var else [],
        "severity_var": sev_var,
        "soc_pt": soc_pt(d, columns),
        "soc_pt_related": soc_pt(d.loc[related], columns),
        "soc_pt_serious": soc_pt(d.loc[serious], columns),
        "soc_pt_withdrawn": soc_pt(d.loc[withdrawn], columns) if acn else None,
    }
