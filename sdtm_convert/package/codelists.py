"""Define-XML codelists: which terms, from which CT publishing set, with which NCI codes.

A variable (or value-level item) names a codelist by CT C-code / short name, or by a sponsor id
(anything the CT does not know). The terms written are the values *used in the data* when the caller
passes them (``used_values``), else the whole CT codelist.

``used_values`` maps ``(DATASET, VARIABLE)`` or ``(DATASET, VARIABLE, WHERE_CLAUSE_ID)`` to either an
iterable of values or a ``{value: decode}`` mapping (a decode makes the list a CodeListItem list).
Build it from the written frames with :func:`used_values_from_frames`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sdtm_convert.common.text import number_str
from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.metadata import DatasetMeta, WhereClause
from sdtm_convert.standards.ct import ControlledTerminology

UsedValues = Mapping[tuple[str, ...], Iterable[object] | Mapping[object, str | None]]


@dataclass
class Term:
    value: str
    decode: str | None = None
    code: str | None = None  # NCI C-code of the term
    extended: bool = False  # sponsor term added to an extensible CT codelist


@dataclass
class CodelistDef:
    oid: str
    name: str
    data_type: str  # text | integer | float
    code: str | None = None  # NCI C-code of the codelist (None = sponsor codelist)
    publishing_set: str | None = None  # SDTM | ADaM | DEFINE-XML
    terms: list[Term] = field(default_factory=list)
    dictionary: str | None = None  # an external dictionary (MedDRA, WHODD): def:ExternalCodeList, no terms
    version: str | None = None

    @property
    def decoded(self) -> bool:
        return any(t.decode is not None for t in self.terms)


def ct_publishing_sets(ct: ControlledTerminology) -> tuple[dict[str, str], dict[str, str]]:
    """(codelist C-code → publishing set for non-SDTM codelists, publishing set → CT version) of ``ct``."""
    versions = {k: v for k, v in ct.releases.items() if k in ("ADaM", "DEFINE-XML")}
    return ct.publishing_sets, versions


def _text(v: object) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, float) and math.isfinite(v):
        return number_str(v)
    s = str(v)
    return s if s != "" else None


def _entries(raw: Iterable[object] | Mapping[object, str | None]) -> list[tuple[str, str | None]]:
    pairs = raw.items() if isinstance(raw, Mapping) else ((v, None) for v in raw)
    out: dict[str, str | None] = {}
    for value, decode in pairs:
        text = _text(value)
        if text is not None and text not in out:
            out[text] = decode
    return list(out.items())


def _references(datasets: list[DatasetMeta]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """codelist ref → [(used-values key, Define data type)] in document order."""
    refs: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for ds in datasets:
        for v in ds.variables:
            if v.codelist:
                refs.setdefault(v.codelist, []).append(((ds.name, v.name), v.data_type))
        for vl in ds.value_level:
            if vl.codelist:
                refs.setdefault(vl.codelist, []).append(((ds.name, vl.variable, vl.where.id), vl.type))
    return refs


def codelist_oid(ref: str, ct: ControlledTerminology) -> str:
    code = ct.resolve(ref)
    return "CL." + (ct.codelist(code).short_name if code else ref.removeprefix("CL."))


def _used(keys: list[tuple[str, ...]], used_values: UsedValues | None) -> list[tuple[str, str | None]] | None:
    if used_values is None or not any(k in used_values for k in keys):
        return None
    merged: dict[str, str | None] = {}
    for k in keys:
        for value, decode in _entries(used_values.get(k, ())):
            if merged.get(value) is None:
                merged[value] = decode
    return list(merged.items())


def _ct_terms(ref, cl, used, issues) -> list[Term]:
    codes = dict(zip(cl.terms["value"], cl.terms["code"]))
    if not used:  # no data knowledge, or no value in the data: the whole CT codelist (never an empty one)
        return [Term(v, None, c) for v, c in codes.items()]
    decodes = dict(used)
    terms = [Term(v, decodes[v], c) for v, c in codes.items() if v in decodes]
    for value, decode in used:
        if value in codes:
            continue
        if not cl.extensible:
            issues.append(
                Issue(
                    "define-term-not-in-ct",
                    ERROR,
                    f"{value!r} is not a term of the non-extensible codelist {cl.short_name} ({cl.code})",
                    value=value,
                    variable=ref,
                )
            )
        terms.append(Term(value, decode, None, extended=cl.extensible))
    return terms


def _data_type(types: list[str]) -> str:
    return types[0] if types and types[0] in ("integer", "float") else "text"


def build_codelists(
    datasets: list[DatasetMeta], ct: ControlledTerminology, used_values: UsedValues | None, issues: list[Issue],
    given: Mapping[str, CodelistDef] | None = None,
) -> list[CodelistDef]:
    """Every codelist referenced by a variable or value-level item, sorted by OID; ``given``: reference →
    codelist already made (the sponsor's define spec), taken as it is."""
    sets, _ = ct_publishing_sets(ct)
    out: dict[str, CodelistDef] = {}
    given = given or {}
    for ref, uses in _references(datasets).items():
        if ref in given:
            out[given[ref].oid] = given[ref]
            continue
        keys, types = [k for k, _ in uses], [t for _, t in uses]
        used = _used(keys, used_values)
        oid = codelist_oid(ref, ct)
        code = ct.resolve(ref)
        if code:
            cl = ct.codelist(code)
            new = CodelistDef(oid, cl.name, _data_type(types), cl.code, sets.get(cl.code, "SDTM"))
            new.terms = _ct_terms(ref, cl, used, issues)
        else:
            new = CodelistDef(oid, ref, _data_type(types))
            new.terms = [Term(v, d) for v, d in (used or [])]
            if not new.terms:  # an empty CodeList is not schema-valid: left out, and so is its CodeListRef
                issues.append(
                    Issue(
                        "define-codelist-empty",
                        WARNING,
                        f"sponsor codelist {ref} has no terms (pass its values in used_values); not written",
                        variable=ref,
                    )
                )
                continue
        if oid in out and out[oid] in given.values():  # the sponsor's codelist has this OID: it wins
            continue
        if oid in out:  # two refs (C-code and short name) to one CT codelist: merge terms
            seen = {t.value for t in out[oid].terms}
            out[oid].terms += [t for t in new.terms if t.value not in seen]
        else:
            out[oid] = new
    return [out[k] for k in sorted(out)]


def _mask(df: pd.DataFrame, where: WhereClause, dataset: str) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for var, op, values in where.conditions:
        ds, _, name = var.rpartition(".")
        if (ds and ds != dataset) or name not in df.columns:
            return pd.Series(False, index=df.index)
        codes, uniq = pd.factorize(df[name].to_numpy(dtype=object))  # _text once per distinct value
        wanted = {str(v) for v in values}
        hit_u = np.array([_text(u) in wanted for u in uniq] + [None in wanted], dtype=bool)
        hit = pd.Series(hit_u[np.where(codes < 0, len(uniq), codes)], index=df.index)
        mask &= {"EQ": hit, "IN": hit, "NE": ~hit, "NOTIN": ~hit}.get(op, pd.Series(False, index=df.index))
    return mask


def _distinct(col: pd.Series) -> list[str]:
    return sorted({t for t in (_text(x) for x in pd.unique(col.to_numpy(dtype=object))) if t is not None})


def used_values_from_frames(datasets: list[DatasetMeta], frames: Mapping[str, pd.DataFrame]) -> dict:
    """``used_values`` for every codelist variable/value-level item, from the frames as written
    (values sorted; only EQ/NE/IN/NOTIN conditions are evaluated, others select nothing)."""
    out: dict[tuple[str, ...], list[str]] = {}
    for ds in datasets:
        df = frames.get(ds.name)
        if df is None:
            continue
        for v in ds.variables:
            if v.codelist and v.name in df.columns:
                out[(ds.name, v.name)] = _distinct(df[v.name])
        for vl in ds.value_level:
            if vl.codelist and vl.variable in df.columns:
                out[(ds.name, vl.variable, vl.where.id)] = _distinct(df.loc[_mask(df, vl.where, ds.name), vl.variable])
    return out
