"""Arithmetic between columns and earlier targets: ``compute`` (a closed set of operations) and ``age``
(whole years from a birth year, or year and month, with the imputed birth date stated)."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.errors import ERROR, INFO
from sdtm_convert.mapping.algorithms._base import Algorithm, register
from sdtm_convert.mapping.algorithms._common import (
    expr_text,
    expr_value,
    input_column,
    input_text,
    row_issues,
    value_issues,
)
from sdtm_convert.mapping.algorithms._numbers import round_half_up
from sdtm_convert.spec.params import ColumnOrTarget, Expr, Int, ListOf, OneOf, Problem, SpecEnv

ARITY = {"add": (2, None), "subtract": (2, 2), "multiply": (2, None), "divide": (2, 2), "round": (1, 1),
         "years_between": (2, 2)}
_ISO_DAY = r"^(\d{4})-(\d{2})-(\d{2})"


def _number(frame, expr, env, target):
    s = expr_value(expr, frame, env.targets)
    if pd.api.types.is_float_dtype(s):
        return s.astype("float64"), []
    t = s.astype("string").fillna("").str.strip()
    num = pd.to_numeric(t, errors="coerce").astype("float64")
    bad = (t != "") & num.isna()
    return num, row_issues(frame, bad, "number-invalid", ERROR, f"{expr_text(expr)} is not a number; result left missing",
                           column=expr.get("column"), env=env, variable=target, values=t)


def _ymd(frame, expr, env):
    """(year, month, day) of a date complete to the day (ISO 8601 text); NaN otherwise."""
    t = expr_value(expr, frame, env.targets).astype("string").fillna("").str.strip()
    parts = t.str.extract(_ISO_DAY).astype("float64")
    return parts[0], parts[1], parts[2]


def whole_years(y1, m1, d1, y2, m2, d2):
    """Whole years from the first date to the second (birthday not yet reached in the last year: one less)."""
    before = (m2 < m1) | ((m2 == m1) & (d2 < d1))
    return (y2 - y1 - before.astype("float64")).where(y1.notna() & y2.notna() & d1.notna() & d2.notna())


def _compute(frame, var, env):
    op, args, target = var["op"], var["args"], var["target"]
    if op == "years_between":
        (y1, m1, d1), (y2, m2, d2) = (_ymd(frame, a, env) for a in args)
        out = whole_years(y1, m1, d1, y2, m2, d2)
        return out.astype("float64"), []
    nums, issues = [], []
    for a in args:
        n, more = _number(frame, a, env, target)
        nums.append(n)
        issues += more
    out = nums[0]
    if op == "add":
        for n in nums[1:]:
            out = out + n
    elif op == "multiply":
        for n in nums[1:]:
            out = out * n
    elif op == "subtract":
        out = nums[0] - nums[1]
    elif op == "divide":
        zero = nums[0].notna() & (nums[1] == 0)
        issues += row_issues(frame, zero, "compute-division-by-zero", ERROR,
                             f"division by zero ({expr_text(args[1])} is 0); result left missing",
                             column=args[1].get("column"), env=env, variable=target, values=nums[1])
        out = (nums[0] / nums[1].mask(nums[1] == 0)).astype("float64")
    if "decimals" in var or op == "round":
        out = round_half_up(out, int(var.get("decimals", 0)))
    return out.astype("float64"), issues


def _compute_method(row):
    args = [expr_text(a) for a in row["args"]]
    words = {"add": " + ", "subtract": " - ", "multiply": " × ", "divide": " / "}
    if row["op"] in words:
        text = words[row["op"]].join(args)
    elif row["op"] == "round":
        text = f"{args[0]} rounded"
    else:
        text = f"whole years from {args[0]} to {args[1]}"
    if "decimals" in row:
        text += f", rounded half away from zero to {row['decimals']} decimals"
    return f"{text[0].upper()}{text[1:]}; missing when an input is missing"


def _check_arity(var, env: SpecEnv) -> list[Problem]:
    low, high = ARITY[var["op"]]
    n = len(var["args"])
    if n < low or (high is not None and n > high):
        want = f"{low}" if low == high else f"at least {low}"
        return [Problem(("args",), "spec-compute-arity", f"{var['op']} takes {want} argument(s), not {n}")]
    return []


register(Algorithm(
    name="compute", origin="Derived", run=_compute, describe=_compute_method, check=_check_arity, check_codes=("spec-compute-arity",),
    summary="Arithmetic between raw columns, earlier targets and numbers; a missing input gives a missing result.",
    params={"op": OneOf(choices=tuple(ARITY), required=True,
                        doc="add, multiply (two or more args); subtract, divide (a, b); round (one arg, to ``decimals``); "
                            "years_between (whole years from date a to date b, both ISO 8601 complete to the day)"),
            "args": ListOf(item=Expr(), min_items=1, required=True,
                           doc="{column: NAME}, {target: NAME} (an earlier target) or {value: N}"),
            "decimals": Int(minimum=0, maximum=12, doc="round the result half away from zero to this many decimals")},
    emits=("number-invalid", "compute-division-by-zero"),
    example={"target": "EXDOSE", "algorithm": "compute", "op": "multiply",
             "args": [{"column": "DOSEMGKG"}, {"target": "__WEIGHT"}], "decimals": 1},
))

IMPUTE = {"mid-year": (7, 1), "start-of-year": (1, 1), "end-of-year": (12, 31)}  # birth year only
IMPUTE_DAY = {"mid-year": 15, "start-of-year": 1, "end-of-year": 28}  # year and month known: day of the month


def _age(frame, var, env):
    year_text = input_text(frame, var["birth_year"], env)
    year = pd.to_numeric(year_text.where(year_text.str.fullmatch(r"\d{4}")), errors="coerce").astype("float64")
    bad = (year_text != "") & year.isna()
    issues = row_issues(frame, bad, "number-invalid", ERROR, "birth year is not a 4-digit year; age left missing",
                        column=input_column(var["birth_year"]), env=env, variable=var["target"], values=year_text)
    month, day = IMPUTE[var["impute"]]
    months = pd.Series(float(month), index=frame.index)
    days = pd.Series(float(day), index=frame.index)
    if "birth_month" in var:
        mtext = input_text(frame, var["birth_month"], env)
        known = pd.to_numeric(mtext.where(mtext.str.fullmatch(r"\d{1,2}")), errors="coerce").astype("float64")
        known = known.where((known >= 1) & (known <= 12))
        days = days.where(known.isna(), float(IMPUTE_DAY[var["impute"]]))
        months = known.fillna(months)
    y2, m2, d2 = _ymd(frame, var["reference"], env)
    age = whole_years(year, months, days, y2, m2, d2)
    imputed = year.notna() & age.notna()
    birth = (year.astype("Int64").astype("string") + "-" + months.astype("Int64").astype("string").str.zfill(2)
             + "-" + days.astype("Int64").astype("string").str.zfill(2))
    issues += value_issues(frame, imputed, "age-birth-date-imputed", INFO,
                           f"age computed from a birth date imputed {var['impute']} (the value shown)",
                           column=input_column(var["birth_year"]), env=env, variable=var["target"], values=birth)
    return age.astype("float64"), issues


def _age_method(row):
    month = "birth year and month" if "birth_month" in row else "birth year"
    m, d = IMPUTE[row["impute"]]
    imputed = (f"day imputed as {IMPUTE_DAY[row['impute']]}" if "birth_month" in row
               else f"birth date imputed as YYYY-{m:02d}-{d:02d}")
    return (f"Whole years from the {month} ({expr_text(_ref(row['birth_year']))}) to {expr_text(row['reference'])}; "
            f"{imputed} ({row['impute']} imputation)")


def _ref(value):
    return {"column": value} if isinstance(value, str) else value


register(Algorithm(
    name="age", origin="Derived", run=_age, describe=_age_method,
    summary="Age in whole years from a birth year (or year and month) and a reference date, the missing birth "
            "date parts imputed as the spec says; each imputation is reported (info, age-birth-date-imputed).",
    params={"birth_year": ColumnOrTarget(required=True, doc="the 4-digit birth year: raw column or {target: NAME}"),
            "birth_month": ColumnOrTarget(doc="the birth month (1-12), when collected"),
            "reference": Expr(required=True, doc="the reference date, ISO 8601 complete to the day, e.g. {target: RFSTDTC}"),
            "impute": OneOf(choices=tuple(IMPUTE), required=True,
                            doc="mid-year: 1 July (the 15th when the month is known); start-of-year: 1 January (the 1st); "
                                "end-of-year: 31 December (the 28th)")},
    emits=("number-invalid", "age-birth-date-imputed"),
    example={"target": "AGE", "algorithm": "age", "birth_year": "BRTHYR", "reference": {"target": "RFSTDTC"},
             "impute": "mid-year"},
))
