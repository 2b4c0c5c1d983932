"""Consistency within one record of a general-class dataset: a variable expected when another is populated,
start timing of an event, doses and durations not negative, duplicate event records (Pinnacle 21 SDTM ids).
Each rule's docstring starts with the Pinnacle 21 Community 2.2.0 message and description it implements."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from sdtm_convert.validate.helpers import has_columns as _has
from sdtm_convert.validate.helpers import present, to_number
from sdtm_convert.validate.registry import Hits, rule


def _needs(ctx, target: str, when: str, equals: str = "") -> Iterator[Hits]:
    """--``target`` empty on records where --``when`` is populated (or, with ``equals``, holds that value)."""
    for ds in ctx.general():
        p = ds.parent
        t, w = p + target, p + when
        if _has(ds, t, w):
            f = ds.frame
            cond = (f[w] == equals) if equals else present(f[w])
            yield Hits(ds.name, t, cond & ~present(f[t]), values=f[w])


@rule("SC-CONS-038", category="consistency", p21="SD0023", per_dataset=True)
def stat_when_reasnd(ctx) -> Iterator[Hits]:
    """P21 SD0023 "Missing value for --STAT, when --REASND is provided": Completion Status (--STAT) should be
    set to 'NOT DONE', when Reason Not Done (--REASND) is populated."""
    yield from _needs(ctx, "STAT", "REASND")


@rule("SC-CONS-039", category="consistency", p21="SD1124", per_dataset=True)
def reasnd_when_not_done(ctx) -> Iterator[Hits]:
    """P21 SD1124 "Missing value for --REASND, when --STAT is 'NOT DONE'": Value of Reason Not Done (--REASND)
    variable should be populated, when Status (--STAT) variable value is 'NOT DONE'."""
    yield from _needs(ctx, "REASND", "STAT", equals="NOT DONE")


@rule("SC-CONS-040", category="consistency", p21="SD0024", per_dataset=True)
def dtc_when_endtc(ctx) -> Iterator[Hits]:
    """P21 SD0024 "Missing value for --DTC, when --ENDTC is provided": Date/Time of Collection (--DTC) should not
    be NULL, when End Date/Time of Observation (--ENDTC) is not NULL."""
    yield from _needs(ctx, "DTC", "ENDTC")


@rule("SC-CONS-041", category="consistency", p21="SD0032", per_dataset=True)
def tpt_when_tptnum(ctx) -> Iterator[Hits]:
    """P21 SD0032 "Missing value for --TPT, when --TPTNUM is provided": Planned Time Point Name (--TPT) should
    not be NULL, when Planned Time Point Number (--TPTNUM) is populated."""
    yield from _needs(ctx, "TPT", "TPTNUM")


@rule("SC-CONS-042", category="consistency", p21="SD0033", per_dataset=True)
def tptnum_when_tpt(ctx) -> Iterator[Hits]:
    """P21 SD0033 "Missing value for --TPTNUM, when --TPT is provided": Planned Time Point Number (--TPTNUM)
    should not be NULL, when Planned Time Point Name (--TPT) is populated."""
    yield from _needs(ctx, "TPTNUM", "TPT")


@rule("SC-CONS-043", category="consistency", p21="SD0034", per_dataset=True)
def tptref_when_eltm(ctx) -> Iterator[Hits]:
    """P21 SD0034 "Missing value for --TPTREF, when --ELTM is provided": Time Point Reference (--TPTREF) should
    not be NULL, when Planned Elapsed Time from Time Point Ref (--ELTM) is populated."""
    yield from _needs(ctx, "TPTREF", "ELTM")


@rule("SC-CONS-044", category="consistency", p21="SD1098", per_dataset=True)
def cat_when_scat(ctx) -> Iterator[Hits]:
    """P21 SD1098 "Missing --CAT value, when --SCAT value is populated": Value for Category (--CAT) variable
    should be populated, when value for Subcategory (--SCAT) variable is populated."""
    yield from _needs(ctx, "CAT", "SCAT")


@rule("SC-CONS-045", category="consistency", p21="SD1036", per_dataset=True)
def toxgr_when_tox(ctx) -> Iterator[Hits]:
    """P21 SD1036 "Missing value for --TOXGR, when --TOX is populated": Toxicity Grade (--TOXGR) should be
    provided, when Toxicity (--TOX) is populated."""
    yield from _needs(ctx, "TOXGR", "TOX")


@rule("SC-CONS-046", category="consistency", p21="SD1037", per_dataset=True)
def tox_when_toxgr(ctx) -> Iterator[Hits]:
    """P21 SD1037 "Missing value for --TOX, when --TOXGR is populated": A value for a Toxicity (--TOX) variable
    should be provided, when a Toxicity Grade (--TOXGR) variable value is populated and greater than 0."""
    for ds in ctx.general():
        t, g = ds.parent + "TOX", ds.parent + "TOXGR"
        if _has(ds, t, g):
            f = ds.frame
            yield Hits(ds.name, t, (to_number(f[g]) > 0) & ~present(f[t]), values=f[g])


@rule("SC-CONS-047", category="consistency", p21="SD0049", per_dataset=True)
def sttpt_when_strtpt(ctx) -> Iterator[Hits]:
    """P21 SD0049 "Missing value for --STTPT, when --STRTPT is populated": Start Reference Time Point (--STTPT)
    must not be NULL, when Start Relative to Reference Time Point (--STRTPT) is provided."""
    yield from _needs(ctx, "STTPT", "STRTPT")


@rule("SC-CONS-048", category="consistency", p21="SD0050", per_dataset=True)
def entpt_when_enrtpt(ctx) -> Iterator[Hits]:
    """P21 SD0050 "Missing value for --ENTPT, when --ENRTPT is populated": End Reference Time Point (--ENTPT)
    must not be NULL, when End Relative to Reference Time Point (--ENRTPT) is provided."""
    yield from _needs(ctx, "ENTPT", "ENRTPT")


@rule("SC-CONS-049", category="consistency", p21="SD0016", per_dataset=True)
def stresc_when_derived(ctx) -> Iterator[Hits]:
    """P21 SD0016 "Missing value for --STRESC, when --DRVFL='Y'": Character Result/Finding in Std Format
    (--STRESC) value should not be NULL, when Derived Flag (--DRVFL) value is 'Y'."""
    yield from _needs(ctx, "STRESC", "DRVFL", equals="Y")


@rule("SC-CONS-050", category="consistency", p21="SD0045", per_dataset=True)
def stresc_when_rescat(ctx) -> Iterator[Hits]:
    """P21 SD0045 "Missing value for --STRESC, when --RESCAT is populated": Character Result/Finding in Std Units
    (--STRESC) should be provided, when Result Category (--RESCAT) is specified."""
    yield from _needs(ctx, "STRESC", "RESCAT")


@rule("SC-CONS-051", category="consistency", p21="SD0035", per_dataset=True)
def dosu_when_dose(ctx) -> Iterator[Hits]:
    """P21 SD0035 "Missing value for --DOSU, when --DOSE, --DOSTXT or --DOSTOT is provided": Dose Units (--DOSU)
    must be populated, when Dose per Administration (--DOSE), Dose Description (--DOSTXT) or Total Daily Dose
    (--DOSTOT) is provided."""
    for ds in ctx.general():
        p = ds.parent
        doses = [p + v for v in ("DOSE", "DOSTXT", "DOSTOT") if p + v in ds.columns]
        if _has(ds, p + "DOSU") and doses:
            f = ds.frame
            given = pd.Series(False, index=f.index)
            for c in doses:
                given |= present(f[c])
            yield Hits(ds.name, p + "DOSU", given & ~present(f[p + "DOSU"]))


@rule("SC-CONS-052", category="consistency", p21="SD1047", per_dataset=True)
def dose_and_dostxt(ctx) -> Iterator[Hits]:
    """P21 SD1047 "Both --DOSE and --DOSTXT values are populated": Only one of Dose (--DOSE) or Dose Description
    (--DOSTXT) variables must be populated on the same record."""
    for ds in ctx.general():
        d, t = ds.parent + "DOSE", ds.parent + "DOSTXT"
        if _has(ds, d, t):
            yield Hits(ds.name, t, present(ds.frame[d]) & present(ds.frame[t]))


@rule("SC-CONS-053", category="consistency", p21="SD0047", per_dataset=True)
def orres_missing_without_reason(ctx) -> Iterator[Hits]:
    """P21 SD0047 "Missing value for --ORRES, when --STAT or --DRVFL is not populated": Status (--STAT) should be
    set to 'NOT DONE' or Derived Flag (--DRVFL) should have a value of 'Y', when Result or Finding in Original
    Units (--ORRES) is NULL.

    Findings datasets."""
    for ds in ctx.general():
        p = ds.parent
        if ctx.klass(ds) != "Findings" or not _has(ds, p + "ORRES"):
            continue
        f = ds.frame
        bad = ~present(f[p + "ORRES"])
        if p + "STAT" in f.columns:
            bad &= f[p + "STAT"] != "NOT DONE"
        if p + "DRVFL" in f.columns:
            bad &= f[p + "DRVFL"] != "Y"
        yield Hits(ds.name, p + "ORRES", bad)


_START_TIMING = ("STDTC", "STRF", "STRTPT")


@rule("SC-CONS-054", category="consistency", p21="SD0022", per_dataset=True)
def start_timing_missing(ctx) -> Iterator[Hits]:
    """P21 SD0022 "Missing Start Time-Point value": One of Start Time-Point variables values is expected to be
    populated when an event an intervention occurred. (E.g., one of Start Date/Time of Event or Intervention
    (--STDTC), Start Relative to Reference Period (--STRF), and Start Relative to Reference Period (--STRTPT)
    variables values should not be missing, or Occurrence (--OCCUR) variable value should be 'N').

    As SD0021 (SC-CONS-037): Events and Interventions datasets that carry one of the start variables; a record
    with --OCCUR = 'N' or a --STAT value records no event."""
    for ds in ctx.general():
        p = ds.parent
        starts = [p + v for v in _START_TIMING if p + v in ds.columns]
        if ctx.klass(ds) not in ("Events", "Interventions") or not starts:
            continue
        f = ds.frame
        bad = pd.Series(True, index=f.index)
        for c in starts:
            bad &= ~present(f[c])
        if p + "OCCUR" in f.columns:
            bad &= f[p + "OCCUR"] != "N"
        if p + "STAT" in f.columns:
            bad &= ~present(f[p + "STAT"])
        yield Hits(ds.name, starts[0], bad)


@rule("SC-CONS-055", category="consistency", p21="SD0014", per_dataset=True)
def negative_dose(ctx) -> Iterator[Hits]:
    """P21 SD0014 "Negative value for --DOSE": Non-missing Dose (--DOSE) value must be greater than or equal
    to 0."""
    for ds in ctx.general():
        d = ds.parent + "DOSE"
        if _has(ds, d):
            yield Hits(ds.name, d, to_number(ds.frame[d]) < 0)


@rule("SC-CONS-056", category="consistency", p21="SD0015", per_dataset=True)
def negative_duration(ctx) -> Iterator[Hits]:
    """P21 SD0015 "Negative value for --DUR": Non-missing Duration of Event, Exposure or Observation (--DUR) value
    must be greater than or equal to 0 (an ISO 8601 duration written with a leading minus sign)."""
    for ds in ctx.general():
        d = ds.parent + "DUR"
        if _has(ds, d) and not ds.is_numeric(d):
            yield Hits(ds.name, d, ds.rows_where(d, lambda u: u.str.strip().str.startswith("-")))


@rule("SC-CONS-057", category="consistency", p21="SD1201", per_dataset=True)
def duplicate_events(ctx) -> Iterator[Hits]:
    """P21 SD1201 "Duplicate records in domain": The structure of Events class domains should be one records per
    Event per subject. No Events with the same Collected Term (--TERM), Decoded Term (--DECOD), Category
    (--CAT), Subcategory (--SCAT), Severity (--SEV), and Toxicity Grade (--TOXGR) values for the same Subject
    (USUBJID) and the same Start Date (--STDTC) are expected."""
    for ds in ctx.general():
        p = ds.parent
        if ctx.klass(ds) != "Events" or not _has(ds, "USUBJID", p + "TERM"):
            continue
        keys = ["USUBJID"] + [p + v for v in ("TERM", "DECOD", "CAT", "SCAT", "SEV", "TOXGR", "STDTC")
                              if p + v in ds.columns]
        yield Hits(ds.name, p + "TERM", ds.frame.duplicated(keys, keep="first"))
