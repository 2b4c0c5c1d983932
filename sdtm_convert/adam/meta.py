"""DatasetMeta for ADSL, ADPASI and ADAE: ADaMIG labels, types, lengths from the data, origins, methods,
value-level metadata per PARAMCD (ADPASI AVAL/AVALC)."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from sdtm_convert.adam.adpasi import PASI_ITEMS, PASIIMP, responder_param
from sdtm_convert.adam.adsl import DM_VARS
from sdtm_convert.adam.config import AdamSettings
from sdtm_convert.metadata import (
    DERIVED,
    PREDECESSOR,
    DatasetMeta,
    Method,
    ValueLevel,
    VariableMeta,
    WhereClause,
    max_utf8_bytes,
)
from sdtm_convert.schema.datasets import ADAM_DATASETS
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards import adamig_variables, sdtmig_domain_variables

EXTRA_LABELS = {
    "TRTEMFL": "Treatment Emergent Analysis Flag",
    "AOCCFL": "1st Occurrence within Subject Flag",
    "AOCCSFL": "1st Occurrence of SOC Flag",
    "AOCCPFL": "1st Occurrence of Preferred Term Flag",
    "ADURN": "Analysis Duration (N)",
    "ADURU": "Analysis Duration Units",
    "VISITNUM": "Visit Number",
    "VISIT": "Visit Name",
    "AGEGR1N": "Pooled Age Group 1 (N)",
}
DATE9 = "DATE9."

# variable → (method description) for derived variables; copied variables get "Predecessor"
METHODS: dict[str, dict[str, str]] = {
    "ADSL": {
        "AGEGR1": "AGE grouped by adam.age_groups (inclusive bounds), default 18-40, 41-65.",
        "AGEGR1N": "Order number of AGEGR1 in adam.age_groups.",
        "TRT01P": "DM.ARM (screen failures keep 'Screen Failure', as in admiral).",
        "TRT01PN": "Number of TRT01P (adam.treatment_numbers, default arm order in the study config); "
        "null for arms that are not treatments.",
        "TRT01A": "DM.ACTARM.",
        "TRT01AN": "Number of TRT01A (adam.treatment_numbers).",
        "RFICDT": "DM.RFICDTC converted to a SAS date (complete dates only).",
        "TRTSDT": "Date part of the earliest EX.EXSTDTC of a valid dose (EXDOSE > 0), complete dates only.",
        "TRTEDT": "Date part of the latest EX.EXENDTC (EXSTDTC when EXENDTC is empty) of a valid dose.",
        "TRTDURD": "TRTEDT - TRTSDT + 1.",
        "TRTSDTM": "EX.EXSTDTC of the first valid dose as a SAS datetime; missing time parts imputed as 00.",
        "TRTSTMF": "Time imputation flag of TRTSDTM: H (hour), M (minute), S (second).",
        "TRTEDTM": "EX.EXENDTC of the last valid dose as a SAS datetime; missing time parts imputed as 23:59:59.",
        "TRTETMF": "Time imputation flag of TRTEDTM: H (hour), M (minute), S (second).",
        "EOSSTT": "From the last DS record with DSCAT = 'DISPOSITION EVENT': COMPLETED when DSDECOD is "
        "COMPLETED; null for SCREEN FAILURE; DISCONTINUED for any other term; ONGOING when none.",
        "EOSDT": "DS.DSSTDTC of that disposition event as a SAS date (null when ONGOING).",
        "DCSREAS": "DS.DSDECOD of that disposition event when EOSSTT = DISCONTINUED.",
    },
    "ADPASI": {
        "PARAMCD": "PASI for PASInn29 (total), PASIHN/PASIUL/PASITR/PASILL for items 19/22/25/28; PASIIMP and "
        "PASIxx computed from PASI.",
        "AVAL": "QS/RS --STRESN for PASI and region parameters; -PCHG of PASI for PASIIMP; 1/0 for PASIxx "
        "(exact integer test 100*(B10-P10) >= k*B10 in tenths); 0 on DTYPE = NRI records.",
        "PARAM": "Assigned from PARAMCD.",
        "PARAMN": "Assigned from PARAMCD (display order).",
        "PARCAT1": "'PASI' for scores, 'PASI RESPONSE' for PASIxx.",
        "AVALC": "'Y'/'N' for PASIxx (AVAL 1/0); null otherwise.",
        "ADT": "Date part of --DTC as a SAS date (no imputation).",
        "ADY": "ADT - TRTSDT + 1 if ADT >= TRTSDT, else ADT - TRTSDT.",
        "ABLFL": "'Y' on the last record with non-missing AVAL and ADT <= TRTSDT per USUBJID and PARAMCD "
        "(latest ADT, then highest SRCSEQ).",
        "BASE": "AVAL of the ABLFL = 'Y' record of the subject and parameter.",
        "CHG": "AVAL - BASE (computed in integer tenths), post-baseline records only.",
        "PCHG": "100 * (AVAL - BASE) / BASE in integer tenths, unrounded; null when BASE is 0 or missing.",
        "AVISIT": "'Baseline' for the ABLFL record; otherwise the analysis window containing ADY "
        "(planned day +/- adam.windows.tolerance_days, default 3) for post-baseline records.",
        "AVISITN": "0 for Baseline; the week number of the window otherwise.",
        "ANL01FL": "'Y' on the baseline record and on one record per USUBJID, PARAMCD, AVISITN chosen by "
        "adam.anl01fl_rule (default closest_to_target_then_latest); on the NRI record when imputed.",
        "ONTRTFL": "'Y' when TRTSDT <= ADT <= TRTEDT + adam.trtemfl_window_days.",
        "DTYPE": "'NRI' on non-responder imputation records (missing primary-visit response in the "
        "adam.nri_population).",
        "AWTARGET": "Planned study day of the analysis window.",
        "AWLO": "Window start day.",
        "AWHI": "Window end day.",
        "AWTDIFF": "|ADY - AWTARGET|.",
        "AWU": "'DAYS' for windowed records.",
        "ASEQ": "Sequence within USUBJID by PARAMN, AVISITN, ADT, SRCSEQ, DTYPE.",
        "SRCDOM": "SDTM domain of the PASI record.",
        "SRCVAR": "SDTM variable of the value.",
        "SRCSEQ": "--SEQ of the SDTM record (of the PASI total for computed parameters).",
    },
    "ADAE": {
        "ASTDT": "AESTDTC as a SAS date; partial dates imputed to the first day (of month/year); raised to "
        "TRTSDT when that lies in the possible range and is later; capped at AENDT when earlier.",
        "ASTDTF": "Imputation flag of ASTDT: D (day), M (month and day).",
        "AENDT": "AEENDTC as a SAS date; partial dates imputed to the last day (of month/year), capped at EOSDT.",
        "AENDTF": "Imputation flag of AENDT: D (day), M (month and day).",
        "ASTDY": "ASTDT - TRTSDT + 1 if ASTDT >= TRTSDT, else ASTDT - TRTSDT.",
        "AENDY": "AENDT - TRTSDT + 1 if AENDT >= TRTSDT, else AENDT - TRTSDT.",
        "ADURN": "AENDT - ASTDT + 1.",
        "ADURU": "'DAYS' when ADURN is present.",
        "TRTEMFL": "'Y' when TRTSDT <= ASTDT <= TRTEDT + adam.trtemfl_window_days (default 28), or ASTDT missing "
        "and AENDT missing or >= TRTSDT; null when TRTSDT is missing.",
        "AOCCFL": "'Y' on the first TEAE of the subject (ASTDT, then AESEQ).",
        "AOCCSFL": "'Y' on the first TEAE of the subject within AEBODSYS (ASTDT, then AESEQ).",
        "AOCCPFL": "'Y' on the first TEAE of the subject within AEBODSYS and AEDECOD (ASTDT, then AESEQ).",
    },
}
SOURCES = {
    "ADSL": {
        **{
            v: f"DM.{v}"
            for v in DM_VARS
            if not v.startswith("RFX")
        }
    },
    "ADPASI": {
        "STUDYID": "ADSL.STUDYID",
        "USUBJID": "ADSL.USUBJID",
        "SUBJID": "ADSL.SUBJID",
        "SITEID": "ADSL.SITEID",
        "TRTP": "ADSL.TRT01P",
        "TRTA": "ADSL.TRT01A",
        "TRTSDT": "ADSL.TRTSDT",
        "TRTEDT": "ADSL.TRTEDT",
        "ITTFL": "ADSL.ITTFL",
        "SAFFL": "ADSL.SAFFL",
        "FASFL": "ADSL.FASFL",
        "PPROTFL": "ADSL.PPROTFL",
        "VISITNUM": "{dom}.VISITNUM",
        "VISIT": "{dom}.VISIT",
    },
    "ADAE": {
        "SUBJID": "ADSL.SUBJID",
        "SITEID": "ADSL.SITEID",
        "AGE": "ADSL.AGE",
        "SEX": "ADSL.SEX",
        "RACE": "ADSL.RACE",
        "SAFFL": "ADSL.SAFFL",
        "TRTA": "ADSL.TRT01A",
        "TRTAN": "ADSL.TRT01AN",
        "TRTSDT": "ADSL.TRTSDT",
        "TRTEDT": "ADSL.TRTEDT",
    },
}


def _instantiate(pattern: str) -> str:
    """ADaMIG generic name → regex (xx → 2 digits, y/w → digit, zz → 2 digits)."""
    rx = pattern.replace("xx", r"\d\d").replace("zz", r"\d\d").replace("y", r"\d").replace("w", r"\d")
    return "^" + rx + "$"


@cache
def _adamig_table(structure: str) -> tuple[dict[str, tuple[str, str]], tuple[tuple[re.Pattern[str], str, str], ...]]:
    """Exact names → (label, core), and generic names (TRTxxP, AGEGRy...) as regexes."""
    table = adamig_variables()
    table = table[table["structure"] == structure]
    exact = {n: (str(lab), str(core)) for n, lab, core in zip(table["name"], table["label"], table["core"])}
    generic = tuple(
        (re.compile(_instantiate(n)), str(lab), str(core))
        for n, lab, core in zip(table["name"], table["label"], table["core"])
        if n != n.upper()
    )
    return exact, generic


def _adamig_label(name: str, structure: str) -> tuple[str, str] | None:
    exact, generic = _adamig_table(structure)
    if name in exact:
        return exact[name]
    for rx, label, core in generic:
        if rx.match(name):
            digits = re.findall(r"\d+", name)
            first, last = (digits[0], digits[-1]) if digits else ("01", "1")
            label = label.replace("xx", first).replace("zz", first)
            return re.sub(r"\by\b", last, label), core
    return None


@cache
def _sdtm_labels(domain: str) -> dict[str, str]:
    table = sdtmig_domain_variables(domain)
    return dict(zip(table["name"], table["label"].astype(str)))


def _sdtm_label(name: str, domain: str) -> str | None:
    return _sdtm_labels(domain).get(name)


def _label(ds: str, name: str, structure: str | None = None) -> tuple[str, str]:
    """ADaMIG label/core of the dataset's structure (OCCDS: BDS timing variables; ``structure`` for a dataset
    this tool does not build), then sponsor/OCCDS labels, then ADSL labels for variables copied from ADSL
    (core Perm), then SDTMIG DM/AE labels."""
    found = _adamig_label(name, structure or ADAM_DATASETS[ds]["adamig_structure"])
    if found:
        return found
    if name in EXTRA_LABELS:
        return EXTRA_LABELS[name], "Perm"
    if ds != "ADSL":
        found = _adamig_label(name, "Subject-Level Analysis Dataset")
        if found:
            return found[0], "Perm"
    for dom in ("DM", "AE"):
        lab = _sdtm_label(name, dom)
        if lab:
            return lab, "Perm"
    return name, "Perm"


def significant_digits(values: pd.Series) -> int:
    """Decimals actually used by a float column (1..16; 1 when all values are whole numbers)."""
    v = values.dropna().to_numpy(dtype="float64")
    for digits in range(1, 16):
        if np.allclose(np.round(v, digits), v, rtol=0, atol=10.0 ** -(digits + 6)):
            return digits
    return 16


# variables whose define.xml entry names a CT codelist: DTYPE carries a sponsor term (NRI, non-responder
# imputation, which ADaM CT's extensible DTYPE lacks), so define.xml must declare it as an extended value
CODELISTS = {"DTYPE": "DTYPE"}


def _variable(ds: str, name: str, col: pd.Series, pasi_domain: str, structure: str | None = None) -> VariableMeta:
    label, core = _label(ds, name, structure)
    numeric = pd.api.types.is_numeric_dtype(col)
    is_date = numeric and name.endswith("DT")
    is_dtm = numeric and name.endswith("DTM")
    if numeric:
        vals = col.dropna()
        integer = bool(len(vals) == 0 or (vals == vals.round()).all()) and name not in ("AVAL", "BASE", "CHG", "PCHG")
        # numeric SAS dates/datetimes: Define-XML DataType integer + DisplayFormat (date/datetime = ISO text)
        data_type = "integer" if (is_date or is_dtm or integer) else "float"
        digits = significant_digits(col) if data_type == "float" else None
        length = 8
    else:
        data_type, digits = "text", None
        length = max(1, max_utf8_bytes(col.astype(str)))
    source = SOURCES.get(ds, {}).get(name)
    method = METHODS.get(ds, {}).get(name)
    if source is None and ds == "ADAE" and name.startswith("AE") and name not in METHODS["ADAE"]:
        source = f"AE.{name}"
    if source is None and ds == "ADAE" and name in ("STUDYID", "USUBJID"):
        source = f"AE.{name}"
    if source:
        source = source.format(dom=pasi_domain)
    origin = PREDECESSOR if source and not method else DERIVED
    return VariableMeta(
        name=name,
        label=label[:40],
        type="Num" if numeric else "Char",
        length=length,
        data_type=data_type,
        core=core,
        origin_type=origin,
        origin_source=None if origin == PREDECESSOR else "Sponsor",
        codelist=CODELISTS.get(name),
        method_id=f"MT.{ds}.{name}" if method else None,
        display_format=DATE9 if is_date else "DATETIME20." if is_dtm else None,
        significant_digits=digits,
        source=source or None,
        comment=None,
    )


def _value_level(adpasi: pd.DataFrame, settings: AdamSettings) -> list[ValueLevel]:
    out = []
    params = [(v[0], v[1]) for v in PASI_ITEMS.values()] + [PASIIMP[:2]]
    params += [responder_param(k)[:2] for k in settings.responder_thresholds]
    present = set(adpasi["PARAMCD"])
    for cd, name in params:
        if cd not in present:
            continue
        where = WhereClause(id=f"WC.ADPASI.PARAMCD.{cd}", conditions=[("ADPASI.PARAMCD", "EQ", [cd])])
        resp = cd.startswith("PASI") and cd[4:].isdigit()
        out.append(
            ValueLevel(
                "AVAL",
                where,
                f"{name}" if not resp else f"{name} (1 = Y, 0 = N)",
                "integer" if resp else "float",
                length=8,
                origin_type=DERIVED,
                method_id="MT.ADPASI.AVAL",
                significant_digits=None if resp else significant_digits(adpasi.loc[adpasi["PARAMCD"] == cd, "AVAL"]),
            )
        )
        if resp:
            out.append(
                ValueLevel(
                    "AVALC",
                    where,
                    f"{name} (Y/N)",
                    "text",
                    length=1,
                    codelist="NY",
                    origin_type=DERIVED,
                    method_id="MT.ADPASI.AVALC",
                )
            )
    return out


def dataset_metadata(ds: str, frame: pd.DataFrame, study: StudyConfig, settings: AdamSettings) -> DatasetMeta:
    cols = [c for c in frame.columns if not c.startswith("__")]
    variables = [_variable(ds, c, frame[c], study.pasi.domain) for c in cols]
    methods = [
        Method(
            id=f"MT.{ds}.{v.name}",
            name=f"Algorithm for {ds}.{v.name}",
            type="Imputation" if v.name in ("ASTDT", "AENDT", "ASTDTF", "AENDTF") else "Computation",
            description=METHODS[ds][v.name],
        )
        for v in variables
        if v.method_id
    ]
    if ds == "ADSL":
        for p in settings.populations:
            if p.flag in cols:
                m = Method(
                    id=f"MT.ADSL.{p.flag}",
                    name=f"Population {p.flag}",
                    type="Computation",
                    description=f"'Y' if {p.label} (condition: {p.where}), else 'N'.",
                )
                methods.append(m)
                var = next(v for v in variables if v.name == p.flag)
                var.method_id, var.origin_type, var.origin_source = m.id, DERIVED, "Sponsor"
    return DatasetMeta(
        name=ds,
        label=ADAM_DATASETS[ds]["label"],  # one source with the JSON Schemas and `diff`'s natural keys
        class_=ADAM_DATASETS[ds]["class"],
        structure=ADAM_DATASETS[ds]["structure"],
        keys=list(ADAM_DATASETS[ds]["keys"]),
        variables=variables,
        standard="ADaMIG 1.3",
        methods=methods,
        value_level=_value_level(frame, settings) if ds == "ADPASI" else [],
        records=len(frame),
    )


def adam_metadata(
    datasets: dict[str, pd.DataFrame], study: StudyConfig, settings: AdamSettings
) -> dict[str, DatasetMeta]:
    return {name: dataset_metadata(name, frame, study, settings) for name, frame in datasets.items()}
