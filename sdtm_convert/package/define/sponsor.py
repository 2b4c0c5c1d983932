"""The sponsor's define spec (``define.yaml``) merged with what the run knows, when define.xml is written.

The run knows the datasets, variables, labels, types, lengths as written, origins from lineage, methods of the
executed derivations, value-level metadata and codelist values from the data. The define spec says what a
sponsor wants said: dataset descriptions, classes, structures, keys and comments; a variable's origin, source,
aCRF pages, method, predecessor, role, comment, codelist, display format and significant digits; value-level
rows and where clauses; codelists with their terms; external dictionaries (MedDRA, WHODrug: written as
``def:ExternalCodeList``); methods, comments and documents. The sponsor's text wins where given, the run fills
the rest. Labels, data types and lengths stay the run's: they are what the data files say.

A contradiction is an Issue naming define.yaml and its line (codes):

- ``spec-define-dataset-unknown`` (warning, once per dataset): rows for a dataset the run does not write;
- ``spec-define-variable-unknown``: a variable (or key variable, value-level row) that the dataset does not have;
- ``spec-define-length-short``: a length shorter than the data's (define.xml keeps the data's);
- ``spec-define-label-differs`` (warning): a variable label other than the data's (define.xml keeps the data's),
  or a dataset description other than the data files' label (define.xml states the sponsor's);
- ``spec-define-term-missing``: a data value that is not a term of the define spec's codelist;
- ``spec-define-term-unused`` (warning): a codelist term found in no record of the variables that use it;
- ``spec-define-document-unknown``: aCRF pages but no annotated CRF among the documents;
- ``spec-define-dictionary-version``: a coding export (``version_from``) with no or several versions
  (:mod:`.dictionaries`); the codelist checks are in :mod:`.sponsor_codelists`.

The SDTM define.xml takes the rows of datasets whose name does not start with ``AD``, the ADaM one the others.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.metadata import DatasetMeta, Method, ValueLevel, VariableMeta, WhereClause
from sdtm_convert.package.codelists import CodelistDef
from sdtm_convert.package.define.sponsor_codelists import sponsor_codelists, term_issues
from sdtm_convert.spec import define_spec as ds
from sdtm_convert.spec.define_load import ORIGINS
from sdtm_convert.spec.define_spec import prefixed
from sdtm_convert.standards.ct import ControlledTerminology

_ACRF_IDS = {"CRF", "ACRF", "BLANKCRF"}


def method_oid(ident: str) -> str:
    return prefixed("MT", ident)


def wc_oid(ident: str) -> str:
    return prefixed("WC", ident)


def is_acrf(doc: ds.DocumentDef) -> bool:
    """The annotated CRF: id CRF / aCRF / blankcrf (``LF.`` prefix allowed), or a title naming an annotated CRF."""
    title = doc.title.lower()
    return doc.id.upper().removeprefix("LF.") in _ACRF_IDS or ("annotated" in title and "crf" in title)


@dataclass
class Sponsor:
    """What define.xml takes from the define spec besides the dataset metadata it changed."""

    comments: dict[str, ds.CommentDef] = field(default_factory=dict)  # OID → comment
    documents: list[ds.DocumentDef] = field(default_factory=list)
    acrf: str | None = None  # id of the annotated CRF document
    codelists: dict[str, CodelistDef] = field(default_factory=dict)  # reference (define-spec id) → codelist
    study: dict[str, str] = field(default_factory=dict)

    def codelist_oid(self, ref: str) -> str | None:
        cl = self.codelists.get(ref)
        return cl.oid if cl else None


@dataclass
class _Run:
    spec: ds.DefineSpec
    adam: bool
    datasets: dict[str, DatasetMeta]
    issues: list[Issue] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)  # datasets of the spec not written: said once each

    def mine(self, dataset: str) -> bool:
        return dataset.upper().startswith("AD") == self.adam

    def written(self, dataset: str, key: str, index: int) -> DatasetMeta | None:
        """The run's dataset of a spec row; None (and one warning per dataset) when the run does not write it."""
        meta = self.datasets.get(dataset)
        if meta is None and dataset not in self.unknown:
            self.unknown.add(dataset)
            self.issue("spec-define-dataset-unknown", f"dataset {dataset} of the define spec is not written by this "
                       "run: its rows are not used", key, index, severity=WARNING, dataset=dataset)
        return meta

    def issue(self, code: str, message: str, key: str, index: int, name: str | None = None, *,
              severity: str = ERROR, **where: Any) -> None:
        self.issues.append(Issue(code, severity, message, file=self.spec.path or None,
                                 line=self.spec.line(key, index, name), **where))


