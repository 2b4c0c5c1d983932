"""Define-XML 2.0 / 2.1 reader (the subset the validator compares with the data).

Parsed with a locked-down lxml parser: no entity resolution, no network, no DTD, no huge trees.
A file that declares a DTD or entities (billion laughs, external entities), wherever the DOCTYPE is and
whatever the encoding, is refused with one clear error (``common.safexml``: checked on the parsed tree).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from sdtm_convert.common.safexml import REFUSED, UnsafeXml, parse_untrusted
from sdtm_convert.errors import fatal


@dataclass
class DefVariable:
    name: str
    label: str
    data_type: str  # text, integer, float, date, datetime, ...
    length: int | None
    codelist: str | None  # CodeList OID
    mandatory: bool
    order: int | None
    display_format: str | None = None


@dataclass
class DefDataset:
    name: str
    domain: str
    label: str
    klass: str
    structure: str
    file: str | None
    variables: dict[str, DefVariable] = field(default_factory=dict)


@dataclass
class DefCodelist:
    oid: str
    name: str
    data_type: str
    values: list[str]
    nci_code: str | None
    extended: frozenset[str] = frozenset()  # terms marked def:ExtendedValue="Yes" (sponsor extensions)
    term_codes: dict[str, str] = field(default_factory=dict)  # value → NCI C-code of the term (Alias nci:ExtCodeID)


@dataclass
class Define:
    path: str
    define_version: str
    standard_name: str
    standard_version: str
    ct_versions: list[str]
    datasets: dict[str, DefDataset]
    codelists: dict[str, DefCodelist]
    created: str = ""  # ODM/@CreationDateTime
    ct_sets: dict[str, str] = field(default_factory=dict)  # Define-XML 2.1 CT standards: publishing set → version


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
    )


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _attr(el: etree._Element, name: str) -> str:
    for k, v in el.attrib.items():
        if etree.QName(k).localname == name:
            return v
    return ""


def _text(el: etree._Element) -> str:
    for d in el:
        if _local(d) == "Description":
            return " ".join("".join(t.itertext()) for t in d if _local(t) == "TranslatedText").strip()
    return ""


@dataclass(frozen=True)
class DefineHeader:
    """The identifiers a Dataset-JSON file shares with its define.xml."""

    path: str
    study_oid: str  # ODM/Study/@OID
    metadata_version_oid: str  # ODM/Study/MetaDataVersion/@OID
    created: str  # ODM/@CreationDateTime


def read_define_header(path: str | Path) -> DefineHeader:
    root, mdv = _root(Path(path))
    study = mdv.getparent()
    return DefineHeader(str(path), study.get("OID", "") if study is not None else "", mdv.get("OID", ""),
                        root.get("CreationDateTime", ""))


def read_define(path: str | Path) -> Define:
    path = Path(path)
    root, mdv = _root(path)
    d = _build(path, mdv)
    d.created = root.get("CreationDateTime", "")
    return d


def _root(path: Path) -> tuple[etree._Element, etree._Element]:
    """The ODM root and its MetaDataVersion, parsed safely; one clear error when the file is not Define-XML."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fatal("define-unreadable", f"{path.name} cannot be read: {exc}", file=path.name) from None
    try:
        root = parse_untrusted(raw, _parser()).getroot()
    except UnsafeXml:
        raise fatal("define-unsafe", f"{path.name} {REFUSED}", file=path.name) from None
    except etree.XMLSyntaxError as exc:
        raise fatal("define-unreadable", f"{path.name} is not well-formed XML: {exc}", file=path.name) from None
    mdv = next((e for e in root.iter() if isinstance(e.tag, str) and _local(e) == "MetaDataVersion"), None)
    if mdv is None:
        raise fatal("define-unreadable", f"{path.name} has no MetaDataVersion (not a Define-XML file)", file=path.name)
    return root, mdv


def _build(path: Path, mdv: etree._Element) -> Define:
    items: dict[str, etree._Element] = {}
    groups, codelists, ct_versions = [], {}, []
    ct_sets: dict[str, str] = {}
    std_name, std_version = _attr(mdv, "StandardName"), _attr(mdv, "StandardVersion")
    for el in mdv.iter():
        if not isinstance(el.tag, str):
            continue
        tag = _local(el)
        if tag == "ItemDef":
            items[el.get("OID", "")] = el
        elif tag == "ItemGroupDef":
            groups.append(el)
        elif tag == "CodeList":
            codelists[el.get("OID", "")] = _codelist(el)
        elif tag == "Standard":  # Define-XML 2.1 def:Standards
            if el.get("Type") == "CT":
                ct_versions.append(el.get("Version", ""))
                ct_sets.setdefault(el.get("PublishingSet", ""), el.get("Version", ""))
            elif el.get("Type") == "IG" and not std_name:
                std_name, std_version = el.get("Name", ""), el.get("Version", "")
    datasets = {}
    for g in groups:
        ds = _dataset(g, items)
        datasets[ds.name] = ds
    return Define(str(path), _attr(mdv, "DefineVersion"), std_name, std_version, ct_versions, datasets, codelists,
                  ct_sets=ct_sets)


def _codelist(el: etree._Element) -> DefCodelist:
    values, nci, extended, codes = [], None, set(), {}
    for c in el:
        if not isinstance(c.tag, str):
            continue
        if _local(c) in ("CodeListItem", "EnumeratedItem"):
            value = c.get("CodedValue", "")
            values.append(value)
            if _attr(c, "ExtendedValue") == "Yes":
                extended.add(value)
            alias = next((a.get("Name") for a in c if isinstance(a.tag, str) and _local(a) == "Alias"
                          and a.get("Context") == "nci:ExtCodeID"), None)
            if alias:
                codes[value] = alias
        elif _local(c) == "Alias" and c.get("Context") == "nci:ExtCodeID":
            nci = c.get("Name")
    return DefCodelist(el.get("OID", ""), el.get("Name", ""), el.get("DataType", ""), values, nci, frozenset(extended),
                       codes)


def _dataset(g: etree._Element, items: dict[str, etree._Element]) -> DefDataset:
    name = (g.get("SASDatasetName") or g.get("Name") or "").upper()
    leaf = next((c for c in g if isinstance(c.tag, str) and _local(c) == "leaf"), None)
    file = leaf.get("{http://www.w3.org/1999/xlink}href") if leaf is not None else None
    ds = DefDataset(name, g.get("Domain") or name, _text(g), _attr(g, "Class"), _attr(g, "Structure"), file)
    for ref in g:
        if not isinstance(ref.tag, str) or _local(ref) != "ItemRef":
            continue
        it = items.get(ref.get("ItemOID", ""))
        if it is None:
            continue
        cl = next((c.get("CodeListOID") for c in it if isinstance(c.tag, str) and _local(c) == "CodeListRef"), None)
        length = it.get("Length")
        order = ref.get("OrderNumber")
        var = DefVariable(
            it.get("Name", ""),
            _text(it),
            it.get("DataType", ""),
            int(length) if length and length.isdigit() else None,
            cl,
            ref.get("Mandatory") == "Yes",
            int(order) if order and order.isdigit() else None,
            _attr(it, "DisplayFormat") or None,
        )
        ds.variables[var.name] = var
    return ds
