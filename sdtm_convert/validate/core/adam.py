"""ADaM scopes of the CORE rules: a dataset's ADaM structure (``Data Structures``), its subclass
(``Subclasses``) and its name (``Datasets``).

The structure and subclass a dataset's metadata declares (define.xml ``def:Class``/``def:SubClass``, read by
:func:`declare_classes`; a test case's ``_datasets.csv`` Class/Subclass) come first; a declared class with no
subclass has none. Without one, the ADaMIG structure rules decide, as this
project's own ADaM checks do (``validate.context.Context.adam_structure``, ``package.infer.adam_structure``):
ADSL by name, BDS when PARAMCD is present, OCCDS when a dictionary-coded or categorised occurrence variable
(``--TERM``, ``--DECOD``, ``--TRT``, ``--BODSYS``) is, BDS again when another BDS parameter or analysis value
variable is (PARAM, PARAMN, AVAL, AVALC: a BDS lacking PARAMCD, which a rule must see to flag), else ADAM OTHER; a dataset whose name does not start with
``AD`` has no ADaM structure. Subclasses: TIME-TO-EVENT for ADTTE or a BDS with CNSR, POPULATION PHARMACOKINETIC
ANALYSIS for ADPPK, NON-COMPARTMENTAL ANALYSIS for ADNCA, ADVERSE EVENT for an OCCDS named ADAE.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from sdtm_convert.validate.model import Dataset

ADSL = "SUBJECT LEVEL ANALYSIS DATASET"
BDS = "BASIC DATA STRUCTURE"
OCCDS = "OCCURRENCE DATA STRUCTURE"
OTHER = "ADAM OTHER"
# ADaMIG OCCDS topic and dictionary variables (any two-letter prefix)
OCCURRENCE = re.compile(r"^[A-Z]{2}(TERM|DECOD|TRT|BODSYS)$")
BDS_VARIABLES = ("PARAMCD", "PARAM", "PARAMN", "AVAL", "AVALC")
SUBCLASS_BY_NAME = {"ADPPK": "POPULATION PHARMACOKINETIC ANALYSIS", "ADNCA": "NON-COMPARTMENTAL ANALYSIS",
                    "ADTTE": "TIME-TO-EVENT"}
SCOPE_KEYS = ("Data Structures", "Subclasses", "Datasets")


def normal(name: str) -> str:
    """Class names compared without case, hyphens or repeated blanks (``TIME-TO-EVENT`` = ``Time to Event``);
    define.xml 2.0's ``ADAM OTHER`` and a bare ``OTHER`` alike."""
    out = " ".join(str(name).upper().replace("-", " ").replace("_", " ").split())
    return OTHER if out == "OTHER" else out


def adam_class(ds: Dataset) -> str:
    """The dataset's ADaM structure (normalised), "" when it is no ADaM dataset."""
    if ds.klass:
        return normal(ds.klass)
    name = ds.name.upper()
    if not name.startswith("AD"):
        return ""
    cols = set(ds.columns)
    if name == "ADSL":
        return ADSL
    if "PARAMCD" in cols:
        return BDS
    if any(OCCURRENCE.match(c) for c in cols):
        return OCCDS
    return BDS if any(v in cols for v in BDS_VARIABLES) else OTHER


def adam_subclass(ds: Dataset) -> str:
    """The dataset's ADaM subclass (normalised), "" when none is declared or recognised. Metadata that
    declares a class and no subclass declares none (an ADAE of OCCDS v1.0 is no OCCDS v1.1 ADVERSE EVENT)."""
    if ds.subclass or ds.klass:
        return normal(ds.subclass)
    name, klass = ds.name.upper(), adam_class(ds)
    if name in SUBCLASS_BY_NAME:
        return normal(SUBCLASS_BY_NAME[name])
    if klass == BDS and "CNSR" in ds.columns:
        return normal("TIME-TO-EVENT")
    if klass == OCCDS and name == "ADAE":
        return normal("ADVERSE EVENT")
    return ""


def _names(block: Any, key: str) -> list[str]:
    vals = (block or {}).get(key) or []
    return [normal(v) for v in ([vals] if isinstance(vals, str) else vals)]


def _passes(scope: dict[str, Any], key: str, value: str) -> bool:
    """``value`` is included (``ALL``, or named) and not excluded by the scope's ``key`` block."""
    inc, exc = _names(scope.get(key), "Include"), _names(scope.get(key), "Exclude")
    if inc and "ALL" not in inc and value not in inc:
        return False
    return not (value and value in exc)


def in_adam_scope(scope: dict[str, Any], ds: Dataset) -> bool:
    """The dataset passes the rule's ``Data Structures``, ``Subclasses`` and ``Datasets`` blocks (a block the
    scope lacks passes)."""
    return (_passes(scope, "Data Structures", adam_class(ds))
            and _passes(scope, "Subclasses", adam_subclass(ds))
            and _passes(scope, "Datasets", normal(ds.name)))


def _declared(path: Path) -> dict[str, tuple[str, str]]:
    """(class, subclass) per dataset name that a define.xml states: ``def:Class`` as an attribute (2.0) or an
    element with its ``def:SubClass`` (2.1)."""
    out: dict[str, tuple[str, str]] = {}
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)).getroot()
    for g in root.iter("{*}ItemGroupDef"):
        name = (g.get("SASDatasetName") or g.get("Name") or "").upper()
        klass = next((v for k, v in g.attrib.items() if etree.QName(k).localname == "Class"), "")
        element = next((c for c in g if isinstance(c.tag, str) and etree.QName(c).localname == "Class"), None)
        sub = ""
        if element is not None:
            klass = element.get("Name") or klass
            sub = next((c.get("Name", "") for c in element
                        if isinstance(c.tag, str) and etree.QName(c).localname == "SubClass"), "")
        out[name] = (klass, sub)
    return out


def declare_classes(datasets: Mapping[str, Dataset], define: Any) -> None:
    """Set each ADaM dataset's ``klass``/``subclass`` from the package's define.xml (``Define`` or None), where
    it states one; other datasets keep theirs."""
    path = getattr(define, "path", None)
    if not path or not Path(path).is_file():
        return
    try:
        declared = _declared(Path(path))
    except (OSError, etree.XMLSyntaxError):
        return  # the define's own checks report an unreadable file
    for name, ds in datasets.items():
        klass, sub = declared.get(name.upper(), ("", ""))
        if klass and name.upper().startswith("AD"):
            ds.klass, ds.subclass = klass, sub
