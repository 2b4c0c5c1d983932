"""Subject-level rules (Pinnacle 21 SDTM ids): DM (identifiers, arms, age, reference dates), dates checked
against DM and DS, study days populated exactly when their dates allow, AE/DS/SV items. Each rule's docstring
starts with the Pinnacle 21 Community 2.2.0 message and description it implements. Reserved arm codes
(SCRNFAIL, NOTASSGN) are compared in any case, as everywhere in the validator."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from sdtm_convert.validate.helpers import arm_code_in, inconsistent, iso_days, present, show, to_number
from sdtm_convert.validate.helpers import has_columns as _has
from sdtm_convert.validate.registry import Hits, rule
from sdtm_convert.validate.rules.consistency import _after, reserved_arm_label
from sdtm_convert.validate.rules.record_pairs import _complete_rfstdtc

_NOT_RANDOMIZED = ["SCRNFAIL", "NOTASSGN"]


def _randomized(f: pd.DataFrame) -> pd.Series:
    """DM records of subjects assigned to an arm: ARMCD not SCRNFAIL/NOTASSGN (in any case) and, as SDTMIG 3.3+
    writes those subjects (ARMCD null, the reason in ARMNRS), not empty."""
    if "ARMCD" not in f.columns:
        return pd.Series(True, index=f.index)
    return present(f["ARMCD"]) & ~arm_code_in(f["ARMCD"], _NOT_RANDOMIZED)


@rule("SC-CONS-060", category="consistency", p21="SD1001")
def subjid_unique(ctx) -> Iterator[Hits]:
    """P21 SD1001 "Duplicate SUBJID": The value of Subject Identifier for the Study (SUBJID) variable must be
    unique for each subject within the study (within a site where SITEID is given)."""
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "SUBJID"):
            keys = ["SITEID", "SUBJID"] if _has(ds, "SITEID") else ["SUBJID"]
            yield Hits(ds.name, "SUBJID", present(ds.frame["SUBJID"]) & ds.frame.duplicated(keys, keep="first"))


@rule("SC-CONS-061", category="consistency", p21="SD0053")
def not_assigned_arm(ctx) -> Iterator[Hits]:
    """P21 SD0053 "ARM is not 'Not Assigned', when ARMCD equals 'NOTASSGN', or vice versa": Description of Arm
    (ARM) must equal 'Not Assigned', when Arm Code (ARMCD) is 'NOTASSGN', and vice versa."""
    yield from reserved_arm_label(ctx, "NOTASSGN", "Not Assigned")


def _randomized_without(ctx, var: str) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, var):
            yield Hits(ds.name, var, _randomized(ds.frame) & ~present(ds.frame[var]))


@rule("SC-CONS-062", category="consistency", p21="SD0087")
def rfstdtc_for_randomized(ctx) -> Iterator[Hits]:
    """P21 SD0087 "RFSTDTC is not provided for a randomized subject": Subject Reference Start Date/Time (RFSTDTC)
    should be populated for all randomized subjects, those where Planned Arm Code (ARMCD) is not equal to
    'SCRNFAIL' or 'NOTASSGN'."""
    yield from _randomized_without(ctx, "RFSTDTC")


@rule("SC-CONS-063", category="consistency", p21="SD0088")
def rfendtc_for_randomized(ctx) -> Iterator[Hits]:
    """P21 SD0088 "RFENDTC is not provided for a randomized subject": Subject Reference End Date/Time (RFENDTC)
    should be populated for all randomized subjects, those where Planned Arm Code (ARMCD) is not equal to
    'SCRNFAIL' or 'NOTASSGN'."""
    yield from _randomized_without(ctx, "RFENDTC")


@rule("SC-CONS-064", category="consistency", p21="SD1121")
def age_or_agetxt(ctx) -> Iterator[Hits]:
    """P21 SD1121 "Neither AGE nor AGETXT values are populated": Value for Age (AGE) or Age Range (AGETXT)
    variables should be populated for all subjects with only exception for Screen Failures (ARMCD=SCRNFAIL) and
    Not Assigned (ARMCD=NOTASSGN) subjects."""
    for ds in ctx.package.by_domain("DM"):
        cols = [c for c in ("AGE", "AGETXT") if c in ds.columns]
        if cols:
            f = ds.frame
            none = pd.Series(True, index=f.index)
            for c in cols:
                none &= ~present(f[c])
            yield Hits(ds.name, cols[0], none & _randomized(f))


@rule("SC-CONS-065", category="consistency", p21="SD2020")
def age_and_agetxt(ctx) -> Iterator[Hits]:
    """P21 SD2020 "Both AGE and AGETXT variables values are populated": Age (AGE) and Age Range (AGETXT)
    variables should never both be populated for the same subject."""
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "AGE", "AGETXT"):
            yield Hits(ds.name, "AGETXT", present(ds.frame["AGE"]) & present(ds.frame["AGETXT"]))


@rule("SC-CONS-066", category="consistency", p21="SD2023")
def age_when_brthdtc(ctx) -> Iterator[Hits]:
    """P21 SD2023 "AGE is not provided": Age (AGE) variable values should be provided, when Date/Time of Birth
    (BRTHDTC) variable values are populated."""
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "AGE", "BRTHDTC"):
            yield Hits(ds.name, "AGE", present(ds.frame["BRTHDTC"]) & ~present(ds.frame["AGE"]))


@rule("SC-CONS-067", category="consistency", p21="SD0084")
def negative_age(ctx) -> Iterator[Hits]:
    """P21 SD0084 "Negative value for AGE": The value of Age (AGE) cannot be less than 0."""
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "AGE"):
            yield Hits(ds.name, "AGE", to_number(ds.frame["AGE"]) < 0)


def _relative_without_reference(ctx, suffix: str, ref: str) -> Iterator[Hits]:
    dm = ctx.frame("DM", ["USUBJID", ref])
    if dm is None or ref not in dm.columns:
        return
    missing = set(dm.loc[~present(dm[ref]), "USUBJID"])
    for ds in ctx.subject_level():
        v = ds.parent + suffix
        if ds.domain != "DM" and _has(ds, "USUBJID", v):
            f = ds.frame
            yield Hits(ds.name, v, present(f[v]) & f["USUBJID"].isin(missing), values=f[v])


@rule("SC-XREF-017", category="cross-reference", p21="SD1030")
def strf_without_rfstdtc(ctx) -> Iterator[Hits]:
    """P21 SD1030 "Value for --STRF is populated, when RFSTDTC is NULL": Start Relative to Reference Period
    (--STRF) should not be populated for subjects with missing value for Reference Start Date/Time (RFSTDTC)."""
    yield from _relative_without_reference(ctx, "STRF", "RFSTDTC")


@rule("SC-XREF-018", category="cross-reference", p21="SD1031")
def enrf_without_rfendtc(ctx) -> Iterator[Hits]:
    """P21 SD1031 "Value for --ENRF is populated, when RFENDTC is NULL": End Relative to Reference Period
    (--ENRF) should not be populated for subjects with missing value for Reference End Date/Time (RFENDTC)."""
    yield from _relative_without_reference(ctx, "ENRF", "RFENDTC")


def _after_last_disposition(ctx, dom: str, var: str) -> Iterator[Hits]:
    ds_f = ctx.frame("DS", ["USUBJID", "DSSTDTC"])
    if ds_f is None or "DSSTDTC" not in ds_f.columns:
        return
    dated = ds_f[present(ds_f["DSSTDTC"])]
    last = dated.assign(_k=dated["DSSTDTC"].str.slice(0, 10)).sort_values("_k").drop_duplicates("USUBJID", keep="last")
    latest = dict(zip(last["USUBJID"], last["DSSTDTC"]))
    for d in ctx.package.by_domain(dom):
        if _has(d, "USUBJID", var):
            f = d.frame
            ref = f["USUBJID"].map(latest).fillna("").astype(object)
            yield Hits(d.name, var, _after(f[var], ref), values=show(f[var], " > ", ref))


@rule("SC-XREF-019", category="cross-reference", p21="SD0080")
def ae_after_last_disposition(ctx) -> Iterator[Hits]:
    """P21 SD0080 "AE start date is after the latest Disposition date": Start Date/Time of Adverse Event
    (AESTDTC) should be less than or equal to the Start Date/Time of the latest Disposition Event (DSSTDTC).

    Dates compared at the precision both have (2020-03 is not after 2020-03-15)."""
    yield from _after_last_disposition(ctx, "AE", "AESTDTC")


@rule("SC-XREF-020", category="cross-reference", p21="SD0082")
def ex_after_last_disposition(ctx) -> Iterator[Hits]:
    """P21 SD0082 "Exposure end date is after the latest Disposition date": End Date/Time of Treatment (EXENDTC)
    should be less than or equal to the Start Date/Time of the latest Disposition Event (DSSTDTC)."""
    yield from _after_last_disposition(ctx, "EX", "EXENDTC")


@rule("SC-CONS-068", category="consistency", p21="SD1062")
def aeser_when_overdose(ctx) -> Iterator[Hits]:
    """P21 SD1062 "AESER is not 'Y', when AESOD equals 'Y'": Serious Event (AESER) variable value is expected to
    be 'Y', when Occurred with Overdose (AESOD) variable value equals 'Y'."""
    for ds in ctx.package.by_domain("AE"):
        if _has(ds, "AESER", "AESOD"):
            yield Hits(ds.name, "AESER", (ds.frame["AESOD"] == "Y") & (ds.frame["AESER"] != "Y"))


@rule("SC-PRES-012", category="presence", p21="SD1035")
def dscat_populated(ctx) -> Iterator[Hits]:
    """P21 SD1035 "Missing value for DSCAT": Category for Disposition Event (DSCAT) should be populated."""
    for ds in ctx.package.by_domain("DS"):
        if _has(ds, "DSCAT"):
            yield Hits(ds.name, "DSCAT", ~present(ds.frame["DSCAT"]))


@rule("SC-CONS-070", category="consistency", p21="SD1060")
def visitnum_once_per_subject(ctx) -> Iterator[Hits]:
    """P21 SD1060 "Duplicate VISITNUM": The value of Visit Number (VISITNUM) variable should be unique for each
    record within a subject (Subject Visits, SV)."""
    for ds in ctx.package.by_domain("SV"):
        if _has(ds, "USUBJID", "VISITNUM"):
            f = ds.frame
            yield Hits(ds.name, "VISITNUM", f["VISITNUM"].notna() & f.duplicated(["USUBJID", "VISITNUM"]))


def _study_day_presence(ctx, dtc_suffix: str, dy_suffix: str, imputed: bool) -> Iterator[Hits]:
    """--DY empty although --DTC and RFSTDTC are complete dates (``imputed`` False), or --DY populated although
    one of them is not (``imputed`` True)."""
    for ds in ctx.general():
        p = ds.parent
        dtc, dy = p + dtc_suffix, p + dy_suffix
        ref = _complete_rfstdtc(ctx)
        if ref is None or not _has(ds, "USUBJID", dtc, dy):
            continue
        f = ds.frame
        both = f["USUBJID"].isin(ref) & iso_days(f[dtc]).notna()
        given = present(f[dy])
        yield Hits(ds.name, dy, given & ~both if imputed else both & ~given, values=f[dtc])


@rule("SC-XREF-030", category="cross-reference", p21="SD1084", per_dataset=True)
def dy_not_populated(ctx) -> Iterator[Hits]:
    """P21 SD1084 "--DY variable value is not populated": Collection Study Day (--DY) variable value should be
    populated, when Collection Study Date/Time (--DTC) and Subject Reference Start Date/Time (RFSTDTC) variables
    values are provided, and both of them include complete date part."""
    yield from _study_day_presence(ctx, "DTC", "DY", False)


@rule("SC-XREF-031", category="cross-reference", p21="SD1085", per_dataset=True)
def dy_imputed(ctx) -> Iterator[Hits]:
    """P21 SD1085 "--DY variable value is imputed": Collection Study Day (--DY) variable value should not be
    imputed. It may be only populated, when both Collection Study Date/Time (--DTC) and Subject Reference Start
    Date/Time (RFSTDTC) variables values are provided and both of them include complete date part."""
    yield from _study_day_presence(ctx, "DTC", "DY", True)


@rule("SC-XREF-032", category="cross-reference", p21="SD1088", per_dataset=True)
def stdy_not_populated(ctx) -> Iterator[Hits]:
    """P21 SD1088 "--STDY variable value is not populated": Study Day of Start (--STDY) variable value should be
    populated, when Start Study Date (--STDTC) and Subject Reference Start Date/Time (RFSTDTC) variables values
    are provided, and both of them include complete date part."""
    yield from _study_day_presence(ctx, "STDTC", "STDY", False)


@rule("SC-XREF-033", category="cross-reference", p21="SD1089", per_dataset=True)
def stdy_imputed(ctx) -> Iterator[Hits]:
    """P21 SD1089 "--STDY variable value is imputed": Study Day of Start (--STDY) variable value should be not be
    imputed. It may be only populated, when both Start Study Date/Time (--STDTC) and Subject Reference Start
    Date/Time (RFSTDTC) variables values are provided, and both of them include complete date part."""
    yield from _study_day_presence(ctx, "STDTC", "STDY", True)


@rule("SC-XREF-034", category="cross-reference", p21="SD1092", per_dataset=True)
def endy_not_populated(ctx) -> Iterator[Hits]:
    """P21 SD1092 "--ENDY variable value is not populated": Study Day of End (--ENDY) variable value should be
    populated, when End Study Date/Time (--ENDTC) and Subject Reference Start Date/Time (RFSTDTC) variables values
    are provided, and both of them include complete date part."""
    yield from _study_day_presence(ctx, "ENDTC", "ENDY", False)


@rule("SC-XREF-035", category="cross-reference", p21="SD1093", per_dataset=True)
def endy_imputed(ctx) -> Iterator[Hits]:
    """P21 SD1093 "--ENDY variable value is imputed": Study Day of End (--ENDY) variable value should not be
    imputed. It may be only populated, when both End Study Date/Time (--ENDTC) and Subject Reference Start
    Date/Time (RFSTDTC) variables values are provided, and both of them include complete date part."""
    yield from _study_day_presence(ctx, "ENDTC", "ENDY", True)


@rule("SC-CONS-110", category="consistency", p21="SD1033")
def arm_within_armcd(ctx) -> Iterator[Hits]:
    """P21 SD1033 "Inconsistent value for ARM": A value for Description of Planned Arm (ARM) must have a unique
    value for Planned Arm Code (ARMCD) with the domain."""
    for ds in [*ctx.package.by_domain("DM"), *ctx.package.by_domain("TA")]:
        if _has(ds, "ARMCD", "ARM"):
            f = ds.frame[present(ds.frame["ARMCD"])]
            yield Hits(ds.name, "ARM", inconsistent(f, ["ARMCD"], "ARM").reindex(ds.frame.index, fill_value=False))


@rule("SC-CONS-111", category="consistency", p21="SD1034")
def armcd_within_arm(ctx) -> Iterator[Hits]:
    """P21 SD1034 "Inconsistent value for ARMCD": A value for Planned Arm Code (ARMCD) must have a unique value for
    Description of Planned Arm (ARM) with the domain."""
    for ds in [*ctx.package.by_domain("DM"), *ctx.package.by_domain("TA")]:
        if _has(ds, "ARMCD", "ARM"):
            f = ds.frame[present(ds.frame["ARM"])]
            yield Hits(ds.name, "ARMCD", inconsistent(f, ["ARM"], "ARMCD").reindex(ds.frame.index, fill_value=False))


_ACTARM_EXCEPTIONS = {"SCREEN FAILURE", "NOT ASSIGNED", "NOT TREATED", "UNPLANNED TREATMENT"}


@rule("SC-XREF-040", category="cross-reference", p21="SD2003")
def actarm_in_ta(ctx) -> Iterator[Hits]:
    """P21 SD2003 "Invalid value for ACTARM": Description of Actual Arm (ACTARM) values should match entries in the
    Trial Arms (TA) dataset, except for subjects who failed screening ('Screen Failure'), or were not fully
    assigned to an Arm ('Not Assigned'), or randomized, but not treated ('Not Treated') or received non-planned
    treatment ('Unplanned Treatment'). The exceptions compared in any case."""
    ta = ctx.frame("TA", ["ARM"])
    if ta is None or "ARM" not in ta.columns:
        return
    arms = set(ta["ARM"])
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "ACTARM"):
            s = ds.frame["ACTARM"]
            yield Hits(ds.name, "ACTARM", present(s) & ~s.isin(arms) & ~s.str.upper().isin(_ACTARM_EXCEPTIONS))


@rule("SC-XREF-041", category="cross-reference", p21="SD0079")
def exposure_when_not_assigned(ctx) -> Iterator[Hits]:
    """P21 SD0079 "EX record is present, when subject is not assigned to an arm": Subjects that have withdrawn from
    a trial before assignment to an Arm (ARMCD='NOTASSGN') should not have any Exposure records."""
    dm = ctx.frame("DM", ["USUBJID", "ARMCD"])
    if dm is None or "ARMCD" not in dm.columns:
        return
    never = set(dm.loc[arm_code_in(dm["ARMCD"], ["NOTASSGN"]).to_numpy(), "USUBJID"])
    for ds in ctx.package.by_domain("EX"):
        if _has(ds, "USUBJID"):
            yield Hits(ds.name, "USUBJID", ds.frame["USUBJID"].isin(never))


@rule("SC-XREF-042", category="cross-reference", p21="SD1005")
def studyid_as_dm(ctx) -> Iterator[Hits]:
    """P21 SD1005 "Invalid STUDYID": Study Identifier (STUDYID) values must match the STUDYID in Demographics (DM)
    domain."""
    dm = ctx.frame("DM", ["STUDYID"])
    if dm is None or "STUDYID" not in dm.columns:
        return
    studies = set(dm["STUDYID"])
    for ds in ctx.datasets():
        if ds.domain != "DM" and _has(ds, "STUDYID"):
            s = ds.frame["STUDYID"]
            yield Hits(ds.name, "STUDYID", present(s) & ~s.isin(studies))


@rule("SC-PRES-053", category="presence", p21="SD1129")
def age_variables_present(ctx) -> Iterator[Hits]:
    """P21 SD1129 "Neither AGE nor AGETXT variables are present": At least one of Age (AGE) or Age Text (AGETXT)
    variables should be included into Demographics (DM) domain."""
    for ds in ctx.package.by_domain("DM"):
        if "AGE" not in ds.columns and "AGETXT" not in ds.columns:
            yield Hits(ds.name, "AGE")


@rule("SC-CONS-120", category="consistency", p21="SD2021")
def age_when_ageu(ctx) -> Iterator[Hits]:
    """P21 SD2021 "Missing values for both AGE and AGETXT, when AGEU is provided": Either of Age (AGE) or Age Range
    (AGETXT) variable values should be provided, when Age Units (AGEU) are populated."""
    for ds in ctx.package.by_domain("DM"):
        cols = [c for c in ("AGE", "AGETXT") if c in ds.columns]
        if _has(ds, "AGEU") and cols:
            f = ds.frame
            none = pd.Series(True, index=f.index)
            for c in cols:
                none &= ~present(f[c])
            yield Hits(ds.name, cols[0], present(f["AGEU"]) & none)


@rule("SC-XREF-046", category="cross-reference", p21="SD1032")
def screen_failure_in_ie(ctx) -> Iterator[Hits]:
    """P21 SD1032 "No records for 'SCRFAIL' subject are found in IE domain": All subjects with Planned Arm Code
    (ARMCD) equals 'SCRNFAIL' should have records in the Inclusion/Exclusion Criteria Not Met (IE) domain.

    Only when the package has an IE domain; SCRNFAIL in any case."""
    ie = ctx.frame("IE", ["USUBJID"])
    if ie is None:
        return
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "USUBJID", "ARMCD"):
            f = ds.frame
            yield Hits(ds.name, "USUBJID", arm_code_in(f["ARMCD"], ["SCRNFAIL"]) & ~f["USUBJID"].isin(set(ie["USUBJID"])))


@rule("SC-FMT-040", category="format", p21="SD2019")
def agetxt_range(ctx) -> Iterator[Hits]:
    """P21 SD2019 "Invalid value for AGETXT": Age Range (AGETXT) variable values should be populated with
    'number-number' format."""
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "AGETXT"):
            yield Hits(ds.name, "AGETXT", ds.rows_where("AGETXT", lambda u: (u.str.strip() != "") & ~u.str.fullmatch(
                r"\d+(\.\d+)?-\d+(\.\d+)?").fillna(False).astype(bool)))


@rule("SC-PRES-056", category="presence", p21="SD1044", per_dataset=True)
def custom_findings_blfl(ctx) -> Iterator[Hits]:
    """P21 SD1044 "No --BLFL variable in custom Findings domain": Baseline Flag (--BLFL) should be present in all
    custom Findings domains (a domain SDTMIG does not define, of class Findings in define.xml or, without a
    define, with a --TESTCD variable)."""
    for ds in ctx.subject_level():
        p = ds.parent
        klass = ctx.klass(ds) or ("Findings" if p + "TESTCD" in ds.columns else "")
        if klass == "Findings" and p not in ctx.std_classes and p + "BLFL" not in ds.columns:
            yield Hits(ds.name, p + "BLFL")


@rule("SC-PRES-057", category="presence", p21="SD2024", per_dataset=True)
def usubjid_or_poolid(ctx) -> Iterator[Hits]:
    """P21 SD2024 "Missing or redundant values for USUBJID and POOLID": Either Unique Subject Identifier (USUBJID)
    or Pool Identifier (POOLID) variables values and only one must be populated (datasets that have POOLID)."""
    for ds in ctx.subject_level():
        if _has(ds, "USUBJID", "POOLID"):
            f = ds.frame
            yield Hits(ds.name, "POOLID", present(f["USUBJID"]) == present(f["POOLID"]),
                       values=show(f["USUBJID"], " / ", f["POOLID"]))


@rule("SC-FMT-045", category="format", p21="SD1096", per_dataset=True)
def term_maybe_truncated(ctx) -> Iterator[Hits]:
    """P21 SD1096 "High risk of truncated value for --TERM variable": SAS v5 export format has a limitation on
    variables length up to 200 characters. ... This risk-assessment check is triggered based on assumption that if
    original value was truncated, then the actual data value length is exactly 200 characters."""
    for ds in ctx.general():
        t = ds.parent + "TERM"
        if _has(ds, t) and not ds.is_numeric(t):
            yield Hits(ds.name, t, ds.rows_where(t, lambda u: u.str.len() == 200))
