"""The guides' contexts (plain data, gathered from the run) and their Markdown rendering (templates
``package/templates/csdrg.md.j2`` and ``adrg.md.j2``; every value escaped for a Markdown table cell)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sdtm_convert.common.markdown import markdown_environment
from sdtm_convert.common.text import plural
from sdtm_convert.package.guides.adam_facts import adam_facts
from sdtm_convert.package.guides.facts import (
    define_facts,
    formats_written,
    inventory,
    supp_use,
    trial_design,
    validator_facts,
)
from sdtm_convert.package.guides.findings import Findings
from sdtm_convert.package.layout import adam_dir, sdtm_dir
from sdtm_convert.version import __version__

TRIAL_DESIGN_NAMES = ("TA", "TE", "TV", "TI", "TS")


_ENV = markdown_environment("sdtm_convert.package")
_ENV.filters["plural"] = plural


def render(template: str, context: dict[str, Any]) -> str:
    return _ENV.get_template(template).render(**context)


def _common(conv: Any, kind: str, findings: Findings, reports: dict[str, Any]) -> dict[str, Any]:
    study = conv.spec.study
    report = reports.get(kind)
    return {"study": study, "tool_version": __version__, "kind": kind,
            "validated": report is not None,
            "validator": validator_facts(report["run"], report.get("rules", [])) if report else None,
            "groups": findings.groups.get(kind, []), "total": findings.total(kind),
            "unexplained": findings.unexplained(kind),
            "stale": [e for e in findings.stale if (kind == "adam") == _is_adam(e.dataset, conv)],
            "explained_file": "explanations.yaml" if conv.spec.explanations else None}


def _is_adam(dataset: str, conv: Any) -> bool:
    return dataset.startswith("AD") or (conv.adam is not None and dataset in conv.adam.metadata)


def _standards(model: str, define: dict[str, Any], fallback: str) -> list[tuple[str, str]]:
    """The rows of "Study Data Standards and Dictionary Inventory": the model (SDTM, ADaM) with its IG version from
    define.xml (``fallback`` without one), CT per publishing set, external dictionaries, Define-XML."""
    rows = [(model, define["standard"] or fallback)]
    rows += [(f"Controlled Terminology{f' ({k})' if k else ''}", v) for k, v in define["ct"].items()]
    rows += [(d["name"], d["version"]) for d in define["dictionaries"]]
    if define["define_version"]:
        rows.append(("Data Definitions", f"Define-XML {define['define_version']}"))
    return rows


def csdrg_context(conv: Any, stage: Path, outputs: dict[str, Any], findings: Findings,
                  reports: dict[str, Any]) -> dict[str, Any]:
    """The cSDRG's facts: standards, inventory (records, file sizes), SUPP--, extended codelists, trial design,
    conformance."""
    study = conv.spec.study
    folder = sdtm_dir(stage, study.studyid)
    define = define_facts(folder / "define.xml")
    rows = inventory(conv.sdtm, conv.metadata, folder, folder.relative_to(stage))
    names = {r["name"] for r in rows}
    subject = [r for r in rows if r["name"] not in TRIAL_DESIGN_NAMES and not r["name"].startswith(("SUPP", "REL"))]
    for r in subject:
        r["supp"] = f"SUPP{r['name']}" if f"SUPP{r['name']}" in names else ""
        r["findings"] = sum(g.count for g in findings.groups.get("sdtm", []) if g.dataset == r["name"])
    return {**_common(conv, "sdtm", findings, reports), "define": define,
            "standards": _standards("SDTM", define, f"SDTMIG {study.sdtmig_version}"), "inventory": rows,
            "subject_domains": subject, "formats": formats_written(rows), "supp": supp_use(conv.sdtm), "trial_design": trial_design(conv.sdtm),
            "define_file": (folder / "define.xml").relative_to(stage).as_posix(),
            "folder": folder.relative_to(stage).as_posix()}


def adrg_context(conv: Any, stage: Path, outputs: dict[str, Any], findings: Findings,
                 reports: dict[str, Any]) -> dict[str, Any]:
    """The ADRG's facts: standards, the SDTM datasets read, the ADaM datasets with their classes, populations,
    derivations and windows, and conformance."""
    study = conv.spec.study
    folder = adam_dir(stage, study.studyid)
    define = define_facts(folder / "define.xml")
    adam = conv.adam
    rows = inventory(adam.datasets, adam.metadata, folder, folder.relative_to(stage))
    facts = adam_facts(conv.spec.adam, adam.datasets, adam.metadata, {"PASI": study.pasi.domain}, adam.descriptors)
    for r, d in zip(sorted(rows, key=lambda r: (r["name"] != "ADSL", r["name"])), facts["datasets"], strict=True):
        d.update(r)
    sources = sorted({s for d in facts["datasets"] for s in d["sources"].split(", ") if s and not s.startswith("AD")})
    sdtm_records = {n: int(len(conv.sdtm[n])) for n in sources if n in conv.sdtm}
    return {**_common(conv, "adam", findings, reports), "define": define,
            "standards": _standards("ADaM", define, "ADaMIG 1.3") + [("SDTM (source data)",
                                                                         f"SDTMIG {study.sdtmig_version}")],
            "adam": facts, "sdtm_sources": sdtm_records, "formats": formats_written(rows),
            "dm_subjects": int(conv.sdtm["DM"]["USUBJID"].nunique()) if "DM" in conv.sdtm else None,
            "define_file": (folder / "define.xml").relative_to(stage).as_posix(),
            "folder": folder.relative_to(stage).as_posix()}
