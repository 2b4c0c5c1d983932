"""The one result object: :class:`ValidationReport` (used by tests, the CLI and the three renderers)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common.text import plural
from sdtm_convert.errors import ERROR, INFO, WARNING, Issue

_RECORD_COUNT = r", \d+ records?$"  # how a per-term finding's message ends (validate/rules/terminology.py)

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
    "cause",  # the root cause shared with other findings (validate/causes.py); empty = none known
]


SEVERITIES = ("error", "warning", "notice")  # worst first
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _joined(s: pd.Series) -> str:
    return ", ".join(sorted({str(x) for x in s.dropna().unique() if str(x)}))


def _stripped(messages: pd.Series) -> pd.Series:
    """Messages without a per-term record count (each distinct message stripped once)."""
    codes, uniq = pd.factorize(messages, use_na_sentinel=True)
    table = np.array([re.sub(_RECORD_COUNT, "", str(m)) for m in uniq] + [None], dtype=object)
    return pd.Series(table[codes], index=messages.index, dtype=object)


def _messages(s: pd.Series) -> str:
    """Distinct messages of a group ("; " apart: messages hold commas)."""
    return "; ".join(sorted({str(x) for x in s.dropna().unique() if str(x)}))


@dataclass
class ValidationReport:
    """The findings of one validation (one row per finding in ``findings``) with what was validated and how.

    ``errors`` / ``warnings`` / ``notices`` count findings by severity; ``valid`` is no error; ``summary()``
    counts per dataset × rule, ``rule_summary()`` per rule, ``issue_summary()`` per root cause (else rule × message).
    ``repr`` is one line; in a notebook the report
    shows as a small table (counts by severity, the rules with most findings)."""

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
    started: str = ""  # when this validation started (UTC clock); "" when the report carries a package date
    package_date: str = ""  # set by ``run``: the package's fixed date, so its report files are reproducible
    package_date_source: str = ""  # where package_date comes from, e.g. "study.yaml created"

    def date_line(self) -> str:
        """The report's one date, labelled for what it is."""
        if self.package_date:
            return (f"package date {self.package_date} (from {self.package_date_source or 'the package'}; "
                    "not the date of the validation)")
        return f"validation started {self.started} (clock of the validating machine)" if self.started else ""

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

    @property
    def notices(self) -> int:
        return int((self.findings["severity"] == "notice").sum())

    def __repr__(self) -> str:
        """One line: ``<ValidationReport sdtmig-3.4: 31 datasets, 2 errors, 5 warnings, 1 notice; valid=False>``."""
        counts = ", ".join(plural(n, what) for n, what in
                           ((len(self.datasets), "dataset"), (self.errors, "error"), (self.warnings, "warning"),
                            (self.notices, "notice")))
        return f"<ValidationReport {self.standard}: {counts}; valid={self.valid}>"

    def _repr_html_(self) -> str:
        """A notebook's view: findings by severity, then the rules with most findings (text escaped)."""
        return report_html_summary(self)

    def counts(self) -> dict[str, int]:
        return {s: int(n) for s, n in self.findings["severity"].value_counts().items()}

    def rule_ids(self) -> set[str]:
        return set(self.findings["rule"])

    def summary(self) -> pd.DataFrame:
        """Counts per dataset × rule × message (the Issue Summary): a rule that says different things in one
        dataset (SC-CT-002 about TSPARM and about DICTNAM in TS) has a row for each."""
        f = self.findings
        cols = ["dataset", "rule", "p21_id", "severity", "category", "message", "count"]
        if f.empty:
            return pd.DataFrame(columns=cols)
        g = f.groupby(["dataset", "rule", "message"], dropna=False, sort=True)
        out = g.agg(
            p21_id=("p21_id", "first"),
            severity=("severity", "first"),
            category=("category", "first"),
            count=("rule", "size"),
        ).reset_index()
        return out[cols]

    def _keyed(self) -> pd.DataFrame:
        """The findings with the message stripped of a per-term record count, ``_records`` (records a finding
        stands for) and ``_where`` (dataset.variable)."""
        f = self.findings
        per_term = f["records"] if "records" in f.columns else pd.Series(float("nan"), index=f.index)
        d, v = (f[c].astype(object).where(f[c].notna(), "").astype(str) for c in ("dataset", "variable"))
        return f.assign(
            _where=d + np.where((d != "") & (v != ""), ".", "") + v,
            message=_stripped(f["message"]),
            _records=pd.to_numeric(per_term, errors="coerce").fillna(1).astype("int64"),
        )

    def rule_summary(self) -> pd.DataFrame:
        """Counts per rule × message, most findings first: one rule can say different things (SC-CT-002 about
        UNIT in EX and about QSCAT in QS), and those are separate rows. A per-term finding's record count
        (", 3 records" ending its message) does not split a row: ``records`` sums them (the number of records
        the row's findings stand for; equal to ``count`` for per-record rules). ``datasets`` lists the datasets
        and ``where`` the dataset.variable pairs (both "" for package-level findings)."""
        cols = ["rule", "p21_id", "severity", "message", "datasets", "where", "count", "records"]
        if self.findings.empty:
            return pd.DataFrame(columns=cols)
        g = self._keyed().groupby(["rule", "message"], sort=True)
        return (
            g.agg(
                p21_id=("p21_id", "first"),
                severity=("severity", "first"),
                datasets=("dataset", _joined),
                where=("_where", _joined),
                count=("rule", "size"),
                records=("_records", "sum"),
            )
            .reset_index()
            .sort_values("count", ascending=False, kind="stable")[cols]
        )

    def issue_summary(self) -> pd.DataFrame:
        """The Issue Summary: a root cause that explains two findings or more is one row, whatever rules,
        datasets and variables it spans (``cause`` names it, ``rules`` counts the rules, ``rule``/``p21_id``
        list them, ``severity`` is the worst); the other findings are counted per rule × message as in
        :meth:`rule_summary`. ``count`` = findings, ``records`` = the records they stand for; most findings
        first. The findings themselves (the Details) are untouched."""
        cols = ["cause", "rule", "p21_id", "severity", "message", "datasets", "where", "rules", "count", "records"]
        if self.findings.empty:
            return pd.DataFrame(columns=cols)
        f = self._keyed()
        cause = f["cause"] if "cause" in f.columns else pd.Series(None, index=f.index, dtype=object)
        cause = cause.astype(object).where(cause.notna(), None)
        shared = cause.notna() & cause.map(cause.value_counts()).fillna(0).ge(2)
        f = f.assign(
            _cause=cause.where(shared, ""),
            _rule=f["rule"].where(~shared, ""),
            _msg=f["message"].where(~shared, ""),
            _rank=f["severity"].map(_RANK).fillna(len(_RANK)),
        )
        out = (
            f.groupby(["_cause", "_rule", "_msg"], sort=True, dropna=False)
            .agg(
                cause=("_cause", "first"),
                rule=("rule", _joined),
                p21_id=("p21_id", _joined),
                _rank=("_rank", "min"),
                message=("message", _messages),
                datasets=("dataset", _joined),
                where=("_where", _joined),
                rules=("rule", "nunique"),
                count=("rule", "size"),
                records=("_records", "sum"),
            )
            .reset_index(drop=True)
        )
        out["severity"] = [SEVERITIES[int(r)] if r < len(SEVERITIES) else "" for r in out["_rank"]]
        return out.sort_values(["count", "records"], ascending=False, kind="stable")[cols].reset_index(drop=True)

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


