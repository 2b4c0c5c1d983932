"""TSVAL checks: its text from the config value, its form for typed parameters (duration, date, whole
number), its term for coded ones, the null-flavour info and the study start date FDA requires."""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.common.provenance import SRC_ROW
from sdtm_convert.common.text import number_str
from sdtm_convert.errors import ERROR, INFO, WARNING, Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology

from ._common import DURATION_RX, issue, src_file
from .ts_params import (
    NULL_FLAVOURS,
    TS_DATE_PARAMS,
    TS_DURATION_PARAMS,
    TS_EXTERNAL_CODES,
    TS_INTEGER_PARAMS,
    TS_PARAM_CODELISTS,
)


def valid_date(text: str) -> bool:
    """A calendar date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, every part known (no time, no placeholder)."""
    p = iso8601.parse(pd.Series([text], dtype=object)).iloc[0]
    return bool(p["valid"]) and 1 <= p["precision"] <= iso8601.DATE and p["key"] == text


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and math.isfinite(value):
        return number_str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def ts_coded(parmcd: str, val: str, ct: ControlledTerminology) -> tuple[str, str, str, str | None, str]:
    """(TSVAL, TSVALCD, TSVCDREF, problem, severity) for one value of a coded parameter."""
    if parmcd in TS_PARAM_CODELISTS:
        cl = ct.codelist(TS_PARAM_CODELISTS[parmcd])
        mapped, unmatched = cl.map_values(pd.Series([val]))
        if bool(unmatched.iloc[0]):
            sev = WARNING if cl.extensible else ERROR
            return val, "", "", f"{val!r} is not a term of codelist {cl.short_name} ({cl.code})", sev
        term = str(mapped.iloc[0])
        return term, cl.code_of(term) or "", "CDISC CT", None, ""
    if parmcd in TS_EXTERNAL_CODES:
        ref, rx = TS_EXTERNAL_CODES[parmcd]
        if not re.fullmatch(rx, val):
            return val, "", "", f"{val!r} is not a {ref} code", ERROR
        return val, val, ref, None, ""
    return val, "", "", None, ""


def ts_value_problem(parmcd: str, val: str) -> tuple[str, str] | None:
    """(issue code, message) when the value of a typed parameter is malformed."""
    if parmcd in TS_DURATION_PARAMS and not DURATION_RX.match(val):
        return "iso8601-invalid", f"{parmcd} must be an ISO 8601 duration (e.g. P18Y, P12W)"
    if parmcd in TS_DATE_PARAMS and not valid_date(val):
        return "iso8601-invalid", f"{parmcd} must be an ISO 8601 date (YYYY-MM-DD)"
    if parmcd in TS_INTEGER_PARAMS and not re.fullmatch(r"[0-9]+", val):
        return "ts-value-invalid", f"{parmcd} must be a whole number"
    return None


def null_flavour_issue(item: dict[str, Any], parmcd: str, valnf: str, study: StudyConfig, idx: int) -> Issue:
    """Info for the conversion report: a parameter given with no value, its null flavour and the spec's reason."""
    reason = str(item.get("reason") or "").strip()
    why = f": {reason}" if reason else " (the spec gives no reason)"
    return issue(
        "ts-value-null-flavour",
        INFO,
        f"{parmcd} has no value, TSVALNF {valnf} ({NULL_FLAVOURS[valnf]}){why}",
        study,
        idx,
        "TS",
        "TSVALNF",
        valnf,
    )


def check_sstdtc(records: list[dict[str, Any]], study: StudyConfig, issues: list[Issue]) -> None:
    """FDA technical rejection criterion 1734: TS must hold a valid ISO 8601 study start date."""
    starts = [r for r in records if r["TSPARMCD"] == "SSTDTC"]
    if not starts:
        issues.append(
            Issue(
                "ts-sstdtc-missing",
                ERROR,
                "TS has no SSTDTC (study start date); FDA rejects the submission (technical rejection criterion 1734)",
                file=src_file(study),
                dataset="TS",
                variable="TSVAL",
            )
        )
        return
    for r in starts:
        if not valid_date(r.get("TSVAL", "")):
            issues.append(
                issue(
                    "ts-sstdtc-missing",
                    ERROR,
                    "SSTDTC must be an ISO 8601 date (YYYY-MM-DD); FDA technical rejection criterion 1734",
                    study,
                    r[SRC_ROW],
                    "TS",
                    "TSVAL",
                    r.get("TSVAL", ""),
                )
            )
