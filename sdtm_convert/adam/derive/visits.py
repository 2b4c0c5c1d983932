"""Analysis windows (AVISIT/AVISITN from the relative day), the ANL01FL choice rules, and NRI records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sdtm_convert.adam.derive._frame import append_records
from sdtm_convert.adam.derive.conditions import Condition, condition_mask

WINDOW_COLUMNS = ["AVISIT", "AVISITN", "AWTARGET", "AWLO", "AWHI"]

#: ANL01FL rules: the sort order inside a window (the *last* record is chosen) — documented in docs/adam.md
ANL01FL_RULES: dict[str, list[str]] = {
    # smallest |ADY − target|; tie → later date; same date → higher source sequence number
    "closest_to_target_then_latest": ["-AWTDIFF", "ADT", "SRCSEQ"],
    # smallest |ADY − target|; tie → earlier date; same date → lower source sequence number
    "closest_to_target_then_earliest": ["-AWTDIFF", "-ADT", "-SRCSEQ"],
    "latest": ["ADT", "SRCSEQ"],
    "earliest": ["-ADT", "-SRCSEQ"],
}


def derive_vars_avisit(
    dataset: pd.DataFrame,
    filter: Condition = None,  # noqa: A002
    *,
    windows: pd.DataFrame,
    day_var: str = "ADY",
) -> pd.DataFrame:
    """AVISIT, AVISITN, AWTARGET, AWLO, AWHI, AWTDIFF, AWU from ``day_var`` and a windows table.

    ``windows`` has the columns AVISIT, AVISITN, AWTARGET, AWLO, AWHI (inclusive days). A record in
    several windows goes to the one with the nearest target (then the lowest AVISITN). Records outside
    every window, or outside ``filter``, get AVISIT "" and missing numbers.
    """
    out = dataset.copy()
    day = out[day_var].astype(float).where(condition_mask(out, filter))
    rec = pd.DataFrame({"_pos": np.arange(len(out)), "_day": day.to_numpy()})
    cross = rec.merge(windows[WINDOW_COLUMNS], how="cross")
    cross = cross.loc[(cross["_day"] >= cross["AWLO"]) & (cross["_day"] <= cross["AWHI"])].copy()
    cross["AWTDIFF"] = (cross["_day"] - cross["AWTARGET"]).abs()
    cross = cross.sort_values(["_pos", "AWTDIFF", "AVISITN"], kind="mergesort").drop_duplicates("_pos")
    hit = rec[["_pos"]].merge(cross, how="left", on="_pos")
    for c in WINDOW_COLUMNS + ["AWTDIFF"]:
        out[c] = hit[c].to_numpy()
    out["AVISIT"] = out["AVISIT"].astype(object).where(out["AVISIT"].notna(), "")
    out["AWU"] = pd.Series(np.where(out["AVISIT"] != "", "DAYS", ""), index=out.index, dtype=object)
    for c in ["AVISITN", "AWTARGET", "AWLO", "AWHI", "AWTDIFF"]:
        out[c] = out[c].astype(float)
    return out


def derive_nri_records(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    filter: Condition = None,  # noqa: A002
    *,
    dataset_ref: pd.DataFrame,
    parameters: Mapping[str, Mapping[str, object]],
    visit: Mapping[str, object],
    keep_vars: Sequence[str] = (),
    flag_var: str = "ANL01FL",
) -> pd.DataFrame:
    """Non-responder imputation: add a DTYPE "NRI" record (AVAL 0, AVALC "N") for each subject of
    ``dataset_ref`` (``by_vars`` identify the subject) and each responder parameter that has no
    ``flag_var`` record with a non-missing AVAL at ``visit`` (``{"AVISIT": ..., "AVISITN": ...}``).

    ``parameters`` maps PARAMCD → constants for the new records (PARAM, PARAMN, ...). ``filter``
    restricts the subjects of ``dataset_ref`` (e.g. FASFL = "Y"). A flagged record without a value at
    that visit loses its flag (the NRI record becomes the analysed one). ``keep_vars`` come from
    ``dataset_ref``.
    """
    subjects = dataset_ref.loc[condition_mask(dataset_ref, filter), list(by_vars) + list(keep_vars)]
    params = pd.DataFrame([{"PARAMCD": k, **dict(v)} for k, v in parameters.items()])
    expected = subjects.merge(params, how="cross")
    at_visit = (dataset["AVISITN"] == visit["AVISITN"]) & dataset["PARAMCD"].isin(list(parameters))
    flagged = at_visit & (dataset[flag_var] == "Y")
    have = dataset.loc[flagged & dataset["AVAL"].notna(), list(by_vars) + ["PARAMCD"]].drop_duplicates()
    todo = expected.merge(have, how="left", on=list(by_vars) + ["PARAMCD"], indicator=True)
    todo = todo.loc[todo["_merge"] == "left_only"].drop(columns="_merge")
    avisitn = pd.to_numeric(pd.Series([visit["AVISITN"]])).astype(float).iloc[0]
    new = todo.assign(AVISIT=visit["AVISIT"], AVISITN=avisitn, AVAL=0.0, AVALC="N", DTYPE="NRI", **{flag_var: "Y"})
    out = dataset.copy()
    key = list(by_vars) + ["PARAMCD"]
    unflag = out[key].merge(new[key].assign(_nri=True), how="left", on=key)["_nri"].fillna(False).to_numpy(dtype=bool)
    out.loc[flagged.to_numpy() & unflag, flag_var] = ""
    return append_records(out, new)


def title_case(text: pd.Series) -> pd.Series:
    """stringr ``str_to_title()`` for visit names: each word's first letter upper, the rest lower
    ("WEEK 2" → "Week 2", "END OF TREATMENT" → "End Of Treatment"); a letter after a digit stays lower."""
    lower = text.astype(object).where(text.notna(), "").astype(str).str.lower()
    return lower.str.replace(r"(?<![A-Za-z0-9'])([a-z])", lambda m: m.group(1).upper(), regex=True)


def derive_vars_avisit_from_visit(
    dataset: pd.DataFrame,
    *,
    source_var: str = "VISIT",
    exclude_pattern: str = "SCREEN|UNSCHED|RETRIEVAL|AMBUL",
    baseline: str = "BASELINE",
    week_word: str = "WEEK",
) -> pd.DataFrame:
    """AVISIT/AVISITN from the nominal visit, as admiral's ad_advs.R template derives them.

    AVISIT: "" for a visit matching ``exclude_pattern`` (regular expression, searched) or missing,
    else the visit in title case. AVISITN: 0 for ``baseline``; for a visit containing ``week_word``,
    the number left after removing its first occurrence ("WEEK 26" → 26; not a number → missing);
    otherwise missing.
    """
    out = dataset.copy()
    visit = out[source_var].astype(object).where(out[source_var].notna(), "").astype(str)
    excluded = visit.str.contains(exclude_pattern, regex=True) | (visit == "")
    out["AVISIT"] = title_case(visit).where(~excluded, "").astype(object)
    week = pd.to_numeric(visit.str.replace(week_word, "", n=1, regex=False).str.strip(), errors="coerce")
    avisitn = week.where(visit.str.contains(week_word, regex=False))
    out["AVISITN"] = avisitn.where(visit != baseline, 0.0).astype(float)
    return out