TOP_RULES = 10  # rules listed in a notebook's view of a report



def report_html_summary(report: ValidationReport, top: int = TOP_RULES) -> str:
    """A small HTML table of findings by severity and the ``top`` rules with most findings."""
    from html import escape

    sev = "".join(f"<tr><td>{s}</td><td>{n}</td></tr>" for s, n in
                  (("error", report.errors), ("warning", report.warnings), ("notice", report.notices)))
    summary = report.rule_summary()
    rules = summary.head(top)
    rows = "".join(
        f"<tr><td>{escape(str(r.rule))}</td><td>{escape(str(r.severity))}</td><td>{int(r.count)}</td>"
        f"<td>{escape(str(r.datasets))}</td><td>{escape(str(r.message))}</td></tr>"
        for r in rules.itertuples(index=False))
    more = len(summary) - len(rules)
    verdict = "valid" if report.valid else "not valid"
    return (
        f"<div><p><b>{escape(report.standard)}</b>, CT {escape(report.ct_version)}: "
        f"{plural(len(report.datasets), 'dataset')}, {verdict}</p>"
        f"<table><thead><tr><th>severity</th><th>findings</th></tr></thead><tbody>{sev}</tbody></table>"
        + (f"<table><thead><tr><th>rule</th><th>severity</th><th>findings</th><th>datasets</th><th>message</th>"
           f"</tr></thead><tbody>{rows}</tbody></table>" if len(rules) else "")
        + (f"<p>and {plural(more, 'more rule')} with findings</p>" if more > 0 else "")
        + "</div>"
    )


def tool_version() -> str:
    from sdtm_convert.version import __version__

    return str(__version__)


def findings_frame(chunks: list[pd.DataFrame]) -> pd.DataFrame:
    """The findings chunks as one FINDING_COLUMNS frame, with the report's column types (also for none)."""
    f = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=FINDING_COLUMNS)
    f["record"] = f["record"].astype("Int64")
    f["seq"] = pd.to_numeric(f["seq"], errors="coerce")
    f["records"] = pd.to_numeric(f["records"], errors="coerce").astype("Int64")
    return f
