"""The one define.xml reader: any Define-XML 2.0/2.1 document (ours or not), parsed safely.

Two views of the same document, for two kinds of reader:

- :func:`read_define` → :class:`Define`: the subset the validator compares with the data (datasets,
  variables, lengths, codelists, CT standards); :func:`read_define_header` → :class:`DefineHeader`: the
  identifiers a Dataset-JSON file shares with its define.xml (``xpt2json``, ``header_ids``).
- :func:`read_define_model`: everything define.html shows, as plain dicts with every cross-reference resolved
  (OID → anchor, name), so the templates only print; a reference to a missing definition stays visible as its
  OID without a link. The ``validate define.xml`` rules read codelists, value lists and ARM through it too.

Parsing (:func:`parse_file`) uses the locked-down parser of :mod:`sdtm_convert.package.xsd` (no entity
resolution, no network, no DTD, no huge trees). A file that declares a DTD or entities (billion laughs,
external entities), wherever the DOCTYPE is and whatever the encoding, is refused with one clear error
(``common.safexml``: checked on the parsed tree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from sdtm_convert.common.safexml import REFUSED, UnsafeXml, parse_untrusted
from sdtm_convert.errors import fatal
from sdtm_convert.package.xsd import NS_ARM, define_version, parse_define, safe_parser


def parse_file(path: str | Path, parser: etree.XMLParser | None = None) -> etree._ElementTree:
    """A define.xml file parsed safely (``parser``: :func:`~sdtm_convert.package.xsd.safe_parser` unless
    given); one clear fatal error (``define-unreadable``, ``define-unsafe``) naming the file otherwise."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fatal("define-unreadable", f"{path.name} cannot be read: {exc}", file=path.name) from None
    try:
        return parse_untrusted(raw, parser or safe_parser())
    except UnsafeXml:
        raise fatal("define-unsafe", f"{path.name} {REFUSED}", file=path.name) from None
    except etree.XMLSyntaxError as exc:
        raise fatal("define-unreadable", f"{path.name} is not well-formed XML: {exc}", file=path.name) from None


