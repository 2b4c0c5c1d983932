"""The one result object: :class:`ValidationReport` (used by tests, the CLI and the three renderers)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sdtm_convert.errors import ERROR, INFO, WARNING, Issue

FINDING_COLUMNS = [
    "rule",
    "p21_id",
    "cdisc_id",
    "fda_id",
    "severity",
    "category",
    "dataset",
    "variable",
    "record",
    "usubjid",
    "seq",
    "value",
    "message",
    "records",  # records one finding stands for (terminology: one finding per term); empty = this record
]


@dataclass
class ValidationReport:
    standard: str
    ct_version: str
    define: str | None
    tool_version: str
    path: str | None
    findings: pd.DataFrame  # FINDING_COLUMNS, one row per finding
    datasets: list[dict[str, Any]]  # name, file, records, variables, label, domain, class
    rules: list[dict[str, Any]]  # catalogue rows of the rules that were run
    timing: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    started: str = ""

    @property
    def errors(self) -> int:
        return int((self.findings["severity"] == "error").sum())

    @property
    def warnings(self) -> int:
        return int((self.findings["severity"] == "warning").sum())

    @property
    def valid(self) -> bool:
        return self.errors == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.valid else 1

    def counts(self) -> dict[str, int]:
        return {s: int(n) for s, n in self.findings["severity"].value_counts().items()}

    def rule_ids(self) -> set[str]:
        return set(self.findings["rule"])

    def summary(self) -> pd.DataFrame:
        """Counts per dataset × rule (the Issue Summary)."""
        f = self.findings
        if f.empty:
            return pd.DataFrame(columns=["dataset", "rule", "p21_id", "severity", "category", "message", "count"])
        g = f.groupby(["dataset", "rule"], dropna=False, sort=True)
        out = g.agg(
            p21_id=("p21_id", "first"),
            severity=("severity", "first"),
            category=("category", "first"),
            message=("message", "first"),
            count=("rule", "size"),
        ).reset_index()
        return out

    def rule_summary(self) -> pd.DataFrame:
        f = self.findings
        if f.empty:
            return pd.DataFrame(columns=["rule", "p21_id", "severity", "message", "datasets", "count"])
        g = f.groupby("rule", sort=True)
        return (
            g.agg(
                p21_id=("p21_id", "first"),
                severity=("severity", "first"),
                message=("message", "first"),
                datasets=("dataset", lambda s: ", ".join(sorted(set(s.dropna().astype(str))))),
                count=("rule", "size"),
            )
            .reset_index()
            .sort_values("count", ascending=False, kind="stable")
        )

    def records(self) -> list[dict[str, Any]]:
        f = self.findings.astype(object).where(self.findings.notna(), None)
        return f.to_dict("records")

    def issues(self, severity: str | None = None) -> list[Issue]:
        """Findings as the project's typed :class:`Issue` records (code = rule id); ``severity`` keeps only
        the findings of that severity (converted alone: a large report can hold millions of warnings)."""
        sev = {"error": ERROR, "warning": WARNING, "notice": INFO}
        out = []
        source = self if severity is None else dataclasses.replace(
            self, findings=self.findings[self.findings["severity"] == severity])
        for r in source.records():
            out.append(
                Issue(
                    r["rule"],
                    sev[r["severity"]],
                    r["message"],
                    row=r["record"],
                    value=r["value"],
                    dataset=r["dataset"],
                    variable=r["variable"],
                    usubjid=r["usubjid"],
                    extra={k: r[k] for k in ("p21_id", "cdisc_id", "fda_id", "seq") if r[k] is not None},
                )
            )
        return out
