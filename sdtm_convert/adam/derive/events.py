"""Extreme events over several sources (admiral ``derive_vars_extreme_event()``, ``derive_var_extreme_dt()``).

An *event* is a mapping::

    {"dataset_name": "ae",                      # key of source_datasets
     "condition": {var: AEOUT, op: eq, value: FATAL},   # optional, a structured condition
     "order": ["AESTDTC", "AESEQ"],             # optional: keep one record per by-group ...
     "mode": "first",                           # ... the first/last by that order (default: the call's mode)
     "set_values_to": {"DTHDT": {"dtc": "AEENDTC", "highest_imputation": "M"},
                       "DTHCAUS": {"var": "AEDECOD"},
                       "DTHFL": "Y"}}

A value in ``set_values_to`` is ``{"var": X}`` (copy column X), ``{"dtc": X, "highest_imputation": ...,
"date_imputation": ...}`` (admiral's ``convert_dtc_to_dt(X, ...)``, a numeric SAS date), a callable
(frame → Series, for Python callers) or a constant.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.adam.derive._frame import sorted_positions
from sdtm_convert.adam.derive.conditions import condition_mask
from sdtm_convert.adam.derive.core import derive_vars_merged
from sdtm_convert.adam.derive.dates import compute_dt
from sdtm_convert.errors import fatal

MODES = ("first", "last")


def _value(frame: pd.DataFrame, spec: Any) -> pd.Series | Any:
    if callable(spec):
        return spec(frame)
    if isinstance(spec, Mapping) and "var" in spec:
        return frame[spec["var"]]
    if isinstance(spec, Mapping) and "dtc" in spec:
        dt, _ = compute_dt(
            frame[spec["dtc"]],
            highest_imputation=spec.get("highest_imputation", "n"),
            date_imputation=spec.get("date_imputation", "first"),
        )
        return dt
    return spec


def _extreme(frame: pd.DataFrame, by_vars: Sequence[str], order: Sequence[str], mode: str) -> pd.DataFrame:
    """The first/last record per by-group in ``order`` (missing order values last, as dplyr sorts)."""
    ordered = frame.iloc[sorted_positions(frame, by_vars, order, na_position="last")]
    return ordered.loc[~ordered.duplicated(subset=list(by_vars), keep=mode)]


def _event_records(
    number: int,
    event: Mapping[str, Any],
    by_vars: Sequence[str],
    source_datasets: Mapping[str, pd.DataFrame],
    mode: str,
    tmp_event_nr_var: str,
) -> pd.DataFrame:
    name = str(event.get("dataset_name"))
    if name not in source_datasets:
        raise fatal("adam-event-source", f"event {number}: no source dataset named {name!r}")
    src = source_datasets[name]
    src = src.loc[condition_mask(src, event.get("condition"))]
    if event.get("order"):
        src = _extreme(src, by_vars, event["order"], event.get("mode", mode))
    values = {var: _value(src, spec) for var, spec in (event.get("set_values_to") or {}).items()}
    out = src[list(by_vars)].assign(**values)
    out[tmp_event_nr_var] = float(number)
    return out.reset_index(drop=True)


def derive_vars_extreme_event(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    order: Sequence[str],
    new_vars: Sequence[str] | Mapping[str, str],
    *,
    events: Sequence[Mapping[str, Any]],
    source_datasets: Mapping[str, pd.DataFrame],
    mode: str,
    tmp_event_nr_var: str = "EVENT_NR",
) -> pd.DataFrame:
    """Add ``new_vars`` from the first/last (``mode``) of all event records per by-group.

    admiral's steps: for each event its source records are restricted by ``condition`` (and, when the
    event has an ``order``, to the first/last per by-group); ``set_values_to`` is applied and
    ``tmp_event_nr_var`` is set to the event's number (1, 2, ...; usable in ``order``). All event
    records are stacked, the first/last per by-group by ``order`` is kept, and ``new_vars`` (names,
    or ``{new: event variable}``) are merged into ``dataset``. Missing ``order`` values sort last
    (dplyr ``arrange()``); an ``order`` variable no event sets is missing throughout. Groups without
    any event get missing values ("" for text).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    pieces = [
        _event_records(i, ev, by_vars, source_datasets, mode, tmp_event_nr_var) for i, ev in enumerate(events, start=1)
    ]
    stacked = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=list(by_vars))
    absent = {c.lstrip("-"): np.nan for c in order if c.lstrip("-") not in stacked.columns}
    chosen = _extreme(stacked.assign(**absent), by_vars, order, mode)
    names = dict(new_vars) if isinstance(new_vars, Mapping) else {v: v for v in new_vars}
    for src in names.values():
        if src not in chosen.columns:
            chosen = chosen.assign(**{src: np.nan})
    return derive_vars_merged(dataset, by_vars, new_vars=names, dataset_add=chosen)


def derive_var_extreme_dt(
    dataset: pd.DataFrame,
    new_var: str,
    *,
    sources: Sequence[Mapping[str, Any]],
    source_datasets: Mapping[str, pd.DataFrame],
    mode: str,
    subject_keys: Sequence[str] = ("STUDYID", "USUBJID"),
) -> pd.DataFrame:
    """The first/last date over several sources (admiral ``derive_var_extreme_dt()``, e.g. LSTALVDT).

    ``sources``: ``[{"dataset_name": ..., "date": <a numeric date column, or {"dtc": ...}>,
    "filter": condition}]``. Records whose date is missing are dropped; the earliest (``mode``
    "first") or latest ("last") remaining date per subject becomes ``new_var``.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    keys = list(subject_keys)
    pieces = []
    for number, src in enumerate(sources, start=1):
        name = str(src.get("dataset_name"))
        if name not in source_datasets:
            raise fatal("adam-event-source", f"date source {number}: no source dataset named {name!r}")
        data = source_datasets[name]
        data = data.loc[condition_mask(data, src.get("filter"))]
        spec = {"var": src["date"]} if isinstance(src["date"], str) else src["date"]
        dates = pd.Series(_value(data, spec), index=data.index).astype(float)
        pieces.append(data[keys].assign(**{new_var: dates}).loc[dates.notna()])
    stacked = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=[*keys, new_var])
    grouped = stacked.groupby(keys, sort=False)[new_var]
    extreme = (grouped.min() if mode == "first" else grouped.max()).reset_index()
    out = derive_vars_merged(dataset, keys, new_vars=[new_var], dataset_add=extreme)
    out[new_var] = out[new_var].astype(float)
    return out
