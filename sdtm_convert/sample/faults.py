"""Bad-input variants of the sample study, for testing the converter's issue reporting.

A fault is a small function ``(frames) -> frames`` registered by name; ``generate_study(faults=(...))``
applies them in the given order after the clean study is built. Each touches the first matching row
only, so the damage is easy to locate. None is applied by default.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..errors import fatal

Frames = dict[str, pd.DataFrame]
FAULTS: dict[str, Callable[[Frames], Frames]] = {}


def register(name: str):
    def deco(fn: Callable[[Frames], Frames]) -> Callable[[Frames], Frames]:
        FAULTS[name] = fn
        return fn

    return deco


def _set(frames: Frames, file: str, row: int, column: str, value: str) -> Frames:
    df = frames[file].copy()
    df.iloc[row, df.columns.get_loc(column)] = value
    return {**frames, file: df}


@register("pasi-item-out-of-range")
def pasi_item_out_of_range(frames: Frames) -> Frames:
    """First PASI row: erythema "5-Extreme" (items are 0-4)."""
    return _set(frames, "pasi.csv", 0, "ERYTH", "5-Extreme")


@register("invalid-date")
def invalid_date(frames: Frames) -> Frames:
    """First AE: start date "31 FEB 2022"."""
    return _set(frames, "ae.csv", 0, "AESTDAT", "31 FEB 2022")


@register("unknown-sex")
def unknown_sex(frames: Frames) -> Frames:
    """First subject: SEX "X" (not recodable to CT)."""
    return _set(frames, "dm.csv", 0, "SEX", "X")


@register("missing-column")
def missing_column(frames: Frames) -> Frames:
    """ae.csv without its AESEV column."""
    return {**frames, "ae.csv": frames["ae.csv"].drop(columns=["AESEV"])}


@register("orphan-subject")
def orphan_subject(frames: Frames) -> Frames:
    """An AE row (copy of the first) for subject 99-999, who is not in dm.csv."""
    df = frames["ae.csv"]
    extra = df.iloc[:1].copy()
    extra["SUBJECT"] = "99-999"
    return {**frames, "ae.csv": pd.concat([df, extra], ignore_index=True)}


@register("duplicate-key")
def duplicate_key(frames: Frames) -> Frames:
    """The first PASI row twice (SUBJECT + VISIT + REGION no longer unique)."""
    df = frames["pasi.csv"]
    return {**frames, "pasi.csv": pd.concat([df.iloc[:1], df], ignore_index=True)}


def check_fault_names(names: tuple[str, ...] | list[str]) -> None:
    """Raise ``sample-fault-unknown`` if a name is not a registered fault (checked before any data is built)."""
    unknown = [n for n in names if n not in FAULTS]
    if unknown:
        raise fatal("sample-fault-unknown", f"unknown fault(s) {unknown}; known: {sorted(FAULTS)}")


def apply_faults(frames: Frames, names: tuple[str, ...] | list[str]) -> Frames:
    """Apply the named faults in order; the names were checked by :func:`check_fault_names` before any data was built."""
    for name in names:
        frames = FAULTS[name](frames)
    return frames