def _comment_free() -> etree.XMLParser:
    """The validator's view reads a tree without comments (``_text`` walks children)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False, remove_comments=True)


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _attr(el: etree._Element, name: str) -> str:
    """An attribute by local name, whatever its namespace (``def:Class`` or ``Class``); "" when absent."""
    for k, v in el.attrib.items():
        if etree.QName(k).localname == name:
            return v
    return ""


# -- the validator's view -------------------------------------------------------------------------------

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
    root = parse_file(path, _comment_free()).getroot()
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
    klass = _attr(g, "Class") or next((c.get("Name", "") for c in g if isinstance(c.tag, str) and _local(c) == "Class"),
                                      "")  # Define-XML 2.0 attribute, 2.1 def:Class element
    ds = DefDataset(name, g.get("Domain") or name, _text(g), klass, _attr(g, "Structure"), file)
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


# -- define.html's model --------------------------------------------------------------------------------

NS_ODM = "http://www.cdisc.org/ns/odm/v1.3"
NS_XLINK = "http://www.w3.org/1999/xlink"
_KINDS = {
    "ItemGroupDef": "ds",
    "ItemDef": "it",
    "CodeList": "cl",
    "MethodDef": "mt",
    "CommentDef": "com",
    "ValueListDef": "vl",
    "WhereClauseDef": "wc",
    "leaf": "lf",
    "ResultDisplay": "rd",
}


class _Doc:
    def __init__(self, tree: etree._ElementTree):
        self.root = tree.getroot()
        self.def_ns = "http://www.cdisc.org/ns/def/v" + (define_version(tree) or "2.1")
        self.ns = {"odm": NS_ODM, "def": self.def_ns, "xlink": NS_XLINK, "arm": NS_ARM}
        self.anchors: dict[str, str] = {}
        self.wcs = {el.get("OID"): el for el in self.findall(".//def:WhereClauseDef")}
        used: set[str] = set()
        for el in self.root.iter():
            if not isinstance(el.tag, str):
                continue
            kind = _KINDS.get(etree.QName(el).localname)
            oid = el.get("OID") or el.get("ID")
            if kind and oid and oid not in self.anchors:
                base = f"{kind}-" + re.sub(r"[^A-Za-z0-9_.-]", "_", oid)
                anchor, n = base, 1
                while anchor in used:
                    n += 1
                    anchor = f"{base}-{n}"
                used.add(anchor)
                self.anchors[oid] = anchor
        self.leaves: dict[str, dict] = {}
        self.definitions: dict[str, dict] = {}
        self.prepare()

    def find(self, path: str, el=None):
        return (self.root if el is None else el).find(path, self.ns)

    def findall(self, path: str, el=None) -> list:
        return (self.root if el is None else el).findall(path, self.ns)

    def attr(self, el, name: str) -> str | None:
        prefix, _, local = name.rpartition(":")
        return el.get(f"{{{self.ns[prefix]}}}{local}" if prefix else local)

    def text(self, el, path: str = "odm:Description") -> str:
        if el is None:
            return ""
        node = self.find(path, el)
        if node is None:
            return ""
        t = self.find("odm:TranslatedText", node)
        return "".join((t if t is not None else node).itertext()).strip()

    def ref(self, oid: str | None, label: str | None = None) -> dict | None:
        """A link target: ``{"oid", "anchor" (None if undefined), "label"}``."""
        if not oid:
            return None
        return {"oid": oid, "anchor": self.anchors.get(oid), "label": label or oid}

    def described(self, oid: str | None, label: str | None = None) -> dict | None:
        """A reference to a method or comment with its text shown where it is used (as the CDISC stylesheet does):
        :meth:`ref` plus ``text``, ``expressions`` and ``documents`` (empty when the definition is missing)."""
        ref = self.ref(oid, label)
        if ref is None:
            return None
        return ref | self.definitions.get(oid or "", {"text": "", "expressions": [], "documents": []})

    def prepare(self) -> None:
        """The lookups the references need: document leaves, method and comment texts."""
        self.leaves = {lf.get("ID"): _leaf(self, lf) for lf in self.findall(".//def:leaf")}
        self.definitions = {
            el.get("OID"): {
                "text": self.text(el),
                "expressions": [{"context": fe.get("Context") or "", "code": (fe.text or "").strip()}
                                for fe in self.findall("odm:FormalExpression", el)],
                "documents": _document_refs(self, el),
            }
            for tag in ("odm:MethodDef", "def:CommentDef")
            for el in self.findall(f".//{tag}")
        }


def _names(doc: _Doc, tag: str) -> dict[str, str]:
    return {el.get("OID"): el.get("Name") or el.get("OID") for el in doc.findall(f".//{tag}")}


_LINKABLE = re.compile(r"^(?:https?:|file:|[^:]*$)", re.IGNORECASE)  # web, file or relative; never javascript: or data:


def _href(value: str | None) -> str | None:
    """A document address the page may link to (a relative path or an http(s)/file URL); None otherwise."""
    value = (value or "").strip()
    return value if value and _LINKABLE.match(value) else None


def _leaf(doc: _Doc, lf) -> dict:
    href = lf.get(f"{{{NS_XLINK}}}href")
    return {"id": lf.get("ID") or "", "anchor": doc.anchors.get(lf.get("ID") or ""), "href": _href(href),
            "file": href or "", "title": doc.text(lf, "def:title") or href or lf.get("ID") or ""}


def _pages(ref, href: str | None) -> list[dict]:
    """The pages a ``def:PDFPageRef`` points at: ``{"label", "href"}`` (``#page=`` or ``#nameddest=``)."""
    named = ref.get("Type") == "NamedDestination"
    fragment = "nameddest" if named else "page"
    if ref.get("PageRefs"):
        targets = [(p, p) for p in ref.get("PageRefs").split()]
    elif ref.get("FirstPage"):
        first, last = ref.get("FirstPage"), ref.get("LastPage") or ref.get("FirstPage")
        targets = [(first if first == last else f"{first}–{last}", first)]
    else:
        targets = []
    title = ref.get("Title")  # Define-XML 2.1: what the pages show
    return [{"label": f"{title} ({label})" if title else label, "href": f"{href}#{fragment}={target}" if href else None,
             "named": named} for label, target in targets]


def _document_refs(doc: _Doc, el) -> list[dict]:
    """The ``def:DocumentRef`` children of ``el``: the document's title and address, and the pages cited."""
    out = []
    for dr in doc.findall("def:DocumentRef", el):
        leaf = doc.leaves.get(dr.get("leafID")) or {"id": dr.get("leafID") or "", "anchor": None, "href": None,
                                                    "file": "", "title": dr.get("leafID") or ""}
        pages = [p for pr in doc.findall("def:PDFPageRef", dr) for p in _pages(pr, leaf["href"])]
        out.append(leaf | {"pages": pages})
    return out


def _documents(doc: _Doc) -> list[dict]:
    """The study's documents (the leaves outside datasets): the annotated CRF and supplemental documents first,
    each with its role."""
    roles: dict[str, str] = {}
    for tag, role in (("def:AnnotatedCRF", "Annotated CRF"), ("def:SupplementalDoc", "Supplemental document")):
        for holder in doc.findall(f".//{tag}"):
            for dr in doc.findall("def:DocumentRef", holder):
                roles.setdefault(dr.get("leafID") or "", role)
    in_datasets = {lf.get("ID") for ig in doc.findall(".//odm:ItemGroupDef") for lf in doc.findall("def:leaf", ig)}
    leaves = [lf for lid, lf in doc.leaves.items() if lid not in in_datasets]
    order = {"Annotated CRF": 0, "Supplemental document": 1}
    leaves.sort(key=lambda lf: order.get(roles.get(lf["id"], ""), 2))
    listed = [lf | {"role": roles.get(lf["id"], "Document")} for lf in leaves]
    missing = [{"id": lid, "anchor": None, "href": None, "file": "", "title": lid, "role": role}
               for lid, role in roles.items() if lid not in doc.leaves]
    return listed + missing


def _origins(doc: _Doc, item) -> list[dict]:
    """Every def:Origin of an item (Define-XML 2.1 allows several), or Define-XML 1.0's Origin attribute."""
    els = doc.findall("def:Origin", item)
    if not els:
        return [{"type": item.get("Origin") or "", "source": "", "description": "", "documents": []}]
    return [{"type": el.get("Type") or "", "source": el.get("Source") or "", "description": doc.text(el),
             "documents": _document_refs(doc, el)} for el in els]


def _item(doc: _Doc, item, ref, names) -> dict:
    if item is None:  # ItemRef to an ItemDef that is not in the document
        item = etree.Element(f"{{{NS_ODM}}}ItemDef", OID=ref.get("ItemOID") or "", Name=ref.get("ItemOID") or "")
        return _item(doc, item, ref, names) | {"missing": True, "anchor": None}
    cl = doc.find("odm:CodeListRef", item)
    cl_oid = cl.get("CodeListOID") if cl is not None else None
    vl = doc.find("def:ValueListRef", item)
    ref = ref if ref is not None else item
    return {
        "oid": item.get("OID"),
        "anchor": doc.anchors.get(item.get("OID")),
        "name": item.get("Name"),
        "label": doc.text(item),
        "data_type": item.get("DataType") or "",
        "length": item.get("Length") or "",
        "digits": item.get("SignificantDigits") or "",
        "format": doc.attr(item, "def:DisplayFormat") or "",
        "origin": (origins := _origins(doc, item))[0],  # the first; ``origins`` has them all
        "origins": origins,
        "codelist": _codelist_ref(doc, cl_oid, names),
        "value_list": doc.ref(vl.get("ValueListOID") if vl is not None else None, "value level"),
        "comment": doc.described(doc.attr(item, "def:CommentOID")),
        "mandatory": ref.get("Mandatory") or "",
        "key": ref.get("KeySequence") or "",
        "role": ref.get("Role") or "",
        "order": ref.get("OrderNumber") or "",
        "method": doc.described(ref.get("MethodOID"), names["mt"].get(ref.get("MethodOID"))),
    }


def _codelist_ref(doc: _Doc, oid: str | None, names) -> dict | None:
    """A link to a codelist, with its external dictionary (``"MEDDRA 26.0"``) when it names one."""
    ref = doc.ref(oid, names["cl"].get(oid))
    return ref | {"dictionary": names["dictionary"].get(oid, "")} if ref else None


def _datasets(doc: _Doc, items: dict, names) -> list[dict]:
    out = []
    for ig in doc.findall(".//odm:ItemGroupDef"):
        cls = doc.find("def:Class", ig)
        leaf = doc.find("def:leaf", ig)
        variables = [_item(doc, items.get(r.get("ItemOID")), r, names) for r in doc.findall("odm:ItemRef", ig)]
        keys = sorted((v for v in variables if v.get("key")), key=lambda v: int(v["key"]))
        out.append(
            {
                "oid": ig.get("OID"),
                "anchor": doc.anchors.get(ig.get("OID")),
                "name": ig.get("Name"),
                "label": doc.text(ig) or doc.attr(ig, "def:Label") or "",
                "class": cls.get("Name") if cls is not None else (doc.attr(ig, "def:Class") or ""),
                "structure": doc.attr(ig, "def:Structure") or "",
                "purpose": ig.get("Purpose") or "",
                "repeating": ig.get("Repeating") or "",
                "reference": ig.get("IsReferenceData") or "",
                "keys": [v["name"] for v in keys],
                "comment": doc.described(doc.attr(ig, "def:CommentOID")),
                "href": _href(leaf.get(f"{{{NS_XLINK}}}href")) if leaf is not None else None,
                "variables": variables,
            }
        )
    return out


_COMPARATOR_WORDS = {"EQ": "=", "NE": "≠", "LT": "<", "LE": "≤", "GT": ">", "GE": "≥", "IN": "in", "NOTIN": "not in"}
_NUMERIC = {"integer", "float", "double", "decimal"}
_VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,7}")  # a SAS V5 variable name, as datasets carry


