"""ADSL: one record per DM subject — treatment, exposure dates, populations, disposition, age groups."""

from __future__ import annotations

from sdtm_convert.adam.adsl import compute_pasi_availability, derive_adsl_core, derive_populations, finalize_adsl
from sdtm_convert.adam.derive._frame import as_text
from sdtm_convert.adam.registry import AdamDataset, AdamInputs, Built, Populations, V, register
from sdtm_convert.errors import Issue
from sdtm_convert.spec.params import Int, ListOf, OneOf, Str, Struct


def _dm(name: str) -> V:
    return V(name, source=f"DM.{name}")


def build_adsl(inputs: AdamInputs) -> Built:
    """DM copy and core derivations, the PASI availability flags from SDTM, populations, final order."""
    issues: list[Issue] = []
    core = as_text(derive_adsl_core(inputs.sdtm, inputs.settings, issues))
    flagged = compute_pasi_availability(inputs.sdtm, inputs.study, core, inputs.settings)
    adsl = derive_populations(flagged, inputs.settings)
    return as_text(finalize_adsl(adsl, columns(inputs.settings))), issues


def columns(settings) -> list[str]:
    return ADSL.columns(tuple(p.flag for p in settings.populations))


ADSL = register(AdamDataset(
    name="ADSL",
    label="Subject-Level Analysis Dataset",
    cls="SUBJECT LEVEL ANALYSIS DATASET",
    structure="One record per subject",
    keys=("STUDYID", "USUBJID"),
    variables=(
        _dm("STUDYID"), _dm("USUBJID"), _dm("SUBJID"), _dm("SITEID"), _dm("COUNTRY"), _dm("AGE"), _dm("AGEU"),
        V("AGEGR1", method="AGE grouped {age_groups} (inclusive bounds)."),
        V("AGEGR1N", label="Pooled Age Group 1 (N)", method="Order number of AGEGR1 in its groups: {age_group_numbers}."),
        _dm("SEX"), _dm("RACE"), _dm("ETHNIC"), _dm("ARM"), _dm("ARMCD"), _dm("ACTARM"), _dm("ACTARMCD"),
        V("TRT01P", method="DM.ARM (screen failures keep 'Screen Failure', as in admiral)."),
        V("TRT01PN", method="Number of TRT01P: {treatment_numbers}; null for arms that are not treatments."),
        V("TRT01A", method="DM.ACTARM."),
        V("TRT01AN", method="Number of TRT01A: {treatment_numbers}."),
        _dm("RFSTDTC"), _dm("RFENDTC"),
        V("RFICDT", method="DM.RFICDTC converted to a SAS date (complete dates only)."),
        V("TRTSDT", method="Date part of the earliest EX.EXSTDTC of a valid dose (EXDOSE > 0, or 0 for a "
          "treatment named PLACEBO), complete dates only."),
        V("TRTSDTM", method="EX.EXSTDTC of the first valid dose as a SAS datetime; missing time parts imputed "
          "as 00."),
        V("TRTSTMF", method="Time imputation flag of TRTSDTM: H (hour), M (minute), S (second)."),
        V("TRTEDT", method="Date part of the latest EX.EXENDTC (EXSTDTC when EXENDTC is empty) of a valid dose."),
        V("TRTEDTM", method="EX.EXENDTC of the last valid dose as a SAS datetime; missing time parts imputed as "
          "23:59:59."),
        V("TRTETMF", method="Time imputation flag of TRTEDTM: H (hour), M (minute), S (second)."),
        V("TRTDURD", method="TRTEDT - TRTSDT + 1."),
        Populations(),
        V("EOSSTT", method="From the last DS record with DSCAT = 'DISPOSITION EVENT': COMPLETED when DSDECOD is "
          "COMPLETED; null for SCREEN FAILURE; DISCONTINUED for any other term; ONGOING when none."),
        V("EOSDT", method="DS.DSSTDTC of that disposition event as a SAS date (null when ONGOING)."),
        V("DCSREAS", method="DS.DSDECOD of that disposition event when EOSSTT = DISCONTINUED."),
    ),
    needs=(),
    lineage=("DM", None),
    settings={
        "adsl_subjects": OneOf(choices=("all", "assigned"), default="all"),
        "age_groups": Struct(fragment={"type": "array"}, doc="[{label, min, max}, ...], inclusive bounds"),
        "treatment_numbers": Struct(fragment={"type": "object", "additionalProperties": {"type": "number"}}),
        "planned_infusions": Int(default=5),
        "completed_terms": ListOf(item=Str(), default=["COMPLETED"]),
        "eos_excluded_terms": ListOf(item=Str(), default=["SCREEN FAILURE"]),
    },
    build=build_adsl,
))