def apply_define_spec(metas: list[DatasetMeta], spec: ds.DefineSpec, *, adam: bool,
                      ct: ControlledTerminology) -> tuple[list[DatasetMeta], Sponsor, list[Issue]]:
    """The datasets' metadata with the define spec's text where it gives one (copies; ``metas`` untouched), what
    else define.xml takes from it, and the contradictions found."""
    run = _Run(spec, adam, {m.name: _copy(m) for m in metas})
    before = {name: _method_refs(m) for name, m in run.datasets.items()}
    for i, d in enumerate(spec.datasets):
        if run.mine(d.dataset):
            _dataset(run, i, d)
    for i, v in enumerate(spec.variables):
        if run.mine(v.dataset):
            _variable(run, i, v)
    clauses = {wc_oid(w.id): w for w in spec.where_clauses}
    for meta in run.datasets.values():  # the sponsor's conditions for a where clause the run also writes
        meta.value_level = [replace(vl, where=_where(clauses[wc_oid(vl.where.id)]))
                            if wc_oid(vl.where.id) in clauses else vl for vl in meta.value_level]
    for i, row in enumerate(spec.value_level):
        if run.mine(row.dataset):
            _value_level(run, i, row, clauses)
    _ct_references(run)
    for name, meta in run.datasets.items():
        _methods(meta, spec, before[name])
    sponsor = Sponsor(
        comments={prefixed("COM", c.id): c for c in spec.comments},
        documents=list(spec.documents),
        acrf=next((d.id for d in spec.documents if is_acrf(d)), None),
        codelists=sponsor_codelists(spec, run.datasets, ct),
        study=dict(spec.study),
    )
    if sponsor.acrf is None:
        for key in ("variables", "value_level"):
            for i, v in enumerate(getattr(spec, key)):
                if v.pages and run.mine(v.dataset):
                    run.issue("spec-define-document-unknown", f"{v.dataset}.{v.variable}: aCRF pages {v.pages} "
                              "but no annotated CRF among the documents (a document with id CRF or aCRF, or "
                              "titled 'Annotated CRF')", key, i, "pages", dataset=v.dataset, variable=v.variable)
    return [run.datasets[m.name] for m in metas], sponsor, run.issues


def _copy(m: DatasetMeta) -> DatasetMeta:
    return replace(m, variables=list(m.variables), value_level=list(m.value_level), methods=list(m.methods),
                   keys=list(m.keys))


def _method_refs(m: DatasetMeta) -> set[str]:
    refs: list[VariableMeta | ValueLevel] = [*m.variables, *m.value_level]
    return {method_oid(x.method_id) for x in refs if x.method_id}


def _dataset(run: _Run, i: int, d: ds.DatasetDef) -> None:
    meta = run.written(d.dataset, "datasets", i)
    if meta is None:
        return
    keys = [k.strip() for k in re.split(r"[,\s]+", d.key_variables) if k.strip()]
    names = {v.name for v in meta.variables}
    for k in keys:
        if k not in names:
            run.issue("spec-define-variable-unknown", f"key variable {k} of {d.dataset} is not a variable of the "
                      "dataset", "datasets", i, "key_variables", dataset=d.dataset, variable=k)
    if d.description and d.description != meta.label:
        run.issue("spec-define-label-differs", f"{d.dataset}: the define spec's description {d.description!r} is "
                  f"not the dataset label {meta.label!r} of the data files (define.xml states the spec's)",
                  "datasets", i, "description", severity=WARNING, dataset=d.dataset, value=d.description)
    run.datasets[d.dataset] = replace(
        meta, label=d.description or meta.label, class_=d.cls or meta.class_, structure=d.structure or meta.structure,
        keys=keys if keys and all(k in names for k in keys) else meta.keys,
        comment_id=d.comment or meta.comment_id, comment=None if d.comment else meta.comment)


