"""Repeated record keys in one raw dataset.

An exact copy of a record (every non-key value equal) is harmless: the later copy is rejected with a
warning. A repeated key whose other values differ is a conflict nobody can resolve by rule: keeping
either copy would put an unverified value into the submission. At database lock both copies are
rejected with an error naming both data rows and every differing column, so the data manager resolves
it at the source (an EDC query) and reruns; nothing is picked silently.
"""

from __future__ import annotations

import pandas as pd

from sdtm_convert.common.provenance import SRC_FILE, SRC_ROW
from sdtm_convert.errors import ERROR, WARNING, Issue


def _where(frame: pd.DataFrame, pos: int) -> str:
    return f"{frame[SRC_FILE].iat[pos]} data row {int(frame[SRC_ROW].iat[pos])}"


def _conflict_issues(sub: pd.DataFrame, differs: pd.DataFrame, first_pos: pd.Series, keys: list[str],
                     key_text: pd.Series) -> list[Issue]:
    """One error per later copy that differs from the first copy of its key."""
    issues = []
    for pos in differs.any(axis=1).to_numpy().nonzero()[0]:  # per problem, not per record
        first = int(first_pos.iat[pos])
        cols = [c for c in differs.columns if differs.iat[pos, differs.columns.get_loc(c)]]
        what = "; ".join(f"{c} {sub[c].iat[first]!r} vs {sub[c].iat[pos]!r}" for c in cols)
        issues.append(Issue(
            "raw-duplicate-conflict", ERROR,
            f"records for {'+'.join(keys)} = {key_text.iat[pos]} in {_where(sub, first)} and {_where(sub, pos)} "
            f"differ in {what}; every copy of this key rejected (resolve at the source)",
            file=str(sub[SRC_FILE].iat[pos]), row=int(sub[SRC_ROW].iat[pos]), column=cols[0],
            value=str(sub[cols[0]].iat[pos])))
    return issues


def split_duplicates(frame: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame | None, list[Issue]]:
    """``(kept, rejected, issues)``: exact copies lose their later copy (warning ``raw-duplicate-record``);
    keys whose copies differ lose every copy (error ``raw-duplicate-conflict``). ``rejected`` carries
    ``__reason``; ``None`` when nothing repeats."""
    repeated = frame.duplicated(subset=keys, keep=False)
    if not repeated.any():
        return frame, None, []
    values = [c for c in frame.columns if c not in keys and not str(c).startswith("__")]
    sub = frame[repeated].reset_index(drop=True)
    gid = sub.groupby(keys, sort=False, dropna=False).ngroup()
    first_pos = pd.Series(range(len(sub)), index=sub.index).groupby(gid).transform("min")  # the key's first copy
    differs = sub[values].ne(sub[values].to_numpy()[first_pos.to_numpy()])
    conflict = differs.any(axis=1).groupby(gid).transform("any").to_numpy()
    key_text = sub[keys].astype(str).agg("/".join, axis=1)
    later_exact = ~conflict & sub.duplicated(subset=keys, keep="first").to_numpy()
    issues = _conflict_issues(sub, differs, first_pos, keys, key_text)
    for pos in later_exact.nonzero()[0]:
        issues.append(Issue("raw-duplicate-record", WARNING,
                            f"duplicate record for {'+'.join(keys)} = {key_text.iat[pos]} (an exact copy of "
                            f"{_where(sub, int(first_pos.iat[pos]))}); later copy rejected",
                            file=str(sub[SRC_FILE].iat[pos]), row=int(sub[SRC_ROW].iat[pos]), column=keys[0],
                            value=key_text.iat[pos]))
    reason = pd.Series("", index=sub.index, dtype=object)
    reason[later_exact] = "duplicate record on keys " + "+".join(keys) + " (exact copy; first copy kept)"
    reason[conflict] = "conflicting duplicate record on keys " + "+".join(keys) + " (every copy rejected)"
    drop_pos = conflict | later_exact
    rejected = sub[drop_pos].assign(__reason=reason[drop_pos].to_numpy())
    rep_index = frame.index[repeated.to_numpy()]
    kept = frame.drop(index=rep_index[drop_pos]).reset_index(drop=True)
    issues.sort(key=lambda i: (i.file or "", i.row or 0))
    return kept, rejected, issues
