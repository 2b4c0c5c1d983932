"""``pasi_scores``: the PASI sub-scores and total as derived records (the scoring itself is in
:mod:`sdtm_convert.derive.pasi.scoring`; this module is its derivation descriptor and adapter)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.derive.pasi.derived import derived_records
from sdtm_convert.derive.pasi.layout import pasi_items, pasi_prefix
from sdtm_convert.derive.pasi.records import item_values, layout_item, record_issue, text_column, wide
from sdtm_convert.derive.pasi.scoring import item_out_of_range, score_tenths
from sdtm_convert.derive.registry import DeriveContext, register
from sdtm_convert.errors import ERROR, WARNING, Issue


def _default_by(df: pd.DataFrame, p: str) -> list[str]:
    """USUBJID + the visit columns present (VISITNUM, VISIT); the assessment date when there is no visit."""
    visit = [c for c in ("VISITNUM", "VISIT") if c in df.columns]
    return ["USUBJID", *(visit or [f"{p}DTC"])]


@register("pasi_scores", sets={"--DRVFL": "Y on records derived by the sponsor (PASI sub-scores and total, exact integer arithmetic)"})
def derive_pasi_scores(
    df: pd.DataFrame,
    ctx: DeriveContext,
    *,
    by: list[str] | None = None,
    keep_missing: bool = False,
    prefix: str | None = None,
) -> tuple[pd.DataFrame, list[Issue]]:
    """Append the 13 derived PASI records (S, S×A, S×A×w per region, total) per assessment.

    ``df``: long findings frame (QS or RS) with the collected PASI items (``--TESTCD`` of the layout
    chosen by ``study.pasi``); other tests pass through untouched. An assessment is one group of
    ``by`` (default ``USUBJID`` + ``VISITNUM``/``VISIT`` where present, else ``--DTC``). Derived records
    carry the columns of the assessment's first item record (visit, date, provenance), with
    ``--DRVFL = "Y"``, ``--ORRES = ""``, ``--STRESC`` the exact text and ``--STRESN`` the number.
    Scores that cannot be derived (missing item) get no record unless ``keep_missing``.
    Sub-scores/totals already in ``df`` are replaced (captured ones, ``--DRVFL`` not "Y", are reported).
    """
    p = (prefix or pasi_prefix(ctx.study)).upper()
    layout = pasi_items(ctx.study)
    by = list(by) if by else _default_by(df, p)
    missing_cols = [c for c in [f"{p}TESTCD", *by] if c not in df.columns]
    if missing_cols:
        return df.copy(deep=False), [
            Issue(
                "derive-column-missing",
                ERROR,
                f"pasi_scores needs columns {missing_cols}",
                dataset=p,
                variable=missing_cols[0],
            )
        ]
    item_no = layout_item(df, p, layout)
    issues: list[Issue] = []

    old = item_no > 16
    kept = df
    if old.any():
        drvfl = text_column(df, f"{p}DRVFL").to_numpy()
        for _, rec in df[old & (drvfl != "Y")].iterrows():
            issues.append(
                record_issue(
                    "pasi-captured-score-replaced",
                    WARNING,
                    "a captured PASI sub-score/total is replaced by the derived one",
                    rec,
                    p,
                )
            )
        kept = df[~old]
    if f"{p}DRVFL" not in kept.columns:
        kept = kept.assign(**{f"{p}DRVFL": ""})

    is_item = (item_no >= 1) & (item_no <= 16)
    if not is_item.any():
        return kept.reset_index(drop=True), issues
    sub = df if is_item.all() else df[is_item]
    item = item_no[is_item]
    values, bad_text, _ = item_values(sub, p)
    bad = bad_text | item_out_of_range(item, values)
    for pos in np.flatnonzero(bad):
        issues.append(
            record_issue(
                "pasi-item-out-of-range",
                ERROR,
                "PASI item must be an integer 0-4 (E/I/D) or 0-6 (area); treated as missing",
                sub.iloc[pos],
                p,
                with_value=True,
            )
        )
    values = np.where(bad, np.nan, values)

    gid = sub.groupby(by, sort=False, dropna=False).ngroup().to_numpy()
    arr, conflict = wide(gid, item, values, int(gid.max()) + 1)
    for pos in np.flatnonzero(conflict):
        issues.append(
            record_issue(
                "pasi-item-duplicate",
                ERROR,
                "PASI item recorded more than once with different values; treated as missing",
                sub.iloc[pos],
                p,
                with_value=True,
            )
        )
    scores, present = score_tenths(arr)
    out = derived_records(sub, gid, p, layout, scores, present, keep_missing)
    new = [c for c in out.columns if c not in kept.columns]  # e.g. --TEST when the input had only --TESTCD
    if new:
        kept = kept.assign(**{c: (np.nan if pd.api.types.is_numeric_dtype(out[c]) else "") for c in new})
    return pd.concat([kept, out], ignore_index=True), issues
