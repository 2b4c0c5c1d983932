"""Conform a derived domain frame to SDTMIG: variable set and order, types, record order, metadata.

Produces the frame to write (no working or provenance columns), its :class:`DatasetMeta` (labels
from SDTMIG, origins from the mapping spec, derivation methods), and its lineage rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

import sdtm_convert.derive  # noqa: F401  (registers every derivation: their descriptors give the methods)
from sdtm_convert.common.arrowtext import join_runs
from sdtm_convert.derive._common import sort_rank, stable_order
from sdtm_convert.derive.registry import method_for
from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.io.raw import SRC_FILE, SRC_ROW
from sdtm_convert.mapping.algorithms._common import readable
from sdtm_convert.mapping.describe import describe
from sdtm_convert.metadata import (
    ASSIGNED,
    COLLECTED,
    DERIVED,
    NOT_AVAILABLE,
    PROTOCOL,
    DatasetMeta,
    Method,
    VariableMeta,
    max_utf8_bytes,
)
from sdtm_convert.sdtm.valuelevel import findings_value_level, numeric_type
from sdtm_convert.standards import sdtmig_datasets, sdtmig_domain_variables

TRIAL_DESIGN = {"TS", "TA", "TE", "TV", "TI"}
_TEXT = pd.Series([""]).astype(str).dtype  # the default text dtype (Arrow-backed ``str`` with pandas 3)
# variables whose value a derivation assigns from study-level facts rather than computes from data
ASSIGNED_NAMES = {"STUDYID", "DOMAIN", "USUBJID", "RDOMAIN", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QORIG", "QEVAL"}


# SDTM timing variables of the general observation classes (SDTM v2.0 / SDTMIG 3.4 §2.7: any of them may be
# added to a general-observation-class domain) with generic labels; "--" is the domain prefix.
TIMING_VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("VISITNUM", "Visit Number", "Num"), ("VISIT", "Visit Name", "Char"),
    ("VISITDY", "Planned Study Day of Visit", "Num"), ("TAETORD", "Planned Order of Element within Arm", "Num"),
    ("EPOCH", "Epoch", "Char"), ("--DTC", "Date/Time of Collection", "Char"),
    ("--STDTC", "Start Date/Time of Observation", "Char"), ("--ENDTC", "End Date/Time of Observation", "Char"),
    ("--DY", "Study Day of Visit/Collection/Exam", "Num"), ("--STDY", "Study Day of Start of Observation", "Num"),
    ("--ENDY", "Study Day of End of Observation", "Num"), ("--DUR", "Duration", "Char"),
    ("--TPT", "Planned Time Point Name", "Char"), ("--TPTNUM", "Planned Time Point Number", "Num"),
    ("--ELTM", "Planned Elapsed Time from Time Point Ref", "Char"), ("--TPTREF", "Time Point Reference", "Char"),
    ("--RFTDTC", "Date/Time of Reference Time Point", "Char"), ("--STRF", "Start Relative to Reference Period", "Char"),
    ("--ENRF", "End Relative to Reference Period", "Char"), ("--EVLINT", "Evaluation Interval", "Char"),
    ("--STRTPT", "Start Relative to Reference Time Point", "Char"), ("--STTPT", "Start Reference Time Point", "Char"),
    ("--ENRTPT", "End Relative to Reference Time Point", "Char"), ("--ENTPT", "End Reference Time Point", "Char"),
)
GENERAL_CLASSES = {"Interventions", "Events", "Findings", "Findings About"}


def standard_variables(domain: str, present: list[str] | None = None) -> pd.DataFrame:
    """SDTMIG variables of ``domain``, plus the SDTM timing variables in ``present`` that its IG table lacks
    (general observation classes only), placed after the domain's timing variables that precede them."""
    std = sdtmig_domain_variables(domain)
    if not present or std.empty or std["class"].iloc[0] not in GENERAL_CLASSES:
        return std
    prefix = domain[:2]
    names = [n.replace("--", prefix) for n, _, _ in TIMING_VARIABLES]
    known = set(std["name"].str.replace("--", prefix, regex=False))
    extra = [i for i, n in enumerate(names) if n in present and n not in known]
    if not extra:
        return std
    order = dict(zip(std["name"].str.replace("--", prefix, regex=False), std["order"].astype(float)))
    rows = []
    for i in extra:
        before = [order[n] for n in names[:i] if n in order]
        after = [order[n] for n in names[i + 1:] if n in order]
        position = max(before) + 0.01 * (i + 1) if before else (min(after) - 1 + 0.01 * (i + 1) if after
                                                               else std["order"].max() + 0.01 * (i + 1))
        name, label, typ = TIMING_VARIABLES[i]
        rows.append({"dataset": domain, "order": position, "name": name.replace("--", prefix), "label": label,
                     "type": typ, "core": "Perm", "codelist_codes": ["C99079"] if name == "EPOCH" else [],
                     "codelists": [], "value_domain": "", "value_list": "", "role": "Timing",
                     "class": std["class"].iloc[0]})
        order[name.replace("--", prefix)] = position
    return pd.concat([std, pd.DataFrame(rows)], ignore_index=True).sort_values("order", kind="stable").reset_index(drop=True)


