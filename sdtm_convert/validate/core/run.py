"""Run CORE rules on a set of datasets: compile each rule once, apply it to every dataset in its scope.

A rule is **not run** (with its reason) when its file did not parse, its rule type, an operator or an
operation is not supported, or its ``Match Datasets`` form is not; it never counts as passed. A rule that
applies to a dataset lacking a variable it needs is *not applicable* there (no finding), as in CDISC's engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common.text import number_text
from sdtm_convert.validate.core import library, operations
from sdtm_convert.validate.core.check import (
    REFERENCE,
    Node,
    compile_check,
    describe,
    explain,
    has_any,
    names_used,
    uses_reference,
)
from sdtm_convert.validate.core.operations import Env, resolve
from sdtm_convert.validate.core.operators import Frame, MissingVariable, NotRunnable, text
from sdtm_convert.validate.core.rules import CoreRule, load_rules
from sdtm_convert.validate.core.scope import in_scope
from sdtm_convert.validate.model import Dataset

SUPPORTED_TYPES = ("Record Data", "Dataset Metadata Check", "Variable Metadata Check", "Domain Presence Check",
                   "Value Check with Variable Metadata", "Value Check with Dataset Metadata",
                   "Variable Metadata Check against Library Metadata",
                   "Define Item Metadata Check against Library Metadata")
VARIABLE_TYPES = ("Variable Metadata Check", "Variable Metadata Check against Library Metadata")
STUDY = "STUDY"  # the dataset name CDISC's engine reports a Domain Presence Check finding under
ROW = "__core_row__"
METADATA_NAMES = ("variable_", "dataset_")  # the names a metadata check reads (variable_name, dataset_label ...)


@dataclass(frozen=True)
class CoreFinding:
    """One flagged record (``record`` 1-based; ``None`` for a rule of dataset sensitivity)."""

    core_id: str
    cdisc_ids: tuple[str, ...]
    dataset: str
    record: int | None
    variables: tuple[str, ...]
    values: tuple[Any, ...]
    message: str
    why: str = ""  # the check that held, in words, and the values of its variables on this record
    fda_ids: tuple[str, ...] = ()  # the FDA business rules (FB....) the CORE rule implements
    of_variable: bool = False  # ``record`` numbers a variable of the dataset (a variable metadata rule's row)


@dataclass
class CoreResult:
    findings: list[CoreFinding] = field(default_factory=list)
    not_run: dict[str, str] = field(default_factory=dict)  # core id -> reason
    ran: list[str] = field(default_factory=list)  # core ids run (on zero or more datasets)


@dataclass(frozen=True)
class Compiled:
    rule: CoreRule
    check: Node


def _is_child(m: Any) -> bool:
    """A ``Child`` link by IDVAR/IDVARVAL (SUPP--, RELREC, CO to their parent records)."""
    return isinstance(m, dict) and bool(m.get("Child")) and {"IDVAR", "IDVARVAL"} <= set(m.get("Keys") or [])


def compile_rule(rule: CoreRule) -> Compiled:
    """The rule ready to run, or :class:`NotRunnable` with the reason."""
    if rule.error:
        raise NotRunnable(rule.error)
    if rule.rule_type not in SUPPORTED_TYPES:
        raise NotRunnable(f"rule type {rule.rule_type!r} is not supported")
    for op in rule.operations:
        if not isinstance(op, dict) or str(op.get("operator")) not in operations.OPERATIONS:
            raise NotRunnable(f"operation {op.get('operator') if isinstance(op, dict) else op!r} is not supported")
    for m in rule.match:
        if _is_child(m) or (isinstance(m, dict) and str(m.get("Name", "")).upper() == "RELREC"
                            and isinstance(m.get("Wildcard"), str) and "--" not in m["Wildcard"]):
            continue
        if not isinstance(m, dict) or m.get("Child") or m.get("Wildcard") or "--" in str(m.get("Name", "")):
            raise NotRunnable(f"Match Datasets form {m!r} is not supported")
        if not all(isinstance(k, str) for k in m.get("Keys") or []) or not m.get("Keys"):
            raise NotRunnable(f"Match Datasets keys {m.get('Keys')!r} are not supported")
    if rule.rule_type == "Record Data" and any(str(n).startswith(METADATA_NAMES) for n in names_used(rule.check)):
        raise NotRunnable("a Record Data rule whose check names variable or dataset metadata (variable_name, ...): "
                          "records hold no such variable")
    return Compiled(rule, compile_check(rule.check))


def _stacked(datasets: Mapping[str, Dataset], domain: str) -> pd.DataFrame:
    parts = [d.frame for d in datasets.values() if d.domain == domain]
    if not parts:
        raise MissingVariable(f"dataset {domain}")
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _match(df: pd.DataFrame, datasets: Mapping[str, Dataset], spec: dict[str, Any]) -> pd.DataFrame:
    """``df`` left-joined to the named dataset on ``Keys``; a column both hold comes as ``NAME.COL``."""
    name = str(spec["Name"]).upper()
    right = _stacked(datasets, name)
    keys = list(spec["Keys"])
    for k in keys:
        if k not in df.columns or k not in right.columns:
            raise MissingVariable(k)
    tmp = [f"__k{i}" for i in range(len(keys))]
    left = df.assign(**{t: text(df[k]).to_numpy() for t, k in zip(tmp, keys, strict=True)})
    rename = {c: (f"{name}.{c}" if c in df.columns else c) for c in right.columns if c not in keys}
    r = right[list(rename)].rename(columns=rename)
    r = r.assign(**{f"{name}.{c}": right[c].to_numpy() for c in right.columns if rename.get(c, c) == c})
    r = r.assign(**{t: text(right[k]).to_numpy() for t, k in zip(tmp, keys, strict=True)})
    return left.merge(r, on=tmp, how="left").drop(columns=tmp)


def _supp(df: pd.DataFrame, datasets: Mapping[str, Dataset], spec: dict[str, Any]) -> pd.DataFrame:
    """``df`` with the qualifiers of a SUPP-- dataset as columns named by QNAM (QVAL), each on the record its
    IDVAR/IDVARVAL names (IDVAR empty: on every record of the subject), as CDISC's engine joins a SUPP--."""
    name = str(spec["Name"]).upper()
    supp = datasets[name].frame if name in datasets else _stacked(datasets, name)
    for c in ("USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL"):
        if c not in supp.columns:
            raise MissingVariable(f"{name}.{c}")
    if "USUBJID" not in df.columns:
        raise MissingVariable("USUBJID")
    s = pd.DataFrame({c: text(supp[c]).to_numpy() for c in ("USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QVAL")})
    s = s[s["QNAM"] != ""]
    out = df
    added: list[str] = []
    for idvar, g in s.groupby("IDVAR", sort=True):
        if idvar and idvar not in df.columns:
            continue
        by = ["USUBJID", "IDVARVAL"] if idvar else ["USUBJID"]
        wide = g.drop_duplicates([*by, "QNAM"]).pivot(index=by, columns="QNAM", values="QVAL").reset_index()
        wide.columns = [str(c) for c in wide.columns]
        keys = pd.DataFrame({"USUBJID": text(df["USUBJID"]).to_numpy()})
        if idvar:
            keys["IDVARVAL"] = text(df[idvar]).to_numpy()
        got = keys.merge(wide, on=by, how="left")
        for q in (c for c in wide.columns if c not in by):
            col = q if q not in df.columns or q in added else f"{name}.{q}"
            vals = got[q].to_numpy(dtype=object)
            if col in out.columns and col in added:
                vals = np.where(pd.isna(vals), out[col].to_numpy(dtype=object), vals)
            out = out.assign(**{col: vals})
            added.append(col)
    return out.assign(**{c: out[c].fillna("").astype(str) for c in added})


