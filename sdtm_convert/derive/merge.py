"""``merge_vars``: copy per-subject values from another domain's records (admiral ``derive_vars_merged``).

For each USUBJID, the first (``which: first``, default) or last (``which: last``) non-empty value of a
column of ``from`` (a domain frame already mapped, e.g. DS; working columns such as ``__DTHDTC`` are
still there) is written to the named variable of the frame being derived. ``vars`` maps new variable →
source column; ``where`` (optional) keeps only the source records where a condition of the one condition
language holds (:mod:`sdtm_convert.spec.conditions`, text comparison: trimmed, case-insensitive), e.g.
``where: {DSDECOD: DEATH}`` (the shorthand: all of ``eq``) or ``where: {any: [{column: DSDECOD, op: eq,
value: DEATH}, {column: DSTERM, op: starts_with, value: DIED}]}``; the spec checks compile it before any
data is read. Order of records = the source frame's row
order. Subjects without a value get ``""``; an existing non-empty value of the variable is kept unless
``overwrite: true``.

YAML: ``{name: merge_vars, from: DS, vars: {DTHDTC: __DTHDTC}}``.
Issues: ``derive-domain-missing`` (no ``from`` frame), ``derive-variable-missing`` (source column absent).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sdtm_convert.derive._common import missing_columns, missing_domain, text
from sdtm_convert.derive.registry import DeriveContext, register
from sdtm_convert.errors import Issue
from sdtm_convert.spec import conditions


def first_value_per_subject(src: pd.DataFrame, column: str, which: str = "first") -> pd.Series:
    """Series indexed by USUBJID: the first/last non-empty ``column`` value in row order."""
    t = pd.DataFrame({"USUBJID": text(src, "USUBJID").to_numpy(), "v": text(src, column).str.strip().to_numpy()})
    t = t[t["v"] != ""]
    return t.drop_duplicates("USUBJID", keep="first" if which == "first" else "last").set_index("USUBJID")["v"]


@register("merge_vars", sets={}, extra=("from",), conditions=("where",))
def derive_merge_vars(
    df: pd.DataFrame,
    ctx: DeriveContext,
    vars: dict[str, str],  # noqa: A002 - the spec's parameter name
    which: str = "first",
    where: dict[str, Any] | None = None,  # a condition (spec/conditions.py)
    overwrite: bool = False,
    **params: Any,
) -> tuple[pd.DataFrame, list[Issue]]:
    source = params.get("from", "")
    src = ctx.domains.get(source)
    if src is None:
        return df.copy(deep=False), [missing_domain(ctx.domain, source, "merge_vars")]
    cond = conditions.compiled(where, "text") if where is not None else None
    reads = [name for _kind, name in cond.referenced_names()] if cond is not None else []
    issues = missing_columns(src, ["USUBJID", *vars.values(), *dict.fromkeys(reads)], ctx.domain, "merge_vars")
    if issues:
        return df.copy(deep=False), issues
    if cond is not None:
        src = src[cond.mask(src)]
    out = df.copy(deep=False)
    subj = text(df, "USUBJID")
    for new, col in vars.items():
        merged = subj.map(first_value_per_subject(src, col, which)).fillna("").astype(str)
        old = text(df, new)
        out[new] = merged if overwrite else old.where(old.str.strip() != "", merged)
    return out, []
