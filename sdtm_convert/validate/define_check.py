"""``validate define.xml`` on its own: schema, internal references, codelists, value-level metadata, ARM.

The document is parsed once with the locked-down parser of :mod:`sdtm_convert.package.xsd`; the XSD is the
shipped Define-XML 2.0 or 2.1 schema (with ARM 1.0 when the document holds analysis results), chosen from the
def namespace. Codelists, value lists and analysis results are read through
:func:`sdtm_convert.package.define.read.read_define_model` (the define.html model of the one define.xml
reader). The rules are registered like the package rules (ids ``SC-DEF-nnn``, standard ``define``):
``--rules`` / ``--exclude-rules`` select them, and ``sdtm-convert rules`` lists them. Pinnacle 21 Community's
Define-XML rules are not in its SDTM/ADaM catalogues shipped here, so no P21 id is claimed.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from lxml import etree

from sdtm_convert.common.text import plural
from sdtm_convert.errors import fatal
from sdtm_convert.package.define.read import _attr, parse_file, read_define_model
from sdtm_convert.package.xsd import define_version, has_arm, validate_define
from sdtm_convert.validate.registry import Hits, Rule, rule
from sdtm_convert.validate.report import FINDING_COLUMNS, ValidationReport, findings_frame, tool_version

STANDARD = "define"  # the ``standards`` tag of the rules below (never applicable to a data package)

# what each referencing attribute points to: (element, attribute) by local name -> the kind of definition;
# "*" = the attribute on any element. ARM references are their own rule (SC-DEF-030).
REFERENCES: dict[tuple[str, str], str] = {
    ("ItemRef", "ItemOID"): "ItemDef",
    ("ItemRef", "MethodOID"): "MethodDef",
    ("ItemRef", "RoleCodeListOID"): "CodeList",
    ("CodeListRef", "CodeListOID"): "CodeList",
    ("*", "CommentOID"): "CommentDef",
    ("ValueListRef", "ValueListOID"): "ValueListDef",
    ("WhereClauseRef", "WhereClauseOID"): "WhereClauseDef",
    ("RangeCheck", "ItemOID"): "ItemDef",
    ("DocumentRef", "leafID"): "leaf",
    ("ItemGroupDef", "ArchiveLocationID"): "leaf",
    ("*", "StandardOID"): "Standard",
}
ARM_REFERENCES: dict[tuple[str, str], str] = {
    ("AnalysisDataset", "ItemGroupOID"): "ItemGroupDef",
    ("AnalysisVariable", "ItemOID"): "ItemDef",
    ("AnalysisResult", "ParameterOID"): "ItemDef",
}
DEFINITIONS = ("ItemGroupDef", "ItemDef", "CodeList", "MethodDef", "CommentDef", "ValueListDef", "WhereClauseDef",
               "leaf", "Standard")
ORPHANS = ("ItemDef", "CodeList", "MethodDef", "CommentDef", "ValueListDef", "WhereClauseDef", "leaf")
# ODM schema uniqueness constraints whose violations a rule below reports (once, naming the codelist or OID):
# UC-CL-1/3 a coded value twice in a codelist (SC-DEF-010), UC-MDV-* an OID defined twice (SC-DEF-004)
SCHEMA_COVERED = re.compile(r"identity-constraint '\{http://www\.cdisc\.org/ns/odm/v1\.3\}(UC-CL-[13]|UC-MDV-[\w-]+)'")
C_CODE = re.compile(r"^C\d+$")
NUMERIC = {"integer": re.compile(r"^[+-]?\d+$"), "float": re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")}


@dataclass
class DefineDoc:
    """What the define rules read: the parsed tree, the define.html model, and OIDs by kind."""

    path: Path
    tree: etree._ElementTree
    model: dict[str, Any]
    defined: dict[str, dict[str, etree._Element]] = field(default_factory=dict)  # kind -> OID -> element

    def name_of(self, oid: str | None) -> str | None:
        """The Name of the definition with this OID (its OID when it has no Name)."""
        for by_oid in self.defined.values():
            if oid in by_oid:
                return by_oid[oid].get("Name") or oid
        return None


def _local(name: Any) -> str:
    return etree.QName(name).localname


def _elements(tree: etree._ElementTree) -> Iterator[etree._Element]:
    return (el for el in tree.getroot().iter() if isinstance(el.tag, str))


def _definitions(tree: etree._ElementTree) -> dict[str, dict[str, etree._Element]]:
    out: dict[str, dict[str, etree._Element]] = {k: {} for k in DEFINITIONS}
    for el in _elements(tree):
        kind = _local(el)
        key = el.get("ID") if kind == "leaf" else el.get("OID")
        if kind in out and key and key not in out[kind]:
            out[kind][key] = el
    return out


def _references(doc: DefineDoc, table: dict[tuple[str, str], str]) -> Iterator[tuple[etree._Element, str, str, str]]:
    """(element, attribute, OID, kind it must name) for every reference the table describes."""
    for el in _elements(doc.tree):
        tag = _local(el)
        for key, value in el.attrib.items():
            attr = _local(key)
            kind = table.get((tag, attr)) or table.get(("*", attr))
            if kind:
                yield el, attr, value, kind


def _owner(doc: DefineDoc, el: etree._Element) -> tuple[str | None, str | None]:
    """(dataset, variable) a referencing element belongs to, by Name, for the finding's place (an ItemRef's
    variable is the ItemDef it names, when that exists)."""
    dataset = variable = None
    if _local(el) == "ItemRef" and el.get("ItemOID") in doc.defined["ItemDef"]:
        variable = doc.defined["ItemDef"][el.get("ItemOID", "")].get("Name")
    for a in [el, *el.iterancestors()]:
        tag = _local(a)
        if tag == "ItemDef" and variable is None:
            variable = a.get("Name")
        elif tag in ("ItemGroupDef",) and dataset is None:
            dataset = a.get("Name")
    return dataset, variable


def load(path: str | Path) -> DefineDoc:
    """Parse a define.xml for the define rules; one clear error when it cannot be read or is not XML."""
    p = Path(path)
    tree = parse_file(p)
    if define_version(tree) is None:
        raise fatal("define-unreadable", f"{p.name} has no Define-XML 2.0/2.1 namespace (not a define.xml)",
                    file=p.name)
    return DefineDoc(p, tree, read_define_model(tree), _definitions(tree))


def _define_rule(rule_id: str, category: str, severity: str, message: str, description: str):
    return rule(rule_id, category=category, standards=(STANDARD,), severity=severity, message=message,
                description=description)


# ---- schema ----------------------------------------------------------------------------------------------

@_define_rule("SC-DEF-001", "technical", "error", "define.xml is not valid against the Define-XML schema",
              "The document validates against the Define-XML schema of its version (2.0 or 2.1, with ARM 1.0 "
              "when it holds analysis results), shipped with the package. A coded value twice in a codelist or "
              "an OID defined twice breaks the schema too; those are reported by SC-DEF-010 and SC-DEF-004.")
def schema_valid(doc: DefineDoc) -> Iterator[Hits]:
    for issue in validate_define(doc.path.read_bytes()):
        if SCHEMA_COVERED.search(issue.message):
            continue  # the same cause, said more plainly by SC-DEF-010 / SC-DEF-004
        line = (issue.extra or {}).get("line")
        yield Hits(None, None, values=f"line {line}" if line else None,
                   message=issue.message.removeprefix(f"line {line}: ") if line else issue.message)


# ---- internal references ---------------------------------------------------------------------------------

def _dangling(doc: DefineDoc, table: dict[tuple[str, str], str]) -> Iterator[Hits]:
    for el, attr, oid, kind in _references(doc, table):
        if oid not in doc.defined[kind]:
            dataset, variable = _owner(doc, el)
            yield Hits(dataset, variable, values=oid, message=f"{_local(el)}/@{attr} names no {kind}")


@_define_rule("SC-DEF-002", "cross-reference", "error", "Reference to a definition that does not exist",
              "Every ItemOID, CodeListOID, MethodOID, CommentOID, ValueListOID, WhereClauseOID, RangeCheck "
              "def:ItemOID, leafID, def:ArchiveLocationID and def:StandardOID names a definition of its kind "
              "in the same document.")
def references_resolve(doc: DefineDoc) -> Iterator[Hits]:
    yield from _dangling(doc, REFERENCES)


@_define_rule("SC-DEF-003", "cross-reference", "warning", "Definition that nothing references",
              "Every ItemDef, CodeList, MethodDef, CommentDef, ValueListDef, WhereClauseDef and leaf is "
              "referenced somewhere in the document (an orphan definition documents nothing).")
def no_orphans(doc: DefineDoc) -> Iterator[Hits]:
    used: dict[str, set[str]] = {}
    for _el, _name, oid, kind in _references(doc, REFERENCES | ARM_REFERENCES):
        used.setdefault(kind, set()).add(oid)
    for kind in ORPHANS:
        for oid, el in doc.defined[kind].items():
            if oid not in used.get(kind, set()):
                yield Hits(None, el.get("Name") if kind == "ItemDef" else None, values=oid,
                           message=f"{kind} is not referenced")


@_define_rule("SC-DEF-004", "cross-reference", "error", "OID defined more than once",
              "An OID names one definition: two ItemDefs, CodeLists, ... with the same OID make every "
              "reference to it ambiguous.")
def unique_oids(doc: DefineDoc) -> Iterator[Hits]:
    seen = Counter((_local(el), el.get("OID")) for el in _elements(doc.tree)
                   if _local(el) in DEFINITIONS and el.get("OID"))
    for (kind, oid), n in sorted(seen.items()):
        if n > 1:
            yield Hits(None, None, values=f"{oid} ({n} times)", message=f"{kind} OID is defined more than once")


def _codelist_of(item: etree._Element | None) -> str | None:
    """The CodeListOID of an ItemDef's CodeListRef (None without one)."""
    ref = None if item is None else next((c for c in item if isinstance(c.tag, str) and _local(c) == "CodeListRef"),
                                         None)
    return None if ref is None else ref.get("CodeListOID")


