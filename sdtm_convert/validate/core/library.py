"""The standard's own metadata as CORE rules read it (CDISC's engine asks the CDISC Library): the variables of a
domain in the SDTMIG, the SDTM model's class variables in model order, roles, core status and labels.

Everything comes from the metadata the package ships (:mod:`sdtm_convert.standards.metadata`), for the shipped
SDTMIG version nearest the rule's and its SDTM model (:func:`sdtm_convert.standards.versions.choose_metadata`).
The model of SDTMIG 3.3 and 3.4 (1.7, 2.0) is not shipped: its class order is the nearest shipped model's, with
the variables the guide's own domains of that class add inserted after the variable that precedes them in those
domains. A variable of neither is *unplaced*: order checks skip it rather than guess its position.

An associated-persons dataset (``APEG``) is its parent domain's (``EG``: same class, ``EG``-prefixed variables)
with the associated-persons identifiers (APID, RSUBJID, SREL...) instead of the subject's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from sdtm_convert.standards.metadata import sdtm_model_variables, sdtmig_datasets, sdtmig_variables
from sdtm_convert.standards.versions import choose_metadata
from sdtm_convert.validate.core.scope import dataset_class
from sdtm_convert.validate.model import Dataset

GENERAL = {"INTERVENTIONS": "Interventions", "EVENTS": "Events", "FINDINGS": "Findings",
           "FINDINGS ABOUT": "Findings About"}
COLUMNS = ["name", "label", "type", "role", "core"]


@dataclass(frozen=True)
class Target:
    """What the library knows a dataset as: its ``prefix`` (what ``--`` stands for), the standard ``domain`` it
    instantiates (``""`` when custom), its class, and whether it is an associated-persons dataset."""

    prefix: str
    domain: str
    klass: str
    ap: bool


@cache
def _ig(version: str) -> tuple[str, str]:
    """(shipped SDTMIG, shipped SDTM model) for a rule's SDTMIG version (``3.4``)."""
    choice = choose_metadata(f"sdtmig-{version or '3.4'}")
    return choice.sdtmig, choice.sdtm_model


@cache
def ig_domains(version: str) -> frozenset[str]:
    return frozenset(sdtmig_datasets(_ig(version)[0])["dataset"].str.upper())


def target(ds: Dataset, version: str) -> Target:
    dom = ds.domain.upper()
    ap = len(dom) == 4 and dom.startswith("AP") and "APID" in ds.columns
    prefix = dom[2:] if ap else dom
    known = ig_domains(version)
    std = "SUPPQUAL" if prefix.startswith("SUPP") else prefix
    klass = dataset_class(Dataset(name=prefix, frame=ds.frame)) if ap else dataset_class(ds)
    return Target(prefix, std if std in known else "", klass, ap)


def is_custom(ds: Dataset, version: str) -> bool:
    """The dataset's domain is not one of the guide's."""
    return not target(ds, version).domain


@cache
def _domain_table(domain: str, version: str) -> pd.DataFrame:
    """The guide's variables of one domain in order (``--`` stems kept as full names)."""
    v = sdtmig_variables(_ig(version)[0])
    return v.loc[v["dataset"] == domain, COLUMNS].reset_index(drop=True)


SHARED = frozenset({"STUDYID", "DOMAIN", "USUBJID", "POOLID", "SPDEVID", "VISITNUM", "VISIT", "VISITDY", "TAETORD",
                    "EPOCH", "APID", "RSUBJID", "RDEVID", "SREL", "IDVAR", "IDVARVAL", "QNAM", "QVAL"})


def _stem(domain: str, name: str) -> str:
    """``AESEQ`` of AE is ``--SEQ``; a variable every domain names alike (DOMAIN, even in a domain DO) is not."""
    if name in SHARED or not name.startswith(domain) or len(name) <= len(domain):
        return name
    return "--" + name[len(domain):]


def _insert(order: list[str], seq: list[str]) -> list[str]:
    """``order`` with the names of ``seq`` it lacks, each placed after the name preceding it in ``seq``."""
    out = list(order)
    at = {n: i for i, n in enumerate(out)}
    prev = None
    for n in seq:
        if n not in at:
            pos = out.index(prev) + 1 if prev is not None else 0
            out.insert(pos, n)
            at = {x: i for i, x in enumerate(out)}
        prev = n
    return out