def _same_text(s: pd.Series) -> pd.Series:
    """Values as text, a number as the project writes it whatever its type (``1``, ``"1.0"`` → ``1``)."""
    t = text(s).str.strip()
    num = pd.to_numeric(t, errors="coerce")
    return number_text(num).where(num.notna(), t)


def _referenced(df: pd.DataFrame, datasets: Mapping[str, Dataset]) -> pd.Series:
    """Per record of a SUPP--, CO or RELREC: the value of the variable its IDVAR names on the parent record of
    its RDOMAIN and USUBJID that holds its IDVARVAL there (so IDVARVAL itself), or "" when no such record is."""
    for c in ("RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL"):
        if c not in df.columns:
            raise MissingVariable(c)
    key = pd.DataFrame({"RDOMAIN": text(df["RDOMAIN"]).to_numpy(), "USUBJID": text(df["USUBJID"]).to_numpy(),
                        "IDVAR": text(df["IDVAR"]).str.strip().to_numpy(),
                        "IDVARVAL": _same_text(df["IDVARVAL"]).to_numpy(), "_pos": np.arange(len(df))})
    out = np.full(len(df), "", dtype=object)
    for (rdom, idvar), g in key[key["IDVAR"] != ""].groupby(["RDOMAIN", "IDVAR"], sort=True):
        parts = [d.frame for d in datasets.values() if d.domain == rdom and idvar in d.columns]
        if not parts:
            continue
        values = pd.concat([pd.DataFrame({"USUBJID": text(p["USUBJID"]).to_numpy() if "USUBJID" in p.columns
                                          else np.full(len(p), "", dtype=object),
                                          "IDVARVAL": _same_text(p[idvar]).to_numpy()}) for p in parts])
        hit = g.merge(values.drop_duplicates(), on=["USUBJID", "IDVARVAL"])
        out[hit["_pos"].to_numpy(dtype="int64")] = hit["IDVARVAL"].to_numpy(dtype=object)
    return pd.Series(out, index=df.index, dtype=object)


