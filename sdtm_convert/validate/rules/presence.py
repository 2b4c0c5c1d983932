"""Presence: datasets and variables that must be there, required values populated, empty datasets."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from sdtm_convert.validate.helpers import arm_code_in, has_columns, present
from sdtm_convert.validate.registry import Hits, p21_catalog, rule


def std_vars(ctx, ds, core: str | None = None) -> pd.DataFrame:
    """Variables of a dataset's domain in the package's own SDTMIG version, optionally of one core (cached)."""
    key = ("std_vars", ds.domain, core)
    if key not in ctx._meta:
        meta = ctx.sdtm_vars(ds)
        ctx._meta[key] = meta if core is None else meta[meta["core"] == core]
    return ctx._meta[key]


@rule("SC-PRES-001", category="presence", standards=("sdtm", "adam"), p21="SD0001", per_dataset=True)
def empty_dataset(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if len(ds.frame) == 0:
            yield Hits(ds.name, None, values="0 records")


@rule("SC-PRES-002", category="presence", p21="SD0002", per_dataset=True)
def required_populated(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for v in std_vars(ctx, ds, "Req")["name"]:
            if v in ds.columns:
                yield Hits(ds.name, v, ~present(ds.frame[v]))


def _absent(ctx, core: str) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for v in std_vars(ctx, ds, core)["name"]:
            if v not in ds.columns:
                yield Hits(ds.name, v)


@rule("SC-PRES-003", category="presence", p21="SD0056", per_dataset=True)
def required_present(ctx) -> Iterator[Hits]:
    yield from _absent(ctx, "Req")


@rule("SC-PRES-004", category="presence", p21="SD0057", per_dataset=True)
def expected_present(ctx) -> Iterator[Hits]:
    yield from _absent(ctx, "Exp")


@rule("SC-PRES-005", category="presence", p21="SD1020")
def dm_present(ctx) -> Iterator[Hits]:
    if not ctx.package.by_domain("DM"):
        yield Hits(None, None, values="DM")


@rule("SC-PRES-006", category="presence", p21="SD1115")
def ts_present(ctx) -> Iterator[Hits]:
    if not ctx.package.by_domain("TS"):
        yield Hits(None, None, values="TS")


@rule("SC-PRES-007", category="presence", p21="SD1078", per_dataset=True)
def permissible_all_missing(ctx) -> Iterator[Hits]:
    """P21 SD1078 "Permissible variable with missing value for all records": Permissible variable should not
    be present in domain, when the variable has missing value for all records in the dataset.

    Judged on the domain: a variable of split datasets (LBCH, LBHE, ...) is reported on each split that has
    it only when no split of the domain populates it."""
    for ds in ctx.datasets():
        perm = set(std_vars(ctx, ds, "Perm")["name"])
        for v in ds.columns:
            if v in perm and len(ds.frame) and not present(ds.frame[v]).any() and not any(
                present(d.frame[v]).any() for d in ctx.package.by_domain(ds.domain) if d is not ds and v in d.columns
            ):
                yield Hits(ds.name, v)


@rule("SC-PRES-008", category="presence", p21="SD0006")
def baseline_present(ctx) -> Iterator[Hits]:
    """P21 SD0006 "No baseline result in Domain for subject": All subjects should have at least one baseline
    observation (--BLFL = 'Y') in EG, LB, MB, MS, PC and VS domains, except for subjects who failed screening
    (ARMCD = 'SCRNFAIL') or were not fully assigned to an Arm (ARMCD = 'NOTASSGN') or were not treated
    (ACTARMCD = 'NOTTRT').

    One finding per subject and domain, on the subject's DM record (as Pinnacle 21 reports it); split
    datasets form the domain. Reserved arm codes in any case; SDTMIG 3.3+ ARMNRS reasons count too."""
    dms = ctx.package.by_domain("DM")
    if not dms or not {"USUBJID"} <= set(dms[0].columns):
        return
    dm = dms[0].frame
    for dom in ("EG", "LB", "MB", "MS", "PC", "VS"):
        f = ctx.frame(dom, ["USUBJID", dom + "BLFL"])
        if f is None or dom + "BLFL" not in f.columns:
            continue
        with_baseline = set(f.loc[f[dom + "BLFL"] == "Y", "USUBJID"])
        m = dm["USUBJID"].isin(set(f["USUBJID"]) - with_baseline) & ~_untreated(dm)
        yield Hits(dms[0].name, "USUBJID", m, values=f"no {dom}BLFL = 'Y' in {dom}",
                   message=f"No baseline result in {dom} for subject")


# Subjects never treated: SDTMIG 3.2 arm codes, or (SDTMIG 3.3+) ARMCD/ACTARMCD null with the reason in ARMNRS
_UNTREATED_ARMCD = ["SCRNFAIL", "NOTASSGN", "NOTTRT"]
_UNTREATED_ARMNRS = ["SCREEN FAILURE", "NOT ASSIGNED", "ASSIGNED, NOT TREATED"]


def _untreated(dm: pd.DataFrame) -> pd.Series:
    """Mask of the DM records of subjects who were never treated (screen failures, not assigned, not treated);
    reserved arm codes in any case."""
    blank = pd.Series("", index=dm.index)
    m = arm_code_in(dm.get("ARMCD", blank), _UNTREATED_ARMCD) | arm_code_in(dm.get("ACTARMCD", blank),
                                                                             _UNTREATED_ARMCD)
    return m | dm.get("ARMNRS", blank).isin(_UNTREATED_ARMNRS)


def _subjects_without(ctx, dom: str) -> Iterator[Hits]:
    """DM subjects with no record in ``dom``, reported on their DM record."""
    dm = ctx.frame("DM", ["USUBJID", "ARMCD"])
    f = ctx.frame(dom, ["USUBJID"])
    if dm is None or f is None:
        return
    dm_ds = ctx.package.by_domain("DM")[0]
    m = ~dm_ds.frame["USUBJID"].isin(set(f["USUBJID"]))
    if dom == "EX":
        m &= ~_untreated(dm_ds.frame)
    elif "ARMCD" in dm_ds.columns:
        m &= ~arm_code_in(dm_ds.frame["ARMCD"], ["SCRNFAIL", "NOTASSGN"])
    yield Hits(dm_ds.name, "USUBJID", m)


@rule("SC-PRES-009", category="presence", p21="SD0069")
def disposition_present(ctx) -> Iterator[Hits]:
    """P21 SD0069 "No Disposition record found for subject": All Demographics (DM) subjects (USUBJID) should
    have at least one record in the Disposition (DS) domain with only possible exceptions to Screen Failures
    (ARMCD='SCRNFAIL') and Not Assigned Treatment (ARMCD='NOTASSGN') subjects.

    Reported on the subject's DM record; the two exceptions taken, in any case."""
    yield from _subjects_without(ctx, "DS")


