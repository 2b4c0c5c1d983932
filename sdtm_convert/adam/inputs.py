"""Access to the SDTM input frames: a missing domain or variable becomes an empty one plus an issue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sdtm_convert.adam.derive._frame import empty_for_missing
from sdtm_convert.errors import WARNING, Issue

NUMERIC_SUFFIXES = ("SEQ", "STRESN", "DOSE", "AGE", "VISITNUM", "DY")


def _is_numeric_name(name: str) -> bool:
    return name == "AGE" or name.endswith(NUMERIC_SUFFIXES)


def domain(
    sdtm: Mapping[str, pd.DataFrame], name: str, columns: Sequence[str], issues: list[Issue], *, required: bool = True
) -> pd.DataFrame:
    """The SDTM frame ``name`` with at least ``columns`` (absent ones added empty: "" or NaN)."""
    frame = sdtm.get(name)
    if frame is None:
        if required:
            issues.append(Issue("adam-input-missing", WARNING, f"SDTM domain {name} is not available", dataset=name))
        frame = pd.DataFrame({c: pd.Series(dtype=float if _is_numeric_name(c) else object) for c in columns})
        return frame
    out = frame.copy(deep=False)  # copy-on-write: columns are copied only when changed
    for c in columns:
        if c not in out.columns:
            if required:
                issues.append(
                    Issue("adam-input-missing", WARNING, f"{name}.{c} is not available", dataset=name, variable=c)
                )
            out[c] = np.nan if _is_numeric_name(c) else ""
    for c in columns:
        if _is_numeric_name(c):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
        elif out[c].hasnans:
            out[c] = empty_for_missing(out[c])
    return out


def no_source(sdtm: Mapping[str, pd.DataFrame], dom: str, what: str) -> str:
    """Why a dataset is not built: ``no records in SDTM AE`` (`` (AE was not converted)`` when absent)."""
    return f"no {what} in SDTM {dom}" + ("" if dom in sdtm else f" ({dom} was not converted)")
