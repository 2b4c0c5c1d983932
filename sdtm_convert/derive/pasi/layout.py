"""PASI: the 29-item CDISC layout (in QS or RS, versions PASI02-05) and exact integer scoring.

Layout (domain reference §2): items 1-16 are collected (E, I, D, A for head, upper limbs, trunk, lower
limbs), items 17-28 are the per-region sub-scores (S = E+I+D, S×A, S×A×w) and item 29 the total.

Scoring (domain reference §1) is done in integers: every weighted value and the total are computed in
tenths (w = 1, 2, 3, 4 tenths) and divided by 10 only at the end, so ``PASI = P10 / 10`` is always
a multiple of 0.1 and its text (``--STRESC``) is formatted from the integer, never from a float.

Missing rules: a region with A = 0 contributes 0 even if E/I/D are missing; any other missing item
makes that region's sums and the total missing (no imputation). Items outside 0-4 (E/I/D) or 0-6 (A),
or not integers, are reported (``pasi-item-out-of-range``) and treated as missing.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from sdtm_convert.common.provenance import SRC_COLUMN, SRC_FILE, SRC_ROW
from sdtm_convert.errors import Issue, fatal
from sdtm_convert.spec.study import PASI_VERSIONS, StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology, load_ct

REGIONS = ("HEAD", "UPPER LIMBS", "TRUNK", "LOWER LIMBS")
REGION_WEIGHT_TENTHS = (1, 2, 3, 4)  # 0.1, 0.2, 0.3, 0.4
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


# ---------------------------------------------------------------------------------------------- scoring


def item_out_of_range(items: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Mask of present values that are not integers within 0-4 (E/I/D) or 0-6 (A); ``items`` are 1..16."""
    is_area = (items % 4) == 0
    hi = np.where(is_area, 6, 4)
    present = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        bad = present & ((values != np.floor(values)) | (values < 0) | (values > hi))
    return bad