def conform(domain: str, df: pd.DataFrame, *, origins: dict[str, dict[str, Any]] | None = None,
            keys: list[str] | None = None, label: str | None = None) -> tuple[pd.DataFrame, DatasetMeta, pd.DataFrame, list[Issue]]:
    """Return ``(data, meta, lineage, issues)`` for one SDTM dataset (``SUPPxx`` uses SUPPQUAL)."""
    origins = origins or {}
    issues: list[Issue] = []
    std = standard_variables(domain, [c for c in df.columns if not c.startswith("__")])
    std_names = list(std["name"].str.replace("--", domain[:2], regex=False))
    std = std.assign(name=std_names)
    present = [c for c in df.columns if not c.startswith("__")]
    nonstandard = [c for c in present if c not in std_names]
    for c in nonstandard:
        issues.append(Issue("variable-nonstandard", ERROR,
                            f"{c} is not an SDTMIG {domain} variable; map it to SUPP{domain} instead (dropped from {domain})",
                            dataset=domain, variable=c))
    keep = std[std["name"].isin(present) | std["core"].isin(["Req", "Exp"])]
    if domain in TRIAL_DESIGN or domain.startswith("SUPP"):
        keep = std[std["name"].isin(present) | std["core"].isin(["Req"])]
    out = pd.DataFrame(index=df.index)
    for name, typ, core in zip(keep["name"], keep["type"], keep["core"]):
        if name in df.columns:
            col = df[name]
        else:
            if core == "Req":
                issues.append(Issue("required-variable-missing", ERROR, f"required variable {name} is not produced by the spec",
                                    dataset=domain, variable=name))
            col = pd.Series(np.nan if typ == "Num" else "", index=df.index)
        if typ == "Num":
            out[name] = col if col.dtype == np.float64 else pd.to_numeric(col, errors="coerce").astype("float64")
        else:
            out[name] = col if (col.dtype == _TEXT and not col.hasnans) else col.astype("string").fillna("").astype(str)
    if "DOMAIN" in out.columns and not domain.startswith("SUPP"):
        out["DOMAIN"] = domain
    empty = _empty_permissible(out, keep)
    if empty:
        out, keep = out.drop(columns=empty), keep[~keep["name"].isin(empty)]
    seq = f"{domain}SEQ"
    # record order: by subject and --SEQ where the domain has one (as sponsors and the CDISC pilot do),
    # else by the dataset keys
    sort_keys = ["USUBJID", seq] if seq in out.columns and "USUBJID" in out.columns else [k for k in (keys or []) if k in out.columns]
    order = stable_order([sort_rank(out[k]) for k in sort_keys]) if sort_keys else np.arange(len(out))
    data = out.take(order).reset_index(drop=True)
    lineage = _lineage(domain, df[[c for c in (SRC_FILE, SRC_ROW) if c in df.columns]].take(order), data)
    meta = _meta(domain, data, keep, origins, keys or [], label)
    findings_value_level(domain, data, meta)
    return data, meta, lineage, issues


