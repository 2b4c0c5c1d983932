"""Vectorised, deterministic text formatting of EDC values (dates, times, numbers).

Dates are carried as ``int64`` days since 1970-01-01 with :data:`MISSING` for "not collected".
Formatting works on the unique values only, so the cost does not grow with the record count.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

MISSING = np.int64(-(10**9))
EPOCH = _dt.date(1970, 1, 1)
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

# Partial-date kinds (how much of a date the EDC exports).
FULL, DAY_UNKNOWN, MONTH_UNKNOWN = 0, 1, 2

_TIMES = np.array([f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)], dtype=object)


def to_date(days: int) -> _dt.date:
    return EPOCH + _dt.timedelta(days=int(days))


def day_number(d: _dt.date) -> int:
    return (d - EPOCH).days


def _format_one(days: int, kind: int) -> str:
    d = to_date(days)
    if kind == MONTH_UNKNOWN:
        return f"UN UNK {d.year}"
    if kind == DAY_UNKNOWN:
        return f"UN {MONTHS[d.month - 1]} {d.year}"
    return f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"


def edc_dates(days: np.ndarray, kind: np.ndarray | None = None) -> np.ndarray:
    """``DD MON YYYY`` text (``UN MON YYYY`` / ``UN UNK YYYY`` for partial kinds, ``""`` if missing)."""
    days = np.asarray(days, dtype=np.int64)
    kind = np.zeros(days.shape, dtype=np.int64) if kind is None else np.asarray(kind, dtype=np.int64)
    out = np.full(days.shape, "", dtype=object)
    present = days != MISSING
    if present.any():
        key = days[present] * 4 + kind[present]
        uniq, inv = np.unique(key, return_inverse=True)
        texts = np.array([_format_one(k // 4, k % 4) for k in uniq.tolist()], dtype=object)
        out[present] = texts[inv]
    return out


def edc_times(minutes: np.ndarray) -> np.ndarray:
    """``HH:MM`` from minutes after midnight (negative = missing → ``""``)."""
    minutes = np.asarray(minutes, dtype=np.int64)
    out = np.full(minutes.shape, "", dtype=object)
    ok = minutes >= 0
    out[ok] = _TIMES[minutes[ok] % (24 * 60)]
    return out


def _by_unique(values: np.ndarray, render) -> np.ndarray:
    """Apply ``render`` to each distinct value only (values are few: days, small integers)."""
    values = np.asarray(values, dtype=np.int64)
    if values.size == 0:
        return np.zeros(0, dtype=object)
    uniq, inv = np.unique(values, return_inverse=True)
    return np.array([render(v) for v in uniq.tolist()], dtype=object)[inv.reshape(values.shape)]


def integers(values: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Plain base-10 integers; ``""`` where ``missing``."""
    out = _by_unique(values, str)
    if missing is not None:
        out[np.asarray(missing, dtype=bool)] = ""
    return out


def tenths(values: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """One-decimal text from integer tenths (``624`` → ``"62.4"``), exact, no float formatting."""
    out = _by_unique(values, lambda v: f"{v // 10}.{v % 10}")
    if missing is not None:
        out[np.asarray(missing, dtype=bool)] = ""
    return out


def labels(table: np.ndarray, codes: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Code → label by indexing; ``""`` where ``missing``."""
    codes = np.asarray(codes, dtype=np.int64)
    out = table[np.clip(codes, 0, len(table) - 1)].astype(object)
    if missing is not None:
        out[np.asarray(missing, dtype=bool)] = ""
    return out


def zfill(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded non-negative integers as text (``zfill([1], 2)`` → ``["01"]``)."""
    return _by_unique(values, lambda v: str(v).zfill(width))


def subject_ids(site: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """``SS-NNN`` (site two digits, subject number within site at least three digits)."""
    return zfill(site, 2) + "-" + zfill(seq, 3)


def site_ids(site: np.ndarray) -> np.ndarray:
    return zfill(site, 2)
