"""The count tables of the summary page: columns by treatment (N in the header), n (%) in every cell.

Demographics and disposition are by planned treatment (TRT01P) of the subjects assigned to treatment, the
TEAE tables by actual treatment (TRT01A) of the safety population; a study with one treatment has one column,
more have one per treatment and a Total. Each table is a plain dict the template renders:
``{"columns": [...], "rows": [{"label", "cells", "level"}]}``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sdtm_convert.adam.stats import describe

#: Population flags the summary knows by name (ADaMIG 1.3 subject-level population flags), in display order.
POPULATION_LABELS = {
    "ENRLFL": "Enrolled", "RANDFL": "Randomized", "ITTFL": "Intent-to-treat", "SAFFL": "Safety",
    "FASFL": "Full analysis set", "EFFFL": "Efficacy", "PPROTFL": "Per-protocol", "COMPLFL": "Completers",
}
ASSIGNED_FLAGS = ("ITTFL", "RANDFL", "ENRLFL")  # the first present defines "assigned to treatment"
NOT_A_TREATMENT = {"", "SCREEN FAILURE", "NOT ASSIGNED", "NOT TREATED", "SCRNFAIL", "NOTASSGN"}
MISSING = "Missing"


@dataclass(frozen=True)
class Column:
    label: str
    ids: frozenset[str]

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def header(self) -> str:
        return f"{self.label} (N = {self.n})"


def _text(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip()


def treatment_columns(adsl: pd.DataFrame, flags: Iterable[str], trt: str) -> tuple[list[Column], str | None]:
    """Columns for the subjects of the first of ``flags`` present in ADSL (= "Y"; all subjects with a treatment
    when none is), by ``trt`` (ordered by ``trt`` + N when present), then a Total when there are several.
    Returns the columns and the flag used."""
    flag = next((f for f in flags if f in adsl.columns), None)
    treatment = _text(adsl[trt]) if trt in adsl.columns else pd.Series("", index=adsl.index)
    if flag is not None:
        keep = _text(adsl[flag]) == "Y"
    elif trt in adsl.columns:
        keep = ~treatment.str.upper().isin(NOT_A_TREATMENT)
    else:
        keep = pd.Series(True, index=adsl.index)
    blank = MISSING if trt in adsl.columns else "All subjects"  # no treatment variable: one column
    d = pd.DataFrame({"id": _text(adsl["USUBJID"]), "trt": treatment.where(treatment != "", blank)})[keep]
    order_var = trt + "N"
    if order_var in adsl.columns:
        d["order"] = pd.to_numeric(adsl.loc[keep, order_var], errors="coerce")
    else:
        d["order"] = 0.0
    groups = d.groupby("trt", sort=False).agg(order=("order", "min")).reset_index()
    groups = groups.sort_values(["order", "trt"], kind="mergesort", na_position="last")
    cols = [Column(str(t), frozenset(d.loc[d["trt"] == t, "id"])) for t in groups["trt"]]
    if len(cols) != 1:
        cols.append(Column("Total", frozenset(d["id"])))
    return cols, flag


def pct(n: int, total: int) -> str:
    return f"{n} ({100 * n / total:.1f})" if total else str(n)


def count_row(label: str, ids: Iterable[str], columns: list[Column], level: int = 0,
              events: pd.Series | None = None) -> dict[str, Any]:
    """Subjects of each column among ``ids``, as n (%); with ``events`` (the USUBJID of every event) the
    number of events in brackets."""
    uniq = set(ids)
    cells = []
    for c in columns:
        cell = pct(len(c.ids & uniq), c.n)
        if events is not None:
            cell += f" [{int(events.isin(c.ids).sum())}]"
        cells.append(cell)
    return {"label": label, "cells": cells, "level": level}


def _num(x: float | None, digits: int) -> str:
    return "" if x is None or math.isnan(x) else f"{x:.{digits}f}"


def continuous_rows(label: str, values: pd.Series, ids: pd.Series, columns: list[Column]) -> list[dict[str, Any]]:
    """n, Mean (SD), Median, Min – Max of ``values`` per column (``ids`` the subject of each value)."""
    stats = [describe(pd.to_numeric(values[ids.isin(c.ids)], errors="coerce").tolist()) for c in columns]
    return [
        {"label": label, "cells": ["" for _ in columns], "level": 0},
        {"label": "n", "cells": [str(s["n"]) for s in stats], "level": 1},
        {"label": "Mean (SD)", "cells": [f"{_num(s['mean'], 1)} ({_num(s['sd'], 2)})" if s["n"] else ""
                                         for s in stats], "level": 1},
        {"label": "Median", "cells": [_num(s["median"], 1) for s in stats], "level": 1},
        {"label": "Min – Max", "cells": [f"{_num(s['min'], 0)} – {_num(s['max'], 0)}" if s["n"] else ""
                                         for s in stats], "level": 1},
    ]


def categorical_rows(label: str, values: pd.Series, ids: pd.Series, columns: list[Column],
                     order: pd.Series | None = None) -> list[dict[str, Any]]:
    """One n (%) row per value (by ``order`` when given, else most frequent first, then by name); blanks as
    "Missing", last."""
    v = _text(values)
    d = pd.DataFrame({"v": v.where(v != "", MISSING), "id": _text(ids),
                      "o": pd.to_numeric(order, errors="coerce") if order is not None else 0.0})
    g = d.groupby("v").agg(n=("id", "size"), o=("o", "min")).reset_index()
    g["missing"] = g["v"] == MISSING
    if order is not None:
        g = g.sort_values(["missing", "o", "v"], kind="mergesort")
    else:
        g = g.sort_values(["missing", "n", "v"], ascending=[True, False, True], kind="mergesort")
    rows = [{"label": label, "cells": ["" for _ in columns], "level": 0}]
    rows += [count_row(str(val), d.loc[d["v"] == val, "id"], columns, level=1) for val in g["v"]]
    return rows


DEMOGRAPHICS = (("SEX", "Sex"), ("RACE", "Race"), ("ETHNIC", "Ethnicity"), ("COUNTRY", "Country"))


def demographics(adsl: pd.DataFrame) -> dict[str, Any] | None:
    """Age (continuous and AGEGR1), sex, race, ethnicity and country of the subjects assigned to treatment."""
    columns, flag = treatment_columns(adsl, ASSIGNED_FLAGS, "TRT01P")
    if not any(c.n for c in columns):
        return None
    a = adsl.loc[_text(adsl["USUBJID"]).isin(frozenset().union(*(c.ids for c in columns)))]  # the columns' subjects
    ids = _text(a["USUBJID"])
    rows: list[dict[str, Any]] = []
    if "AGE" in a.columns and a["AGE"].notna().any():
        unit = _text(a["AGEU"]).str.lower().mode() if "AGEU" in a.columns else pd.Series(dtype=str)
        rows += continuous_rows(f"Age ({unit.iloc[0]})" if len(unit) and unit.iloc[0] else "Age", a["AGE"], ids,
                                columns)
    if "AGEGR1" in a.columns and (_text(a["AGEGR1"]) != "").any():
        rows += categorical_rows("Age group", a["AGEGR1"], ids, columns, a.get("AGEGR1N"))
    for var, label in DEMOGRAPHICS:
        if var in a.columns and (_text(a[var]) != "").any():
            rows += categorical_rows(label, a[var], ids, columns)
    return {"columns": [c.header for c in columns], "rows": rows, "flag": flag}


def disposition(adsl: pd.DataFrame, population_labels: dict[str, str]) -> dict[str, Any] | None:
    """Subjects assigned to treatment: each population flag of ADSL, completed and discontinued (by reason)."""
    columns, flag = treatment_columns(adsl, ASSIGNED_FLAGS, "TRT01P")
    if not any(c.n for c in columns):
        return None
    ids = _text(adsl["USUBJID"])
    rows: list[dict[str, Any]] = []
    known = [f for f in POPULATION_LABELS if f in adsl.columns]
    for f in known + sorted(f for f in population_labels if f in adsl.columns and f not in known):
        rows.append(count_row(f"{POPULATION_LABELS.get(f, f)} ({f} = Y)", ids[_text(adsl[f]) == "Y"], columns))
    if "EOSSTT" in adsl.columns:
        status = _text(adsl["EOSSTT"]).str.upper()
        rows.append(count_row("Completed the study (EOSSTT = COMPLETED)", ids[status == "COMPLETED"], columns))
        stopped = status == "DISCONTINUED"
        rows.append(count_row("Discontinued the study (EOSSTT = DISCONTINUED)", ids[stopped], columns))
        if "DCSREAS" in adsl.columns:
            reason = _text(adsl["DCSREAS"])
            reasons = reason[stopped].where(reason[stopped] != "", MISSING)
            for r, _n in reasons.value_counts().sort_index(kind="mergesort").sort_values(
                    ascending=False, kind="mergesort").items():
                rows.append(count_row(str(r), ids[stopped][reasons == r], columns, level=1))
        ongoing = status == "ONGOING"
        if ongoing.any():
            rows.append(count_row("Ongoing (EOSSTT = ONGOING)", ids[ongoing], columns))
    screened = len(adsl)
    assigned = len(frozenset().union(*(c.ids for c in columns)))
    return {"columns": [c.header for c in columns], "rows": rows, "flag": flag, "screened": screened,
            "not_assigned": screened - assigned}
