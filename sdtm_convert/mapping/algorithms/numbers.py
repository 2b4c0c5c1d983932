"""Numbers: ``assign_number`` (a collected number, checked, converted, rounded) and ``format_number`` (its text)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.common.text import number_text
from sdtm_convert.errors import ERROR
from sdtm_convert.mapping.algorithms._base import Algorithm, register
from sdtm_convert.mapping.algorithms._common import (
    collected_comment,
    expr_text,
    expr_value,
    input_column,
    input_text,
    recode,
    row_issues,
)
from sdtm_convert.mapping.algorithms._numbers import convert_units, round_half_up
from sdtm_convert.spec.params import (
    Bool,
    ColumnOrTarget,
    Dict,
    Expr,
    Int,
    ListOf,
    Number,
    OneOf,
    Problem,
    Regex,
    SpecEnv,
    Struct,
)


def _assign_number(frame, var, env):
    raw = input_text(frame, var["column"], env)
    column = input_column(var["column"])
    s = recode(raw, var)
    num = pd.to_numeric(s, errors="coerce").astype("float64")
    bad = (s != "") & num.isna()
    issues = row_issues(frame, bad, "number-invalid", ERROR, "value is not a number; left missing",
                        column=column, env=env, variable=var["target"], values=raw)
    if var.get("integer"):
        frac = num.notna() & (num != np.floor(num))
        issues += row_issues(frame, frac, "number-not-integer", ERROR, "value must be a whole number; left missing",
                             column=column, env=env, variable=var["target"], values=raw)
        num = num.mask(frac)
    if "range" in var:
        lo, hi = var["range"]
        out = num.notna() & ((num < lo) | (num > hi))
        issues += row_issues(frame, out, "value-out-of-range", ERROR,
                             f"value outside the allowed range {lo}..{hi}; left missing",
                             column=column, env=env, variable=var["target"], values=raw)
        num = num.mask(out)
    if "convert" in var:
        num = convert_units(num, var["convert"], frame, env)
    if "bands" in var:
        num, more = _band(num, var, frame, env, column, raw)
        issues += more
    if "round" in var:
        num = round_half_up(num, int(var["round"]))
    return num, issues


def _band(num, var, frame, env, column, raw):
    """The value of the first band holding each number (``closed``: which ends belong to a band; a band
    with low == high holds that number only); a number in no band is reported and left missing."""
    closed = var.get("closed", "left")
    out = pd.Series(np.nan, index=num.index, dtype="float64")
    found = pd.Series(False, index=num.index)
    for low, high, value in var["bands"]:
        if value is None:
            continue
        lo = _end(num, low, ">=" if closed in ("left", "both") or low == high else ">")
        hi = _end(num, high, "<=" if closed in ("right", "both") or low == high else "<")
        hit = lo & hi & ~found
        out[hit] = float(value)
        found |= hit
    missing = num.notna() & ~found
    issues = row_issues(frame, missing, "value-out-of-bands", ERROR, "value in no band; left missing",
                        column=column, env=env, variable=var["target"], values=raw)
    return out, issues


def _format_number(frame, var, env):
    """Text of a number (a target or column), e.g. --STRESC from --STRESN; optional ``decimals`` fixes
    the places (``decimals: 1`` → ``98.0``)."""
    num = pd.to_numeric(expr_value(var["value"], frame, env.targets), errors="coerce").astype("float64")
    if "decimals" in var:
        d = int(var["decimals"])
        num = round_half_up(num, d)
        return num.map(lambda v: "" if pd.isna(v) else f"{v:.{d}f}").astype(str), []
    return number_text(num), []


def _end(num, bound, op):
    """``num op bound`` (an open end, ``null``, holds every number)."""
    if bound is None:
        return pd.Series(True, index=num.index)
    return {">=": num >= bound, ">": num > bound, "<=": num <= bound, "<": num < bound}[op]


def _number_comment(row):
    parts = []
    if "range" in row:
        parts.append(f"values outside {row['range'][0]}..{row['range'][1]} reported and left missing")
    if "convert" in row:
        parts.append("converted to standard units")
    if "bands" in row:
        parts.append("banded: " + ", ".join(_band_text(b, row.get("closed", "left")) for b in row["bands"]))
    if "round" in row:
        parts.append(f"rounded to {row['round']} decimals")
    return collected_comment(row, *parts)


def _band_text(band, closed):
    low, high, value = band
    if low == high:
        return f"{low} → {value}"
    low = "-∞" if low is None else low
    high = "∞" if high is None else high
    left = "[" if closed in ("left", "both") else "("
    right = "]" if closed in ("right", "both") else ")"
    return f"{left}{low}, {high}{right} → {value}"


def _check_bands(var, env: SpecEnv) -> list[Problem]:
    return [Problem(("bands", i), "spec-band-invalid", f"band {b!r}: low {b[0]} is above high {b[1]}")
            for i, b in enumerate(var.get("bands", [])) if None not in b[:2] and b[0] > b[1]]


def _format_method(row):
    return f"Text of {expr_text(row['value'])}" + (f" with {row['decimals']} decimals" if "decimals" in row else "")


CONVERT = Struct(
    fragment={"$ref": "#/$defs/convert"},
    read=lambda v: Expr().reads(v.get("unit")), codes=("spec-column-unknown", "spec-target-order"),
    type_text_="{unit: EXPR, from: {UNIT: [{add|multiply|divide: NUMBER}, ...]}}",
    doc="unit conversion: the steps listed for the row's unit (read from the ``unit`` expression) are applied "
        "in order; units not listed are kept",
)

register(Algorithm(
    name="assign_number", origin="Collected", run=_assign_number, describe=_number_comment,
    summary="A collected number: checked, optionally range-checked, converted to the standard unit and rounded.",
    check=_check_bands, check_codes=("spec-band-invalid",),
    params={"column": ColumnOrTarget(required=True, doc="the raw column, or {target: NAME} (an earlier target)"),
            "pattern": Regex(doc="keep the first group of this regular expression before reading the number"),
            "map": Dict(doc="recode collected text before reading the number (e.g. {'<1': 0.5})"),
            "range": ListOf(item=Number(), min_items=2, max_items=2,
                            doc="[low, high], both inclusive: a number outside is reported and left missing"),
            "integer": Bool(default=False, doc="a number with a fraction is reported and left missing"),
            "convert": CONVERT,
            "bands": ListOf(item=ListOf(item=Number(nullable=True), min_items=3, max_items=3), min_items=1,
                            doc="[[low, high, value], ...]: the number becomes the value of the first band holding it "
                                "(after range and convert, before round); a band with low == high holds that number "
                                "only; null for low or high leaves that end open; a number in no band is reported "
                                "and left missing"),
            "closed": OneOf(choices=("left", "right", "both"), default="left",
                            doc="which ends belong to a band: left = low ≤ x < high, right = low < x ≤ high, "
                                "both = low ≤ x ≤ high"),
            "round": Int(minimum=0, maximum=12, doc="round half away from zero to this many decimals")},
    emits=("number-invalid", "number-not-integer", "value-out-of-range", "value-out-of-bands"),
    example={"target": "--STRESN", "algorithm": "assign_number", "column": "TEMP", "range": [30, 45],
             "convert": {"unit": {"column": "TEMPU"}, "from": {"F": [{"add": -32}, {"multiply": 5}, {"divide": 9}]}},
             "round": 1},
))

register(Algorithm(
    name="format_number", origin="Derived", run=_format_number, describe=_format_method,
    summary="The text of a number (e.g. --STRESC from --STRESN): shortest form, or a fixed number of decimals.",
    params={"value": Expr(required=True, doc="the number: {target: NAME}, {column: NAME} or {value: N}"),
            "decimals": Int(minimum=0, maximum=12, doc="fixed decimals (rounded half away from zero)")},
    example={"target": "--STRESC", "algorithm": "format_number", "value": {"target": "--STRESN"}},
))
