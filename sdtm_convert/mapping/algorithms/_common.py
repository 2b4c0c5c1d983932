"""Helpers the algorithm families share: issues with provenance, text columns, recoding, expressions."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from sdtm_convert.common.text import number_text
from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.io.raw import SRC_FILE, SRC_ROW
from sdtm_convert.mapping.algorithms._base import Env

TRANSPOSED_FROM = "__item"  # working column of a transposed source: the raw column each value came from


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


def value_issues(frame: pd.DataFrame, mask: pd.Series, code: str, severity: str, message: str, *,
                 column: str | None, env: Env, variable: str, values: pd.Series) -> list[Issue]:
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


def text(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype("string").fillna("").str.strip()


def input_name(ref: Any) -> str:
    """The column or target named by a ``ColumnOrTarget`` value (for issue provenance)."""
    return ref if isinstance(ref, str) else ref.get("column") or ref.get("target")


def input_text(frame: pd.DataFrame, ref: Any, env: Env) -> pd.Series:
    """Trimmed text of a raw column (``NAME`` or ``{column: NAME}``) or an earlier target (``{target: NAME}``)."""
    if isinstance(ref, dict) and "target" in ref:
        s = env.targets[ref["target"]]
        if pd.api.types.is_float_dtype(s):
            s = number_text(s)
        return s.astype("string").fillna("").str.strip()
    return text(frame, input_name(ref))


def input_column(ref: Any) -> str | None:
    """The raw column an issue names: the column read, or None for a target (no raw cell)."""
    return None if isinstance(ref, dict) and "target" in ref else input_name(ref)


def recode(s: pd.Series, var: dict[str, Any]) -> pd.Series:
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


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


def _lossless_fold(value: str) -> bool:
    """True when folding to ASCII only drops accents (every base character survives)."""
    bases = [c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c)]
    return all(ord(c) < 128 for c in bases)


def to_ascii(s: pd.Series, frame: pd.DataFrame, var: dict[str, Any], env: Env) -> tuple[pd.Series, list[Issue]]:
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


def expr_value(expr: Any, frame: pd.DataFrame, targets: dict[str, pd.Series]) -> pd.Series:
    if isinstance(expr, str):
        return pd.Series(expr, index=frame.index, dtype=object)
    if "value" in expr:
        v = expr["value"]
        if isinstance(v, int | float) and not isinstance(v, bool):
            return pd.Series(float(v), index=frame.index)
        return pd.Series("" if v is None else str(v), index=frame.index, dtype=object)
    return frame[expr["column"]] if "column" in expr else targets[expr["target"]]


#: the working columns of a transposed source in words (define.xml method texts and comments never name them)
WORKING_NAMES = {"__value": "the collected value", TRANSPOSED_FROM: "the raw column of the value"}
_WORKING = re.compile(r"(?<![A-Za-z0-9_])__([A-Za-z][A-Za-z0-9_]*)")


def readable(text: str) -> str:
    """``text`` with the working names replaced by words: a transposed source's columns (``__value``: the
    collected value) and a spec's working targets (``__ICDTC``: the working value ICDTC)."""
    return _WORKING.sub(lambda m: WORKING_NAMES.get(m.group(), f"the working value {m.group(1)}"), text)


def expr_text(expr: Any) -> str:
    if isinstance(expr, str):
        return repr(expr)
    if "value" in expr:
        return "null" if expr["value"] in (None, "") else repr(expr["value"])
    return readable(expr.get("column") or expr.get("target") or "?")


def collected_comment(row: dict[str, Any], *more: str) -> str:
    """``From raw.COL; extracted with pattern ...; recoded ...`` plus the algorithm's own notes."""
    raw = row.get("__raw")
    cols = [row[k] for k in ("column", "date", "time") if k in row]
    names = [c["target"] if isinstance(c, dict) and "target" in c else
             f"{raw}.{input_name(c)}" if raw and input_name(c) not in WORKING_NAMES else
             f"the value of each transposed column of {raw}" if raw else readable(input_name(c)) for c in cols]
    parts = ["From " + ", ".join(names)]
    if "pattern" in row:
        parts.append(f"extracted with pattern {row['pattern']}")
    if row.get("map"):
        parts.append("recoded " + ", ".join(f"{k!r} → {v!r}" for k, v in list(row["map"].items())[:10]))
    return "; ".join([*parts, *more])
