"""``validate_package``: read (or take) a package, run every applicable rule, return a report."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common.text import plural
from sdtm_convert.package.define.read import Define, read_define
from sdtm_convert.standards.versions import choose_metadata
from sdtm_convert.validate.causes import causes
from sdtm_convert.validate.context import Context
from sdtm_convert.validate.ct_choice import check_ct_argument, choose_ct
from sdtm_convert.validate.helpers import text
from sdtm_convert.validate.model import Dataset, Package
from sdtm_convert.validate.package import from_frames, read_package
from sdtm_convert.validate.registry import RULES, Hits, Rule, rows_of
from sdtm_convert.validate.report import FINDING_COLUMNS, ValidationReport, findings_frame, tool_version
from sdtm_convert.validate.selection import select

STANDARDS = ("sdtmig-3.4", "sdtmig-3.3", "sdtmig-3.2", "sdtmig-3.1.3", "sdtmig-3.1.2",
             "adamig-1.3", "adamig-1.2", "adamig-1.1", "adamig-1.0")



def _standard_from_define(d: Define | None) -> str | None:
    """``sdtmig-<v>`` / ``adamig-<v>`` from the define's StandardName/StandardVersion (any version: one not
    shipped is checked with the nearest shipped metadata). ADaM model 2.1 names no IG: ADaMIG 1.0, its first."""
    if d is None or not d.standard_name:
        return None
    name, version = d.standard_name.upper(), d.standard_version.strip()
    shaped = re.fullmatch(r"\d+(\.\d+)+", version) is not None
    if "ADAM" in name:
        if shaped and version.startswith("1."):
            return f"adamig-{version}"
        return "adamig-1.0" if version == "2.1" else "adamig-1.3"
    if "SDTM" in name or "STDTM" in name:
        return f"sdtmig-{version}" if shaped else "sdtmig-3.4"
    return None


def _define_standard_text(d: Define | None) -> str:
    assert d is not None
    return f"define.xml: {d.standard_name} {d.standard_version}"


def _guess_standard(datasets: Mapping[str, Dataset]) -> str:
    names = set(datasets)
    if "ADSL" in names or (names and all(n.startswith("AD") for n in names)):
        return "adamig-1.3"
    return "sdtmig-3.4"


def _resolve(
    datasets: dict[str, Dataset], define: Define | None, standard: str | None, ct: str | None, path: str | None
) -> Package:
    notes = []
    from_define = _standard_from_define(define)
    std = (standard or from_define or _guess_standard(datasets)).lower()
    if standard and std not in STANDARDS:
        raise ValueError(f"unknown standard {standard!r} (choose from {', '.join(STANDARDS)})")
    why = "requested" if standard else _define_standard_text(define) if from_define else "guessed from the datasets"
    notes.append(choose_metadata(std).note(why))
    choice = choose_ct(ct, define)  # which CT version, and why (the second note of the report)
    notes.append(choice.reason)
    return Package(datasets, "adam" if std.startswith("adam") else "sdtm", std, choice.version, define, path, notes)


def _seq_col(ds: Dataset) -> str | None:
    for c in (ds.parent + "SEQ", "ASEQ"):
        if c in ds.columns:
            return c
    return None


def _hits_frame(rule: Rule, h: Hits, pkg: Package) -> pd.DataFrame | None:
    ds = pkg.datasets.get(h.dataset or "")
    base = {
        "rule": rule.id,
        "p21_id": rule.p21_id,
        "cdisc_id": rule.cdisc_id,
        "fda_id": rule.fda_id,
        "severity": rule.severity,
        "category": rule.category,
        "dataset": h.dataset,
        "variable": h.variable,
        "message": h.message or rule.message,
        "records": h.count,
        "cause": h.cause,
    }
    if h.rows is None or ds is None:
        row = dict(base, record=None, usubjid=None, seq=None, value=None if h.values is None else str(h.values))
        return pd.DataFrame([row], columns=FINDING_COLUMNS)
    pos = rows_of(h.rows, len(ds.frame))
    if len(pos) == 0:
        return None
    f = ds.frame
    cols: dict[str, Any] = dict(base, record=pos + 1)
    cols["usubjid"] = f["USUBJID"].to_numpy()[pos] if "USUBJID" in f.columns else None
    seq = _seq_col(ds)
    cols["seq"] = f[seq].to_numpy()[pos] if seq else np.nan
    if h.values is not None:
        vals = h.values(pos) if callable(h.values) else h.values
        if isinstance(vals, pd.Series) and len(vals) == len(f) and len(vals) != len(pos):
            vals = vals.to_numpy()[pos]
        elif np.isscalar(vals):
            vals = [vals] * len(pos)
        cols["value"] = pd.Series(np.asarray(vals, dtype=object)).astype(str).to_numpy()
    elif h.variable and h.variable in f.columns:
        cols["value"] = text(f[h.variable].iloc[pos]).to_numpy()
    else:
        cols["value"] = None
    # one frame built at once (adding the constant columns one by one cost more than the rules on the pilot)
    return pd.DataFrame({c: cols[c] for c in FINDING_COLUMNS}, index=pd.RangeIndex(len(pos)))


def applicable(kind: str) -> list[Rule]:
    from sdtm_convert.validate import rules as _  # noqa: F401  (registers the rules)

    return [RULES[k] for k in sorted(RULES) if kind in RULES[k].standards]


def _run_subset(pkg: Package, rules: list[Rule]) -> tuple[list[pd.DataFrame], list[str]]:
    """Package-level rules on the whole package, then the per-dataset rules one dataset at a time.

    Datasets built from frames are loaded when a rule reads them, within the package's view budget
    (:class:`~sdtm_convert.validate.model.Views`), and released at the end; running the per-dataset rules
    dataset by dataset means a budget smaller than the package costs one load per dataset, not one per
    rule. Findings come out per rule in dataset order either way; a rule that fails is noted once and
    not run on the datasets after."""
    chunks: list[pd.DataFrame] = []
    failed: dict[str, str] = {}

    def run(r: Rule, ctx: Context) -> None:
        try:
            for h in r.fn(ctx):
                chunk = _hits_frame(r, h, pkg)
                if chunk is not None:
                    chunks.append(chunk)
        except Exception as exc:  # a rule must never take the whole validation down
            failed[r.id] = f"rule {r.id} could not run: {type(exc).__name__}: {exc}"

    ctx = Context(pkg)
    for r in rules:
        if not r.per_dataset:
            run(r, ctx)
    for name in sorted(pkg.datasets):
        focus = Context(pkg, focus=name)
        for r in rules:
            if r.per_dataset and r.id not in failed:
                run(r, focus)
    for ds in pkg.datasets.values():
        ds.release()
    return chunks, [failed[r.id] for r in rules if r.id in failed]


def run_rules(pkg: Package, only: Iterable[str] | None = None,
              exclude: Iterable[str] | None = None) -> tuple[pd.DataFrame, list[Rule], list[str]]:
    # One process: measured on the 2-core machine, forking the rules over two workers gained nothing
    # (result pickling, copy-on-write faults, and the cores are shared) -- see benchmarks/validate_pilot.py.
    rules = select(applicable(pkg.kind), only, exclude)
    chunks, notes = _run_subset(pkg, rules)
    if not rules:
        notes.append(f"the rule selection leaves no {pkg.standard} rule to run: nothing was checked")
    order = {r.id: i for i, r in enumerate(rules)}
    chunks = sorted((c for c in chunks if len(c)), key=lambda c: order[c["rule"].iloc[0]])  # deterministic order
    f = findings_frame(chunks)
    f["cause"] = causes(f, pkg)
    return f, rules, notes


RULES_SOURCES = ("p21", "core", "all")


def _with_core(pkg: Package, findings: pd.DataFrame, ran: list[Rule], notes: list[str], source: str,
               only: Iterable[str] | None = None,
               exclude: Iterable[str] | None = None) -> tuple[pd.DataFrame, list[Rule], list[str]]:
    """The CORE rules' findings (``core``), or ours and theirs with the findings both raise merged into one
    carrying every id (``all``: :mod:`sdtm_convert.validate.core.merge`); ``core_id`` and ``why`` columns."""
    from sdtm_convert.validate.core.adam import declare_classes
    from sdtm_convert.validate.core.findings import core_findings
    from sdtm_convert.validate.core.merge import merge_findings

    if source not in RULES_SOURCES:
        raise ValueError(f"rules_source must be one of {', '.join(RULES_SOURCES)}, not {source!r}")
    declare_classes(pkg.datasets, pkg.define)  # ADaM rule scopes read the define's class and subclass
    core, core_notes = core_findings(pkg.datasets, pkg.standard, list(findings.columns), only, exclude,
                                     define=pkg.define, ct_version=pkg.ct_version)
    if source == "all":
        n_ours, n_core = len(findings), len(core)
        merged = findings_frame([merge_findings(findings, core, ran)])
        core_notes.append(f"findings merged: {n_ours} of this project's rules + {n_core} of CORE rules -> "
                          f"{len(merged)} (a check both raise on the same record is one finding with every id)")
    else:
        merged = findings_frame([core if len(core) else core.iloc[0:0]])
    for ds in pkg.datasets.values():
        ds.release()
    return merged, ran if source == "all" else [], notes + core_notes


def validate_package(
    path_or_frames: str | Path | Mapping[str, pd.DataFrame],
    *,
    define: str | Path | Define | None = None,
    standard: str | None = None,
    ct: str | None = None,
    encoding: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    rules: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    exclude_rules: Iterable[str] | None = None,
    prefer: str = "xpt",
    rules_source: str = "p21",
) -> ValidationReport:
    """Validate a package folder (XPT / Dataset-JSON + define.xml) or frames given directly.

    ``path_or_frames``: a folder (its define.xml is read unless ``define`` names another) or ``{name: frame}``.
    ``metadata[name]`` (frames only) may give ``labels``, ``lengths``, ``formats`` and ``label``, or be the
    project's ``metadata.DatasetMeta``. ``standard``: one of :data:`STANDARDS` such as ``sdtmig-3.2`` or
    ``adamig-1.0`` (default: from define.xml, else guessed from the dataset names; a version whose metadata is
    not shipped is checked with the nearest one, see :mod:`sdtm_convert.standards.versions`); ``ct``: a shipped
    CT version such as ``2017-09-29``, or a CT file in the NCI EVS layout (default: chosen from define.xml, see
    :mod:`sdtm_convert.validate.ct_choice`; the report's notes say which and why); ``encoding`` of the
    transport files. ``rules`` restricts the run to the rules matching any of its patterns (rule ids, id
    prefixes, P21/FDA/CDISC/CORE ids, globs such as ``SC-CT-*``; they select CORE rules too, see
    :mod:`sdtm_convert.validate.selection`); ``exclude_rules`` leaves out those matching any
    of its patterns (a pattern matching no rule is a ``ValueError``). ``prefer``: ``xpt`` or ``json``, which
    file is read when a folder holds a dataset as both XPT and Dataset-JSON (the other is named in the
    report's notes, not validated twice). ``rules_source``: ``p21`` (our rules, the default), ``core`` (CDISC's
    published CORE rules, interpreted: :mod:`sdtm_convert.validate.core`) or ``all`` (both; findings then
    carry a ``core_id`` column, empty for our rules). ``progress`` is called with one line per stage (read, rules run).
    Returns a
    :class:`ValidationReport` (``findings`` frame, ``errors``, ``warnings``, ``valid``, ``summary()``; shown as a
    table in a notebook).
    Unreadable input raises :class:`~sdtm_convert.errors.SdtmConvertError`.
    """
    t0 = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    check_ct_argument(ct)  # an unknown --ct version is a usage error, before any data is read
    path = None
    if isinstance(path_or_frames, (str, Path)):
        path = str(path_or_frames)
        folder = read_package(Path(path_or_frames), encoding, prefer=prefer)
        datasets, found, read_notes = folder.datasets, folder.define, folder.notes
        define = define if define is not None else found
    else:
        datasets, read_notes = from_frames(path_or_frames, metadata), []
    d = define if isinstance(define, Define) or define is None else read_define(define)
    t1 = time.perf_counter()
    if progress:  # (records of frames given directly are counted after the rules, as they are loaded)
        progress(f"read {plural(len(datasets), 'dataset')} ({sum(x.records for x in datasets.values()):,} records) from "
                 f"{path or 'frames'}; define.xml: {d.path if d else 'none'}")
    pkg = _resolve(datasets, d, standard, ct, path)
    findings, ran, notes = run_rules(pkg, rules, exclude_rules)
    if rules_source != "p21":
        findings, ran, notes = _with_core(pkg, findings, ran, notes, rules_source, rules, exclude_rules)
    t2 = time.perf_counter()
    if progress:
        progress(f"checked {plural(len(datasets), 'dataset')} against {len(ran)} {pkg.standard} rules "
                 f"(CT {pkg.ct_version}): {plural(len(findings), 'finding')}")
    ctx = Context(pkg)
    ds_rows = [
        {
            "dataset": n,
            "file": x.file,
            "domain": x.domain,
            "class": ctx.klass(x) if pkg.kind == "sdtm" else ctx.adam_structure(x),
            "label": x.label,
            "records": x.records,
            "variables": len(x.columns),
            "encoding": x.encoding,
        }
        for n, x in sorted(datasets.items())
    ]
    return ValidationReport(
        standard=pkg.standard,
        ct_version=pkg.ct_version,
        define=d.path if d else None,
        tool_version=tool_version(),
        path=path,
        findings=findings,
        datasets=ds_rows,
        rules=[r.catalog_row() for r in ran],
        timing={"read_s": round(t1 - t0, 3), "validate_s": round(t2 - t1, 3), "total_s": round(t2 - t0, 3)},
        notes=read_notes + pkg.notes + notes,
        started=started,
    )
