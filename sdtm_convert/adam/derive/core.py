"""Record-level ADaM derivations (admiral names): merges, extreme flags, baseline, change, criteria.

Every function returns a new frame (the input is never mutated nor re-sorted) and does no I/O.
``order`` lists variables to sort by inside a by-group; a leading "-" means descending. ``filter`` is a
structured condition (see :mod:`.conditions`), a boolean Series, or None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sdtm_convert.adam.derive._frame import fill_char_missing, flag_series, sorted_positions
from sdtm_convert.adam.derive.conditions import Condition, condition_mask
from sdtm_convert.errors import WARNING, Issue, fatal


def derive_vars_merged(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    order: Sequence[str] | None = None,
    new_vars: Sequence[str] | Mapping[str, str] | None = None,
    filter: Condition = None,  # noqa: A002 - admiral argument name
    *,
    dataset_add: pd.DataFrame,
    mode: str | None = None,
    exist_flag: str | None = None,
    missing_values: Mapping[str, object] | None = None,
    na_position: str = "first",
) -> pd.DataFrame:
    """Add ``new_vars`` (names, or ``{new: source}``) from ``dataset_add`` matched on ``by_vars``.

    ``filter`` selects records of ``dataset_add``; with ``mode`` "first"/"last" one record per by-group
    is chosen by ``order``, otherwise ``dataset_add`` must be unique by ``by_vars``. ``exist_flag`` names
    a "Y"/"N" variable telling whether a match was found; ``missing_values`` fills unmatched records.
    ``na_position`` places missing ``order`` values (see :func:`._frame.sorted_positions`).
    """
    add = dataset_add.loc[condition_mask(dataset_add, filter)]
    if mode is not None:
        pos = sorted_positions(add, by_vars, order, na_position=na_position)
        add = add.iloc[pos]
        add = add.loc[~add.duplicated(subset=list(by_vars), keep=mode)]
    elif add.duplicated(subset=list(by_vars)).any():
        raise fatal("adam-merge-not-unique", f"dataset_add is not unique by {', '.join(by_vars)}")
    mapping = (
        dict(new_vars)
        if isinstance(new_vars, Mapping)
        else {v: v for v in (new_vars if new_vars is not None else [c for c in add.columns if c not in by_vars])}
    )
    right = add[list(by_vars) + list(mapping.values())].copy()
    right.columns = list(by_vars) + list(mapping.keys())
    if exist_flag:
        right[exist_flag] = "Y"
    left = dataset.drop(columns=[c for c in mapping if c in dataset.columns and c not in by_vars])
    merged = left.reset_index(drop=True).merge(right, how="left", on=list(by_vars), validate="many_to_one")
    merged.index = dataset.index
    if exist_flag:
        merged[exist_flag] = merged[exist_flag].where(merged[exist_flag].notna(), "N").astype(object)
    for var, value in (missing_values or {}).items():
        matched = merged[exist_flag] == "Y" if exist_flag else merged[var].notna()
        merged[var] = merged[var].where(matched, value)
    new_char = [c for c in mapping if not pd.api.types.is_numeric_dtype(merged[c])]
    merged[new_char] = fill_char_missing(merged[new_char])
    return merged


def derive_var_extreme_flag(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    order: Sequence[str],
    new_var: str,
    filter: Condition = None,  # noqa: A002
    *,
    mode: str = "last",
    true_value: str = "Y",
    false_value: str = "",
    na_position: str = "first",
) -> pd.DataFrame:
    """Flag the first or last record (by ``order``) of each by-group among the ``filter`` records.

    Records outside ``filter`` get ``false_value`` (admiral's ``restrict_derivation()`` leaves them
    NA). ``na_position="last"`` sorts missing ``order`` values last in both directions, as admiral
    (dplyr ``arrange()``) does; the default "first" is this library's older rule."""
    out = dataset.copy()
    mask = condition_mask(out, filter).to_numpy()
    sub = out.iloc[np.flatnonzero(mask)]
    pos = sorted_positions(sub, by_vars, order, na_position=na_position)
    ordered = sub.iloc[pos]
    chosen = ~ordered.duplicated(subset=list(by_vars), keep=mode).to_numpy()
    flag = np.zeros(len(out), dtype=bool)
    flag[np.flatnonzero(mask)[pos[chosen]]] = True
    out[new_var] = flag_series(pd.Series(flag, index=out.index), true_value, false_value)
    return out