# ---- codelists -------------------------------------------------------------------------------------------

@_define_rule("SC-DEF-010", "terminology", "error", "Codelist has a coded value more than once",
              "Each CodeListItem/EnumeratedItem CodedValue appears once in its codelist.")
def codelist_unique_values(doc: DefineDoc) -> Iterator[Hits]:
    for cl in doc.model["codelists"]:
        counts = Counter(t["value"] for t in cl["terms"])
        for value, n in counts.items():
            if n > 1:
                yield Hits(None, None, values=f"{cl['oid']}: {value!r} ({n} times)")


@_define_rule("SC-DEF-011", "terminology", "error", "Coded value does not match the codelist's data type",
              "The coded values of an integer or float codelist are numbers of that type.")
def codelist_value_types(doc: DefineDoc) -> Iterator[Hits]:
    for cl in doc.model["codelists"]:
        pattern = NUMERIC.get(cl["data_type"])
        if pattern is None:
            continue
        for t in cl["terms"]:
            if not pattern.match(t["value"]):
                yield Hits(None, None, values=f"{cl['oid']}: {t['value']!r}",
                           message=f"Coded value of a codelist of data type {cl['data_type']} is not "
                                   f"{'an integer' if cl['data_type'] == 'integer' else 'a number'}")


@_define_rule("SC-DEF-012", "metadata", "error", "Variable and its codelist have different data types",
              "A variable's codelist has the variable's data type (text codelist on a text variable, integer on "
              "integer, ...).")
