"""DatasetMeta for the registered ADaM datasets: ADaMIG labels, types, lengths from the data, origins and
methods from the descriptors (``adam/datasets/``), value-level metadata per PARAMCD (ADPASI AVAL/AVALC)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

import numpy as np
import pandas as pd

from sdtm_convert.adam.adpasi import PASI_ITEMS, PASIIMP, responder_param
from sdtm_convert.adam.config import AdamSettings
from sdtm_convert.adam.datasets import DATASETS
from sdtm_convert.adam.registry import AdamDataset, V
from sdtm_convert.adam.steps.kinds import condition_text
from sdtm_convert.adam.words import fill, settings_words
from sdtm_convert.metadata import (
    DERIVED,
    PREDECESSOR,
    DatasetMeta,
    Method,
    ValueLevel,
    VariableMeta,
    WhereClause,
    max_utf8_bytes,
)
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards import adamig_variables, sdtmig_domain_variables

DATE9 = "DATE9."


def _declared(ds: str, name: str, desc: AdamDataset | None = None) -> V | None:
    """The variable's declaration in the dataset's descriptor (``desc``, else the registered one; None for a
    dataset or variable not declared)."""
    desc = desc or DATASETS.get(ds)
    return desc.variable(name) if desc else None


@cache
def _declared_labels() -> dict[str, str]:
    """Labels the descriptors declare for variables no standard has (first declaration of a name wins)."""
    out: dict[str, str] = {}
    for desc in DATASETS.values():
        for v in desc.variables:
            if isinstance(v, V) and v.label:
                out.setdefault(v.name, v.label)
    return out


def _instantiate(pattern: str) -> str:
    """ADaMIG generic name → regex (xx → 2 digits, y/w → digit, zz → 2 digits)."""
    rx = pattern.replace("xx", r"\d\d").replace("zz", r"\d\d").replace("y", r"\d").replace("w", r"\d")
    return "^" + rx + "$"


@cache
def _adamig_table(structure: str) -> tuple[dict[str, tuple[str, str]], tuple[tuple[re.Pattern[str], str, str], ...]]:
    """Exact names → (label, core), and generic names (TRTxxP, AGEGRy...) as regexes."""
    table = adamig_variables()
    table = table[table["structure"] == structure]
    exact = {n: (str(lab), str(core)) for n, lab, core in zip(table["name"], table["label"], table["core"])}
    generic = tuple(
        (re.compile(_instantiate(n)), str(lab), str(core))
        for n, lab, core in zip(table["name"], table["label"], table["core"])
        if n != n.upper()
    )
    return exact, generic


def _adamig_label(name: str, structure: str) -> tuple[str, str] | None:
    exact, generic = _adamig_table(structure)
    if name in exact:
        return exact[name]
    for rx, label, core in generic:
        if rx.match(name):
            digits = re.findall(r"\d+", name)
            first, last = (digits[0], digits[-1]) if digits else ("01", "1")
            label = label.replace("xx", first).replace("zz", first)
            return re.sub(r"\by\b", last, label), core
    return None


@cache
def _sdtm_labels(domain: str) -> dict[str, str]:
    table = sdtmig_domain_variables(domain)
    return dict(zip(table["name"], table["label"].astype(str)))


def _sdtm_label(name: str, domain: str) -> str | None:
    return _sdtm_labels(domain).get(name)


def _label(ds: str, name: str, structure: str | None = None, desc: AdamDataset | None = None) -> tuple[str, str]:
    """ADaMIG label/core of the dataset's structure (OCCDS: BDS timing variables; ``structure`` for a dataset
    this tool does not build), then sponsor/OCCDS labels, then ADSL labels for variables copied from ADSL
    (core Perm), then SDTMIG DM/AE labels."""
    found = _adamig_label(name, structure or DATASETS[ds].adamig_structure)
    if found:
        return found
    own = desc.variable(name) if desc is not None else None
    if own is not None and own.label:  # the dataset's own declaration (its spec), then any descriptor's
        return own.label, "Perm"
    if name in _declared_labels():
        return _declared_labels()[name], "Perm"
    if ds != "ADSL":
        found = _adamig_label(name, "Subject-Level Analysis Dataset")
        if found:
            return found[0], "Perm"
    for dom in ("DM", "AE"):
        lab = _sdtm_label(name, dom)
        if lab:
            return lab, "Perm"
    return name, "Perm"


def significant_digits(values: pd.Series) -> int:
    """Decimals actually used by a float column (1..16; 1 when all values are whole numbers)."""
    v = values.dropna().to_numpy(dtype="float64")
    for digits in range(1, 16):
        if np.allclose(np.round(v, digits), v, rtol=0, atol=10.0 ** -(digits + 6)):
            return digits
    return 16


# variables whose define.xml entry names a CT codelist: DTYPE carries a sponsor term (NRI, non-responder
# imputation, which ADaM CT's extensible DTYPE lacks), so define.xml must declare it as an extended value
CODELISTS = {"DTYPE": "DTYPE"}


def _variable(ds: str, name: str, col: pd.Series, pasi_domain: str, structure: str | None = None,
              desc: AdamDataset | None = None) -> VariableMeta:
    label, core = _label(ds, name, structure or (desc.adamig_structure if desc else None), desc)
    numeric = pd.api.types.is_numeric_dtype(col)
    is_date = numeric and name.endswith("DT")
    is_dtm = numeric and name.endswith("DTM")
    if numeric:
        vals = col.dropna()
        integer = bool(len(vals) == 0 or (vals == vals.round()).all()) and name not in ("AVAL", "BASE", "CHG", "PCHG")
        # numeric SAS dates/datetimes: Define-XML DataType integer + DisplayFormat (date/datetime = ISO text)
        data_type = "integer" if (is_date or is_dtm or integer) else "float"
        digits = significant_digits(col) if data_type == "float" else None
        length = 8
    else:
        data_type, digits = "text", None
        length = max(1, max_utf8_bytes(col.astype(str)))
    declared = _declared(ds, name, desc)
    source = declared.source if declared else None
    method = declared.method if declared else None
    if source:
        source = source.format(dom=pasi_domain)
    origin = PREDECESSOR if source and not method else DERIVED
    return VariableMeta(
        name=name,
        label=label[:40],
        type="Num" if numeric else "Char",
        length=length,
        data_type=data_type,
        core=core,
        origin_type=origin,
        origin_source=None if origin == PREDECESSOR else "Sponsor",
        codelist=CODELISTS.get(name),
        method_id=f"MT.{ds}.{name}" if method else None,
        display_format=DATE9 if is_date else "DATETIME20." if is_dtm else None,
        significant_digits=digits,
        source=source or None,
        comment=None,
    )


def _value_level(adpasi: pd.DataFrame, settings: AdamSettings) -> list[ValueLevel]:
    out = []
    params = [(v[0], v[1]) for v in PASI_ITEMS.values()] + [PASIIMP[:2]]
    params += [responder_param(k)[:2] for k in settings.responder_thresholds]
    present = set(adpasi["PARAMCD"])
    for cd, name in params:
        if cd not in present:
            continue
        where = WhereClause(id=f"WC.ADPASI.PARAMCD.{cd}", conditions=[("ADPASI.PARAMCD", "EQ", [cd])])
        resp = cd.startswith("PASI") and cd[4:].isdigit()
        out.append(
            ValueLevel(
                "AVAL",
                where,
                f"{name}" if not resp else f"{name} (1 = Y, 0 = N)",
                "integer" if resp else "float",
                length=8,
                origin_type=DERIVED,
                method_id="MT.ADPASI.AVAL",
                significant_digits=None if resp else significant_digits(adpasi.loc[adpasi["PARAMCD"] == cd, "AVAL"]),
            )
        )
        if resp:
            out.append(
                ValueLevel(
                    "AVALC",
                    where,
                    f"{name} (Y/N)",
                    "text",
                    length=1,
                    codelist="NY",
                    origin_type=DERIVED,
                    method_id="MT.ADPASI.AVALC",
                )
            )
    return out


def _parameter_value_level(ds: str, frame: pd.DataFrame, methods: set[str]) -> list[ValueLevel]:
    """AVAL per PARAMCD of a BDS dataset a spec declares (ADPASI has its own): the parameter's PARAM as the
    label, integer or float from its values, the dataset's AVAL method."""
    if "PARAMCD" not in frame.columns or "AVAL" not in frame.columns:
        return []
    out = []
    for cd in sorted(str(c) for c in frame["PARAMCD"].dropna().unique() if str(c)):
        rows = frame.loc[frame["PARAMCD"] == cd]
        label = str(rows["PARAM"].iloc[0]) if "PARAM" in rows.columns and str(rows["PARAM"].iloc[0]) else cd
        vals = rows["AVAL"].dropna()
        whole = bool(len(vals) == 0 or (vals == vals.round()).all())
        where = WhereClause(id=f"WC.{ds}.PARAMCD.{cd}", conditions=[(f"{ds}.PARAMCD", "EQ", [cd])])
        out.append(ValueLevel("AVAL", where, label, "integer" if whole else "float", length=8, origin_type=DERIVED,
                              method_id=f"MT.{ds}.AVAL" if f"MT.{ds}.AVAL" in methods else None,
                              significant_digits=None if whole else significant_digits(rows["AVAL"])))
    return out


