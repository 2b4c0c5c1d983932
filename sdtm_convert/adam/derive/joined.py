"""Variables from another dataset chosen by conditions on both datasets (admiral ``derive_vars_joined()``),
e.g. the last dose on or before an adverse event's start (LDOSEDTM in admiral's ad_adae.R)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sdtm_convert.adam.derive._frame import fill_char_missing, parse_order, sorted_positions
from sdtm_convert.adam.derive.conditions import Condition, condition_mask
from sdtm_convert.errors import fatal

_POS = "__joined_pos"


def derive_vars_joined(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    order: Sequence[str] | None = None,
    new_vars: Sequence[str] | Mapping[str, str] | None = None,
    filter: Condition = None,  # noqa: A002 - admiral's filter_add
    *,
    dataset_add: pd.DataFrame,
    join_vars: Sequence[str] = (),
    filter_join: Condition = None,
    mode: str | None = None,
    join_type: str = "all",
    exist_flag: str | None = None,
    missing_values: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Add ``new_vars`` (names, or ``{new: source}``) from the ``dataset_add`` records (restricted by
    ``filter``) joined to each record on ``by_vars`` and kept by ``filter_join``, a condition on the
    joined record.

    In the joined record, a ``dataset_add`` variable that ``dataset`` also has is renamed with the
    suffix ".join" (admiral: ``filter_join = ADY.join < ADY``); ``order`` and ``new_vars`` name
    ``dataset_add`` variables. With ``mode`` "first"/"last" the first/last joined record by ``order``
    is used (missing order values last, as dplyr sorts), otherwise at most one may remain per record.
    Only ``join_type="all"`` (every joined record, admiral's ADAE template) is supported.
    ``exist_flag``/``missing_values`` as in :func:`.core.derive_vars_merged`.
    """
    if join_type != "all":
        raise ValueError('only join_type="all" is supported')
    add = dataset_add.loc[condition_mask(dataset_add, filter)]
    names = (
        dict(new_vars)
        if isinstance(new_vars, Mapping)
        else {v: v for v in (new_vars if new_vars is not None else [c for c in add.columns if c not in by_vars])}
    )
    order_cols, _ = parse_order(order)
    wanted = list(dict.fromkeys([*names.values(), *join_vars, *order_cols]))
    joined_name = {c: (f"{c}.join" if c in dataset.columns else c) for c in wanted}
    right = add[list(by_vars) + wanted].rename(columns=joined_name)
    left = dataset.reset_index(drop=True).assign(**{_POS: np.arange(len(dataset))})
    joined = left.merge(right, how="inner", on=list(by_vars)) if by_vars else left.merge(right, how="cross")
    joined = joined.loc[condition_mask(joined, filter_join)]
    if mode is not None:
        renamed_order = [("-" if o.startswith("-") else "") + joined_name[o.lstrip("-")] for o in order or ()]
        ordered = joined.iloc[sorted_positions(joined, [_POS], renamed_order, na_position="last")]
        chosen = ordered.loc[~ordered.duplicated(subset=[_POS], keep=mode)]
    elif joined[_POS].duplicated().any():
        raise fatal("adam-joined-not-unique", "more than one joined record per record; give mode and order")
    else:
        chosen = joined
    picked = chosen[[_POS] + [joined_name[src] for src in names.values()]]
    picked.columns = [_POS, *names.keys()]
    out = left.drop(columns=[c for c in names if c in left.columns]).merge(picked, how="left", on=_POS)
    if exist_flag:
        found = pd.Series(np.isin(np.arange(len(dataset)), picked[_POS].to_numpy()))
        out[exist_flag] = np.where(found, "Y", "N")
        out[exist_flag] = out[exist_flag].astype(object)
    for var, value in (missing_values or {}).items():
        out[var] = out[var].where(out[_POS].isin(picked[_POS]), value)
    out = out.drop(columns=_POS)
    out.index = dataset.index
    new_char = [c for c in names if not pd.api.types.is_numeric_dtype(out[c])]
    out[new_char] = fill_char_missing(out[new_char])
    return out


DAY = 86400.0


def derive_vars_last_dose(
    dataset: pd.DataFrame,
    filter: Condition = None,  # noqa: A002 - admiral's filter_add
    *,
    dataset_add: pd.DataFrame,
    by_vars: Sequence[str] = ("STUDYID", "USUBJID"),
    start_dtc: str = "EXSTDTC",
    end_dtc: str = "EXENDTC",
    ref_var: str = "ASTDTM",
    new_var: str = "LDOSEDTM",
    dose_vars: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The last dose on or before each record's ``ref_var`` (a SAS datetime) and the dose given that day, as
    admiral's ad_adae.R derives them from single doses (``create_single_dose_dataset``, one dose a day).

    Each ``dataset_add`` record meeting ``filter`` whose ``start_dtc`` and ``end_dtc`` are complete dates
    stands for one dose on every day from start to end. ``new_var`` is the latest of those days on or before
    the day of ``ref_var``, as a SAS datetime at 00:00:00. ``dose_vars`` ({new: source}) are copied from the
    record whose days include the day of ``ref_var`` when ``ref_var`` is that day at 00:00:00 (admiral's
    EXSTDTM <= ASTDTM <= EXENDTM on the single dose: an event with a later time that day matches no dose);
    of several such records the one starting last. Missing where nothing qualifies."""
    from sdtm_convert.adam.derive.dates import compute_dt

    dose_vars = dict(dose_vars or {})
    add = dataset_add.loc[condition_mask(dataset_add, filter)]
    start, _ = compute_dt(add[start_dtc].astype("string").fillna(""))
    end, _ = compute_dt(add[end_dtc].astype("string").fillna(""))
    doses = add[list(by_vars) + list(dose_vars.values())].assign(__start=start.to_numpy(), __end=end.to_numpy())
    doses = doses.loc[doses["__start"].notna() & doses["__end"].notna() & (doses["__start"] <= doses["__end"])]
    ref = pd.to_numeric(dataset[ref_var], errors="coerce").reset_index(drop=True)
    left = dataset.reset_index(drop=True)[list(by_vars)].assign(
        **{_POS: np.arange(len(dataset)), "__day": np.floor(ref / DAY), "__exact": ref % DAY == 0})
    joined = left.merge(doses, how="inner", on=list(by_vars))
    joined = joined.loc[joined["__start"] <= joined["__day"]]
    last = joined.assign(__last=np.minimum(joined["__end"], joined["__day"])).groupby(_POS)["__last"].max()
    out = dataset.copy()
    out[new_var] = (pd.Series(last, dtype=float) * DAY).reindex(np.arange(len(dataset))).to_numpy()
    on_day = joined.loc[joined["__exact"] & (joined["__day"] <= joined["__end"])]
    on_day = on_day.iloc[sorted_positions(on_day, [_POS], ["__start"], na_position="last")]
    on_day = on_day.loc[~on_day.duplicated(subset=[_POS], keep="last")].set_index(_POS)
    for new, src in dose_vars.items():
        values = on_day[src].reindex(np.arange(len(dataset)))
        out[new] = values.to_numpy()
        if not pd.api.types.is_numeric_dtype(add[src]):
            out[new] = fill_char_missing(out[[new]].astype(object))[new]
    return out
