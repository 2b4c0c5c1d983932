"""Cross-dataset rules: subjects in DM, arms in TA, visits in TV/SV, SUPP--/RELREC references (to the
parent domain, across its split datasets), study days against DM.RFSTDTC, elements and epochs."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from sdtm_convert.validate.helpers import arm_code_in, by_unique, iso_days, num_key, present, show, to_number
from sdtm_convert.validate.helpers import has_columns as _has
from sdtm_convert.validate.registry import Hits, rule


def _col(ctx, domain: str, col: str) -> pd.Series | None:
    f = ctx.frame(domain, [col])
    return None if f is None or col not in f.columns else f[col]


@rule("SC-XREF-001", category="cross-reference", p21="SD0064")
def subject_in_dm(ctx) -> Iterator[Hits]:
    dm = _col(ctx, "DM", "USUBJID")
    if dm is None:
        return
    subjects = set(dm)
    for ds in ctx.datasets():
        if ds.domain != "DM" and _has(ds, "USUBJID"):
            s = ds.frame["USUBJID"]
            yield Hits(ds.name, "USUBJID", present(s) & ~s.isin(subjects))


def _arm_check(ctx, var: str, exceptions: set[str]) -> Iterator[Hits]:
    ta = _col(ctx, "TA", "ARMCD")
    if ta is None:
        return
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, var):
            s = ds.frame[var]
            yield Hits(ds.name, var, present(s) & ~s.isin(set(ta)) & ~arm_code_in(s, exceptions))


@rule("SC-XREF-002", category="cross-reference", p21="SD0066")
def armcd_in_ta(ctx) -> Iterator[Hits]:
    """P21 SD0066 "Invalid ARMCD": Planned Arm Code (ARMCD) values should match entries in the Trial Arms (TA)
    dataset, except for subjects who failed screening (ARMCD = 'SCRNFAIL') or were not fully assigned to an Arm
    (ARMCD = 'NOTASSGN').

    The exceptions in any case ('Scrnfail' is reported once, by SC-CONS-036)."""
    yield from _arm_check(ctx, "ARMCD", {"SCRNFAIL", "NOTASSGN"})


@rule("SC-XREF-003", category="cross-reference", p21="SD2002")
def actarmcd_in_ta(ctx) -> Iterator[Hits]:
    """P21 SD2002 "Invalid value for ACTARMCD": Actual Arm Code (ACTARMCD) values should match entries in the
    Trial Arms (TA) dataset, except for subjects who failed screening ('SCRNFAIL'), or were not fully assigned
    to an Arm ('NOTASSGN'), or randomized but not treated ('NOTTRT'), or received non-planned treatment
    ('UNPLAN').

    The exceptions in any case ('Scrnfail' is reported once, by SC-CONS-036)."""
    yield from _arm_check(ctx, "ACTARMCD", {"SCRNFAIL", "NOTASSGN", "NOTTRT", "UNPLAN"})


@rule("SC-XREF-004", category="cross-reference", p21="SD0071")
def arm_pair_in_ta(ctx) -> Iterator[Hits]:
    """P21 SD0071 "Invalid ARM/ARMCD": The combination of Description of Planned Arm (ARM) and Planned Arm Code
    (ARMCD) values must match entries in the Trial Arms (TA) dataset, except for subjects who failed screening
    (ARMCD = 'SCRNFAIL') or were not fully assigned to an Arm (ARMCD = 'NOTASSGN').

    The exceptions in any case ('Scrnfail' is reported once, by SC-CONS-036)."""
    ta = ctx.frame("TA", ["ARMCD", "ARM"])
    if ta is None or "ARM" not in ta.columns:
        return
    pairs = set(zip(ta["ARMCD"], ta["ARM"]))
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "ARMCD", "ARM"):
            f = ds.frame
            ok = pd.Series([p in pairs for p in zip(f["ARMCD"], f["ARM"])], index=f.index, dtype=bool)
            yield Hits(
                ds.name,
                "ARM",
                ~ok & ~arm_code_in(f["ARMCD"], ["SCRNFAIL", "NOTASSGN"]) & present(f["ARMCD"]),
                values=show(f["ARMCD"], " / ", f["ARM"]),
            )


def _tv(ctx) -> pd.DataFrame | None:
    tv = ctx.frame("TV", ["VISITNUM", "VISIT"])
    if tv is None or "VISITNUM" not in tv.columns:
        return None
    return pd.DataFrame({"n": num_key(tv["VISITNUM"]), "v": tv["VISIT"] if "VISIT" in tv.columns else ""})


@rule("SC-XREF-005", category="cross-reference", p21="SD1017")
def visitnum_in_tv(ctx) -> Iterator[Hits]:
    tv = _tv(ctx)
    if tv is None:
        return
    for ds in ctx.package.by_domain("SV"):
        if _has(ds, "VISITNUM"):
            planned = ~present(ds.frame["SVUPDES"]) if _has(ds, "SVUPDES") else True
            yield Hits(ds.name, "VISITNUM", planned & ~num_key(ds.frame["VISITNUM"]).isin(set(tv["n"])))


_UNPLANNED = r"(?i)UNSCHED|UNPLAN|RETRIEVAL|EARLY|AMBUL|TERMINATION|\bET\b"


@rule("SC-XREF-006", category="cross-reference", p21="SD1023")
def visit_pair_in_tv(ctx) -> Iterator[Hits]:
    tv = _tv(ctx)
    if tv is None:
        return
    name_of = dict(zip(tv["n"], tv["v"]))
    for ds in ctx.subject_level():
        if not _has(ds, "VISITNUM", "VISIT"):
            continue
        n, v = num_key(ds.frame["VISITNUM"]), ds.frame["VISIT"]
        planned = n.isin(set(name_of))
        wrong_name = planned & (n.map(name_of) != v)
        named_unplanned = by_unique(v, lambda u: u.str.contains(_UNPLANNED, regex=True))
        unknown = ~planned & n.notna() & (n == n.round(0)) & ~named_unplanned
        yield Hits(ds.name, "VISIT", wrong_name | unknown, values=show(ds.frame["VISITNUM"], " / ", v))


@rule("SC-XREF-007", category="cross-reference", p21="SD0065")
def visit_in_sv(ctx) -> Iterator[Hits]:
    sv = ctx.frame("SV", ["USUBJID", "VISITNUM", "VISIT"])
    if sv is None or not {"USUBJID", "VISITNUM"} <= set(sv.columns):
        return
    known = pd.DataFrame({"u": sv["USUBJID"], "n": num_key(sv["VISITNUM"])}).drop_duplicates().assign(_k=True)
    for ds in ctx.general():
        if not _has(ds, "USUBJID", "VISITNUM"):
            continue
        f = pd.DataFrame({"u": ds.frame["USUBJID"], "n": num_key(ds.frame["VISITNUM"])})
        hit = f.merge(known, on=["u", "n"], how="left")["_k"].fillna(False).to_numpy(dtype=bool)
        check = f["n"].notna().to_numpy(copy=True)
        stat = ds.parent + "STAT"
        if _has(ds, stat):
            check &= ~present(ds.frame[stat]).to_numpy()
        yield Hits(ds.name, "VISITNUM", check & ~hit, values=show(ds.frame["USUBJID"], " / ", ds.frame["VISITNUM"]))


def _parent_keys(ctx, domain: str, idvar: str) -> pd.DataFrame | None:
    """(USUBJID, key) of every record of a parent domain, across its split datasets."""
    parts = [d for d in ctx.package.by_domain(domain) if not idvar or _has(d, idvar)]
    if not parts:
        return None
    cols = ["USUBJID"] + ([idvar] if idvar else [])
    f = pd.concat([d.frame[[c for c in cols if c in d.columns]] for d in parts], ignore_index=True)
    out = pd.DataFrame({"u": f["USUBJID"] if "USUBJID" in f.columns else ""}, index=f.index)
    if idvar:
        out["k"] = num_key(f[idvar]) if pd.api.types.is_numeric_dtype(f[idvar]) else f[idvar].str.strip()
    return out.drop_duplicates()


def _unresolved(ctx, frame: pd.DataFrame) -> np.ndarray:
    """Rows of a SUPP--/RELREC frame whose (RDOMAIN, USUBJID, IDVAR, IDVARVAL) names no parent record."""
    bad = np.zeros(len(frame), dtype=bool)
    for (rdom, idvar), idx in frame.groupby(["RDOMAIN", "IDVAR"], sort=False).indices.items():
        keys = _parent_keys(ctx, rdom, idvar)
        sub = frame.iloc[idx]
        if keys is None:
            bad[idx] = True
            continue
        left = pd.DataFrame({"u": sub["USUBJID"].to_numpy()})
        on = ["u"]
        if idvar:
            if pd.api.types.is_numeric_dtype(keys["k"]):
                left["k"] = num_key(to_number(sub["IDVARVAL"])).to_numpy()
            else:
                left["k"] = sub["IDVARVAL"].str.strip().to_numpy()
            on.append("k")
        hit = left.merge(keys[on].drop_duplicates().assign(_h=True), on=on, how="left")["_h"]
        bad[idx] = ~hit.fillna(False).to_numpy(dtype=bool)
    return bad


@rule(
    "SC-XREF-008",
    per_dataset=True,
    category="cross-reference",
    p21="SD0077",
    description="Every SUPP-- record refers to an existing parent record (RDOMAIN, USUBJID, IDVAR, IDVARVAL); "
    "split datasets (LBCH, LBHE, ...) together form the parent domain.",
)
def supp_reference(ctx) -> Iterator[Hits]:
    for ds in ctx.supp():
        if _has(ds, "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL"):
            f = ds.frame
            yield Hits(
                ds.name, "IDVARVAL", _unresolved(ctx, f), values=show(f["RDOMAIN"], ".", f["IDVAR"], "=", f["IDVARVAL"])
            )


@rule(
    "SC-XREF-009",
    category="cross-reference",
    p21="SD0077",
    message="Invalid referenced record in RELREC",
    description="Every RELREC record refers to an existing record of its RDOMAIN (by USUBJID, IDVAR, IDVARVAL); "
    "dataset-level relationships (USUBJID empty) are not record references.",
)
def relrec_reference(ctx) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("RELREC"):
        if not _has(ds, "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL"):
            continue
        f = ds.frame
        rec = present(f["USUBJID"]).to_numpy()
        bad = np.zeros(len(f), dtype=bool)
        if rec.any():
            bad[rec] = _unresolved(ctx, f[rec])
        yield Hits(ds.name, "IDVARVAL", bad, values=show(f["RDOMAIN"], ".", f["IDVAR"], "=", f["IDVARVAL"]))


def _domains(ctx) -> set[str]:
    return {d.parent for d in ctx.datasets()}


@rule("SC-XREF-010", category="cross-reference", p21="SD0072")
def rdomain_valid(ctx) -> Iterator[Hits]:
    doms = _domains(ctx)
    for ds in ctx.supp() + ctx.package.by_domain("RELREC"):
        if _has(ds, "RDOMAIN"):
            s = ds.frame["RDOMAIN"]
            yield Hits(ds.name, "RDOMAIN", present(s) & ~s.isin(doms))


@rule("SC-XREF-011", category="cross-reference", p21="SD0075")
def idvar_valid(ctx) -> Iterator[Hits]:
    cols: dict[str, set[str]] = {}
    for d in ctx.datasets():
        cols.setdefault(d.parent, set()).update(d.columns)
    for ds in ctx.supp() + ctx.package.by_domain("RELREC"):
        if _has(ds, "RDOMAIN", "IDVAR"):
            f = ds.frame
            pairs = f[["RDOMAIN", "IDVAR"]].drop_duplicates()
            badp = pairs[[v != "" and v not in cols.get(r, set()) for r, v in zip(pairs["RDOMAIN"], pairs["IDVAR"])]]
            m = f[["RDOMAIN", "IDVAR"]].merge(badp.assign(_b=True), how="left", on=["RDOMAIN", "IDVAR"])["_b"]
            yield Hits(ds.name, "IDVAR", m.fillna(False).to_numpy(dtype=bool))


def _study_day(ctx, dtc_suffix: str, dy_suffix: str) -> Iterator[Hits]:
    dm = ctx.frame("DM", ["USUBJID", "RFSTDTC"])
    if dm is None or "RFSTDTC" not in dm.columns:
        return
    ref = pd.Series(iso_days(dm["RFSTDTC"]).to_numpy(), index=dm["USUBJID"].to_numpy())
    ref = ref[~ref.index.duplicated()]
    for ds in ctx.subject_level():
        p = ds.parent
        dtc, dy = p + dtc_suffix, p + dy_suffix
        if ds.domain == "DM" or not _has(ds, "USUBJID", dtc, dy) or not ds.is_numeric(dy):
            continue
        days = iso_days(ds.frame[dtc]) - ds.frame["USUBJID"].map(ref).astype("float64")
        expect = days + (days >= 0)
        given = ds.frame[dy]
        yield Hits(
            ds.name,
            dy,
            expect.notna() & given.notna() & (expect != given),
            values=show("given ", given, ", expected ", expect),
        )


@rule("SC-XREF-012", category="cross-reference", p21="SD1086")
def dy_vs_rfstdtc(ctx) -> Iterator[Hits]:
    yield from _study_day(ctx, "DTC", "DY")


@rule("SC-XREF-013", category="cross-reference", p21="SD1090")
def stdy_vs_rfstdtc(ctx) -> Iterator[Hits]:
    yield from _study_day(ctx, "STDTC", "STDY")


@rule("SC-XREF-014", category="cross-reference", p21="SD1094")
def endy_vs_rfstdtc(ctx) -> Iterator[Hits]:
    yield from _study_day(ctx, "ENDTC", "ENDY")


@rule("SC-XREF-015", category="cross-reference", p21="SD0067")
def etcd_in_te(ctx) -> Iterator[Hits]:
    te = _col(ctx, "TE", "ETCD")
    if te is None:
        return
    for ds in ctx.package.by_domain("SE") + ctx.package.by_domain("TA"):
        if _has(ds, "ETCD"):
            s = ds.frame["ETCD"]
            yield Hits(ds.name, "ETCD", present(s) & ~s.isin(set(te) | {"UNPLAN"}))


@rule("SC-XREF-016", category="cross-reference", p21="SD1015")
def epoch_in_ta(ctx) -> Iterator[Hits]:
    ta = _col(ctx, "TA", "EPOCH")
    if ta is None:
        return
    for ds in ctx.subject_level():
        if _has(ds, "EPOCH") and ds.domain != "TA":
            s = ds.frame["EPOCH"]
            yield Hits(ds.name, "EPOCH", present(s) & ~s.isin(set(ta)))


@rule("AD-XREF-256", category="cross-reference", standards=("adam",), p21="AD0256")
def subject_in_adsl(ctx) -> Iterator[Hits]:
    adsl = ctx.package.datasets.get("ADSL")
    if adsl is None or not _has(adsl, "USUBJID"):
        return
    subjects = set(adsl.frame["USUBJID"])
    for ds in ctx.datasets():
        if ds.name != "ADSL" and _has(ds, "USUBJID"):
            s = ds.frame["USUBJID"]
            yield Hits(ds.name, "USUBJID", present(s) & ~s.isin(subjects))
