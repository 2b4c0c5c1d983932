"""Map every domain of a study: DM first (the others' records are checked against its subjects), into a store."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sdtm_convert.common.store import FrameStore
from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.io.raw import SRC_FILE, SRC_ROW, RawDataset
from sdtm_convert.mapping.engine import ACCOUNT_COLUMNS, REJECTED, MappedDomain, map_domain
from sdtm_convert.spec.model import StudySpec

SUBJECT_FREE = {"TS", "TA", "TE", "TV", "TI"}  # domains without subjects: not checked against DM


def reject_orphans(code: str, m: MappedDomain, subjects: pd.Index) -> tuple[list[Issue], list[pd.DataFrame]]:
    """Records of subjects not in DM are rejected (error): they cannot be submitted."""
    if code == "DM" or code in SUBJECT_FREE or "USUBJID" not in m.frame:
        return [], []
    orphan = ~m.frame["USUBJID"].isin(subjects)
    if not orphan.any():
        return [], []
    bad = m.frame[orphan]
    issues = [Issue("subject-not-in-dm", ERROR, f"{code} record for a subject that is not in DM; rejected",
                    file=f, row=int(r), column="USUBJID", value=u, dataset=code, usubjid=u)
              for f, r, u in zip(bad[SRC_FILE], bad[SRC_ROW], bad["USUBJID"])]
    account = pd.DataFrame({"file": bad[SRC_FILE].to_numpy(), "row": bad[SRC_ROW].to_numpy(), "domain": code,
                            "status": REJECTED, "reason": "subject not in DM"})
    m.frame = m.frame[~orphan].reset_index(drop=True)
    # a raw row whose only records were orphans must not count as mapped to this domain
    rows = pd.MultiIndex.from_frame(m.accounting[["file", "row"]])
    only_orphans = (rows.isin(pd.MultiIndex.from_arrays([bad[SRC_FILE], bad[SRC_ROW]]))
                    & ~rows.isin(pd.MultiIndex.from_arrays([m.frame[SRC_FILE], m.frame[SRC_ROW]])))
    m.accounting = m.accounting[~((m.accounting["domain"] == code) & (m.accounting["status"] == "mapped")
                                  & only_orphans)]
    return issues, [account]


def map_study(spec: StudySpec, raw: dict[str, RawDataset], ct: Any,
              frames: FrameStore) -> tuple[dict[str, MappedDomain], list[Issue], pd.DataFrame]:
    """Map every domain into ``frames``; the returned MappedDomains keep their accounting and origins, not their
    records. Returns them (spec order), the issues (spec order, the orphan rejections after all mapping issues)
    and the accounting of every raw row (mapped or rejected, per domain), orphans included."""
    order = sorted(spec.domains, key=lambda d: d.domain != "DM")
    mapped: dict[str, MappedDomain] = {}
    orphan_issues: dict[str, list[Issue]] = {}
    orphan_accounts: list[pd.DataFrame] = []
    subjects = None
    for d in order:
        m = map_domain(d, raw, ct)
        if d.domain == "DM":
            subjects = pd.Index(m.frame["USUBJID"].unique())
        if subjects is not None:
            orphan_issues[d.domain], accounts = reject_orphans(d.domain, m, subjects)
            orphan_accounts += accounts
        frames[d.domain] = m.frame
        m.frame = m.frame.iloc[0:0]
        mapped[d.domain] = m
    mapped = {d.domain: mapped[d.domain] for d in spec.domains}  # back in spec order
    issues = [i for m in mapped.values() for i in m.issues]
    issues += [i for code in mapped for i in orphan_issues.get(code, [])]
    parts = [m.accounting for m in mapped.values()] + orphan_accounts
    accounting = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ACCOUNT_COLUMNS)
    return mapped, issues, accounting
