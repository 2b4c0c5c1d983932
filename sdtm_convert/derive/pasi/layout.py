"""PASI: the 29-item CDISC layout, in QS or RS, versions PASI02-05 (domain reference §2).

Items 1-16 are collected (E, I, D, A for head, upper limbs, trunk, lower limbs), items 17-28 are the
per-region sub-scores (S = E+I+D, S×A, S×A×w) and item 29 the total. TESTCD, TEST and the category come
from CT (PASInnTC/PASInnTN, CCCAT).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from sdtm_convert.errors import fatal
from sdtm_convert.spec.study import PASI_VERSIONS, StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology, load_ct

REGIONS = ("HEAD", "UPPER LIMBS", "TRUNK", "LOWER LIMBS")
COMPONENT_MAX = {"E": 4, "I": 4, "D": 4, "A": 6}

# The CDISC item layout (identical for PASI02-05; CT 2025-03-25 PASInnTC/PASInnTN).
# item, test-name suffix, region, component
_LAYOUT: tuple[tuple[int, str, str, str], ...] = (
    (1, "Head: Erythema/Redness", "HEAD", "E"),
    (2, "Head: Thickness/Induration", "HEAD", "I"),
    (3, "Head: Desquamation/Scaling", "HEAD", "D"),
    (4, "Head: Area Score", "HEAD", "A"),
    (5, "Up Extrem: Erythema/Redness", "UPPER LIMBS", "E"),
    (6, "Up Extrem: Thickness/Induration", "UPPER LIMBS", "I"),
    (7, "Up Extrem: Desquamation/Scaling", "UPPER LIMBS", "D"),
    (8, "Up Extrem: Area Score", "UPPER LIMBS", "A"),
    (9, "Trunk: Erythema/Redness", "TRUNK", "E"),
    (10, "Trunk: Thickness/Induration", "TRUNK", "I"),
    (11, "Trunk: Desquamation/Scaling", "TRUNK", "D"),
    (12, "Trunk: Area Score", "TRUNK", "A"),
    (13, "Low Extrem: Erythema/Redness", "LOWER LIMBS", "E"),
    (14, "Low Extrem: Thickness/Induration", "LOWER LIMBS", "I"),
    (15, "Low Extrem: Desquamation/Scaling", "LOWER LIMBS", "D"),
    (16, "Low Extrem: Area Score", "LOWER LIMBS", "A"),
    (17, "Head: Sum of Symptom Scores", "HEAD", "SUM"),
    (18, "Head: Sum X Area", "HEAD", "SUMXAREA"),
    (19, "Head: Sum X Area X 0.1", "HEAD", "WEIGHTED"),
    (20, "Up Extrem: Sum of Symptom Scores", "UPPER LIMBS", "SUM"),
    (21, "Up Extrem: Sum X Area", "UPPER LIMBS", "SUMXAREA"),
    (22, "Up Extrem: Sum X Area X 0.2", "UPPER LIMBS", "WEIGHTED"),
    (23, "Trunk: Sum of Symptom Scores", "TRUNK", "SUM"),
    (24, "Trunk: Sum X Area", "TRUNK", "SUMXAREA"),
    (25, "Trunk: Sum X Area X 0.3", "TRUNK", "WEIGHTED"),
    (26, "Low Extrem: Sum of Symptom Scores", "LOWER LIMBS", "SUM"),
    (27, "Low Extrem: Sum X Area", "LOWER LIMBS", "SUMXAREA"),
    (28, "Low Extrem: Sum X Area X 0.4", "LOWER LIMBS", "WEIGHTED"),
    (29, "Total Sum", "ALL", "TOTAL"),
)
COLLECTED_ITEMS = tuple(range(1, 17))
DERIVED_ITEMS = tuple(range(17, 30))
# derived items whose value is in tenths (weighted sub-scores and the total); the others are integers
TENTHS_ITEMS = frozenset({19, 22, 25, 28, 29})

# How the layout is named, in QS and RS alike: CDISC's Clinical Classification terms (CT files PASI as
# one): TESTCD PASInnXX (nn = version), TEST from the CT codelist PASInnTN, category the CCCAT term whose
# synonym is the version (PASI03 → PASI FREDRIKSSON). In QS that category is an extended QSCAT value
# (QSCAT does not list the clinical classifications), declared as such in define.xml.
LAYOUT = {"testcd": "{ver}{item:02d}", "test": "{ver}-{suffix}"}
DOMAINS = ("QS", "RS")
ITEM_COLUMNS = ["item", "testcd", "test", "category", "region", "component", "collected"]


def _check_settings(domain: str, version: str) -> None:
    if domain not in DOMAINS:
        raise fatal("spec-invalid", f"pasi.domain must be QS or RS, not {domain!r}", file="study.yaml")
    if version not in PASI_VERSIONS:
        raise fatal(
            "spec-invalid", f"pasi.version must be one of {sorted(PASI_VERSIONS)}, not {version!r}", file="study.yaml"
        )


def pasi_prefix(study: StudyConfig) -> str:
    """The test-variable prefix of the PASI records: ``QS`` or ``RS`` (the CDISC layout in either)."""
    _check_settings(study.pasi.domain, study.pasi.version)
    return study.pasi.domain


def _ct_tests(ct: ControlledTerminology, version: str) -> dict[str, str] | None:
    """TESTCD → TEST from the CT codelists ``<version>TC``/``<version>TN``, paired by the term C-code."""
    if f"{version}TC" not in ct or f"{version}TN" not in ct:
        return None
    tc = ct.codelist(f"{version}TC").terms[["code", "value"]]
    tn = ct.codelist(f"{version}TN").terms[["code", "value"]]
    pairs = tc.merge(tn, on="code", suffixes=("_cd", "_name"), validate="one_to_one")
    return dict(zip(pairs["value_cd"], pairs["value_name"], strict=True))


def _ct_category(ct: ControlledTerminology, version: str) -> str | None:
    """The CCCAT submission value whose synonym is the version (``PASI03`` → ``PASI FREDRIKSSON``)."""
    if "CCCAT" not in ct:
        return None
    terms = ct.codelist("CCCAT").terms
    hit = terms.loc[
        terms["synonyms"].str.upper().str.split(";").map(lambda s: version in [x.strip() for x in s]), "value"
    ]
    return str(hit.iloc[0]) if len(hit) else None


@cache
def _items(domain: str, version: str, ct_version: str) -> pd.DataFrame:
    _check_settings(domain, version)
    base = pd.DataFrame(_LAYOUT, columns=["item", "suffix", "region", "component"])
    testcd = [LAYOUT["testcd"].format(ver=version, item=i) for i in base["item"]]
    test = [LAYOUT["test"].format(ver=version, suffix=s) for s in base["suffix"]]
    # CDISC terms come from CT; the typed suffixes are only a fallback when CT lacks the codelists
    try:
        ct: ControlledTerminology | None = load_ct(ct_version)
    except KeyError:
        ct = None
    names = _ct_tests(ct, version) if ct is not None else None
    if names is not None:
        test = [names[c] for c in testcd]
    category = (_ct_category(ct, version) if ct is not None else None) or PASI_VERSIONS[version]
    out = pd.DataFrame(
        {
            "item": base["item"].astype("int64"),
            "testcd": testcd,
            "test": test,
            "category": category,
            "region": base["region"],
            "component": base["component"],
            "collected": base["item"] <= 16,
        }
    )
    return out


def pasi_items(study: StudyConfig) -> pd.DataFrame:
    """The 29-row PASI layout chosen by ``study.pasi`` (domain QS/RS, version PASI02-05).

    Columns: ``item`` (1..29), ``testcd``, ``test``, ``category``, ``region`` (HEAD, UPPER LIMBS, TRUNK,
    LOWER LIMBS, ALL), ``component`` (E, I, D, A, SUM, SUMXAREA, WEIGHTED, TOTAL), ``collected`` (bool).
    """
    return _items(study.pasi.domain, study.pasi.version, study.ct_version).copy()
