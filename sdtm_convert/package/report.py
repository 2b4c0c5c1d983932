"""The conversion report: one result object rendered as JSON (machines) and HTML (people).

Deterministic: no wall-clock values in the files (timestamps come from the study config), issues in
a stable order, so two runs on the same input give byte-identical reports.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from sdtm_convert.common.atomic import atomic_write_text
from sdtm_convert.common.html import environment
from sdtm_convert.errors import ERROR, INFO, WARNING, Issue
from sdtm_convert.version import __version__

_SEV_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


def _sort_key(i: Issue) -> tuple:
    return (_SEV_ORDER[i.severity], i.code, i.file or "", i.row or 0, i.dataset or "", i.variable or "", i.value or "")


def report_dict(conv: Any, outputs: dict[str, Any]) -> dict[str, Any]:
    issues = sorted(conv.issues, key=_sort_key)
    counts = Counter(i.severity for i in issues)
    by_code = Counter((i.severity, i.code) for i in issues)
    study = conv.spec.study
    return {
        "tool": {"name": "sdtm-convert", "version": __version__},
        "study": {"studyid": study.studyid, "title": study.title, "ct_version": study.ct_version,
                  "sdtmig_version": study.sdtmig_version,
                  "package_date": study.created, "package_date_source": study.package_date_source,
                  "pasi_domain": study.pasi.domain, "pasi_version": study.pasi.version},
        "status": "failed" if counts[ERROR] else "passed",
        "counts": {"error": counts[ERROR], "warning": counts[WARNING], "info": counts[INFO]},
        "issue_summary": [{"severity": s, "code": c, "count": n} for (s, c), n in sorted(by_code.items(), key=lambda x: (_SEV_ORDER[x[0][0]], x[0][1]))],
        "reconciliation": conv.reconciliation.to_dict(orient="records") if conv.reconciliation is not None else [],
        "rejects": conv.rejects.to_dict(orient="records") if conv.rejects is not None else [],
        "reject_summary": _reject_summary(conv.rejects),
        "datasets": _datasets(conv),
        "outputs": outputs,
        # each written package's conformance result, with every warning left, its reason and the sponsor's
        # explanation (explanations.yaml), and the findings no explanation covers (as the headline and the cSDRG)
        "conformance": _conformance(conv),
        "unexplained_findings": _unexplained(conv),
        "issues": [i.to_dict() for i in issues],
    }


def _conformance(conv: Any) -> dict[str, Any]:
    """Each package's conformance summary; with the reviewer's guides written, each warning left carries the
    sponsor's explanations (``explanations``, empty when none) and ``unexplained`` (some of its findings have
    none), and each package the count of its findings unexplained."""
    guides = getattr(conv, "guides", None)
    out = {}
    for kind, c in sorted(conv.conformance.items()):
        d = c.to_dict()
        if guides is not None and guides.unexplained is not None:
            d["unexplained"] = guides.findings.unexplained(kind)
            for w in d["left"]:
                w["explanations"], w["unexplained"] = guides.findings.explanations_of(
                    kind, w["rule"], w["dataset"], w["variable"], None if w["value"] is None else str(w["value"]))
        out[kind] = d
    return out


def _unexplained(conv: Any) -> int | None:
    """The findings no explanation covers, as the run's headline counts them (None: nothing validated)."""
    guides = getattr(conv, "guides", None)
    return None if guides is None else guides.unexplained


def _datasets(conv: Any) -> list[dict[str, Any]]:
    frames = dict(conv.sdtm)
    metas = dict(conv.metadata)
    if conv.adam is not None:
        frames.update(conv.adam.datasets)
        metas.update(conv.adam.metadata)
    return [{"name": n, "label": metas[n].label, "standard": metas[n].standard, "records": int(len(frames[n])),
             "variables": len(metas[n].variables)} for n in sorted(metas, key=lambda n: (n.startswith("AD"), n))]


def _ranges(rows: list[int]) -> str:
    """1, 3-29, 31 (compact list of row numbers)."""
    spans: list[list[int]] = []
    for r in sorted(rows):
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    return ", ".join(f"{a}-{b}" if b != a else str(a) for a, b in spans)


def _reject_summary(rejects: Any) -> list[dict[str, Any]]:
    if rejects is None or not len(rejects):
        return []
    return [{"file": f, "reason": reason, "count": int(len(g)), "rows": _ranges(g["row"].astype(int).tolist())}
            for (f, reason), g in rejects.groupby(["file", "reason"], sort=True)]


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        return o.item()
    return str(o)


def write_reports(conv: Any, folder: Path, outputs: dict[str, Any]) -> tuple[Path, Path]:
    """The conversion report, JSON and HTML, of a run whose issues are all in."""
    data = report_dict(conv, outputs)
    folder.mkdir(parents=True, exist_ok=True)
    jpath, hpath = folder / "conversion-report.json", folder / "conversion-report.html"
    atomic_write_text(jpath, json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n")
    atomic_write_text(hpath, render_html(data))
    return jpath, hpath


_ENV = environment("sdtm_convert.package", strict=True)


HTML_ISSUES_PER_CODE = 200  # the HTML lists at most this many issues per code; the JSON has them all


def render_html(data: dict[str, Any]) -> str:
    shown: list[dict[str, Any]] = []
    seen: Counter[str] = Counter()
    for issue in data["issues"]:
        seen[issue["code"]] += 1
        if seen[issue["code"]] <= HTML_ISSUES_PER_CODE:
            shown.append(issue)
    hidden = {c: n - HTML_ISSUES_PER_CODE for c, n in seen.items() if n > HTML_ISSUES_PER_CODE}
    return _ENV.get_template("conversion_report.html.j2").render(r=data, shown=shown, hidden=hidden)