def codelist_matches_variable(doc: DefineDoc) -> Iterator[Hits]:
    lists = {cl["oid"]: cl for cl in doc.model["codelists"]}
    kinds = {"text": "text", "string": "text", "integer": "integer", "float": "float"}
    for oid, item in doc.defined["ItemDef"].items():
        cl = lists.get(_codelist_of(item) or "")
        if cl is None:
            continue
        a, b = kinds.get(item.get("DataType", "")), kinds.get(cl["data_type"])
        if a and b and a != b:
            yield Hits(None, item.get("Name"), values=f"{oid} {item.get('DataType')}, {cl['oid']} {cl['data_type']}")


@_define_rule("SC-DEF-013", "terminology", "error", "NCI C-code is malformed or used twice in a codelist",
              'An nci:ExtCodeID Alias is "C" followed by digits, and no two terms of one codelist share one.')
def codelist_codes(doc: DefineDoc) -> Iterator[Hits]:
    for cl in doc.model["codelists"]:
        for code in [cl["code"], *(t["code"] for t in cl["terms"])]:
            if code and not C_CODE.match(code):
                yield Hits(None, None, values=f"{cl['oid']}: {code!r}", message="NCI C-code is malformed")
        counts = Counter(t["code"] for t in cl["terms"] if t["code"])
        for code, n in counts.items():
            if n > 1:
                yield Hits(None, None, values=f"{cl['oid']}: {code} ({n} terms)",
                           message="NCI C-code is on more than one term of the codelist")


