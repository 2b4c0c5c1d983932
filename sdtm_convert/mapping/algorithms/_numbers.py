"""Number helpers: SAS-style rounding, unit conversion steps (number text: ``common/text.py``)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common.text import number_text
from sdtm_convert.mapping.algorithms._base import Env
from sdtm_convert.mapping.algorithms._common import expr_value

__all__ = ["UNIT_STEPS", "convert_units", "number_text", "round_half_up"]

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
