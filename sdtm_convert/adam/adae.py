"""ADAE (OCCDS): analysis dates with imputation, relative days, treatment emergence, durations,
first-occurrence flags, treatment and AE variables copied from SDTM."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.adam.config import AdamSettings
from sdtm_convert.adam.derive import (
    derive_var_extreme_flag,
    derive_var_trtemfl,
    derive_vars_dt,
    derive_vars_duration,
    derive_vars_dy,
    derive_vars_merged,
)
from sdtm_convert.adam.inputs import domain, no_source
from sdtm_convert.errors import Issue

KEY = ["STUDYID", "USUBJID"]
AE_VARS = [
    "STUDYID",
    "USUBJID",
    "AESEQ",
    "AETERM",
    "AEDECOD",
    "AEBODSYS",
    "AESOC",
    "AESTDTC",
    "AEENDTC",
    "AESER",
    "AESEV",
    "AEREL",
]
AE_OPTIONAL = ["AEOUT", "AEACN"]
ADSL_VARS = {
    "SUBJID": "SUBJID",
    "SITEID": "SITEID",
    "AGE": "AGE",
    "SEX": "SEX",
    "RACE": "RACE",
    "TRTA": "TRT01A",
    "TRTAN": "TRT01AN",
    "SAFFL": "SAFFL",
    "TRTSDT": "TRTSDT",
    "TRTEDT": "TRTEDT",
    "EOSDT": "EOSDT",
}
TEAE = {"var": "TRTEMFL", "op": "eq", "value": "Y"}


def derive_ae_dates(ae: pd.DataFrame, issues: list[Issue]) -> pd.DataFrame:
    """AENDT first ("last" imputation, capped by the end of study), then ASTDT ("first" imputation,
    raised to TRTSDT when first dose falls in the possible range, capped by AENDT) — so an imputed
    start never falls after the end."""
    out = derive_vars_dt(
        ae, "AEN", dtc="AEENDTC", highest_imputation="M", date_imputation="last", max_dates=["EOSDT"], issues=issues
    )
    out = derive_vars_dt(
        out,
        "AST",
        dtc="AESTDTC",
        highest_imputation="M",
        date_imputation="first",
        min_dates=["TRTSDT"],
        max_dates=["AENDT"],
        issues=issues,
    )
    return derive_vars_dy(out, reference_date="TRTSDT", source_vars=["ASTDT", "AENDT"])


def derive_ae_flags(ae: pd.DataFrame, settings: AdamSettings) -> pd.DataFrame:
    """TRTEMFL, then AOCCFL / AOCCSFL / AOCCPFL among the TEAEs (first by ASTDT, then AESEQ)."""
    out = derive_var_trtemfl(ae, end_window=settings.trtemfl_window_days)
    order = ["ASTDT", "AESEQ"]
    out = derive_var_extreme_flag(out, ["USUBJID"], order, "AOCCFL", TEAE, mode="first")
    out = derive_var_extreme_flag(out, ["USUBJID", "AEBODSYS"], order, "AOCCSFL", TEAE, mode="first")
    return derive_var_extreme_flag(out, ["USUBJID", "AEBODSYS", "AEDECOD"], order, "AOCCPFL", TEAE, mode="first")


def ae_absent(inputs) -> str | None:
    """Why ADAE is not built: no AE record of an ADSL subject (None when there is one)."""
    ae = inputs.sdtm.get("AE")
    subjects = inputs.adam["ADSL"]["USUBJID"]
    if ae is not None and "USUBJID" in ae and ae["USUBJID"].isin(subjects).any():
        return None
    return no_source(inputs.sdtm, "AE", "records")


def build_adae(
    sdtm, adsl: pd.DataFrame, settings: AdamSettings, issues: list[Issue], order: list[str]
) -> pd.DataFrame:
    """AE records of ADSL subjects with the ADSL variables, dates, flags; the variables in ``order``."""
    ae = domain(sdtm, "AE", AE_VARS, issues)
    ae = domain({"AE": ae}, "AE", AE_OPTIONAL, issues, required=False)
    ae = ae[AE_VARS + AE_OPTIONAL + [c for c in ae.columns if c.startswith("__")]]
    ae = ae.loc[ae["USUBJID"].isin(adsl["USUBJID"])]  # ADSL subjects only
    out = derive_vars_merged(ae, KEY, new_vars=ADSL_VARS, dataset_add=adsl)
    out = derive_ae_dates(out, issues)
    out = derive_vars_duration(out)
    out = derive_ae_flags(out, settings)
    cols = order + [c for c in out.columns if c.startswith("__")]
    return out[cols].sort_values(["STUDYID", "USUBJID", "AESEQ"], kind="mergesort").reset_index(drop=True)
