"""Define-XML metadata as authored in a spec workbook (Pinnacle 21 define-spec layout), in a neutral form.

``DefineSpec`` holds what the sheets Study, Datasets, Variables, ValueLevel, WhereClauses, Codelists,
Dictionaries, Methods, Comments and Documents say, with references kept as ids (a variable's ``codelist``, ``method``,
``comment``; a value-level row's ``where_clause``). A where-clause is kept whole: all its conditions,
which Define-XML ANDs (``def:WhereClauseDef`` with several ``RangeCheck``). ``to_dict``/``from_dict``
give the plain data stored in ``mappings/<study>/define.yaml``; ``check_refs`` lists broken references.
A dictionary (MedDRA, WHODrug) is a codelist without terms: ``def:ExternalCodeList`` in define.xml; its
version is given, or read by the run from a raw coding export (``version_from: RAWDATASET.COLUMN``).
No I/O here: the workbook side is :mod:`sdtm_convert.mapping.excel`, the file side
:mod:`sdtm_convert.spec.define_load`, the define.xml side :mod:`sdtm_convert.package.define.sponsor`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

COMPARATORS = ("EQ", "NE", "LT", "LE", "GT", "GE", "IN", "NOTIN")


@dataclass
class DatasetDef:
    dataset: str
    description: str = ""
    cls: str = ""  # observation class ("Class" column)
    structure: str = ""
    purpose: str = ""
    key_variables: str = ""
    repeating: str = ""
    reference_data: str = ""
    comment: str = ""  # comment id
    developer_notes: str = ""


@dataclass
class VariableDef:
    dataset: str
    variable: str
    order: int | None = None
    label: str = ""
    data_type: str = ""
    length: int | None = None
    significant_digits: int | None = None
    format: str = ""
    mandatory: str = ""
    assigned_value: str = ""
    codelist: str = ""  # codelist id
    common: str = ""
    origin: str = ""
    source: str = ""
    pages: str = ""
    method: str = ""  # method id
    predecessor: str = ""
    role: str = ""
    comment: str = ""  # comment id
    developer_notes: str = ""


@dataclass
class WhereCondition:
    dataset: str
    variable: str
    comparator: str  # one of COMPARATORS
    values: list[str] = field(default_factory=list)
    comment: str = ""


@dataclass
class WhereClause:
    id: str
    conditions: list[WhereCondition] = field(default_factory=list)  # ANDed, all kept


@dataclass
class ValueLevelDef:
    dataset: str
    variable: str
    where_clause: str  # where-clause id
    order: int | None = None
    description: str = ""
    data_type: str = ""
    length: int | None = None
    significant_digits: int | None = None
    format: str = ""
    mandatory: str = ""
    assigned_value: str = ""
    codelist: str = ""
    origin: str = ""
    source: str = ""
    pages: str = ""
    method: str = ""
    predecessor: str = ""
    comment: str = ""
    developer_notes: str = ""


@dataclass
class CodelistTerm:
    term: str
    order: int | None = None
    nci_term_code: str = ""
    decoded_value: str = ""
    comment: str = ""
    developer_notes: str = ""


@dataclass
class Codelist:
    id: str
    name: str = ""
    nci_codelist_code: str = ""
    data_type: str = ""
    terms: list[CodelistTerm] = field(default_factory=list)


@dataclass
class DictionaryDef:
    id: str
    name: str = ""
    data_type: str = ""
    dictionary: str = ""  # MedDRA, WHODD, ...
    version: str = ""
    version_from: str = ""  # RAWDATASET.COLUMN of the coding export holding the version (read by the run)


@dataclass
class MethodDef:
    id: str
    name: str = ""
    type: str = ""
    description: str = ""
    expression_context: str = ""
    expression_code: str = ""
    document: str = ""
    pages: str = ""


@dataclass
class CommentDef:
    id: str
    description: str = ""
    document: str = ""
    pages: str = ""


@dataclass
class DocumentDef:
    id: str
    title: str = ""
    href: str = ""


@dataclass
class DefineSpec:
    study: dict[str, str] = field(default_factory=dict)  # Attribute → Value (StudyName, StandardVersion...)
    datasets: list[DatasetDef] = field(default_factory=list)
    variables: list[VariableDef] = field(default_factory=list)
    value_level: list[ValueLevelDef] = field(default_factory=list)
    where_clauses: list[WhereClause] = field(default_factory=list)
    codelists: list[Codelist] = field(default_factory=list)
    dictionaries: list[DictionaryDef] = field(default_factory=list)
    methods: list[MethodDef] = field(default_factory=list)
    comments: list[CommentDef] = field(default_factory=list)
    documents: list[DocumentDef] = field(default_factory=list)
    # where it was read from (define.yaml), for issues: "variables/3" → line of that item, "variables/3/method"
    # → line of that key; not data (not compared, not written)
    path: str = field(default="", compare=False, repr=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in DATA_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for define.yaml: the lists that hold items, each item without its empty values."""
        return {name: _plain(getattr(self, name)) for name in DATA_FIELDS if getattr(self, name)}

    def line(self, key: str, index: int, name: str | None = None) -> int | None:
        """Line of item ``index`` of list ``key`` (of its ``name`` key when given and present) in define.yaml."""
        at = f"{key}/{index}"
        return self.lines.get(f"{at}/{name}", self.lines.get(at)) if name else self.lines.get(at)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DefineSpec:
        def where(w: dict[str, Any]) -> WhereClause:
            return WhereClause(w["id"], [WhereCondition(**c) for c in w.get("conditions", [])])

        def codelist(c: dict[str, Any]) -> Codelist:
            return Codelist(**{**c, "terms": [CodelistTerm(**t) for t in c.get("terms", [])]})

        return cls(
            study=dict(d.get("study") or {}),
            datasets=[DatasetDef(**x) for x in d.get("datasets", [])],
            variables=[VariableDef(**x) for x in d.get("variables", [])],
            value_level=[ValueLevelDef(**x) for x in d.get("value_level", [])],
            where_clauses=[where(x) for x in d.get("where_clauses", [])],
            codelists=[codelist(x) for x in d.get("codelists", [])],
            dictionaries=[DictionaryDef(**x) for x in d.get("dictionaries", [])],
            methods=[MethodDef(**x) for x in d.get("methods", [])],
            comments=[CommentDef(**x) for x in d.get("comments", [])],
            documents=[DocumentDef(**x) for x in d.get("documents", [])],
        )

    def where_clause(self, wid: str) -> WhereClause:
        for w in self.where_clauses:
            if w.id == wid:
                return w
        raise KeyError(wid)


