"""The conformance result of a package a run wrote: counts by severity, extended terms, and every warning
left, grouped, with its reason (for the run's headline, ``--json`` and the conversion report)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.common.part import Part
from sdtm_convert.common.text import plural
from sdtm_convert.errors import INFO, Issue
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.validate.report import ValidationReport
from sdtm_convert.validate.rules.terminology import EXTENDED_TERM

LABELS = {"sdtm": "SDTM", "adam": "ADaM"}


@dataclass(frozen=True)
class Conformance:
    kind: str  # sdtm | adam
    standard: str  # e.g. sdtmig-3.4
    errors: int
    warnings: int
    notices: int
    extended_terms: int  # warnings that are sponsor terms declared in define.xml as extended values
    report: str  # HTML report, relative to the run's output folder
    left: list[dict[str, Any]] = field(default_factory=list)  # warnings left, grouped, each with its reason

    def headline(self, out: str) -> str:
        """``SDTM conformance 0 errors / 1 warning (1 extended term) -> build/reports/validation-sdtm.html``."""
        ext = f" ({plural(self.extended_terms, 'extended term')})" if self.extended_terms else ""
        return (f"{LABELS.get(self.kind, self.kind)} conformance {plural(self.errors, 'error')} / "
                f"{plural(self.warnings, 'warning')}{ext} -> {out.rstrip('/')}/{self.report}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)



def is_extended_term(findings: pd.DataFrame) -> pd.Series:
    """Mask of the findings that are a sponsor term declared in define.xml as an extended value."""
    return findings["message"].astype(str).str.startswith(EXTENDED_TERM)


def _reason(rule: str, dataset: Any, message: str, value: Any, extended: bool, mapped: frozenset[str] | None) -> str:
    if extended:
        return (f"{value!r} is a sponsor term added to the extensible codelist; "
                'define.xml declares it as an extended value (def:ExtendedValue="Yes")')
    missing = dataset is None and message.startswith("Missing ") and message.endswith(" dataset") and value
    if missing and mapped is not None and value not in mapped:
        return f"the study collected no {value} data: the spec maps no raw dataset to {value}"
    return f"no reason recorded; review the finding ({rule}: {message})"


def conformance(kind: str, report: ValidationReport, report_path: str,
                mapped: frozenset[str] | None = None) -> Conformance:
    """The summary of one package's validation; ``report_path`` is the HTML report, relative to the output;
    ``mapped``: the domains the study's spec maps raw data to (a missing domain outside it was not collected)."""
    f = report.findings
    warn = f[f["severity"] == "warning"]
    ext = is_extended_term(warn)
    left = []
    if len(warn):
        g = warn.assign(
            term=warn["value"].where(warn["records"].notna(), None),
            n=warn["records"].fillna(1).astype("int64"),
            ext=ext,
        )
        keys = ["dataset", "variable", "rule", "message", "term", "ext"]
        for k, grp in g.groupby(keys, dropna=False, sort=True):
            dataset, variable, rule, message, term, is_ext = (None if pd.isna(x) else x for x in k)
            value = term if term is not None else (grp["value"].iloc[0] if dataset is None else None)
            left.append({"rule": rule, "dataset": dataset, "variable": variable, "value": value,
                         "records": int(grp["n"].sum()), "message": message,
                         "reason": _reason(str(rule), dataset, str(message), value, bool(is_ext), mapped)})
    left.sort(key=lambda w: (w["dataset"] or "", w["variable"] or "", w["rule"], str(w["value"])))
    counts = report.counts()
    return Conformance(kind, report.standard, report.errors, report.warnings, counts.get("notice", 0),
                       int(ext.sum()), report_path, left)


VALIDATION_DETAIL_LIMIT = 1000  # findings listed per dataset × rule in run's validation JSON (all are counted)


def run_validator(kind: str, standard: str, frames: Mapping[str, pd.DataFrame], metas: dict[str, DatasetMeta],
                  study: Any, out: Path, define: Path | None = None, mapped: frozenset[str] | None = None) -> Part:
    """The conformance validator on our own output (SDTM or ADaM) with its define.xml, as for any package:
    its error findings are errors of the run; all findings are in reports/validation-<kind>.{json,html};
    the counts and the warnings left (with their reasons) go to the headline and the conversion report."""
    from sdtm_convert.validate import validate_package, write_html, write_json

    part = Part()
    t = time.perf_counter()
    define = define if define is not None and define.is_file() else None
    report = validate_package(frames, define=define, metadata=metas, standard=standard, ct=study.ct_version)
    report.define = define.relative_to(out).as_posix() if define else None  # reproducible report files
    # reproducible report files: the package's fixed date, labelled as such, instead of the clock
    report.started, report.timing = "", {}
    report.package_date, report.package_date_source = study.created, study.package_date_source
    base = out / "reports" / f"validation-{kind}"
    write_json(report, base.with_suffix(".json"), per_group=VALIDATION_DETAIL_LIMIT)
    write_html(report, base.with_suffix(".html"))
    part.outputs[f"validation_{kind}"] = base.with_suffix(".html").relative_to(out).as_posix()
    part.conformance[kind] = result = conformance(kind, report, part.outputs[f"validation_{kind}"], mapped)
    part.issues += report.issues(severity="error")
    ext = f" ({plural(result.extended_terms, 'extended term')})" if result.extended_terms else ""
    part.issues.append(Issue("validation-summary", INFO,
                             f"{standard} conformance: {plural(report.errors, 'error')}, "
                             f"{plural(report.warnings, 'warning')}{ext} "
                             f"(details in {base.name}.html)", dataset=kind.upper()))
    part.timings[f"validate_{kind}"] = time.perf_counter() - t
    return part


def validate_written(kind: str, frames: Mapping[str, pd.DataFrame], metas: dict[str, DatasetMeta], study: Any,
                     stage: Path, progress: Callable[[str], None], mapped: frozenset[str] | None = None) -> Part:
    """:func:`run_validator` on the SDTM or ADaM part of a package being written in ``stage`` (its define.xml in
    the part's folder; SDTM against the study's SDTMIG version, ADaM against ADaMIG 1.3), then a progress line."""
    from sdtm_convert.package.layout import adam_dir, sdtm_dir

    standard = f"sdtmig-{study.sdtmig_version}" if kind == "sdtm" else "adamig-1.3"
    folder = (sdtm_dir if kind == "sdtm" else adam_dir)(stage, study.studyid)
    part = run_validator(kind, standard, frames, metas, study, stage, folder / "define.xml", mapped)
    progress(f"validated the {LABELS[kind]} package")
    return part