def derive_var_obs_number(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    order: Sequence[str],
    new_var: str = "ASEQ",
    *,
    na_position: str = "first",
) -> pd.DataFrame:
    """Number records 1..n within each by-group in ``order`` (e.g. ASEQ); the row order is kept.
    ``na_position="last"``: missing order values last, as admiral (ADVS: ATPTN, DTYPE often missing)."""
    out = dataset.copy()
    pos = sorted_positions(out, by_vars, order, na_position=na_position)
    ordered = out.iloc[pos]
    seq = (
        ordered.groupby(list(by_vars), sort=False, dropna=False).cumcount() + 1
        if by_vars
        else pd.Series(np.arange(1, len(out) + 1), index=ordered.index)
    )
    values = np.empty(len(out), dtype=float)
    values[pos] = seq.to_numpy(dtype=float)
    out[new_var] = values
    return out


def derive_var_base(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    new_var: str = "BASE",
    filter: Condition = None,  # noqa: A002
    *,
    source_var: str = "AVAL",
    issues: list[Issue] | None = None,
) -> pd.DataFrame:
    """Copy ``source_var`` of the baseline record (``filter``, default ABLFL = "Y") to every record of its group."""
    cond = filter if filter is not None else {"var": "ABLFL", "op": "eq", "value": "Y"}
    base = dataset.loc[condition_mask(dataset, cond), list(by_vars) + [source_var]]
    dup = base.duplicated(subset=list(by_vars))
    if dup.any() and issues is not None:
        for _, rec in base.loc[dup].iterrows():
            issues.append(
                Issue(
                    "adam-baseline-not-unique",
                    WARNING,
                    "more than one baseline record; the first is used",
                    variable=new_var,
                    usubjid=str(rec.get("USUBJID", "")) or None,
                )
            )
    base = base.loc[~dup]
    return derive_vars_merged(dataset, by_vars, new_vars={new_var: source_var}, dataset_add=base)


def _scaled(x: pd.Series, decimals: int | None) -> tuple[pd.Series, float]:
    if decimals is None:
        return x.astype(float), 1.0
    scale = float(10**decimals)
    return np.rint(x.astype(float) * scale), scale


def compute_chg(aval: pd.Series, base: pd.Series, *, decimals: int | None = None) -> pd.Series:
    """AVAL − BASE; with ``decimals`` the values are first made integers of 10^-decimals units (exact)."""
    a, s = _scaled(aval, decimals)
    b, _ = _scaled(base, decimals)
    return (a - b) / s


def compute_pchg(aval: pd.Series, base: pd.Series, *, decimals: int | None = None) -> pd.Series:
    """100 × (AVAL − BASE) / |BASE| (admiral: "(AVAL - BASE) / abs(BASE) * 100"), unrounded; NaN when
    BASE is 0 or missing (or AVAL missing)."""
    a, _ = _scaled(aval, decimals)
    b, _ = _scaled(base, decimals)
    ok = b.notna() & (b != 0) & a.notna()
    return (100.0 * (a - b) / b.where(ok).abs()).where(ok)


def compute_responder(aval: pd.Series, base: pd.Series, threshold: float, *, decimals: int = 1) -> pd.Series:
    """1.0 if the improvement from baseline is ≥ ``threshold`` %, else 0.0; NaN when not evaluable.

    Exact integer test: with P, B the values in 10^-decimals units, responder iff 100·(B − P) ≥ k·B.
    Not evaluable: AVAL or BASE missing, or BASE = 0.
    """
    p, _ = _scaled(aval, decimals)
    b, _ = _scaled(base, decimals)
    ok = p.notna() & b.notna() & (b > 0)
    resp = (100 * (b - p)) >= (threshold * b)
    return pd.Series(np.where(ok, resp.astype(float), np.nan), index=aval.index)


def derive_var_chg(dataset: pd.DataFrame, new_var: str = "CHG", *, decimals: int | None = None,
                   filter: Condition = None) -> pd.DataFrame:  # noqa: A002 - admiral restrict_derivation filter
    """CHG = AVAL − BASE on the records meeting ``filter`` (all when None); null on the others."""
    out = dataset.copy()
    out[new_var] = _restricted(compute_chg(out["AVAL"], out["BASE"], decimals=decimals), out, filter)
    return out


def derive_var_pchg(dataset: pd.DataFrame, new_var: str = "PCHG", *, decimals: int | None = None,
                    filter: Condition = None) -> pd.DataFrame:  # noqa: A002
    """PCHG = 100 × (AVAL − BASE) / |BASE| (unrounded; null when BASE is 0 or missing) on the records meeting
    ``filter`` (all when None); null on the others."""
    out = dataset.copy()
    out[new_var] = _restricted(compute_pchg(out["AVAL"], out["BASE"], decimals=decimals), out, filter)
    return out