def _origin(row: ds.VariableDef | ds.ValueLevelDef, origin_type: str, origin_source: str | None,
            ) -> tuple[str, str | None]:
    if not row.origin:
        return origin_type, row.source or origin_source
    new = ORIGINS[row.origin]
    source = row.source or {"CRF": "Investigator", "eDT": "Vendor"}.get(row.origin)
    return new, source or (origin_source if new == origin_type else None)


def _fields(row: ds.VariableDef | ds.ValueLevelDef, var: VariableMeta | ValueLevel) -> dict[str, Any]:
    """What a Variables or ValueLevel row sets on the run's variable (empty cells set nothing)."""
    origin_type, origin_source = _origin(row, var.origin_type, var.origin_source)
    out: dict[str, Any] = {"origin_type": origin_type, "origin_source": origin_source}
    for spec_name, name in (("significant_digits", "significant_digits"), ("codelist", "codelist"),
                            ("method", "method_id"), ("pages", "pages")):
        if getattr(row, spec_name) not in ("", None):
            out[name] = getattr(row, spec_name)
    if row.comment:
        out |= {"comment_id": row.comment, "comment": None}
    if row.predecessor and isinstance(var, VariableMeta):  # the origin's description (value level has none)
        out["source"] = row.predecessor
    return out


def _variable(run: _Run, i: int, row: ds.VariableDef) -> None:
    meta = run.written(row.dataset, "variables", i)
    if meta is None:
        return
    index = next((k for k, v in enumerate(meta.variables) if v.name == row.variable), None)
    if index is None:
        what = [f"{n} {getattr(row, n)}" for n in ("method", "comment", "codelist", "origin") if getattr(row, n)]
        run.issue("spec-define-variable-unknown", f"{row.dataset}.{row.variable} of the define spec"
                  f"{' (' + ', '.join(what) + ')' if what else ''} is not a variable of dataset {row.dataset}",
                  "variables", i, dataset=row.dataset, variable=row.variable)
        return
    var = meta.variables[index]
    if row.label and row.label != var.label:
        run.issue("spec-define-label-differs", f"{row.dataset}.{row.variable}: the define spec's label {row.label!r} "
                  f"is not the label {var.label!r} of the data files (define.xml states the data's)", "variables", i,
                  "label", severity=WARNING, dataset=row.dataset, variable=row.variable, value=row.label)
    if row.length is not None and var.type == "Char" and row.length < var.length:
        run.issue("spec-define-length-short", f"{row.dataset}.{row.variable}: the define spec's length "
                  f"{row.length} is shorter than the data's {var.length} (define.xml states {var.length})",
                  "variables", i, "length", dataset=row.dataset, variable=row.variable, value=str(row.length))
    changes = _fields(row, var)
    if row.format:
        changes["display_format"] = row.format
    if row.role:
        changes["role"] = row.role
    if row.mandatory:
        changes["core"] = "Req" if row.mandatory.lower() in ("yes", "y") else (
            var.core if var.core != "Req" else "Perm")
    meta.variables[index] = replace(var, **changes)


def _ct_references(run: _Run) -> None:
    """A codelist of the define spec without terms is the CT codelist its NCI code names (the run writes it with
    the terms the data uses): the variables using it name that code."""
    codes = {c.id: c.nci_codelist_code for c in run.spec.codelists if not c.terms and c.nci_codelist_code}
    for meta in run.datasets.values():
        meta.variables = [replace(v, codelist=codes[v.codelist]) if v.codelist and v.codelist in codes else v
                          for v in meta.variables]
        meta.value_level = [replace(vl, codelist=codes[vl.codelist]) if vl.codelist and vl.codelist in codes
                            else vl for vl in meta.value_level]


