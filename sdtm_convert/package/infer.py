"""Metadata for data frames a user built (no conversion behind them), for :func:`sdtm_convert.write_package`.

Each frame keeps its columns (less working columns such as ``__src_file``), their order and its records;
its values are only typed for the transport file. SDTM: labels, XPT types, core, role and codelists from the shipped SDTMIG 3.4 metadata (a variable
SDTMIG lacks keeps its name as label and is Char or Num by its dtype), origins from the mapping spec when
one is given (else ``Not Available``, apart from identifiers the standard assigns), lengths from the data.
ADaM: labels from the shipped ADaMIG 1.3 metadata by structure (ADSL, BDS when there is a PARAMCD,
else occurrence data), types from the dtypes, lengths from the data.

Types: a Num variable given as text must hold numbers only (blank = missing) or it is an error naming the
dataset, variable, row and value; a Char variable given as numbers becomes their shortest text; a date or
datetime column becomes ISO 8601 text in SDTM and a SAS date (``*DT``, DATE9.) or datetime (``*DTM``) number in
ADaM.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common.text import number_text
from sdtm_convert.errors import fatal
from sdtm_convert.metadata import NOT_AVAILABLE, DatasetMeta, Method, VariableMeta

SAS_EPOCH = pd.Timestamp("1960-01-01")
BDS = "Basic Data Structure"
ADSL = "Subject-Level Analysis Dataset"


def _data_columns(frame: pd.DataFrame, dataset: str) -> list[tuple[str, Any]]:
    """(name, column key) of the columns to write: working columns (``__src_file`` ...) are left out."""
    names = [str(c) for c in frame.columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise fatal("package-column-duplicate", f"column {repeated[0]} appears more than once",
                    dataset=dataset, variable=repeated[0])
    return [(str(c), c) for c in frame.columns if not str(c).startswith("__")]


def _iso(values: pd.Series) -> pd.Series:
    """Dates (all at midnight) as ``YYYY-MM-DD``, else ``YYYY-MM-DDThh:mm:ss``; missing → ""."""
    stamps = pd.to_datetime(values)
    dates_only = bool((stamps.dropna() == stamps.dropna().dt.normalize()).all())
    text = stamps.dt.strftime("%Y-%m-%d" if dates_only else "%Y-%m-%dT%H:%M:%S")
    return text.astype("string").fillna("").astype(str)


def as_char(values: pd.Series) -> pd.Series:
    """A column as XPT Char text: text kept (missing → ""), numbers as their shortest text, dates ISO 8601."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return _iso(values)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return number_text(values)
    return values.astype("string").fillna("").astype(str)


def as_num(values: pd.Series, dataset: str, variable: str) -> pd.Series:
    """A column as XPT Num (float64). Text must be numbers or blank; anything else is a fatal error."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    if pd.api.types.is_numeric_dtype(values):
        return pd.to_numeric(values).astype("float64")
    text = values.astype("string").fillna("").str.strip()
    num = pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")
    bad = num.isna() & (text != "")
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise fatal("frame-value-not-numeric",
                    "numeric variable (Num in SDTMIG) holds text that is not a number",
                    dataset=dataset, variable=variable, row=pos + 1, value=str(text.iloc[pos]))
    return num


def _sas_number(values: pd.Series, name: str) -> pd.Series:
    """ADaM dates: ``*DT`` → days since 1960-01-01, ``*DTM`` → seconds, ``*TM`` → seconds of the day."""
    stamps = pd.to_datetime(values)
    if name.endswith("DTM"):
        return (stamps - SAS_EPOCH).dt.total_seconds()
    if name.endswith("TM"):
        return (stamps - stamps.dt.normalize()).dt.total_seconds()
    return np.floor((stamps - SAS_EPOCH).dt.total_seconds() / 86400)


def sdtm_keys(name: str, columns: list[str], domain: str) -> list[str]:
    """The dataset's keys: those of the shipped row schema present in the frame, else STUDYID, USUBJID, --SEQ."""
    from sdtm_convert.rowschema import load_schema

    try:
        keys = list(load_schema(name).get("x-keys", []))
    except KeyError:
        keys = ["STUDYID", "USUBJID", f"{domain[:2]}SEQ"]
    return [k for k in keys if k in columns]


