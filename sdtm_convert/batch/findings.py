"""A study's validation findings, summarised for the portfolio, and what changed since the previous batch.

**Finding identity** (what makes a finding "the same" in two batches): the package (``sdtm``/``adam`` for a run,
``package`` for ``batch validate``), the rule id, the dataset, the variable, the record key (USUBJID and
--SEQ) and the value. A per-term finding (one finding standing for every record holding a term, ``records``
set) has no record key: its term is its identity. The message is not part of it (it carries counts and the
CT version, which change without the finding changing), nor is the record number (rows move when others are
added). Findings with the same identity are counted: two before and three now is one new and two persisting.

Identities come from each study's own JSON report, which lists at most 1000 findings per dataset × rule (all are
counted): beyond that, ``listed_all`` is false and the changes cover the listed findings only.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

IDENTITY = ("package", "rule", "dataset", "variable", "usubjid", "seq", "value")


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def identity(package: str, finding: dict[str, Any]) -> tuple[str, ...]:
    per_term = finding.get("records") is not None
    return (package, *(_text(None if per_term and k in ("usubjid", "seq") else finding.get(k))
                       for k in IDENTITY[1:]))


def _rules(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for row in doc.get("summary") or []:
        r = rules.setdefault(row["rule"], {"severity": row["severity"], "count": 0})
        r["count"] += int(row["count"])
    return dict(sorted(rules.items()))


def summarise(package: str, report_json: Path, out: str) -> dict[str, Any]:
    """One package's validation as the portfolio shows it, read from the study's own JSON report."""
    doc = json.loads(Path(report_json).read_text(encoding="utf-8"))
    counts = doc.get("counts") or {}
    ids = Counter(identity(package, f) for f in doc.get("findings") or [])
    html = Path(report_json).with_suffix(".html")
    run = doc.get("run") or {}
    return {
        "package": package,
        "standard": run.get("standard"),
        "ct_version": run.get("ct_version"),
        "by_severity": {k: int(v) for k, v in sorted((counts.get("by_severity") or {}).items())},
        "findings": int(counts.get("findings", 0)),
        "listed_all": int(counts.get("listed", 0)) == int(counts.get("findings", 0)),
        "rules": _rules(doc),
        "report_json": os.path.relpath(report_json, out),
        "report_html": os.path.relpath(html, out) if html.is_file() else None,
        "identities": [[*k, n] for k, n in sorted(ids.items())],
    }


def identities(study: dict[str, Any]) -> Counter:
    return Counter({tuple(x[:-1]): int(x[-1]) for v in study.get("validation") or [] for x in v["identities"]})


def changes(now: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any] | None:
    """New, resolved and persisting findings of a study since its previous portfolio entry (None: not in it, or
    one of the two did not finish)."""
    if before is None or before.get("exit_status", 3) >= 2 or now.get("exit_status", 3) >= 2:
        return None
    a, b = identities(before), identities(now)
    new, resolved, kept = b - a, a - b, a & b

    def listed(c: Counter) -> list[dict[str, Any]]:
        return [dict(zip(IDENTITY, k)) | {"count": n} for k, n in sorted(c.items())]

    return {"new": sum(new.values()), "resolved": sum(resolved.values()), "persisting": sum(kept.values()),
            "new_findings": listed(new), "resolved_findings": listed(resolved)}
