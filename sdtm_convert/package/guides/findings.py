"""The conformance findings a run left, as the reviewer's guides list them: read from the run's validation reports
(``reports/validation-<kind>.json``), grouped per rule, dataset, variable and message, each group with the sponsor's
explanation from explanations.yaml or none; and the explanations that matched nothing (stale)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdtm_convert.errors import WARNING, Issue
from sdtm_convert.spec.explanations import Explanation

_RECORD_COUNT = re.compile(r", \d+ records?$")  # a per-term finding's message ends with its record count
SEVERITY_ORDER = {"error": 0, "warning": 1, "notice": 2}
VALUES_SHOWN = 5  # distinct values listed per group; the count says how many findings there are


@dataclass(frozen=True)
class Finding:
    """One finding of a validation report (or, ``listed`` False, the findings of a dataset × rule beyond the report's
    listing limit, which carry no variable or value)."""

    kind: str  # sdtm | adam
    rule: str
    ids: tuple[str, ...]  # every id of the rule: ours, Pinnacle 21, CDISC (CG/CORE), FDA
    severity: str
    dataset: str | None
    variable: str | None
    value: str | None
    message: str
    count: int = 1
    records: int = 1
    listed: bool = True

    @property
    def about(self) -> str | None:
        """The dataset the finding is about: its dataset, or for a package-level finding (a missing dataset) its
        value."""
        return self.dataset or self.value

    def explained_by(self, e: Explanation) -> bool:
        if e.rule not in self.ids or e.dataset != self.about:
            return False
        if e.variable is not None and e.variable != self.variable:
            return False
        if e.value is not None:
            return self.listed and self.value is not None and e.value.fullmatch(self.value) is not None
        return True


@dataclass
class Group:
    """The findings of one rule × dataset × variable × message with the same explanation (or none)."""

    kind: str
    severity: str
    rule: str
    ids: tuple[str, ...]
    dataset: str | None
    variable: str | None
    message: str
    explanation: Explanation | None
    count: int = 0
    records: int = 0
    values: list[str] = field(default_factory=list)  # the first VALUES_SHOWN distinct values
    unlisted: int = 0
    seen: set[str] = field(default_factory=set, repr=False)  # every distinct value

    @property
    def more_values(self) -> int:
        return len(self.seen) - len(self.values)

    @property
    def other_ids(self) -> str:
        return ", ".join(i for i in self.ids[1:] if i)

    @property
    def where(self) -> str:
        return (self.dataset or "") + (f".{self.variable}" if self.variable else "")

    @property
    def values_text(self) -> str:
        more = f" and {self.more_values} more" if self.more_values else ""
        return ", ".join(self.values) + more


@dataclass
class Findings:
    """What the guides say about conformance: the groups per kind, the stale explanations, what was validated."""

    groups: dict[str, list[Group]]  # kind → groups, worst severity first
    validated: dict[str, dict[str, Any]]  # kind → the report's "run" block and counts
    stale: list[Explanation]

    def unexplained(self, kind: str | None = None) -> int:
        """Findings without an explanation (of one kind, or all)."""
        return sum(g.count for k, gs in self.groups.items() if kind in (None, k) for g in gs if g.explanation is None)

    def total(self, kind: str | None = None) -> int:
        return sum(g.count for k, gs in self.groups.items() if kind in (None, k) for g in gs)

    def explanations_of(self, kind: str, rule: str, dataset: str | None, variable: str | None,
                        value: str | None) -> tuple[list[str], bool]:
        """The sponsor's explanations (distinct, in group order) of the findings of ``kind`` a conformance summary
        line stands for (its rule, dataset, variable and, when given, value; a missing dataset's line has no
        dataset and the dataset as value), and whether some of those findings have none."""
        texts: list[str] = []
        unexplained = False
        for g in self.groups.get(kind, []):
            if g.rule != rule or g.dataset != dataset or g.variable != variable:
                continue
            if value is not None and g.seen and value not in g.seen:
                continue
            if g.explanation is None:
                unexplained = True
            elif g.explanation.explanation not in texts:
                texts.append(g.explanation.explanation)
        return texts, unexplained


def _ids(rule: str, catalogue: Mapping[str, Mapping[str, Any]]) -> tuple[str, ...]:
    row = catalogue.get(rule, {})
    others = [str(row.get(k) or "") for k in ("p21_id", "fda_id")]
    others += [x.strip() for x in str(row.get("cdisc_id") or "").split(";")]
    return (rule, *dict.fromkeys(x for x in others if x and x != rule))


def read_findings(kind: str, report: Mapping[str, Any]) -> list[Finding]:
    """The findings of one validation report (its JSON), those beyond its listing limit as one unlisted finding per
    dataset × rule × message."""
    catalogue = {r["id"]: r for r in report.get("rules", [])}
    out: list[Finding] = []
    listed: dict[tuple[Any, Any, Any], int] = {}
    for f in report.get("findings", []):
        records = f.get("records")
        out.append(Finding(kind, f["rule"], _ids(f["rule"], catalogue), f["severity"], f.get("dataset"),
                           f.get("variable"), None if f.get("value") is None else str(f["value"]),
                           _RECORD_COUNT.sub("", str(f["message"])), 1, int(records) if records else 1))
        key = (f.get("dataset"), f["rule"], f["message"])
        listed[key] = listed.get(key, 0) + 1
    for s in report.get("summary", []):  # counts per dataset × rule × message: all findings, listed or not
        n = int(s["count"]) - listed.get((s.get("dataset"), s["rule"], s["message"]), 0)
        if n > 0:
            out.append(Finding(kind, s["rule"], _ids(s["rule"], catalogue), s["severity"], s.get("dataset"), None,
                               None, _RECORD_COUNT.sub("", str(s["message"])), n, n, listed=False))
    return out


def _explanation(f: Finding, explanations: list[Explanation]) -> int | None:
    """The index of the first explanation of ``f`` in file order (None: unexplained)."""
    return next((i for i, e in enumerate(explanations) if f.explained_by(e)), None)


def group_findings(findings: Iterable[Finding], explanations: list[Explanation]) -> tuple[list[Group], set[int]]:
    """The groups of ``findings`` (worst severity first, then rule, dataset, variable, message, the unexplained
    first) and the indexes of the explanations used."""
    groups: dict[tuple[Any, ...], Group] = {}
    used: set[int] = set()
    for f in findings:
        i = _explanation(f, explanations)
        e = explanations[i] if i is not None else None
        if i is not None:
            used.add(i)
        key = (f.severity, f.rule, f.dataset, f.variable, f.message, i)
        g = groups.get(key)
        if g is None:
            g = groups[key] = Group(f.kind, f.severity, f.rule, f.ids, f.dataset, f.variable, f.message, e)
        g.count += f.count
        g.records += f.records
        if not f.listed:
            g.unlisted += f.count
        elif f.value is not None and f.value not in g.seen:
            g.seen.add(f.value)
            if len(g.values) < VALUES_SHOWN:
                g.values.append(f.value)
    ordered = sorted(groups.values(), key=lambda g: (SEVERITY_ORDER.get(g.severity, 9), g.rule, g.dataset or "",
                                                     g.variable or "", g.message, g.explanation is not None))
    return ordered, used


def load_reports(reports: Path) -> dict[str, dict[str, Any]]:
    """The validation reports a run wrote in ``reports`` (kind → JSON), those that exist."""
    out = {}
    for kind in ("sdtm", "adam"):
        path = reports / f"validation-{kind}.json"
        if path.is_file():
            out[kind] = json.loads(path.read_text(encoding="utf-8"))
    return out


def match(reports: Mapping[str, Mapping[str, Any]], explanations: list[Explanation],
          adam_names: Iterable[str] = ()) -> Findings:
    """The findings of each report with their explanations, and the explanations that explain no finding of a
    package that was validated (an explanation of an ADaM dataset is not judged when ADaM was not validated)."""
    groups, used = {}, set()
    for kind, report in reports.items():
        groups[kind], u = group_findings(read_findings(kind, report), explanations)
        used |= u
    adam = set(adam_names)
    stale = [e for i, e in enumerate(explanations) if i not in used
             and ("adam" if e.dataset in adam or e.dataset.startswith("AD") else "sdtm") in reports]
    validated = {k: {**r.get("run", {}), "counts": r.get("counts", {})} for k, r in reports.items()}
    return Findings(groups, validated, stale)


def stale_issues(findings: Findings) -> list[Issue]:
    """A warning per explanation that explains no finding left: the file must not keep explanations of findings
    that are gone (fixed, or a rule id misspelt)."""
    return [Issue("explanation-stale", WARNING, f"explanation of {e.where()} matches no conformance finding of "
                  "this run: remove it, or correct its rule, dataset, variable or value", file=e.file, line=e.line,
                  dataset=e.dataset, variable=e.variable) for e in findings.stale]
