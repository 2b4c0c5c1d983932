"""Per-variable agreement of our datasets with a reference version of them (e.g. the ADaM pharmaverse derives
from the same raw data): ``sdtm-convert diff REFERENCE OURS --agreement``.

Records are matched on keys (given per dataset, else the dataset's ``x-keys``). Records whose keys repeat are
paired with the record of the other side that agrees on the most variables (greedily, best pairs first, ties
in file order), so two sides that sort repeated records differently still pair alike records; key values held
by more than ``BEST_PAIR_MAX`` record pairs are paired in file order. On the matched records each variable present on both sides is compared, value by value:

- text exactly, after stripping trailing blanks;
- missing (NaN, None, ``""``) equals missing, and nothing else;
- numbers with a relative tolerance of 1e-9;
- a SAS date, datetime or time (a number: days or seconds from 1960-01-01) against ISO 8601 text
  (``2014-01-02``, ``2014-01-02T00:00:00Z``, ``2014-01-02 08:30:00``) as the same date, at the precision both give: a date against a
  datetime compares the days, two datetimes the days and the seconds (the UTC offset is not applied). Which
  numbers are dates comes from the file (XPT display format, Dataset-JSON ``dataType``: ``attrs["temporal"]``
  of the frame), else from the text: ISO-looking text on the other side makes the number a date when it is
  below a million (days), else a datetime (seconds), or a time when the text holds times only;
- a number against other text as numbers (``"701"`` agrees with 701).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common.text import plural
from sdtm_convert.errors import fatal
from sdtm_convert.package.values import Column, column, key_text, plain, same, shown

EXAMPLES = 5


@dataclass
class Disagreement:
    key: dict[str, Any]
    reference: Any
    ours: Any


@dataclass
class VariableAgreement:
    agree: int
    compared: int
    examples: list[Disagreement] = field(default_factory=list)

    @property
    def pct(self) -> float | None:
        return 100.0 * self.agree / self.compared if self.compared else None


@dataclass
class Agreement:
    dataset: str
    keys: list[str]
    reference_records: int
    our_records: int
    matched: int
    unmatched_reference: int
    unmatched_ours: int
    duplicate_keys: int  # key values held by more than one record (either side); paired best first
    variables: dict[str, VariableAgreement]
    only_reference: list[str] = field(default_factory=list)  # variables the reference has and we lack
    only_ours: list[str] = field(default_factory=list)
    unmatched_reference_keys: list[dict[str, Any]] = field(default_factory=list)  # up to EXAMPLES
    unmatched_ours_keys: list[dict[str, Any]] = field(default_factory=list)

    @property
    def mean_pct(self) -> float | None:
        """Mean of the variables' agreement %."""
        return _mean([v.pct for v in self.variables.values()])

    @property
    def agree(self) -> int:
        return sum(v.agree for v in self.variables.values())

    @property
    def compared(self) -> int:
        return sum(v.compared for v in self.variables.values())

    @property
    def value_pct(self) -> float | None:
        """Agreement % over every compared value."""
        return 100.0 * self.agree / self.compared if self.compared else None

    def worst_first(self) -> list[tuple[str, VariableAgreement]]:
        return sorted(self.variables.items(), key=lambda kv: (-1.0 if kv[1].pct is None else kv[1].pct, kv[0]))


@dataclass
class AgreementReport:
    reference: str
    ours: str
    datasets: list[Agreement]
    only_reference: list[str]  # datasets
    only_ours: list[str]

    @property
    def mean_pct(self) -> float | None:
        return _mean([v.pct for d in self.datasets for v in d.variables.values()])

    @property
    def value_pct(self) -> float | None:
        compared = sum(d.compared for d in self.datasets)
        return 100.0 * sum(d.agree for d in self.datasets) / compared if compared else None

    @property
    def unmatched(self) -> int:
        return sum(d.unmatched_reference + d.unmatched_ours for d in self.datasets)

    def passes(self, min_pct: float = 100.0) -> bool:
        """Every record matched and the agreement over compared values at least ``min_pct``."""
        pct = self.value_pct
        return not self.unmatched and (pct is None or pct >= min_pct - 1e-12)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out |= {"mean_pct": self.mean_pct, "value_pct": self.value_pct}
        for d, dd in zip(self.datasets, out["datasets"]):
            dd |= {"mean_pct": d.mean_pct, "value_pct": d.value_pct}
            for name, v in d.variables.items():
                dd["variables"][name]["pct"] = v.pct
        return out


