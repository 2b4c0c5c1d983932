"""Occurrence flags of OCCDS datasets (AOCCFL, AOCCSFL, AOCCPFL, AOCCIFL, ...), as admiral's ad_adae.R
template and OCCDS vignette derive them: ``derive_var_extreme_flag()`` with mode "first" restricted to
the treatment-emergent records, missing order values sorted last (dplyr ``arrange()``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from sdtm_convert.adam.derive.conditions import Condition
from sdtm_convert.adam.derive.core import derive_var_extreme_flag

#: admiral's template: factor(ASEV, levels = c("MILD", "MODERATE", "SEVERE", "DEATH THREATENING"))
SEVERITY_LEVELS = ("MILD", "MODERATE", "SEVERE", "DEATH THREATENING")


def compute_severity_rank(asev: pd.Series, levels: Sequence[str] = SEVERITY_LEVELS) -> pd.Series:
    """ASEVN = position (1, 2, ...) of ASEV in ``levels``; missing for any other value (R ``factor``)."""
    rank = {v: float(i) for i, v in enumerate(levels, start=1)}
    return asev.map(rank).astype(float)


def derive_vars_occurrence_flags(
    dataset: pd.DataFrame,
    by_vars: Sequence[str],
    order: Sequence[str],
    flags: Mapping[str, Sequence[str]],
    filter: Condition = None,  # noqa: A002
    *,
    na_position: str = "last",
) -> pd.DataFrame:
    """One first-occurrence flag per ``{new_var: extra_by_vars}``: "Y" on the first record (by
    ``order``) of each (``by_vars`` + extra) group among the ``filter`` records, else "".

    E.g. ``by_vars=["USUBJID"]``, ``order=["ASTDT", "AESEQ"]``, ``flags={"AOCCFL": [], "AOCCSFL":
    ["AEBODSYS"], "AOCCPFL": ["AEBODSYS", "AEDECOD"]}``, ``filter`` TRTEMFL = "Y". Ties in ``order``
    keep the input order (stable sort), as dplyr does.
    """
    out = dataset
    for new_var, extra in flags.items():
        out = derive_var_extreme_flag(
            out, [*by_vars, *extra], order, new_var, filter, mode="first", na_position=na_position
        )
    return out if out is not dataset else dataset.copy()


def derive_var_aocci_flag(
    dataset: pd.DataFrame,
    by_vars: Sequence[str] = ("USUBJID",),
    new_var: str = "AOCCIFL",
    filter: Condition = None,  # noqa: A002
    *,
    severity_var: str = "ASEVN",
    start_var: str = "ASTDT",
    seq_var: str = "AESEQ",
) -> pd.DataFrame:
    """First occurrence of the most severe event (admiral ad_adae.R: order desc(ASEVN), ASTDTM, AESEQ,
    mode "first", filter TRTEMFL = "Y"): the highest severity, then the earliest start, then the
    lowest sequence number; missing severities and dates sort last."""
    out = derive_var_extreme_flag(
        dataset,
        list(by_vars),
        [f"-{severity_var}", start_var, seq_var],
        new_var,
        filter,
        mode="first",
        na_position="last",
    )
    out[new_var] = out[new_var].astype(object)
    return out
