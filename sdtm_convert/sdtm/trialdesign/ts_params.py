"""What TS knows about its parameters: the codelist or reference terminology of each coded TSVAL, the
parameters whose TSVAL is a duration, a date or a whole number, and the ISO 21090 null flavours of TSVALNF."""

from __future__ import annotations

# TSPARMCD → C-code of the codelist its TSVAL comes from (values of these parameters get TSVALCD from CT)
TS_PARAM_CODELISTS: dict[str, str] = {
    "TPHASE": "C66737",  # Trial Phase Response
    "STYPE": "C99077",  # Study Type Response
    "INTMODEL": "C99076",  # Intervention Model Response
    "INTTYPE": "C99078",  # Intervention Type Response
    "TBLIND": "C66735",  # Trial Blinding Schema Response
    "TCNTRL": "C66785",  # Control Type Response
    "SEXPOP": "C66732",  # Sex of Participants Response
    "TINDTP": "C66736",  # Trial Intent Type Response
    "TTYPE": "C66739",  # Trial Type Response
    "ROUTE": "C66729",  # Route of Administration Response
    "DOSFRQ": "C71113",  # Frequency
    "DOSU": "C71620",  # Unit
    "ADDON": "C66742",  # No Yes Response
    "RANDOM": "C66742",
    "HLTSUBJI": "C66742",
    "ADAPT": "C66742",
    "PDSTIND": "C66742",
    "PIPIND": "C66742",
    "RDIND": "C66742",
    "EXTTIND": "C66742",
    "ONGOSIND": "C66742",
}
TS_DURATION_PARAMS = frozenset({"AGEMIN", "AGEMAX", "LENGTH", "PTRTDUR", "CRMDUR"})  # ISO 8601 durations
TS_DATE_PARAMS = frozenset({"SSTDTC", "SENDTC", "DCUTDTC"})  # ISO 8601 dates
TS_INTEGER_PARAMS = frozenset({"NARMS", "PLANSUB", "ACTSUB", "NCOHORT"})
# parameters whose value is itself a code of an external reference terminology (DICTNAM terms)
TS_EXTERNAL_CODES: dict[str, tuple[str, str]] = {
    "FCNTRY": ("ISO 3166", r"[A-Z]{3}"),  # ISO 3166-1 alpha-3
    "REGID": ("ClinicalTrials.gov", r"NCT[0-9]{8}"),
}
# ISO 21090 null flavours allowed in TSVALNF
NULL_FLAVOURS: dict[str, str] = {
    "NI": "no information",
    "INV": "invalid",
    "DER": "derived",
    "OTH": "other",
    "PINF": "positive infinity",
    "NINF": "negative infinity",
    "UNC": "unencoded",
    "MSK": "masked",
    "NA": "not applicable",
    "UNK": "unknown",
    "ASKU": "asked but unknown",
    "NAV": "temporarily unavailable",
    "NASK": "not asked",
    "QS": "sufficient quantity",
    "TRC": "trace",
    "NP": "not present",
}
TSPARMCD_CODELIST = "C66738"
TSPARM_CODELIST = "C67152"