def condition_words(comparator: str, values: list[str], numeric: bool = False) -> str:
    """A range check as a reader writes it: ``= 'DIABP'``, ``in ('PASI0101', 'PASI0102')``, ``≥ 18`` (values of a
    numeric variable unquoted)."""
    quoted = [v if numeric else "'" + v.replace("'", "''") + "'" for v in values]
    op = _COMPARATOR_WORDS.get(comparator, comparator)
    if comparator in ("IN", "NOTIN") or len(quoted) != 1:
        return f"{op} ({', '.join(quoted)})"
    return f"{op} {quoted[0]}"


def _where(doc: _Doc, wc_oid: str | None, items: dict) -> list[dict]:
    wc = doc.wcs.get(wc_oid) if wc_oid else None
    if wc is None:
        return []
    out = []
    for rc in doc.findall("odm:RangeCheck", wc):
        oid = doc.attr(rc, "def:ItemOID")
        values = [c.text or "" for c in doc.findall("odm:CheckValue", rc)]
        item = items.get(oid)
        numeric = item is not None and (item.get("DataType") or "") in _NUMERIC
        out.append(
            {
                "variable": doc.ref(oid, _item_name(items, oid)),
                "comparator": rc.get("Comparator") or "",
                "values": values,
                "words": condition_words(rc.get("Comparator") or "", values, numeric),
            }
        )
    return out