def _dataset_meta(ds: Dataset) -> pd.DataFrame:
    """The dataset's metadata as one row, with its DOMAIN value when it has one (CORE-000598 compares the
    dataset name with ``value: DOMAIN``; without the column that name was read as the text "DOMAIN")."""
    meta = {"dataset_name": [ds.name], "dataset_label": [ds.label or ""],
            "dataset_size": [float(ds.file_size or 0)], "dataset_location": [ds.file or ""]}
    if "DOMAIN" in ds.columns:
        values = text(ds.frame["DOMAIN"]).str.strip()
        meta["DOMAIN"] = [next((v for v in values if v), "")]
    return pd.DataFrame(meta)


def _variable_meta(ds: Dataset) -> pd.DataFrame:
    cols = list(ds.columns)
    return pd.DataFrame({
        "variable_name": cols,
        "variable_label": [ds.labels.get(c, "") for c in cols],
        "variable_size": [float(ds.lengths.get(c, np.nan)) for c in cols],
        "variable_order_number": np.arange(1, len(cols) + 1, dtype="float64"),
        "variable_data_type": ["Num" if ds.is_numeric(c) else "Char" for c in cols],
        "variable_format": [ds.formats.get(c, "") for c in cols],
    })


def _values_long(ds: Dataset) -> pd.DataFrame:
    """One row per record × variable: ``variable_name``, ``variable_value`` (as text), the variable's metadata,
    and the record number."""
    f, cols = ds.frame, list(ds.columns)
    n = len(f)
    values = np.concatenate([text(f[c]).to_numpy(dtype=object) for c in cols]) if cols else np.array([], dtype=object)
    return pd.DataFrame({
        "variable_name": pd.Series(np.repeat(np.asarray(cols, dtype=object), n), dtype="str"),
        "variable_value": pd.Series(values, dtype="str"),
        "variable_label": pd.Series(np.repeat(np.asarray([ds.labels.get(c, "") for c in cols], dtype=object), n), dtype="str"),
        "variable_data_type": pd.Series(np.repeat(np.asarray(["Num" if ds.is_numeric(c) else "Char" for c in cols],
                                                              dtype=object), n), dtype="str"),
        ROW: np.tile(np.arange(1, n + 1), len(cols)),
    })


