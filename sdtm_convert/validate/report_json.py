"""JSON report: run metadata, the Issue Summary (root causes once, with their counts), counts per dataset × rule,
and every finding."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from sdtm_convert.atomic import atomic_open
from sdtm_convert.validate.report import ValidationReport


def _clean(v: Any) -> Any:
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if hasattr(v, "item"):  # numpy scalars
        return _clean(v.item())
    return v


def capped(report: ValidationReport, per_group: int | None) -> ValidationReport:
    """The report with at most ``per_group`` findings listed per dataset × rule (as Pinnacle 21's issue
    limit); counts and the summary are computed from the full report by the callers."""
    f = report.findings
    if per_group is None or not len(f):
        return report
    return dataclasses.replace(report, findings=f.groupby(["dataset", "rule"], dropna=False, sort=False).head(per_group))


def _issue_row(r: dict[str, Any]) -> dict[str, Any]:
    """An Issue Summary row: rules, datasets and variables as lists, cause None when the row is a rule × message."""
    out = {k: _clean(v) for k, v in r.items()}
    for k in ("rule", "p21_id", "datasets", "where"):
        out[k] = [x for x in str(out[k] or "").split(", ") if x]
    out["rules"], out["p21_ids"] = out.pop("rule"), out.pop("p21_id")
    out["cause"] = out["cause"] or None
    return out


def to_dict(report: ValidationReport, per_group: int | None = None) -> dict[str, Any]:
    """``per_group`` limits the findings listed per dataset × rule (all are counted)."""
    listed = capped(report, per_group)
    findings = [{k: _clean(v) for k, v in r.items() if k != "category"} for r in listed.records()]
    for f in findings:
        if f.get("seq") is not None and float(f["seq"]).is_integer():
            f["seq"] = int(f["seq"])
    summary = [{k: _clean(v) for k, v in r.items()} for r in report.summary().to_dict("records")]
    issues = [_issue_row(r) for r in report.issue_summary().to_dict("records")]
    return {
        "run": {
            "tool": "sdtm-convert validate",
            "tool_version": report.tool_version,
            "standard": report.standard,
            "ct_version": report.ct_version,
            "define": report.define,
            "path": report.path,
            "started": report.started or None,
            "package_date": report.package_date or None,
            "package_date_source": report.package_date_source or None,
            "timing": report.timing,
            "notes": report.notes,
        },
        "counts": {
            "errors": report.errors,
            "warnings": report.warnings,
            "findings": len(report.findings),
            "listed": len(findings),
            "listed_per_dataset_rule": per_group,
            "by_severity": report.counts(),
        },
        "valid": report.valid,
        "datasets": [{k: _clean(v) for k, v in d.items()} for d in report.datasets],
        "issue_summary": issues,
        "summary": summary,
        "findings": findings,
        "rules": report.rules,
    }


def write_json(report: ValidationReport, path: str | Path, per_group: int | None = None) -> Path:
    path = Path(path)
    with atomic_open(path, "w") as fh:
        json.dump(to_dict(report, per_group), fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    return path
