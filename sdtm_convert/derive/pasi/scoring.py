"""PASI scoring in exact integers (domain reference §1).

Every weighted value and the total are computed in tenths (w = 1, 2, 3, 4 tenths) and divided by 10 only
at the end, so ``PASI = P10 / 10`` is always a multiple of 0.1 and its text (``--STRESC``) is formatted from
the integer, never from a float (:mod:`.text`).

Missing rules: a region with A = 0 contributes 0 even if E/I/D are missing; any other missing item
makes that region's sums and the total missing (no imputation). Items outside 0-4 (E/I/D) or 0-6 (A),
or not integers, are reported (``pasi-item-out-of-range``) and treated as missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .layout import COLLECTED_ITEMS, DERIVED_ITEMS, TENTHS_ITEMS

REGION_WEIGHT_TENTHS = (1, 2, 3, 4)  # 0.1, 0.2, 0.3, 0.4


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