@_define_rule("SC-DEF-014", "terminology", "warning", "Term of a CDISC codelist without a C-code, not marked as "
              "extended", "In a codelist that carries the NCI code of a CDISC codelist, a term without its own "
              'C-code is a sponsor extension and says so (def:ExtendedValue="Yes").')
def codelist_extensions_marked(doc: DefineDoc) -> Iterator[Hits]:
    for cl in doc.model["codelists"]:
        if not cl["code"]:
            continue
        for t in cl["terms"]:
            if not t["code"] and not t["extended"]:
                yield Hits(None, None, values=f"{cl['oid']} ({cl['code']}): {t['value']!r}")


def _ct_version(doc: DefineDoc) -> str:
    """The CT version the define states (Define-XML 2.1 def:Standards) if shipped, else the newest shipped."""
    from sdtm_convert.standards.ct import DEFAULT_CT_VERSION, SDTM_CT_VERSIONS

    stated = [s.get("Version") for s in doc.model["standards"] if s.get("Type") == "CT"]
    return next((v for v in stated if v in SDTM_CT_VERSIONS), DEFAULT_CT_VERSION)


@_define_rule("SC-DEF-015", "terminology", "error", "Term carries the C-code of another term of its CDISC codelist",
              "In a codelist that carries the NCI code of a CDISC codelist, a term does not carry the C-code that "
              "CDISC CT gives another term of that codelist, or the codelist itself (a copied or swapped code). "
              "Checked against the CT the define states, else the newest shipped, and only for a term that is "
              "itself a term of that CDISC codelist with another C-code: a term CDISC has since renamed or made a "
              "synonym (QSUNIT 'sec', now a synonym of 's') may carry the code it had in the define's CT.")
def codelist_codes_match_ct(doc: DefineDoc) -> Iterator[Hits]:
    from sdtm_convert.standards.ct import load_ct

    version = _ct_version(doc)
    ct = load_ct(version)
    for cl in doc.model["codelists"]:
        if not cl["code"] or ct.resolve(cl["code"]) is None:
            continue
        cdisc = ct.codelist(cl["code"])
        owner = dict(zip(cdisc.terms["code"], cdisc.terms["value"])) | {cdisc.code: f"codelist {cdisc.short_name}"}
        current = set(cdisc.terms["value"])
        shared = {c for c, n in Counter(t["code"] for t in cl["terms"]).items() if n > 1}  # SC-DEF-013's
        for t in cl["terms"]:
            if t["code"] in shared:
                continue
            other = owner.get(t["code"])
            if other is not None and other != t["value"] and t["value"] in current:
                yield Hits(None, None, values=f"{cl['oid']}: {t['value']!r} {t['code']}, the C-code of {other!r}",
                           message=f"Term carries the C-code of another term of its CDISC codelist (CT {version})")


