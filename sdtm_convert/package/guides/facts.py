"""What the reviewer's guides state about a run, gathered from what it wrote: the study, the standards and versions
(from each package's define.xml), the dataset inventory with records and file sizes, SUPP-- qualifiers, sponsor
extensions of CT codelists, external dictionaries and the trial design datasets."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from sdtm_convert.common.text import plural

TRIAL_DESIGN = {  # the trial design datasets and the columns the guide shows of each
    "TA": ("ARMCD", "ARM", "TAETORD", "ETCD", "ELEMENT", "EPOCH"),
    "TE": ("ETCD", "ELEMENT", "TESTRL", "TEENRL", "TEDUR"),
    "TV": ("VISITNUM", "VISIT", "VISITDY", "TVSTRL", "TVENRL"),
    "TI": ("IETESTCD", "IETEST", "IECAT"),
    "TS": ("TSPARMCD", "TSPARM", "TSVAL"),
}
FILE_SUFFIXES = (".xpt", ".json")
FORMAT_NAMES = {".xpt": "SAS XPT v5", ".json": "Dataset-JSON 1.1"}


def formats_written(rows: list[dict[str, Any]]) -> str:
    """``SAS XPT v5 and Dataset-JSON 1.1``: the formats of the files of an inventory."""
    names = [FORMAT_NAMES[s] for s in FILE_SUFFIXES if any(f["file"].endswith(s) for r in rows for f in r["files"])]
    return " and ".join(names) or "no dataset file"


def size_text(n: int) -> str:
    """``12,345 bytes``: the exact size, as the file system gives it."""
    return plural(n, "byte")


def cell(value: Any) -> str:
    """A value as text for a table cell (missing → "")."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def inventory(frames: Mapping[str, pd.DataFrame], metas: Mapping[str, Any], folder: Path,
              rel: Path) -> list[dict[str, Any]]:
    """One row per dataset written: name, label, class, structure, keys, records, subjects, and its files with their
    sizes (``rel``: the folder relative to the output folder, as the guides name files)."""
    rows = []
    for name in sorted(metas):
        meta, frame = metas[name], frames[name]
        files = [{"file": f"{name.lower()}{s}", "path": (rel / f"{name.lower()}{s}").as_posix(),
                  "bytes": (folder / f"{name.lower()}{s}").stat().st_size,
                  "size": size_text((folder / f"{name.lower()}{s}").stat().st_size)}
                 for s in FILE_SUFFIXES if (folder / f"{name.lower()}{s}").is_file()]
        subjects = int(frame["USUBJID"].nunique()) if "USUBJID" in frame.columns else None
        rows.append({"name": name, "label": meta.label, "class": meta.class_, "structure": meta.structure,
                     "keys_text": ", ".join(meta.keys), "records": int(len(frame)), "subjects": subjects, "files": files,
                     "variables": len(meta.variables)})
    return rows


def supp_use(frames: Mapping[str, pd.DataFrame]) -> list[dict[str, Any]]:
    """Per SUPP-- dataset and QNAM: the parent domain, the label, the origin and the records."""
    rows = []
    for name in sorted(n for n in frames if n.startswith("SUPP")):
        f = frames[name]
        if not {"QNAM", "RDOMAIN"} <= set(f.columns) or not len(f):
            continue
        cols = [c for c in ("RDOMAIN", "QNAM", "QLABEL", "QORIG") if c in f.columns]
        g = f[cols].astype(object).where(f[cols].notna(), "").groupby(cols, sort=True).size()
        for key, n in g.items():
            vals = dict(zip(cols, key if isinstance(key, tuple) else (key,)))
            rows.append({"dataset": name, "rdomain": vals.get("RDOMAIN", ""), "qnam": vals.get("QNAM", ""),
                         "qlabel": vals.get("QLABEL", ""), "qorig": vals.get("QORIG", ""), "records": int(n)})
    return rows


def trial_design(frames: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
    """Each trial design dataset present: its records and the rows of the columns the guide shows."""
    out = {}
    for name, cols in TRIAL_DESIGN.items():
        if name not in frames:
            continue
        f = frames[name]
        shown = [c for c in cols if c in f.columns]
        out[name] = {"records": int(len(f)), "columns": shown,
                     "rows": [[cell(v) for v in r] for r in f[shown].itertuples(index=False)]}
    return out


def define_facts(define_path: Path) -> dict[str, Any]:
    """From a package's define.xml: its version, standard, CT versions, the CT codelists with sponsor terms
    (``def:ExtendedValue="Yes"``) and the variables that use them, and the external dictionaries."""
    from sdtm_convert.package.define.read import read_define, read_define_model

    if not define_path.is_file():
        return {"define_version": "", "standard": "", "ct": {}, "extended": [], "dictionaries": []}
    define = read_define(define_path)
    model = read_define_model(define_path)
    users: dict[str, list[str]] = {}
    for ds in define.datasets.values():
        for v in ds.variables.values():
            if v.codelist:
                users.setdefault(v.codelist, []).append(f"{ds.name}.{v.name}")
    extended = [{"name": cl["name"], "code": cl["code"], "terms": [t["value"] for t in cl["terms"] if t["extended"]],
                 "used_by": ", ".join(users.get(cl["oid"], []))}
                for cl in model["codelists"] if any(t["extended"] for t in cl["terms"])]
    dictionaries = sorted({(cl["external"]["Dictionary"], cl["external"]["Version"])
                           for cl in model["codelists"] if cl.get("external")})
    ct = dict(sorted(define.ct_sets.items()))  # Define-XML 2.1: per publishing set; 2.0: the one version
    if not ct and define.ct_versions:
        ct[""] = define.ct_versions[0]
    return {"define_version": define.define_version,
            "standard": f"{define.standard_name} {define.standard_version}".strip(), "ct": ct,
            "extended": sorted(extended, key=lambda c: c["name"]),
            "dictionaries": [{"name": d, "version": v} for d, v in dictionaries]}


def validator_facts(run: Mapping[str, Any], rules: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The validation's inputs: tool and version, standard, CT, define.xml, and the rules run by source."""
    def count(key: str) -> int:
        return sum(1 for r in rules if r.get(key))

    return {"tool": run.get("tool", ""), "version": run.get("tool_version", ""), "standard": run.get("standard", ""),
            "ct": run.get("ct_version", ""), "define": run.get("define") or "", "notes": list(run.get("notes", [])),
            "rules": len(rules), "p21": count("p21_id"), "cdisc": count("cdisc_id"), "fda": count("fda_id")}
