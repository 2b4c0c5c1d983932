"""Reconciliation: every raw row ends up in an output or in a reported reject.

Inputs are the raw frames read and the accounting rows the stages produced
(``file, row, domain, status, reason``). A raw row is *mapped* when any domain used it; otherwise it
is *rejected* when some stage said why; otherwise it is *unaccounted* (an error: the run cannot be
trusted).
"""

from __future__ import annotations

import pandas as pd

from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.io.raw import SRC_FILE, SRC_ROW, RawDataset
from sdtm_convert.mapping.engine import ACCOUNT_COLUMNS, MAPPED, REJECTED


def reconcile(raw: dict[str, RawDataset], accounting: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[Issue]]:
    """Return ``(summary per file, rejects, issues)``.

    ``summary``: one line per raw file (a file of no data rows too), file, rows_in_file (data records counted from the file's bytes, not by the CSV parser),
    rows_read, rows_mapped, rows_rejected, rows_unaccounted, and one
    ``to_<DOMAIN>`` column per domain with the number of raw rows that went to it.
    ``rejects``: file, row, reason (one line per rejected raw row, reasons joined).
    """
    read_parts = []
    for ds in raw.values():
        read_parts.append(ds.frame[[SRC_FILE, SRC_ROW]])
        if ds.rejected is not None:
            read_parts.append(ds.rejected[[SRC_FILE, SRC_ROW]])
    read = pd.concat(read_parts, ignore_index=True).rename(columns={SRC_FILE: "file", SRC_ROW: "row"})
    read["row"] = read["row"].astype("int64")
    acc = accounting[ACCOUNT_COLUMNS].copy() if len(accounting) else pd.DataFrame(columns=ACCOUNT_COLUMNS)
    dup_parts = [
        pd.DataFrame({"file": ds.rejected[SRC_FILE], "row": ds.rejected[SRC_ROW], "domain": "",
                      "status": REJECTED, "reason": ds.rejected["__reason"]})
        for ds in raw.values() if ds.rejected is not None and len(ds.rejected)
    ]
    if dup_parts:
        acc = pd.concat([acc, *dup_parts], ignore_index=True)
    acc["row"] = acc["row"].astype("int64")
    mapped = acc[acc["status"] == MAPPED]
    mapped_keys = mapped[["file", "row"]].drop_duplicates().assign(is_mapped=True)
    rejected = acc[acc["status"] == REJECTED]
    rej = (rejected.groupby(["file", "row"], sort=True)["reason"]
           .agg(lambda r: "; ".join(sorted(set(r)))).reset_index())
    status = read.merge(mapped_keys, on=["file", "row"], how="left").merge(rej, on=["file", "row"], how="left")
    status["is_mapped"] = status["is_mapped"].astype("boolean").fillna(False).astype(bool)
    status["is_rejected"] = ~status["is_mapped"] & status["reason"].notna()
    status["unaccounted"] = ~status["is_mapped"] & ~status["is_rejected"]

    summary = status.groupby("file", sort=True).agg(
        rows_read=("row", "size"),
        rows_mapped=("is_mapped", "sum"),
        rows_rejected=("is_rejected", "sum"),
        rows_unaccounted=("unaccounted", "sum"),
    )
    files = sorted({f for ds in raw.values() for f in ds.files} | set(summary.index))
    summary = summary.reindex(pd.Index(files, name="file"), fill_value=0)  # a file of no rows keeps its line
    per_domain = mapped[mapped["domain"] != ""].drop_duplicates(["file", "row", "domain"])
    if len(per_domain):
        counts = per_domain.pivot_table(index="file", columns="domain", values="row", aggfunc="size", fill_value=0)
        counts.columns = [f"to_{c}" for c in counts.columns]
        summary = summary.join(counts, how="left").fillna(0)
    summary = summary.astype("int64").reset_index()
    in_file = {f: n for ds in raw.values() for f, n in ds.records.items()}
    summary.insert(1, "rows_in_file", summary["file"].map(in_file).fillna(summary["rows_read"]).astype("int64"))
    issues_count = [
        Issue("raw-records-unread", ERROR, f"the file holds {n} data records (counted from its bytes) but {r} "
              "were read", file=f)
        for f, n, r in summary[["file", "rows_in_file", "rows_read"]].itertuples(index=False) if n != r
    ]

    rejects = status.loc[status["is_rejected"], ["file", "row", "reason"]].reset_index(drop=True)
    issues = [
        Issue("raw-row-unaccounted", ERROR, "raw row was neither mapped nor rejected by any domain spec", file=f, row=int(r))
        for f, r in status.loc[status["unaccounted"], ["file", "row"]].itertuples(index=False)
    ]
    return summary, rejects, issues_count + issues
