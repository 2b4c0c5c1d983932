"""Consistency within one record of a general-class dataset: a variable expected when another is populated,
start timing of an event, doses and durations not negative, duplicate event records (Pinnacle 21 SDTM ids).
Each rule's docstring starts with the Pinnacle 21 Community 2.2.0 message and description it implements."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from sdtm_convert.validate.helpers import has_columns as _has
from sdtm_convert.validate.helpers import inconsistent, iso_days, present, to_number
from sdtm_convert.validate.registry import Hits, rule
from sdtm_convert.validate.rules.consistency import timing_missing


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
        hits = timing_missing(ctx, ds, _START_TIMING)
        if hits is not None:
            yield hits


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


@rule("SC-CONS-090", category="consistency", p21="SD0043", per_dataset=True)
def trtv_when_vamt(ctx) -> Iterator[Hits]:
    """P21 SD0043 "Missing value for --TRTV, when --VAMT is not NULL": Treatment Vehicle (--TRTV) should be
    provided, when Treatment Vehicle Amount (--VAMT) is specified."""
    yield from _needs(ctx, "TRTV", "VAMT")


@rule("SC-CONS-091", category="consistency", p21="SD0044", per_dataset=True)
def vamtu_when_vamt(ctx) -> Iterator[Hits]:
    """P21 SD0044 "Missing value for --VAMTU, when --VAMT is populated": Treatment Vehicle Amount Units (--VAMTU)
    should not be NULL, when Treatment Vehicle Amount (--VAMT) is populated."""
    yield from _needs(ctx, "VAMTU", "VAMT")


def _any_present(f: pd.DataFrame, cols: list[str]) -> pd.Series:
    out = pd.Series(False, index=f.index)
    for c in cols:
        out |= present(f[c])
    return out


@rule("SC-CONS-092", category="consistency", p21="SD0031", per_dataset=True)
def start_when_end(ctx) -> Iterator[Hits]:
    """P21 SD0031 "Missing values for --STDTC, --STRF and --STRTPT, when --ENDTC, --ENRF or --ENRTPT is provided":
    Start Date/Time of Observation (--STDTC), Start Relative to Reference Period (--STRF) or Start Relative to
    Reference Time Point (--STRTPT) should not be NULL, when End Date/Time of Observation (--ENDTC), End Relative
    to Reference Period (--ENRF) or End Relative to Reference Time Period (--ENRTPT) is not NULL."""
    for ds in ctx.general():
        p = ds.parent
        starts = [p + v for v in ("STDTC", "STRF", "STRTPT") if p + v in ds.columns]
        ends = [p + v for v in ("ENDTC", "ENRF", "ENRTPT") if p + v in ds.columns]
        if starts and ends:
            f = ds.frame
            yield Hits(ds.name, starts[0], _any_present(f, ends) & ~_any_present(f, starts))


@rule("SC-CONS-093", category="consistency", p21="SD0041", per_dataset=True)
def occur_only_when_prespecified(ctx) -> Iterator[Hits]:
    """P21 SD0041 "Value for --OCCUR is populated for unsolicited Intervention or Event": Occurrence (--OCCUR) may
    only be populated, when a given Intervention or Event has been pre-specified (--PRESP = 'Y')."""
    for ds in ctx.general():
        o, pr = ds.parent + "OCCUR", ds.parent + "PRESP"
        if _has(ds, o):
            f = ds.frame
            prespecified = (f[pr] == "Y") if pr in f.columns else pd.Series(False, index=f.index)
            yield Hits(ds.name, o, present(f[o]) & ~prespecified)


@rule("SC-CONS-094", category="consistency", p21="SD0042", per_dataset=True)
def not_done_when_no_answer(ctx) -> Iterator[Hits]:
    """P21 SD0042 "--STAT does not equal 'NOT DONE', when --PRESP='Y' and --OCCUR is NULL": When no response is
    provided for Occurrence (--OCCUR) for a pre-specified Intervention or Event (--PRESP = 'Y'), then Status
    (--STAT) should be set to 'NOT DONE'."""
    for ds in ctx.general():
        p = ds.parent
        if _has(ds, p + "PRESP", p + "OCCUR"):
            f = ds.frame
            stat = f[p + "STAT"] if p + "STAT" in f.columns else pd.Series("", index=f.index)
            yield Hits(ds.name, p + "STAT" if p + "STAT" in f.columns else p + "OCCUR",
                       (f[p + "PRESP"] == "Y") & ~present(f[p + "OCCUR"]) & (stat != "NOT DONE"))


@rule("SC-CONS-095", category="consistency", p21="SD1042", per_dataset=True)
def timing_for_not_occurred(ctx) -> Iterator[Hits]:
    """P21 SD1042 "Time point for non-occurred event or intervention is provided": Value of Start Relative to
    Reference Period (--STRF) or End Relative to Reference Period (--ENRF) should not be populated, when an event
    or intervention is marked as not occurred (--OCCUR='N')."""
    for ds in ctx.general():
        p = ds.parent
        rel = [p + v for v in ("STRF", "ENRF") if p + v in ds.columns]
        if rel and _has(ds, p + "OCCUR"):
            f = ds.frame
            yield Hits(ds.name, rel[0], (f[p + "OCCUR"] == "N") & _any_present(f, rel))


@rule("SC-CONS-096", category="consistency", p21="SD1118", per_dataset=True)
def some_date_populated(ctx) -> Iterator[Hits]:
    """P21 SD1118 "Neither --STDTC, --DTC nor --STDY are populated": At least one value of three variables Start
    Date/Time (--STDTC), Collection Date/Time (--DTC) or Start Study Day (--STDY) should be populated.

    A record marked not done (--STAT) or not occurred (--OCCUR = 'N') is not expected to carry a date."""
    for ds in ctx.general():
        p = ds.parent
        cols = [p + v for v in ("STDTC", "DTC", "STDY") if p + v in ds.columns]
        if not cols:
            continue
        f = ds.frame
        bad = ~_any_present(f, cols)
        if p + "STAT" in f.columns:
            bad &= ~present(f[p + "STAT"])
        if p + "OCCUR" in f.columns:
            bad &= f[p + "OCCUR"] != "N"
        yield Hits(ds.name, cols[0], bad)


def _tpt_pair(ctx, key: str, val: str) -> Iterator[Hits]:
    """--``val`` one value per --``key`` (within --TPTREF where given: time points are numbered per reference)."""
    for ds in ctx.general():
        p = ds.parent
        k, v = p + key, p + val
        if _has(ds, k, v):
            by = ([p + "TPTREF"] if p + "TPTREF" in ds.columns else []) + [k]
            f = ds.frame[present(ds.frame[k])]
            yield Hits(ds.name, v, inconsistent(f, by, v).reindex(ds.frame.index, fill_value=False))


@rule("SC-CONS-097", category="consistency", p21="SD1126", per_dataset=True)
def tpt_within_tptnum(ctx) -> Iterator[Hits]:
    """P21 SD1126 "Inconsistent value for --TPT within --TPTNUM": All values of Planned Time Point Name (--TPT)
    variable should be the same for a given value of Planned Time Point Number (--TPTNUM) variable."""
    yield from _tpt_pair(ctx, "TPTNUM", "TPT")


@rule("SC-CONS-098", category="consistency", p21="SD1127", per_dataset=True)
def tptnum_within_tpt(ctx) -> Iterator[Hits]:
    """P21 SD1127 "Inconsistent value for --TPTNUM within --TPT": All values of Planned Time Point Number (--TPTNUM)
    variable should be the same for a given value of Planned Time Point Name (--TPT) variable."""
    yield from _tpt_pair(ctx, "TPT", "TPTNUM")


@rule("SC-CONS-099", category="consistency", p21="SD1125", per_dataset=True)
def eltm_within_tpt(ctx) -> Iterator[Hits]:
    """P21 SD1125 "Inconsistent value for --TPT within --ELTM": All values of Planned Elapsed Time (--ELTM)
    variable should be the same for a given value of Planned Time Point Name (--TPT) variable."""
    yield from _tpt_pair(ctx, "TPT", "ELTM")


def _redundant(ctx, var: str) -> Iterator[Hits]:
    for ds in ctx.general():
        p = ds.parent
        c = p + var
        if not _has(ds, c):
            continue
        f = ds.frame
        same = pd.Series(False, index=f.index)
        for other in ["DOMAIN"] + [p + v for v in ("TERM", "TESTCD", "TRT", "BODSYS")]:
            if other in f.columns:
                same |= f[c] == f[other]
        yield Hits(ds.name, c, present(f[c]) & same)


@rule("SC-CONS-100", category="consistency", p21="SD1039", per_dataset=True)
def cat_redundant(ctx) -> Iterator[Hits]:
    """P21 SD1039 "Redundancy in paired variables values": Value of Category (--CAT) should not be identical to
    that in Domain Abbreviation (DOMAIN); Reported Term (--TERM); Name of Measurement, Test, or Examination
    (--TESTCD); Name of Treatment (--TRT); Body System or Organ Class (--BODSYS)."""
    yield from _redundant(ctx, "CAT")


@rule("SC-CONS-101", category="consistency", p21="SD1040", per_dataset=True)
def scat_redundant(ctx) -> Iterator[Hits]:
    """P21 SD1040 "Redundancy in paired variables values": Value of Subcategory (--SCAT) should not be identical
    to that in Domain Abbreviation (DOMAIN); Reported Term (--TERM); Name of Measurement, Test, or Examination
    (--TESTCD); Name of Treatment (--TRT); Body System or Organ Class (--BODSYS)."""
    yield from _redundant(ctx, "SCAT")


def _variable_needs(ctx, target: str, when: str) -> Iterator[Hits]:
    """Variable --``target`` absent from a dataset that has --``when``."""
    for ds in ctx.general():
        p = ds.parent
        if p + when in ds.columns and p + target not in ds.columns:
            yield Hits(ds.name, p + target, values=f"{p + when} present")


@rule("SC-PRES-040", category="presence", p21="SD1099", per_dataset=True)
def cat_variable_with_scat(ctx) -> Iterator[Hits]:
    """P21 SD1099 "Missing --CAT variable, when --SCAT variable is present": Category (--CAT) variable should be
    included into dataset, when Subcategory (--SCAT) variable is present."""
    yield from _variable_needs(ctx, "CAT", "SCAT")


@rule("SC-PRES-041", category="presence", p21="SD1101", per_dataset=True)
def entpt_variable_with_enrtpt(ctx) -> Iterator[Hits]:
    """P21 SD1101 "Missing --ENTPT variable, when --ENRTPT variable is present": End Reference Time Point
    (--ENTPT) variable must be included into the domain, when End Relative to Reference Time Point (--ENRTPT)
    variable is present."""
    yield from _variable_needs(ctx, "ENTPT", "ENRTPT")


@rule("SC-PRES-042", category="presence", p21="SD1102", per_dataset=True)
def enrtpt_variable_with_entpt(ctx) -> Iterator[Hits]:
    """P21 SD1102 "Missing --ENRTPT variable, when --ENTPT variable is present": End Relative to Reference Time
    Point (--ENRTPT) variable must be included into the domain, when End Relative Time Point (--ENTPT) variable
    is present."""
    yield from _variable_needs(ctx, "ENRTPT", "ENTPT")


@rule("SC-PRES-043", category="presence", p21="SD1103", per_dataset=True)
def sttpt_variable_with_strtpt(ctx) -> Iterator[Hits]:
    """P21 SD1103 "Missing --STTPT variable, when --STRTPT variable is present": Start Reference Time Point
    (--STTPT) variable must be included into the domain, when Start Relative to Reference Time Point (--STRTPT)
    variable is present."""
    yield from _variable_needs(ctx, "STTPT", "STRTPT")


@rule("SC-PRES-044", category="presence", p21="SD1104", per_dataset=True)
def strtpt_variable_with_sttpt(ctx) -> Iterator[Hits]:
    """P21 SD1104 "Missing --STRTPT variable, when --STTPT variable is present": Start Relative to Reference Time
    Point (--STRTPT) variable must be included into the domain, when Start Relative Time Point (--STTPT) variable
    is present."""
    yield from _variable_needs(ctx, "STRTPT", "STTPT")


def _complete_rfstdtc(ctx) -> set | None:
    """Subjects whose DM.RFSTDTC is a complete date (None without DM.RFSTDTC); remembered on the context."""
    if "complete_rfstdtc" not in ctx._meta:
        dm = ctx.frame("DM", ["USUBJID", "RFSTDTC"])
        ctx._meta["complete_rfstdtc"] = (
            None if dm is None or "RFSTDTC" not in dm.columns
            else set(dm.loc[iso_days(dm["RFSTDTC"]).notna().to_numpy(), "USUBJID"])
        )
    return ctx._meta["complete_rfstdtc"]


def _day_variable_needs(ctx, dy: str, dtc: str) -> Iterator[Hits]:
    """Variable --``dy`` absent from a dataset that has --``dtc``, unless no record could have a study day (no
    complete --``dtc`` of a subject with a complete RFSTDTC): the variable would be empty on every record, which
    SD1078 reports instead, so a package can satisfy both rules."""
    for ds in ctx.general():
        p = ds.parent
        if p + dtc not in ds.columns or p + dy in ds.columns:
            continue
        ref = _complete_rfstdtc(ctx)
        f = ds.frame
        if ref is not None and "USUBJID" in f.columns:
            if not (f["USUBJID"].isin(ref) & iso_days(f[p + dtc]).notna()).any():
                continue
        yield Hits(ds.name, p + dy, values=f"{p + dtc} present")


@rule("SC-PRES-045", category="presence", p21="SD1083", per_dataset=True)
def dy_variable_with_dtc(ctx) -> Iterator[Hits]:
    """P21 SD1083 "Missing --DY variable, when --DTC variable is present": Collection Study Day (--DY) variable
    should be included into dataset, when Collection Study Date/Time (--DTC) variable is present.

    Not when no record could have a study day (no complete --DTC of a subject with a complete DM.RFSTDTC): the
    variable would be empty on every record, which SD1078 reports, so a package can satisfy both rules."""
    yield from _day_variable_needs(ctx, "DY", "DTC")


@rule("SC-PRES-046", category="presence", p21="SD1087", per_dataset=True)
def stdy_variable_with_stdtc(ctx) -> Iterator[Hits]:
    """P21 SD1087 "Missing --STDY variable, when --STDTC variable is present": Study Day of Start (--STDY)
    variable should be included into dataset, when Start Study Date/Time (--STDTC) variable is present.

    Not when no record could have a study day (as SD1083)."""
    yield from _day_variable_needs(ctx, "STDY", "STDTC")


@rule("SC-PRES-047", category="presence", p21="SD1091", per_dataset=True)
def endy_variable_with_endtc(ctx) -> Iterator[Hits]:
    """P21 SD1091 "Missing --ENDY variable, when --ENDTC variable is present": Study Day of End (--ENDY) variable
    should be included into dataset, when End Study Date/Time (--ENDTC) variable is present.

    Not when no record could have a study day (as SD1083)."""
    yield from _day_variable_needs(ctx, "ENDY", "ENDTC")