def _library_meta(ds: Dataset, version: str) -> pd.DataFrame:
    """The variable metadata with the library's for each variable it knows (``library_variable_name``,
    ``_label``, ``_data_type``, ``_role``, ``_core``, ``_order_number``; empty where it does not)."""
    lib = library.variable_table(ds, version)
    known = pd.DataFrame({
        "variable_name": lib["name"].astype(str).to_numpy(),
        "library_variable_name": lib["name"].astype(str).to_numpy(),
        "library_variable_label": lib["label"].fillna("").astype(str).to_numpy(),
        "library_variable_data_type": lib["type"].fillna("").astype(str).to_numpy(),
        "library_variable_role": lib["role"].fillna("").astype(str).to_numpy(),
        "library_variable_core": lib["core"].fillna("").astype(str).to_numpy(),
        "library_variable_order_number": np.arange(1, len(lib) + 1, dtype="float64"),
    }).drop_duplicates("variable_name")
    out = _variable_meta(ds).merge(known, on="variable_name", how="left")
    text_cols = [c for c in known.columns if c.startswith("library_") and c != "library_variable_order_number"]
    return out.assign(**{c: out[c].fillna("").astype(str) for c in text_cols})


def _define_meta(ds: Dataset, version: str, define: Any) -> pd.DataFrame:
    """One row per variable define.xml gives the dataset, in its order: ``define_variable_name``, ``_label``,
    ``_data_type``, ``_length``, ``_ccode`` (its codelist's NCI code), ``_codelist_coded_values`` and
    ``_codelist_coded_codes`` (the codelist's terms and their NCI codes), with the library's metadata of the
    variable as :func:`_library_meta` gives it."""
    if define is None:
        raise NotRunnable("no define.xml")
    dd = define.datasets.get(ds.name) or define.datasets.get(ds.name.upper())
    if dd is None:
        raise MissingVariable(f"define.xml dataset {ds.name}")
    items = list(dd.variables.values())
    lists = [define.codelists.get(v.codelist) if v.codelist else None for v in items]
    meta = pd.DataFrame({
        "variable_name": [v.name for v in items],
        "define_variable_name": [v.name for v in items],
        "define_variable_label": [v.label for v in items],
        "define_variable_data_type": [v.data_type for v in items],
        "define_variable_length": [float(v.length) if v.length is not None else np.nan for v in items],
        "define_variable_ccode": [(cl.nci_code or "") if cl else "" for cl in lists],
        "define_variable_codelist_coded_values": [tuple(cl.values) if cl else () for cl in lists],
        "define_variable_codelist_coded_codes": [tuple(cl.term_codes.get(x, "") for x in cl.values) if cl else ()
                                                 for cl in lists],
    })
    lib = _library_meta(ds, version).drop(columns=["variable_label", "variable_size", "variable_order_number",
                                                    "variable_data_type", "variable_format"])
    return meta.merge(lib, on="variable_name", how="left")


LONG_BUDGET = 8_000_000  # record × variable rows of the long frames kept for the next Value Check rule (~0.6 GB)


def _long_cached(ds: Dataset, cache: dict[str, Any] | None) -> pd.DataFrame:
    """The dataset's long frame, built once per run for the Value Check rules while the frames kept stay within
    :data:`LONG_BUDGET` rows (the pilot's 31 datasets: 6.0 million; built three times, they cost 6 s)."""
    if cache is None:
        return _values_long(ds)
    if ds.name not in cache:
        frame = _values_long(ds)
        if cache.get("__rows__", 0) + len(frame) > LONG_BUDGET:
            return frame
        cache[ds.name] = frame
        cache["__rows__"] = cache.get("__rows__", 0) + len(frame)
    return cache[ds.name]


