"""The datasets we publish a JSON Schema for, and their per-dataset tweaks: data, not code branches.

SDTM variables come from the SDTMIG 3.4 metadata; ADaM variables are the ones each ADaM dataset's
descriptor declares (``adam/datasets/<adxx>.py``), resolved against :data:`EXTRA_VARIABLES` (variables
that are in neither standard, e.g. the OCCDS variables of ADAE), ADaMIG 1.3 (templated names such as
``TRTxxP`` instantiate to ``TRT01P``), or the standard of the dataset they are copied from (ADSL, an
SDTMIG domain).
"""

from __future__ import annotations

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
CT_VERSION = "2025-03-25"

# Natural keys (SDTMIG 3.4 examples / usual define.xml key sequences).
SDTM_DATASETS: dict[str, dict] = {
    "DM": {"keys": ["STUDYID", "USUBJID"]},
    "EX": {"keys": ["STUDYID", "USUBJID", "EXTRT", "EXSTDTC"]},
    "AE": {"keys": ["STUDYID", "USUBJID", "AEDECOD", "AESTDTC"]},
    "DS": {"keys": ["STUDYID", "USUBJID", "DSDECOD", "DSSTDTC"]},
    "SV": {"keys": ["STUDYID", "USUBJID", "VISITNUM"]},
    "VS": {"keys": ["STUDYID", "USUBJID", "VSTESTCD", "VISITNUM", "VSTPTNUM"]},
    "QS": {"keys": ["STUDYID", "USUBJID", "QSCAT", "QSTESTCD", "VISITNUM"]},
    "RS": {"keys": ["STUDYID", "USUBJID", "RSCAT", "RSTESTCD", "VISITNUM"]},
    "SE": {"keys": ["STUDYID", "USUBJID", "ETCD", "SESTDTC"]},
    "IE": {"keys": ["STUDYID", "USUBJID", "IETESTCD"]},
    "TA": {"keys": ["STUDYID", "ARMCD", "TAETORD"]},
    "TE": {"keys": ["STUDYID", "ETCD"]},
    "TV": {"keys": ["STUDYID", "VISITNUM", "ARMCD"]},
    "TI": {"keys": ["STUDYID", "IETESTCD"]},
    "TS": {"keys": ["STUDYID", "TSPARMCD", "TSSEQ"]},
    "SUPPQUAL": {"keys": ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM"]},
}

# Define-XML 2.1 class names for the SDTMIG classes in the metadata.
SDTM_CLASSES = {
    "Events": "EVENTS",
    "Findings": "FINDINGS",
    "Interventions": "INTERVENTIONS",
    "Special-Purpose": "SPECIAL PURPOSE",
    "Trial Design": "TRIAL DESIGN",
    "Relationship": "RELATIONSHIP",
    "Findings About": "FINDINGS ABOUT",
}

# ISO 21090 NullFlavor (TS.TSVALNF): a closed value set, not in the CDISC CT release.
NULL_FLAVORS = [
    "NI",
    "INV",
    "DER",
    "OTH",
    "PINF",
    "NINF",
    "UNC",
    "MSK",
    "NA",
    "UNK",
    "ASKU",
    "NAV",
    "NASK",
    "QS",
    "TRC",
    "NP",
]

# Value domain (metadata "Described Value Domain(s)") -> pattern kind in patterns.PATTERNS.
VALUE_DOMAIN_PATTERNS = {
    "ISO 8601 datetime or interval": "datetime",
    "ISO 8601 duration": "duration",
    "ISO 8601 duration or interval": "duration-or-interval",
}
# Name suffix -> pattern kind; wins over the value domain (elapsed times may be negative).
SUFFIX_PATTERNS = {"DTC": "datetime", "ELTM": "signed-duration", "EVLINT": "duration-or-interval"}

# Subsets of the NY codelist (C66742: N, NA, U, Y) that the SDTMIG 3.4 CDISC Notes prescribe:
# (variable-name regex, allowed values, where the rule comes from).
NY_SUBSETS: list[tuple[str, list[str], str]] = [
    (r"[A-Z]{2}(?:LOBXFL|BLFL|DRVFL|PRESP)|DTHFL", ["Y"], 'SDTMIG 3.4 notes: "Y" or null'),
    (r"AES(?:ER|CAN|CONG|DISAB|DTH|HOSP|LIFE|OD|MIE)|AECONTRT", ["N", "Y"], 'SDTMIG 3.4 notes: "Y" or "N"'),
]
NY_CODELIST = "C66742"

# Per-variable overrides, keyed by (dataset, variable); applied last.
VARIABLE_TWEAKS: dict[tuple[str, str], dict] = {
    ("TS", "TSVALNF"): {"value_list": NULL_FLAVORS, "value_list_source": "ISO 21090 NullFlavor"},
    # ADSL holds every DM subject; SDTMIG 3.4 leaves DM.ARM null for screen failures (reason in ARMNRS), so
    # ARM and TRT01P copied from it are null there. ADaMIG "Req" = the variable must be present.
    ("ADSL", "ARM"): {"allow_empty": True},
    ("ADSL", "TRT01P"): {"allow_empty": True},
}

# Variables in neither ADaMIG 1.3 nor SDTMIG (ADaM OCCDS v1.0 labels, domain reference §5).
EXTRA_VARIABLES: dict[str, dict] = {
    "TRTEMFL": {"label": "Treatment Emergent Analysis Flag", "type": "Char", "value_list": ["Y"]},
    "LDDTHELD": {"label": "Elapsed Days from Last Dose to Death", "type": "Num"},  # admiral's ADSL template
    "ASTDT": {"label": "Analysis Start Date", "type": "Num"},
    "ASTDTF": {"label": "Analysis Start Date Imputation Flag", "type": "Char", "codelists": ["C81223"]},
    "AENDT": {"label": "Analysis End Date", "type": "Num"},
    "AENDTF": {"label": "Analysis End Date Imputation Flag", "type": "Char", "codelists": ["C81223"]},
    "ASTDY": {"label": "Analysis Start Relative Day", "type": "Num"},
    "AENDY": {"label": "Analysis End Relative Day", "type": "Num"},
    "ADURN": {"label": "Analysis Duration (N)", "type": "Num"},
    "ADURU": {"label": "Analysis Duration Units", "type": "Char"},
    "AOCCFL": {"label": "1st Occurrence within Subject Flag", "type": "Char", "value_list": ["Y"]},
    "AOCCSFL": {"label": "1st Occurrence of SOC Flag", "type": "Char", "value_list": ["Y"]},
    "AOCCPFL": {"label": "1st Occurrence of Preferred Term Flag", "type": "Char", "value_list": ["Y"]},
}
