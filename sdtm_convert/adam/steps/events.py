"""Steps of subject-level derivations over several sources (admiral's ad_adsl.R): the first/last of several
events (death, last known alive date), a flag for the existence of source records (SAFFL), dates of
datetimes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sdtm_convert.adam.derive import (
    derive_var_extreme_dt,
    derive_var_merged_exist_flag,
    derive_vars_dtm_to_dt,
    derive_vars_extreme_event,
)
from sdtm_convert.adam.steps.kinds import (
    COND_REF,
    ACond,
    Dataset,
    Names,
    Order,
    Rename,
    condition_text,
    renamed,
    value_text,
    values_text,
)
from sdtm_convert.adam.steps.library import KEY, source_frame
from sdtm_convert.adam.steps.step import Step, StepContext, register
from sdtm_convert.spec.params import OneOf, Str, Struct, Var

P = Mapping[str, Any]

# a value of set_values_to: {var: X} (copy), {dtc: X, highest_imputation, date_imputation} (a SAS date), a constant
VALUE = {"oneOf": [
    {"type": "object", "required": ["var"], "additionalProperties": False, "properties": {"var": {"$ref": "#/$defs/name"}}},
    {"type": "object", "required": ["dtc"], "additionalProperties": False,
     "properties": {"dtc": {"$ref": "#/$defs/name"}, "highest_imputation": {"enum": ["n", "D", "M", "Y"]},
                    "date_imputation": {"enum": ["first", "mid", "last"]}}},
    {"type": ["string", "number", "null"]}]}
EVENTS = {"type": "array", "minItems": 1, "items": {
    "type": "object", "required": ["dataset_name", "set_values_to"], "additionalProperties": False,
    "properties": {"dataset_name": {"type": "string"}, "condition": COND_REF,
                   "order": {"type": "array", "items": {"type": "string", "pattern": "^-?[A-Z][A-Z0-9_]*$"}},
                   "mode": {"enum": ["first", "last"]},
                   "set_values_to": {"type": "object", "additionalProperties": VALUE}}}}
DATE_SOURCES = {"type": "array", "minItems": 1, "items": {
    "type": "object", "required": ["dataset_name", "date"], "additionalProperties": False,
    "properties": {"dataset_name": {"type": "string"}, "filter": COND_REF, "date": VALUE}}}


def _sources(ctx: StepContext, names: list[str]) -> dict[str, pd.DataFrame]:
    """The datasets the events name: the dataset being built (its working frame), else an earlier ADaM
    dataset or an SDTM domain."""
    return {n: (ctx.working if n == ctx.dataset else source_frame(ctx, n)) for n in names}


def _event(ctx: StepContext, p: P) -> pd.DataFrame:
    return derive_vars_extreme_event(
        ctx.working, list(p.get("by_vars", KEY)), list(p["order"]), renamed(p["new_vars"]), events=p["events"],
        source_datasets=_sources(ctx, [str(e["dataset_name"]) for e in p["events"]]), mode=p["mode"],
        tmp_event_nr_var=p.get("tmp_event_nr_var", "EVENT_NR"))


def _event_text(p: P) -> str:
    parts = []
    for e in p["events"]:
        cond = f" where {condition_text(e['condition'])}" if e.get("condition") else ""
        parts.append(f"{e['dataset_name']}{cond}: {values_text(e['set_values_to'])}")
    event_nr = p.get("tmp_event_nr_var", "EVENT_NR")
    order = [("the event's place in this list" if o == event_nr else o) for o in p["order"]]
    return (f"From the {p['mode']} event (ordered by {', '.join(order)}) of: " + "; ".join(parts) + ".")


register(Step(
    name="derive_vars_extreme_event",
    doc="Variables from the first/last (mode) of several events per by_vars group: each event's records "
        "(dataset_name: an SDTM domain, an earlier ADaM dataset or this dataset) meeting its condition get "
        "set_values_to ({var: X} copies X, {dtc: X, highest_imputation} converts to a SAS date, else a "
        "constant) and the event number (tmp_event_nr_var); the first/last of all by order is kept (missing "
        "order values last) and new_vars are merged (admiral derive_vars_extreme_event: DTHCAUS, LSTALVDT).",
    params={"events": Struct(required=True, fragment=EVENTS,
                             type_text_="list of {dataset_name, condition, order, mode, set_values_to}"),
            "order": Order(required=True, doc="order of the stacked event records (the event number: tmp_event_nr_var)"),
            "new_vars": Rename(required=True, doc="the variables kept: [NAME, ...] or {NEW: EVENT_VAR}"),
            "mode": OneOf(required=True, choices=("first", "last")),
            "by_vars": Names(default=KEY),
            "tmp_event_nr_var": Var(default="EVENT_NR", doc="the event number variable (for order)")},
    sets_from=lambda p: {n: _event_text(p) for n in renamed(p.get("new_vars"))},
    reads_from=lambda p: tuple(p.get("by_vars", KEY)),
    run=_event,
))


def _extreme_dt(ctx: StepContext, p: P) -> pd.DataFrame:
    sources = [{**s, "date": s["date"]["var"] if isinstance(s["date"], dict) and "var" in s["date"] else s["date"]}
               for s in p["sources"]]
    return derive_var_extreme_dt(ctx.working, p["new_var"], sources=sources,
                                 source_datasets=_sources(ctx, [str(s["dataset_name"]) for s in p["sources"]]),
                                 mode=p["mode"], subject_keys=list(p.get("subject_keys", KEY)))


register(Step(
    name="derive_var_extreme_dt",
    doc="The first/last date per subject over several sources (admiral derive_var_extreme_dt): each source's "
        "records meeting filter give date ({var: X}: a numeric date, {dtc: X, highest_imputation}: converted); "
        "missing dates are dropped.",
    params={"new_var": Var(required=True), "mode": OneOf(required=True, choices=("first", "last")),
            "sources": Struct(required=True, fragment=DATE_SOURCES, type_text_="list of {dataset_name, filter, date}"),
            "subject_keys": Names(default=KEY)},
    sets_from=lambda p: {p["new_var"]: f"The {'earliest' if p['mode'] == 'first' else 'latest'} of: " + "; ".join(
        f"{s['dataset_name']}.{value_text(s['date'])}" + (f" where {condition_text(s['filter'])}" if s.get("filter")
                                                         else "")
        for s in p["sources"]) + "."},
    reads_from=lambda p: tuple(p.get("subject_keys", KEY)),
    run=_extreme_dt,
))

register(Step(
    name="derive_var_merged_exist_flag",
    doc="true_value when a record of dataset_add (among those meeting filter) in the by_vars group meets "
        "condition, false_value when the group has records but none meets it, missing_value when it has none "
        "(admiral derive_var_merged_exist_flag: SAFFL).",
    params={"dataset_add": Dataset(required=True), "new_var": Var(required=True),
            "condition": ACond(required=True, doc="on the dataset_add records"),
            "filter": ACond(doc="only these dataset_add records"), "by_vars": Names(default=KEY),
            "true_value": Str(default="Y"), "false_value": Str(default=""), "missing_value": Str(default="")},
    sets_from=lambda p: {p["new_var"]: f"'{p.get('true_value', 'Y')}' when a record of {p['dataset_add']}"
                                       + (f" where {condition_text(p['filter'])}" if p.get("filter") else "")
                                       + f" has {condition_text(p['condition'])}, else '{p.get('false_value', '')}' (no record: "
                                       f"'{p.get('missing_value', '')}')."},
    reads_from=lambda p: tuple(p.get("by_vars", KEY)),
    run=lambda ctx, p: derive_var_merged_exist_flag(
        ctx.working, list(p.get("by_vars", KEY)), p["new_var"], p.get("filter"),
        dataset_add=source_frame(ctx, p["dataset_add"]), condition=p["condition"],
        true_value=p.get("true_value", "Y"), false_value=p.get("false_value", ""),
        missing_value=p.get("missing_value", "")),
))

register(Step(
    name="derive_vars_dtm_to_dt",
    doc="The date of each datetime: xxDTM → xxDT (admiral derive_vars_dtm_to_dt).",
    params={"source_vars": Names(required=True, doc="the datetimes (names ending in DTM)")},
    sets_from=lambda p: {v[:-1]: f"Date part of {v}." for v in p["source_vars"]},
    reads_from=lambda p: tuple(p["source_vars"]),
    run=lambda ctx, p: derive_vars_dtm_to_dt(ctx.working, list(p["source_vars"])),
))

