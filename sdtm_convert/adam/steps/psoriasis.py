"""The psoriasis study's steps (NCT03745417): ADSL's core block, the PASI availability helper flags and the
populations; ADPASI's records and PASI parameters; ADAE's records. Coarse steps (``coarse=True``) are the
study code of ``adam/adsl.py``, ``adam/adpasi.py`` and ``adam/adae.py`` kept whole so that the outputs stay
byte-identical (docs/adam.md says which); their study choices are parameters, read through the same
:func:`~sdtm_convert.adam.config.adam_settings` checks as ``study.yaml`` ``adam:`` was."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sdtm_convert.adam.adae import AE_OPTIONAL, AE_VARS, ae_absent
from sdtm_convert.adam.adpasi import (
    build_adpasi,
    derive_param_pasi_response,
    derive_param_pasiimp,
    pasi_absent,
)
from sdtm_convert.adam.adsl import DM_VARS, compute_pasi_availability, derive_adsl_base, derive_populations
from sdtm_convert.adam.config import BUILTIN_RULES, WINDOWS_SCHEMA, AdamSettings, adam_settings
from sdtm_convert.adam.derive._frame import as_text
from sdtm_convert.adam.inputs import domain
from sdtm_convert.adam.steps.kinds import condition_vars
from sdtm_convert.adam.steps.step import Step, StepContext, register
from sdtm_convert.adam.words import ANL01FL_WORDS, treatment_numbers_text, window_text
from sdtm_convert.spec.params import Int, ListOf, Number, OneOf, Str, Struct

P = Mapping[str, Any]


def settings_of(study: Any, params: P, populations: Mapping[str, Any] | None = None) -> AdamSettings:
    """The settings a coarse step's code reads, from the step's parameters (absent ones: the documented
    defaults), checked as ``study.yaml`` ``adam:``/``populations:`` were."""
    return adam_settings(dataclasses.replace(study, adam=dict(params), populations=dict(populations or {})))


# --- ADSL -------------------------------------------------------------------------------------------

def _adsl_core_sets(p: P) -> dict[str, str]:
    """The method texts that state the step's parameters (absent ones: their defaults)."""
    numbers = (treatment_numbers_text(p["treatment_numbers"]) if p.get("treatment_numbers")
               else "the arm's place in the study's list of arms (1, 2, ...)")
    terms = ", ".join(p.get("completed_terms", ["COMPLETED"]))
    excluded = ", ".join(p.get("eos_excluded_terms", ["SCREEN FAILURE"]))
    return {
        "TRT01PN": f"Number of TRT01P: {numbers}; null for arms that are not treatments.",
        "TRT01AN": f"Number of TRT01A: {numbers}.",
        "ALLINFFL": f"'Y' when NINFUS >= {p.get('planned_infusions', 5)}.",
        "EOSSTT": f"From the last DS record with DSCAT = 'DISPOSITION EVENT': COMPLETED when DSDECOD is {terms}; "
                  f"null for {excluded}; DISCONTINUED for any other term; ONGOING when none.",
    }


_CORE_DEFAULTS = _adsl_core_sets({})  # the texts with the defaults; the step's parameters restate them
ADSL_CORE_SETS = {
    **{v: f"DM.{v}" for v in DM_VARS},
    "TRT01P": "DM.ARM (screen failures keep 'Screen Failure', as in admiral).",
    "TRT01PN": _CORE_DEFAULTS["TRT01PN"],
    "TRT01A": "DM.ACTARM.",
    "TRT01AN": _CORE_DEFAULTS["TRT01AN"],
    "RFICDT": "DM.RFICDTC converted to a SAS date (complete dates only).",
    "TRTSDT": "Date part of the earliest EX.EXSTDTC of a valid dose (EXDOSE > 0, or 0 for a treatment named PLACEBO), complete dates only.",
    "TRTSDTM": "EX.EXSTDTC of the first valid dose as a SAS datetime; missing time parts imputed as 00.",
    "TRTSTMF": "Time imputation flag of TRTSDTM: H (hour), M (minute), S (second).",
    "TRTEDT": "Date part of the latest EX.EXENDTC (EXSTDTC when EXENDTC is empty) of a valid dose.",
    "TRTEDTM": "EX.EXENDTC of the last valid dose as a SAS datetime; missing time parts imputed as 23:59:59.",
    "TRTETMF": "Time imputation flag of TRTEDTM: H (hour), M (minute), S (second).",
    "TRTDURD": "TRTEDT - TRTSDT + 1.",
    "NINFUS": "Number of valid doses in EX.",
    "ALLINFFL": _CORE_DEFAULTS["ALLINFFL"],
    "EOSSTT": _CORE_DEFAULTS["EOSSTT"],
    "EOSDT": "DS.DSSTDTC of that disposition event as a SAS date (null when ONGOING).",
    "DCSREAS": "DS.DSDECOD of that disposition event when EOSSTT = DISCONTINUED.",
}


