"""Steps of BDS findings datasets (admiral's ad_advs.R): parameters computed from others (MAP, BMI, BSA),
summary records (the average of repeated measures), baseline-type copies, the reference range indicator and
the analysis visit from the nominal visit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdtm_convert.adam.derive import (
    derive_basetype_records,
    derive_extreme_records,
    derive_param_bmi,
    derive_param_bsa,
    derive_param_map,
    derive_summary_records,
    derive_var_anrind,
    derive_vars_avisit_from_visit,
)
from sdtm_convert.adam.derive.params import BSA_METHODS, SUMMARY_FUNS
from sdtm_convert.adam.steps.kinds import COND_REF, ACond, Names, Order, condition_text, condition_vars, order_vars
from sdtm_convert.adam.steps.step import Step, register
from sdtm_convert.spec.params import Bool, Dict, OneOf, Str, Struct, Var

P = Mapping[str, Any]


def _new_records(p: P, default: str, text: str) -> dict[str, str]:
    values = dict(p.get("set_values_to") or {"PARAMCD": default})
    return {"AVAL": text, **{k: f"{v!r} on the {values.get('PARAMCD', default)} records." for k, v in values.items()}}


def _param_reads(p: P) -> tuple[str, ...]:
    return ("PARAMCD", "AVAL", *p["by_vars"], *condition_vars(p.get("filter")))


PARAM_COMMON = {"by_vars": Names(required=True, doc="the records of one computed value (USUBJID, VISIT, ADT...)"),
                "filter": ACond(doc="only these source records"),
                "set_values_to": Dict(doc="constants of the new records ({PARAMCD: MAP, PARAM: ...})"),
                "unit_var": Var(doc="the unit variable checked (mmHg, kg, cm)")}

register(Step(
    name="derive_param_map",
    doc="Mean arterial pressure records per by_vars group having both blood pressures: (2 DIABP + SYSBP) / 3, "
        "or with hr_code DIABP + 0.01 exp(4.14 - 40.74 / HR) (SYSBP - DIABP) (admiral derive_param_map).",
    params={**PARAM_COMMON, "sysbp_code": Str(default="SYSBP"), "diabp_code": Str(default="DIABP"),
            "hr_code": Str(doc="the heart rate parameter (the formula with heart rate)")},
    sets_from=lambda p: _new_records(p, "MAP", "(2 x DIABP + SYSBP) / 3 of the same " + ", ".join(p["by_vars"]) + "."),
    reads_from=_param_reads,
    run=lambda ctx, p: derive_param_map(ctx.working, list(p["by_vars"]), p.get("filter"),
                                        set_values_to=p.get("set_values_to"), sysbp_code=p.get("sysbp_code", "SYSBP"),
                                        diabp_code=p.get("diabp_code", "DIABP"), hr_code=p.get("hr_code"),
                                        unit_var=p.get("unit_var")),
))

HW = {"weight_code": Str(default="WEIGHT"), "height_code": Str(default="HEIGHT"),
      "constant_by_vars": Names(doc="the height is measured once: matched on these (USUBJID) to every weight")}


def _hw_args(p: P) -> dict[str, Any]:
    """The keyword arguments BMI and BSA share: the new records' constants, the codes, the height's by_vars."""
    return {"set_values_to": p.get("set_values_to"), "weight_code": p.get("weight_code", "WEIGHT"),
            "height_code": p.get("height_code", "HEIGHT"), "constant_by_vars": list(p.get("constant_by_vars", ())),
            "unit_var": p.get("unit_var")}

register(Step(
    name="derive_param_bmi",
    doc="Body mass index records: WEIGHT / (HEIGHT / 100)^2 (kg/m2) per by_vars group having both (admiral "
        "derive_param_bmi; constant_by_vars: the height matched to every weight of the subject).",
    params={**PARAM_COMMON, **HW},
    sets_from=lambda p: _new_records(p, "BMI", "WEIGHT / (HEIGHT / 100)^2 of the same " + ", ".join(p["by_vars"]) + "."),
    reads_from=_param_reads,
    run=lambda ctx, p: derive_param_bmi(ctx.working, list(p["by_vars"]), p.get("filter"), **_hw_args(p)),
))

register(Step(
    name="derive_param_bsa",
    doc="Body surface area records (m2) by method (Mosteller: sqrt(HEIGHT x WEIGHT / 3600)) per by_vars group "
        "having both (admiral derive_param_bsa).",
    params={**PARAM_COMMON, **HW, "method": OneOf(choices=tuple(BSA_METHODS), default="Mosteller")},
    sets_from=lambda p: _new_records(p, "BSA", f"Body surface area ({p.get('method', 'Mosteller')}) from HEIGHT and "
                                               "WEIGHT of the same " + ", ".join(p["by_vars"]) + "."),
    reads_from=_param_reads,
    run=lambda ctx, p: derive_param_bsa(ctx.working, list(p["by_vars"]), p.get("filter"),
                                        method=p.get("method", "Mosteller"), **_hw_args(p)),
))

register(Step(
    name="derive_summary_records",
    doc="One summary record per by_vars group of the records meeting filter: analysis_var = summary_fun of the "
        "group's values, with the by_vars and set_values_to only (admiral derive_summary_records: DTYPE AVERAGE).",
    params={"by_vars": Names(required=True), "set_values_to": Dict(required=True, doc="constants ({DTYPE: AVERAGE})"),
            "filter": ACond(), "analysis_var": Var(default="AVAL"),
            "summary_fun": OneOf(choices=tuple(SUMMARY_FUNS), default="mean")},
    sets_from=lambda p: {p.get("analysis_var", "AVAL"): f"{p.get('summary_fun', 'mean')} of "
                                                        f"{p.get('analysis_var', 'AVAL')} per {', '.join(p['by_vars'])}"
                                                        " on the summary records.",
                         **{k: f"{v!r} on the summary records." for k, v in p["set_values_to"].items()}},
    reads_from=lambda p: (*p["by_vars"], p.get("analysis_var", "AVAL"), *condition_vars(p.get("filter"))),
    run=lambda ctx, p: derive_summary_records(ctx.working, list(p["by_vars"]), p.get("filter"),
                                              set_values_to=p["set_values_to"],
                                              analysis_var=p.get("analysis_var", "AVAL"),
                                              summary_fun=p.get("summary_fun", "mean")),
))

BASETYPES = {"type": "object", "minProperties": 1, "additionalProperties": COND_REF}

register(Step(
    name="derive_basetype_records",
    doc="BASETYPE copies: for each {NAME: condition} the records meeting it are copied with BASETYPE = NAME; the "
        "records meeting none are kept once with BASETYPE empty (admiral derive_basetype_records).",
    params={"basetypes": Struct(required=True, fragment=BASETYPES, type_text_="{BASETYPE: condition}")},
    sets_from=lambda p: {"BASETYPE": "; ".join(f"'{k}' on the copies of the records where {condition_text(v)}"
                                               for k, v in p["basetypes"].items()) + "."},
    reads_from=lambda p: tuple(v for c in p["basetypes"].values() for v in condition_vars(c)),
    run=lambda ctx, p: derive_basetype_records(ctx.working, basetypes=p["basetypes"]),
))

register(Step(
    name="derive_var_anrind",
    doc="Reference range indicator from AVAL, ANRLO, ANRHI: NORMAL within the limits (a missing limit is open), "
        "LOW below, HIGH above; with use_a1hia1lo LOW LOW / HIGH HIGH beyond A1LO / A1HI (admiral "
        "derive_var_anrind).",
    params={"new_var": Var(default="ANRIND"), "use_a1hia1lo": Bool(default=False)},
    sets_from=lambda p: {p.get("new_var", "ANRIND"): "NORMAL when ANRLO <= AVAL <= ANRHI (a missing limit is open), "
                                                     "LOW when AVAL < ANRLO, HIGH when AVAL > ANRHI."},
    reads_from=lambda p: ("AVAL", "ANRLO", "ANRHI", *(("A1LO", "A1HI") if p.get("use_a1hia1lo") else ())),
    run=lambda ctx, p: derive_var_anrind(ctx.working, p.get("new_var", "ANRIND"),
                                         use_a1hia1lo=p.get("use_a1hia1lo", False)),
))

register(Step(
    name="derive_vars_avisit_from_visit",
    doc="AVISIT/AVISITN from the nominal visit (admiral ad_advs.R): AVISIT empty for a visit matching "
        "exclude_pattern, else the visit in title case; AVISITN 0 for the baseline visit, the number after "
        "week_word for a week visit, else missing.",
    params={"source_var": Var(default="VISIT"),
            "exclude_pattern": Str(default="SCREEN|UNSCHED|RETRIEVAL|AMBUL", doc="regular expression (searched)"),
            "baseline": Str(default="BASELINE"), "week_word": Str(default="WEEK")},
    sets_from=lambda p: {"AVISIT": f"{p.get('source_var', 'VISIT')} in title case; empty when it matches "
                                   f"{p.get('exclude_pattern', 'SCREEN|UNSCHED|RETRIEVAL|AMBUL')}.",
                         "AVISITN": f"0 for {p.get('baseline', 'BASELINE')}; the week number of a "
                                    f"{p.get('week_word', 'WEEK')} n visit; else missing."},
    reads_from=lambda p: (p.get("source_var", "VISIT"),),
    run=lambda ctx, p: derive_vars_avisit_from_visit(
        ctx.working, source_var=p.get("source_var", "VISIT"),
        exclude_pattern=p.get("exclude_pattern", "SCREEN|UNSCHED|RETRIEVAL|AMBUL"),
        baseline=p.get("baseline", "BASELINE"), week_word=p.get("week_word", "WEEK")),
))

register(Step(
    name="derive_extreme_records",
    doc="A copy of the first/last (mode) record by order of each by_vars group of the records meeting filter, "
        "with set_values_to, appended (admiral derive_extreme_records: the End of Treatment record, DTYPE LOV).",
    params={"by_vars": Names(required=True), "order": Order(required=True),
            "mode": OneOf(required=True, choices=("first", "last")),
            "set_values_to": Dict(required=True, doc="constants of the copies ({AVISIT: End of Treatment, ...})"),
            "filter": ACond(doc="the candidate records")},
    sets_from=lambda p: {k: f"{v!r} on the copy of the {p['mode']} record per {', '.join(p['by_vars'])} ordered by "
                            f"{', '.join(p['order'])}" + (f" where {condition_text(p['filter'])}" if p.get("filter") else "") + "."
                         for k, v in p["set_values_to"].items()},
    reads_from=lambda p: (*p["by_vars"], *order_vars(p["order"]), *condition_vars(p.get("filter"))),
    run=lambda ctx, p: derive_extreme_records(ctx.working, list(p["by_vars"]), list(p["order"]), p.get("filter"),
                                              mode=p["mode"], set_values_to=p["set_values_to"]),
))