def _targets(c: Compiled, datasets: Mapping[str, Dataset],
             version: str = "", standard: str = "SDTMIG",
             study: Mapping[str, Any] | None = None) -> Iterator[tuple[Dataset, pd.DataFrame]]:
    """(dataset, the frame the check reads) per dataset in scope: its records, its dataset metadata (one
    row), its variable metadata (one row per variable), or for a Domain Presence Check one row for the study
    whose columns are the domains present."""
    kind = c.rule.rule_type
    if kind == "Domain Presence Check":
        row = {d.domain: d.file or d.name.lower() for d in datasets.values()}
        row.update({d.name: d.file or d.name.lower() for d in datasets.values()})
        frame = pd.DataFrame([row]) if row else pd.DataFrame(index=[0])
        yield Dataset(name=STUDY, frame=frame), frame
        return
    for name in sorted(datasets):
        ds = datasets[name]
        if not in_scope(c.rule.scope, ds):
            continue
        if kind == "Dataset Metadata Check":
            yield ds, _dataset_meta(ds)
        elif kind == "Variable Metadata Check":
            yield ds, _variable_meta(ds)
        elif kind in ("Value Check with Variable Metadata", "Value Check with Dataset Metadata"):
            yield ds, _long_cached(ds, (study or {}).get("long"))
        elif kind == "Variable Metadata Check against Library Metadata":
            yield ds, _library_meta(ds, operations.library_version(standard, version))
        elif kind == "Define Item Metadata Check against Library Metadata":
            try:
                frame = _define_meta(ds, operations.library_version(standard, version), (study or {}).get("define"))
            except MissingVariable:
                continue  # a dataset define.xml does not describe
            yield ds, frame
        else:
            yield ds, ds.frame


