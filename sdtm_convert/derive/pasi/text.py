"""Text and number of the derived PASI values (``--STRESC``, ``--STRESN``), made from the exact integers."""

from __future__ import annotations

from functools import cache

import numpy as np

from .layout import DERIVED_ITEMS, TENTHS_ITEMS

_TEXT_SIZE = 800  # derived values are at most 72 (S×A) and 720 tenths (total)


@cache
def text_table() -> tuple[str, ...]:
    """Result texts by code: ``k`` → ``"k"``; ``SIZE + k`` (tenths) → ``"{k // 10}.{k % 10}"``; last = ""."""
    ints = [str(k) for k in range(_TEXT_SIZE)]
    tenths = [f"{k // 10}.{k % 10}" for k in range(_TEXT_SIZE)]
    return (*ints, *tenths, "")


def text_codes(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Index into :func:`text_table` for each derived value (exact text from the integer, no floats)."""
    is_tenths = np.array([i in TENTHS_ITEMS for i in DERIVED_ITEMS])
    return np.where(present, np.where(is_tenths, _TEXT_SIZE + values, values), 2 * _TEXT_SIZE)


def format_scores(values: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(STRESC, STRESN)`` arrays (n, 13) from :func:`score_tenths` output; missing = "" / NaN."""
    is_tenths = np.array([i in TENTHS_ITEMS for i in DERIVED_ITEMS])
    text = np.asarray(text_table(), dtype=object)[text_codes(values, present)]
    num = np.where(present, np.where(is_tenths, values / 10, values), np.nan).astype("float64")
    return text, num
