"""Which datasets a CORE rule applies to: its ``Scope`` (classes, domains, include/exclude) read against the
dataset's domain and SDTM class, and the ADaM blocks (data structures, subclasses, datasets: ``adam.py``)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sdtm_convert.standards.metadata import sdtmig_datasets
from sdtm_convert.validate.core.adam import in_adam_scope
from sdtm_convert.validate.model import Dataset

# the class a rule file names → the class names of our standards metadata
CLASSES = {"INTERVENTIONS": "INTERVENTIONS", "EVENTS": "EVENTS", "FINDINGS": "FINDINGS",
           "FINDINGS ABOUT": "FINDINGS ABOUT", "SPECIAL PURPOSE": "SPECIAL-PURPOSE",
           "TRIAL DESIGN": "TRIAL DESIGN", "RELATIONSHIP": "RELATIONSHIP", "STUDY REFERENCE": "STUDY REFERENCE"}


# a class a rule's Include of another class takes in (CDISC's engine: Findings About is a kind of Findings)
SUBCLASS_OF = {"FINDINGS ABOUT": ("FINDINGS",)}

# domains of other guides (SENDIG's TX) and of every version, by the class the guides give them
FIXED = {**dict.fromkeys(("TA", "TE", "TV", "TD", "TM", "TI", "TS", "TX"), "TRIAL DESIGN"),
         **dict.fromkeys(("DM", "CO", "SE", "SV", "SM", "SJ"), "SPECIAL-PURPOSE")}


@cache
def _known_classes() -> dict[str, str]:
    out: dict[str, str] = {}
    for version in ("3.2", "3.4"):
        df = sdtmig_datasets(version)
        out.update({d.upper(): c.upper() for d, c in zip(df["dataset"], df["class"], strict=True)})
    return out


def dataset_class(ds: Dataset) -> str:
    """The SDTM class of a dataset: from the guide for a standard domain, else from its topic variable."""
    dom = ds.domain
    if ds.name.upper().startswith("SUPP") or dom in ("RELREC", "RELSPEC", "RELSUB"):
        return "RELATIONSHIP"
    known = _known_classes().get(dom) or _known_classes().get(ds.name.upper()) or FIXED.get(dom)
    if not known and len(dom) == 4 and dom.startswith("AP"):  # associated persons: APSU is of SU's class
        known = _known_classes().get(dom[2:])
    if known:
        return known.replace("SPECIAL PURPOSE", "SPECIAL-PURPOSE")
    cols = set(ds.columns)
    if dom + "OBJ" in cols:
        return "FINDINGS ABOUT"
    if dom + "TESTCD" in cols:
        return "FINDINGS"
    if dom + "TRT" in cols:
        return "INTERVENTIONS"
    if dom + "TERM" in cols:
        return "EVENTS"
    return ""


def _names(block: Any, key: str) -> list[str]:
    vals = (block or {}).get(key) or []
    return [str(v).upper() for v in ([vals] if isinstance(vals, str) else vals)]


def _domain_match(pattern: str, ds: Dataset) -> bool:
    dom, name = ds.domain.upper(), ds.name.upper()
    if pattern == "ALL":
        return True
    if pattern.endswith("--"):  # SUPP--, AP--
        return name.startswith(pattern[:-2]) and len(name) > len(pattern) - 2
    return pattern in (dom, name)


def in_scope(scope: dict[str, Any], ds: Dataset) -> bool:
    """The dataset is in the rule's scope."""
    domains, classes = scope.get("Domains"), scope.get("Classes")
    inc, exc = _names(domains, "Include"), _names(domains, "Exclude")
    if inc and not any(_domain_match(p, ds) for p in inc):
        return False
    if any(_domain_match(p, ds) for p in exc):
        return False
    c_inc, c_exc = _names(classes, "Include"), _names(classes, "Exclude")
    if c_inc or c_exc:
        klass = dataset_class(ds)
        if c_inc and "ALL" not in c_inc and not {klass, *SUBCLASS_OF.get(klass, ())} & {CLASSES.get(c, c) for c in c_inc}:
            return False
        if klass and klass in {CLASSES.get(c, c) for c in c_exc}:
            return False
    return in_adam_scope(scope, ds)  # the ADaM blocks: Data Structures, Subclasses, Datasets