def _links(df: pd.DataFrame, domain: str, other: pd.DataFrame, wildcard: str,
           relrec: pd.DataFrame) -> pd.DataFrame:
    """(ROW of ``df``, position in ``other``) pairs that RELREC relates: record level (IDVARVAL given) or
    dataset level (IDVARVAL empty: the two IDVARs hold the same value for the subject)."""
    rel = pd.DataFrame({c: text(relrec[c]).to_numpy() for c in ("RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "RELID")})
    pairs = rel[rel["RDOMAIN"] == domain].merge(rel[rel["RDOMAIN"] == wildcard], on=["RELID", "USUBJID"],
                                                suffixes=("_l", "_r"))
    out = []
    subj_l = text(df["USUBJID"]) if "USUBJID" in df.columns else pd.Series("", index=df.index)
    subj_r = text(other["USUBJID"]) if "USUBJID" in other.columns else pd.Series("", index=other.index)
    for (var_l, var_r), grp in pairs.groupby(["IDVAR_l", "IDVAR_r"], sort=True):
        if var_l not in df.columns or var_r not in other.columns:
            continue
        left = pd.DataFrame({"USUBJID": subj_l.to_numpy(), "v_l": text(df[var_l]).to_numpy(), ROW: df[ROW].to_numpy()})
        right = pd.DataFrame({"USUBJID": subj_r.to_numpy(), "v_r": text(other[var_r]).to_numpy(),
                              "_pos": np.arange(len(other))})
        rec = grp[(grp["IDVARVAL_l"] != "") & (grp["USUBJID"] != "")]
        if len(rec):
            a = left.merge(rec[["USUBJID", "IDVARVAL_l", "IDVARVAL_r"]], left_on=["USUBJID", "v_l"],
                           right_on=["USUBJID", "IDVARVAL_l"])
            out.append(a.merge(right, left_on=["USUBJID", "IDVARVAL_r"], right_on=["USUBJID", "v_r"])[[ROW, "_pos"]])
        anyone = grp[(grp["IDVARVAL_l"] != "") & (grp["USUBJID"] == "")]
        if len(anyone):  # a RELREC link without USUBJID relates the records of the same subject that hold the values
            a = left.merge(anyone[["IDVARVAL_l", "IDVARVAL_r"]], left_on="v_l", right_on="IDVARVAL_l")
            out.append(a.merge(right, left_on=["USUBJID", "IDVARVAL_r"], right_on=["USUBJID", "v_r"])[[ROW, "_pos"]])
        if (grp["IDVARVAL_l"] == "").any():
            both = left[left["v_l"] != ""].merge(right, left_on=["USUBJID", "v_l"], right_on=["USUBJID", "v_r"])
            out.append(both[[ROW, "_pos"]])
    return pd.concat(out, ignore_index=True).drop_duplicates() if out else pd.DataFrame(columns=[ROW, "_pos"])


def _relrec(df: pd.DataFrame, domain: str, datasets: Mapping[str, Dataset], wildcard: str) -> pd.DataFrame:
    """``df`` with the records of dataset ``wildcard`` that RELREC relates to each record, as ``RELREC.COL``."""
    relrec, other = _stacked(datasets, "RELREC"), _stacked(datasets, wildcard)
    links = _links(df, domain, other, wildcard, relrec)
    if links.empty:
        raise MissingVariable(f"RELREC link of {domain} to {wildcard}")
    right = other.reset_index(drop=True).add_prefix("RELREC.").assign(_pos=np.arange(len(other)))
    linked = links.astype({ROW: "int64", "_pos": "int64"}).merge(right, on="_pos").drop(columns="_pos")
    return df.merge(linked, on=ROW, how="left")


def _metadata_own(rule: CoreRule, ds: Dataset) -> set[str]:
    """The dataset's variables, which ``exists`` also reads in a metadata check (ADaM AD0088: "STUDYID
    not_exists" in a Variable Metadata Check)."""
    return set(ds.columns) if rule.rule_type in ("Variable Metadata Check", "Dataset Metadata Check") else set()


def _frame(c: Compiled, ds: Dataset, base: pd.DataFrame, datasets: Mapping[str, Dataset],
           cache: dict[Any, Any], version: str = "", standard: str = "SDTMIG",
           study: Mapping[str, Any] | None = None) -> Frame:
    df = base.reset_index(drop=True)
    if ROW not in df.columns:
        df = df.assign(**{ROW: np.arange(1, len(df) + 1)})
    for m in c.rule.match if ds.name != STUDY else ():  # a presence check reads no records to join
        if m.get("Wildcard"):
            df = _relrec(df, ds.domain, datasets, str(m["Wildcard"]).upper())
        elif str(m.get("Name", "")).upper().startswith("SUPP") and not m.get("Child"):
            df = _supp(df, datasets, m)
        elif not _is_child(m):  # a child link (SUPP--/RELREC/CO to their parents) is read by the operations
            df = _match(df, datasets, m)
    if uses_reference(c.rule.check) and "IDVAR" in df.columns:
        df = df.assign(**{"IDVAR" + REFERENCE: _referenced(df, datasets).to_numpy()})
    own = (set(base.columns) - {ROW}) | {c for c in df.columns if "." in c} | _metadata_own(c.rule, ds)
    fr = Frame(df, {}, {}, frozenset(own))
    for spec in c.rule.operations:
        res = operations.run(Env(ds, ds.domain, fr.df, datasets, cache, version, fr.scalars, standard,
                                          study or {}), spec)
        oid = str(spec.get("id"))
        if res.column is not None:
            fr.df = fr.df.assign(**{oid: res.column.to_numpy()})
            fr.own = fr.own | {oid}
        elif res.grouped is not None:
            fr.grouped[oid] = res.grouped
        else:
            fr.scalars[oid] = res.scalar
    return fr


def _shown_all(s: pd.Series) -> list[str]:
    """Values as a finding's ``why`` shows them: numbers without ``.0``, "(empty)", text with blanks quoted."""
    t = text(s)
    quoted = "'" + t + "'"
    out = t.where(t == t.str.strip(), quoted).where(t != "", "(empty)")
    return out.tolist()


def _findings(c: Compiled, ds: Dataset, fr: Frame, mask: np.ndarray) -> list[CoreFinding]:
    rule = c.rule
    names = [resolve(v, ds.domain) for v in rule.output_variables]
    if not names:  # the variables the check names that the frame holds
        names = [n for n in (resolve(v, ds.domain) for v in names_used(rule.check)) if n in fr.df.columns]
    hit = fr.df.loc[mask]
    hit = hit.drop_duplicates(subset=[ROW])
    per_dataset = rule.sensitivity.lower() == "dataset" or ds.name == STUDY
    held = describe(rule.check, ds.domain)
    checked = [n for n in (resolve(v, ds.domain) for v in names_used(rule.check)) if n in fr.df.columns]
    if per_dataset:
        hit = hit.head(1)
    n = len(hit)
    columns = [hit[v].to_numpy(dtype=object) if v in hit.columns else [fr.scalars.get(v)] * n for v in names]
    shown = [_shown_all(hit[v]) for v in checked]
    helds = explain(rule.check, fr, ds.domain, fr.df.index.get_indexer(hit.index)) if has_any(rule.check) \
        else [held] * n  # an ``any``: the alternative that held on each record
    whys = [f"{h}: held" + (f" with {', '.join(f'{v}={x}' for v, x in zip(checked, parts, strict=True))}"
                            if checked else "") for h, parts in zip(helds, zip(*shown, strict=True), strict=True)] \
        if checked else [f"{h}: held" for h in helds]
    records = [None] * n if per_dataset else [int(r) for r in hit[ROW].to_numpy()]
    values = list(zip(*columns, strict=True)) if names else [()] * n
    of_variable = rule.rule_type in VARIABLE_TYPES
    return [CoreFinding(rule.core_id, rule.cdisc_ids, ds.name, rec, tuple(names), tuple(vals), rule.message, why,
                        rule.fda_ids, of_variable)
            for rec, vals, why in zip(records, values, whys, strict=True)]



def run_compiled(c: Compiled, datasets: Mapping[str, Dataset], version: str = "",
                 standard: str = "SDTMIG", study: Mapping[str, Any] | None = None) -> list[CoreFinding]:
    """The rule's findings on ``datasets``; ``standard`` and ``version`` (``SDTMIG``, ``3.4``) choose the
    standard's metadata that library operations and checks read."""
    found: list[CoreFinding] = []
    cache: dict[Any, Any] = {}
    for ds, base in _targets(c, datasets, version, standard, study):
        try:
            fr = _frame(c, ds, base, datasets, cache, version, standard, study)
            mask = c.check(fr, ds.domain)
        except MissingVariable:
            continue  # the rule does not apply to this dataset
        if mask.any():
            found += _findings(c, ds, fr, mask)
    return found


def run_rules(datasets: Mapping[str, Dataset], standard: str = "SDTMIG", version: str = "",
              rules: Iterable[CoreRule] | None = None, define: Any = None, ct_version: str = "") -> CoreResult:
    """Every rule of ``standard``/``version`` (default: the shipped rules) on ``datasets`` (by name); ``define``
    (a read define.xml) and ``ct_version`` (a shipped CT version) for the rules that read them."""
    result = CoreResult()
    study = {"define": define, "ct_version": ct_version, "long": {}}
    for rule in rules if rules is not None else load_rules():
        if not rule.error and not rule.applies_to(standard, version):
            continue
        try:
            compiled = compile_rule(rule)
            found = run_compiled(compiled, datasets, version, standard, study)
        except NotRunnable as exc:
            result.not_run[rule.core_id] = str(exc)
            continue
        except Exception as exc:  # noqa: BLE001 - a rule the interpreter mis-handles is reported, never a crash
            result.not_run[rule.core_id] = f"interpreter error: {type(exc).__name__}: {exc}"
            continue
        result.ran.append(rule.core_id)
        result.findings += found
    return result
