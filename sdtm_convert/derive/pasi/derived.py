"""The derived PASI records (13 per assessment), built from the assessment's first item record."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .text import format_scores, text_codes, text_table

# item-level variables that a derived record does not inherit from the assessment's first item record
_ITEM_LEVEL = ("ORRESU", "STRESU", "STAT", "REASND", "SPID", "LNKID", "LNKGRP", "BLFL", "LOBXFL", "SEQ")


def _strings(values, like: pd.Series | None):  # type: ignore[no-untyped-def]
    """A string extension array (same dtype as ``like`` when that is a string column) from a small list."""
    dtype = like.dtype if like is not None and pd.api.types.is_string_dtype(like.dtype) else object
    try:
        return pd.array(list(values), dtype=dtype)
    except (TypeError, ValueError):
        return pd.array(list(values), dtype=object)


def derived_records(
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
        f"{p}STRESC": (text_table(), text_codes(scores, present).ravel()[keep]),
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
