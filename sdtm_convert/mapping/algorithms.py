"""The closed set of mapping algorithms (sdtm.oak's, executed): one small function each.

An algorithm is ``fn(frame, var, env) -> tuple[pd.Series, list[Issue]]`` where ``frame`` holds the
raw columns (plus targets already assigned, by name) and ``var`` is the spec row. Issues carry the
provenance of the offending row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert import dates
from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.io.raw import SRC_FILE, SRC_ROW
from sdtm_convert.mapping import conditions
from sdtm_convert.standards.ct import ControlledTerminology

TRANSPOSED_FROM = "__item"  # working column of a transposed source: the raw column each value came from
SRC_COLUMN = "__src_column"  # provenance carried to derivations: that raw column, on transposed records

Algorithm = Callable[[pd.DataFrame, dict[str, Any], "Env"], tuple[pd.Series, list[Issue]]]
ALGORITHMS: dict[str, Algorithm] = {}


@dataclass
class Env:
    ct: ControlledTerminology
    domain: str
    subject_column: str | None = None
    targets: dict[str, pd.Series] = field(default_factory=dict)  # targets assigned so far in this source


def algorithm(name: str) -> Callable[[Algorithm], Algorithm]:
    def deco(fn: Algorithm) -> Algorithm:
        ALGORITHMS[name] = fn
        return fn

    return deco


def row_issues(frame: pd.DataFrame, mask: pd.Series, code: str, severity: str, message: str, *,
               column: str | None, env: Env, variable: str, values: pd.Series | None = None) -> list[Issue]:
    """One issue per masked row, with its provenance (the only per-row loop: over problems, not data)."""
    if not mask.any():
        return []
    sub = frame.loc[mask]
    vals = (values if values is not None else sub[column] if column in sub else pd.Series("", index=sub.index)).loc[sub.index]
    subj = sub[env.subject_column] if env.subject_column and env.subject_column in sub else pd.Series(None, index=sub.index)
    # a transposed value names the raw column it came from, not the working column "__value"
    cols = sub[TRANSPOSED_FROM] if column == "__value" and TRANSPOSED_FROM in sub else [column] * len(sub)
    return [
        Issue(code, severity, message, file=f, row=int(r), column=c, value=str(v),
              dataset=env.domain, variable=variable, usubjid=(str(u) if u is not None else None))
        for f, r, c, v, u in zip(sub[SRC_FILE], sub[SRC_ROW], cols, vals, subj)
    ]


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype("string").fillna("").str.strip()


def _recode(s: pd.Series, var: dict[str, Any]) -> pd.Series:
    """Pattern extraction and sponsor recoding, once per distinct value (answers repeat on every record)."""
    if "pattern" not in var and "map" not in var:
        return s
    codes, uniq = pd.factorize(s, use_na_sentinel=False)
    out = _recode_values(pd.Series(uniq, dtype=s.dtype), var)
    return pd.Series(out.to_numpy()[codes], index=s.index, dtype=out.dtype)


def _recode_values(s: pd.Series, var: dict[str, Any]) -> pd.Series:
    if "pattern" in var:
        extracted = s.str.extract(var["pattern"], expand=False)
        if isinstance(extracted, pd.DataFrame):
            extracted = extracted.iloc[:, 0]
        s = extracted.fillna(s).astype("string").str.strip()
    if "map" in var:
        table = {str(k).strip().upper(): ("" if v is None else str(v)) for k, v in var["map"].items()}
        mapped = s.str.upper().map(table)
        s = mapped.fillna(s).astype("string")
    return s


def _fold(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _lossless_fold(text: str) -> bool:
    """True when folding to ASCII only drops accents (every base character survives)."""
    import unicodedata

    bases = [c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)]
    return all(ord(c) < 128 for c in bases)


def _ascii(s: pd.Series, frame: pd.DataFrame, var: dict[str, Any], env: Env) -> tuple[pd.Series, list[Issue]]:
    """XPT v5 wants ASCII: accents are folded (warning); text that cannot be folded without losing
    characters (e.g. Chinese) is kept as collected with an error asking for a translation in the spec."""
    nonascii = ~s.str.fullmatch(r"[\x00-\x7f]*").fillna(True).astype(bool)
    if not nonascii.any() or var.get("ascii") == "keep":
        return s, []
    foldable = nonascii & s.map(_lossless_fold).astype(bool)
    hard = nonascii & ~foldable
    issues = row_issues(frame, foldable, "non-ascii-transliterated", WARNING,
                        "non-ASCII accents folded to ASCII for XPT v5 (original value in this report)",
                        column=var.get("column"), env=env, variable=var["target"])
    issues += row_issues(frame, hard, "non-ascii-untranslated", ERROR,
                         "non-ASCII text cannot be written to XPT v5 and has no ASCII form; add a translation "
                         "to this variable's 'map' in the mapping spec",
                         column=var.get("column"), env=env, variable=var["target"])
    out = s.copy()
    out[foldable] = s[foldable].map(_fold)
    return out, issues


def value_issues(frame: pd.DataFrame, mask: pd.Series, code: str, severity: str, message: str, *,
                 column: str, env: Env, variable: str, values: pd.Series) -> list[Issue]:
    """One issue per distinct offending value (first row as provenance, all rows in ``extra``)."""
    if not mask.any():
        return []
    sub = frame.loc[mask]
    vals = values.loc[sub.index].astype(str)
    issues = []
    for value, idx in vals.groupby(vals, sort=True).groups.items():
        rows = sub.loc[idx]
        first = rows.iloc[0]
        subj = str(first[env.subject_column]) if env.subject_column and env.subject_column in rows else None
        n = len(rows)
        issues.append(Issue(code, severity, message + (f" ({n} rows)" if n > 1 else ""), file=first[SRC_FILE],
                            row=int(first[SRC_ROW]), column=column, value=str(value), dataset=env.domain,
                            variable=variable, usubjid=subj,
                            extra={"rows": [int(r) for r in rows[SRC_ROW]]} if n > 1 else {}))
    return issues


@algorithm("hardcode_no_ct")
def hardcode_no_ct(frame, var, env):
    value = var["value"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return pd.Series(float(value), index=frame.index, dtype="float64"), []
    return pd.Series("" if value is None else str(value), index=frame.index, dtype=object), []


@algorithm("hardcode_ct")
def hardcode_ct(frame, var, env):
    # the value is checked against the codelist when the spec is validated, before data is read
    return pd.Series(str(var["value"]), index=frame.index, dtype=object), []


@algorithm("assign_no_ct")
def assign_no_ct(frame, var, env):
    s = _recode(_text(frame, var["column"]), var)
    if var.get("upper"):
        s = s.str.upper()
    s, issues = _ascii(s, frame, var, env)
    return s.astype(str), issues


@algorithm("assign_ct")
def assign_ct(frame, var, env):
    raw = _text(frame, var["column"])
    s = _recode(raw, var)
    codelist = env.ct.codelist(var["codelist"])
    mapped, unmatched = codelist.map_values(s)
    severity = WARNING if codelist.extensible else ERROR
    kind = "extensible" if codelist.extensible else "non-extensible"
    issues = value_issues(frame, unmatched, "ct-term-not-found", severity,
                          f"collected value not in {kind} codelist {codelist.short_name} ({codelist.code}); kept as collected",
                          column=var["column"], env=env, variable=var["target"], values=raw)
    out = mapped.fillna(s)
    return out.astype(str), issues


@algorithm("assign_number")
def assign_number(frame, var, env):
    raw = _text(frame, var["column"])
    s = _recode(raw, var)
    num = pd.to_numeric(s, errors="coerce").astype("float64")
    bad = (s != "") & num.isna()
    issues = row_issues(frame, bad, "number-invalid", ERROR, "value is not a number; left missing",
                        column=var["column"], env=env, variable=var["target"], values=raw)
    if var.get("integer"):
        frac = num.notna() & (num != np.floor(num))
        issues += row_issues(frame, frac, "number-not-integer", ERROR, "value must be a whole number; left missing",
                             column=var["column"], env=env, variable=var["target"], values=raw)
        num = num.mask(frac)
    if "range" in var:
        lo, hi = var["range"]
        out = num.notna() & ((num < lo) | (num > hi))
        issues += row_issues(frame, out, "value-out-of-range", ERROR,
                             f"value outside the allowed range {lo}..{hi}; left missing",
                             column=var["column"], env=env, variable=var["target"], values=raw)
        num = num.mask(out)
    if "convert" in var:
        num = convert_units(num, var["convert"], frame, env)
    if "round" in var:
        num = round_half_up(num, int(var["round"]))
    return num, issues


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
    from decimal import ROUND_HALF_UP, Decimal

    quant = Decimal(1).scaleb(-decimals)

    def one(v: float) -> float:
        return float(Decimal(repr(v)).quantize(quant, rounding=ROUND_HALF_UP))

    return num.map(lambda v: one(v) if pd.notna(v) else np.nan).astype("float64")


def number_text(num: pd.Series) -> pd.Series:
    """Shortest decimal text of each number (``64.0`` → ``64``, ``36.06`` → ``36.06``); NaN → ``""``.

    Formatted once per distinct value (record numbers and --SEQ of millions of records repeat little, but
    results do)."""
    from decimal import Decimal

    x = pd.to_numeric(num, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    codes, bits = pd.factorize(x.view(np.int64))  # by bit pattern: -0.0 and 0.0 stay apart, as in per-cell text
    vals = np.asarray(bits, dtype=np.int64).view(np.float64)
    codes = np.where(np.isnan(x), -1, codes)  # missing → the "" at the end
    with np.errstate(invalid="ignore"):  # whole numbers (not -0.0) print as integers, without Decimal
        whole = (vals == np.round(vals)) & (np.abs(vals) < 1e15) & ~((vals == 0) & np.signbit(vals))
    text = np.empty(len(vals) + 1, dtype=object)
    text[:-1][whole] = vals[whole].astype(np.int64).astype(str)
    text[:-1][~whole] = [format(Decimal(repr(float(v))).normalize(), "f") for v in vals[~whole]]
    text[-1] = ""
    return pd.Series(text[np.where(codes < 0, len(vals), codes)], index=num.index).astype(str)


@algorithm("format_number")
def format_number(frame, var, env):
    """Text of a number (a target or column), e.g. --STRESC from --STRESN; optional ``decimals`` fixes
    the places (``decimals: 1`` → ``98.0``)."""
    num = pd.to_numeric(expr_value(var["value"], frame, env.targets), errors="coerce").astype("float64")
    if "decimals" in var:
        d = int(var["decimals"])
        num = round_half_up(num, d)
        return num.map(lambda v: "" if pd.isna(v) else f"{v:.{d}f}").astype(str), []
    return number_text(num), []


@algorithm("assign_datetime")
def assign_datetime(frame, var, env):
    raw = _text(frame, var["date"])
    fmt = var.get("format", "DD MON YYYY")  # one format, or a list tried in order (full, then partial forms)
    iso, problem = dates.edc_to_iso_any(raw, fmt)
    issues = []
    for code in (dates.INVALID, dates.TWO_DIGIT_YEAR, dates.NONEXISTENT):
        mask = problem == code
        msg = {
            dates.INVALID: "not a valid date in format " + (fmt if isinstance(fmt, str) else " or ".join(fmt)) + "; left empty",
            dates.TWO_DIGIT_YEAR: "two-digit year is ambiguous; left empty",
            dates.NONEXISTENT: "date does not exist in the calendar; left empty",
        }[code]
        issues += row_issues(frame, mask, code, ERROR, msg, column=var["date"], env=env, variable=var["target"], values=raw)
    if "time" in var:
        iso, tprob = dates.add_time(pd.Series(iso, index=frame.index), _text(frame, var["time"]))
        issues += row_issues(frame, tprob == dates.TIME_INVALID, "time-invalid", ERROR, "not a valid time hh:mm; time left out",
                             column=var["time"], env=env, variable=var["target"])
    return pd.Series(iso, index=frame.index, dtype=object).astype(str), issues


def expr_value(expr: Any, frame: pd.DataFrame, targets: dict[str, pd.Series]) -> pd.Series:
    if isinstance(expr, str):
        return pd.Series(expr, index=frame.index, dtype=object)
    if "value" in expr:
        v = expr["value"]
        if isinstance(v, int | float) and not isinstance(v, bool):
            return pd.Series(float(v), index=frame.index)
        return pd.Series("" if v is None else str(v), index=frame.index, dtype=object)
    return frame[expr["column"]] if "column" in expr else targets[expr["target"]]


@algorithm("if_then_else")
def if_then_else(frame, var, env):
    default = expr_value(var["else"], frame, env.targets) if "else" in var else pd.Series("", index=frame.index, dtype=object)
    out = default.copy()
    decided = pd.Series(False, index=frame.index)
    for case in var["cases"]:
        hit = conditions.evaluate(case["when"], frame, env.targets) & ~decided
        if hit.any():
            val = expr_value(case["then"], frame, env.targets)
            if out.dtype != val.dtype:
                out = out.astype(object)
            out[hit] = val[hit]
        decided |= hit
    issues: list[Issue] = []
    textual = out.dtype == object or pd.api.types.is_string_dtype(out)  # a raw column may be pandas "str"
    if "codelist" in var and textual:
        mapped, unmatched = env.ct.codelist(var["codelist"]).map_values(out.astype(str))
        out = mapped.fillna(out.astype(str).str.upper()).astype(str)
        issues += row_issues(frame, unmatched, "ct-term-not-found", ERROR, f"result not in codelist {var['codelist']}",
                             column=None, env=env, variable=var["target"], values=out)
    if var.get("upper") and textual:
        out = out.astype(str).str.upper()
    return out, issues


@algorithm("concat")
def concat(frame, var, env):
    parts = [expr_value(p, frame, env.targets).astype("string").fillna("").str.strip() for p in var["parts"]]
    sep = var.get("sep", "")
    out = parts[0]
    for p in parts[1:]:
        out = out + sep + p
    if var.get("upper"):
        out = out.str.upper()
    return out.astype(str), []


@algorithm("lookup")
def lookup(frame, var, env):
    keys = var["keys"]
    table = pd.DataFrame(var["table"]).astype(str)
    left = pd.DataFrame({k: _text(frame, k).str.upper() for k in keys})
    right = table.assign(**{k: table[k].str.strip().str.upper() for k in keys})
    merged = left.merge(right[[*keys, "value"]], on=keys, how="left")
    merged.index = frame.index
    miss = merged["value"].isna()
    if "default" in var:  # rows without a table entry take the default expression instead of an error
        fallback = expr_value(var["default"], frame, env.targets).astype("string").fillna("").astype(str)
        values = merged["value"].astype(object).where(~miss, fallback)
        issues: list[Issue] = []
    else:
        issues = row_issues(frame, miss, "lookup-not-found", ERROR, f"no entry in the lookup table for {'+'.join(keys)}",
                            column=keys[0], env=env, variable=var["target"])
        values = merged["value"].fillna("")
    if all(isinstance(r["value"], int | float) and not isinstance(r["value"], bool) for r in var["table"]):
        return pd.to_numeric(values, errors="coerce").astype("float64"), issues
    return values.astype(str), issues
