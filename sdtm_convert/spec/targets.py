"""The SDTM variables a domain may hold, from the SDTMIG 3.4 metadata shipped in the package.

A standard domain of a general observation class (Interventions, Events, Findings, Findings About) may hold
its own SDTMIG variables and any variable of its class, with its own prefix (``--TESTCD`` → ``QSTESTCD``),
plus the class's unprefixed timing and identifier variables (``VISIT``, ``EPOCH``...). A special-purpose,
trial design or relationship dataset holds exactly its own SDTMIG variables. A custom (sponsor) domain,
unknown to the SDTMIG, may hold any general-class variable with its prefix. Working columns (``__X``) and
targets that a ``suppqual`` step of the same spec turns into SUPP-- qualifiers are not SDTM variables.
"""

from __future__ import annotations

from functools import cache

from sdtm_convert.standards.metadata import sdtmig_datasets, sdtmig_variables

GENERAL = {"Interventions": "Interventions", "Events": "Events", "Findings": "Findings",
           "Findings About": "Findings"}  # Findings About takes the Findings variables


@cache
def _class_names() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """``{class: (suffixes of prefixed variables, unprefixed variable names)}`` of the general classes."""
    v = sdtmig_variables()
    classes = dict(zip(sdtmig_datasets()["dataset"], sdtmig_datasets()["class"], strict=True))
    out: dict[str, tuple[set[str], set[str]]] = {}
    for ds, name in zip(v["dataset"], v["name"], strict=True):
        cls = GENERAL.get(classes.get(ds, ""))
        if cls is None:
            continue
        suffixes, plain = out.setdefault(cls, (set(), set()))
        if name.startswith(ds) and len(name) > len(ds):
            suffixes.add(name[len(ds):])
        else:
            plain.add(name)
    return {c: (frozenset(s), frozenset(p)) for c, (s, p) in out.items()}


@cache
def allowed_variables(domain: str) -> frozenset[str]:
    """Every SDTM variable name a mapping spec may target in ``domain`` (SDTMIG 3.4)."""
    v = sdtmig_variables()
    classes = dict(zip(sdtmig_datasets()["dataset"], sdtmig_datasets()["class"], strict=True))
    dataset = "SUPPQUAL" if domain.startswith("SUPP") else domain
    own = set(v.loc[v["dataset"] == dataset, "name"])
    if dataset in classes and classes[dataset] not in GENERAL:
        return frozenset(own)
    wanted = [GENERAL[classes[dataset]]] if dataset in classes else sorted(set(GENERAL.values()))
    for cls in wanted:
        suffixes, plain = _class_names()[cls]
        own |= {domain + s for s in suffixes} | plain
    return frozenset(own)