def dataset_metadata(ds: str, frame: pd.DataFrame, study: StudyConfig, settings: AdamSettings,
                     desc: AdamDataset | None = None) -> DatasetMeta:
    """The metadata of a built dataset, from its descriptor (``desc``, else the registered one named ``ds``)."""
    desc = desc or DATASETS[ds]  # one source with the row schemas and `diff`'s natural keys
    cols = [c for c in frame.columns if not c.startswith("__")]
    variables = [_variable(ds, c, frame[c], study.pasi.domain, desc=desc) for c in cols]
    declared = {v.name: _declared(ds, v.name, desc) for v in variables if v.method_id}
    words = settings_words(settings)  # a registered dataset's method text states the run's settings
    methods = [
        Method(
            id=f"MT.{ds}.{name}",
            name=f"Algorithm for {ds}.{name}",
            type="Imputation" if d.imputation else "Computation",
            description=fill(d.method or "", words),
        )
        for name, d in declared.items()
        if d is not None
    ]
    if desc.populations() is not None:
        for p in settings.populations:
            if p.flag in cols:
                m = Method(
                    id=f"MT.ADSL.{p.flag}",
                    name=f"Population {p.flag}",
                    type="Computation",
                    description=f"'Y' if {p.label} ({condition_text(p.where)}), else 'N'.",
                )
                methods.append(m)
                var = next(v for v in variables if v.name == p.flag)
                var.method_id, var.origin_type, var.origin_source = m.id, DERIVED, "Sponsor"
    return DatasetMeta(
        name=ds,
        label=desc.label,
        class_=desc.cls,
        structure=desc.structure,
        keys=list(desc.keys),
        variables=variables,
        standard="ADaMIG 1.3",
        methods=methods,
        value_level=_value_level(frame, settings) if ds == "ADPASI" else (
            _parameter_value_level(ds, frame, {m.id for m in methods})
            if desc.cls == "BASIC DATA STRUCTURE" else []),
        records=len(frame),
    )


def adam_metadata(
    datasets: dict[str, pd.DataFrame], study: StudyConfig, settings: AdamSettings,
    registry: Mapping[str, AdamDataset] | None = None,
) -> dict[str, DatasetMeta]:
    """Metadata of each built dataset, described by ``registry`` (default: the registered datasets)."""
    reg = registry if registry is not None else DATASETS
    return {name: dataset_metadata(name, frame, study, settings, reg[name]) for name, frame in datasets.items()}