def _value_lists(doc: _Doc, items: dict, names, parents: dict) -> list[dict]:
    out = []
    for vl in doc.findall(".//def:ValueListDef"):
        rows = []
        for r in doc.findall("odm:ItemRef", vl):
            wcr = doc.find("def:WhereClauseRef", r)
            row = _item(doc, items.get(r.get("ItemOID")), r, names)
            row["where"] = _where(doc, wcr.get("WhereClauseOID") if wcr is not None else None, items)
            parent = parents.get(vl.get("OID"))
            # an ItemDef named by its tool (LBORRES.LBHE.LBCAT.EQ.HEMATOLOGY-e78ecf9b) shows as the variable it
            # describes; the name stays in the cell's title
            internal = parent is not None and not _VARIABLE_NAME.fullmatch(row["name"] or "")
            row["short_name"] = parent["variable"] if parent is not None and internal else row["name"]
            row["internal_name"] = row["name"] if internal else ""
            rows.append(row)
        out.append(
            {
                "oid": vl.get("OID"),
                "anchor": doc.anchors.get(vl.get("OID")),
                "parent": parents.get(vl.get("OID")),
                "items": rows,
            }
        )
    return out


def _codelists(doc: _Doc) -> list[dict]:
    out = []
    for cl in doc.findall(".//odm:CodeList"):
        alias = doc.find("odm:Alias[@Context='nci:ExtCodeID']", cl)
        terms = []
        for it in [*doc.findall("odm:CodeListItem", cl), *doc.findall("odm:EnumeratedItem", cl)]:
            a = doc.find("odm:Alias[@Context='nci:ExtCodeID']", it)
            terms.append(
                {
                    "value": it.get("CodedValue") or "",
                    "decode": doc.text(it, "odm:Decode"),
                    "code": a.get("Name") if a is not None else "",
                    "order": it.get("OrderNumber") or "",
                    "extended": doc.attr(it, "def:ExtendedValue") == "Yes",
                }
            )
        ext = doc.find("odm:ExternalCodeList", cl)
        out.append(
            {
                "oid": cl.get("OID"),
                "anchor": doc.anchors.get(cl.get("OID")),
                "name": cl.get("Name") or "",
                "data_type": cl.get("DataType") or "",
                "code": alias.get("Name") if alias is not None else "",
                "terms": terms,
                "external": {k: ext.get(k) or "" for k in ("Dictionary", "Version")} | {"href": _href(ext.get("href"))}
                if ext is not None else None,
                "comment": doc.described(doc.attr(cl, "def:CommentOID")),
            }
        )
    return out


