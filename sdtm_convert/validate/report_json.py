"""JSON report: run metadata, the Issue Summary (root causes once, with their counts), counts per dataset × rule,
and every finding."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.common.atomic import atomic_open
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


def _number(v: Any) -> Any:
    """A JSON number: None for missing or not finite, int when whole (--SEQ 3.0 -> 3)."""
    if v is None or v is pd.NA or (isinstance(v, float) and not math.isfinite(v)):
        return None
    v = v.item() if hasattr(v, "item") else v
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _findings(f: pd.DataFrame) -> list[dict[str, Any]]:
    """The findings as JSON objects (no category: the rules list it), converted column by column."""
    cols = [c for c in f.columns if c != "category"]
    lists = []
    for c in cols:
        s = f[c]
        if pd.api.types.is_numeric_dtype(s.dtype):
            lists.append([_number(v) for v in s.astype(object).tolist()])
        else:
            lists.append(s.astype(object).where(s.notna(), None).tolist())
    return [dict(zip(cols, row)) for row in zip(*lists)]


def to_dict(report: ValidationReport, per_group: int | None = None) -> dict[str, Any]:
    """``per_group`` limits the findings listed per dataset × rule (all are counted)."""
    findings = _findings(capped(report, per_group).findings)
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
    doc = to_dict(report, per_group)
    findings, doc["findings"] = doc["findings"], _SLOT
    head, tail = json.dumps(doc, indent=1, ensure_ascii=False).split(json.dumps(_SLOT))
    with atomic_open(path, "w") as fh:  # one finding a line, each encoded by json's C encoder
        fh.write(head + "[")
        for i, f in enumerate(findings):
            fh.write(("\n  " if i == 0 else ",\n  ") + json.dumps(f, ensure_ascii=False))
        fh.write(("\n ]" if findings else "]") + tail + "\n")
    return path


_SLOT = "\u0000findings\u0000"  # stands for the findings while the rest is indented