ADSL_KEYS = ("adsl_subjects", "treatment_numbers", "planned_infusions", "completed_terms", "eos_excluded_terms")


def _adsl_core(ctx: StepContext, p: P) -> pd.DataFrame:
    return as_text(derive_adsl_base(ctx.sdtm, settings_of(ctx.study, p), ctx.issues))


register(Step(
    name="adsl_core",
    doc="The ADSL records: DM's subjects and variables, TRT01P/TRT01A from ARM/ACTARM and their numbers, "
        "treatment dates and duration from the valid doses of EX, the number of doses, informed consent date, "
        "end-of-study status, date and reason from DS.",
    params={"adsl_subjects": OneOf(choices=("all", "assigned"), default="all",
                                   doc="all DM subjects, or only those assigned to an arm"),
            "treatment_numbers": Struct(fragment={"type": "object", "additionalProperties": {"type": "number"}},
                                        type_text_="{ARM: number}",
                                        doc="TRT01PN/TRT01AN of each arm (default: the arm order of study.yaml)"),
            "planned_infusions": Int(default=5, doc="doses for ALLINFFL"),
            "completed_terms": ListOf(item=Str(), default=["COMPLETED"], doc="DSDECOD terms meaning COMPLETED"),
            "eos_excluded_terms": ListOf(item=Str(), default=["SCREEN FAILURE"],
                                         doc="DSDECOD terms that leave EOSSTT null")},
    sets=ADSL_CORE_SETS,
    sets_from=_adsl_core_sets,
    makes_records=True,
    needs=("DM", "EX", "DS"),
    coarse=True,
    run=_adsl_core,
))

TIMING = {
    "windows": Struct(fragment=WINDOWS_SCHEMA, type_text_="{tolerance_days, visits: [{avisit, avisitn, target, range}]}",
                      doc="analysis windows (default: one per study visit after day 1, +/- tolerance_days 3)"),
    "anl01fl_rule": Str(default="closest_to_target_then_latest", doc="a name of adam.derive.ANL01FL_RULES"),
    "trtemfl_window_days": Struct(fragment={"type": ["integer", "null"]}, default=28, type_text_="integer or null",
                                  doc="days after TRTEDT still on treatment (ONTRTFL)"),
}


def _availability(ctx: StepContext, p: P) -> pd.DataFrame:
    return compute_pasi_availability(ctx.sdtm, ctx.study, ctx.working, settings_of(ctx.study, p))


register(Step(
    name="pasi_availability",
    doc="Helper flags for the populations, from the SDTM PASI records through ADPASI's timing (baseline, "
        "windows, ANL01FL): BLPASIFL (baseline PASI), PBPASIFL (post-baseline PASI in a window), PVPASIFL "
        "(a PASI at the primary visit).",
    params={**TIMING, "primary_avisitn": Number(doc="AVISITN of the primary visit (default: the last window)")},
    sets={"BLPASIFL": "'Y' when the subject has a baseline PASI.",
          "PBPASIFL": "'Y' when the subject has a post-baseline PASI chosen in an analysis window.",
          "PVPASIFL": "'Y' when the subject has a PASI chosen at the primary visit."},
    reads=("USUBJID", "TRTSDT", "TRTEDT"),
    needs=("PASI",),
    coarse=True,
    shared=tuple(TIMING) + ("primary_avisitn",),
    run=_availability,
))

POPULATION = {"oneOf": [
    {"type": "string"},
    {"type": "object", "additionalProperties": False,
     "properties": {"label": {"type": "string"}, "rule": {"type": "string"},
                    "where": {"$ref": "#/$defs/condition"}}}]}