def _where(w: ds.WhereClause) -> WhereClause:
    return WhereClause(w.id, [(f"{c.dataset}.{c.variable}", c.comparator, list(c.values)) for c in w.conditions])


def _value_level(run: _Run, i: int, row: ds.ValueLevelDef, clauses: Mapping[str, ds.WhereClause]) -> None:
    meta = run.written(row.dataset, "value_level", i)
    if meta is None:
        return
    if row.variable not in {v.name for v in meta.variables}:
        run.issue("spec-define-variable-unknown", f"value-level row of {row.dataset}.{row.variable}: not a variable "
                  f"of dataset {row.dataset}", "value_level", i, dataset=row.dataset, variable=row.variable)
        return
    oid = wc_oid(row.where_clause)
    index = next((k for k, vl in enumerate(meta.value_level)
                  if vl.variable == row.variable and wc_oid(vl.where.id) == oid), None)
    parent = meta.variable(row.variable)
    if index is None:
        vl = ValueLevel(row.variable, _where(clauses[oid]), row.description or parent.label,
                        row.data_type or parent.data_type, origin_type=parent.origin_type,
                        origin_source=parent.origin_source)
    else:
        vl = meta.value_level[index]
    changes = _fields(row, vl)
    if row.description:
        changes["label"] = row.description
    if row.data_type:
        changes["type"] = row.data_type
    if row.length is not None:
        changes["length"] = row.length
    if row.mandatory:
        changes["mandatory"] = row.mandatory.lower() in ("yes", "y")
    vl = replace(vl, **changes)
    if index is None:
        meta.value_level.append(vl)
    else:
        meta.value_level[index] = vl


def _methods(meta: DatasetMeta, spec: ds.DefineSpec, before: set[str]) -> None:
    """The dataset's methods: the sponsor's text for a method id it defines, the run's for the others; a run
    method no variable refers to any more (the sponsor named another) is left out."""
    sponsor = {method_oid(m.id): m for m in spec.methods}
    now = _method_refs(meta)
    run = {method_oid(m.id): m for m in meta.methods}
    order = [*run, *sorted(now - set(run))]
    out = []
    for oid in order:
        if oid in before and oid not in now:
            continue
        if oid in sponsor:
            out.append(_method(sponsor[oid], run.get(oid), oid))
        elif oid in run:
            out.append(run[oid])
    meta.methods = out


def _method(m: ds.MethodDef, run: Method | None, oid: str) -> Method:
    name = m.name or (run.name if run else f"Algorithm for {oid.removeprefix('MT.')}")
    return Method(oid, name, m.type or (run.type if run else "Computation"),
                  m.description or (run.description if run else name), document=m.document or None,
                  pages=m.pages or None, expression_context=m.expression_context or None,
                  expression_code=m.expression_code or None)


def prepare_define(metas: list[DatasetMeta], frames: Mapping[str, Any], spec: ds.DefineSpec | None, *,
                   adam: bool, ct: ControlledTerminology,
                   ) -> tuple[list[DatasetMeta], Sponsor | None, dict[tuple[str, ...], Any], list[Issue]]:
    """What :func:`~sdtm_convert.package.define_xml.build_define` takes for one standard's datasets and frames:
    the metadata with the define spec applied (when there is one), the sponsor's additions, the values used
    in the data (``used_values``), and the contradictions found."""
    from sdtm_convert.package.codelists import used_values_from_frames

    issues: list[Issue] = []
    sponsor = None
    if spec is not None:
        metas, sponsor, issues = apply_define_spec(metas, spec, adam=adam, ct=ct)
    used = used_values_from_frames(metas, dict(frames))
    if spec is not None and sponsor is not None:
        issues += term_issues(spec, sponsor.codelists, metas, used)
    return metas, sponsor, used, issues