@cache
def class_table(klass: str, version: str, ap: bool = False) -> pd.DataFrame:
    """The class's variables in model order (``--`` stems): identifiers, the class's own (Findings About:
    Findings' up to --TEST, then its own, then the rest of Findings'), timing; with ``role``/``label``."""
    ig, model = _ig(version)
    m = sdtm_model_variables(model).sort_values("order", kind="stable")
    group = GENERAL[klass]

    def part(g: str) -> pd.DataFrame:
        return m.loc[m["group"] == g, ["name", "label", "type", "role"]]

    own = part(group if group != "Findings About" else "Findings")
    if group == "Findings":  # the shipped model lists Findings About's --OBJ with Findings
        own = own[own["name"] != "--OBJ"]
    if group == "Findings About":
        fa = own[own["name"] == "--OBJ"]
        rest = own[own["name"] != "--OBJ"]
        cut = int((rest["name"] == "--TEST").to_numpy().argmax()) + 1
        own = pd.concat([rest.iloc[:cut], fa, rest.iloc[cut:]])
    ids = part("Associated Persons Identifiers" if ap else "Identifiers")
    table = pd.concat([ids, own, part("Timing")], ignore_index=True).drop_duplicates("name")
    order = list(table["name"])
    v = sdtmig_variables(ig)
    extra = []
    for dom, g in v[v["class"] == group].groupby("dataset", sort=True):
        g = g.sort_values("order")
        g = g.assign(name=[_stem(str(dom), n) for n in g["name"]])
        if ap:
            g = g[g["name"] != "USUBJID"]
        order = _insert(order, list(g["name"]))
        extra.append(g[["name", "label", "type", "role"]])
    known = pd.concat([table, *extra], ignore_index=True).drop_duplicates("name")
    return known.set_index("name").loc[order].reset_index().assign(core="")


def _resolve(names: pd.Series, prefix: str) -> pd.Series:
    return names.where(~names.str.startswith("--"), prefix + names.str.slice(2))


def library_table(ds: Dataset, version: str) -> pd.DataFrame:
    """The variables the library gives the dataset, in library order, names resolved (``name, label, type,
    role, core``): a general-class dataset gets its class's model variables, another standard domain the
    guide's variables of that domain; a custom dataset of no general class, none."""
    t = target(ds, version)
    if t.klass.replace("-", " ") in GENERAL:
        table = class_table(t.klass.replace("-", " "), version, t.ap)
        if t.domain and not t.ap:  # the guide's own labels, roles and core for its domain's variables
            dom = _domain_table(t.domain, version).assign(name=lambda d: d["name"].map(lambda n: _stem(t.domain, n)))
            table = table.drop(columns=["label", "type", "role", "core"]).merge(
                pd.concat([dom, table[~table["name"].isin(dom["name"])]]), on="name", how="left")
        return table.assign(name=_resolve(table["name"], t.prefix)).reset_index(drop=True)
    if t.domain:
        return _domain_table(t.domain, version)
    return pd.DataFrame(columns=COLUMNS)


def model_complete(ds: Dataset, version: str) -> bool:
    """The library order of the dataset is complete: a special-purpose or trial-design domain (the guide's
    list), or a general class whose SDTM model is shipped (SDTMIG 3.1.2 to 3.2)."""
    t = target(ds, version)
    if t.klass.replace("-", " ") not in GENERAL:
        return True
    choice = choose_metadata(f"sdtmig-{version or '3.4'}")
    return choice.model == choice.model_used


def column_order(ds: Dataset, version: str) -> list[str]:
    """The library's column order for the dataset; where that order is not complete (a general class of SDTMIG
    3.3 or 3.4, whose model is not shipped), the dataset's variables it lacks placed after the dataset variable
    that precedes them, so an order check judges only the variables whose place is known."""
    names = list(library_table(ds, version)["name"])
    if model_complete(ds, version):
        return names
    return _insert(names, [str(c) for c in ds.columns])


def variable_table(ds: Dataset, version: str) -> pd.DataFrame:
    """The library's metadata of the dataset's variables as a variable check against library metadata reads
    it: a standard domain's variables as the guide defines them for that domain (a model variable the guide
    does not list there has no library label of its own: AEDY's would be the model's generic one), a custom
    domain's from its class in the model."""
    t = target(ds, version)
    return domain_table(ds, version) if t.domain else library_table(ds, version)


def domain_table(ds: Dataset, version: str) -> pd.DataFrame:
    """The guide's variables of the dataset's own domain (none for a custom domain), names resolved for a
    SUPP-- or associated-persons dataset."""
    t = target(ds, version)
    if not t.domain:
        return pd.DataFrame(columns=COLUMNS)
    table = _domain_table(t.domain, version)
    if t.ap:
        table = table.assign(name=_resolve(table["name"].map(lambda n: _stem(t.domain, n)), t.prefix))
    return table
