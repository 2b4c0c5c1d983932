"""Record-by-record comparison of our SDTM with pharmaverse's, on natural keys, with an exceptions list.

Records are paired per domain by key sets tried in order (``KEYS``): the first pass pairs records whose
first key set is equal; records left over are paired on the next (looser) key set, and so on. Inside a
key group with several records on a side, the most similar records (fewest differing variables,
--SEQ not counted) are paired first. Every variable both frames have is compared on every pair: numbers as numbers (pharmaverse
writes ``64.0`` or ``64``), text exactly after trimming; empty and ``NA`` are the same.

A difference is ``(dataset, variable, record)``; variable ``__record__`` stands for a record only one
side has (value ``"ours"`` or ``"pharmaverse"``) and ``__variable__`` for a variable only one side has
(value: the variable's name on the side that has it; no record). An exception (tests/pilot/exceptions.yaml) covers
the differences of its dataset and variable whose pharmaverse record (ours when pharmaverse has none)
matches ``where`` (variable → value or list of values) and, optionally, whose values are ``ours`` /
``pharmaverse`` (exact text; numbers as text without ``.0``). A difference goes to the first exception
that covers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "pharmaverse"
DOMAINS = ("DM", "AE", "DS", "EX", "VS")
KEYS: dict[str, list[list[str]]] = {
    "DM": [["USUBJID"]],
    "AE": [["USUBJID", "AETERM", "AESTDTC", "AEENDTC"], ["USUBJID", "AETERM", "AEENDTC"], ["USUBJID", "AETERM"]],
    "DS": [["USUBJID", "DSDECOD", "DSSTDTC"], ["USUBJID", "DSDECOD"]],
    "EX": [["USUBJID", "EXSTDTC"], ["USUBJID", "EXENDTC"]],
    "VS": [["USUBJID", "VSTESTCD", "VISITNUM", "VSTPTNUM", "VSDTC"], ["USUBJID", "VSTESTCD", "VISITNUM", "VSTPTNUM"]],
}
RECORD = "__record__"
VARIABLE = "__variable__"


def read_reference(domain: str) -> pd.DataFrame:
    name = domain.lower()
    path = next(p for p in (REFERENCE / f"{name}.csv", REFERENCE / f"{name}.csv.gz") if p.exists())
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["NA"], encoding="utf-8")
    return df.fillna("")


def _text(v: Any) -> str:
    """One canonical text per value: numbers without a trailing .0, missing = ""."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, int | float | np.floating | np.integer):
        f = float(v)
        return str(int(f)) if f.is_integer() else repr(f)
    s = str(v).strip()
    try:
        f = float(s)
    except ValueError:
        return s
    if s.lower() in ("nan", "inf", "-inf", "infinity"):
        return s
    return str(int(f)) if f.is_integer() else repr(f)


def _canon(df: pd.DataFrame, numeric: set[str]) -> pd.DataFrame:
    """Canonical text frame: numeric variables (numeric in our frame) as number text, others trimmed."""
    out = {}
    for c in df.columns:
        col = df[c]
        out[c] = col.map(_text) if c in numeric else col.astype("string").fillna("").str.strip().astype(str)
    return pd.DataFrame(out, index=df.index)


@dataclass(frozen=True)
class Difference:
    dataset: str
    variable: str
    ours: str
    pharmaverse: str
    record: tuple[tuple[str, str], ...]  # the pharmaverse record (ours when pharmaverse has none)

    def value(self, name: str) -> str:
        return dict(self.record).get(name, "")


def _closest(lg: pd.DataFrame, rg: pd.DataFrame, cols: list[str]) -> list[tuple[int, int]]:
    """Pair the records of one key group greedily, most similar (fewest differing variables) first."""
    a, b = lg[cols].to_numpy(), rg[cols].to_numpy()
    dist = (a[:, None, :] != b[None, :, :]).sum(axis=2)
    order = sorted((int(dist[i, j]), i, j) for i in range(len(a)) for j in range(len(b)))
    used_i, used_j, pairs = set(), set(), []
    for _, i, j in order:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((int(lg["__i"].iloc[i]), int(rg["__j"].iloc[j])))
    return pairs


