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
