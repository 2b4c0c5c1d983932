"""ADPASI (BDS): PASI total and region scores per assessment, improvement rate, PASIxx responders."""

from __future__ import annotations

from sdtm_convert.adam.adpasi import build_adpasi, complete_adpasi, pasi_absent
from sdtm_convert.adam.config import WINDOWS_SCHEMA
from sdtm_convert.adam.derive._frame import as_text
from sdtm_convert.adam.registry import AdamDataset, AdamInputs, Built, V, register
from sdtm_convert.errors import Issue
from sdtm_convert.spec.params import Bool, Int, ListOf, Number, Str, Struct


def build(inputs: AdamInputs) -> Built:
    """Records up to BASE/CHG/PCHG, then population flags, PASIIMP, responders, NRI records, ASEQ, order."""
    issues: list[Issue] = []
    adsl = inputs.adam["ADSL"]
    pasi = as_text(build_adpasi(inputs.sdtm, inputs.study, adsl, inputs.settings, issues))
    out = as_text(complete_adpasi(pasi, adsl, inputs.settings, ADPASI.columns(())))
    return out, issues


def _adsl(name: str, var: str | None = None) -> V:
    return V(name, source=f"ADSL.{var or name}")


ADPASI = register(AdamDataset(
    name="ADPASI",
    label="PASI Analysis Dataset",
    cls="BASIC DATA STRUCTURE",
    structure="One record per subject per parameter per analysis visit per assessment",
    keys=("STUDYID", "USUBJID", "PARAMCD", "AVISITN", "ADT"),
    variables=(
        _adsl("STUDYID"), _adsl("USUBJID"), _adsl("SUBJID"), _adsl("SITEID"),
        V("ASEQ", method="Sequence within USUBJID by PARAMN, AVISITN, ADT, SRCSEQ, DTYPE."),
        _adsl("TRTP", "TRT01P"), _adsl("TRTA", "TRT01A"),
        _adsl("ITTFL"), _adsl("SAFFL"), _adsl("FASFL"), _adsl("PPROTFL"),
        V("PARAMCD", method="PASI for PASInn29 (total), PASIHN/PASIUL/PASITR/PASILL for items 19/22/25/28; "
          "PASIIMP and PASIxx computed from PASI."),
        V("PARAM", method="Assigned from PARAMCD."),
        V("PARAMN", method="Assigned from PARAMCD (display order)."),
        V("PARCAT1", method="'PASI' for scores, 'PASI RESPONSE' for PASIxx."),
        V("AVAL", method="QS/RS --STRESN for PASI and region parameters; -PCHG of PASI for PASIIMP; 1/0 for "
          "PASIxx (exact integer test 100*(B10-P10) >= k*B10 in tenths); 0 on DTYPE = NRI records."),
        V("AVALC", method="'Y'/'N' for PASIxx (AVAL 1/0); null otherwise."),
        V("BASE", method="AVAL of the ABLFL = 'Y' record of the subject and parameter."),
        V("CHG", method="AVAL - BASE (computed in integer tenths), post-baseline records only."),
        V("PCHG", method="100 * (AVAL - BASE) / BASE in integer tenths, unrounded; null when BASE is 0 or "
          "missing."),
        V("ABLFL", method="'Y' on the last record with non-missing AVAL and ADT <= TRTSDT per USUBJID and "
          "PARAMCD (latest ADT, then highest SRCSEQ)."),
        V("ANL01FL", method="'Y' on the baseline record and on one record per USUBJID, PARAMCD, AVISITN in the "
          "analysis window: {anl01fl_rule}; on the NRI record when imputed."),
        V("ONTRTFL", method="'Y' when TRTSDT <= ADT <= TRTEDT{ontrt_window}."),
        V("DTYPE", method="'NRI' on non-responder imputation records (subjects with {nri_population} = 'Y' "
          "without a primary-visit response)."),
        V("ADT", method="Date part of --DTC as a SAS date (no imputation)."),
        V("ADY", method="ADT - TRTSDT + 1 if ADT >= TRTSDT, else ADT - TRTSDT."),
        V("VISITNUM", label="Visit Number", source="{dom}.VISITNUM"),
        V("VISIT", label="Visit Name", source="{dom}.VISIT"),
        V("AVISIT", method="'Baseline' for the ABLFL record; otherwise the analysis window containing ADY "
          "(planned day +/- {tolerance_days} days) for post-baseline records."),
        V("AVISITN", method="0 for Baseline; the week number of the window otherwise."),
        V("AWTARGET", method="Planned study day of the analysis window."),
        V("AWLO", method="Window start day."),
        V("AWHI", method="Window end day."),
        V("AWTDIFF", method="|ADY - AWTARGET|."),
        V("AWU", method="'DAYS' for windowed records."),
        _adsl("TRTSDT"), _adsl("TRTEDT"),
        V("SRCDOM", method="SDTM domain of the PASI record."),
        V("SRCVAR", method="SDTM variable of the value."),
        V("SRCSEQ", method="--SEQ of the SDTM record (of the PASI total for computed parameters)."),
    ),
    needs=("ADSL",),
    lineage=None,  # each record names its SDTM source in SRCDOM/SRCVAR/SRCSEQ
    settings={
        "windows": Struct(fragment=WINDOWS_SCHEMA, doc="analysis windows (default: one per study visit after day 1)"),
        "anl01fl_rule": Str(default="closest_to_target_then_latest", doc="a name of adam.derive.ANL01FL_RULES"),
        "responder_thresholds": ListOf(item=Int(), default=[50, 75, 90, 100]),
        "nri": Bool(default=True),
        "nri_population": Str(default="FASFL"),
        "primary_avisitn": Number(),
        "trtemfl_window_days": Struct(fragment={"type": ["integer", "null"]}, default=28),
    },
    absent=pasi_absent,
    build=build,
))
