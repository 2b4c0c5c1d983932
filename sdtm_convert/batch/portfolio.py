"""The portfolio: every study of a batch with its conversion and validation status, the counts by severity, the
findings by rule across studies and, against a previous portfolio, what changed per study (``findings.py``).

Built from the outcomes the tasks return (each read from the study's own reports); no clock time in it, so the
same studies give the same portfolio. Paths are relative to the portfolio's folder (links in the HTML report).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from sdtm_convert.batch.findings import changes
from sdtm_convert.errors import fatal
from sdtm_convert.version import __version__

STATUS = {0: "passed", 1: "errors"}  # else "failed": the study could not be run or checked (exit 2 or 3)
SEVERITIES = ("error", "warning", "notice")


def status(study: dict[str, Any]) -> str:
    return STATUS.get(study["exit_status"], "failed")


def load_previous(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise fatal("batch-since-unreadable", f"cannot read the previous portfolio: {exc}", file=str(path)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("studies"), list):
        raise fatal("batch-since-unreadable", "not a portfolio.json written by sdtm-convert batch", file=str(path))
    return doc


def _by_severity(study: dict[str, Any]) -> dict[str, int]:
    total: Counter = Counter()
    for v in study["validation"]:
        total.update(v["by_severity"])
    return {s: int(total.get(s, 0)) for s in SEVERITIES}


def _rules(studies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for s in studies:
        for v in s["validation"]:
            for rule, r in v["rules"].items():
                row = rules.setdefault(rule, {"rule": rule, "severity": r["severity"], "findings": 0, "studies": []})
                row["findings"] += r["count"]
                if s["name"] not in row["studies"]:
                    row["studies"].append(s["name"])
    out = [r | {"study_count": len(r["studies"])} for r in rules.values()]
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(out, key=lambda r: (rank.get(r["severity"], 9), -r["study_count"], -r["findings"], r["rule"]))


def _relative(study: dict[str, Any], root: Path) -> dict[str, Any]:
    """Report paths relative to the portfolio's folder."""
    base = os.path.relpath(study["out"], root)
    links = {}
    if study["conversion"]:
        links["conversion"] = f"{base}/{study['conversion']['report_html']}"
    for v in study["validation"]:
        if v["report_html"]:
            links[f"validation {v['package']}" if v["package"] != "package" else "validation"] = \
                f"{base}/{v['report_html']}"
    return {"out": base, "links": {k: Path(p).as_posix() for k, p in links.items()}}


def build(command: str, outcomes: list[dict[str, Any]], root: Path, previous: dict[str, Any] | None,
          since: str | None) -> dict[str, Any]:
    before = {s["name"]: s for s in previous["studies"]} if previous else {}
    studies = []
    for o in outcomes:
        s = {k: v for k, v in o.items() if k != "argv"} | _relative(o, root)
        s |= {"status": status(o), "by_severity": _by_severity(o)}
        s["changes"] = changes(o, before.get(o["name"])) if previous else None
        studies.append(s)
    totals = {"studies": len(studies), **{k: sum(s["status"] == k for s in studies)
                                          for k in ("passed", "errors", "failed")},
              "by_severity": {k: sum(s["by_severity"][k] for s in studies) for k in SEVERITIES}}
    if previous:
        totals["changes"] = {k: sum(s["changes"][k] for s in studies if s["changes"])
                             for k in ("new", "resolved", "persisting")}
    names = {s["name"] for s in studies}
    return {"tool": {"name": "sdtm-convert batch", "version": __version__}, "command": command,
            "since": since, "totals": totals, "studies": studies, "rules": _rules(studies),
            "not_in_this_batch": sorted(n for n in before if n not in names)}


def exit_status(portfolio: dict[str, Any]) -> int:
    """The batch's exit status: the highest of its studies' (0 all clean, 1 errors, 2 unusable input, 3 a bug)."""
    return max((s["exit_status"] for s in portfolio["studies"]), default=0)
