"""Steps of occurrence datasets (admiral's ad_adae.R): the severity rank, first-occurrence flags, the
first occurrence of the most severe event, and variables joined from another dataset by conditions on both
(the last dose before an event)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sdtm_convert.adam.derive import (
    compute_severity_rank,
    derive_var_aocci_flag,
    derive_vars_joined,
    derive_vars_last_dose,
    derive_vars_occurrence_flags,
)
from sdtm_convert.adam.derive.occurrence import SEVERITY_LEVELS
from sdtm_convert.adam.steps.kinds import (
    ACond,
    Dataset,
    Names,
    Order,
    Rename,
    condition_text,
    condition_vars,
    order_vars,
    renamed,
)
from sdtm_convert.adam.steps.library import KEY, source_frame
from sdtm_convert.adam.steps.step import Step, StepContext, register
from sdtm_convert.spec.params import ListOf, OneOf, Str, Struct, Var

P = Mapping[str, Any]


def _rank(ctx: StepContext, p: P) -> pd.DataFrame:
    levels = tuple(p.get("levels", SEVERITY_LEVELS))
    return ctx.working.assign(**{p.get("new_var", "ASEVN"): compute_severity_rank(ctx.working[p.get("source_var", "ASEV")],
                                                                                  levels)})


register(Step(
    name="compute_severity_rank",
    doc="The rank (1, 2, ...) of a severity in levels; missing for any other value (admiral ad_adae.R: ASEVN "
        "from ASEV as an R factor).",
    params={"source_var": Var(default="ASEV"), "new_var": Var(default="ASEVN"),
            "levels": ListOf(item=Str(), default=list(SEVERITY_LEVELS), doc="the severities, least first")},
    sets_from=lambda p: {p.get("new_var", "ASEVN"): f"Position of {p.get('source_var', 'ASEV')} in " + ", ".join(
        p.get("levels", SEVERITY_LEVELS)) + "."},
    reads_from=lambda p: (p.get("source_var", "ASEV"),),
    run=_rank,
))

FLAGS = {"type": "object", "minProperties": 1,
         "additionalProperties": {"type": "array", "items": {"$ref": "#/$defs/name"}}}


def _flag_text(p: P, extra: list[str]) -> str:
    by = ", ".join([*p["by_vars"], *extra])
    where = f" among the records where {condition_text(p['filter'])}" if p.get("filter") else ""
    return f"'Y' on the first record per {by} ordered by {', '.join(p['order'])}{where}."


register(Step(
    name="derive_vars_occurrence_flags",
    doc="First-occurrence flags: for each {NEW_VAR: [extra by variables]}, 'Y' on the first record (order, "
        "missing values last as admiral sorts) of each by_vars + extra group among the records meeting filter "
        "(AOCCFL: [], AOCCSFL: [AEBODSYS], AOCCPFL: [AEBODSYS, AEDECOD]).",
    params={"by_vars": Names(required=True), "order": Order(required=True),
            "flags": Struct(required=True, fragment=FLAGS, type_text_="{NEW_VAR: [extra by variables]}"),
            "filter": ACond(), "na_position": OneOf(choices=("first", "last"), default="last")},
    sets_from=lambda p: {f: _flag_text(p, list(extra)) for f, extra in p["flags"].items()},
    reads_from=lambda p: (*p["by_vars"], *order_vars(p["order"]), *(v for e in p["flags"].values() for v in e),
                          *condition_vars(p.get("filter"))),
    run=lambda ctx, p: derive_vars_occurrence_flags(ctx.working, list(p["by_vars"]), list(p["order"]),
                                                    {k: list(v) for k, v in p["flags"].items()}, p.get("filter"),
                                                    na_position=p.get("na_position", "last")),
))

register(Step(
    name="derive_var_aocci_flag",
    doc="First occurrence of the most severe event per by_vars (admiral ad_adae.R AOCCIFL): among the records "
        "meeting filter, the highest severity_var, then the earliest start_var, then the lowest seq_var.",
    params={"by_vars": Names(default=["USUBJID"]), "new_var": Var(default="AOCCIFL"), "filter": ACond(),
            "severity_var": Var(default="ASEVN"), "start_var": Var(default="ASTDT"), "seq_var": Var(default="AESEQ")},
    sets_from=lambda p: {p.get("new_var", "AOCCIFL"): "'Y' on the first record of the highest "
                                                      f"{p.get('severity_var', 'ASEVN')} per "
                                                      f"{', '.join(p.get('by_vars', ['USUBJID']))} (then "
                                                      f"{p.get('start_var', 'ASTDT')}, {p.get('seq_var', 'AESEQ')})"
                                                      + (f" where {condition_text(p['filter'])}" if p.get("filter")
                                                         else "") + "."},
    reads_from=lambda p: (*p.get("by_vars", ["USUBJID"]), p.get("severity_var", "ASEVN"), p.get("start_var", "ASTDT"),
                          p.get("seq_var", "AESEQ"), *condition_vars(p.get("filter"))),
    run=lambda ctx, p: derive_var_aocci_flag(ctx.working, list(p.get("by_vars", ["USUBJID"])),
                                             p.get("new_var", "AOCCIFL"), p.get("filter"),
                                             severity_var=p.get("severity_var", "ASEVN"),
                                             start_var=p.get("start_var", "ASTDT"), seq_var=p.get("seq_var", "AESEQ")),
))


def _joined(ctx: StepContext, p: P) -> pd.DataFrame:
    return derive_vars_joined(ctx.working, list(p.get("by_vars", KEY)), p.get("order"), renamed(p["new_vars"]),
                              p.get("filter"), dataset_add=source_frame(ctx, p["dataset_add"]),
                              join_vars=list(p.get("join_vars", ())), filter_join=p.get("filter_join"),
                              mode=p.get("mode"), exist_flag=p.get("exist_flag"))


register(Step(
    name="derive_vars_joined",
    doc="Variables of the dataset_add record joined to each record on by_vars and kept by filter_join, a "
        "condition on the joined record (a dataset_add variable the dataset also has is named NAME.join); "
        "with mode the first/last by order (admiral derive_vars_joined: the last dose before an AE).",
    params={"dataset_add": Dataset(required=True), "new_vars": Rename(required=True),
            "by_vars": Names(default=KEY), "order": Order(), "filter": ACond(doc="only these dataset_add records"),
            "join_vars": Names(doc="dataset_add variables filter_join reads"),
            "filter_join": ACond(doc="on the joined record"), "mode": OneOf(choices=("first", "last")),
            "exist_flag": Var(doc="'Y' when a record was joined, else 'N'")},
    sets_from=lambda p: {**{n: f"{p['dataset_add']}.{o} of the joined record" + (
        f" where {condition_text(p['filter_join'])}" if p.get("filter_join") else "") + "."
        for n, o in renamed(p["new_vars"]).items()},
        **({p["exist_flag"]: f"'Y' when a {p['dataset_add']} record is joined, else 'N'."} if p.get("exist_flag")
           else {})},
    reads_from=lambda p: tuple(p.get("by_vars", KEY)),
    run=_joined,
))


def _last_dose(ctx: StepContext, p: P) -> pd.DataFrame:
    return derive_vars_last_dose(ctx.working, p.get("filter"), dataset_add=source_frame(ctx, p["dataset_add"]),
                                 by_vars=list(p.get("by_vars", KEY)), start_dtc=p.get("start_dtc", "EXSTDTC"),
                                 end_dtc=p.get("end_dtc", "EXENDTC"), ref_var=p.get("ref_var", "ASTDTM"),
                                 new_var=p.get("new_var", "LDOSEDTM"), dose_vars=renamed(p.get("dose_vars", {})))


def _last_dose_text(p: P) -> dict[str, str]:
    add, ref = p["dataset_add"], p.get("ref_var", "ASTDTM")
    days = (f"one dose a day from {add}.{p.get('start_dtc', 'EXSTDTC')} to {add}.{p.get('end_dtc', 'EXENDTC')} "
            "(complete dates)" + (f" of the {add} records where {condition_text(p['filter'])}" if p.get("filter") else ""))
    text = {p.get("new_var", "LDOSEDTM"): f"The last dose day on or before the day of {ref}, at 00:00:00, counting "
                                          f"{days}."}
    for new, src in renamed(p.get("dose_vars", {})).items():
        text[new] = f"{add}.{src} of the dose given on the day of {ref} (when {ref} is that day at 00:00:00)."
    return text


register(Step(
    name="derive_vars_last_dose",
    doc="The last dose on or before each record's ref_var and the dose of that day, from dataset_add records "
        "standing for one dose a day from start_dtc to end_dtc (admiral ad_adae.R: create_single_dose_dataset, "
        "then derive_vars_joined for LDOSEDTM and for DOSEON/DOSEU).",
    params={"dataset_add": Dataset(required=True), "by_vars": Names(default=KEY),
            "filter": ACond(doc="only these dataset_add records (e.g. the valid doses)"),
            "start_dtc": Var(default="EXSTDTC"), "end_dtc": Var(default="EXENDTC"),
            "ref_var": Var(default="ASTDTM", doc="a SAS datetime of the dataset"),
            "new_var": Var(default="LDOSEDTM"),
            "dose_vars": Rename(doc="{NEW: dataset_add variable} copied from the dose of that day")},
    sets_from=_last_dose_text,
    reads_from=lambda p: (*p.get("by_vars", KEY), p.get("ref_var", "ASTDTM")),
    run=_last_dose,
))