def _restricted(values: pd.Series, dataset: pd.DataFrame, filter: Condition) -> pd.Series:  # noqa: A002
    """``values`` where ``filter`` holds (admiral restrict_derivation), missing elsewhere."""
    if filter is None:
        return values
    return values.where(condition_mask(dataset, filter))


def derive_vars_crit_flag(
    dataset: pd.DataFrame,
    crit_nr: int = 1,
    filter: Condition = None,  # noqa: A002
    *,
    condition: Condition,
    description: str,
    values_yn: bool = True,
    create_numeric_flag: bool = True,
) -> pd.DataFrame:
    """CRITy (description), CRITyFL ("Y"/"N", or "Y"/"" without ``values_yn``) and CRITyFN (1/0).

    Records outside ``filter`` get empty CRITy/CRITyFL and missing CRITyFN.
    """
    out = dataset.copy()
    scope = condition_mask(out, filter)
    met = condition_mask(out, condition)
    fl = pd.Series(np.where(met, "Y", "N" if values_yn else ""), index=out.index, dtype=object).where(scope, "")
    out[f"CRIT{crit_nr}"] = pd.Series(description, index=out.index, dtype=object).where(scope, "")
    out[f"CRIT{crit_nr}FL"] = fl
    if create_numeric_flag:
        out[f"CRIT{crit_nr}FN"] = fl.map({"Y": 1.0, "N": 0.0}).astype(float)
    return out


def derive_var_trtemfl(
    dataset: pd.DataFrame,
    new_var: str = "TRTEMFL",
    *,
    start_date: str = "ASTDT",
    end_date: str = "AENDT",
    trt_start_date: str = "TRTSDT",
    trt_end_date: str | None = "TRTEDT",
    end_window: int | None = None,
) -> pd.DataFrame:
    """Treatment-emergent flag "Y"/"" (admiral ``derive_var_trtemfl()``, its cases in order).

    "" when TRTSDT is missing (not treated); "" when the end is known and before TRTSDT ("event before
    treatment"); "Y" when the start is unknown; "Y" when TRTSDT ≤ start ≤ TRTEDT + ``end_window`` (no
    upper limit when ``end_window`` is None or TRTEDT is missing); otherwise "".
    """
    out = dataset.copy()
    st, en, ts = (out[c].astype(float) for c in (start_date, end_date, trt_start_date))
    upper = pd.Series(np.inf, index=out.index)
    if trt_end_date is not None and end_window is not None:
        upper = (out[trt_end_date].astype(float) + end_window).fillna(np.inf)
    within = st.notna() & (st >= ts) & (st <= upper)
    ended_before = en.notna() & (en < ts)
    out[new_var] = flag_series(ts.notna() & ~ended_before & (within | st.isna()))
    return out


def derive_var_ontrtfl(
    dataset: pd.DataFrame,
    new_var: str = "ONTRTFL",
    *,
    start_date: str = "ADT",
    ref_start_date: str = "TRTSDT",
    ref_end_date: str | None = "TRTEDT",
    ref_end_window: int = 0,
    end_date: str | None = None,
    filter_pre_timepoint: Condition = None,
    flag_missing_start: bool = False,
) -> pd.DataFrame:
    """On-treatment flag "Y"/"" (admiral ``derive_var_ontrtfl()``).

    "Y" when ref start ≤ start ≤ ref end + ``ref_end_window`` (no upper limit without a ref end
    date); a record on the ref start date (or, with ``flag_missing_start``, without a start) that
    meets ``filter_pre_timepoint`` (e.g. AVISIT = "Baseline") is not on treatment. ``end_date``: a record ending before the ref start is not on
    treatment. ``flag_missing_start``: admiral's rule 1, a missing start with a known ref start is "Y"
    (off by default, this library's older rule).
    """
    out = dataset.copy()
    d, s = out[start_date].astype(float), out[ref_start_date].astype(float)
    upper = pd.Series(np.inf, index=out.index)
    if ref_end_date is not None:
        upper = (out[ref_end_date].astype(float) + ref_end_window).fillna(np.inf)
    on = d.notna() & s.notna() & (d >= s) & (d <= upper)
    if flag_missing_start:
        on |= d.isna() & s.notna()
    if filter_pre_timepoint is not None:
        # admiral nulls every flagged record meeting the filter that is not after the ref start
        on &= ~(~(d > s) & condition_mask(out, filter_pre_timepoint))
    if end_date is not None:
        e = out[end_date].astype(float)
        on &= ~(e.notna() & (e < s))
    out[new_var] = flag_series(on)
    return out
