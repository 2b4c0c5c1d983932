"""ADPASI (BDS): PASI total and region scores per assessment, improvement rate, PASIxx responders.

Composition (each step one library derivation): SDTM PASI records → ADT/ADY → ABLFL (last
non-missing value on or before TRTSDT) → analysis windows (AVISIT) → ANL01FL (configured rule) →
BASE/CHG/PCHG (exact in tenths) → PASIIMP (= −PCHG) and PASIxx (exact integer test) → NRI records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.adam.config import AdamSettings
from sdtm_convert.adam.derive import (
    ANL01FL_RULES,
    compute_responder,
    derive_nri_records,
    derive_param_computed,
    derive_var_base,
    derive_var_chg,
    derive_var_extreme_flag,
    derive_var_obs_number,
    derive_var_ontrtfl,
    derive_var_pchg,
    derive_vars_avisit,
    derive_vars_dt,
    derive_vars_dy,
    derive_vars_merged,
)
from sdtm_convert.adam.inputs import domain, no_source
from sdtm_convert.errors import Issue
from sdtm_convert.spec.study import StudyConfig

KEY = ["STUDYID", "USUBJID"]

#: PASI item number (XX of PASInnXX) → (PARAMCD, PARAM, PARAMN)
PASI_ITEMS = {
    29: ("PASI", "PASI Total Score", 1.0),
    19: ("PASIHN", "PASI Head/Neck Score (Sum x Area x 0.1)", 2.0),
    22: ("PASIUL", "PASI Upper Limbs Score (Sum x Area x 0.2)", 3.0),
    25: ("PASITR", "PASI Trunk Score (Sum x Area x 0.3)", 4.0),
    28: ("PASILL", "PASI Lower Limbs Score (Sum x Area x 0.4)", 5.0),
}
PASIIMP = ("PASIIMP", "PASI Improvement Rate (%)", 10.0)


def responder_param(k: int) -> tuple[str, str, float]:
    return f"PASI{k}", f"PASI {k} Response (>= {k}% Improvement)", 100.0 + k


ADSL_VARS = {
    "SUBJID": "SUBJID",
    "SITEID": "SITEID",
    "TRTP": "TRT01P",
    "TRTA": "TRT01A",
    "TRTSDT": "TRTSDT",
    "TRTEDT": "TRTEDT",
}
CARRY = [
    "SUBJID",
    "SITEID",
    "TRTP",
    "TRTA",
    "ADT",
    "ADY",
    "VISITNUM",
    "VISIT",
    "AVISIT",
    "AVISITN",
    "AWTARGET",
    "AWLO",
    "AWHI",
    "AWTDIFF",
    "AWU",
    "ANL01FL",
    "ONTRTFL",
    "SRCDOM",
    "SRCVAR",
    "SRCSEQ",
]


def pasi_codes(study: StudyConfig) -> dict[str, tuple[str, str, float]]:
    """--TESTCD → (PARAMCD, PARAM, PARAMN). CDISC codes are PASInnXX (nn = version); the former sponsor
    QS codes PASIXX are still accepted."""
    ver = study.pasi.version
    return {f"{ver}{n:02d}": v for n, v in PASI_ITEMS.items()} | {f"PASI{n:02d}": v for n, v in PASI_ITEMS.items()}


def pasi_absent(inputs) -> str | None:
    """Why ADPASI is not built: no PASI record of an ADSL subject in the study's PASI domain (else None)."""
    dom = inputs.study.pasi.domain
    src = inputs.sdtm.get(dom)
    testcd = f"{dom}TESTCD"
    if src is not None and testcd in src and "USUBJID" in src:
        rows = src[testcd].isin(list(pasi_codes(inputs.study))) & src["USUBJID"].isin(inputs.adam["ADSL"]["USUBJID"])
        if rows.any():
            return None
    return no_source(inputs.sdtm, dom, "PASI records")


