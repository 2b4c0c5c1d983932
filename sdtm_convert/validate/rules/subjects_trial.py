"""Subject-level (DM) and trial-design (TS, TE, SV) rules, and dates checked against DM and DS (Pinnacle 21 SDTM
ids). Each rule's docstring starts with the Pinnacle 21 Community 2.2.0 message and description it implements.
Reserved arm codes (SCRNFAIL, NOTASSGN) are compared in any case, as everywhere in the validator."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from sdtm_convert.validate.helpers import arm_code_in, inconsistent, present, show, to_number
from sdtm_convert.validate.helpers import has_columns as _has
from sdtm_convert.validate.registry import Hits, rule
from sdtm_convert.validate.rules.consistency import _after

_NOT_RANDOMIZED = ["SCRNFAIL", "NOTASSGN"]


def _dm(ctx) -> Iterator:
    yield from ctx.package.by_domain("DM")


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
    for ds in _dm(ctx):
        if _has(ds, "SUBJID"):
            keys = ["SITEID", "SUBJID"] if _has(ds, "SITEID") else ["SUBJID"]
            yield Hits(ds.name, "SUBJID", present(ds.frame["SUBJID"]) & ds.frame.duplicated(keys, keep="first"))


@rule("SC-CONS-061", category="consistency", p21="SD0053")
def not_assigned_arm(ctx) -> Iterator[Hits]:
    """P21 SD0053 "ARM is not 'Not Assigned', when ARMCD equals 'NOTASSGN', or vice versa": Description of Arm
    (ARM) must equal 'Not Assigned', when Arm Code (ARMCD) is 'NOTASSGN', and vice versa."""
    for ds in _dm(ctx):
        if _has(ds, "ARM", "ARMCD"):
            a, c = ds.frame["ARM"], ds.frame["ARMCD"]
            yield Hits(ds.name, "ARM", arm_code_in(c, ["NOTASSGN"]) != (a == "Not Assigned"),
                       values=show(c, " / ", a))


def _randomized_without(ctx, var: str) -> Iterator[Hits]:
    for ds in _dm(ctx):
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
    for ds in _dm(ctx):
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
    for ds in _dm(ctx):
        if _has(ds, "AGE", "AGETXT"):
            yield Hits(ds.name, "AGETXT", present(ds.frame["AGE"]) & present(ds.frame["AGETXT"]))


@rule("SC-CONS-066", category="consistency", p21="SD2023")
def age_when_brthdtc(ctx) -> Iterator[Hits]:
    """P21 SD2023 "AGE is not provided": Age (AGE) variable values should be provided, when Date/Time of Birth
    (BRTHDTC) variable values are populated."""
    for ds in _dm(ctx):
        if _has(ds, "AGE", "BRTHDTC"):
            yield Hits(ds.name, "AGE", present(ds.frame["BRTHDTC"]) & ~present(ds.frame["AGE"]))


@rule("SC-CONS-067", category="consistency", p21="SD0084")
def negative_age(ctx) -> Iterator[Hits]:
    """P21 SD0084 "Negative value for AGE": The value of Age (AGE) cannot be less than 0."""
    for ds in _dm(ctx):
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


@rule("SC-CONS-069", category="consistency", p21="SD1130", per_dataset=True)
def qnam_within_qlabel(ctx) -> Iterator[Hits]:
    """P21 SD1130 "Inconsistent value for QNAM within QLABEL": All values of Qualifier Variable Name (QNAM) should
    be the same for a given value of Qualifier Variable Label (QLABEL)."""
    for ds in ctx.supp():
        if _has(ds, "QNAM", "QLABEL"):
            yield Hits(ds.name, "QNAM", inconsistent(ds.frame, ["QLABEL"], "QNAM"))


@rule("SC-CONS-070", category="consistency", p21="SD1060")
def visitnum_once_per_subject(ctx) -> Iterator[Hits]:
    """P21 SD1060 "Duplicate VISITNUM": The value of Visit Number (VISITNUM) variable should be unique for each
    record within a subject (Subject Visits, SV)."""
    for ds in ctx.package.by_domain("SV"):
        if _has(ds, "USUBJID", "VISITNUM"):
            f = ds.frame
            yield Hits(ds.name, "VISITNUM", f["VISITNUM"].notna() & f.duplicated(["USUBJID", "VISITNUM"]))


def _te(ctx, fn) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("TE"):
        if _has(ds, "ETCD", "ELEMENT"):
            yield fn(ds)


@rule("SC-CONS-071", category="consistency", p21="SD1064")
def te_etcd_unique(ctx) -> Iterator[Hits]:
    """P21 SD1064 "Duplicate ETCD value": The value of Element Code (ETCD) variable must be unique within Trial
    Elements (TE) domain."""
    yield from _te(ctx, lambda ds: Hits(ds.name, "ETCD", ds.frame["ETCD"].duplicated()))


@rule("SC-CONS-072", category="consistency", p21="SD1068")
def te_element_unique(ctx) -> Iterator[Hits]:
    """P21 SD1068 "Duplicate ELEMENT value": The value of Element (Description of Element) variable must be
    unique within Trial Elements (TE) domain."""
    yield from _te(ctx, lambda ds: Hits(ds.name, "ELEMENT", ds.frame["ELEMENT"].duplicated()))


def _ta_te_pairs(ctx, key: str, val: str) -> Iterator[Hits]:
    for dom in ("TA", "TE", "SE"):
        for ds in ctx.package.by_domain(dom):
            if _has(ds, key, val):
                yield Hits(ds.name, val, inconsistent(ds.frame, [key], val))


@rule("SC-CONS-073", category="consistency", p21="SD1027")
def element_within_etcd(ctx) -> Iterator[Hits]:
    """P21 SD1027 "Non-unique value for ELEMENT within ETCD": Description of Element (ELEMENT) must have a unique
    value for a given value of Element Code (ETCD) within the domain (TA, TE, SE)."""
    yield from _ta_te_pairs(ctx, "ETCD", "ELEMENT")


@rule("SC-CONS-074", category="consistency", p21="SD1050")
def etcd_within_element(ctx) -> Iterator[Hits]:
    """P21 SD1050 "Non-unique value for ETCD within ELEMENT": Element Code (ETCD) must have a unique value for a
    given value of Description of Element (ELEMENT) within the domain (TA, TE, SE)."""
    yield from _ta_te_pairs(ctx, "ELEMENT", "ETCD")


def _ts(ctx) -> Iterator:
    for ds in ctx.package.by_domain("TS"):
        if _has(ds, "TSPARMCD"):
            yield ds


@rule("SC-CONS-075", category="consistency", p21="SD1069")
def tsparm_within_tsparmcd(ctx) -> Iterator[Hits]:
    """P21 SD1069 "Inconsistent value for --PARM within --PARMCD": All values of a Parameter (--PARM) variables
    should be the same for a given value of a Parameter Short Name (--PARMCD) variables."""
    for ds in _ts(ctx):
        if _has(ds, "TSPARM"):
            yield Hits(ds.name, "TSPARM", inconsistent(ds.frame, ["TSPARMCD"], "TSPARM"))


@rule("SC-CONS-076", category="consistency", p21="SD1070")
def tsparmcd_within_tsparm(ctx) -> Iterator[Hits]:
    """P21 SD1070 "Inconsistent value for --PARMCD within --PARM": All values of a Parameter Short Name (--PARMCD)
    variables should be the same for a given value of a Parameter (--PARM) variables."""
    for ds in _ts(ctx):
        if _has(ds, "TSPARM"):
            yield Hits(ds.name, "TSPARMCD", inconsistent(ds.frame, ["TSPARM"], "TSPARMCD"))


@rule("SC-PRES-013", category="presence", p21="SD2017")
def tsval_populated(ctx) -> Iterator[Hits]:
    """P21 SD2017 "Missing TSVAL value": Value for Parameter Value (TSVAL) variable must be populated. TSVAL can
    only be null when Parameter Null Flavor (TSVALNF) variable value is populated."""
    for ds in _ts(ctx):
        if _has(ds, "TSVAL"):
            f = ds.frame
            nf = present(f["TSVALNF"]) if "TSVALNF" in f.columns else False
            yield Hits(ds.name, "TSVAL", ~present(f["TSVAL"]) & ~nf, values=f["TSPARMCD"])


@rule("SC-PRES-014", category="presence", p21="SD2018")
def tsvalnf_when_tsval_missing(ctx) -> Iterator[Hits]:
    """P21 SD2018 "Missing TSVALNF value": Value for Parameter Null Flavor (TSVALNF) variable must be populated,
    when Parameter Value (TSVAL) variable value is missing."""
    for ds in _ts(ctx):
        if _has(ds, "TSVAL", "TSVALNF"):
            f = ds.frame
            yield Hits(ds.name, "TSVALNF", ~present(f["TSVAL"]) & ~present(f["TSVALNF"]), values=f["TSPARMCD"])


# TS parameters that take one record only (P21 "Multiple <PARM> records")
TS_SINGLE = [
    ("ADDON", "SD1214"),
    ("AGEMAX", "SD1216"),
    ("AGEMIN", "SD1218"),
    ("LENGTH", "SD1220"),
    ("PLANSUB", "SD1222"),
    ("RANDOM", "SD1224"),
    ("SEXPOP", "SD1225"),
    ("NARMS", "SD1227"),
]


def _ts_single(parm: str, p21: str):
    def fn(ctx) -> Iterator[Hits]:
        for ds in _ts(ctx):
            f = ds.frame
            m = f["TSPARMCD"] == parm
            if int(m.sum()) > 1:
                yield Hits(ds.name, "TSPARMCD", m & m.cumsum().gt(1), values=parm)

    fn.__doc__ = f"P21 {p21} \"Multiple {parm} records\": Trial Summary (TS) domain must contain only one record " \
                 f"for '{parm}' Parameter."
    return fn


for _i, (_parm, _p21) in enumerate(TS_SINGLE):
    rule(f"SC-CONS-{80 + _i:03d}", category="consistency", p21=_p21)(_ts_single(_parm, _p21))