@rule("SC-PRES-010", category="presence", p21="SD0070")
def exposure_present(ctx) -> Iterator[Hits]:
    """P21 SD0070 "No Exposure record found for subject": All Demographics (DM) subjects (USUBJID)
    participating in a study that includes investigational product should have at least one record in the
    Exposure (EX) domain, except for subjects who failed screening (ARMCD = 'SCRNFAIL') or were not fully
    assigned to an Arm (ARMCD = 'NOTASSGN').

    Reported on the subject's DM record; subjects not treated (ACTARMCD 'NOTTRT', SDTMIG 3.3+ ARMNRS) are
    exempt too, reserved codes in any case."""
    yield from _subjects_without(ctx, "EX")


def _domain_missing(dom: str):
    def fn(ctx) -> Iterator[Hits]:
        if ctx.package.by_domain("DM") and not ctx.package.by_domain(dom):
            yield Hits(None, None, values=dom)

    fn.__doc__ = f"Missing {dom} dataset"
    return fn


for _i, (_dom, _p21) in enumerate(
    [
        ("AE", "SD1106"),
        ("LB", "SD1107"),
        ("VS", "SD1108"),
        ("EX", "SD1109"),
        ("DS", "SD1110"),
        ("SE", "SD1111"),
        ("TA", "SD1112"),
        ("TE", "SD1113"),
    ]
):
    rule(f"SC-PRES-{20 + _i:03d}", category="presence", p21=_p21)(_domain_missing(_dom))

