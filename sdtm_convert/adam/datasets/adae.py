"""ADAE (OCCDS): analysis dates with imputation, relative days, treatment emergence, first occurrences."""

from __future__ import annotations

from sdtm_convert.adam.adae import ae_absent, build_adae
from sdtm_convert.adam.derive._frame import as_text
from sdtm_convert.adam.registry import AdamDataset, AdamInputs, Built, V, register
from sdtm_convert.errors import Issue
from sdtm_convert.spec.params import Struct


def build(inputs: AdamInputs) -> Built:
    issues: list[Issue] = []
    frame = build_adae(inputs.sdtm, inputs.adam["ADSL"], inputs.settings, issues, ADAE.columns(()))
    return as_text(frame), issues


def _ae(name: str) -> V:
    return V(name, source=f"AE.{name}")


def _adsl(name: str, var: str | None = None) -> V:
    return V(name, source=f"ADSL.{var or name}")


def _dy(name: str) -> str:
    return f"{name}T - TRTSDT + 1 if {name}T >= TRTSDT, else {name}T - TRTSDT."


ADAE = register(AdamDataset(
    name="ADAE",
    label="Adverse Events Analysis Dataset",
    cls="OCCURRENCE DATA STRUCTURE",
    structure="One record per subject per adverse event",
    keys=("STUDYID", "USUBJID", "AESEQ"),
    variables=(
        _ae("STUDYID"), _ae("USUBJID"),
        _adsl("SUBJID"), _adsl("SITEID"), _adsl("AGE"), _adsl("SEX"), _adsl("RACE"), _adsl("SAFFL"),
        _adsl("TRTA", "TRT01A"), _adsl("TRTAN", "TRT01AN"), _adsl("TRTSDT"), _adsl("TRTEDT"),
        _ae("AESEQ"), _ae("AETERM"), _ae("AEDECOD"), _ae("AEBODSYS"), _ae("AESOC"), _ae("AESER"), _ae("AESEV"),
        _ae("AEREL"), _ae("AEOUT"), _ae("AEACN"), _ae("AESTDTC"), _ae("AEENDTC"),
        V("ASTDT", imputation=True,
          method="AESTDTC as a SAS date; partial dates imputed to the first day (of month/year); raised to "
          "TRTSDT when that lies in the possible range and is later; capped at AENDT when earlier."),
        V("ASTDTF", imputation=True, method="Imputation flag of ASTDT: D (day), M (month and day)."),
        V("ASTDY", method=_dy("ASTD")),
        V("AENDT", imputation=True,
          method="AEENDTC as a SAS date; partial dates imputed to the last day (of month/year), capped at EOSDT."),
        V("AENDTF", imputation=True, method="Imputation flag of AENDT: D (day), M (month and day)."),
        V("AENDY", method=_dy("AEND")),
        V("ADURN", label="Analysis Duration (N)", method="AENDT - ASTDT + 1."),
        V("ADURU", label="Analysis Duration Units", method="'DAYS' when ADURN is present."),
        V("TRTEMFL", label="Treatment Emergent Analysis Flag",
          method="'Y' when TRTSDT <= ASTDT{trtemfl_upper}, or ASTDT missing "
          "and AENDT missing or >= TRTSDT; null when TRTSDT is missing."),
        V("AOCCFL", label="1st Occurrence within Subject Flag",
          method="'Y' on the first TEAE of the subject (ASTDT, then AESEQ)."),
        V("AOCCSFL", label="1st Occurrence of SOC Flag",
          method="'Y' on the first TEAE of the subject within AEBODSYS (ASTDT, then AESEQ)."),
        V("AOCCPFL", label="1st Occurrence of Preferred Term Flag",
          method="'Y' on the first TEAE of the subject within AEBODSYS and AEDECOD (ASTDT, then AESEQ)."),
    ),
    needs=("ADSL",),
    lineage=("AE", "AESEQ"),
    settings={"trtemfl_window_days": Struct(fragment={"type": ["integer", "null"]}, default=28)},
    absent=ae_absent,
    build=build,
    core={"AESEQ": "Req", "AETERM": "Req", "AEDECOD": "Req"},
))
