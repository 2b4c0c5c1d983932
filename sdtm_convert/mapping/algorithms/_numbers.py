"""Number helpers: SAS-style rounding, shortest decimal text, unit conversion steps."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.mapping.algorithms._base import Env
from sdtm_convert.mapping.algorithms._common import expr_value

# closed set of arithmetic steps of a unit conversion, applied in order
UNIT_STEPS: dict[str, Callable[[pd.Series, float], pd.Series]] = {
    "add": lambda s, v: s + v,
    "multiply": lambda s, v: s * v,
    "divide": lambda s, v: s / v,
}


def convert_units(num: pd.Series, spec: dict[str, Any], frame: pd.DataFrame, env: Env) -> pd.Series:
    """Convert each number from its unit (the ``unit`` expression, per row) with the steps listed for
    that unit in ``from``: ``{unit: {target: VSORRESU}, from: {F: [{add: -32}, {multiply: 5}, {divide: 9}]}}``.
    Units not listed are left unchanged (already in the standard unit)."""
    unit = expr_value(spec["unit"], frame, env.targets).astype("string").fillna("").str.strip().str.upper()
    out = num.copy()
    for name, steps in spec["from"].items():
        hit = unit == str(name).strip().upper()
        if not hit.any():
            continue
        part = num[hit]
        for step in steps:
            (op, value), = step.items()
            part = UNIT_STEPS[op](part, float(value))
        out[hit] = part
    return out.astype("float64")


def round_half_up(num: pd.Series, decimals: int) -> pd.Series:
    """Round half away from zero at ``decimals`` places (SAS ROUND; Python's round() is half-even)."""
    quant = Decimal(1).scaleb(-decimals)

    def one(v: float) -> float:
        return float(Decimal(repr(v)).quantize(quant, rounding=ROUND_HALF_UP))

    return num.map(lambda v: one(v) if pd.notna(v) else np.nan).astype("float64")


def number_text(num: pd.Series) -> pd.Series:
    """Shortest decimal text of each number (``64.0`` → ``64``, ``36.06`` → ``36.06``); NaN → ``""``.

    Formatted once per distinct value (record numbers and --SEQ of millions of records repeat little, but
    results do)."""
    x = pd.to_numeric(num, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    codes, bits = pd.factorize(x.view(np.int64))  # by bit pattern: -0.0 and 0.0 stay apart, as in per-cell text
    vals = np.asarray(bits, dtype=np.int64).view(np.float64)
    codes = np.where(np.isnan(x), -1, codes)  # missing → the "" at the end
    with np.errstate(invalid="ignore"):  # whole numbers (not -0.0) print as integers, without Decimal
        whole = (vals == np.round(vals)) & (np.abs(vals) < 1e15) & ~((vals == 0) & np.signbit(vals))
    out = np.empty(len(vals) + 1, dtype=object)
    out[:-1][whole] = vals[whole].astype(np.int64).astype(str)
    out[:-1][~whole] = [format(Decimal(repr(float(v))).normalize(), "f") for v in vals[~whole]]
    out[-1] = ""
    return pd.Series(out[np.where(codes < 0, len(vals), codes)], index=num.index).astype(str)