def _simple(doc: _Doc, tag: str) -> list[dict]:
    return [
        {
            "oid": el.get("OID"),
            "anchor": doc.anchors.get(el.get("OID")),
            "name": el.get("Name") or "",
            "type": el.get("Type") or "",
            "description": doc.text(el),
            "expressions": doc.definitions[el.get("OID")]["expressions"] if el.get("OID") in doc.definitions else [],
            "documents": _document_refs(doc, el),
        }
        for el in doc.findall(f".//{tag}")
    ]


def _item_name(items: dict, oid: str | None) -> str | None:
    item = items.get(oid)
    return item.get("Name") if item is not None else oid


def _arm(doc: _Doc, items: dict) -> list[dict]:
    out = []
    for rd in doc.findall(".//arm:ResultDisplay"):
        results = []
        for ar in doc.findall("arm:AnalysisResult", rd):
            dss = []
            for ds in doc.findall("arm:AnalysisDatasets/arm:AnalysisDataset", ar):
                wcr = doc.find("def:WhereClauseRef", ds)
                ig = ds.get("ItemGroupOID")
                dss.append(
                    {
                        "dataset": doc.ref(ig, _names(doc, "odm:ItemGroupDef").get(ig)),
                        "where": _where(doc, wcr.get("WhereClauseOID") if wcr is not None else None, items),
                        "variables": [
                            doc.ref(v.get("ItemOID"), _item_name(items, v.get("ItemOID")))
                            for v in doc.findall("arm:AnalysisVariable", ds)
                        ],
                    }
                )
            code = doc.find("arm:ProgrammingCode", ar)
            results.append(
                {
                    "oid": ar.get("OID"),
                    "description": doc.text(ar),
                    "reason": ar.get("AnalysisReason"),
                    "purpose": ar.get("AnalysisPurpose"),
                    "datasets": dss,
                    "parameter": doc.ref(ar.get("ParameterOID"), _item_name(items, ar.get("ParameterOID"))),
                    "documentation": doc.text(doc.find("arm:Documentation", ar)),
                    "documentation_refs": _document_refs(doc, doc.find("arm:Documentation", ar))
                    if doc.find("arm:Documentation", ar) is not None else [],
                    "code": "".join(doc.find("arm:Code", code).itertext())
                    if code is not None and doc.find("arm:Code", code) is not None
                    else "",
                    "code_context": code.get("Context") if code is not None else "",
                }
            )
        out.append(
            {
                "oid": rd.get("OID"),
                "anchor": doc.anchors.get(rd.get("OID")),
                "name": rd.get("Name"),
                "description": doc.text(rd),
                "results": results,
            }
        )
    return out