def _empty_permissible(out: pd.DataFrame, keep: pd.DataFrame) -> list[str]:
    """Permissible variables with no value in any record: not submitted (FDA Technical Conformance Guide;
    Pinnacle 21 SD1078 warns about them), e.g. --DY of records that all lack a reference start date."""
    if not len(out):
        return []
    perm = keep.loc[keep["core"] == "Perm", "name"]
    return [n for n in perm if n in out.columns and not _has_value(out[n])]


def _has_value(col: pd.Series) -> bool:
    if col.dtype == np.float64:
        return bool(col.notna().any())
    return bool((col.astype(str).str.strip() != "").any())


def _lineage(domain: str, src: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    seq_name = next((c for c in data.columns if c.endswith("SEQ") and c != "TSSEQ"), None)
    lin = pd.DataFrame({
        "dataset": domain,
        "record": np.arange(1, len(data) + 1),
        # .array keeps text in Arrow (to_numpy would make a Python object per record)
        "USUBJID": data["USUBJID"].array if "USUBJID" in data else "",
        "seq": data[seq_name].to_numpy() if seq_name else np.nan,
        "raw_file": src[SRC_FILE].array if SRC_FILE in src else "",
        "raw_row": src[SRC_ROW].to_numpy() if SRC_ROW in src else np.nan,
    })
    lin["derived_from_rows"] = _derived_from(domain, data, lin)
    return lin


def _derived_from(domain: str, data: pd.DataFrame, lin: pd.DataFrame) -> np.ndarray:
    """For sponsor-derived records (--DRVFL = Y, e.g. PASI sub-scores and total): the raw rows of every
    collected record of the same assessment (subject, visit, date), ';'-joined; else ""."""
    flag, dtc = f"{domain}DRVFL", f"{domain}DTC"
    out = np.full(len(data), "", dtype=object)
    keys = [k for k in ("USUBJID", "VISITNUM", dtc) if k in data.columns]
    if flag not in data.columns or not (data[flag] == "Y").any() or len(keys) < 2:
        return out
    derived = (data[flag] == "Y").to_numpy()
    group = data.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    rows = pd.to_numeric(lin["raw_row"]).to_numpy(dtype=float)
    take = ~derived & ~np.isnan(rows)
    pairs = np.unique(np.stack([group[take], rows[take].astype(np.int64)], axis=1), axis=0)  # sorted by group, row
    text = np.full(group.max() + 1 if len(group) else 0, "", dtype=object)
    if len(pairs):  # one ';'-joined list per assessment, joined by Arrow
        starts = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]])
        rows = pa.array(pairs[:, 1]).cast(pa.large_string())
        text[pairs[starts, 0]] = join_runs(rows, starts, ";").to_numpy(zero_copy_only=False)
    out[derived] = text[group[derived]]
    return out


def _origin(domain: str, name: str, spec_row: dict[str, Any] | None,
            derivations: bool = True) -> tuple[str, str | None, str | None]:
    """Origin type, source and method text; ``derivations=False`` for frames this tool did not derive (no
    method is claimed for them)."""
    if domain in TRIAL_DESIGN:
        return PROTOCOL, None, None
    if spec_row is not None:
        return describe(spec_row)[:3]
    if name in ASSIGNED_NAMES:
        return ASSIGNED, "Sponsor", None
    if name == "QVAL" and derivations:
        return COLLECTED, "Investigator", None
    method = method_for(domain[:2] if not domain.startswith("SUPP") else domain, name) if derivations else None
    if method:
        return DERIVED, None, method
    return NOT_AVAILABLE, None, None