# ---- value-level metadata --------------------------------------------------------------------------------

def _vlm_conditions(doc: DefineDoc) -> Iterator[tuple[dict, dict]]:
    """(value list, one where-clause condition of one of its items) for every condition of every value list."""
    for vl in doc.model["value_lists"]:
        for row in vl["items"]:
            for cond in row["where"]:
                yield vl, cond


@_define_rule("SC-DEF-020", "metadata", "error", "Where clause value not in the codelist of the variable it tests",
              "A value-level where clause (def:WhereClauseDef/RangeCheck) compares its variable with values from "
              "that variable's codelist (EQ, NE, IN, NOTIN); a value the codelist lacks selects no record.")
def where_values_in_codelist(doc: DefineDoc) -> Iterator[Hits]:
    terms = {cl["oid"]: {t["value"] for t in cl["terms"]} for cl in doc.model["codelists"]}
    for vl, cond in _vlm_conditions(doc):
        item = doc.defined["ItemDef"].get((cond["variable"] or {}).get("oid") or "")
        cl = _codelist_of(item)
        allowed = terms.get(cl or "")
        if item is None or not allowed or cond["comparator"] not in ("EQ", "NE", "IN", "NOTIN"):
            continue  # no codelist (or an external dictionary): any value may be tested
        for value in cond["values"]:
            if value and value not in allowed:  # an empty CheckValue tests for a null value
                parent = vl["parent"] or {}
                yield Hits(parent.get("dataset"), item.get("Name"),
                           values=f"{vl['oid']}: {item.get('Name')} {cond['comparator']} {value!r} ({cl})")


@_define_rule("SC-DEF-021", "metadata", "error", "Where clause tests a variable that is not in the dataset",
              "The variable a value-level where clause tests is a variable (ItemRef) of the dataset whose "
              "variable the value list describes.")
def where_variable_in_dataset(doc: DefineDoc) -> Iterator[Hits]:
    members = {d["name"]: {v["oid"] for v in d["variables"]} for d in doc.model["datasets"]}
    for vl, cond in _vlm_conditions(doc):
        parent, var = vl["parent"] or {}, cond["variable"] or {}
        owned = members.get(parent.get("dataset") or "")
        if owned is not None and var.get("anchor") and var.get("oid") not in owned:
            yield Hits(parent.get("dataset"), var.get("label"),
                       values=f"{vl['oid']} ({parent.get('dataset')}.{parent.get('variable')}): {var.get('oid')}")


# ---- analysis results metadata ---------------------------------------------------------------------------

@_define_rule("SC-DEF-030", "cross-reference", "error", "Analysis result references a dataset or variable that "
              "is not defined", "Every arm:AnalysisDataset ItemGroupOID, arm:AnalysisVariable ItemOID and "
              "arm:AnalysisResult ParameterOID names a definition in the document.")
def arm_references_resolve(doc: DefineDoc) -> Iterator[Hits]:
    yield from _dangling(doc, ARM_REFERENCES)


@_define_rule("SC-DEF-031", "cross-reference", "error", "Analysis variable is not a variable of its analysis "
              "dataset", "The analysis variables (and the parameter) of an analysis result are variables "
              "(ItemRefs) of the analysis dataset they are listed under.")
def arm_variables_in_dataset(doc: DefineDoc) -> Iterator[Hits]:
    members = {d["oid"]: {v["oid"] for v in d["variables"]} for d in doc.model["datasets"]}
    for rd in doc.model["displays"]:
        for res in rd["results"]:
            for ds in res["datasets"]:
                ig = (ds["dataset"] or {}).get("oid")
                owned = members.get(ig)
                if owned is None:
                    continue  # an undefined dataset is SC-DEF-030
                refs = [*ds["variables"], *([res["parameter"]] if res["parameter"] and len(res["datasets"]) == 1
                                            else [])]
                for v in refs:
                    if v and v["anchor"] and v["oid"] not in owned:
                        yield Hits(doc.name_of(ig), v["label"], values=f"{res['oid']}: {v['oid']}")


