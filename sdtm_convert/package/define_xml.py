"""Define-XML 2.1 from the :class:`~sdtm_convert.metadata.DatasetMeta` objects (plus CT), nothing else.

OID conventions: ``IG.<DS>``, ``IT.<DS>.<VAR>``, ``IT.<DS>.<VAR>.<WC>`` (value level), ``VL.<DS>.<VAR>``,
``WC.<id>``, ``CL.<codelist short name or sponsor id>``, ``MT.<id>``, ``COM.<DS>[.<VAR>[.<WC>]]``,
``LF.<DS>``, ``STD.<name>.<version>``. Output is deterministic: document order follows the input
lists, shared definitions (codelists, where-clauses, methods, comments) are sorted by OID, the
creation timestamp is the one given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.metadata import DERIVED, DatasetMeta, Method, ValueLevel, VariableMeta, WhereClause
from sdtm_convert.package import arm as arm_mod
from sdtm_convert.package._xml import NS_ARM, NS_DEF, NS_ODM, NS_XLINK, description, q, sub, yes_no
from sdtm_convert.package.codelists import CodelistDef, UsedValues, build_codelists, codelist_oid, ct_publishing_sets
from sdtm_convert.package.define.sponsor import Sponsor
from sdtm_convert.spec.define_spec import prefixed
from sdtm_convert.standards.ct import ControlledTerminology, load_ct
from sdtm_convert.version import __version__

STYLESHEET = "define2-1.xsl"
_LENGTH_TYPES = ("text", "integer", "float")
_SOURCE_DEFAULT = {"Derived": "Sponsor", "Assigned": "Sponsor", "Protocol": "Sponsor"}


def wc_oid(where_id: str) -> str:
    return where_id if where_id.startswith("WC.") else f"WC.{where_id}"


def vl_item_oid(ds: str, var: str, where_id: str) -> str:
    """``IT.QS.QSORRES.PASITOT`` for where-clause ``QS.QSORRES.PASITOT`` (or ``PASITOT``) on QS.QSORRES."""
    suffix = where_id.removeprefix("WC.")
    suffix = suffix.removeprefix(f"{ds}.{var}.") if suffix.startswith(f"{ds}.{var}.") else suffix.removeprefix(f"{ds}.")
    return f"IT.{ds}.{var}.{suffix}"


def define_class(class_: str) -> str:
    """Define-XML class name from an SDTMIG/ADaMIG class (``Special-Purpose`` → ``SPECIAL PURPOSE``)."""
    return " ".join(class_.upper().replace("-", " ").split())


def method_oid(method_id: str) -> str:
    return method_id if method_id.startswith("MT.") else f"MT.{method_id}"


def _std_oid(name: str, version: str) -> str:
    return f"STD.{name.replace('/', '_')}.{version}"


def _split_standard(standard: str) -> tuple[str, str]:
    name, _, version = standard.partition(" ")
    return name, version


@dataclass
class _Ctx:
    """What the element writers share: lookups built once, issues collected."""

    ct: ControlledTerminology
    ig_oids: dict[str, str]
    ct_oids: dict[str, str]  # publishing set → standard OID
    methods: dict[str, Method]
    issues: list[Issue]
    codelists: set[str]  # OIDs of the codelists written
    comments: dict[str, str] = field(default_factory=dict)  # OID → text
    sponsor: Sponsor = field(default_factory=Sponsor)  # what the define spec adds (comments, documents, codelists)
    used_comments: set[str] = field(default_factory=set)  # OIDs of the define spec's comments referenced

    def comment_ref(self, oid: str, text: str | None, comment_id: str | None) -> str | None:
        """The CommentOID of an element: the define spec's comment when it names one, else the run's text."""
        if comment_id:
            ref = prefixed("COM", comment_id)
            self.used_comments.add(ref)
            return ref
        return _comment(self, oid, text)

    def codelist_ref(self, ref: str) -> str:
        return self.sponsor.codelist_oid(ref) or codelist_oid(ref, self.ct)

    def leaf(self, document: str) -> str:
        return prefixed("LF", document)


def _standards(mdv, standard: str, datasets, codelists: list[CodelistDef], ct_version: str,
               ct: ControlledTerminology) -> tuple[dict, dict]:
    igs = list(dict.fromkeys([standard, *(d.standard for d in datasets)]))
    _, versions = ct_publishing_sets(ct)
    versions = {"SDTM": ct_version, **versions}
    used_sets = {c.publishing_set for c in codelists if c.publishing_set}
    used_sets |= {"ADaM" if s.startswith("ADaM") else "SDTM" for s in igs}
    el = sub(mdv, "def:Standards")
    ig_oids: dict[str, str] = {}
    for s in igs:
        name, version = _split_standard(s)
        ig_oids[s] = _std_oid(name, version)
        sub(el, "def:Standard", {"OID": ig_oids[s], "Name": name, "Type": "IG", "Version": version, "Status": "Final"})
    ct_oids: dict[str, str] = {}
    for pset in ("SDTM", "ADaM", "DEFINE-XML"):
        if pset in used_sets and pset in versions:
            ct_oids[pset] = _std_oid(f"CT.{pset}", versions[pset])
            sub(
                el,
                "def:Standard",
                {
                    "OID": ct_oids[pset],
                    "Name": "CDISC/NCI",
                    "Type": "CT",
                    "PublishingSet": pset,
                    "Version": versions[pset],
                    "Status": "Final",
                },
            )
    return ig_oids, ct_oids


def _item_oid(ds: str, ref: str) -> str:
    dataset, _, var = ref.rpartition(".")
    return f"IT.{dataset or ds}.{var}"


def _where_clauses(datasets, displays, issues) -> dict[str, tuple[str, WhereClause]]:
    out: dict[str, tuple[str, WhereClause]] = {}
    pairs = [(ds.name, vl.where) for ds in datasets for vl in ds.value_level] + arm_mod.where_clauses(displays)
    for ds, wc in pairs:
        oid = wc_oid(wc.id)
        if oid in out and out[oid][1].conditions != wc.conditions:
            issues.append(
                Issue(
                    "define-where-clause-conflict",
                    ERROR,
                    f"where-clause {wc.id} is defined twice with different conditions",
                    dataset=ds,
                )
            )
        out.setdefault(oid, (ds, wc))
    return dict(sorted(out.items()))


def _write_where_clauses(mdv, clauses: dict[str, tuple[str, WhereClause]]) -> None:
    for oid, (ds, wc) in clauses.items():
        el = sub(mdv, "def:WhereClauseDef", {"OID": oid})
        for var, op, values in wc.conditions:
            rc = sub(el, "RangeCheck", {"Comparator": op, "SoftHard": "Soft", "def:ItemOID": _item_oid(ds, var)})
            for v in values:
                sub(rc, "CheckValue", None, str(v))


def _value_lists(mdv, ds: DatasetMeta, ctx: _Ctx) -> None:
    by_var: dict[str, list[ValueLevel]] = {}
    for vl in ds.value_level:
        by_var.setdefault(vl.variable, []).append(vl)
    for var, vls in by_var.items():
        el = sub(mdv, "def:ValueListDef", {"OID": f"VL.{ds.name}.{var}"})
        for i, vl in enumerate(vls, 1):
            ref = sub(
                el,
                "ItemRef",
                {
                    "ItemOID": vl_item_oid(ds.name, var, vl.where.id),
                    "OrderNumber": i,
                    "Mandatory": yes_no(vl.mandatory),
                    "MethodOID": _method_ref(vl.method_id, vl.origin_type, ds.name, var, ctx),
                },
            )
            sub(ref, "def:WhereClauseRef", {"WhereClauseOID": wc_oid(vl.where.id)})


def _method_ref(method_id, origin_type, ds: str, var: str, ctx: _Ctx) -> str | None:
    if not method_id:
        if origin_type == DERIVED:
            ctx.issues.append(
                Issue(
                    "define-derived-without-method", WARNING, "derived variable has no method", dataset=ds, variable=var
                )
            )
        return None
    oid = method_oid(method_id)
    if oid not in ctx.methods:
        ctx.issues.append(
            Issue("define-method-missing", ERROR, f"method {method_id} is not defined", dataset=ds, variable=var)
        )
        return None
    return oid


def _comment(ctx: _Ctx, oid: str, text: str | None) -> str | None:
    if not text:
        return None
    ctx.comments[oid] = text
    return oid


def _item_group(mdv, ds: DatasetMeta, ctx: _Ctx) -> None:
    sdtm = not ds.standard.startswith("ADaM")
    domain = (ds.name[4:] if ds.name.startswith("SUPP") else ds.name) if sdtm else None
    per_subject = ds.structure.strip().lower().rstrip(".") == "one record per subject"
    reference = define_class(ds.class_) == "TRIAL DESIGN"
    el = sub(
        mdv,
        "ItemGroupDef",
        {
            "OID": f"IG.{ds.name}",
            "Name": ds.name,
            "Domain": domain,
            "Repeating": yes_no(not (per_subject or reference)),
            "IsReferenceData": yes_no(reference),
            "SASDatasetName": ds.name,
            "Purpose": "Tabulation" if sdtm else "Analysis",
            "def:Structure": ds.structure,
            "def:StandardOID": ctx.ig_oids[ds.standard],
            "def:ArchiveLocationID": f"LF.{ds.name}",
            "def:CommentOID": ctx.comment_ref(f"COM.{ds.name}", ds.comment, ds.comment_id),
        },
    )
    description(el, ds.label)
    keys = {k: i for i, k in enumerate(ds.keys, 1)}
    for i, v in enumerate(ds.variables, 1):
        sub(
            el,
            "ItemRef",
            {
                "ItemOID": f"IT.{ds.name}.{v.name}",
                "OrderNumber": i,
                "Mandatory": yes_no(v.core == "Req"),
                "KeySequence": keys.get(v.name),
                "MethodOID": _method_ref(v.method_id, v.origin_type, ds.name, v.name, ctx),
                "Role": v.role if sdtm else None,
            },
        )
    sub(el, "def:Class", {"Name": define_class(ds.class_)})
    leaf = sub(el, "def:leaf", {"ID": f"LF.{ds.name}", "xlink:href": f"{ds.name.lower()}.xpt"})
    sub(leaf, "def:title", None, f"{ds.name.lower()}.xpt")


def _origin(el, origin_type: str, source: str | None, text: str | None, ctx: _Ctx, pages: str | None) -> None:
    origin = sub(el, "def:Origin", {"Type": origin_type, "Source": source or _SOURCE_DEFAULT.get(origin_type)})
    if text:
        description(origin, text)
    if pages and ctx.sponsor.acrf:
        _document_ref(origin, ctx.leaf(ctx.sponsor.acrf), pages)


def _document_ref(el, leaf_id: str, pages: str | None) -> None:
    """``def:DocumentRef`` to a leaf, with its pages: ``12 14`` (PageRefs) or ``12-14`` (FirstPage, LastPage)."""
    ref = sub(el, "def:DocumentRef", {"leafID": leaf_id})
    if not pages:
        return
    first, dash, last = pages.partition("-")
    if dash and first.strip().isdigit() and last.strip().isdigit():
        sub(ref, "def:PDFPageRef", {"FirstPage": first.strip(), "LastPage": last.strip(), "Type": "PhysicalRef"})
    else:
        sub(ref, "def:PDFPageRef", {"PageRefs": " ".join(pages.replace(",", " ").split()), "Type": "PhysicalRef"})


def _item_def(
    mdv, oid: str, var: VariableMeta | ValueLevel, parent: VariableMeta, ds: str, ctx: _Ctx, comment_oid: str
) -> etree._Element:
    if isinstance(var, ValueLevel):
        data_type, length, display_format, source = var.type, var.length or parent.length, None, None
    else:
        data_type, length, display_format, source = var.data_type, var.length, var.display_format, var.source
    name = parent.name
    digits = var.significant_digits
    if data_type == "float" and digits is None:
        ctx.issues.append(
            Issue(
                "define-significant-digits-missing",
                WARNING,
                "float variable without SignificantDigits",
                dataset=ds,
                variable=name,
            )
        )
    el = sub(
        mdv,
        "ItemDef",
        {
            "OID": oid,
            "Name": name,
            "DataType": data_type,
            "Length": length if data_type in _LENGTH_TYPES else None,
            "SignificantDigits": digits if data_type == "float" else None,
            "SASFieldName": name,
            "def:DisplayFormat": display_format,
            "def:CommentOID": ctx.comment_ref(comment_oid, var.comment, var.comment_id),
        },
    )
    description(el, var.label)
    if var.codelist and ctx.codelist_ref(var.codelist) in ctx.codelists:
        sub(el, "CodeListRef", {"CodeListOID": ctx.codelist_ref(var.codelist)})
    _origin(el, var.origin_type, var.origin_source, source, ctx, var.pages)
    return el


def _item_defs(mdv, ds: DatasetMeta, ctx: _Ctx) -> None:
    with_vl = {vl.variable for vl in ds.value_level}
    for v in ds.variables:
        el = _item_def(mdv, f"IT.{ds.name}.{v.name}", v, v, ds.name, ctx, f"COM.{ds.name}.{v.name}")
        if v.name in with_vl:
            sub(el, "def:ValueListRef", {"ValueListOID": f"VL.{ds.name}.{v.name}"})
    for vl in ds.value_level:
        try:
            parent = ds.variable(vl.variable)
        except KeyError:
            ctx.issues.append(
                Issue(
                    "define-value-level-orphan",
                    ERROR,
                    "value-level metadata for a variable that is not in the dataset",
                    dataset=ds.name,
                    variable=vl.variable,
                )
            )
            parent = VariableMeta(vl.variable, vl.label, "Char", vl.length or 1)
        oid = vl_item_oid(ds.name, vl.variable, vl.where.id)
        _item_def(mdv, oid, vl, parent, ds.name, ctx, "COM." + oid.removeprefix("IT."))


def _codelist(mdv, cl: CodelistDef, ctx: _Ctx) -> None:
    el = sub(
        mdv,
        "CodeList",
        {
            "OID": cl.oid,
            "Name": cl.name,
            "DataType": cl.data_type,
            "def:StandardOID": ctx.ct_oids.get(cl.publishing_set or ""),
            "def:IsNonStandard": None if cl.code or cl.dictionary else "Yes",
        },
    )
    if cl.dictionary:
        sub(el, "ExternalCodeList", {"Dictionary": cl.dictionary, "Version": cl.version or None})
    for i, t in enumerate(cl.terms, 1):
        attrs = {"CodedValue": t.value, "OrderNumber": i, "def:ExtendedValue": "Yes" if t.extended else None}
        if cl.decoded:
            item = sub(el, "CodeListItem", attrs)
            description(item, t.decode if t.decode is not None else t.value, tag="Decode")
        else:
            item = sub(el, "EnumeratedItem", attrs)
        if t.code:
            sub(item, "Alias", {"Context": "nci:ExtCodeID", "Name": t.code})
    if cl.code:
        sub(el, "Alias", {"Context": "nci:ExtCodeID", "Name": cl.code})


def _methods(datasets: Sequence[DatasetMeta], issues: list[Issue]) -> dict[str, Method]:
    out: dict[str, Method] = {}
    for ds in datasets:
        for m in ds.methods:
            oid = method_oid(m.id)
            if oid in out and out[oid] != m:
                issues.append(
                    Issue(
                        "define-method-conflict",
                        ERROR,
                        f"method {m.id} is defined twice with different content",
                        dataset=ds.name,
                    )
                )
            out.setdefault(oid, m)
    return dict(sorted(out.items()))


def _write_methods(mdv, methods: dict[str, Method], ctx: _Ctx) -> None:
    for oid, m in methods.items():
        el = sub(mdv, "MethodDef", {"OID": oid, "Name": m.name, "Type": m.type})
        description(el, m.description)
        if m.expression_code:
            sub(el, "FormalExpression", {"Context": m.expression_context or "Other"}, m.expression_code)
        if m.document:
            _document_ref(el, ctx.leaf(m.document), m.pages)


def _write_comments(mdv, ctx: _Ctx) -> None:
    texts: dict[str, tuple[str, str | None, str | None]] = {oid: (t, None, None) for oid, t in ctx.comments.items()}
    for oid in sorted(ctx.used_comments):
        c = ctx.sponsor.comments.get(oid)
        if c is None:  # a comment id with no comment (the define spec checks its own references before data)
            ctx.issues.append(Issue("define-comment-missing", ERROR, f"comment {oid} is not defined"))
            texts[oid] = (oid, None, None)
            continue
        texts[oid] = (c.description or oid, c.document or None, c.pages or None)
    for oid in sorted(texts):
        text, document, pages = texts[oid]
        el = sub(mdv, "def:CommentDef", {"OID": oid})
        description(el, text)
        if document:
            _document_ref(el, ctx.leaf(document), pages)


def _supplemental_docs(mdv, docs: dict[str, str], sponsor: Sponsor) -> None:
    if sponsor.acrf:
        sub(sub(mdv, "def:AnnotatedCRF"), "def:DocumentRef", {"leafID": prefixed("LF", sponsor.acrf)})
    others = [d.id for d in sponsor.documents if d.id != sponsor.acrf]
    if docs or others:
        el = sub(mdv, "def:SupplementalDoc")
        for i, _ in enumerate(docs, 1):
            sub(el, "def:DocumentRef", {"leafID": f"LF.DOC{i}"})
        for ident in others:
            sub(el, "def:DocumentRef", {"leafID": prefixed("LF", ident)})


def build_define(
    datasets: list[DatasetMeta],
    *,
    study_oid: str,
    study_name: str,
    description: str,
    protocol: str,
    standard: str,
    ct_version: str,
    created: str,
    context: str = "Submission",
    arm: list[arm_mod.ResultDisplay] | None = None,
    used_values: UsedValues | None = None,
    supplemental_docs: dict[str, str] | None = None,
    sponsor: Sponsor | None = None,
    stylesheet: str | None = STYLESHEET,
    ct: ControlledTerminology | None = None,
    issues: list[Issue] | None = None,
) -> bytes:
    """Define-XML 2.1 document (UTF-8 bytes, pretty-printed, byte-identical for the same input).

    ``standard`` is ``"SDTMIG 3.4"`` or ``"ADaMIG 1.3"``; ``used_values`` restricts codelists to the
    terms used in the data (see :mod:`sdtm_convert.package.codelists`); ``arm`` adds Analysis Results
    Metadata; ``supplemental_docs`` maps file name → title (e.g. ``{"csdrg.pdf": "Reviewer's Guide"}``);
    ``sponsor``: what the define spec adds (:func:`~sdtm_convert.package.define.sponsor.apply_define_spec`:
    comments, documents, codelists and dictionaries; the datasets given carry its other text already);
    ``stylesheet=None`` leaves out the ``xml-stylesheet`` processing instruction. Problems found in the
    metadata are appended to ``issues`` (codes ``define-*``).
    """
    issues = issues if issues is not None else []
    ct = ct or load_ct(ct_version)
    arm = arm_mod.resolved(arm or [], [(ds.name, vl.where) for ds in datasets for vl in ds.value_level])
    nsmap = {None: NS_ODM, "xlink": NS_XLINK, "def": NS_DEF} | ({"arm": NS_ARM} if arm else {})
    root = etree.Element(q("ODM"), nsmap=nsmap)
    for k, v in (
        ("FileType", "Snapshot"),
        ("FileOID", f"{study_oid}.Define-XML_2.1.0"),
        ("ODMVersion", "1.3.2"),
        ("CreationDateTime", created),
        ("SourceSystem", "sdtm-convert"),
        ("SourceSystemVersion", __version__),
        (q("def:Context"), context),
    ):
        root.set(k, v)
    study = sub(root, "Study", {"OID": study_oid})
    gv = sub(study, "GlobalVariables")
    sub(gv, "StudyName", None, study_name)
    sub(gv, "StudyDescription", None, description)
    sub(gv, "ProtocolName", None, protocol)
    name, version = _split_standard(standard)
    mdv = sub(
        study,
        "MetaDataVersion",
        {
            "OID": f"MDV.{study_name}.{name}.{version}",
            "Name": f"{study_name} {standard} Define-XML",
            "Description": description,
            "def:DefineVersion": "2.1.0",
        },
    )
    sponsor = sponsor or Sponsor()
    codelists = build_codelists(datasets, ct, used_values, issues, sponsor.codelists)
    ig_oids, ct_oids = _standards(mdv, standard, datasets, codelists, ct_version, ct)
    ctx = _Ctx(ct, ig_oids, ct_oids, _methods(datasets, issues), issues, {c.oid for c in codelists}, sponsor=sponsor)
    _supplemental_docs(mdv, supplemental_docs or {}, sponsor)
    for ds in datasets:
        _value_lists(mdv, ds, ctx)
    _write_where_clauses(mdv, _where_clauses(datasets, arm or [], issues))
    for ds in datasets:
        _item_group(mdv, ds, ctx)
    for ds in datasets:
        _item_defs(mdv, ds, ctx)
    for cl in codelists:
        _codelist(mdv, cl, ctx)
    _write_methods(mdv, ctx.methods, ctx)
    _write_comments(mdv, ctx)
    for i, (href, title) in enumerate((supplemental_docs or {}).items(), 1):
        sub(sub(mdv, "def:leaf", {"ID": f"LF.DOC{i}", "xlink:href": href}), "def:title", None, title)
    for d in sponsor.documents:
        sub(sub(mdv, "def:leaf", {"ID": prefixed("LF", d.id), "xlink:href": d.href or d.id}), "def:title", None,
            d.title or d.id)
    arm_mod.add_arm(mdv, arm or [], wc_oid)
    if stylesheet:
        root.addprevious(etree.ProcessingInstruction("xml-stylesheet", f'type="text/xsl" href="{stylesheet}"'))
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8", pretty_print=True)