def score_tenths(collected: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Core integer scoring.

    ``collected``: float array (n, 16), items 1..16 in columns, NaN = missing; out-of-range values count
    as missing.
    Returns ``(values, present)``: int64 array (n, 13) for items 17..29 — integers for S and S×A,
    tenths for S×A×w and the total — and a boolean mask of which values exist.
    """
    n = collected.shape[0]
    bad = item_out_of_range(np.tile(np.arange(1, 17), (n, 1)), collected)
    x = np.where(bad, np.nan, collected).reshape(n, 4, 4)  # region × (E, I, D, A)
    eid, area = x[:, :, :3], x[:, :, 3]
    eid_ok = np.asarray(~np.isnan(eid).any(axis=2), dtype=bool)
    area_ok = ~np.isnan(area)
    s = np.where(eid_ok, np.nan_to_num(eid).sum(axis=2), 0).astype(np.int64)
    a = np.nan_to_num(area).astype(np.int64)
    zero_area = area_ok & (a == 0)
    sxa_ok = (eid_ok & area_ok) | zero_area
    sxa = np.where(sxa_ok, s * a, 0)
    weighted = sxa * np.asarray(REGION_WEIGHT_TENTHS, dtype=np.int64)
    total = weighted.sum(axis=1)
    total_ok = sxa_ok.all(axis=1)
    values = np.empty((n, 13), dtype=np.int64)
    present = np.empty((n, 13), dtype=bool)
    for r in range(4):  # 4 regions × (S, S×A, S×A×w): fixed small loop over columns, not records
        values[:, 3 * r], present[:, 3 * r] = s[:, r], eid_ok[:, r]
        values[:, 3 * r + 1], present[:, 3 * r + 1] = sxa[:, r], sxa_ok[:, r]
        values[:, 3 * r + 2], present[:, 3 * r + 2] = weighted[:, r], sxa_ok[:, r]
    values[:, 12], present[:, 12] = total, total_ok
    values[~present] = 0
    return values, present


def compute_pasi_scores(items: pd.DataFrame) -> pd.DataFrame:
    """The 13 derived PASI items from the 16 collected ones, one row per assessment.

    ``items``: wide frame with columns ``1..16`` (item numbers of the layout; nullable integers),
    one row per subject × visit (any index). Returns a frame with the same index and columns ``17..29``:
    ``Int64`` for the sums (S) and S×A, ``float64`` (exact multiples of 0.1, NaN = missing) for the
    weighted sub-scores and the total (column 29 = PASI). Out-of-range or non-integer items count as
    missing (the ``pasi_scores`` derivation reports them with provenance).
    """
    missing = [i for i in COLLECTED_ITEMS if i not in items.columns]
    if missing:
        raise KeyError(f"compute_pasi_scores: missing item columns {missing}")
    cols = [
        items[i] if pd.api.types.is_numeric_dtype(items[i]) else pd.to_numeric(items[i], errors="coerce")
        for i in COLLECTED_ITEMS
    ]
    vals = np.column_stack([c.to_numpy(dtype="float64", na_value=np.nan) for c in cols])
    values, present = score_tenths(vals)
    out: dict[int, object] = {}
    for j, item in enumerate(DERIVED_ITEMS):
        if item in TENTHS_ITEMS:
            out[item] = np.where(present[:, j], values[:, j] / 10, np.nan)
        else:
            out[item] = pd.arrays.IntegerArray(values[:, j].copy(), ~present[:, j])
    return pd.DataFrame(out, index=items.index)


_TEXT_SIZE = 800  # derived values are at most 72 (S×A) and 720 tenths (total)


@cache
def _text_table() -> tuple[str, ...]:
    """Result texts by code: ``k`` → ``"k"``; ``SIZE + k`` (tenths) → ``"{k // 10}.{k % 10}"``; last = ""."""
    ints = [str(k) for k in range(_TEXT_SIZE)]
    tenths = [f"{k // 10}.{k % 10}" for k in range(_TEXT_SIZE)]
    return (*ints, *tenths, "")


def _text_codes(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Index into :func:`_text_table` for each derived value (exact text from the integer, no floats)."""
    is_tenths = np.array([i in TENTHS_ITEMS for i in DERIVED_ITEMS])
    return np.where(present, np.where(is_tenths, _TEXT_SIZE + values, values), 2 * _TEXT_SIZE)


def format_scores(values: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(STRESC, STRESN)`` arrays (n, 13) from :func:`score_tenths` output; missing = "" / NaN."""
    is_tenths = np.array([i in TENTHS_ITEMS for i in DERIVED_ITEMS])
    text = np.asarray(_text_table(), dtype=object)[_text_codes(values, present)]
    num = np.where(present, np.where(is_tenths, values / 10, values), np.nan).astype("float64")
    return text, num


# ------------------------------------------------------------------------------------------ derivation

# item-level variables that a derived record does not inherit from the assessment's first item record
_ITEM_LEVEL = ("ORRESU", "STRESU", "STAT", "REASND", "SPID", "LNKID", "LNKGRP", "BLFL", "LOBXFL", "SEQ")


def _text(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series("", index=df.index, dtype=object)
    return df[col].astype(object).where(df[col].notna(), "").astype(str).str.strip()


def _item_values(sub: pd.DataFrame, p: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numeric value of each item record: ``--STRESN``, else the number in ``--STRESC``, else ``--ORRES``.

    Returns ``(values, bad_text, need_text)``: float values (NaN = missing), a mask of non-empty results
    that are not numbers, and the mask of records whose value had to be read from text.
    """
    if f"{p}STRESN" in sub.columns:
        values = pd.to_numeric(sub[f"{p}STRESN"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan).copy()
    else:
        values = np.full(len(sub), np.nan)
    need = np.isnan(values)
    bad_text = np.zeros(len(sub), dtype=bool)
    if need.any():  # only the records without STRESN are parsed from text
        rest = sub[need]
        stresc = _text(rest, f"{p}STRESC")
        txt = stresc.where(stresc != "", _text(rest, f"{p}ORRES"))
        num = pd.to_numeric(txt.where(txt != ""), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        values[need] = num
        bad_text[need] = np.isnan(num) & (txt != "").to_numpy()
    return values, bad_text, need


def _shown(rec: pd.Series, p: str) -> str:
    for suffix in ("ORRES", "STRESC", "STRESN"):  # the collected text first: it is what the raw file shows
        v = rec.get(f"{p}{suffix}")
        if v is not None and not (isinstance(v, float) and np.isnan(v)) and str(v).strip() != "":
            return str(v)
    return ""


def _src_column(rec: pd.Series) -> str | None:
    """The raw column a transposed item came from (``__src_column``, set by the mapping engine)."""
    col = rec.get(SRC_COLUMN)
    return None if col is None or pd.isna(col) or str(col).strip() == "" else str(col)


def _issue(code: str, severity: str, message: str, rec: pd.Series, p: str, with_value: bool = False) -> Issue:
    row = rec.get(SRC_ROW)
    src = rec.get(SRC_FILE)
    return Issue(
        code,
        severity,
        message,
        file=None if src is None or pd.isna(src) else str(src),
        row=None if row is None or pd.isna(row) or str(row).strip() == "" else int(row),
        value=_shown(rec, p) if with_value else None,
        column=_src_column(rec),
        dataset=p,
        variable=f"{p}STRESN" if with_value else f"{p}TESTCD",
        usubjid=None if rec.get("USUBJID") is None else str(rec.get("USUBJID")),
        extra={"testcd": str(rec.get(f"{p}TESTCD", ""))},
    )


def _layout_item(df: pd.DataFrame, p: str, layout: pd.DataFrame) -> np.ndarray:
    """Layout item number (1..29) of each record, 0 for records that are not PASI items."""
    codes, uniques = pd.factorize(df[f"{p}TESTCD"])  # map the few distinct codes, not every record
    item_of_unique = np.append(pd.Index(layout["testcd"]).get_indexer(uniques) + 1, 0)  # code -1 (NaN) → 0
    item = item_of_unique[codes]
    if f"{p}CAT" in df.columns:
        codes, uniques = pd.factorize(df[f"{p}CAT"])
        ok_unique = np.append(pd.Index(uniques).isin(["", layout["category"].iloc[0]]), True)  # NaN: no category
        item = np.where(ok_unique[codes], item, 0)
    return item


def _wide(gid: np.ndarray, item: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, 16) array of item values; returns it and a per-record mask of conflicting duplicates."""
    key = gid * 16 + (item - 1)
    dup = np.bincount(key, minlength=16 * n)[key] > 1
    conflict = np.zeros(len(gid), dtype=bool)
    if dup.any():
        d = pd.DataFrame({"key": key[dup], "v": np.nan_to_num(values[dup], nan=-1.0)})
        conflict[np.flatnonzero(dup)] = (d.groupby("key")["v"].transform("nunique") > 1).to_numpy()
    arr = np.full((n, 16), np.nan)
    arr[gid, item - 1] = values
    arr[gid[conflict], item[conflict] - 1] = np.nan
    return arr, conflict


def _strings(values, like: pd.Series | None):  # type: ignore[no-untyped-def]
    """A string extension array (same dtype as ``like`` when that is a string column) from a small list."""
    dtype = like.dtype if like is not None and pd.api.types.is_string_dtype(like.dtype) else object
    try:
        return pd.array(list(values), dtype=dtype)
    except (TypeError, ValueError):
        return pd.array(list(values), dtype=object)


def _derived_records(
    sub: pd.DataFrame,
    gid: np.ndarray,
    p: str,
    layout: pd.DataFrame,
    scores: np.ndarray,
    present: np.ndarray,
    keep_missing: bool,
) -> pd.DataFrame:
    """13 records per assessment, built from the assessment's first item record (visit, date, provenance).

    Without ``keep_missing`` a score that cannot be derived gets no record.
    """
    n = scores.shape[0]
    _, first = np.unique(gid, return_index=True)
    keep = np.ones(13 * n, dtype=bool) if keep_missing else present.ravel()
    rows = np.repeat(first, 13)[keep]  # the source record of each derived record
    per_item = np.tile(np.arange(13), n)[keep]
    blank = np.zeros(len(rows), dtype=np.int64)
    derived = layout[~layout["collected"]]
    new = {
        f"{p}TESTCD": (derived["testcd"], per_item),
        f"{p}TEST": (derived["test"], per_item),
        f"{p}CAT": (derived["category"], per_item),
        f"{p}ORRES": ([""], blank),
        f"{p}STRESC": (_text_table(), _text_codes(scores, present).ravel()[keep]),
        f"{p}DRVFL": (["Y"], blank),
    }
    item_level = [f"{p}{x}" for x in _ITEM_LEVEL if f"{p}{x}" in sub.columns]
    carried = [c for c in sub.columns if c not in new and c not in item_level and c != f"{p}STRESN"]
    base = sub[carried].iloc[rows]
    data: dict[str, object] = {}
    for c in [*sub.columns, *[c for c in [*new, f"{p}STRESN"] if c not in sub.columns]]:
        if c in new:
            small, take = new[c]
            data[c] = _strings(small, sub[c] if c in sub.columns else None).take(take)
        elif c == f"{p}STRESN":
            data[c] = format_scores(scores, present)[1].ravel()[keep]
        elif c in item_level:
            numeric = pd.api.types.is_numeric_dtype(sub[c])
            data[c] = np.full(len(rows), np.nan) if numeric else _strings([""], sub[c]).take(blank)
        else:
            data[c] = base[c].array
    return pd.DataFrame(data)
