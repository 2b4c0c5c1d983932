"""HTML report: summary first, then the details with small inline filtering (no network, autoescaped)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from sdtm_convert.common.atomic import atomic_write_text
from sdtm_convert.common.html import environment
from sdtm_convert.validate.report import ValidationReport
from sdtm_convert.validate.report_json import to_dict

PER_GROUP = 200  # findings shown per dataset × rule in the HTML (JSON/XLSX hold all)


def _env() -> Environment:
    return environment("sdtm_convert.validate")


def render_html(report: ValidationReport) -> str:
    data = to_dict(report, PER_GROUP)  # only the listed findings are converted: reports can hold millions
    f = report.findings
    details = data["findings"]
    per_ds = f.groupby(["dataset", "severity"]).size().to_dict() if len(f) else {}
    datasets = [
        dict(d, errors=per_ds.get((d["dataset"], "error"), 0), warnings=per_ds.get((d["dataset"], "warning"), 0))
        for d in data["datasets"]
    ]
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            run=data["run"],
            date_line=report.date_line(),
            valid=report.valid,
            errors=report.errors,
            warnings=report.warnings,
            total=len(f),
            datasets=datasets,
            issue_summary=data["issue_summary"],
            details=details,
            shown=len(details),
            truncated=len(details) < len(f),
            per_group=PER_GROUP,
            ds_names=sorted({d["dataset"] for d in data["findings"] if d["dataset"]}),
            rule_names=sorted({d["rule"] for d in data["findings"]}),
            core="core_id" in f.columns,  # CORE rules run: every id and the CORE finding's why are shown
        )
    )


def write_html(report: ValidationReport, path: str | Path) -> Path:
    return atomic_write_text(path, render_html(report))
