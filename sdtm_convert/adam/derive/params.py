"""Parameter records (admiral ``derive_param_computed()`` and its vital-signs wrappers MAP, BMI, BSA)
and baseline-type records (``derive_basetype_records()``).

New records are appended after the input records (the input order is kept); they carry the
``by_vars`` of their group, the ``set_values_to`` constants and the computed variables only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from sdtm_convert.adam.derive._frame import append_records, sorted_positions
from sdtm_convert.adam.derive.conditions import Condition, condition_mask
from sdtm_convert.errors import fatal


def _side_by_side(
    src: pd.DataFrame,
    parameters: Sequence[str],
    by_vars: Sequence[str],
    source_vars: Sequence[str],
    extra: Sequence[str],
) -> pd.DataFrame:
    wide = None
    for i, p in enumerate(parameters):
        cols = list(dict.fromkeys(list(by_vars) + list(source_vars) + (list(extra) if i == 0 else [])))
        piece = src.loc[src["PARAMCD"] == p, cols]
        if piece.duplicated(subset=list(by_vars)).any():
            raise fatal("adam-param-not-unique", f"parameter {p} is not unique by {', '.join(by_vars)}")
        piece = piece.rename(columns={v: f"{v}.{p}" for v in source_vars})
        wide = piece if wide is None else wide.merge(piece, how="inner", on=list(by_vars))
    assert wide is not None
    return wide


def derive_param_computed(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    filter: Condition = None,  # noqa: A002
    *,
    parameters: Sequence[str],
    analysis_value: Callable[[pd.DataFrame], pd.Series | pd.DataFrame],
    set_values_to: Mapping[str, object],
    source_vars: Sequence[str] = ("AVAL",),
    keep_vars: Sequence[str] = (),
    constant_parameters: Sequence[str] = (),
    constant_by_vars: Sequence[str] = (),
    keep_nas: bool = True,
) -> pd.DataFrame:
    """Append records of a new parameter computed from ``parameters`` at the same ``by_vars``.

    The source records (``filter`` and PARAMCD in ``parameters``) are put side by side per by-group
    with columns ``<VAR>.<PARAMCD>`` for each of ``source_vars``; ``analysis_value(wide)`` returns a
    Series (→ AVAL) or a DataFrame of new variables. Only by-groups where every parameter is present
    get a record. ``constant_parameters`` (e.g. HEIGHT, measured once) are matched on
    ``constant_by_vars`` (e.g. USUBJID) instead of ``by_vars``. ``keep_nas=False`` (admiral's default)
    drops groups where a source value is missing. ``keep_vars`` are copied from the record of the
    first parameter. ``set_values_to`` sets constants (PARAMCD, PARAM, ...).
    """
    if constant_parameters and not set(constant_by_vars) <= set(by_vars):
        raise ValueError("constant_by_vars must be a subset of by_vars")
    src = dataset.loc[condition_mask(dataset, filter)]
    wide = _side_by_side(src.loc[src["PARAMCD"].isin(list(parameters))], parameters, by_vars, source_vars, keep_vars)
    if constant_parameters:
        const = _side_by_side(
            src.loc[src["PARAMCD"].isin(list(constant_parameters))],
            constant_parameters,
            constant_by_vars,
            source_vars,
            (),
        )
        wide = wide.merge(const, how="inner", on=list(constant_by_vars))
    if not keep_nas:
        used = [f"{v}.{p}" for v in source_vars for p in [*parameters, *constant_parameters]]
        wide = wide.loc[wide[used].notna().all(axis=1)]
    wide = wide.reset_index(drop=True)
    value = analysis_value(wide)
    values = value.to_frame("AVAL") if isinstance(value, pd.Series) else value
    new = wide[list(dict.fromkeys(list(by_vars) + list(keep_vars)))].copy()
    for k, v in set_values_to.items():
        new[k] = v
    for c in values.columns:
        new[c] = values[c].to_numpy()
    return append_records(dataset, new)


def compute_map(diabp: pd.Series, sysbp: pd.Series, hr: pd.Series | None = None) -> pd.Series:
    """Mean arterial pressure (admiral ``compute_map()``): (2·DIABP + SYSBP) / 3, or with heart rate
    DIABP + 0.01·exp(4.14 − 40.74 / HR)·(SYSBP − DIABP)."""
    d, s = diabp.astype(float), sysbp.astype(float)
    if hr is None:
        return (2 * d + s) / 3
    return d + 0.01 * np.exp(4.14 - 40.74 / hr.astype(float)) * (s - d)


def compute_bmi(height: pd.Series, weight: pd.Series) -> pd.Series:
    """Body mass index (admiral ``compute_bmi()``): weight (kg) / (height (cm) / 100)²."""
    return weight.astype(float) / (height.astype(float) / 100.0) ** 2


BSA_METHODS = ("Mosteller", "DuBois-DuBois", "Haycock", "Gehan-George", "Boyd", "Fujimoto", "Takahira")


def compute_bsa(height: pd.Series, weight: pd.Series, method: str = "Mosteller") -> pd.Series:
    """Body surface area in m² (admiral ``compute_bsa()``), height in cm, weight in kg."""
    h, w = height.astype(float), weight.astype(float)
    if method == "Mosteller":
        return np.sqrt(h * w / 3600.0)
    if method == "DuBois-DuBois":
        return 0.007184 * h**0.725 * w**0.425
    if method == "Haycock":
        return 0.024265 * h**0.3964 * w**0.5378
    if method == "Gehan-George":
        return 0.0235 * h**0.42246 * w**0.51456
    if method == "Boyd":
        return 0.0003207 * h**0.3 * (1000 * w) ** (0.7285 - 0.0188 * np.log10(1000 * w))
    if method == "Fujimoto":
        return 0.008883 * h**0.663 * w**0.444
    if method == "Takahira":
        return 0.007241 * h**0.725 * w**0.425
    raise ValueError(f"method must be one of {BSA_METHODS}")


def _check_units(
    dataset: pd.DataFrame,
    filter: Condition,
    unit_var: str | None,
    expected: Mapping[str, str],  # noqa: A002
) -> None:
    """admiral's ``get_unit_expr`` check: every source record of a parameter has the expected unit."""
    if unit_var is None:
        return
    rows = dataset.loc[condition_mask(dataset, filter)]
    for paramcd, unit in expected.items():
        units = rows.loc[rows["PARAMCD"] == paramcd, unit_var].astype(str).str.strip()
        bad = sorted(set(units) - {unit, ""})
        if bad:
            raise fatal("adam-param-unit", f"{paramcd} must be in {unit}, found {', '.join(bad)} in {unit_var}")


def derive_param_map(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    filter: Condition = None,  # noqa: A002
    *,
    set_values_to: Mapping[str, object] | None = None,
    sysbp_code: str = "SYSBP",
    diabp_code: str = "DIABP",
    hr_code: str | None = None,
    unit_var: str | None = None,
) -> pd.DataFrame:
    """MAP records per ``by_vars`` group having both blood pressures (admiral ``derive_param_map()``)."""
    _check_units(dataset, filter, unit_var, {sysbp_code: "mmHg", diabp_code: "mmHg"})
    params = [sysbp_code, diabp_code] + ([hr_code] if hr_code else [])

    def value(w: pd.DataFrame) -> pd.Series:
        hr = w[f"AVAL.{hr_code}"] if hr_code else None
        return compute_map(w[f"AVAL.{diabp_code}"], w[f"AVAL.{sysbp_code}"], hr)

    return derive_param_computed(
        dataset,
        by_vars,
        filter,
        parameters=params,
        analysis_value=value,
        set_values_to=set_values_to or {"PARAMCD": "MAP"},
        keep_nas=False,
    )


def _height_weight_param(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    filter: Condition,  # noqa: A002
    compute: Callable[[pd.Series, pd.Series], pd.Series],
    set_values_to: Mapping[str, object],
    weight_code: str,
    height_code: str,
    constant_by_vars: Sequence[str],
    unit_var: str | None,
) -> pd.DataFrame:
    _check_units(dataset, filter, unit_var, {weight_code: "kg", height_code: "cm"})
    constant = bool(constant_by_vars)
    return derive_param_computed(
        dataset,
        by_vars,
        filter,
        parameters=[weight_code] if constant else [weight_code, height_code],
        constant_parameters=[height_code] if constant else (),
        constant_by_vars=constant_by_vars,
        analysis_value=lambda w: compute(w[f"AVAL.{height_code}"], w[f"AVAL.{weight_code}"]),
        set_values_to=set_values_to,
        keep_nas=False,
    )


def derive_param_bmi(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    filter: Condition = None,  # noqa: A002
    *,
    set_values_to: Mapping[str, object] | None = None,
    weight_code: str = "WEIGHT",
    height_code: str = "HEIGHT",
    constant_by_vars: Sequence[str] = (),
    unit_var: str | None = None,
) -> pd.DataFrame:
    """BMI records (admiral ``derive_param_bmi()``). With ``constant_by_vars`` (e.g. USUBJID) the height
    is a once-measured parameter matched to every weight of the subject."""
    return _height_weight_param(
        dataset, by_vars, filter, compute_bmi, set_values_to or {"PARAMCD": "BMI"},
        weight_code, height_code, constant_by_vars, unit_var,
    )  # fmt: skip


def derive_param_bsa(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    filter: Condition = None,  # noqa: A002
    *,
    method: str = "Mosteller",
    set_values_to: Mapping[str, object] | None = None,
    weight_code: str = "WEIGHT",
    height_code: str = "HEIGHT",
    constant_by_vars: Sequence[str] = (),
    unit_var: str | None = None,
) -> pd.DataFrame:
    """BSA records (admiral ``derive_param_bsa()``), ``method`` as :func:`compute_bsa`."""
    if method not in BSA_METHODS:
        raise ValueError(f"method must be one of {BSA_METHODS}")
    return _height_weight_param(
        dataset, by_vars, filter, lambda h, w: compute_bsa(h, w, method), set_values_to or {"PARAMCD": "BSA"},
        weight_code, height_code, constant_by_vars, unit_var,
    )  # fmt: skip


def derive_basetype_records(dataset: pd.DataFrame, *, basetypes: Mapping[str, Condition]) -> pd.DataFrame:
    """BASETYPE records (admiral ``derive_basetype_records()``): for each ``{name: condition}`` in order,
    the records meeting the condition are copied with BASETYPE = name; the copies are stacked in that
    order, followed by the records meeting no condition, kept once with BASETYPE "" (admiral: NA).
    A record meeting several conditions is copied once per condition."""
    pieces, matched = [], pd.Series(False, index=dataset.index)
    for name, cond in basetypes.items():
        mask = condition_mask(dataset, cond)
        pieces.append(dataset.loc[mask].assign(BASETYPE=name))
        matched |= mask
    pieces.append(dataset.loc[~matched].assign(BASETYPE=""))
    out = pd.concat(pieces, ignore_index=True)
    out["BASETYPE"] = out["BASETYPE"].astype(object)
    return out


SUMMARY_FUNS = ("mean", "min", "max", "sum", "count", "median")


def derive_summary_records(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    filter: Condition = None,  # noqa: A002 - admiral's filter_add
    *,
    set_values_to: Mapping[str, object],
    analysis_var: str = "AVAL",
    summary_fun: str = "mean",
) -> pd.DataFrame:
    """Append one summary record per ``by_vars`` group of the ``filter`` records (admiral
    ``derive_summary_records()``; ad_advs.R: the mean of the triplicate blood pressures per visit and
    date, ``filter`` AVAL present, DTYPE "AVERAGE"). Every group gets a record, also a group of one
    record; groups with missing by values are groups too. ``analysis_var`` = ``summary_fun`` of the
    group's values; the new records carry the ``by_vars`` and ``set_values_to`` only, in the order of
    the groups' first records."""
    if summary_fun not in SUMMARY_FUNS:
        raise ValueError(f"summary_fun must be one of {SUMMARY_FUNS}")
    src = dataset.loc[condition_mask(dataset, filter)]
    grouped = src.groupby(list(by_vars), sort=False, dropna=False)[analysis_var]
    new = (grouped.size() if summary_fun == "count" else getattr(grouped, summary_fun)()).rename(analysis_var)
    new = new.reset_index()
    new[analysis_var] = new[analysis_var].astype(float)
    for k, v in set_values_to.items():
        new[k] = v
    return append_records(dataset, new)


def derive_extreme_records(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    order: Sequence[str],
    filter: Condition = None,  # noqa: A002 - admiral's filter_add
    *,
    mode: str,
    set_values_to: Mapping[str, object],
    na_position: str = "last",
) -> pd.DataFrame:
    """Append a copy of the first/last (``mode``) record by ``order`` of each ``by_vars`` group of the
    ``filter`` records, with ``set_values_to`` (admiral ``derive_extreme_records()`` with ``dataset_add`` the
    dataset itself; ad_advs.R: the End of Treatment record, the last on-treatment analysed visit, AVISIT "End
    of Treatment", AVISITN 99, DTYPE "LOV"). Missing ``order`` values sort last (dplyr), ties keep the input
    order; the copies follow the input records in the order of their groups' sorted position."""
    if mode not in ("first", "last"):
        raise ValueError("mode must be 'first' or 'last'")
    src = dataset.loc[condition_mask(dataset, filter)]
    ordered = src.iloc[sorted_positions(src, by_vars, order, na_position=na_position)]
    new = ordered.loc[~ordered.duplicated(subset=list(by_vars), keep=mode)].copy()
    for k, v in set_values_to.items():
        new[k] = v
    return append_records(dataset, new)