def variable_meta(domain: str, name: str, values: pd.Series, std: dict[str, Any] | None,
                  spec_row: dict[str, Any] | None, methods: list[Method], *, derivations: bool = True) -> VariableMeta:
    """One variable's metadata: label, type, core, role, codelist from its SDTMIG row ``std`` (a variable
    SDTMIG lacks: its name as label, Char or Num by the values' dtype), origin from the spec row, length
    and numeric data type from the values. A derivation method is appended to ``methods``."""
    if std is None:
        typ = "Num" if pd.api.types.is_numeric_dtype(values) else "Char"
        std = {"label": name, "type": typ, "core": "Perm", "role": None, "codelist_codes": []}
    typ, codes = std["type"], std["codelist_codes"]
    otype, osource, method_text = _origin(domain, name, spec_row, derivations)
    method_id = None
    if method_text:
        method_id = f"MT.{domain}.{name}"
        methods.append(Method(method_id, f"Algorithm to derive {domain}.{name}", "Computation", method_text))
    data_type, sig = ("text", None)
    if typ == "Num":
        length = 8
        data_type, sig = numeric_type(values)
    else:
        length = max(1, max_utf8_bytes(values)) if len(values) else 1
    codelist = (spec_row or {}).get("codelist") or (codes[0] if codes else None)
    comment = describe(spec_row)[3] if spec_row is not None else None
    return VariableMeta(
        name=name, label=str(std["label"])[:40], type=typ, length=length,
        data_type=data_type if typ == "Num" else ("datetime" if name.endswith("DTC") else "text"),
        significant_digits=sig,
        core=std["core"], role=std["role"] or None, origin_type=otype, origin_source=osource, codelist=codelist,
        method_id=method_id, comment=comment,
        source=origin_source_text(spec_row),
    )


def origin_source_text(spec_row: dict[str, Any] | None) -> str | None:
    """What define.xml's def:Origin says a variable comes from: the raw column of its spec row; for a transposed
    value (the working column ``__value``) the transposed raw columns, never a working name."""
    column = f"{(spec_row or {}).get('column', '')}".strip()
    if column == "__value" and spec_row and spec_row.get("__transposed"):
        return ", ".join(spec_row["__transposed"])
    return readable(column) if column else None


def dataset_label(domain: str) -> tuple[str, str, str]:
    """SDTMIG label, class (upper case) and structure of a dataset (SUPPxx: SUPPQUAL's)."""
    dsets = sdtmig_datasets()
    base = "SUPPQUAL" if domain.startswith("SUPP") else domain
    row = dsets[dsets["dataset"] == base]
    label = (f"Supplemental Qualifiers for {domain[4:]}" if domain.startswith("SUPP")
             else (row["label"].iloc[0] if len(row) else domain))
    klass = "SPECIAL PURPOSE" if domain.startswith("SUPP") else (row["class"].iloc[0].upper() if len(row) else "")
    structure = (row["structure"].iloc[0] if len(row)
                 else "One record per supplemental qualifier per related parent domain record")
    return label, klass, structure


def _meta(domain: str, data: pd.DataFrame, std: pd.DataFrame, origins: dict[str, dict[str, Any]], keys: list[str],
          label: str | None) -> DatasetMeta:
    std_label, klass, structure = dataset_label(domain)
    variables: list[VariableMeta] = []
    methods: list[Method] = []
    for row in std.to_dict("records"):
        if row["name"] in data.columns:
            variables.append(variable_meta(domain, row["name"], data[row["name"]], row, origins.get(row["name"]),
                                           methods))
    return DatasetMeta(name=domain, label=label or std_label, class_=klass, structure=structure,
                       keys=keys, variables=variables, methods=methods, records=len(data))
