"""ADSL: one record per DM subject — treatment, exposure dates, populations, disposition, age groups."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.adam.adpasi import build_adpasi
from sdtm_convert.adam.config import BUILTIN_RULES, AdamSettings
from sdtm_convert.adam.derive import (
    compute_eosstt,
    condition_mask,
    derive_var_flag,
    derive_var_merged_summary,
    derive_var_trtdurd,
    derive_vars_cat,
    derive_vars_dt,
    derive_vars_dtm,
    derive_vars_merged,
)
from sdtm_convert.adam.derive._frame import as_text
from sdtm_convert.adam.inputs import domain
from sdtm_convert.errors import Issue, fatal
from sdtm_convert.spec.study import StudyConfig

DM_VARS = [
    "STUDYID",
    "USUBJID",
    "SUBJID",
    "SITEID",
    "COUNTRY",
    "AGE",
    "AGEU",
    "SEX",
    "RACE",
    "ETHNIC",
    "ARM",
    "ARMCD",
    "ACTARM",
    "ACTARMCD",
    "RFSTDTC",
    "RFENDTC",
    "RFXSTDTC",
    "RFXENDTC",
    "RFICDTC",
    "BRTHDTC",
]
HELPER_VARS = ["NINFUS", "ALLINFFL", "BLPASIFL", "PBPASIFL", "PVPASIFL"]
KEY = ["STUDYID", "USUBJID"]


def _exposure(sdtm, issues: list[Issue]) -> pd.DataFrame:
    """Valid doses with numeric start/end dates: EXDOSE > 0, a placebo dose (EXDOSE = 0 and EXTRT containing
    PLACEBO, as admiral's ADSL template counts it: placebo subjects are treated), or EXDOSE missing with a
    treatment name."""
    ex = domain(sdtm, "EX", ["STUDYID", "USUBJID", "EXTRT", "EXDOSE", "EXSTDTC", "EXENDTC", "EXSEQ"], issues)
    ex = ex.assign(EXENDTC=ex["EXENDTC"].where(ex["EXENDTC"] != "", ex["EXSTDTC"]))
    ex = derive_vars_dt(ex, "EXST", dtc="EXSTDTC", issues=issues)
    ex = derive_vars_dt(ex, "EXEN", dtc="EXENDTC", issues=issues)
    ex = derive_vars_dtm(derive_vars_dtm(ex, "EXST", dtc="EXSTDTC"), "EXEN", dtc="EXENDTC", time_imputation="last")
    placebo = (ex["EXDOSE"] == 0) & ex["EXTRT"].astype(str).str.upper().str.contains("PLACEBO", regex=False)
    valid = (ex["EXDOSE"] > 0) | placebo | (ex["EXDOSE"].isna() & (ex["EXTRT"] != ""))
    return ex.loc[valid.to_numpy(dtype=bool)]


def _disposition(sdtm, issues: list[Issue]) -> pd.DataFrame:
    ds = domain(sdtm, "DS", ["STUDYID", "USUBJID", "DSCAT", "DSDECOD", "DSSTDTC", "DSSEQ"], issues)
    ds = derive_vars_dt(ds, "DSST", dtc="DSSTDTC", issues=issues)
    return ds


def derive_adsl_core(sdtm, settings: AdamSettings, issues: list[Issue]) -> pd.DataFrame:
    """DM copy + treatment variables, exposure dates/duration, disposition and age group."""
    adsl = derive_adsl_base(sdtm, settings, issues)
    return derive_vars_cat(adsl, "AGEGR1", source_var="AGE", groups=settings.age_groups, numeric_var="AGEGR1N")


def derive_adsl_base(sdtm, settings: AdamSettings, issues: list[Issue]) -> pd.DataFrame:
    """DM copy + treatment variables, exposure dates/duration and disposition (no age group)."""
    dm = domain(sdtm, "DM", DM_VARS, issues)
    if dm.empty:
        raise fatal("adam-input-missing", "DM has no subjects; ADSL cannot be built", dataset="DM")
    adsl = dm[DM_VARS + [c for c in dm.columns if c.startswith("__")]]
    if settings.adsl_subjects == "assigned":  # drop subjects never assigned to an arm (screen failures)
        adsl = adsl.loc[condition_mask(adsl, BUILTIN_RULES["assigned_to_treatment"])]
    adsl = adsl.assign(TRT01P=adsl["ARM"], TRT01A=adsl["ACTARM"])  # admiral: ARM/ACTARM
    adsl = adsl.assign(
        TRT01PN=adsl["TRT01P"].map(settings.treatment_numbers).astype(float),
        TRT01AN=adsl["TRT01A"].map(settings.treatment_numbers).astype(float),
    )
    ex = _exposure(sdtm, issues)
    adsl = derive_vars_merged(
        adsl,
        KEY,
        ["EXSTDT", "EXSTDTM", "EXSEQ"],
        {"TRTSDT": "EXSTDT", "TRTSDTM": "EXSTDTM", "TRTSTMF": "EXSTTMF"},
        {"var": "EXSTDT", "op": "present"},
        dataset_add=ex,
        mode="first",
    )
    adsl = derive_vars_merged(
        adsl,
        KEY,
        ["EXENDT", "EXENDTM", "EXSEQ"],
        {"TRTEDT": "EXENDT", "TRTEDTM": "EXENDTM", "TRTETMF": "EXENTMF"},
        {"var": "EXENDT", "op": "present"},
        dataset_add=ex,
        mode="last",
    )
    adsl = derive_var_trtdurd(adsl)
    adsl = derive_var_merged_summary(adsl, KEY, "NINFUS", dataset_add=ex)
    adsl = derive_var_flag(adsl, "ALLINFFL", {"var": "NINFUS", "op": "ge", "value": settings.planned_infusions})
    adsl = derive_vars_dt(adsl, "RFIC", dtc="RFICDTC", issues=issues)
    ds = _disposition(sdtm, issues)
    adsl = derive_vars_merged(
        adsl,
        KEY,
        ["DSSTDT", "DSSEQ"],
        {"EOSDECOD": "DSDECOD", "EOSDT": "DSSTDT"},
        {"var": "DSCAT", "op": "eq", "value": "DISPOSITION EVENT"},
        dataset_add=ds,
        mode="last",
    )
    status = compute_eosstt(adsl["EOSDECOD"], completed=settings.completed_terms, excluded=settings.eos_excluded_terms)
    adsl = adsl.assign(EOSSTT=status, DCSREAS=adsl["EOSDECOD"].where(status == "DISCONTINUED", ""))
    return adsl.assign(EOSDT=adsl["EOSDT"].where(status != "ONGOING")).drop(columns="EOSDECOD")


def derive_pasi_availability(adsl: pd.DataFrame, adpasi: pd.DataFrame, settings: AdamSettings) -> pd.DataFrame:
    """Helper flags for the populations: BLPASIFL (baseline PASI), PBPASIFL (a post-baseline PASI in an
    analysis window), PVPASIFL (a PASI chosen for the primary visit)."""
    pasi = adpasi.loc[(adpasi["PARAMCD"] == "PASI") & adpasi["AVAL"].notna()]
    post = {"all": [{"var": "ANL01FL", "op": "eq", "value": "Y"}, {"var": "AVISITN", "op": "gt", "value": 0}]}
    prim = {
        "all": [
            {"var": "ANL01FL", "op": "eq", "value": "Y"},
            {"var": "AVISITN", "op": "eq", "value": settings.primary_avisitn},
        ]
    }
    out = adsl
    for flag, cond in (
        ("BLPASIFL", {"var": "ABLFL", "op": "eq", "value": "Y"}),
        ("PBPASIFL", post),
        ("PVPASIFL", prim),
    ):
        out = derive_var_merged_summary(out, KEY, flag, cond, dataset_add=pasi)
        out = out.assign(**{flag: out[flag].gt(0).map({True: "Y", False: "N"}).astype(object)})
    return out


def compute_pasi_availability(sdtm, study: StudyConfig, adsl: pd.DataFrame, settings: AdamSettings) -> pd.DataFrame:
    """``adsl`` plus BLPASIFL, PBPASIFL, PVPASIFL, read from the SDTM PASI records through the same timing
    derivations as ADPASI (baseline, windows, ANL01FL), so ADSL does not wait for ADPASI. The issues of
    those records are ADPASI's to report, not ADSL's: they are dropped here."""
    pasi = as_text(build_adpasi(sdtm, study, adsl, settings, []))
    return derive_pasi_availability(adsl, pasi, settings)


def derive_populations(adsl: pd.DataFrame, settings: AdamSettings) -> pd.DataFrame:
    """One Y/N flag per configured population, in configuration order (a flag may use earlier ones)."""
    out = adsl
    for pop in settings.populations:
        condition_mask(out, pop.condition)  # raises adam-condition-invalid naming the unknown variable
        out = derive_var_flag(out, pop.flag, pop.condition)
    return out


def finalize_adsl(adsl: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """The declared variables in ``order`` (then the provenance columns), sorted by subject."""
    cols = order + [c for c in adsl.columns if c.startswith("__")]
    return adsl[cols].sort_values(KEY, kind="mergesort").reset_index(drop=True)