def sdtm_metadata(name: str, frame: pd.DataFrame, origins: Mapping[str, dict[str, Any]] | None = None,
                  *, derivations: bool = False, label: str | None = None) -> tuple[pd.DataFrame, DatasetMeta]:
    """The typed frame and its :class:`DatasetMeta` for one SDTM dataset (``DM``, ``SUPPAE``, ``LBCH``...).

    ``origins``: the mapping spec's variable rows by target name; ``derivations``: the frame came from this
    tool's derivations (their methods are described in define.xml)."""
    from sdtm_convert.metadata import dataset_domain
    from sdtm_convert.sdtm.conform import dataset_label, standard_variables, variable_meta
    from sdtm_convert.sdtm.valuelevel import findings_value_level

    name = name.upper()
    domain = dataset_domain(name, frame)
    pairs = _data_columns(frame, name)
    columns = [name for name, _ in pairs]
    std = standard_variables(domain, columns)
    std = std.assign(name=std["name"].str.replace("--", domain[:2], regex=False))
    rows = {r["name"]: r for r in std.to_dict("records")}
    data = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    variables: list[VariableMeta] = []
    methods: list[Method] = []
    for col, values in pairs:
        series = frame[values].reset_index(drop=True)
        row = rows.get(col)
        num = row["type"] == "Num" if row is not None else (
            pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series))
        data[col] = as_num(series, name, col) if num else as_char(series)
        variables.append(variable_meta(domain, col, data[col], row, (origins or {}).get(col), methods,
                                       derivations=derivations))
    std_label, klass, structure = dataset_label(domain)
    meta = DatasetMeta(name=name, label=label or std_label, class_=klass, structure=structure,
                       keys=sdtm_keys(name, columns, domain), variables=variables, methods=methods,
                       records=len(data))
    findings_value_level(domain, data, meta)
    return data, meta


def adam_structure(name: str, columns: list[str]) -> tuple[str, str, str, list[str]]:
    """ADaMIG structure (for labels), Define-XML class, structure text and keys of a user's ADaM dataset."""
    present: list[str] = [c for c in ("STUDYID", "USUBJID") if c in columns]
    if name == "ADSL":
        return ADSL, "SUBJECT LEVEL ANALYSIS DATASET", "One record per subject", present
    if "PARAMCD" in columns:
        keys: list[str] = present + [c for c in ("PARAMCD", "AVISITN", "ADT", "ASEQ") if c in columns]
        return BDS, "BASIC DATA STRUCTURE", "One or more records per subject per analysis parameter", keys
    return BDS, "OCCURRENCE DATA STRUCTURE", "One record per subject per occurrence", present + [c for c in ("ASEQ",) if c in columns]


def adam_metadata(name: str, frame: pd.DataFrame, *, label: str | None = None) -> tuple[pd.DataFrame, DatasetMeta]:
    """The typed frame and its :class:`DatasetMeta` for one ADaM dataset a user built.

    No origin is claimed: variables are ``Not Available`` unless a label table says otherwise."""
    from sdtm_convert.adam.meta import _variable

    name = name.upper()
    pairs = _data_columns(frame, name)
    columns = [name for name, _ in pairs]
    structure, klass, text, keys = adam_structure(name, columns)
    data = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    variables = []
    for col, values in pairs:
        series = frame[values].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(series):
            series = _sas_number(series, col)
        elif pd.api.types.is_bool_dtype(series):
            series = series.astype("float64")
        numeric = pd.api.types.is_numeric_dtype(series)
        data[col] = pd.to_numeric(series).astype("float64") if numeric else as_char(series)
        var = _variable(name, col, data[col], "QS", structure)
        var.origin_type, var.origin_source, var.method_id, var.source = NOT_AVAILABLE, None, None, None
        if var.name.endswith("TM") and not var.name.endswith("DTM") and numeric:
            var.display_format = "TIME8."
        variables.append(var)
    meta = DatasetMeta(name=name, label=label or (ADSL if name == "ADSL" else name), class_=klass, structure=text,
                       keys=keys, variables=variables, standard="ADaMIG 1.3", records=len(data))
    return data, meta
