"""What every trial design builder shares: the issue and frame shapes, CT and required-value checks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.common.iso8601 import DURATION
from sdtm_convert.common.provenance import PROVENANCE, SRC_ROW
from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology
from sdtm_convert.standards.metadata import sdtmig_domain_variables

DURATION_RX = re.compile(f"^{DURATION}$")
NAME_RX = re.compile(r"^[A-Z][A-Z0-9_]{0,7}$")


def src_file(study: StudyConfig) -> str:
    return Path(study.path).name if study.path else "study.yaml"


def issue(
    code: str,
    severity: str,
    message: str,
    study: StudyConfig,
    row: int,
    dataset: str,
    variable: str | None = None,
    value: Any = None,
) -> Issue:
    return Issue(
        code,
        severity,
        message,
        file=src_file(study),
        row=row,
        dataset=dataset,
        variable=variable,
        value=None if value is None else str(value),
    )


def frame(domain: str, records: list[dict[str, Any]], study: StudyConfig, numeric: Iterable[str] = ()) -> pd.DataFrame:
    """SDTMIG-ordered frame (+ any TSVALn after TSVAL, + provenance), '' for missing text, float64 numerics."""
    std = list(sdtmig_domain_variables(domain)["name"])
    extra = sorted(
        {k for r in records for k in r} - set(std) - set(PROVENANCE),
        key=lambda c: int(c[5:]) if c.startswith("TSVAL") and c[5:].isdigit() else 0,
    )
    cols = std[: std.index("TSVAL") + 1] + extra + std[std.index("TSVAL") + 1 :] if extra else std
    cols = [*cols, *PROVENANCE]
    df = pd.DataFrame.from_records(records, columns=cols)
    df["STUDYID"] = study.studyid
    df["DOMAIN"] = domain
    for c in cols:
        if c in numeric:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        elif c == SRC_ROW:
            df[c] = df[c].astype("int64")
        else:
            df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
    return df


def check_term(
    ct: ControlledTerminology,
    codelist: str,
    value: str,
    study: StudyConfig,
    row: int,
    dataset: str,
    variable: str,
    issues: list[Issue],
) -> None:
    if not value:
        return
    cl = ct.codelist(codelist)
    if value not in cl.values:
        issues.append(
            issue(
                "ct-term-not-found",
                WARNING if cl.extensible else ERROR,
                f"{variable} {value!r} is not a term of codelist {cl.short_name} ({cl.code})",
                study,
                row,
                dataset,
                variable,
                value,
            )
        )


def required(value: str, study: StudyConfig, row: int, dataset: str, variable: str, issues: list[Issue]) -> None:
    if not str(value).strip():
        issues.append(issue("td-value-missing", ERROR, f"{variable} is required", study, row, dataset, variable))