def _expanded(spec: Any) -> Any:
    if isinstance(spec, str):
        return BUILTIN_RULES.get(spec, {})
    if "where" in spec:
        return _expand_rules(spec["where"])
    return BUILTIN_RULES.get(spec.get("rule", ""), {})


def _expand_rules(cond: Any) -> Any:
    if isinstance(cond, dict):
        if "rule" in cond:
            return BUILTIN_RULES.get(cond["rule"], {})
        return {k: ([_expand_rules(c) for c in v] if k in ("all", "any") else _expand_rules(v) if k == "not" else v)
                for k, v in cond.items()}
    return cond


def _population_reads(p: P) -> tuple[str, ...]:
    flags = list(p["populations"])
    reads = [n for f, s in p["populations"].items() for n in condition_vars(_expanded(s))]
    return tuple(dict.fromkeys(n for n in reads if n not in flags))  # a flag may use an earlier one


def population_settings(study: Any, p: P) -> AdamSettings:
    """The settings with exactly the step's populations, in the step's order."""
    settings = settings_of(study, {}, p["populations"])
    by_flag = {pop.flag: pop for pop in settings.populations}
    return dataclasses.replace(settings, populations=tuple(by_flag[f] for f in p["populations"]))


register(Step(
    name="populations",
    doc="One Y/N flag per population, in order (a flag may use the earlier ones): a built-in rule name "
        f"({', '.join(BUILTIN_RULES)}) or {{label, rule}} or {{label, where: CONDITION}} over ADSL variables.",
    params={"populations": Struct(required=True, fragment={"type": "object", "additionalProperties": POPULATION},
                                  type_text_="{FLAG: rule | {label, rule | where}}")},
    sets_from=lambda p: {f: "'Y' if the subject meets the population's condition, else 'N'." for f in p["populations"]},
    reads_from=_population_reads,
    run=lambda ctx, p: derive_populations(ctx.working, population_settings(ctx.study, p)),
))

# --- ADPASI -----------------------------------------------------------------------------------------

def _pasi_timing_sets(p: P) -> dict[str, str]:
    """ANL01FL and ONTRTFL stating the step's timing parameters (absent ones: their defaults)."""
    return {
        "ANL01FL": "'Y' on the baseline record and on one record per USUBJID, PARAMCD, AVISITN in the analysis "
                   "window: " + ANL01FL_WORDS[p.get("anl01fl_rule", "closest_to_target_then_latest")] + ".",
        "ONTRTFL": f"'Y' when TRTSDT <= ADT <= TRTEDT{window_text(p.get('trtemfl_window_days', 28) or 0)}.",
    }


PASI_SETS = {
    "STUDYID": "ADSL.STUDYID", "USUBJID": "ADSL.USUBJID",
    "PARAMCD": "PASI for PASInn29 (total), PASIHN/PASIUL/PASITR/PASILL for items 19/22/25/28.",
    "PARAM": "Assigned from PARAMCD.", "PARAMN": "Assigned from PARAMCD (display order).",
    "PARCAT1": "'PASI' for scores.", "AVAL": "QS/RS --STRESN.", "AVALC": "Null for scores.",
    "VISITNUM": "{dom}.VISITNUM", "VISIT": "{dom}.VISIT",
    "SRCDOM": "SDTM domain of the PASI record.", "SRCVAR": "SDTM variable of the value.",
    "SRCSEQ": "--SEQ of the SDTM record.", "DTYPE": "Null on observed records.",
    "ADT": "Date part of --DTC as a SAS date (no imputation).",
    "ADY": "ADT - TRTSDT + 1 if ADT >= TRTSDT, else ADT - TRTSDT.",
    "TRTP": "ADSL.TRT01P", "TRTA": "ADSL.TRT01A", "SUBJID": "ADSL.SUBJID", "SITEID": "ADSL.SITEID",
    "TRTSDT": "ADSL.TRTSDT", "TRTEDT": "ADSL.TRTEDT",
    "ABLFL": "'Y' on the last record with non-missing AVAL and ADT <= TRTSDT per USUBJID and PARAMCD.",
    "BASE": "AVAL of the ABLFL = 'Y' record of the subject and parameter.",
    "CHG": "AVAL - BASE (integer tenths), post-baseline records only.",
    "PCHG": "100 * (AVAL - BASE) / BASE in integer tenths, unrounded; null when BASE is 0 or missing.",
    **_pasi_timing_sets({}),  # the texts with the defaults; the step's parameters restate them
    "AVISIT": "'Baseline' for the ABLFL record; otherwise the analysis window containing ADY.",
    "AVISITN": "0 for Baseline; the number of the window otherwise.",
    "AWTARGET": "Planned study day of the analysis window.", "AWLO": "Window start day.",
    "AWHI": "Window end day.", "AWTDIFF": "|ADY - AWTARGET|.", "AWU": "'DAYS' for windowed records.",
}


