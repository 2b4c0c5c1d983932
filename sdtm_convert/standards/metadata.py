"""SDTMIG / SDTM model / ADaMIG variable metadata by version, as tidy data frames.

Shipped versions are the files in ``data/standards`` (written by ``scripts/build_standards.py``):
SDTMIG 3.1.2, 3.1.3, 3.2 and 3.4; SDTM model 1.2, 1.3 and 1.4; ADaMIG 1.0 and 1.3. Every loader takes a
version (default: the newest the converter writes, SDTMIG 3.4 / ADaMIG 1.3) and raises ``KeyError`` for a
version that is not shipped; :mod:`sdtm_convert.standards.versions` picks the nearest shipped version for a
package's declared standard and says why.

Columns of :func:`sdtmig_variables`: ``dataset, order, name, label, type ("Char"|"Num"), core
("Req"|"Exp"|"Perm"), codelist_codes (list of C-codes), codelists (list of short names),
value_domain, value_list, role, class``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import pandas as pd

_DATA = resources.files("sdtm_convert") / "data" / "standards"

SDTMIG_DEFAULT = "3.4"
ADAMIG_DEFAULT = "1.3"
GENERAL_CLASSES = ("Interventions", "Events", "Findings", "Findings About")


def version_key(version: str) -> tuple[int, ...]:
    """``"3.1.2"`` → ``(3, 1, 2)`` (for ordering versions)."""
    return tuple(int(p) for p in re.findall(r"\d+", version))


@cache
def shipped(kind: str) -> tuple[str, ...]:
    """Versions shipped for ``kind`` (``sdtmig``, ``sdtm`` (the model) or ``adamig``), oldest first."""
    rx = re.compile(rf"^{re.escape(kind)}-(\d+(?:\.\d+)+)-(?:model-)?variables\.csv$")
    found = {m.group(1) for f in _DATA.iterdir() if (m := rx.match(f.name))}
    return tuple(sorted(found, key=version_key))


def _read(kind: str, version: str, table: str) -> pd.DataFrame:
    if version not in shipped(kind):
        raise KeyError(f"{kind} {version} is not shipped (shipped: {', '.join(shipped(kind))})")
    with (_DATA / f"{kind}-{version}-{table}.csv").open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8")


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.replace(";", ",").split(",") if p.strip()]


@cache
def sdtmig_variables(version: str = SDTMIG_DEFAULT) -> pd.DataFrame:
    raw = _read("sdtmig", version, "variables")
    return raw.assign(
        order=raw["order"].astype(int),
        codelist_codes=raw["codelist_codes"].map(_split),
        codelists=raw["codelists"].map(_split),
    )


@cache
def sdtmig_datasets(version: str = SDTMIG_DEFAULT) -> pd.DataFrame:
    """``dataset, label, class, structure`` of one SDTMIG version."""
    return _read("sdtmig", version, "datasets")


def sdtmig_domain_variables(domain: str, version: str = SDTMIG_DEFAULT) -> pd.DataFrame:
    """Variables of one SDTMIG domain in standard order. ``SUPPxx`` domains resolve to SUPPQUAL."""
    name = "SUPPQUAL" if domain.upper().startswith("SUPP") else domain.upper()
    df = sdtmig_variables(version)
    out = df[df["dataset"] == name].sort_values("order").reset_index(drop=True)
    return out


@cache
def sdtm_model_variables(version: str) -> pd.DataFrame:
    """SDTM model general-class variables: ``group`` (Interventions, Events, Findings, Findings About,
    Identifiers, Timing, Associated Persons Identifiers), ``order, name`` (``--`` stems), ``label, type, role,
    qualifies``."""
    raw = _read("sdtm", version, "model-variables")
    return raw.assign(order=raw["order"].astype(int))


def _stem(dataset: str, name: str) -> str:
    return "--" + name[len(dataset) :] if name.startswith(dataset) and len(name) > len(dataset) else name


@cache
def class_variables(ig_version: str, model_version: str) -> dict[str, frozenset[str]]:
    """Variables (``--`` stems and full names) allowed per general observation class: the SDTM model's class
    variables with its identifiers and timing variables, plus every variable that the SDTMIG's own domains of
    that class use (an IG only instantiates model variables, so this also covers a model version not shipped)."""
    model = sdtm_model_variables(model_version)
    groups = {str(g): set(d["name"]) for g, d in model.groupby("group")}
    shared = groups.get("Identifiers", set()) | groups.get("Timing", set())
    out: dict[str, set[str]] = {k: groups.get(k, set()) | shared for k in GENERAL_CLASSES}
    out["Findings About"] |= groups.get("Findings", set())
    ig = sdtmig_variables(ig_version)
    for klass, g in ig[ig["class"].isin(GENERAL_CLASSES)].groupby("class"):
        out[str(klass)] |= {_stem(d, n) for d, n in zip(g["dataset"], g["name"])}
    common = {s for k in GENERAL_CLASSES for s in out[k] if not s.startswith("--")}
    return {k: frozenset(v | common) for k, v in out.items()}  # identifiers/timing are shared by all classes


@cache
def usual_codelists(ig_version: str) -> dict[str, tuple[str, ...]]:
    """Variable (``--`` stem or full name) → the codelist C-codes that one SDTMIG version gives it in most of
    the domains that list it, and no other codelist anywhere (SDTMIG 3.2: EPOCH → C99079, listed in 9 domains,
    6 with that codelist; --SEV has C66769 in AE only, so none). Used for model variables added to a domain
    that does not list them."""
    v = sdtmig_variables(ig_version)
    listed: dict[str, list[tuple[str, ...]]] = {}
    for d, n, codes in zip(v["dataset"], v["name"], v["codelist_codes"]):
        listed.setdefault(_stem(d, n), []).append(tuple(codes))
    out = {}
    for stem, sets in listed.items():
        assigned = {c for c in sets if c}
        if len(assigned) == 1 and 2 * sum(1 for c in sets if c) > len(sets):
            out[stem] = assigned.pop()
    return out


@cache
def adamig_variables(version: str = ADAMIG_DEFAULT) -> pd.DataFrame:
    """``structure, variable_set, name, label, type, codelist_codes, codelists, value_domain, value_list,
    core`` of one ADaMIG version (structures: "Subject-Level Analysis Dataset", "Basic Data Structure", and in
    ADaMIG 1.0 the separate "Adverse Event Analysis Dataset")."""
    raw = _read("adamig", version, "variables")
    return raw.assign(codelist_codes=raw["codelist_codes"].map(_split), codelists=raw["codelists"].map(_split))