def prefixed(prefix: str, ident: str) -> str:
    """An OID from a define-spec id: ``MEDDRA`` → ``CL.MEDDRA``; an id that has the prefix is kept."""
    return ident if ident.startswith(f"{prefix}.") else f"{prefix}.{ident}"


def _compact(value: Any) -> Any:
    """Plain data without the empty values (what a cell left empty, or a key not written, means)."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v not in ("", None, [], {})}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    return dict(value) if isinstance(value, dict) else [_compact(asdict(x)) for x in value]


DATA_FIELDS = ("study", "datasets", "variables", "value_level", "where_clauses", "codelists", "dictionaries",
               "methods", "comments", "documents")


def check_refs(spec: DefineSpec, complete: bool = True) -> list[tuple[str, int, str, str, str]]:
    """Broken references as ``(sheet, index in that list, field, value, message)``; empty when sound.
    ``complete``: the Variables sheet lists every variable (a workbook), so value-level rows and where clauses
    must name one of them; a hand-written define.yaml lists only what it sets (the run checks against the data)."""
    problems: list[tuple[str, int, str, str, str]] = []
    codelists = {c.id for c in spec.codelists} | {d.id for d in spec.dictionaries}
    methods = {m.id for m in spec.methods}
    comments = {c.id for c in spec.comments}
    documents = {d.id for d in spec.documents}
    variables = {(v.dataset, v.variable) for v in spec.variables}
    described = {v.dataset for v in spec.variables}  # a where clause on another dataset is not checked
    clauses = {w.id for w in spec.where_clauses}

    def ref(sheet: str, i: int, name: str, value: str, known: set[str], what: str) -> None:
        if value and value not in known:
            problems.append((sheet, i, name, value, f"{what} {value!r} is not defined"))

    for i, d in enumerate(spec.datasets):
        ref("Datasets", i, "comment", d.comment, comments, "comment")
    for i, v in enumerate(spec.variables):
        ref("Variables", i, "codelist", v.codelist, codelists, "codelist")
        ref("Variables", i, "method", v.method, methods, "method")
        ref("Variables", i, "comment", v.comment, comments, "comment")
    for i, vl in enumerate(spec.value_level):
        ref("ValueLevel", i, "where_clause", vl.where_clause, clauses, "where clause")
        ref("ValueLevel", i, "codelist", vl.codelist, codelists, "codelist")
        ref("ValueLevel", i, "method", vl.method, methods, "method")
        ref("ValueLevel", i, "comment", vl.comment, comments, "comment")
        if complete and variables and (vl.dataset, vl.variable) not in variables:
            problems.append(
                (
                    "ValueLevel",
                    i,
                    "variable",
                    vl.variable,
                    f"value-level metadata for unknown variable {vl.dataset}.{vl.variable}",
                )
            )
    k = 0
    for w in spec.where_clauses:
        for c in w.conditions:
            if complete and c.dataset in described and (c.dataset, c.variable) not in variables:
                problems.append(
                    (
                        "WhereClauses",
                        k,
                        "variable",
                        c.variable,
                        f"where clause {w.id} reads unknown variable {c.dataset}.{c.variable}",
                    )
                )
            if c.comparator not in COMPARATORS:
                problems.append(
                    (
                        "WhereClauses",
                        k,
                        "comparator",
                        c.comparator,
                        f"comparator {c.comparator!r} is not one of {', '.join(COMPARATORS)}",
                    )
                )
            k += 1
    for i, m in enumerate(spec.methods):
        ref("Methods", i, "document", m.document, documents, "document")
    for i, com in enumerate(spec.comments):
        ref("Comments", i, "document", com.document, documents, "document")
    return problems
