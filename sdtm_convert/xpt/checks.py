"""Pre-write checks for SAS XPT v5 (FDA/CDISC technical rules), vectorised over columns.

pyreadstat writes >200-byte and non-ASCII values, numbers ≥ 2**249 (as the IBM maximum, read back as
infinity) and labels over 40 characters (silently truncated) without complaint, and a reader cannot tell
trailing all-blank records shorter than 80 bytes from padding (pyreadstat before 1.3.8 also dropped longer
ones); these checks are the guard. Codes (severity error unless noted):

``xpt-name-invalid`` dataset/variable name · ``xpt-label-missing`` · ``xpt-label-too-long`` ·
``xpt-label-unbalanced`` (warning) · ``xpt-non-ascii`` label or value · ``xpt-value-too-long`` ·
``xpt-trailing-blanks`` (warning: removed on write) · ``xpt-type-mismatch`` · ``xpt-number-out-of-range``
· ``xpt-number-underflow`` (warning: written as 0) · ``xpt-column-mismatch`` · ``xpt-format-invalid`` ·
``xpt-blank-last-record``.

Cell issues carry ``extra["record"]`` = 1-based record in the dataset and ``value``; ``file``/``row`` = the raw
source when the frame still has provenance columns, else ``file`` = the XPT file (when the writer names it),
``row`` = the record and ``column`` = the variable. At most
``MAX_CELL_ISSUES`` per variable and code, then one summary issue with ``extra["count"]``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..errors import ERROR, WARNING, Issue
from ..metadata import DatasetMeta, VariableMeta
from .fold import ascii_fold
from .frame import FILE_COL, ROW_COL, char_text, char_values, data_columns
from .ibm import IBM_MIN
from .meta_checks import NON_ASCII, check_columns, check_dataset, check_variables

__all__ = ["ascii_fold", "check_frame"]

MAX_VALUE_BYTES = 200
# pyreadstat 1.3.7 writes every |x| >= 2**249 (~9.046e74, below the IBM maximum ~7.237e75) as the IBM
# maximum 0x7FFFFFFFFFFFFFFF and reads that back as infinity (measured): the usable range ends there.
NUM_LIMIT = 2.0**249
MAX_CELL_ISSUES = 20
OUTPUT_ENCODING = "utf-8"  # pyreadstat encodes text as UTF-8; with ASCII enforced bytes == characters


def check_frame(df: pd.DataFrame, meta: DatasetMeta, file: str | None = None) -> list[Issue]:
    """All pre-write issues for ``df`` written as ``meta`` (columns starting ``__`` are provenance) to the XPT
    file named ``file`` (named in the cell issues of a frame without provenance)."""
    issues = check_dataset(meta) + check_variables(meta) + check_columns(df, meta)
    present = set(data_columns(df))
    for v in meta.variables:
        if v.name in present:
            issues += _check_char(df, v, meta.name) if v.type == "Char" else _check_num(df, v, meta.name)
    issues += _check_blank_last_record(df, meta)
    return [_in_file(i, file) for i in issues] if file and not (FILE_COL in df.columns and ROW_COL in df.columns) \
        else issues


def _in_file(issue: Issue, file: str) -> Issue:
    """An issue of a frame without provenance: in the XPT file ``file``, column = variable, ``extra["record"]``."""
    if issue.file is not None:
        return issue
    extra = {**issue.extra, "record": issue.row} if issue.row is not None else issue.extra
    return replace(issue, file=file, column=issue.variable, extra=extra)


def _err(code: str, message: str, severity: str = ERROR, **where) -> Issue:
    return Issue(code, severity, message, **where)


def _check_char(df: pd.DataFrame, v: VariableMeta, dataset: str) -> list[Issue]:
    s = df[v.name]
    if _not_text(s):
        msg = f"Char variable holds non-text values (dtype {s.dtype})"
        return [_err("xpt-type-mismatch", msg, dataset=dataset, variable=v.name)]
    # every test runs once per distinct value and is spread back to the cells by the factor codes
    codes, uniq = pd.factorize(char_text(s), use_na_sentinel=False)
    raw = pd.Series(uniq, dtype="str")
    text = raw.str.rstrip(" ")
    non_ascii = _non_ascii(text)
    nbytes = text.str.len().to_numpy(copy=True)
    if non_ascii.any():  # only non-ASCII values have more bytes than characters
        nbytes[non_ascii] = text[non_ascii].str.encode(OUTPUT_ENCODING).str.len().to_numpy()
    too_long = nbytes > MAX_VALUE_BYTES
    issues: list[Issue] = []
    if non_ascii.any() or too_long.any():
        cells = text.to_numpy(dtype=object)[codes]
        issues += _cells(df, cells, non_ascii[codes], "xpt-non-ascii", "value is not ASCII", dataset, v.name)
        issues += _cells(df, cells, too_long[codes], "xpt-value-too-long", f"longer than {MAX_VALUE_BYTES} bytes",
                         dataset, v.name)
    ends_blank = (raw.str.len().to_numpy() != text.str.len().to_numpy()) & (text != "").to_numpy()
    trailing = int(np.bincount(codes, minlength=len(uniq))[ends_blank].sum()) if len(uniq) else 0
    if trailing:
        msg = f"{trailing} values end in blanks; XPT cannot keep trailing blanks, they are removed"
        issues.append(
            _err("xpt-trailing-blanks", msg, WARNING, dataset=dataset, variable=v.name, extra={"count": trailing})
        )
    return issues


def _non_ascii(text: pd.Series) -> np.ndarray:
    """``text.str.contains(NON_ASCII)`` (any character above 0x7F) without a regex: ``str.isascii``."""
    if hasattr(text.str, "isascii"):
        return ~text.str.isascii().to_numpy(dtype=bool)
    return text.str.contains(NON_ASCII, regex=True).to_numpy(dtype=bool)  # pragma: no cover - pandas < 3


def _not_text(s: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return True
    return bool(s.notna().any()) and pd.api.types.infer_dtype(s, skipna=True) not in ("string", "empty")


def _check_num(df: pd.DataFrame, v: VariableMeta, dataset: str) -> list[Issue]:
    s = df[v.name]
    if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        return [
            _err(
                "xpt-type-mismatch",
                f"Num variable must have a numeric dtype, not {s.dtype}",
                dataset=dataset,
                variable=v.name,
            )
        ]
    if pd.api.types.is_integer_dtype(s.dtype):
        big = (s.abs() > 2**53).fillna(False).to_numpy(dtype=bool)  # compared as integers, exactly
        return _cells(
            df, s.to_numpy(dtype=object), big, "xpt-number-out-of-range", "integer beyond 2**53 is not exact as a double", dataset, v.name
        )
    x = s.to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        huge = np.abs(x) >= NUM_LIMIT
        tiny = (x != 0) & (np.abs(x) < IBM_MIN)
    issues = _cells(
        df,
        x,
        huge,
        "xpt-number-out-of-range",
        "|value| >= 2**249 (~9.05e74) or infinite is not stored faithfully (pyreadstat writes the IBM maximum)",
        dataset,
        v.name,
    )
    return issues + _cells(
        df, x, tiny, "xpt-number-underflow", "|value| < 16**-65 is written as 0", dataset, v.name, WARNING
    )


def _check_blank_last_record(df: pd.DataFrame, meta: DatasetMeta) -> list[Issue]:
    """An all-blank last record (all-Char datasets only) is read back as padding and lost."""
    cols = [v.name for v in meta.variables if v.name in df.columns]
    if not len(df) or not cols or any(meta.variable(c).type != "Char" for c in cols):
        return []
    last = df[cols].iloc[[-1]]
    if any(char_values(last[c]).iat[0] for c in cols):
        return []
    where = _where(df, len(df) - 1)
    msg = "last record is blank in every (Char) variable; readers take it as padding and drop it"
    return [_err("xpt-blank-last-record", msg, dataset=meta.name, **where)]


def _cells(df, values: np.ndarray, mask, code, message, dataset, variable, severity=ERROR) -> list[Issue]:
    idx = np.flatnonzero(mask)
    issues = [
        _err(code, message, severity, dataset=dataset, variable=variable, value=str(values[i]), **_where(df, i))
        for i in idx[:MAX_CELL_ISSUES]
    ]
    if len(idx) > MAX_CELL_ISSUES:
        more = len(idx) - MAX_CELL_ISSUES
        issues.append(
            _err(
                code,
                f"{message}: {more} more values",
                severity,
                dataset=dataset,
                variable=variable,
                extra={"count": more},
            )
        )
    return issues


def _where(df: pd.DataFrame, i: int) -> dict:
    where: dict = {"row": int(i) + 1}
    if FILE_COL in df.columns and ROW_COL in df.columns and pd.notna(df[ROW_COL].iat[i]):
        where = {"file": str(df[FILE_COL].iat[i]), "row": int(df[ROW_COL].iat[i]), "extra": {"record": int(i) + 1}}
    if "USUBJID" in df.columns:
        where["usubjid"] = str(df["USUBJID"].iat[i])
    return where
