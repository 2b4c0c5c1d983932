"""Subject-level helpers: summaries merged from another dataset, categories, Y/N flags, EOSSTT."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.adam.derive.conditions import Condition, condition_mask
from sdtm_convert.adam.derive.core import derive_vars_merged

SUMMARY_FUNS = ("count", "min", "max", "sum", "mean")


def derive_var_merged_summary(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    new_var: str,
    filter: Condition = None,  # noqa: A002
    *,
    dataset_add: pd.DataFrame,
    analysis_var: str | None = None,
    summary_fun: str = "count",
    missing_value: float | None = None,
) -> pd.DataFrame:
    """Add ``new_var`` = ``summary_fun`` (count|min|max|sum|mean) of ``analysis_var`` over the
    ``filter`` records of ``dataset_add`` per ``by_vars``. Count of nothing = 0 (or ``missing_value``)."""
    if summary_fun not in SUMMARY_FUNS:
        raise ValueError(f"summary_fun must be one of {SUMMARY_FUNS}")
    add = dataset_add.loc[condition_mask(dataset_add, filter)]
    grouped = add.groupby(list(by_vars), sort=True, dropna=False)
    if summary_fun == "count":
        summary = grouped.size().rename(new_var).reset_index()
    else:
        summary = getattr(grouped[analysis_var], summary_fun)().rename(new_var).reset_index()
    out = derive_vars_merged(dataset, by_vars, new_vars=[new_var], dataset_add=summary)
    out[new_var] = out[new_var].astype(float)
    fill = 0.0 if summary_fun == "count" and missing_value is None else missing_value
    if fill is not None:
        out[new_var] = out[new_var].fillna(fill)
    return out


def derive_vars_cat(
    dataset: pd.DataFrame,
    new_var: str,
    *,
    source_var: str,
    groups: Sequence[Mapping[str, Any]],
    numeric_var: str | None = None,
    missing_label: str = "",
) -> pd.DataFrame:
    """Categorise a numeric variable: ``groups`` = ``[{label, min, max}]`` (inclusive bounds; a missing
    bound is open). The first matching group wins; no match → "" (and missing ``numeric_var``); a
    missing value → ``missing_label`` (admiral's ad_adsl.R format_agegr1: ``TRUE ~ "Missing"``)."""
    out = dataset.copy()
    x = out[source_var].astype(float)
    conds, labels, nums = [], [], []
    for i, g in enumerate(groups, start=1):
        lo = -np.inf if g.get("min") is None else float(g["min"])
        hi = np.inf if g.get("max") is None else float(g["max"])
        conds.append((x >= lo) & (x <= hi))
        labels.append(str(g["label"]))
        nums.append(float(g.get("n", i)))
    out[new_var] = pd.Series(np.select(conds, labels, ""), index=out.index, dtype=object)
    if missing_label:
        out[new_var] = out[new_var].where(x.notna(), missing_label)
    if numeric_var:
        out[numeric_var] = pd.Series(np.select(conds, nums, np.nan), index=out.index, dtype=float)
    return out


def derive_var_flag(
    dataset: pd.DataFrame,
    new_var: str,
    filter: Condition,  # noqa: A002
    *,
    true_value: str = "Y",
    false_value: str = "N",
) -> pd.DataFrame:
    """A flag variable: ``true_value`` where the condition holds, else ``false_value``."""
    out = dataset.copy()
    mask = condition_mask(out, filter).to_numpy(dtype=bool)
    out[new_var] = pd.Series(np.where(mask, true_value, false_value), index=out.index, dtype=object)
    return out


def compute_eosstt(
    dsdecod: pd.Series,
    *,
    completed: Sequence[str] = ("COMPLETED",),
    excluded: Sequence[str] = ("SCREEN FAILURE",),
) -> pd.Series:
    """End-of-study status from the disposition term: "" (no event) → ONGOING; a ``completed`` term →
    COMPLETED; an ``excluded`` term (screen failure) → ""; any other term → DISCONTINUED."""
    d = dsdecod.astype(object).where(dsdecod.notna(), "").astype(str).str.strip().str.upper()
    status = np.select(
        [d == "", d.isin([c.upper() for c in completed]), d.isin([c.upper() for c in excluded])],
        ["ONGOING", "COMPLETED", ""],
        "DISCONTINUED",
    )
    return pd.Series(status, index=dsdecod.index, dtype=object)


def derive_var_merged_exist_flag(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    new_var: str,
    filter: Condition = None,  # noqa: A002 - admiral's filter_add
    *,
    dataset_add: pd.DataFrame,
    condition: Condition,
    true_value: str = "Y",
    false_value: str = "",
    missing_value: str = "",
) -> pd.DataFrame:
    """admiral ``derive_var_merged_exist_flag()``: ``true_value`` when a ``filter`` record of
    ``dataset_add`` in the by-group meets ``condition``, ``false_value`` when it has records but none
    meets it, ``missing_value`` when it has none (ad_adsl.R's SAFFL: a dose > 0 or a placebo dose;
    false and missing "N")."""
    add = dataset_add.loc[condition_mask(dataset_add, filter), list(by_vars)]
    add = add.assign(_met=condition_mask(dataset_add, condition).loc[add.index].astype(float))
    summary = add.groupby(list(by_vars), sort=False, dropna=False)["_met"].max().reset_index()
    out = derive_vars_merged(dataset, by_vars, new_vars={new_var: "_met"}, dataset_add=summary)
    met = out[new_var].astype(float)
    out[new_var] = pd.Series(
        np.select([met == 1, met == 0], [true_value, false_value], missing_value), index=out.index, dtype=object
    )
    return out
