"""What the ADRG states about the ADaM datasets of a run: from the ADaM specs (``mappings/<study>/adam/*.yaml``:
class, sources, steps and their settings) and from the datasets as written (their define.xml metadata: labels,
structures, population flags and the derivation of every derived variable, in words)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.metadata import DatasetMeta

POPULATION_SUFFIX = "FL"
POPULATION_FLAGS = ("ENRLFL", "RANDFL", "ITTFL", "SAFFL", "FASFL", "EFFFL", "PPROTFL", "COMPLFL")
_DATASET_REF = re.compile(r"\b([A-Z][A-Z0-9]{1,7})\.[A-Z][A-Z0-9]*\b")  # DM.ARM, EX.EXSTDTC in a method text
TREATMENT_PREFIXES = ("TRT", "TR0", "TR1", "TR2", "TR3", "TR4", "TR5", "TR6", "TR7", "TR8", "TR9")


def _methods(meta: DatasetMeta) -> dict[str, Any]:
    by_id = {m.id: m for m in meta.methods}
    return {v.name: by_id[v.method_id] for v in meta.variables if v.method_id in by_id}


def _describe(meta: DatasetMeta, name: str) -> str:
    """How a variable is set: its method in words, else its source (``DM.AGE``), else its origin."""
    m = _methods(meta).get(name)
    if m is not None:
        return str(m.description)
    v = meta.variable(name)
    return f"copied from {v.source}" if v.source else (v.origin_type or "")


def derivations(meta: DatasetMeta) -> list[dict[str, Any]]:
    """Every variable of ``meta`` set by a method: name, label, method type (Computation, Imputation) and text."""
    methods = _methods(meta)
    return [{"name": v.name, "label": v.label, "type": methods[v.name].type, "text": methods[v.name].description}
            for v in meta.variables if v.name in methods]


def populations(frames: Mapping[str, pd.DataFrame], metas: Mapping[str, DatasetMeta]) -> list[dict[str, Any]]:
    """The population flags of ADSL: label, how each is set, and the subjects flagged Y."""
    if "ADSL" not in metas:
        return []
    meta, adsl = metas["ADSL"], frames["ADSL"]
    names = [v.name for v in meta.variables if v.name in POPULATION_FLAGS]
    return [{"name": n, "label": meta.variable(n).label, "text": _describe(meta, n),
             "subjects": int((adsl[n].astype(object) == "Y").sum()) if n in adsl.columns else 0} for n in names]


def treatment_variables(metas: Mapping[str, DatasetMeta]) -> list[dict[str, Any]]:
    """The treatment variables of ADSL (TRTxxP/A and their numbers, TRTSDT...) and how each is set."""
    if "ADSL" not in metas:
        return []
    meta = metas["ADSL"]
    return [{"name": v.name, "label": v.label, "text": _describe(meta, v.name)}
            for v in meta.variables if v.name.startswith(TREATMENT_PREFIXES)]


def core_variables(metas: Mapping[str, DatasetMeta]) -> list[dict[str, Any]]:
    """The variables every ADaM dataset has (the ADRG's core variables), in ADSL's order."""
    if not metas:
        return []
    shared = set.intersection(*({v.name for v in m.variables} for m in metas.values()))
    first = metas.get("ADSL") or next(iter(metas.values()))
    return [{"name": v.name, "label": v.label} for v in first.variables if v.name in shared]


def _windows(spec: Any) -> list[dict[str, Any]]:
    """The visit windows of the steps of one ADaM spec that window records."""
    out = []
    for i, step in enumerate(spec.steps):
        params = spec.params(i)
        win = params.get("windows")
        if not isinstance(win, Mapping):
            continue
        visits = ", ".join(f"{v.get('avisit')} (day {v.get('target')})" for v in win.get("visits", []))
        out.append({"dataset": spec.dataset, "step": step["step"], "tolerance": win.get("tolerance_days"),
                    "visits": visits, "rule": params.get("anl01fl_rule", "")})
    return out


def _read(meta: DatasetMeta, descriptor: Any) -> str:
    """The datasets a built-in ADaM dataset reads (no spec): those it needs, its lineage's, its variables' sources."""
    names = list(getattr(descriptor, "needs", ()))
    lineage = getattr(descriptor, "lineage", None)
    names += [lineage[0]] if lineage else []
    names += [v.source.split(".")[0] for v in meta.variables if v.source and "." in v.source]
    names += [m for method in meta.methods for m in _DATASET_REF.findall(method.description)]
    return ", ".join(sorted(dict.fromkeys(n for n in names if n and n != meta.name)))


def adam_facts(specs: list[Any], frames: Mapping[str, pd.DataFrame], metas: Mapping[str, DatasetMeta],
               aliases: Mapping[str, str] | None = None, descriptors: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ADRG's facts: per dataset its spec class, sources (``aliases``: a spec's name → the dataset, PASI → QS;
    without a spec, from its ``descriptors``) and steps with its derivations; the populations, core and treatment
    variables, and the visit windows."""
    aliases, descriptors = aliases or {}, descriptors or {}
    by_name = {s.dataset: s for s in specs}
    datasets = []
    for name in sorted(metas, key=lambda n: (n != "ADSL", n)):
        spec = by_name.get(name)
        datasets.append({"name": name, "spec_class": spec.data.get("class", "") if spec else "",
                         "spec": f"adam/{Path(spec.path).name}" if spec else "", "sources": ", ".join(aliases.get(s, s) for s in spec.sources) if spec
                         else _read(metas[name], descriptors.get(name)),
                         "steps": ", ".join(dict.fromkeys(s["step"] for s in spec.steps)) if spec else "",
                         "derivations": derivations(metas[name]),
                         "imputations": [d for d in derivations(metas[name]) if d["type"] == "Imputation"]})
    return {"datasets": datasets, "populations": populations(frames, metas),
            "treatment": treatment_variables(metas), "core": core_variables(metas),
            "windows": [w for s in specs for w in _windows(s)], "from_specs": bool(specs)}