# Trial Summary parameters FDA requires (TS parameter → P21 rule); one rule per parameter.
TS_REQUIRED = [
    ("ADDON", "SD2201"),
    ("AGEMAX", "SD2202"),
    ("AGEMIN", "SD2203"),
    ("LENGTH", "SD2204"),
    ("PLANSUB", "SD2205"),
    ("RANDOM", "SD2206"),
    ("SEXPOP", "SD2207"),
    ("STOPRULE", "SD2208"),
    ("TBLIND", "SD2209"),
    ("TCNTRL", "SD2210"),
    ("TDIGRP", "SD2211"),
    ("TINDTP", "SD2212"),
    ("TITLE", "SD2213"),
    ("TPHASE", "SD2214"),
    ("TTYPE", "SD2215"),
    ("CURTRT", "SD2216"),
    ("OBJPRIM", "SD2217"),
    ("SPONSOR", "SD2218"),
    ("TRT", "SD2219"),
    ("REGID", "SD2221"),
    ("OUTMSPRI", "SD2222"),
    ("PCLAS", "SD2223"),
    ("FCNTRY", "SD2224"),
    ("ADAPT", "SD2225"),
    ("DCUTDTC", "SD2226"),
    ("DCUTDESC", "SD2227"),
    ("INTMODEL", "SD2228"),
    ("NARMS", "SD2229"),
    ("STYPE", "SD2230"),
    ("INTTYPE", "SD2231"),
    ("SSTDTC", "SD2232"),
    ("SENDTC", "SD2233"),
    ("ACTSUB", "SD2234"),
    ("HLTSUBJI", "SD2235"),
    ("INDIC", "SD1226"),
]


def _ts_param_missing(parm: str, p21: str):
    def fn(ctx) -> Iterator[Hits]:
        parts = ctx.package.by_domain("TS")
        if not parts or "TSPARMCD" not in parts[0].frame.columns:
            return
        f = parts[0].frame
        if parm == "CURTRT":  # P21 SD2216: only when ADDON = 'Y'
            if "TSVAL" not in f.columns or not (f.loc[f["TSPARMCD"] == "ADDON", "TSVAL"] == "Y").any():
                return
        if parm not in set(f["TSPARMCD"]):
            yield Hits(parts[0].name, "TSPARMCD", values=parm)

    row = p21_catalog().get(p21, {})
    fn.__doc__ = f"P21 {p21} \"{row.get('Message', '')}\": {row.get('Description', '')}"
    return fn


for _i, (_parm, _p21) in enumerate(TS_REQUIRED):
    rule(f"SC-PRES-{100 + _i:03d}", category="presence", p21=_p21, cdisc="CG0287; CORE-000740")(
        _ts_param_missing(_parm, _p21)
    )


@rule("SC-PRES-011", category="presence", p21="SD1131", per_dataset=True)
def baseline_stresc_missing(ctx) -> Iterator[Hits]:
    """P21 SD1131 "Missing --STRESC value for Baseline record": A Standard Result value (--STRESC) is expected
    to be populated for Baseline records (--BLFL='Y')."""
    for ds in ctx.general():
        p = ds.parent
        if has_columns(ds, p + "BLFL", p + "STRESC"):
            f = ds.frame
            yield Hits(ds.name, p + "STRESC", (f[p + "BLFL"] == "Y") & ~present(f[p + "STRESC"]))