def _mean(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


# -- pairing records whose keys repeat -------------------------------------------------------------------------

BEST_PAIR_MAX = 2_500  # record pairs of one key value above which its records are paired in file order


def _pair_scores(ia: np.ndarray, ib: np.ndarray, value_cols: list[tuple[Column, Column]]) -> np.ndarray:
    """How many variables agree for each candidate pair of records (``ia[i]`` with ``ib[i]``)."""
    score = np.zeros(len(ia), dtype=int)
    for a, b in value_cols:
        agree, _ = same(Column(a.values[ia], a.numeric, a.temporal), Column(b.values[ib], b.numeric, b.temporal))
        score += agree
    return score


def _best_pairs(ka: pd.DataFrame, kb: pd.DataFrame, kcols: list[str],
                value_cols: list[tuple[Column, Column]]) -> pd.Series:
    """``kb["__n"]`` renumbered so that, for key values repeated on either side, each of our records takes the
    rank of the reference record it agrees with best (greedy, best first; ties in file order); our records left
    without a partner take ranks no reference record has."""
    n_b = kb["__n"].copy()
    a, b = ka.reset_index(names="__ia"), kb.reset_index(names="__ib")
    sizes = pd.concat([a.groupby(kcols, sort=False).size().rename("a"),
                       b.groupby(kcols, sort=False).size().rename("b")], axis=1, join="inner")
    pairs = sizes["a"] * sizes["b"]
    small = sizes.index[(pairs > 1) & (pairs <= BEST_PAIR_MAX)]
    a = a[a.set_index(kcols).index.isin(small)]
    b = b[b.set_index(kcols).index.isin(small)]
    cand = a[[*kcols, "__ia", "__n"]].merge(b[[*kcols, "__ib", "__n"]], on=kcols, suffixes=("_a", "_b"))
    if cand.empty:
        return n_b
    cand["__score"] = _pair_scores(cand["__ia"].to_numpy(dtype=int), cand["__ib"].to_numpy(dtype=int), value_cols)
    cand = cand.sort_values(["__score", "__n_a", "__n_b"], ascending=[False, True, True], kind="stable")
    used_a: set[int] = set()
    used_b: set[int] = set()
    for ia, ib, rank in zip(cand["__ia"].tolist(), cand["__ib"].tolist(), cand["__n_a"].tolist(), strict=True):
        if ia in used_a or ib in used_b:
            continue
        used_a.add(ia)
        used_b.add(ib)
        n_b.iloc[ib] = rank
    left = b.loc[~b["__ib"].isin(used_b), "__ib"].to_numpy(dtype=int)
    n_b.iloc[left] = len(ka) + len(kb) + np.arange(len(left))  # no reference record has these ranks
    return n_b


# -- one dataset -----------------------------------------------------------------------------------------------


def variable_agreement(name: str, reference: pd.DataFrame, ours: pd.DataFrame, keys: list[str]) -> Agreement:
    """Match ``reference`` and ``ours`` on ``keys`` and count, per variable present in both, the matched
    records whose values agree (the module says how values compare)."""
    missing = [f"{k} ({side})" for side, df in (("reference", reference), ("ours", ours)) for k in keys
               if k not in df.columns]
    if not keys or missing:
        raise fatal("diff-keys-unknown", f"{name}: key variable not in the data: {', '.join(missing) or 'no keys'}",
                    dataset=name)
    ta, tb = reference.attrs.get("temporal", {}), ours.attrs.get("temporal", {})
    common = [c for c in reference.columns if c in ours.columns]
    cols = {c: (column(reference[c], ta.get(c)), column(ours[c], tb.get(c))) for c in common}
    ka = pd.DataFrame({f"k{i}": key_text(*cols[k])[0] for i, k in enumerate(keys)})
    kb = pd.DataFrame({f"k{i}": key_text(*cols[k])[1] for i, k in enumerate(keys)})
    kcols = list(ka.columns)
    dup = pd.concat([ka[ka.duplicated(kcols)], kb[kb.duplicated(kcols)]]).drop_duplicates()
    ka["__n"], kb["__n"] = ka.groupby(kcols, sort=False).cumcount(), kb.groupby(kcols, sort=False).cumcount()
    value_cols = [cols[c] for c in common if c not in keys]
    kb["__n"] = _best_pairs(ka, kb, kcols, value_cols)
    m = ka.reset_index(names="__ia").merge(kb.reset_index(names="__ib"), on=[*kcols, "__n"], how="outer",
                                           indicator=True, sort=False)
    both = m[m["_merge"] == "both"]
    ia, ib = both["__ia"].to_numpy(dtype=int), both["__ib"].to_numpy(dtype=int)
    gone, extra = m.loc[m["_merge"] == "left_only", "__ia"], m.loc[m["_merge"] == "right_only", "__ib"]
    out = Agreement(name, list(keys), len(reference), len(ours), len(both), len(gone), len(extra), len(dup), {},
                    only_reference=[c for c in reference.columns if c not in ours.columns],
                    only_ours=[c for c in ours.columns if c not in reference.columns],
                    unmatched_reference_keys=_keys_of(reference, keys, gone),
                    unmatched_ours_keys=_keys_of(ours, keys, extra))
    for c in (c for c in common if c not in keys):
        a, b = cols[c]
        a, b = Column(a.values[ia], a.numeric, a.temporal), Column(b.values[ib], b.numeric, b.temporal)
        agree, kind = same(a, b)
        bad = np.flatnonzero(~agree)[:EXAMPLES]
        examples = [Disagreement(_key_of(reference, keys, ia[i]), shown(a, a.values[i], kind if a.numeric else None),
                                 shown(b, b.values[i], kind if b.numeric else None)) for i in bad]
        out.variables[c] = VariableAgreement(int(agree.sum()), len(agree), examples)
    return out


def _key_of(df: pd.DataFrame, keys: list[str], row: int) -> dict[str, Any]:
    return {k: plain(df[k].iloc[row]) for k in keys}


def _keys_of(df: pd.DataFrame, keys: list[str], rows: pd.Series) -> list[dict[str, Any]]:
    picked = df[keys].iloc[rows.to_numpy(dtype=int)[:EXAMPLES]]
    return [dict(zip(keys, map(plain, row))) for row in picked.itertuples(index=False)]


# -- two packages ---------------------------------------------------------------------------------------------


def default_keys(name: str, reference: pd.DataFrame, ours: pd.DataFrame) -> list[str]:
    """The dataset's ``x-keys`` present on both sides, else USUBJID and its --SEQ."""
    from sdtm_convert.package.diff import _keys

    return _keys(name, reference, ours)[0]


def parse_keys(given: list[str] | None) -> dict[str, list[str]]:
    """``["ADSL=USUBJID", "ADAE=USUBJID,AETERM"]`` → ``{"ADSL": ["USUBJID"], "ADAE": ["USUBJID", "AETERM"]}``."""
    out: dict[str, list[str]] = {}
    for item in given or []:
        name, sep, rest = item.partition("=")
        keys = [k.strip().upper() for k in rest.split(",") if k.strip()]
        if not sep or not name.strip() or not keys:
            raise fatal("diff-keys-invalid", f"--keys {item!r}: expected DATASET=VAR[,VAR...], e.g. ADSL=USUBJID")
        out[name.strip().upper()] = keys
    return out


def agreement_packages(reference: str | Path, ours: str | Path,
                       keys: Mapping[str, list[str]] | None = None) -> AgreementReport:
    """:func:`variable_agreement` of every dataset both hold (a package, a run, or a folder of XPT,
    Dataset-JSON or CSV files: :mod:`sdtm_convert.package.tables`)."""
    from sdtm_convert.package.tables import find_datasets, read_dataset

    keys = dict(keys or {})
    a, b = find_datasets(Path(reference)), find_datasets(Path(ours))
    unknown = sorted(set(keys) - (set(a) & set(b)))
    if unknown:
        raise fatal("diff-keys-invalid", f"--keys names {', '.join(unknown)}, not a dataset both sides hold "
                    f"(both hold: {', '.join(sorted(set(a) & set(b))) or 'none'})")
    out = []
    for name in sorted(set(a) & set(b)):
        ref, our = read_dataset(a[name]), read_dataset(b[name])
        out.append(variable_agreement(name, ref, our, keys.get(name) or default_keys(name, ref, our)))
    return AgreementReport(str(reference), str(ours), out, sorted(set(a) - set(b)), sorted(set(b) - set(a)))


# -- rendering ---------------------------------------------------------------------------------------------


def _pct(p: float | None) -> str:
    """``97.3%``; never ``100.0%`` for less than all (99.96% is ``99.9%``); ``–`` when nothing was compared."""
    if p is None:
        return "–"
    return "99.9%" if 99.95 <= p < 100 else f"{p:.1f}%"


def _key_text_of(key: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in key.items() if k != "STUDYID")


def render_text(r: AgreementReport) -> str:
    lines = [f"reference: {r.reference}", f"ours: {r.ours}"]
    lines += [f"{n}: only in the reference" for n in r.only_reference]
    lines += [f"{n}: only in ours" for n in r.only_ours]
    for d in r.datasets:
        lines.append(f"{d.dataset}: {plural(d.matched, 'record')} matched on {', '.join(d.keys)} "
                     f"({d.unmatched_reference:,} of {d.reference_records:,} reference records unmatched, "
                     f"{d.unmatched_ours:,} of {d.our_records:,} ours); {plural(len(d.variables), 'variable')}: "
                     f"{_pct(d.mean_pct)} mean, {_pct(d.value_pct)} of {plural(d.compared, 'value')}"
                     + (f"; {d.duplicate_keys:,} key values repeat (paired by best agreement)" if d.duplicate_keys else ""))
        width = max((len(n) for n in d.variables), default=0)
        for name, v in d.worst_first():
            shown = "; ".join(f"{_key_text_of(e.key)}: {e.reference!r} ≠ {e.ours!r}" for e in v.examples[:2])
            lines.append(f"  {name:<{width}}  {_pct(v.pct):>6}  ({v.agree:,}/{v.compared:,})"
                         + (f"  e.g. {shown}" if shown else ""))
        if d.only_reference:
            lines.append(f"  not in ours: {', '.join(d.only_reference)}")
        if d.only_ours:
            lines.append(f"  not in the reference: {', '.join(d.only_ours)}")
        for k in d.unmatched_reference_keys:
            lines.append(f"  - reference only: {_key_text_of(k)}")
        for k in d.unmatched_ours_keys:
            lines.append(f"  + ours only: {_key_text_of(k)}")
    n = sum(len(d.variables) for d in r.datasets)
    lines.append(f"overall: {_pct(r.mean_pct)} mean over {plural(n, 'variable')}, {_pct(r.value_pct)} of "
                 f"{plural(sum(d.compared for d in r.datasets), 'value')}; {plural(r.unmatched, 'record')} unmatched")
    return "\n".join(lines) + "\n"


def render_json(r: AgreementReport) -> str:
    return json.dumps(r.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
