"""Steps wrapping the admiral-style library (:mod:`sdtm_convert.adam.derive`): each passes its parameters
to one function, with admiral's argument names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sdtm_convert.adam.derive import (
    derive_nri_records,
    derive_var_extreme_flag,
    derive_var_obs_number,
    derive_var_trtdurd,
    derive_var_trtemfl,
    derive_vars_cat,
    derive_vars_dt,
    derive_vars_duration,
    derive_vars_dy,
    derive_vars_merged,
)
from sdtm_convert.adam.steps.kinds import (
    ACond,
    Dataset,
    Names,
    Order,
    Rename,
    condition_text,
    condition_vars,
    imputation_text,
    order_vars,
    renamed,
)
from sdtm_convert.adam.steps.step import Step, StepContext, register
from sdtm_convert.spec.params import Bool, Dict, OneOf, Str, Struct, Var

KEY = ["STUDYID", "USUBJID"]
P = Mapping[str, Any]
NA_POSITION = OneOf(choices=("first", "last"), default="first",
                    doc="where missing order values sort (last: as admiral, dplyr arrange)")


def source_frame(ctx: StepContext, name: str) -> pd.DataFrame:
    """An earlier ADaM dataset, else an SDTM domain (``PASI``: the study's PASI domain; an absent domain is an
    empty frame)."""
    if name == "PASI" and ctx.study is not None:
        name = ctx.study.pasi.domain
    if name in ctx.adam:
        return ctx.adam[name]
    return ctx.sdtm.get(name, pd.DataFrame())


def _merged(ctx: StepContext, p: P) -> pd.DataFrame:
    return derive_vars_merged(ctx.working, list(p.get("by_vars", KEY)), p.get("order"), p["new_vars"],
                              p.get("filter"), dataset_add=source_frame(ctx, p["dataset_add"]), mode=p.get("mode"),
                              na_position=p.get("na_position", "first"))


register(Step(
    name="derive_vars_merged",
    doc="Copy variables of another dataset (an SDTM domain or an earlier ADaM dataset) to each record, matched "
        "by by_vars; with filter/order/mode the first or last matching record of each group.",
    params={"dataset_add": Dataset(required=True, doc="the dataset the variables come from (in sources)"),
            "new_vars": Rename(required=True, doc="the variables copied: [NAME, ...] or {NEW: OLD}"),
            "by_vars": Names(default=KEY, doc="the variables matching records (default STUDYID, USUBJID)"),
            "filter": ACond(doc="only records of dataset_add meeting it"),
            "order": Order(doc="sort order of dataset_add within by_vars (with mode)"),
            "mode": OneOf(choices=("first", "last"), doc="which record of the ordered group"),
            "na_position": NA_POSITION},
    sets_from=lambda p: {n: f"{p['dataset_add']}.{o}" + (" of the first/last matching record ordered by "
                                                          f"{', '.join(p.get('order') or [])}" if p.get("mode") else "")
                         for n, o in renamed(p.get("new_vars")).items()},
    reads_from=lambda p: tuple(p.get("by_vars", KEY)),
    run=_merged,
))


def _dt(ctx: StepContext, p: P) -> pd.DataFrame:
    return derive_vars_dt(ctx.working, p["new_vars_prefix"], dtc=p["dtc"],
                          highest_imputation=p.get("highest_imputation", "n"),
                          date_imputation=p.get("date_imputation", "first"),
                          min_dates=p.get("min_dates", ()), max_dates=p.get("max_dates", ()), issues=ctx.issues)


def _dt_sets(p: P) -> dict[str, str]:
    out = {f"{p['new_vars_prefix']}DT": f"{p['dtc']} as a SAS date" + (
        f"; partial dates: {imputation_text(p['highest_imputation'], p.get('date_imputation', 'first'))}"
        if p.get("highest_imputation", "n") != "n" else " (complete dates only)")}
    if p.get("highest_imputation", "n") != "n":
        out[f"{p['new_vars_prefix']}DTF"] = f"Imputation flag of {p['new_vars_prefix']}DT: D (day), M (month), Y (year)."
    return out


register(Step(
    name="derive_vars_dt",
    doc="A numeric SAS date <prefix>DT from ISO 8601 text, imputing partial dates up to highest_imputation "
        "(and the flag <prefix>DTF); min_dates/max_dates bound an imputed date (admiral).",
    params={"new_vars_prefix": Str(required=True, doc="prefix of the new variables (AST → ASTDT, ASTDTF)"),
            "dtc": Var(required=True, doc="the ISO 8601 --DTC variable"),
            "highest_imputation": OneOf(choices=("n", "D", "M", "Y"), default="n",
                                        doc="n: complete dates only; D/M/Y: impute up to day/month/year"),
            "date_imputation": OneOf(choices=("first", "mid", "last"), default="first",
                                     doc="which day of the possible range"),
            "min_dates": Names(doc="dates an imputed date is raised to when they lie in its possible range"),
            "max_dates": Names(doc="dates an imputed date is capped at")},
    sets_from=_dt_sets,
    reads_from=lambda p: (p["dtc"], *p.get("min_dates", ()), *p.get("max_dates", ())),
    run=_dt,
))


def _dy_names(p: P) -> dict[str, str]:
    src = p.get("source_vars", ["ADT"])
    return {str(k): str(v) for k, v in src.items()} if isinstance(src, dict) else {
        s: (s[:-2] + "DY" if s.endswith("DT") else s + "DY") for s in src}


register(Step(
    name="derive_vars_dy",
    doc="Relative days: DT - reference + 1 on or after the reference date, else DT - reference (no day 0).",
    params={"reference_date": Var(default="TRTSDT", doc="the reference date (day 1)"),
            "source_vars": Rename(default=["ADT"], doc="the dates: [ADT, ...] (ADT → ADY) or {DATE: DAYVAR}")},
    sets_from=lambda p: {dy: f"{dt} - {p.get('reference_date', 'TRTSDT')} + 1 if {dt} >= "
                             f"{p.get('reference_date', 'TRTSDT')}, else {dt} - {p.get('reference_date', 'TRTSDT')}."
                         for dt, dy in _dy_names(p).items()},
    reads_from=lambda p: (p.get("reference_date", "TRTSDT"), *_dy_names(p)),
    run=lambda ctx, p: derive_vars_dy(ctx.working, reference_date=p.get("reference_date", "TRTSDT"),
                                      source_vars=p.get("source_vars", ["ADT"])),
))

register(Step(
    name="derive_vars_duration",
    doc="Duration in days between two dates (end - start + 1 with add_one) and its unit 'DAYS'.",
    params={"new_var": Var(default="ADURN"), "new_var_unit": Var(default="ADURU"),
            "start_date": Var(default="ASTDT"), "end_date": Var(default="AENDT"), "add_one": Bool(default=True)},
    sets_from=lambda p: {p.get("new_var", "ADURN"): f"{p.get('end_date', 'AENDT')} - {p.get('start_date', 'ASTDT')}"
                         + (" + 1." if p.get("add_one", True) else "."),
                         p.get("new_var_unit", "ADURU"): f"'DAYS' when {p.get('new_var', 'ADURN')} is present."},
    reads_from=lambda p: (p.get("start_date", "ASTDT"), p.get("end_date", "AENDT")),
    run=lambda ctx, p: derive_vars_duration(ctx.working, p.get("new_var", "ADURN"),
                                            new_var_unit=p.get("new_var_unit", "ADURU"),
                                            start_date=p.get("start_date", "ASTDT"),
                                            end_date=p.get("end_date", "AENDT"), add_one=p.get("add_one", True)),
))

register(Step(
    name="derive_var_trtdurd",
    doc="Total treatment duration in days: TRTEDT - TRTSDT + 1.",
    params={"start_date": Var(default="TRTSDT"), "end_date": Var(default="TRTEDT"), "new_var": Var(default="TRTDURD")},
    sets_from=lambda p: {p.get("new_var", "TRTDURD"): f"{p.get('end_date', 'TRTEDT')} - "
                                                      f"{p.get('start_date', 'TRTSDT')} + 1."},
    reads_from=lambda p: (p.get("start_date", "TRTSDT"), p.get("end_date", "TRTEDT")),
    run=lambda ctx, p: derive_var_trtdurd(ctx.working, start_date=p.get("start_date", "TRTSDT"),
                                          end_date=p.get("end_date", "TRTEDT"), new_var=p.get("new_var", "TRTDURD")),
))

register(Step(
    name="derive_var_trtemfl",
    doc="Treatment-emergent flag: 'Y' when TRTSDT <= ASTDT <= TRTEDT + end_window days, or ASTDT missing and "
        "AENDT missing or on/after TRTSDT; null when TRTSDT is missing.",
    params={"end_window": Struct(fragment={"type": ["integer", "null"]}, type_text_="integer or null",
                                 doc="days after TRTEDT still treatment-emergent (null: no end)"),
            "new_var": Var(default="TRTEMFL")},
    sets_from=lambda p: {p.get("new_var", "TRTEMFL"): "'Y' when TRTSDT <= ASTDT <= TRTEDT + "
                                                      f"{p.get('end_window')} days, or ASTDT missing and AENDT "
                                                      "missing or >= TRTSDT; null when TRTSDT is missing."},
    reads=("ASTDT", "AENDT", "TRTSDT", "TRTEDT"),
    run=lambda ctx, p: derive_var_trtemfl(ctx.working, new_var=p.get("new_var", "TRTEMFL"),
                                          end_window=p.get("end_window")),
))

register(Step(
    name="derive_var_extreme_flag",
    doc="'Y' on the first (mode first) or last record of each by_vars group in order, among the records "
        "meeting filter.",
    params={"by_vars": Names(required=True), "order": Order(required=True), "new_var": Var(required=True),
            "filter": ACond(doc="only these records are candidates"),
            "mode": OneOf(choices=("first", "last"), default="last"), "na_position": NA_POSITION},
    sets_from=lambda p: {p["new_var"]: f"'Y' on the {p.get('mode', 'last')} record per {', '.join(p['by_vars'])} "
                                       f"ordered by {', '.join(p['order'])}"
                                       + (f" among the records where {condition_text(p['filter'])}" if p.get("filter")
                                          else "") + "."},
    reads_from=lambda p: (*p["by_vars"], *order_vars(p["order"]), *condition_vars(p.get("filter"))),
    run=lambda ctx, p: derive_var_extreme_flag(ctx.working, list(p["by_vars"]), list(p["order"]), p["new_var"],
                                               p.get("filter"), mode=p.get("mode", "last"),
                                               na_position=p.get("na_position", "first")),
))

register(Step(
    name="derive_var_obs_number",
    doc="Sequence number of each record within by_vars in order (ASEQ).",
    params={"by_vars": Names(required=True), "order": Order(required=True), "new_var": Var(default="ASEQ"),
            "na_position": NA_POSITION},
    sets_from=lambda p: {p.get("new_var", "ASEQ"): f"Sequence within {', '.join(p['by_vars'])} by "
                                                   f"{', '.join(p['order'])}."},
    reads_from=lambda p: (*p["by_vars"], *order_vars(p["order"])),
    run=lambda ctx, p: derive_var_obs_number(ctx.working, list(p["by_vars"]), list(p["order"]),
                                             p.get("new_var", "ASEQ"), na_position=p.get("na_position", "first")),
))

GROUPS = {"type": "array", "minItems": 1, "items": {
    "type": "object", "required": ["label"], "additionalProperties": False,
    "properties": {"label": {"type": "string"}, "min": {"type": ["number", "null"]},
                   "max": {"type": ["number", "null"]}, "n": {"type": "number"}}}}

register(Step(
    name="derive_vars_cat",
    doc="Categorise a numeric variable: groups [{label, min, max}] with inclusive bounds, the first matching wins; "
        "numeric_var gets the group's n (default its order number).",
    params={"new_var": Var(required=True), "source_var": Var(required=True),
            "groups": Struct(required=True, fragment=GROUPS, type_text_="list of {label, min, max}"),
            "numeric_var": Var(doc="the order number of the group"),
            "missing_label": Str(default="", doc="the value for a missing source (admiral format_agegr1: Missing)")},
    sets_from=lambda p: {p["new_var"]: f"{p['source_var']} grouped by " + ", ".join(
        str(g["label"]) for g in p["groups"]) + " (inclusive bounds).",
        **({p["numeric_var"]: f"Order number of {p['new_var']}."} if p.get("numeric_var") else {})},
    reads_from=lambda p: (p["source_var"],),
    run=lambda ctx, p: derive_vars_cat(ctx.working, p["new_var"], source_var=p["source_var"], groups=p["groups"],
                                       numeric_var=p.get("numeric_var"), missing_label=p.get("missing_label", "")),
))


def _nri(ctx: StepContext, p: P) -> pd.DataFrame:
    ref = source_frame(ctx, p["dataset_ref"]).rename(columns={o: n for n, o in renamed(p.get("rename")).items()})
    return derive_nri_records(ctx.working, list(p.get("by_vars", KEY)), p.get("filter"), dataset_ref=ref,
                              parameters=p["parameters"], visit=p["visit"], keep_vars=list(p.get("keep_vars", ())))


register(Step(
    name="derive_nri_records",
    doc="Non-responder imputation: a DTYPE 'NRI' record (AVAL 0, AVALC 'N') per subject of dataset_ref meeting "
        "filter and per responder parameter without an ANL01FL record with AVAL at visit.",
    params={"dataset_ref": Dataset(required=True, doc="the subjects (ADSL)"),
            "filter": ACond(doc="subjects imputed (e.g. FASFL = 'Y')"),
            "parameters": Dict(required=True, doc="{PARAMCD: {PARAM, PARAMN, PARCAT1...}} imputed"),
            "visit": Struct(required=True, fragment={"type": "object", "required": ["AVISIT", "AVISITN"]},
                            type_text_="{AVISIT, AVISITN}", doc="the visit of the imputed records"),
            "by_vars": Names(default=KEY),
            "keep_vars": Names(doc="dataset_ref variables copied to the imputed records"),
            "rename": Rename(doc="{NEW: OLD}: dataset_ref variables renamed first (TRTP: TRT01P)")},
    sets={"DTYPE": "'NRI' on non-responder imputation records.", "AVAL": "0 on DTYPE = NRI records.",
          "AVALC": "'N' on DTYPE = NRI records."},
    reads=("PARAMCD", "AVISITN", "AVAL", "ANL01FL"),
    run=_nri,
))

__all__ = ["KEY", "source_frame"]
