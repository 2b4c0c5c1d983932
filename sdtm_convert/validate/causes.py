"""Root causes: one key per finding naming what several findings have in common, so that the Issue Summary
shows a cause once with its count (the Details keep every record).

A rule may attach its own cause (``Hits(cause=...)``); otherwise :func:`causes` derives one for the known
classes below. A cause matters only when it explains two findings or more
(:meth:`~sdtm_convert.validate.report.ValidationReport.issue_summary`):

* a CT term outside its codelist, in every dataset and variable that uses it (SC-CT-001/002: per-term findings);
* a define.xml length of one variable, across the datasets that carry it (SC-META-007: the data lengths differ);
* a variable's label in the data, across datasets and the two label rules (SC-META-006 against define.xml,
  SC-META-009 against the SDTMIG);
* a DM arm code that is an exception value (SCRNFAIL, NOTASSGN, NOTTRT, UNPLAN) in another case, across the
  rules it trips for that subject.
"""

from __future__ import annotations

import pandas as pd

from sdtm_convert.validate.helpers import ARM_EXCEPTIONS
from sdtm_convert.validate.model import Package

_ARM_VARS = ("ARMCD", "ACTARMCD")
_ARM_FAMILY = ("ARM", "ARMCD", "ACTARM", "ACTARMCD", "USUBJID")  # DM variables a wrong arm code shows in
_PER_TERM = ("SC-CT-001", "SC-CT-002")
_DEFINE_LENGTH = "SC-META-007"
_LABELS = ("SC-META-006", "SC-META-009")


def _ct_term(f: pd.DataFrame) -> pd.Series:
    """The term and its codelist (named in the message); else the term and the message without its count."""
    term = "term '" + f["value"].astype(str) + "'"
    codelist = f["message"].str.extract(r"codelist (\S+)", expand=False)
    other = term + ": " + f["message"].astype(str).str.replace(r", \d+ records?$", "", regex=True)
    return (term + " not in codelist " + codelist).where(codelist.notna(), other)


def _define_length(f: pd.DataFrame) -> pd.Series:
    length = f["value"].astype(str).str.extract(r"define (\d+)", expand=False)
    return ("define.xml length " + length + " of " + f["variable"].astype(str)).where(length.notna())


def _data_label(f: pd.DataFrame) -> pd.Series:
    """The label in the data, from "data 'X', define 'Y'" (SC-META-006) or "'X' (SDTMIG: 'Y')" (SC-META-009)."""
    label = f["value"].astype(str).str.extract(r"^(?:data )?'(.*?)'(?:, define '| \(SDTMIG: ')", expand=False)
    return (f["variable"].astype(str) + " labelled '" + label + "' in the data").where(label.notna())


def _arm_case(f: pd.DataFrame, pkg: Package | None) -> pd.Series:
    """DM findings on the arm variables of a subject whose ARMCD/ACTARMCD is an exception value in another
    case ('Scrnfail'): every such finding has that one cause."""
    out = pd.Series(None, index=f.index, dtype=object)
    if pkg is None:
        return out
    for ds in pkg.by_domain("DM"):
        frame = ds.frame
        if "USUBJID" not in frame.columns:
            continue
        for var in _ARM_VARS:
            if var not in frame.columns:
                continue
            s = frame[var].astype(str)
            odd = s.str.upper().isin(ARM_EXCEPTIONS) & ~s.isin(ARM_EXCEPTIONS)
            if not odd.any():
                continue
            why = {u: f"DM.{var} '{v}' is exception value '{v.upper()}' in another case"
                   for u, v in zip(frame["USUBJID"][odd], s[odd])}
            hit = (f["dataset"] == ds.name) & f["variable"].isin(_ARM_FAMILY) & f["usubjid"].isin(why) & out.isna()
            out[hit] = f.loc[hit, "usubjid"].map(why)
    return out


def causes(findings: pd.DataFrame, pkg: Package | None = None) -> pd.Series:
    """The cause of each finding (None where none is known): the rule's own (``cause`` column), else derived."""
    f = findings
    own = f["cause"] if "cause" in f.columns else pd.Series(None, index=f.index, dtype=object)
    out = own.astype(object).where(own.notna(), None)
    if not len(f):
        return out
    todo = out.isna()
    arm = _arm_case(f[todo], pkg)
    out[arm.index] = out[arm.index].where(arm.isna(), arm)
    for mask, derive in (
        (f["rule"].isin(_PER_TERM), _ct_term),
        (f["rule"] == _DEFINE_LENGTH, _define_length),
        (f["rule"].isin(_LABELS), _data_label),
    ):
        m = mask & out.isna()
        if m.any():
            sub = f[m]
            derived = derive(sub)
            out[sub.index] = derived.where(derived.notna(), None)
    return out
