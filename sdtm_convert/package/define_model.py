"""Read any Define-XML 2.0/2.1 document (ours or not) into plain dicts for the define.html templates.

Parsing uses the locked-down parser of :mod:`sdtm_convert.package.xsd`. Every cross-reference is
resolved here (OID → anchor, name) so the templates only print; a reference to a missing definition
stays visible as its OID without a link.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from sdtm_convert.package.xsd import NS_ARM, define_version, parse_define

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


def _names(doc: _Doc, tag: str) -> dict[str, str]:
    return {el.get("OID"): el.get("Name") or el.get("OID") for el in doc.findall(f".//{tag}")}


def _origin(doc: _Doc, item) -> dict:
    el = doc.find("def:Origin", item)
    if el is None:
        return {"type": item.get("Origin") or "", "source": "", "description": ""}
    return {"type": el.get("Type") or "", "source": el.get("Source") or "", "description": doc.text(el)}


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
        "origin": _origin(doc, item),
        "codelist": doc.ref(cl_oid, names["cl"].get(cl_oid)),
        "value_list": doc.ref(vl.get("ValueListOID") if vl is not None else None, "value level"),
        "comment": doc.ref(doc.attr(item, "def:CommentOID")),
        "mandatory": ref.get("Mandatory") or "",
        "key": ref.get("KeySequence") or "",
        "role": ref.get("Role") or "",
        "order": ref.get("OrderNumber") or "",
        "method": doc.ref(ref.get("MethodOID"), names["mt"].get(ref.get("MethodOID"))),
    }


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
                "comment": doc.ref(doc.attr(ig, "def:CommentOID")),
                "href": leaf.get(f"{{{NS_XLINK}}}href") if leaf is not None else None,
                "variables": variables,
            }
        )
    return out


def _where(doc: _Doc, wc_oid: str | None, items: dict) -> list[dict]:
    wc = doc.wcs.get(wc_oid) if wc_oid else None
    if wc is None:
        return []
    out = []
    for rc in doc.findall("odm:RangeCheck", wc):
        oid = doc.attr(rc, "def:ItemOID")
        out.append(
            {
                "variable": doc.ref(oid, _item_name(items, oid)),
                "comparator": rc.get("Comparator") or "",
                "values": [c.text or "" for c in doc.findall("odm:CheckValue", rc)],
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
                "external": {k: ext.get(k) or "" for k in ("Dictionary", "Version")} if ext is not None else None,
                "comment": doc.ref(doc.attr(cl, "def:CommentOID")),
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
    names = {"cl": _names(doc, "odm:CodeList"), "mt": _names(doc, "odm:MethodDef")}
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
        "displays": _arm(doc, items),
    }
