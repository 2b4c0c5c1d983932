"""Pre-write checks of the dataset metadata (names, labels, formats) and of the frame's column set."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from ..errors import ERROR, WARNING, Issue
from ..metadata import DatasetMeta, VariableMeta
from .fold import NON_ASCII
from .frame import data_columns

MAX_LABEL = 40
DATASET_NAME = re.compile(r"[A-Z][A-Z0-9]{0,7}")
VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,7}")
FORMAT = re.compile(r"(?P<name>\$?(?:[A-Z_](?:[A-Z0-9_]*[A-Z_])?)?)(?P<width>\d*)\.(?P<dec>\d*)")


def _err(code: str, message: str, severity: str = ERROR, **where) -> Issue:
    return Issue(code, severity, message, **where)


def check_dataset(meta: DatasetMeta) -> list[Issue]:
    issues = []
    if not DATASET_NAME.fullmatch(meta.name or ""):
        issues.append(
            _err(
                "xpt-name-invalid",
                "dataset name must be 1-8 upper-case letters/digits starting with a letter",
                value=meta.name,
                dataset=meta.name,
            )
        )
    return issues + _check_label(meta.label, "dataset label", dataset=meta.name)


def _check_label(label: str | None, what: str, **where) -> list[Issue]:
    if not label or not label.strip():
        return [_err("xpt-label-missing", f"{what} is missing", **where)]
    issues = []
    if len(label) > MAX_LABEL:
        issues.append(
            _err(
                "xpt-label-too-long",
                f"{what} has {len(label)} characters (max {MAX_LABEL}; pyreadstat would truncate it)",
                value=label,
                **where,
            )
        )
    if re.search(NON_ASCII, label):
        issues.append(_err("xpt-non-ascii", f"{what} is not ASCII", value=label, **where))
    if not _balanced(label):
        issues.append(
            _err("xpt-label-unbalanced", f"{what} has unbalanced quotes or brackets", WARNING, value=label, **where)
        )
    return issues


def _balanced(text: str) -> bool:
    depth = {"(": 0, "[": 0, "{": 0}
    closing = {")": "(", "]": "[", "}": "{"}
    for ch in text:
        if ch in depth:
            depth[ch] += 1
        elif ch in closing:
            depth[closing[ch]] -= 1
            if depth[closing[ch]] < 0:
                return False
    return not any(depth.values()) and text.count('"') % 2 == 0 and text.count("'") % 2 == 0


def check_variables(meta: DatasetMeta) -> list[Issue]:
    issues = []
    for name, n in Counter(v.name for v in meta.variables).items():
        if n > 1:
            issues.append(
                _err("xpt-column-mismatch", f"variable {name} is defined {n} times", dataset=meta.name, variable=name)
            )
    for v in meta.variables:
        where = {"dataset": meta.name, "variable": v.name}
        if not VARIABLE_NAME.fullmatch(v.name or ""):
            issues.append(
                _err(
                    "xpt-name-invalid",
                    "variable name must be 1-8 upper-case letters/digits/_ starting with a letter",
                    value=v.name,
                    **where,
                )
            )
        if v.type not in ("Char", "Num"):
            issues.append(_err("xpt-type-mismatch", f"variable type must be Char or Num, not {v.type!r}", **where))
        issues += _check_label(v.label, f"label of {v.name}", **where)
        if v.display_format:
            issues += _check_format(v, where)
    return issues


def _check_format(v: VariableMeta, where: dict) -> list[Issue]:
    m = FORMAT.fullmatch(v.display_format or "")
    if not m or len(m["name"]) > 8 or m["name"].startswith("$") != (v.type == "Char"):
        msg = "display format must be NAMEw.d with a name of at most 8 characters ($ for Char variables only)"
        return [_err("xpt-format-invalid", msg, value=v.display_format, **where)]
    return []


def check_columns(df: pd.DataFrame, meta: DatasetMeta) -> list[Issue]:
    cols = [str(c) for c in data_columns(df)]
    names = [v.name for v in meta.variables]
    missing = [n for n in names if n not in cols]
    extra = [c for c in cols if c not in names]
    dup = sorted({c for c in cols if cols.count(c) > 1})
    issues = []
    for what, found in (
        ("missing from the frame", missing),
        ("not in the metadata", extra),
        ("duplicated in the frame", dup),
    ):
        if found:
            issues.append(
                _err(
                    "xpt-column-mismatch",
                    f"columns {what}: {', '.join(found)}",
                    dataset=meta.name,
                    value=", ".join(found),
                )
            )
    return issues
