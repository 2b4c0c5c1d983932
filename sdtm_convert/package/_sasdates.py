"""SAS numeric dates/datetimes/times (days or seconds since 1960-01-01) ⇄ ISO 8601 text, for Dataset-JSON."""

from __future__ import annotations

import math
from datetime import date, timedelta

SAS_EPOCH = date(1960, 1, 1)


def _seconds_text(seconds: float) -> str:
    whole = math.floor(seconds)
    frac = seconds - whole
    text = f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"
    return text + (repr(frac)[1:] if frac else "")  # ".5" from 0.5


def to_iso(value: float, kind: str) -> str:
    """``kind`` is ``date`` (days), ``datetime`` or ``time`` (seconds)."""
    if kind == "date":
        return (SAS_EPOCH + timedelta(days=int(value))).isoformat()
    if kind == "datetime":
        days, seconds = divmod(value, 86400)
        return f"{(SAS_EPOCH + timedelta(days=int(days))).isoformat()}T{_seconds_text(seconds)}"
    return _seconds_text(value)


def _time_seconds(text: str) -> float:
    hh, mm, ss = text.split(":")
    return int(hh) * 3600 + int(mm) * 60 + float(ss)


def from_iso(text: str, kind: str) -> float:
    """Inverse of :func:`to_iso` (a datetime may also carry a UTC offset/``Z``, which is dropped)."""
    if kind == "date":
        return float((date.fromisoformat(text[:10]) - SAS_EPOCH).days)
    if kind == "datetime":
        day, _, clock = text.partition("T")
        clock = clock.rstrip("Z").split("+")[0]
        clock = clock[:8] + clock[8:].split("-")[0]
        return (date.fromisoformat(day) - SAS_EPOCH).days * 86400.0 + (_time_seconds(clock) if clock else 0.0)
    return _time_seconds(text)