def pasi_records(sdtm, study: StudyConfig, issues: list[Issue]) -> pd.DataFrame:
    """The SDTM PASI total and region scores as BDS records (PARAMCD, AVAL, ADT, SRC*)."""
    dom = study.pasi.domain
    cols = ["STUDYID", "USUBJID", f"{dom}TESTCD", f"{dom}STRESN", f"{dom}DTC", f"{dom}SEQ", "VISITNUM", "VISIT"]
    src = domain(sdtm, dom, cols, issues)
    codes = pasi_codes(study)
    src = src.loc[src[f"{dom}TESTCD"].isin(list(codes))]
    testcd = src[f"{dom}TESTCD"]
    bds = pd.DataFrame(
        {
            "STUDYID": src["STUDYID"],
            "USUBJID": src["USUBJID"],
            "PARAMCD": testcd.map({k: v[0] for k, v in codes.items()}).astype(object),
            "PARAM": testcd.map({k: v[1] for k, v in codes.items()}).astype(object),
            "PARAMN": testcd.map({k: v[2] for k, v in codes.items()}).astype(float),
            "PARCAT1": "PASI",
            "AVAL": src[f"{dom}STRESN"].astype(float),
            "AVALC": "",
            "VISITNUM": src["VISITNUM"],
            "VISIT": src["VISIT"],
            "DTC": src[f"{dom}DTC"],
            "SRCDOM": dom,
            "SRCVAR": f"{dom}STRESN",
            "SRCSEQ": src[f"{dom}SEQ"],
            "DTYPE": "",
        }
    )
    for c in src.columns:
        if c.startswith("__"):
            bds[c] = src[c]
    bds = derive_vars_dt(bds, "A", dtc="DTC", issues=issues).drop(columns="DTC")
    return bds.reset_index(drop=True)


def derive_pasi_timing(bds: pd.DataFrame, adsl: pd.DataFrame, settings: AdamSettings) -> pd.DataFrame:
    """ADSL treatment variables, ADY, ABLFL, analysis windows, ANL01FL, ONTRTFL."""
    out = derive_vars_merged(bds, KEY, new_vars=ADSL_VARS, dataset_add=adsl)
    out = derive_vars_dy(out, reference_date="TRTSDT", source_vars=["ADT"])
    pre = {"all": [{"var": "AVAL", "op": "present"}, {"var": "ADT", "op": "le", "ref": "TRTSDT"}]}
    out = derive_var_extreme_flag(out, ["USUBJID", "PARAMCD"], ["ADT", "SRCSEQ"], "ABLFL", pre, mode="last")
    post = {"var": "ADT", "op": "gt", "ref": "TRTSDT"}
    out = derive_vars_avisit(out, post, windows=settings.windows)
    is_bl = out["ABLFL"] == "Y"
    out = out.assign(AVISIT=out["AVISIT"].where(~is_bl, "Baseline"), AVISITN=out["AVISITN"].where(~is_bl, 0.0))
    in_window = {"all": [{"var": "AVISIT", "op": "present"}, {"var": "AVAL", "op": "present"}]}
    out = derive_var_extreme_flag(
        out, ["USUBJID", "PARAMCD", "AVISITN"], ANL01FL_RULES[settings.anl01fl_rule], "ANL01FL", in_window, mode="last"
    )
    window = settings.trtemfl_window_days or 0
    return derive_var_ontrtfl(out, ref_end_window=window)


def derive_pasi_change(bds: pd.DataFrame, issues: list[Issue]) -> pd.DataFrame:
    """BASE, CHG, PCHG (computed in integer tenths; PCHG null when BASE is 0 or missing)."""
    out = derive_var_base(bds, ["USUBJID", "PARAMCD"], issues=issues)
    out = derive_var_chg(out, decimals=1)
    out = derive_var_pchg(out, decimals=1)
    nonpost = ~(out["ADT"] > out["TRTSDT"]).to_numpy(dtype=bool)
    out.loc[nonpost, ["CHG", "PCHG"]] = np.nan  # change is defined for post-baseline records only
    return out


POST_BASELINE = {"all": [{"var": "ADT", "op": "gt", "ref": "TRTSDT"}, {"var": "AVAL", "op": "present"}]}
BY = ["STUDYID", "USUBJID", "SRCSEQ"]


def _carried(bds: pd.DataFrame) -> list[str]:
    """Variables a computed parameter record copies from its PASI record (incl. provenance columns)."""
    return [c for c in CARRY if c != "SRCSEQ"] + [c for c in bds.columns if c.startswith("__")]


