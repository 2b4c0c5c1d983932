"""One study's dataset made poolable by the pooling spec: renames, then CT version maps and recodes, then the MedDRA
term map (:mod:`sdtm_convert.spec.pooling`). Each change applied is recorded for the pooling report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.spec.pooling import MEDDRA_TARGETS, PoolingSpec, StudyRules


@dataclass
class Changes:
    """What the spec changed, as rows of the pooling report."""

    renames: list[dict[str, Any]] = field(default_factory=list)
    recodes: list[dict[str, Any]] = field(default_factory=list)
    meddra: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def harmonise(frame: pd.DataFrame, dataset: str, rules: StudyRules | None, spec: PoolingSpec,
              changes: Changes) -> pd.DataFrame:
    """``frame`` (one study's ``dataset``) with the study's rules of ``spec`` applied; ``frame`` is not changed."""
    if rules is None:
        return frame
    renames = {k: v for k, v in rules.rename.items() if k in frame.columns}
    kept = set(frame.columns) - set(renames)
    for old, new in list(renames.items()):
        if new in kept:  # the study has the pooled name already: renaming would give two columns one name
            changes.issues.append(Issue("pool-rename-collision", ERROR, f"study {rules.studyid}: {dataset} has both "
                                        f"{old} and {new}; the rename {old}: {new} would give two {new}", file=spec.file,
                                        line=rules.line, dataset=dataset, variable=new, extra={"study": rules.studyid}))
            del renames[old]
    out = frame.rename(columns=renames)
    changes.renames += [{"study": rules.studyid, "dataset": dataset, "from": k, "to": v} for k, v in renames.items()]
    for kind, maps in (("ct", rules.ct), ("recode", rules.recode)):
        for var, values in maps.items():
            if var in out.columns:
                out[var] = _recode(out[var], values, rules.studyid, dataset, var, kind, changes)
    for var, value in rules.assign.get(dataset, {}).items():
        out[var] = pd.Series(value if value is not None else "", index=out.index,
                             dtype="float64" if isinstance(value, int | float) else "str")
        changes.recodes.append({"study": rules.studyid, "dataset": dataset, "variable": var, "kind": "assign",
                                "from": "", "to": "" if value is None else str(value), "records": len(out)})
    if rules.meddra is not None and "AEDECOD" in out.columns:
        out = _meddra(out, dataset, rules, changes)
    return out


def unused_rules(rules: StudyRules, columns: set[str], spec: PoolingSpec) -> list[Issue]:
    """A rename or recode naming a variable none of the study's pooled datasets has: a warning at its spec line."""
    issues = []
    named = [("rename", v) for v in rules.rename] + [("ct", v) for v in rules.ct] + [("recode", v) for v in rules.recode]
    for part, var in named:
        have = columns if part == "rename" else columns | set(rules.rename.values())
        if var not in have:
            issues.append(Issue("pool-spec-variable-unused", WARNING,
                                f"study {rules.studyid}: {part} names {var}, which none of its pooled datasets has",
                                file=spec.file, line=rules.line, variable=var))
    return issues


def _recode(values: pd.Series, mapping: Any, study: str, dataset: str, var: str, kind: str,
            changes: Changes) -> pd.Series:
    numeric = pd.api.types.is_numeric_dtype(values)
    out = values.copy()
    for old, new in mapping.items():
        key = float(old) if numeric else str(old)
        hit = values == key
        n = int(hit.sum())
        if n:
            out = out.where(~hit, np.nan if new is None else (float(new) if numeric else str(new)))
        changes.recodes.append({"study": study, "dataset": dataset, "variable": var, "kind": kind,
                                "from": str(old), "to": "" if new is None else str(new), "records": n})
    return out


def _meddra(frame: pd.DataFrame, dataset: str, rules: StudyRules, changes: Changes) -> pd.DataFrame:
    """Recode the preferred term and the codes and SOC beside it by the study's term map."""
    assert rules.meddra is not None
    out = frame.copy()
    terms = rules.meddra.terms
    pts = frame["AEDECOD"].astype(str)
    for old in sorted(set(pts) & set(terms)):
        hit = pts == old
        new = terms[old]
        for column, targets in MEDDRA_TARGETS.items():
            for var in targets:
                if var in out.columns:
                    value: Any = new[column]
                    if pd.api.types.is_numeric_dtype(out[var]):
                        value = float(value) if value else np.nan
                    out.loc[hit, var] = value
        changes.meddra.append({"study": rules.studyid, "dataset": dataset, "from_pt": old, **new,
                               "from_version": rules.meddra.version_from, "records": int(hit.sum())})
    return out
