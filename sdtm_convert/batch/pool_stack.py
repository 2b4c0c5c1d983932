"""Stack one dataset of several studies: the variables (the union, or the spec's ``keep``), their types (Num in one
study and Char in another is an error unless the spec's ``types`` says which) and the subject checks."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sdtm_convert.common.text import number_text
from sdtm_convert.errors import ERROR, INFO, Issue
from sdtm_convert.spec.pooling import PoolingSpec


def kind(values: pd.Series) -> str:
    return "Num" if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) else "Char"


def variables(dataset: str, parts: Mapping[str, pd.DataFrame], spec: PoolingSpec) -> list[str]:
    """The pooled variables in order: the spec's ``keep``, else the first study's, then each later study's new ones
    (less the spec's ``drop``)."""
    if dataset in spec.keep:
        return list(spec.keep[dataset])
    dropped = set(spec.drop.get(dataset, ()))
    return list(dict.fromkeys(c for frame in parts.values() for c in frame.columns if c not in dropped))


def types(dataset: str, parts: Mapping[str, pd.DataFrame], names: list[str], spec: PoolingSpec,
          renamed: Mapping[str, Mapping[str, str]]) -> tuple[dict[str, str], list[Issue]]:
    """Each pooled variable's type; a clash the spec does not settle is an error naming the studies."""
    out, issues = {}, []
    for var in names:
        kinds = {sid: kind(f[var]) for sid, f in parts.items() if var in f.columns}
        found = set(kinds.values())
        if len(found) <= 1:
            out[var] = found.pop() if found else "Char"
        elif var in spec.types:
            out[var] = spec.types[var]
        else:
            out[var] = "Char"
            issues.append(_clash(dataset, var, kinds, spec, renamed))
    return out, issues


def _clash(dataset: str, var: str, kinds: Mapping[str, str], spec: PoolingSpec,
           renamed: Mapping[str, Mapping[str, str]]) -> Issue:
    said = ", ".join(f"{k} in {sid}" for sid, k in kinds.items())
    via = next((sid for sid in kinds if var in renamed.get(sid, {}).values()), None)
    where = f"study {via}'s rename makes it {var}; " if via else ""
    return Issue("pool-type-clash", ERROR,
                 f"{dataset}.{var} is {said}: {where}say which in the spec (types: {{{var}: Char}} or Num)",
                 file=spec.file, line=spec.line_of(f"studies.{via}") if via else spec.line_of("pool"),
                 dataset=dataset, variable=var, extra={"studies": dict(kinds)})


def conform(frame: pd.DataFrame, sid: str, dataset: str, names: list[str], typed: Mapping[str, str],
            spec: PoolingSpec) -> tuple[pd.DataFrame, list[Issue]]:
    """One study's frame with the pooled variables, in order and typed; a variable it lacks is null (noted)."""
    issues: list[Issue] = []
    columns = {}
    for var in names:
        if var not in frame.columns:
            columns[var] = pd.Series(np.nan if typed[var] == "Num" else "", index=frame.index,
                                     dtype="float64" if typed[var] == "Num" else "str")
            issues.append(Issue("pool-variable-missing", INFO, f"study {sid} has no {dataset}.{var}: null in its "
                                f"{len(frame)} records", dataset=dataset, variable=var, extra={"study": sid}))
            continue
        values, issue = _as(frame[var], typed[var], sid, dataset, var, spec)
        columns[var] = values
        if issue:
            issues.append(issue)
    return pd.DataFrame(columns, index=frame.index), issues


def _as(values: pd.Series, want: str, sid: str, dataset: str, var: str, spec: PoolingSpec) -> tuple[pd.Series, Issue | None]:
    if kind(values) == want:
        return values, None
    if want == "Char":
        return number_text(values), None
    text = values.astype(str).str.strip()
    num = pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")
    bad = num.isna() & (text != "")
    if not bad.any():
        return num, None
    pos = int(np.flatnonzero(bad.to_numpy())[0])
    return num, Issue("pool-type-convert", ERROR, f"study {sid}: {dataset}.{var} holds text that is not a number, "
                      f"so it cannot be Num as the spec's types say", file=spec.file, line=spec.line_of(f"types.{var}"),
                      dataset=dataset, variable=var, row=pos + 1, value=str(text.iloc[pos]), extra={"study": sid})


def subject_issues(adsl: Mapping[str, pd.DataFrame], others: Mapping[str, Mapping[str, pd.DataFrame]],
                   files: Mapping[tuple[str, str], str]) -> list[Issue]:
    """Every subject once in the pooled ADSL (a USUBJID in two studies names both); every record of another
    pooled dataset has a STUDYID and a subject of the pooled ADSL of that study."""
    issues: list[Issue] = []
    first: dict[str, str] = {}
    members = {sid: set(frame["USUBJID"].astype(str)) for sid, frame in adsl.items()}
    for sid, frame in adsl.items():
        for row, subject in enumerate(frame["USUBJID"].astype(str), start=1):
            if subject in first:
                issues.append(Issue("pool-subject-duplicate", ERROR, f"subject {subject} is in ADSL of study "
                                    f"{first[subject]} and of study {sid}", file=files[(sid, "ADSL")], row=row,
                                    dataset="ADSL", usubjid=subject, extra={"studies": [first[subject], sid]}))
            else:
                first[subject] = sid
    for dataset, parts in others.items():
        for sid, frame in parts.items():
            issues += _orphans(dataset, sid, frame, members.get(sid, set()), files[(sid, dataset)])
    return issues


def _orphans(dataset: str, sid: str, frame: pd.DataFrame, subjects_in: set[str], file: str) -> list[Issue]:
    issues = []
    for col in ("STUDYID", "USUBJID"):
        if col not in frame.columns:
            return [Issue("pool-variable-required", ERROR, f"{dataset} of study {sid} has no {col}", file=file,
                          dataset=dataset, variable=col)]
    studies = frame["STUDYID"].astype(str).str.strip()
    subjects = frame["USUBJID"].astype(str)
    wrong = np.flatnonzero((studies != sid).to_numpy())
    if len(wrong):
        issues.append(Issue("pool-studyid-wrong", ERROR, f"{len(wrong)} {dataset} records of study {sid} have another "
                            "STUDYID", file=file, row=int(wrong[0]) + 1, dataset=dataset, variable="STUDYID",
                            value=str(studies.iloc[wrong[0]])))
    missing = np.flatnonzero(~subjects.isin(subjects_in).to_numpy(dtype=bool))
    if len(missing):
        issues.append(Issue("pool-subject-unknown", ERROR, f"{len(missing)} {dataset} records of study {sid} are of "
                            "subjects not in its ADSL", file=file, row=int(missing[0]) + 1, dataset=dataset,
                            usubjid=str(subjects.iloc[missing[0]])))
    return issues