# ---- running them ----------------------------------------------------------------------------------------

def define_rules() -> list[Rule]:
    from sdtm_convert.validate.registry import RULES

    return [RULES[k] for k in sorted(RULES) if STANDARD in RULES[k].standards]


def _frame(r: Rule, hits: Iterable[Hits]) -> pd.DataFrame:
    rows = [{"rule": r.id, "p21_id": r.p21_id, "cdisc_id": r.cdisc_id, "fda_id": r.fda_id, "severity": r.severity,
             "category": r.category, "dataset": h.dataset, "variable": h.variable, "record": None, "usubjid": None,
             "seq": None, "value": None if h.values is None else str(h.values), "message": h.message or r.message,
             "records": None} for h in hits]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def _standard_line(doc: DefineDoc) -> str:
    files = doc.model["file"]
    named = [s for s in doc.model["standards"] if s.get("Type") == "IG"]
    mdv = next((e for e in _elements(doc.tree) if _local(e) == "MetaDataVersion"), None)
    if mdv is None:
        ig = ""
    elif named:
        ig = f"{named[0]['Name']} {named[0]['Version']}"
    else:
        ig = " ".join(x for x in (_attr(mdv, "StandardName"), _attr(mdv, "StandardVersion")) if x)
    return f"define-xml-{define_version(doc.tree)}" + (f" ({ig})" if ig else "") + \
        (f", DefineVersion {files['define_version']}" if files.get("define_version") else "")


def check_define(path: str | Path, rules: Callable[[list[Rule]], list[Rule]] | None = None,
                 progress: Callable[[str], None] | None = None) -> ValidationReport:
    """Validate a define.xml on its own (no datasets): the ``SC-DEF-*`` rules, in one ValidationReport.

    ``rules`` narrows the rule list (the CLI's ``--rules`` / ``--exclude-rules``). Unreadable input raises
    :class:`~sdtm_convert.errors.SdtmConvertError`."""
    t0 = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    doc = load(path)
    t1 = time.perf_counter()
    m = doc.model
    counts = (f"{len(m['datasets'])} datasets, {len(doc.defined['ItemDef'])} variables, "
              f"{len(m['codelists'])} codelists, {len(m['value_lists'])} value lists, "
              f"{sum(len(d['results']) for d in m['displays'])} analysis results")
    line = _standard_line(doc)
    if progress:
        progress(f"read {doc.path} ({line}): {counts}")
    ran = define_rules()
    ran = rules(ran) if rules is not None else ran

    chunks = [_frame(r, list(r.fn(doc))) for r in ran]
    findings = findings_frame([c for c in chunks if len(c)])
    t2 = time.perf_counter()
    if progress:
        progress(f"checked the define against {len(ran)} define rules: {plural(len(findings), 'finding')}")
    ct = list(dict.fromkeys(" ".join(x for x in (s.get("PublishingSet"), s.get("Version")) if x)
                            for s in m["standards"] if s.get("Type") == "CT"))
    notes = [] if ran else ["the rule selection leaves no define rule (SC-DEF-*) to run: nothing was checked"]
    notes += [f"define.xml alone ({line}, schema {'with ARM 1.0' if has_arm(doc.tree) else 'without ARM'}"
             f"): {counts}; no datasets were read"]
    return ValidationReport(
        standard=f"define-xml-{define_version(doc.tree)}", ct_version=", ".join(ct) or "(not stated)",
        define=str(doc.path), tool_version=tool_version(), path=str(doc.path), findings=findings, datasets=[],
        rules=[r.catalog_row() for r in ran],
        timing={"read_s": round(t1 - t0, 3), "validate_s": round(t2 - t1, 3), "total_s": round(t2 - t0, 3)},
        notes=notes, started=started,
    )


def is_define(path: str | Path) -> bool:
    """A path ``validate`` treats as a define.xml alone: an existing ``.xml`` file."""
    p = Path(path)
    return p.is_file() and p.suffix.lower() == ".xml"
