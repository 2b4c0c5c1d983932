"""The reviewer's guides of a run: ``reports/csdrg.md`` (Clinical Study Data Reviewer's Guide, for the SDTM package)
and ``reports/adrg.md`` (Analysis Data Reviewer's Guide, for the ADaM package), each also as ``.docx``, drafts in the section order of the
PHUSE templates, filled from what the run wrote: the study, standards and CT versions (define.xml), the validator
and its rules, the dataset inventory with records and file sizes, SUPP-- qualifiers, sponsor extensions of CT
codelists, the trial design, the ADaM datasets with their populations and derivations, and every conformance
finding left, with the sponsor's explanation from ``explanations.yaml`` or "no explanation"
(:mod:`sdtm_convert.spec.explanations`).

``write_guides`` runs after the validation reports are written and before the conversion report: an explanation
that matches no finding is a warning of the run (``explanation-stale``), and the count of unexplained findings goes
to the run's headline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdtm_convert.common.atomic import atomic_write_text
from sdtm_convert.errors import Issue
from sdtm_convert.package.guides.findings import Findings, load_reports, match, stale_issues
from sdtm_convert.package.guides.render import adrg_context, csdrg_context, render
from sdtm_convert.package.guides.word import package_datetime, write_docx


@dataclass(frozen=True)
class Guides:
    """What :func:`write_guides` wrote: the guides (paths relative to the output folder), the findings unexplained
    (None when no package was validated) and the issues (stale explanations)."""

    outputs: dict[str, str]
    unexplained: int | None
    issues: list[Issue]
    findings: Findings

    def headline(self, out: str) -> str:
        """``2 findings unexplained -> build/reports/csdrg.md`` ("" when nothing was validated)."""
        if self.unexplained is None:
            return ""
        noun = "finding" if self.unexplained == 1 else "findings"
        return f"{self.unexplained:,} {noun} unexplained -> {out.rstrip('/')}/{self.outputs['csdrg']}"


def write_guides(conv: Any, stage: Path, outputs: dict[str, Any]) -> Guides:
    """Write ``reports/csdrg.md`` and, when ADaM was built, ``reports/adrg.md`` into the package being written in
    ``stage`` (its validation reports, define.xml files and datasets already there)."""
    reports = load_reports(stage / "reports")
    adam_names = conv.adam.metadata.keys() if conv.adam is not None else ()
    findings = match(reports, conv.spec.explanations, adam_names)
    written = {}
    guides = [("csdrg", "Clinical Study Data Reviewer's Guide", csdrg_context)]
    guides += [("adrg", "Analysis Data Reviewer's Guide", adrg_context)] if conv.adam is not None else []
    for name, title, context in guides:
        path = stage / "reports" / f"{name}.md"
        text = render(f"{name}.md.j2", context(conv, stage, outputs, findings, reports))
        atomic_write_text(path, text)
        write_docx(text, path.with_suffix(".docx"), f"{title}, study {conv.spec.study.studyid}",
                   package_datetime(conv.spec.study.created))
        written[name] = path.relative_to(stage).as_posix()
        written[f"{name}_docx"] = path.with_suffix(".docx").relative_to(stage).as_posix()
    return Guides(written, findings.unexplained() if reports else None, stale_issues(findings), findings)
