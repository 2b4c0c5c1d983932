"""The datasets of a folder as frames, whatever their format: XPT v5, Dataset-JSON (.json, .ndjson, .dsjc) or
CSV (one file per dataset, ``adsl.csv`` or ``adsl.csv.gz``), for ``sdtm-convert diff``.

One file per dataset name, XPT first, then Dataset-JSON, then CSV. A ``.json`` file is a dataset only when
it says so (its start names ``datasetJSONVersion``), and CSV files are read only from a folder that holds no
XPT or Dataset-JSON dataset: a run folder's manifests and reports (``lineage-sdtm.csv``) are not datasets.
Each frame's ``attrs["temporal"]`` maps the numeric variables that hold SAS dates, datetimes or times (from
the XPT display format or the Dataset-JSON ``dataType``) to ``date``, ``datetime`` or ``time``.

A CSV file is typed by sniffing: a column whose every non-missing cell is a number (and none a number
written with a leading zero, like ``"01"``) is read as numbers, any other as text with trailing blanks
kept. Empty cells and ``NA`` (R's ``write.csv``) are missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from sdtm_convert.errors import fatal

XPT = (".xpt",)
DATASET_JSON = (".json", ".ndjson", ".dsjc")
CSV = (".csv", ".csv.gz")
ORDER = XPT + DATASET_JSON + CSV  # the file read when a dataset is there in more than one format
_LEADING_ZERO = re.compile(r"^[+-]?0\d")


def suffix_of(path: Path) -> str:
    """The file's dataset suffix (``.csv.gz`` counts as one), lower-case; "" when it is none of ours."""
    name = path.name.lower()
    return next((s for s in sorted(ORDER, key=len, reverse=True) if name.endswith(s)), "")


def dataset_name(path: Path) -> str:
    """``ADSL`` from ``adsl.csv.gz``, ``AE`` from ``ae.xpt``."""
    return path.name[: len(path.name) - len(suffix_of(path))].upper()


def _is_dataset_json(path: Path) -> bool:
    if path.suffix.lower() != ".json":
        return True
    with open(path, "rb") as fh:
        return b'"datasetJSONVersion"' in fh.read(65536)


def find_datasets(root: Path) -> dict[str, Path]:
    """Dataset name → the file to read, for a folder (searched with its sub-folders) or one file."""
    if not root.exists():
        raise fatal("diff-path-missing", "package folder not found", file=str(root))
    if not root.is_dir():
        return {dataset_name(root) if suffix_of(root) else root.stem.upper(): root}
    files = sorted(p for p in root.rglob("*") if p.is_file() and suffix_of(p))
    files.sort(key=lambda p: ORDER.index(suffix_of(p)))  # stable: path order within a format
    found: dict[str, Path] = {}
    for p in files:
        if dataset_name(p) not in found and _is_dataset_json(p):
            if suffix_of(p) in CSV and any(suffix_of(q) not in CSV for q in found.values()):
                break  # CSV files are the datasets of a folder of CSV only (a run's reports/*.csv are not)
            found[dataset_name(p)] = p
    return found


def read_dataset(path: Path) -> pd.DataFrame:
    """One dataset file as a frame (text as ``str``, numbers as float64); see the module for ``attrs``."""
    suffix = suffix_of(path)
    if suffix in CSV:
        return read_csv(path)
    if suffix in DATASET_JSON:
        from sdtm_convert.package.datasetjson import TEMPORAL, read_dataset_json

        df, meta = read_dataset_json(path)
        df.attrs["temporal"] = {v.name: v.data_type for v in meta.variables
                                if v.type == "Num" and v.data_type in TEMPORAL}
        return df
    from sdtm_convert.package.datasetjson import format_kind
    from sdtm_convert.xpt import read_xpt

    df, info = read_xpt(path)
    df.attrs["temporal"] = {v.name: kind for v in info.variables
                            if v.type == "Num" and (kind := format_kind(v.format))}
    return df


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file typed by sniffing (see the module)."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["", "NA"], encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError) as e:
        raise fatal("diff-csv-unreadable", f"not a readable CSV file: {e}", file=str(path)) from None
    df = pd.DataFrame({c: _sniffed(raw[c]) for c in raw.columns}, index=raw.index)
    df.attrs["temporal"] = {}
    return df


def _sniffed(s: pd.Series) -> pd.Series:
    present = s.dropna()
    nums = pd.to_numeric(present, errors="coerce")
    if len(present) and not nums.isna().any() and not present.str.match(_LEADING_ZERO).any():
        return pd.to_numeric(s, errors="coerce").astype("float64")
    return pd.Series(np.where(s.isna(), "", s.astype(object)), index=s.index, dtype="str")
