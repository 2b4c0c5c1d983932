"""A define.xml (2.0 or 2.1, ours or a sponsor's) as a define spec: what ``spec export --run`` writes to the
define sheets, and how a Pinnacle 21 define-spec workbook is derived from an existing define.xml.

Ids are the document's OIDs (``CL.AESEV``, ``MT.AE.AESEQ``, ``COM.AE``, ``WC.LB...``, ``LF.blankcrf``): the
define.xml writer keeps an id that already has its prefix, so a spec read back from our own define.xml names the
same things. A document is a ``def:leaf`` that is not a dataset's archive location; an origin's aCRF pages are
its ``def:PDFPageRef`` (``PageRefs``, or ``FirstPage-LastPage``). Where-clause conditions name the dataset of the
item they test (``IT.LB.LBTESTCD`` → LB).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from sdtm_convert.package.define.read import parse_file
from sdtm_convert.spec import define_spec as ds


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _attr(el: etree._Element | None, name: str) -> str:
    """An attribute by local name, whatever its namespace ("" when absent)."""
    if el is None:
        return ""
    for k, v in el.attrib.items():
        if etree.QName(k).localname == name:
            return str(v)
    return ""


def _children(el: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if el is None else [c for c in el if _local(c) == name]


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _text(el: etree._Element | None, name: str = "Description") -> str:
    node = _child(el, name)
    if node is None:
        return ""
    t = _child(node, "TranslatedText")
    return "".join((t if t is not None else node).itertext()).strip()


def _children_text(el: etree._Element, name: str) -> list[str]:
    return ["".join(c.itertext()) for c in _children(el, name)]


def _int(v: str) -> int | None:
    try:
        return int(v)
    except ValueError:
        return None


def _doc_ref(el: etree._Element | None) -> tuple[str, str]:
    """(leaf id, pages) of the first def:DocumentRef under ``el``."""
    ref = _child(el, "DocumentRef")
    if ref is None:
        return "", ""
    page = _child(ref, "PDFPageRef")
    pages = _attr(page, "PageRefs")
    if not pages and _attr(page, "FirstPage"):
        pages = f"{_attr(page, 'FirstPage')}-{_attr(page, 'LastPage')}"
    return _attr(ref, "leafID"), pages


class _Reader:
    def __init__(self, mdv: etree._Element, study: etree._Element | None):
        self.mdv, self.study = mdv, study
        self.items = {el.get("OID"): el for el in _children(mdv, "ItemDef")}
        self.groups = _children(mdv, "ItemGroupDef")
        self.item_dataset: dict[str, str] = {}
        for g in self.groups:
            for ref in _children(g, "ItemRef"):
                self.item_dataset.setdefault(ref.get("ItemOID", ""), g.get("Name", ""))

    def study_attrs(self) -> dict[str, str]:
        out = {}
        gv = _child(self.study, "GlobalVariables")
        for name in ("StudyName", "StudyDescription", "ProtocolName"):
            node = _child(gv, name)
            if node is not None and (node.text or "").strip():
                out[name] = (node.text or "").strip()
        standard = _attr(self.mdv, "StandardName")  # Define-XML 2.0
        if standard:
            out["StandardName"], out["StandardVersion"] = standard, _attr(self.mdv, "StandardVersion")
        for st in _children(_child(self.mdv, "Standards"), "Standard"):  # Define-XML 2.1
            if st.get("Type") == "IG":
                out.setdefault("StandardName", st.get("Name", ""))
                out.setdefault("StandardVersion", st.get("Version", ""))
        return out

    def dataset(self, g: etree._Element) -> ds.DatasetDef:
        keys = sorted(((int(r.get("KeySequence", "0")), self._name(r.get("ItemOID", "")))
                       for r in _children(g, "ItemRef") if r.get("KeySequence")), key=lambda t: t[0])
        return ds.DatasetDef(
            g.get("Name", ""), _text(g), _attr(g, "Class") or _attr(_child(g, "Class"), "Name"), _attr(g, "Structure"),
            g.get("Purpose", ""), ", ".join(k for _, k in keys), g.get("Repeating", ""), g.get("IsReferenceData", ""),
            _attr(g, "CommentOID"))

    def _name(self, oid: str) -> str:
        item = self.items.get(oid)
        return item.get("Name", "") if item is not None else oid.rpartition(".")[2]

    def _item_fields(self, item: etree._Element | None) -> dict[str, object]:
        origin = _child(item, "Origin")
        otype = _attr(origin, "Type")
        _, pages = _doc_ref(origin)
        return {
            "data_type": _attr(item, "DataType"), "length": _int(_attr(item, "Length")),
            "significant_digits": _int(_attr(item, "SignificantDigits")), "format": _attr(item, "DisplayFormat"),
            "codelist": _attr(_child(item, "CodeListRef"), "CodeListOID"), "origin": otype,
            "source": _attr(origin, "Source"), "pages": pages,
            "predecessor": _text(origin) if otype == "Predecessor" else "",
            "comment": _attr(item, "CommentOID"),
        }

    def variables(self, g: etree._Element) -> list[ds.VariableDef]:
        out = []
        for ref in _children(g, "ItemRef"):
            item = self.items.get(ref.get("ItemOID", ""))
            out.append(ds.VariableDef(
                g.get("Name", ""), self._name(ref.get("ItemOID", "")), _int(ref.get("OrderNumber", "")), _text(item),
                mandatory=ref.get("Mandatory", ""), method=ref.get("MethodOID", ""), role=ref.get("Role", ""),
                **self._item_fields(item),  # type: ignore[arg-type]
            ))
        return out

    def value_level(self) -> list[ds.ValueLevelDef]:
        parents: dict[str, tuple[str, str]] = {}
        for oid, item in self.items.items():
            vl_ref = _child(item, "ValueListRef")
            if vl_ref is not None:
                parents[_attr(vl_ref, "ValueListOID")] = (self.item_dataset.get(oid, ""), item.get("Name", ""))
        out = []
        for vl in _children(self.mdv, "ValueListDef"):
            dataset, variable = parents.get(vl.get("OID", ""), ("", ""))
            for ref in _children(vl, "ItemRef"):
                item = self.items.get(ref.get("ItemOID", ""))
                out.append(ds.ValueLevelDef(
                    dataset, variable, _attr(_child(ref, "WhereClauseRef"), "WhereClauseOID"),
                    _int(ref.get("OrderNumber", "")), _text(item), mandatory=ref.get("Mandatory", ""),
                    method=ref.get("MethodOID", ""), **self._item_fields(item),  # type: ignore[arg-type]
                ))
        return out

    def where_clauses(self) -> list[ds.WhereClause]:
        out = []
        for wc in _children(self.mdv, "WhereClauseDef"):
            conditions = []
            for rc in _children(wc, "RangeCheck"):
                oid = _attr(rc, "ItemOID")
                dataset = self.item_dataset.get(oid) or (oid.split(".")[1] if "." in oid else "")
                conditions.append(ds.WhereCondition(
                    dataset, self._name(oid), rc.get("Comparator", ""),
                    [(c.text or "") for c in _children(rc, "CheckValue")]))
            out.append(ds.WhereClause(wc.get("OID", ""), conditions))
        return out

    def codelists(self) -> tuple[list[ds.Codelist], list[ds.DictionaryDef]]:
        lists, dictionaries = [], []
        for cl in _children(self.mdv, "CodeList"):
            ext = _child(cl, "ExternalCodeList")
            if ext is not None:
                dictionaries.append(ds.DictionaryDef(cl.get("OID", ""), cl.get("Name", ""), cl.get("DataType", ""),
                                                     ext.get("Dictionary", ""), ext.get("Version", "")))
                continue
            code = next((a.get("Name", "") for a in _children(cl, "Alias") if a.get("Context") == "nci:ExtCodeID"), "")
            terms = []
            for item in [c for c in cl if _local(c) in ("CodeListItem", "EnumeratedItem")]:
                tcode = next((a.get("Name", "") for a in _children(item, "Alias")
                              if a.get("Context") == "nci:ExtCodeID"), "")
                terms.append(ds.CodelistTerm(item.get("CodedValue", ""), _int(item.get("OrderNumber", "")), tcode,
                                             _text(item, "Decode")))
            lists.append(ds.Codelist(cl.get("OID", ""), cl.get("Name", ""), code, cl.get("DataType", ""), terms))
        return lists, dictionaries

    def methods(self) -> list[ds.MethodDef]:
        out = []
        for m in _children(self.mdv, "MethodDef"):
            expr = _child(m, "FormalExpression")
            document, pages = _doc_ref(m)
            out.append(ds.MethodDef(m.get("OID", ""), m.get("Name", ""), m.get("Type", ""), _text(m),
                                    expr.get("Context", "") if expr is not None else "",
                                    (expr.text or "").strip() if expr is not None else "", document, pages))
        return out

    def comments(self) -> list[ds.CommentDef]:
        return [ds.CommentDef(c.get("OID", ""), _text(c), *_doc_ref(c)) for c in _children(self.mdv, "CommentDef")]

    def documents(self) -> list[ds.DocumentDef]:
        archives = {_attr(g, "ArchiveLocationID") for g in self.groups}
        return [ds.DocumentDef(leaf.get("ID", ""), "".join(_children_text(leaf, "title")).strip(), _attr(leaf, "href"))
                for leaf in _children(self.mdv, "leaf") if leaf.get("ID") not in archives]


def define_spec_from_xml(path: str | Path) -> ds.DefineSpec:
    """The define spec a define.xml states (every dataset, variable, value-level item, where clause, codelist,
    dictionary, method, comment and document)."""
    root = parse_file(path).getroot()
    study = _child(root, "Study")
    mdv = _child(study, "MetaDataVersion")
    if mdv is None:
        return ds.DefineSpec()
    r = _Reader(mdv, study)
    codelists, dictionaries = r.codelists()
    return ds.DefineSpec(
        study=r.study_attrs(),
        datasets=[r.dataset(g) for g in r.groups],
        variables=[v for g in r.groups for v in r.variables(g)],
        value_level=r.value_level(),
        where_clauses=r.where_clauses(),
        codelists=codelists,
        dictionaries=dictionaries,
        methods=r.methods(),
        comments=r.comments(),
        documents=r.documents(),
    )


def merge_specs(specs: list[ds.DefineSpec]) -> ds.DefineSpec:
    """Several define specs as one (SDTM then ADaM): lists joined; a codelist, dictionary, method, comment,
    document or where clause that both define (same id) is kept once, the first."""
    out = ds.DefineSpec()
    for spec in specs:
        for k, v in spec.study.items():
            out.study.setdefault(k, v)
        out.datasets += spec.datasets
        out.variables += spec.variables
        out.value_level += spec.value_level
        for name in ("where_clauses", "codelists", "dictionaries", "methods", "comments", "documents"):
            have = {x.id for x in getattr(out, name)}
            getattr(out, name).extend(x for x in getattr(spec, name) if x.id not in have)
    return out


def run_define_spec(run: Path, spec_folder: Path) -> ds.DefineSpec:
    """The define spec that the define.xml files of a run's package state (SDTM, then ADaM), with the
    ``version_from`` of the spec folder's define.yaml dictionaries kept (what ``spec export --run`` writes)."""
    from dataclasses import replace

    from sdtm_convert.errors import fatal
    from sdtm_convert.spec.define_load import FILE, read_define_spec

    files = sorted((run / "m5" / "datasets").glob("*/tabulations/sdtm/define.xml")) + sorted(
        (run / "m5" / "datasets").glob("*/analysis/adam/datasets/define.xml"))
    if not files:
        raise fatal("spec-run-missing", "no define.xml in this folder: give the output folder of an sdtm-convert "
                    "run (m5/datasets/<study>/...)", file=str(run))
    spec = merge_specs([define_spec_from_xml(f) for f in files])
    given = read_define_spec(spec_folder / FILE)[0] if (spec_folder / FILE).exists() else ds.DefineSpec()
    sources = {ds.prefixed("CL", d.id): d.version_from for d in given.dictionaries if d.version_from}
    spec.dictionaries = [replace(d, version_from=sources.get(ds.prefixed("CL", d.id), d.version_from))
                         for d in spec.dictionaries]
    return spec
