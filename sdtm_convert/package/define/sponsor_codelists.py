"""The define spec's codelists and dictionaries in define.xml: the ones this side's variables use, and what the
data says of their terms (``spec-define-term-missing``: a value not a term; ``spec-define-term-unused``: a term in
no record)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.metadata import DatasetMeta
from sdtm_convert.package.codelists import CodelistDef, Term, ct_publishing_sets
from sdtm_convert.spec import define_spec as ds
from sdtm_convert.spec.define_spec import prefixed
from sdtm_convert.standards.ct import ControlledTerminology


def _uses(datasets: Mapping[str, DatasetMeta]) -> dict[str, list[str]]:
    """codelist reference → Define data types of the variables and value-level items using it."""
    out: dict[str, list[str]] = {}
    for meta in datasets.values():
        for v in meta.variables:
            if v.codelist:
                out.setdefault(v.codelist, []).append(v.data_type)
        for vl in meta.value_level:
            if vl.codelist:
                out.setdefault(vl.codelist, []).append(vl.type)
    return out


def sponsor_codelists(spec: ds.DefineSpec, datasets: Mapping[str, DatasetMeta],
                      ct: ControlledTerminology) -> dict[str, CodelistDef]:
    """The define spec's codelists and dictionaries that this side's variables use (a codelist without terms is
    left to the run: its NCI code, or its id, names the CT codelist)."""
    uses = _uses(datasets)
    sets, _ = ct_publishing_sets(ct)
    out: dict[str, CodelistDef] = {}
    for d in spec.dictionaries:
        if d.id in uses:
            out[d.id] = CodelistDef(prefixed("CL", d.id), d.name or d.dictionary, d.data_type or "text",
                                    dictionary=d.dictionary, version=d.version)
    for c in spec.codelists:
        if c.id not in uses or not c.terms:
            continue
        code = ct.resolve(c.nci_codelist_code) if c.nci_codelist_code else None
        known: dict[str, str] = {}
        extensible = False
        if code:
            cl = ct.codelist(code)
            known, extensible = dict(zip(cl.terms["value"], cl.terms["code"])), bool(cl.extensible)
        types = uses[c.id]
        data_type = c.data_type or (types[0] if types and types[0] in ("integer", "float") else "text")
        terms = sorted(c.terms, key=lambda t: (t.order is None, t.order or 0)) if all(
            t.order is not None for t in c.terms) else c.terms
        out[c.id] = CodelistDef(
            prefixed("CL", c.id), c.name or c.id, data_type, c.nci_codelist_code or None,
            sets.get(code, "SDTM") if code else None,
            [Term(t.term, t.decoded_value or None, t.nci_term_code or known.get(t.term) or None,
                  extended=bool(code) and extensible and t.term not in known) for t in terms])
    return out


def term_issues(spec: ds.DefineSpec, codelists: Mapping[str, CodelistDef], metas: list[DatasetMeta],
                used: Mapping[tuple[str, ...], Any]) -> list[Issue]:
    """Data values that are not terms of the define spec's codelist (errors) and terms no record uses (warnings).
    ``used``: the values of every codelist variable of ``metas`` (``used_values_from_frames``)."""
    out: list[Issue] = []
    index = {c.id: i for i, c in enumerate(spec.codelists)}
    refs: dict[str, list[tuple[str, ...]]] = {}
    for key, ref in codelist_keys(metas, codelists).items():
        if key in used:
            refs.setdefault(ref, []).append(key)
    for ref, keys in refs.items():
        cl = codelists[ref]
        if cl.dictionary or ref not in index:
            continue
        terms = {t.value for t in cl.terms}
        seen: set[str] = set()
        for key in keys:
            values = {str(v) for v in used[key]}
            seen |= values
            for value in sorted(values - terms):
                out.append(Issue("spec-define-term-missing", ERROR, f"{'.'.join(key[:2])}: value {value!r} is not "
                                 f"a term of the define spec's codelist {ref}", file=spec.path or None,
                                 line=spec.line("codelists", index[ref]), dataset=key[0], variable=key[1],
                                 value=value))
        unused = [t.value for t in cl.terms if t.value not in seen]
        if unused:
            shown = ", ".join(map(repr, unused[:10])) + (f" and {len(unused) - 10} more" if len(unused) > 10 else "")
            out.append(Issue("spec-define-term-unused", WARNING, f"codelist {ref}: {shown} in no record of "
                             f"{', '.join(sorted({'.'.join(k[:2]) for k in keys}))}", file=spec.path or None,
                             line=spec.line("codelists", index[ref]), value=", ".join(unused)))
    return out


def codelist_keys(metas: list[DatasetMeta], codelists: Mapping[str, CodelistDef]) -> dict[tuple[str, ...], str]:
    """used-values key → define-spec codelist reference, for the variables that use one."""
    out: dict[tuple[str, ...], str] = {}
    for m in metas:
        for v in m.variables:
            if v.codelist and v.codelist in codelists:
                out[(m.name, v.name)] = v.codelist
        for vl in m.value_level:
            if vl.codelist and vl.codelist in codelists:
                out[(m.name, vl.variable, vl.where.id)] = vl.codelist
    return out
