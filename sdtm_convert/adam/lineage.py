"""ADaM lineage: one row per ADaM record → the SDTM dataset, variable and --SEQ it came from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sdtm_convert.adam.datasets import DATASETS
from sdtm_convert.common.text import number_text


def _source(name: str, descriptors: Mapping[str, Any] | None = None) -> tuple[str, str | None]:
    """Where a record of ``name`` comes from when it carries no SRCDOM/SRCSEQ of its own: the descriptor's
    ``lineage`` (SDTM dataset, --SEQ variable; ``descriptors``: those the datasets were built from, e.g. the
    study's ADaM specs, else the registered ones); nothing for a dataset not described."""
    ds = descriptors.get(name) if descriptors else DATASETS.get(name)
    return ds.lineage if ds is not None and ds.lineage else ("", None)


def adam_lineage(datasets: dict[str, pd.DataFrame], descriptors: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One row per ADaM record: dataset, record, USUBJID, PARAMCD, ASEQ → SDTM dataset, variable, --SEQ.

    Records derived from other ADaM records (e.g. responder parameters, NRI imputations) have no SDTM
    source of their own; their source columns are empty."""
    parts = []
    for name in sorted(datasets):
        df = datasets[name]
        n = len(df)
        blank = pd.Series([""] * n, index=df.index)
        dom, seqvar = _source(name, descriptors)
        src_dom = df["SRCDOM"].astype(str) if "SRCDOM" in df else pd.Series([dom] * n, index=df.index)
        src_var = df["SRCVAR"].astype(str) if "SRCVAR" in df else pd.Series([seqvar or "USUBJID"] * n, index=df.index)
        seq = df["SRCSEQ"] if "SRCSEQ" in df else (df[seqvar] if seqvar and seqvar in df else pd.Series(float("nan"), index=df.index))
        parts.append(pd.DataFrame({
            "dataset": name,
            "record": range(1, n + 1),
            "USUBJID": df["USUBJID"].astype(str) if "USUBJID" in df else blank,
            "PARAMCD": df["PARAMCD"].astype(str) if "PARAMCD" in df else blank,
            "ASEQ": number_text(df["ASEQ"]) if "ASEQ" in df else blank,
            "source_dataset": src_dom.to_numpy(),
            "source_variable": src_var.where(src_dom != "", "").to_numpy(),
            "source_seq": number_text(pd.Series(seq)).to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
