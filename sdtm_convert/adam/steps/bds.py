"""Generic steps a new study's spec needs besides the library wrappers of ``library.py``: records from an SDTM
domain, copied and mapped variables, flags, datetimes, merged summaries, and the BDS chain (analysis windows,
baseline, change, criterion flags, on-treatment flag)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sdtm_convert.adam.derive import (
    derive_var_base,
    derive_var_chg,
    derive_var_flag,
    derive_var_merged_summary,
    derive_var_ontrtfl,
    derive_var_pchg,
    derive_vars_avisit,
    derive_vars_crit_flag,
    derive_vars_dtm,
)
from sdtm_convert.adam.derive.conditions import condition_mask
from sdtm_convert.adam.inputs import domain
from sdtm_convert.adam.steps.kinds import (
    ACond,
    Dataset,
    Names,
    Rename,
    condition_text,
    condition_vars,
    imputation_text,
    renamed,
)
from sdtm_convert.adam.steps.library import KEY, source_frame
from sdtm_convert.adam.steps.step import Step, StepContext, register
from sdtm_convert.spec.params import Bool, Dict, Int, OneOf, Str, Struct, Var

P = Mapping[str, Any]


def _records(ctx: StepContext, p: P) -> pd.DataFrame:
    name = ctx.study.pasi.domain if p["dataset"] == "PASI" and ctx.study is not None else p["dataset"]
    keep = list(p["keep"])
    src = domain(ctx.sdtm, name, keep, ctx.issues)
    src = src.loc[condition_mask(src, p.get("filter"))] if p.get("filter") else src
    if p.get("subjects_in"):
        src = src.loc[src["USUBJID"].isin(source_frame(ctx, p["subjects_in"])["USUBJID"])]
    return src[keep + [c for c in src.columns if c.startswith("__")]].reset_index(drop=True)


register(Step(
    name="sdtm_records",
    doc="The records of an SDTM domain: the keep variables (absent ones empty, with an adam-input-missing "
        "warning for an absent domain), the records meeting filter, of the subjects of subjects_in.",
    params={"dataset": Dataset(required=True, doc="the SDTM domain (PASI: the study's PASI domain)"),
            "keep": Names(required=True, doc="its variables kept, in order"),
            "filter": ACond(doc="only these records"),
            "subjects_in": Dataset(doc="only the subjects of this dataset (ADSL)")},
    sets_from=lambda p: {v: f"{p['dataset']}.{v}" for v in p["keep"]},
    makes_records=True,
    run=_records,
))

def _copy(ctx: StepContext, p: P) -> pd.DataFrame:
    numeric = set(p.get("numeric", ()))
    return ctx.working.assign(**{n: (pd.to_numeric(ctx.working[o].replace("", None), errors="coerce").astype(float)
                                     if n in numeric else ctx.working[o]) for n, o in renamed(p["vars"]).items()})


register(Step(
    name="copy_vars",
    doc="New variables copied from variables of the same record ({NEW: OLD}, e.g. TRT01P: ARM); numeric: the new "
        "variables made numeric (an SDTM number kept as text, e.g. VSTPTNUM with empty values).",
    params={"vars": Rename(required=True, doc="{NEW: OLD}"),
            "numeric": Names(doc="new variables converted to numbers (text that is not a number: null)")},
    sets_from=lambda p: {n: f"{o}." for n, o in renamed(p["vars"]).items()},
    reads_from=lambda p: tuple(renamed(p["vars"]).values()),
    run=_copy,
))


def _map(ctx: StepContext, p: P) -> pd.DataFrame:
    values = ctx.working[p["source_var"]].map(p["values"])
    if p.get("numeric", False):
        values = values.astype(float)
    else:
        values = values.fillna("").astype(object)
    return ctx.working.assign(**{p["new_var"]: values})


register(Step(
    name="map_values",
    doc="A variable from another by a table of values ({FROM: TO}); a value not in the table gives a null.",
    params={"source_var": Var(required=True), "new_var": Var(required=True),
            "values": Dict(required=True, doc="{FROM: TO}"),
            "numeric": Bool(default=False, doc="the new variable is numeric (TRT01PN)")},
    sets_from=lambda p: {p["new_var"]: f"{p['source_var']} mapped: " + "; ".join(
        f"{k} -> {v}" for k, v in p["values"].items()) + "."},
    reads_from=lambda p: (p["source_var"],),
    run=_map,
))

register(Step(
    name="derive_var_flag",
    doc="A flag: true_value where the condition holds, else false_value.",
    params={"new_var": Var(required=True), "condition": ACond(required=True),
            "true_value": Str(default="Y"), "false_value": Str(default="N")},
    sets_from=lambda p: {p["new_var"]: f"'{p.get('true_value', 'Y')}' when {condition_text(p['condition'])}, else "
                                       f"'{p.get('false_value', 'N')}'."},
    reads_from=lambda p: tuple(condition_vars(p["condition"])),
    run=lambda ctx, p: derive_var_flag(ctx.working, p["new_var"], p["condition"],
                                       true_value=p.get("true_value", "Y"), false_value=p.get("false_value", "N")),
))

def _dtm_sets(p: P) -> dict[str, str]:
    pre, hi = p["new_vars_prefix"], p.get("highest_imputation", "h")
    bounds = "".join(f"; {k.split('_')[0]}imum {', '.join(p[k])} when in the possible range"
                     for k in ("min_dates", "max_dates") if p.get(k))
    out = {f"{pre}DTM": f"{p['dtc']} as a SAS datetime; missing time parts imputed "
                        f"({p.get('time_imputation', 'first')})"
                        + (f", partial dates: {imputation_text(hi, p.get('date_imputation', 'first'))}"
                           if hi in ("D", "M") else "") + bounds + "."}
    if hi in ("D", "M"):
        out[f"{pre}DTF"] = f"Date imputation flag of {pre}DTM: D (day), M (month and day)."
    if p.get("flag_imputation", True):
        out[f"{pre}TMF"] = "Time imputation flag: H (hour), M (minute), S (second)."
    return out


register(Step(
    name="derive_vars_dtm",
    doc="A numeric SAS datetime <prefix>DTM and its time imputation flag <prefix>TMF from ISO 8601 text; missing "
        "time parts imputed as 00 (first) or 23:59:59 (last); highest_imputation D/M also imputes a partial date "
        "(and sets <prefix>DTF), min_dates/max_dates bound an imputed value (admiral derive_vars_dtm).",
    params={"new_vars_prefix": Str(required=True), "dtc": Var(required=True),
            "time_imputation": OneOf(choices=("first", "last"), default="first"),
            "flag_imputation": Bool(default=True),
            "highest_imputation": OneOf(choices=("n", "s", "m", "h", "D", "M"), default="h",
                                        doc="h: complete dates, any time part imputed; D/M: partial dates too"),
            "date_imputation": OneOf(choices=("first", "mid", "last"), default="first"),
            "min_dates": Names(doc="dates/datetimes an imputed value is raised to when in its possible range"),
            "max_dates": Names(doc="dates/datetimes an imputed value is capped at when in its possible range")},
    sets_from=_dtm_sets,
    reads_from=lambda p: (p["dtc"], *p.get("min_dates", ()), *p.get("max_dates", ())),
    run=lambda ctx, p: derive_vars_dtm(ctx.working, p["new_vars_prefix"], dtc=p["dtc"],
                                       time_imputation=p.get("time_imputation", "first"),
                                       flag_imputation=p.get("flag_imputation", True),
                                       highest_imputation=p.get("highest_imputation", "h"),
                                       date_imputation=p.get("date_imputation", "first"),
                                       min_dates=list(p.get("min_dates", ())), max_dates=list(p.get("max_dates", ()))),
))

register(Step(
    name="derive_var_merged_summary",
    doc="A count (or min/max/sum/mean of analysis_var) over the records of another dataset meeting filter, per "
        "by_vars (a count of nothing is 0).",
    params={"dataset_add": Dataset(required=True), "new_var": Var(required=True), "by_vars": Names(default=KEY),
            "filter": ACond(), "analysis_var": Var(),
            "summary_fun": OneOf(choices=("count", "min", "max", "sum", "mean"), default="count")},
    sets_from=lambda p: {p["new_var"]: f"{p.get('summary_fun', 'count')} of {p.get('analysis_var') or 'records'} "
                                       f"in {p['dataset_add']}" + (f" where {condition_text(p['filter'])}" if p.get("filter") else "")
                                       + "."},
    reads_from=lambda p: tuple(p.get("by_vars", KEY)),
    run=lambda ctx, p: derive_var_merged_summary(
        ctx.working, list(p.get("by_vars", KEY)), p["new_var"], p.get("filter"),
        dataset_add=source_frame(ctx, p["dataset_add"]), analysis_var=p.get("analysis_var"),
        summary_fun=p.get("summary_fun", "count")),
))

WINDOWS = {"type": "array", "minItems": 1, "items": {
    "type": "object", "additionalProperties": False, "required": ["AVISIT", "AVISITN", "AWTARGET", "AWLO", "AWHI"],
    "properties": {"AVISIT": {"type": "string"}, "AVISITN": {"type": "number"}, "AWTARGET": {"type": "number"},
                   "AWLO": {"type": "number"}, "AWHI": {"type": "number"}}}}


def _avisit(ctx: StepContext, p: P) -> pd.DataFrame:
    windows = pd.DataFrame(p["windows"]).astype({"AVISIT": object, "AVISITN": float, "AWTARGET": float,
                                                 "AWLO": float, "AWHI": float})
    return derive_vars_avisit(ctx.working, p.get("filter"), windows=windows, day_var=p.get("day_var", "ADY"))


register(Step(
    name="derive_vars_avisit",
    doc="Analysis visit from the study day and a windows table (inclusive days; a record in several windows goes "
        "to the nearest target, then the lowest AVISITN); records outside every window or outside filter get "
        "AVISIT null.",
    params={"windows": Struct(required=True, fragment=WINDOWS, type_text_="list of {AVISIT, AVISITN, AWTARGET, AWLO, AWHI}"),
            "filter": ACond(), "day_var": Var(default="ADY")},
    sets={"AVISIT": "The analysis window containing the study day.", "AVISITN": "Number of the analysis window.",
          "AWTARGET": "Planned study day of the analysis window.", "AWLO": "Window start day.",
          "AWHI": "Window end day.", "AWTDIFF": "|study day - AWTARGET|.", "AWU": "'DAYS' for windowed records."},
    reads_from=lambda p: (p.get("day_var", "ADY"), *condition_vars(p.get("filter"))),
    run=_avisit,
))

register(Step(
    name="derive_var_base",
    doc="BASE: source_var of the baseline record (filter, default ABLFL = 'Y') copied to every record of its "
        "by_vars group.",
    params={"by_vars": Names(required=True), "new_var": Var(default="BASE"), "source_var": Var(default="AVAL"),
            "filter": ACond(doc="the baseline record (default ABLFL = 'Y')")},
    sets_from=lambda p: {p.get("new_var", "BASE"): f"{p.get('source_var', 'AVAL')} of the baseline record of "
                                                   f"{', '.join(p['by_vars'])}."},
    reads_from=lambda p: (*p["by_vars"], p.get("source_var", "AVAL"),
                          *(condition_vars(p["filter"]) if p.get("filter") else ("ABLFL",))),
    run=lambda ctx, p: derive_var_base(ctx.working, list(p["by_vars"]), p.get("new_var", "BASE"), p.get("filter"),
                                       source_var=p.get("source_var", "AVAL"), issues=ctx.issues),
))

register(Step(
    name="derive_var_chg",
    doc="CHG = AVAL - BASE (decimals: computed in integers of that precision); with filter, only on those "
        "records (admiral restrict_derivation), null on the others.",
    params={"new_var": Var(default="CHG"), "decimals": Int(doc="exact arithmetic at this many decimals"),
            "filter": ACond(doc="only these records (e.g. post-baseline: AVISITN > 0)")},
    sets_from=lambda p: {p.get("new_var", "CHG"): "AVAL - BASE" + _only(p) + "."},
    reads=("AVAL", "BASE"),
    reads_from=lambda p: tuple(condition_vars(p.get("filter"))),
    run=lambda ctx, p: derive_var_chg(ctx.working, p.get("new_var", "CHG"), decimals=p.get("decimals"),
                                      filter=p.get("filter")),
))

register(Step(
    name="derive_var_pchg",
    doc="PCHG = 100 * (AVAL - BASE) / BASE, unrounded; null when BASE is 0 or missing; with filter, only on "
        "those records, null on the others.",
    params={"new_var": Var(default="PCHG"), "decimals": Int(doc="exact arithmetic at this many decimals"),
            "filter": ACond(doc="only these records (e.g. post-baseline: AVISITN > 0)")},
    sets_from=lambda p: {p.get("new_var", "PCHG"): "100 * (AVAL - BASE) / BASE; null when BASE is 0 or missing"
                         + _only(p) + "."},
    reads=("AVAL", "BASE"),
    reads_from=lambda p: tuple(condition_vars(p.get("filter"))),
    run=lambda ctx, p: derive_var_pchg(ctx.working, p.get("new_var", "PCHG"), decimals=p.get("decimals"),
                                       filter=p.get("filter")),
))


def _only(p: P) -> str:
    return f"; only where {condition_text(p['filter'])}, null elsewhere" if p.get("filter") else ""

register(Step(
    name="derive_vars_crit_flag",
    doc="CRITy (the description), CRITyFL ('Y'/'N') and CRITyFN (1/0) for the records meeting condition, "
        "among those meeting filter.",
    params={"crit_nr": Int(default=1), "condition": ACond(required=True), "description": Str(required=True),
            "filter": ACond(), "values_yn": Bool(default=True), "create_numeric_flag": Bool(default=True)},
    sets_from=lambda p: {f"CRIT{p.get('crit_nr', 1)}": f"'{p['description']}' on the records in scope.",
                         f"CRIT{p.get('crit_nr', 1)}FL": f"'Y' when {p['description']}, else 'N'.",
                         **({f"CRIT{p.get('crit_nr', 1)}FN": f"1 when CRIT{p.get('crit_nr', 1)}FL = 'Y', 0 when 'N'."}
                            if p.get("create_numeric_flag", True) else {})},
    reads_from=lambda p: (*condition_vars(p["condition"]), *condition_vars(p.get("filter"))),
    run=lambda ctx, p: derive_vars_crit_flag(ctx.working, p.get("crit_nr", 1), p.get("filter"),
                                             condition=p["condition"], description=p["description"],
                                             values_yn=p.get("values_yn", True),
                                             create_numeric_flag=p.get("create_numeric_flag", True)),
))

def _ontrtfl_text(p: P) -> str:
    text = (f"'Y' when {p.get('ref_start_date', 'TRTSDT')} <= {p.get('start_date', 'ADT')} <= "
            f"{p.get('ref_end_date', 'TRTEDT')}" + (f" + {p['ref_end_window']} days" if p.get("ref_end_window") else ""))
    if p.get("flag_missing_start"):
        text += f", or {p.get('start_date', 'ADT')} missing"
    if p.get("filter_pre_timepoint"):
        text += f"; not on {p.get('ref_start_date', 'TRTSDT')} where {condition_text(p['filter_pre_timepoint'])}"
    return text + "."


register(Step(
    name="derive_var_ontrtfl",
    doc="On-treatment flag 'Y': TRTSDT <= ADT <= TRTEDT + ref_end_window days (no upper limit without an end date); "
        "flag_missing_start: a missing start is on treatment (admiral's rule); filter_pre_timepoint: records on "
        "the start date meeting it are not (a pre-dose timepoint).",
    params={"new_var": Var(default="ONTRTFL"), "start_date": Var(default="ADT"),
            "ref_start_date": Var(default="TRTSDT"), "ref_end_date": Var(default="TRTEDT"),
            "ref_end_window": Int(default=0), "flag_missing_start": Bool(default=False),
            "filter_pre_timepoint": ACond(doc="records on the start date meeting it are not on treatment")},
    sets_from=lambda p: {p.get("new_var", "ONTRTFL"): _ontrtfl_text(p)},
    reads_from=lambda p: (p.get("start_date", "ADT"), p.get("ref_start_date", "TRTSDT"),
                          p.get("ref_end_date", "TRTEDT"), *condition_vars(p.get("filter_pre_timepoint"))),
    run=lambda ctx, p: derive_var_ontrtfl(ctx.working, p.get("new_var", "ONTRTFL"),
                                          start_date=p.get("start_date", "ADT"),
                                          ref_start_date=p.get("ref_start_date", "TRTSDT"),
                                          ref_end_date=p.get("ref_end_date", "TRTEDT"),
                                          ref_end_window=p.get("ref_end_window", 0),
                                          flag_missing_start=p.get("flag_missing_start", False),
                                          filter_pre_timepoint=p.get("filter_pre_timepoint")),
))


def _set(ctx: StepContext, p: P) -> pd.DataFrame:
    mask = condition_mask(ctx.working, p["condition"])
    return ctx.working.assign(**{v: ctx.working[v].where(~mask, value) for v, value in p["values"].items()})


register(Step(
    name="set_values",
    doc="Set variables to constants (null: missing) on the records meeting condition; the others keep theirs.",
    params={"condition": ACond(required=True), "values": Dict(required=True, doc="{VAR: value}")},
    sets_from=lambda p: {v: f"{value!r} when {condition_text(p['condition'])}." for v, value in p["values"].items()},
    reads_from=lambda p: (*condition_vars(p["condition"]), *p["values"]),
    run=_set,
))