def read_define_model(define: bytes | str | Path | etree._ElementTree) -> dict:
    """Everything define.html shows, resolved and cross-linked (raises ``etree.XMLSyntaxError`` if not XML);
    ``define`` may be a document already parsed with :func:`~sdtm_convert.package.xsd.parse_define`."""
    doc = _Doc(define if isinstance(define, etree._ElementTree) else parse_define(define))
    items = {el.get("OID"): el for el in doc.findall(".//odm:ItemDef")}
    names = {"cl": _names(doc, "odm:CodeList"), "mt": _names(doc, "odm:MethodDef"), "dictionary": {
        cl.get("OID"): " ".join(x for x in (ext.get("Dictionary"), ext.get("Version")) if x)
        for cl in doc.findall(".//odm:CodeList") for ext in doc.findall("odm:ExternalCodeList", cl)}}
    datasets = _datasets(doc, items, names)
    parents = {
        v["value_list"]["oid"]: {"dataset": d["name"], "variable": v["name"], "anchor": v["anchor"]}
        for d in datasets
        for v in d["variables"]
        if v.get("value_list")
    }
    study = doc.find("odm:Study")
    gv = doc.find("odm:GlobalVariables", study) if study is not None else None
    mdv = doc.find("odm:Study/odm:MetaDataVersion")
    return {
        "study": {
            k: (doc.find(f"odm:{k}", gv).text or "") if gv is not None and doc.find(f"odm:{k}", gv) is not None else ""
            for k in ("StudyName", "StudyDescription", "ProtocolName")
        },
        "file": {
            "created": doc.root.get("CreationDateTime") or "",
            "context": doc.attr(doc.root, "def:Context") or "",
            "define_version": (doc.attr(mdv, "def:DefineVersion") if mdv is not None else "") or "",
            "mdv_name": mdv.get("Name") if mdv is not None else "",
        },
        "standards": [
            {k: s.get(k) or "" for k in ("Name", "Type", "PublishingSet", "Version", "Status")}
            for s in doc.findall(".//def:Standards/def:Standard")
        ],
        "datasets": datasets,
        "value_lists": _value_lists(doc, items, names, parents),
        "codelists": _codelists(doc),
        "methods": _simple(doc, "odm:MethodDef"),
        "comments": _simple(doc, "def:CommentDef"),
        "documents": _documents(doc),
        "displays": _arm(doc, items),
    }
