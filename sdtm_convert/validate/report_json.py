"""JSON report: run metadata, the findings, and a summary per dataset × rule."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from sdtm_convert.validate.report import ValidationReport


def _clean(v: Any) -> Any:
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    if hasattr(v, "item"):  # numpy scalars
        return _clean(v.item())
    return v


def to_dict(report: ValidationReport) -> dict[str, Any]:
    findings = [{k: _clean(v) for k, v in r.items() if k != "category"} for r in report.records()]
    for f in findings:
        if f.get("seq") is not None and float(f["seq"]).is_integer():
            f["seq"] = int(f["seq"])
    summary = [{k: _clean(v) for k, v in r.items()} for r in report.summary().to_dict("records")]
    return {
        "run": {
            "tool": "sdtm-convert validate",
            "tool_version": report.tool_version,
            "standard": report.standard,
            "ct_version": report.ct_version,
            "define": report.define,
            "path": report.path,
            "started": report.started,
            "timing": report.timing,
            "notes": report.notes,
        },
        "counts": {
            "errors": report.errors,
            "warnings": report.warnings,
            "findings": len(report.findings),
            "by_severity": report.counts(),
        },
        "valid": report.valid,
        "datasets": [{k: _clean(v) for k, v in d.items()} for d in report.datasets],
        "summary": summary,
        "findings": findings,
        "rules": report.rules,
    }


def write_json(report: ValidationReport, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(to_dict(report), fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path