def _pasi_records(ctx: StepContext, p: P) -> pd.DataFrame:
    return as_text(build_adpasi(ctx.sdtm, ctx.study, ctx.adam["ADSL"], settings_of(ctx.study, p), ctx.issues))


register(Step(
    name="pasi_records",
    doc="The PASI total and region scores of the study's PASI domain (study.yaml pasi:) as BDS records of the "
        "ADSL subjects with the ADSL treatment variables, ADT/ADY, baseline (last non-missing on or before "
        "TRTSDT), analysis windows, ANL01FL, ONTRTFL, BASE, CHG and PCHG (in integer tenths). Needs ADSL in "
        "sources.",
    params=dict(TIMING),
    sets=PASI_SETS,
    sets_from=_pasi_timing_sets,
    makes_records=True,
    needs=("ADSL", "PASI"),
    coarse=True,
    shared=tuple(TIMING),
    absent=pasi_absent,
    run=_pasi_records,
))

register(Step(
    name="derive_param_pasiimp",
    doc="A PASIIMP record (PASI improvement rate, -PCHG of PASI) per post-baseline PASI record.",
    params={},
    sets={"PARAMCD": "PASIIMP computed from PASI.", "AVAL": "-PCHG of PASI for PASIIMP."},
    reads=("PARAMCD", "PCHG", "ABLFL"),
    run=lambda ctx, p: derive_param_pasiimp(ctx.working),
))


def _responses(ctx: StepContext, p: P) -> pd.DataFrame:
    out = ctx.working
    for k in p["thresholds"]:
        out = derive_param_pasi_response(out, int(k))
    return out


register(Step(
    name="derive_param_pasi_response",
    doc="A PASIxx responder record (AVAL 1/0, AVALC Y/N) per post-baseline PASI record and threshold: the exact "
        "integer test 100*(B10-P10) >= k*B10 in tenths.",
    params={"thresholds": ListOf(item=Int(), required=True, min_items=1, doc="k of PASIk (1..100)")},
    sets={"PARAMCD": "PASIxx computed from PASI.", "AVAL": "1/0 for PASIxx.", "AVALC": "'Y'/'N' for PASIxx.",
          "PARCAT1": "'PASI RESPONSE' for PASIxx."},
    reads=("PARAMCD", "AVAL", "BASE"),
    run=_responses,
))

# --- ADAE -------------------------------------------------------------------------------------------


def _ae_records(ctx: StepContext, p: P) -> pd.DataFrame:
    ae = domain(ctx.sdtm, "AE", AE_VARS, ctx.issues)
    ae = domain({"AE": ae}, "AE", AE_OPTIONAL, ctx.issues, required=False)
    ae = ae[AE_VARS + AE_OPTIONAL + [c for c in ae.columns if c.startswith("__")]]
    return ae.loc[ae["USUBJID"].isin(ctx.adam["ADSL"]["USUBJID"])]


register(Step(
    name="ae_records",
    doc=f"The AE records of the ADSL subjects with {', '.join(AE_VARS)} (and {', '.join(AE_OPTIONAL)}, empty when "
        "AE lacks them). Needs ADSL in sources.",
    params={},
    sets={v: f"AE.{v}" for v in AE_VARS + AE_OPTIONAL},
    makes_records=True,
    needs=("ADSL", "AE"),
    absent=ae_absent,
    run=_ae_records,
))

__all__ = ["population_settings", "settings_of"]