def _pair(domain: str, ours: pd.DataFrame, theirs: pd.DataFrame) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    left, right = ours.copy(), theirs.copy()
    left["__i"], right["__j"] = range(len(left)), range(len(right))
    cols = [c for c in ours.columns if c in theirs.columns and c != domain + "SEQ"]
    pairs: list[tuple[int, int]] = []
    for keys in KEYS[domain]:
        if left.empty or right.empty:
            break
        ln = left.groupby(keys, sort=False)["__i"].transform("size").rename("__ln")
        rn = right.groupby(keys, sort=False)["__j"].transform("size").rename("__rn")
        m = left[[*keys, "__i"]].join(ln).merge(right[[*keys, "__j"]].join(rn), on=keys)
        single = m[(m["__ln"] == 1) & (m["__rn"] == 1)]
        found = list(zip(single["__i"].astype(int), single["__j"].astype(int)))
        multi = m[(m["__ln"] > 1) | (m["__rn"] > 1)]
        for _, g in multi.groupby(keys, sort=False):
            lg = left[left["__i"].isin(set(g["__i"]))]
            rg = right[right["__j"].isin(set(g["__j"]))]
            found += _closest(lg, rg, cols)
        pairs += found
        done_i, done_j = {i for i, _ in found}, {j for _, j in found}
        left = left[~left["__i"].isin(done_i)]
        right = right[~right["__j"].isin(done_j)]
    return pairs, list(left["__i"]), list(right["__j"])


def compare(domain: str, ours_raw: pd.DataFrame, theirs_raw: pd.DataFrame) -> list[Difference]:
    numeric = {c for c in ours_raw.columns if pd.api.types.is_numeric_dtype(ours_raw[c])}
    common = [c for c in theirs_raw.columns if c in ours_raw.columns]
    ours = _canon(ours_raw[common], numeric).reset_index(drop=True)
    theirs = _canon(theirs_raw, numeric).reset_index(drop=True)
    pairs, only_ours, only_theirs = _pair(domain, ours, theirs)
    diffs: list[Difference] = []
    rec_t = theirs.to_dict("records")
    rec_o = ours.to_dict("records")
    for i, j in pairs:
        o, t = rec_o[i], rec_t[j]
        record = tuple(t.items())
        diffs += [Difference(domain, c, o[c], t[c], record) for c in common if o[c] != t[c]]
    diffs += [Difference(domain, RECORD, "ours", "", tuple(rec_o[i].items())) for i in only_ours]
    diffs += [Difference(domain, RECORD, "", "pharmaverse", tuple(rec_t[j].items())) for j in only_theirs]
    diffs += [Difference(domain, VARIABLE, c, "", ()) for c in ours_raw.columns if c not in theirs_raw.columns]
    diffs += [Difference(domain, VARIABLE, "", c, ()) for c in theirs_raw.columns if c not in ours_raw.columns]
    return diffs


def covers(exc: dict[str, Any], d: Difference) -> bool:
    if exc["dataset"] != d.dataset or exc["variable"] != d.variable:
        return False
    for name, want in (exc.get("where") or {}).items():
        allowed = [_literal(w) for w in (want if isinstance(want, list) else [want])]
        if d.value(name) not in allowed:
            return False
    if "ours" in exc and _literal(exc["ours"]) != d.ours:
        return False
    return not ("pharmaverse" in exc and _literal(exc["pharmaverse"]) != d.pharmaverse)


def _literal(v: Any) -> str:
    """An exception's value: text as written, numbers as canonical number text."""
    return v.strip() if isinstance(v, str) else _text(v)


def assign(exceptions: list[dict[str, Any]], diffs: list[Difference]) -> tuple[list[int], list[Difference]]:
    """Count the differences each exception covers (first match wins); return also the uncovered ones."""
    counts = [0] * len(exceptions)
    uncovered = []
    for d in diffs:
        for k, exc in enumerate(exceptions):
            if covers(exc, d):
                counts[k] += 1
                break
        else:
            uncovered.append(d)
    return counts, uncovered


def summary(diffs: list[Difference]) -> pd.DataFrame:
    """Differences per dataset × variable with one example (for writing the exceptions file)."""
    rows = [
        {
            "dataset": d.dataset,
            "variable": d.variable,
            "ours": d.ours,
            "pharmaverse": d.pharmaverse,
            "usubjid": d.value("USUBJID"),
        }
        for d in diffs
    ]
    if not rows:
        return pd.DataFrame(columns=["dataset", "variable", "count", "ours", "pharmaverse", "usubjid"])
    df = pd.DataFrame(rows)
    return (
        df.groupby(["dataset", "variable"], sort=True)
        .agg(
            count=("ours", "size"),
            ours=("ours", "first"),
            pharmaverse=("pharmaverse", "first"),
            usubjid=("usubjid", "first"),
        )
        .reset_index()
    )
