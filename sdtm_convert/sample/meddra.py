"""AE event catalogue: verbatim spellings as investigators type them, and the MedDRA coding.

The hierarchy (LLT, PT, HLT, HLGT, primary SOC, with codes) follows MedDRA for these common terms;
this is synthetic sample data, so check codes against a licensed MedDRA release before relying on them.
"""

from __future__ import annotations

import numpy as np

MEDDRA_VERSION = "25.1"

# event key -> (weight, (PT, code), (HLT, code), (HLGT, code), (SOC, code), verbatims as (text, LLT, LLT code))
_SOC_GEN = ("General disorders and administration site conditions", "10018065")
_SOC_NERV = ("Nervous system disorders", "10029205")
_SOC_INF = ("Infections and infestations", "10021881")
_SOC_SKIN = ("Skin and subcutaneous tissue disorders", "10040785")
_URTI_HLT = ("Upper respiratory tract infections", "10046309")
_PATHOGEN = ("Infections - pathogen unspecified", "10021879")
_DERMAL = ("Epidermal and dermal conditions", "10014982")

EVENTS: dict[str, tuple] = {
    "headache": (
        18,
        ("Headache", "10019211"),
        ("Headaches NEC", "10019233"),
        ("Headaches", "10019231"),
        _SOC_NERV,
        (
            ("Headache", "Headache", "10019211"),
            ("HEADACHE", "Headache", "10019211"),
            ("head ache after infusion", "Headache", "10019211"),
        ),
    ),
    "pyrexia": (
        16,
        ("Pyrexia", "10037660"),
        ("Febrile disorders", "10016286"),
        ("Body temperature conditions", "10005908"),
        _SOC_GEN,
        (("Fever", "Fever", "10016558"), ("fever", "Fever", "10016558"), ("Pyrexia", "Pyrexia", "10037660")),
    ),
    "fatigue": (
        14,
        ("Fatigue", "10016256"),
        ("Asthenic conditions", "10003550"),
        ("General system disorders NEC", "10018073"),
        _SOC_GEN,
        (
            ("Fatigue", "Fatigue", "10016256"),
            ("Tiredness", "Tiredness", "10043890"),
            ("feeling tired", "Tiredness", "10043890"),
        ),
    ),
    "irr": (
        10,
        ("Infusion related reaction", "10051792"),
        ("Non-site specific procedural complications", "10069889"),
        ("Procedural related injuries and complications NEC", "10069888"),
        ("Injury, poisoning and procedural complications", "10022117"),
        (
            ("Infusion related reaction", "Infusion related reaction", "10051792"),
            ("Infusion reaction", "Infusion related reaction", "10051792"),
        ),
    ),
    "nasopharyngitis": (
        12,
        ("Nasopharyngitis", "10028810"),
        _URTI_HLT,
        _PATHOGEN,
        _SOC_INF,
        (("Nasopharyngitis", "Nasopharyngitis", "10028810"), ("Common cold", "Nasopharyngitis", "10028810")),
    ),
    "pruritus": (
        9,
        ("Pruritus", "10037087"),
        ("Pruritus NEC", "10049293"),
        _DERMAL,
        _SOC_SKIN,
        (("Pruritus", "Pruritus", "10037087"), ("Itching", "Pruritus", "10037087")),
    ),
    "dizziness": (
        7,
        ("Dizziness", "10013573"),
        ("Neurological signs and symptoms NEC", "10029306"),
        ("Neurological disorders NEC", "10029305"),
        _SOC_NERV,
        (("Dizziness", "Dizziness", "10013573"), ("dizzy", "Dizziness", "10013573")),
    ),
    "nausea": (
        6,
        ("Nausea", "10028813"),
        ("Nausea and vomiting symptoms", "10028817"),
        ("Gastrointestinal signs and symptoms", "10018012"),
        ("Gastrointestinal disorders", "10017947"),
        (("Nausea", "Nausea", "10028813"), ("nauseous after infusion", "Nausea", "10028813")),
    ),
    "urti": (
        5,
        ("Upper respiratory tract infection", "10046306"),
        _URTI_HLT,
        _PATHOGEN,
        _SOC_INF,
        (
            ("Upper respiratory tract infection", "Upper respiratory tract infection", "10046306"),
            ("URTI", "Upper respiratory tract infection", "10046306"),
        ),
    ),
    "psoriasis": (
        3,
        ("Psoriasis", "10037153"),
        ("Psoriatic conditions", "10037160"),
        _DERMAL,
        _SOC_SKIN,
        (("Psoriasis flare", "Psoriasis", "10037153"), ("Worsening of psoriasis", "Psoriasis", "10037153")),
    ),
}
KEYS = tuple(EVENTS)
WEIGHTS = np.array([EVENTS[k][0] for k in KEYS], dtype=float) / sum(EVENTS[k][0] for k in KEYS)
N_VARIANTS = np.array([len(EVENTS[k][5]) for k in KEYS])
VARIANT_OFFSET = np.concatenate([[0], np.cumsum(N_VARIANTS)[:-1]])
VERBATIMS = np.array([v[0] for k in KEYS for v in EVENTS[k][5]], dtype=object)
VARIANT_LLT = np.array([v[1] for k in KEYS for v in EVENTS[k][5]], dtype=object)
VARIANT_LLT_CODE = np.array([v[2] for k in KEYS for v in EVENTS[k][5]], dtype=object)


def event_index(key: str) -> int:
    return KEYS.index(key)


def hierarchy_columns(event: np.ndarray) -> dict[str, np.ndarray]:
    """PT..SOC names and codes for an array of event indices."""
    out = {}
    for level, pos in (("PT", 1), ("HLT", 2), ("HLGT", 3), ("SOC", 4)):
        names = np.array([EVENTS[k][pos][0] for k in KEYS], dtype=object)
        codes = np.array([EVENTS[k][pos][1] for k in KEYS], dtype=object)
        out[level] = names[event]
        out[level + "_CODE"] = codes[event]
    return out