def derive_param_pasiimp(bds: pd.DataFrame) -> pd.DataFrame:
    """PASIIMP: AVAL = −PCHG of the PASI total, one record per post-baseline PASI record."""
    cd, name, n = PASIIMP
    return derive_param_computed(
        bds,
        BY,
        POST_BASELINE,
        parameters=["PASI"],
        source_vars=["PCHG"],
        keep_vars=_carried(bds),
        analysis_value=lambda w: 0.0 - w["PCHG.PASI"],
        set_values_to={"PARAMCD": cd, "PARAM": name, "PARAMN": n, "PARCAT1": "PASI", "AVALC": ""},
    )


def derive_param_pasi_response(bds: pd.DataFrame, k: int) -> pd.DataFrame:
    """PASIk: AVAL 1/0, AVALC "Y"/"N" (exact test 100·(B10 − P10) ≥ k·B10); null when not evaluable."""
    cd, name, n = responder_param(k)

    def value(w: pd.DataFrame) -> pd.DataFrame:
        resp = compute_responder(w["AVAL.PASI"], w["BASE.PASI"], k, decimals=1)
        return pd.DataFrame({"AVAL": resp, "AVALC": resp.map({1.0: "Y", 0.0: "N"}).fillna("").astype(object)})

    return derive_param_computed(
        bds,
        BY,
        POST_BASELINE,
        parameters=["PASI"],
        source_vars=["AVAL", "BASE"],
        keep_vars=_carried(bds),
        analysis_value=value,
        set_values_to={"PARAMCD": cd, "PARAM": name, "PARAMN": n, "PARCAT1": "PASI RESPONSE"},
    )


def primary_visit(settings: AdamSettings) -> dict[str, object]:
    w = settings.windows
    row = w.loc[w["AVISITN"] == settings.primary_avisitn]
    name = str(row["AVISIT"].iloc[0]) if len(row) else f"Week {settings.primary_avisitn:g}"
    return {"AVISIT": name, "AVISITN": settings.primary_avisitn}


def build_adpasi(
    sdtm, study: StudyConfig, adsl_core: pd.DataFrame, settings: AdamSettings, issues: list[Issue]
) -> pd.DataFrame:
    """Records up to BASE/CHG/PCHG (the population flags are not needed yet)."""
    bds = pasi_records(sdtm, study, issues)
    bds = bds.loc[bds["USUBJID"].isin(adsl_core["USUBJID"])]  # ADSL subjects only
    bds = derive_pasi_timing(bds, adsl_core, settings)
    return derive_pasi_change(bds, issues)


def complete_adpasi(bds: pd.DataFrame, adsl: pd.DataFrame, settings: AdamSettings, order: list[str]) -> pd.DataFrame:
    """Population flags, PASIIMP, responder parameters, NRI records, ASEQ, final order."""
    out = derive_param_pasiimp(bds)
    for k in settings.responder_thresholds:
        out = derive_param_pasi_response(out, k)
    if settings.nri:
        params = {}
        for k in settings.responder_thresholds:
            cd, name, n = responder_param(k)
            params[cd] = {"PARAM": name, "PARAMN": n, "PARCAT1": "PASI RESPONSE"}
        ref = adsl.rename(columns={"TRT01P": "TRTP", "TRT01A": "TRTA"})
        out = derive_nri_records(
            out,
            KEY,
            {"var": settings.nri_population, "op": "eq", "value": "Y"},
            dataset_ref=ref,
            parameters=params,
            visit=primary_visit(settings),
            keep_vars=["SUBJID", "SITEID", "TRTP", "TRTA", "TRTSDT", "TRTEDT"],
        )
    pops = [p.flag for p in settings.populations if p.flag in ("ITTFL", "SAFFL", "FASFL", "PPROTFL")]
    out = derive_vars_merged(out, KEY, new_vars=pops, dataset_add=adsl)
    out = derive_var_obs_number(out, ["USUBJID"], ["PARAMN", "AVISITN", "ADT", "SRCSEQ", "DTYPE"])
    return finalize_adpasi(out, order)


def finalize_adpasi(bds: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """The variables in ``order`` (one never set, such as an unconfigured population flag, is empty)."""
    out = bds
    for c in order:
        if c not in out.columns:
            out = out.assign(**{c: ""})
    cols = order + [c for c in out.columns if c.startswith("__")]
    out = out[cols].sort_values(["STUDYID", "USUBJID", "ASEQ"], kind="mergesort").reset_index(drop=True)
    return out
