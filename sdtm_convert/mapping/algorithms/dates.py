"""Dates: ``assign_datetime`` (an EDC date, and optionally a time, to ISO 8601; partial dates kept partial)."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.common import edc_dates as dates
from sdtm_convert.errors import ERROR
from sdtm_convert.mapping.algorithms._base import Algorithm, register
from sdtm_convert.mapping.algorithms._common import collected_comment, input_column, input_text, row_issues, text
from sdtm_convert.spec.params import DATE_DEFAULTS, Column, ColumnOrTarget

DEFAULT_FORMAT = DATE_DEFAULTS["format"].default


def _assign_datetime(frame, var, env):
    raw = input_text(frame, var["date"], env)
    fmt = var.get("format", DEFAULT_FORMAT)  # one format, or a list tried in order (full, then partial forms)
    iso, problem = dates.edc_to_iso_any(raw, fmt, var.get("unknown"))
    issues = []
    for code in (dates.INVALID, dates.TWO_DIGIT_YEAR, dates.NONEXISTENT):
        mask = problem == code
        msg = {
            dates.INVALID: "not a valid date in format " + (fmt if isinstance(fmt, str) else " or ".join(fmt)) + "; left empty",
            dates.TWO_DIGIT_YEAR: "two-digit year is ambiguous; left empty",
            dates.NONEXISTENT: "date does not exist in the calendar; left empty",
        }[code]
        issues += row_issues(frame, mask, code, ERROR, msg, column=input_column(var["date"]), env=env,
                             variable=var["target"], values=raw)
    if "time" in var:
        iso, tprob = dates.add_time(pd.Series(iso, index=frame.index), text(frame, var["time"]))
        issues += row_issues(frame, tprob == dates.TIME_INVALID, "time-invalid", ERROR, "not a valid time hh:mm; time left out",
                             column=var["time"], env=env, variable=var["target"])
    return pd.Series(iso, index=frame.index, dtype=object).astype(str), issues


def _date_comment(row):
    fmt = row.get("format", DEFAULT_FORMAT)
    return collected_comment(row, f"EDC date ({fmt if isinstance(fmt, str) else ' or '.join(fmt)}) converted to ISO 8601, "
                                  "partial dates kept partial")


register(Algorithm(
    name="assign_datetime", origin="Collected", run=_assign_datetime, describe=_date_comment,
    summary="An EDC date (and optional time) converted to ISO 8601; unknown parts kept unknown (partial dates).",
    params={"date": ColumnOrTarget(required=True, doc="the raw date column, or {target: NAME} (an earlier target)"),
            **DATE_DEFAULTS,
            "time": Column(doc="the raw time column (hh:mm or hh:mm:ss), appended to complete dates")},
    emits=(dates.INVALID, dates.TWO_DIGIT_YEAR, dates.NONEXISTENT, dates.TIME_INVALID),
    example={"target": "--STDTC", "algorithm": "assign_datetime", "date": "AESTDAT", "format": "DD MON YYYY"},
))
