"""Consistency within a dataset (or a split domain): DOMAIN, --SEQ, VISIT/VISITNUM, units, result pairs,
seriousness, dates ordered, one-to-one code/decode pairs. Numbers are compared as numbers."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.validate.helpers import (
    ARM_EXCEPTIONS,
    arm_code_in,
    inconsistent,
    is_number,
    num_key,
    present,
    show,
    to_number,
    tolerance,
)
from sdtm_convert.validate.helpers import (
    has_columns as _has,
)
from sdtm_convert.validate.registry import Hits, rule


@rule("SC-CONS-001", category="consistency", p21="SD0004", per_dataset=True)
def domain_value(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if "DOMAIN" in ds.columns and not ds.domain.startswith("SUPP"):
            s = ds.frame["DOMAIN"]
            ok = ds.name.startswith(ds.domain) and len(ds.domain) == 2 or ds.domain == ds.name
            yield Hits(ds.name, "DOMAIN", (s != ds.domain) if ok else pd.Series(True, index=s.index))


@rule("SC-CONS-002", category="consistency", p21="SD0005")
def seq_unique(ctx) -> Iterator[Hits]:
    """--SEQ unique per subject within the parent domain (split datasets share one --SEQ space)."""
    groups: dict[str, list] = {}
    for ds in ctx.subject_level():
        if _has(ds, ds.parent + "SEQ"):
            groups.setdefault(ds.parent, []).append(ds)
    for dom, parts in groups.items():
        seq = dom + "SEQ"
        keys = [k for k in ("USUBJID", "POOLID", "SPDEVID") if all(k in d.columns for d in parts)]
        stack = pd.concat(
            [
                pd.DataFrame(
                    {
                        **{k: d.frame[k].to_numpy() for k in keys},
                        "_seq": num_key(d.frame[seq]).to_numpy(),
                        "_ds": d.name,
                        "_pos": np.arange(len(d.frame)),
                    }
                )
                for d in parts
            ],
            ignore_index=True,
        )
        dup = stack.duplicated(keys + ["_seq"], keep="first") & stack["_seq"].notna()
        for d in parts:
            m = stack.loc[dup & (stack["_ds"] == d.name), "_pos"].to_numpy()
            yield Hits(d.name, seq, m)


@rule("SC-CONS-003", category="consistency", p21="SD0051", per_dataset=True)
def visit_within_visitnum(ctx) -> Iterator[Hits]:
    for ds in ctx.subject_level():
        if _has(ds, "VISIT", "VISITNUM"):
            f = pd.DataFrame({"n": num_key(ds.frame["VISITNUM"]), "v": ds.frame["VISIT"]})
            yield Hits(ds.name, "VISIT", inconsistent(f[f["n"].notna()], ["n"], "v").reindex(f.index, fill_value=False))


@rule("SC-CONS-004", category="consistency", p21="SD0052", per_dataset=True)
def visitnum_within_visit(ctx) -> Iterator[Hits]:
    for ds in ctx.subject_level():
        if _has(ds, "VISIT", "VISITNUM"):
            f = pd.DataFrame({"n": num_key(ds.frame["VISITNUM"]), "v": ds.frame["VISIT"]})
            f = f[f["v"] != ""]
            yield Hits(ds.name, "VISITNUM", inconsistent(f, ["v"], "n").reindex(ds.frame.index, fill_value=False))


@rule("SC-CONS-005", category="consistency", p21="SD0007", per_dataset=True)
def stresu_per_test(ctx) -> Iterator[Hits]:
    for ds in ctx.general():
        p = ds.parent
        if not _has(ds, p + "TESTCD", p + "STRESU", p + "STRESC"):
            continue
        keys = [c for c in (p + "TESTCD", p + "CAT", p + "SPEC", p + "METHOD") if c in ds.columns]
        f = ds.frame[present(ds.frame[p + "STRESC"])]
        yield Hits(ds.name, p + "STRESU", inconsistent(f, keys, p + "STRESU").reindex(ds.frame.index, fill_value=False))


_SCORES = {"QS", "RS"}  # questionnaire and response scores: a number is a score, which has no unit


def _missing_when(ctx, target: str, when: str, numeric_only: bool = False) -> Iterator[Hits]:
    """``target`` empty where ``when`` is populated (``numeric_only``: where ``when`` holds a number). For units,
    every test of a measurement domain counts, also those that never carry a unit (pH, specific gravity):
    Pinnacle 21 reports them and a reviewer's guide explains them. In score domains (QS, RS) only tests that
    carry a unit on other records count (a timed test in seconds): a score has no unit to give."""
    for ds in ctx.general():
        p = ds.parent
        t, w = p + target, p + when
        if not _has(ds, w, t):
            continue
        cond = present(ds.frame[w])
        if numeric_only:
            cond &= is_number(ds.frame[w])
            if target.endswith("U") and p in _SCORES and _has(ds, p + "TESTCD"):
                f = ds.frame
                cond &= f[p + "TESTCD"].isin(set(f.loc[present(f[t]), p + "TESTCD"].unique()))
        yield Hits(ds.name, t, cond & ~present(ds.frame[t]), values=ds.frame[w])


@rule(
    "SC-CONS-006",
    per_dataset=True,
    category="consistency",
    p21="SD0026",
    description="Original units (--ORRESU) are populated when a numeric result (--ORRES) is provided.",
)
def orresu_when_orres(ctx) -> Iterator[Hits]:
    """P21 SD0026 "Missing value for --ORRESU, when --ORRES is provided": Original Units (--ORRESU) should not
    be NULL, when Result or Finding in Original Units (--ORRES) is provided.

    Checked for numeric results of every test; a text result ('NEGATIVE', 'YELLOW') has no unit to give, nor a
    questionnaire score (QS, RS: only tests that carry a unit on other records are checked there)."""
    yield from _missing_when(ctx, "ORRESU", "ORRES", numeric_only=True)


@rule("SC-CONS-007", category="consistency", p21="SD0027", per_dataset=True)
def orres_when_orresu(ctx) -> Iterator[Hits]:
    yield from _missing_when(ctx, "ORRES", "ORRESU")


@rule(
    "SC-CONS-008",
    per_dataset=True,
    category="consistency",
    p21="SD0029",
    description="Standard units (--STRESU) are populated when a numeric standard result (--STRESC) is provided.",
)
def stresu_when_stresc(ctx) -> Iterator[Hits]:
    """P21 SD0029 "Missing value for --STRESU, when --STRESC is provided": Standard Units (--STRESU) should
    not be NULL, when Character Result/Finding in Std Units (--STRESC) is provided.

    Checked for numeric results of every test (as SD0026)."""
    yield from _missing_when(ctx, "STRESU", "STRESC", numeric_only=True)


@rule("SC-CONS-009", category="consistency", p21="SD0030", per_dataset=True)
def stresc_when_stresu(ctx) -> Iterator[Hits]:
    yield from _missing_when(ctx, "STRESC", "STRESU")


@rule("SC-CONS-010", category="consistency", p21="SD0036", per_dataset=True)
def stresc_when_orres(ctx) -> Iterator[Hits]:
    yield from _missing_when(ctx, "STRESC", "ORRES")


@rule("SC-CONS-011", category="consistency", p21="SD1122", per_dataset=True)
def stresn_when_numeric_stresc(ctx) -> Iterator[Hits]:
    yield from _missing_when(ctx, "STRESN", "STRESC", numeric_only=True)


@rule(
    "SC-CONS-012",
    per_dataset=True,
    category="consistency",
    severity="error",
    message="--STRESN does not equal the numeric value of --STRESC",
    description="When --STRESC holds a number, --STRESN holds the same number (compared as numbers, within the "
    "precision --STRESC was written with: '8.55' equals 8.549999999999999).",
)
def stresn_equals_stresc(ctx) -> Iterator[Hits]:
    for ds in ctx.general():
        p = ds.parent
        if not _has(ds, p + "STRESC", p + "STRESN") or not ds.is_numeric(p + "STRESN"):
            continue
        c = to_number(ds.frame[p + "STRESC"])
        n = ds.frame[p + "STRESN"]
        diff = (c - n).abs()
        cand = diff > 1e-12 * np.maximum(1.0, n.abs())  # NaN compares False
        bad = pd.Series(False, index=n.index)
        if cand.any():
            bad[cand] = diff[cand] > tolerance(c[cand], n[cand])
        yield Hits(ds.name, p + "STRESN", bad, values=show(ds.frame[p + "STRESC"], " vs ", n))


_SERIOUS = ["AESCAN", "AESCONG", "AESDISAB", "AESDTH", "AESHOSP", "AESLIFE", "AESMIE"]


@rule("SC-CONS-013", category="consistency", p21="SD0009")
def serious_criteria(ctx) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("AE"):
        f = ds.frame
        crit = [c for c in _SERIOUS if c in f.columns]
        if "AESER" in f.columns and crit:
            anyy = (f[crit] == "Y").any(axis=1)
            yield Hits(ds.name, "AESER", (f["AESER"] == "Y") & ~anyy)


@rule("SC-CONS-014", category="consistency", p21="SD0090")
def aesdth_when_fatal(ctx) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("AE"):
        if _has(ds, "AEOUT", "AESDTH"):
            yield Hits(ds.name, "AESDTH", (ds.frame["AEOUT"] == "FATAL") & (ds.frame["AESDTH"] != "Y"))


@rule("SC-CONS-015", category="consistency", p21="SD0091")
def fatal_when_aesdth(ctx) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("AE"):
        if _has(ds, "AEOUT", "AESDTH"):
            yield Hits(ds.name, "AEOUT", (ds.frame["AESDTH"] == "Y") & (ds.frame["AEOUT"] != "FATAL"))


def _pair(ctx, key: str, val: str) -> Iterator[Hits]:
    for ds in ctx.general():
        p = ds.parent
        k, v = p + key, p + val
        if _has(ds, k, v):
            by = ([p + "CAT"] if _has(ds, p + "CAT") else []) + [k]
            f = ds.frame[present(ds.frame[k])]
            yield Hits(ds.name, v, inconsistent(f, by, v).reindex(ds.frame.index, fill_value=False))


@rule("SC-CONS-016", category="consistency", p21="SD0040", per_dataset=True)
def test_within_testcd(ctx) -> Iterator[Hits]:
    yield from _pair(ctx, "TESTCD", "TEST")


@rule("SC-CONS-017", category="consistency", p21="SD1043", per_dataset=True)
def testcd_within_test(ctx) -> Iterator[Hits]:
    yield from _pair(ctx, "TEST", "TESTCD")


def _after(a: pd.Series, b: pd.Series) -> pd.Series:
    """a > b for ISO 8601 text, compared at the precision both have (2010 vs 2010-03-01: not after)."""
    return iso8601.compare(a, b).gt(0)


def _order_hits(ds, start: str, end: str) -> Iterator[Hits]:
    p = ds.parent if ds.parent != "DM" else ""
    s, e = (p + start, p + end) if p else (start, end)
    if _has(ds, s, e) and not ds.is_numeric(s) and not ds.is_numeric(e):
        yield Hits(ds.name, s, _after(ds.frame[s], ds.frame[e]), values=show(ds.frame[s], " > ", ds.frame[e]))


def _date_order(ctx, start: str, end: str) -> Iterator[Hits]:
    for ds in ctx.subject_level():
        yield from _order_hits(ds, start, end)


@rule("SC-CONS-018", category="consistency", p21="SD0013", per_dataset=True)
def stdtc_after_endtc(ctx) -> Iterator[Hits]:
    yield from _date_order(ctx, "STDTC", "ENDTC")


@rule("SC-CONS-019", category="consistency", p21="SD0025", per_dataset=True)
def dtc_after_endtc(ctx) -> Iterator[Hits]:
    """P21 SD0025 "--DTC is after --ENDTC": Date/Time of Specimen Collection (--DTC) must be less or equal to
    End Date/Time of Specimen Collection (--ENDTC).

    Findings only: an event's or an intervention's --DTC is the date the form was filled in, often after the
    event ended."""
    for ds in ctx.subject_level():
        if ctx.klass(ds) in ("Findings", "Findings About"):
            yield from _order_hits(ds, "DTC", "ENDTC")


@rule("SC-CONS-020", category="consistency", p21="SD1002")
def rfstdtc_after_rfendtc(ctx) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "RFSTDTC", "RFENDTC"):
            f = ds.frame
            yield Hits(
                ds.name, "RFSTDTC", _after(f["RFSTDTC"], f["RFENDTC"]), values=show(f["RFSTDTC"], " > ", f["RFENDTC"])
            )


@rule("SC-CONS-021", category="consistency", p21="SD0012", per_dataset=True)
def stdy_after_endy(ctx) -> Iterator[Hits]:
    for ds in ctx.subject_level():
        s, e = ds.parent + "STDY", ds.parent + "ENDY"
        if _has(ds, s, e) and ds.is_numeric(s) and ds.is_numeric(e):
            yield Hits(ds.name, s, ds.frame[s] > ds.frame[e])


@rule("SC-CONS-022", category="consistency", p21="SD0028", per_dataset=True)
def stnrhi_below_stnrlo(ctx) -> Iterator[Hits]:
    for ds in ctx.general():
        lo, hi = ds.parent + "STNRLO", ds.parent + "STNRHI"
        if _has(ds, lo, hi):
            a, b = to_number(ds.frame[lo]), to_number(ds.frame[hi])
            yield Hits(
                ds.name, hi, b < a - 1e-9 * np.maximum(1.0, a.abs()), values=show(ds.frame[hi], " < ", ds.frame[lo])
            )


@rule("SC-CONS-023", category="consistency", p21="SD0083")
def dm_usubjid_unique(ctx) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "USUBJID"):
            yield Hits(ds.name, "USUBJID", ds.frame["USUBJID"].duplicated())


@rule("SC-CONS-024", category="consistency", p21="SD0086")
def supp_duplicates(ctx) -> Iterator[Hits]:
    groups: dict[str, list] = {}
    for ds in ctx.supp():
        groups.setdefault(ds.parent, []).append(ds)
    key = ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM"]
    for parts in groups.values():
        parts = [d for d in parts if _has(d, *key)]
        if not parts:
            continue
        stack = pd.concat(
            [d.frame[key].assign(_ds=d.name, _pos=np.arange(len(d.frame))) for d in parts], ignore_index=True
        )
        dup = stack.duplicated(key, keep="first")
        for d in parts:
            yield Hits(d.name, "QNAM", stack.loc[dup & (stack["_ds"] == d.name), "_pos"].to_numpy())


@rule("SC-CONS-025", category="consistency", p21="SD0046", per_dataset=True)
def qlabel_within_qnam(ctx) -> Iterator[Hits]:
    for ds in ctx.supp():
        if _has(ds, "QNAM", "QLABEL"):
            yield Hits(ds.name, "QLABEL", inconsistent(ds.frame, ["QNAM"], "QLABEL"))


@rule("SC-CONS-026", category="consistency", p21="SD0038", per_dataset=True)
def study_day_zero(ctx) -> Iterator[Hits]:
    for ds in ctx.subject_level():
        for c in ds.columns:
            if c.endswith("DY") and c != "VISITDY" and ds.is_numeric(c):
                yield Hits(ds.name, c, ds.frame[c] == 0)


@rule("SC-CONS-027", category="consistency", p21="SD1038")
def tsseq_unique(ctx) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("TS"):
        if _has(ds, "TSPARMCD", "TSSEQ"):
            yield Hits(ds.name, "TSSEQ", ds.frame[["TSPARMCD", "TSSEQ"]].duplicated())


def _dm_pair(ctx, target: str, when: str) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, target, when):
            yield Hits(ds.name, target, present(ds.frame[when]) & ~present(ds.frame[target]), values=ds.frame[when])


@rule("SC-CONS-028", category="consistency", p21="SD2004")
def dthfl_when_dthdtc(ctx) -> Iterator[Hits]:
    yield from _dm_pair(ctx, "DTHFL", "DTHDTC")


@rule("SC-CONS-029", category="consistency", p21="SD2005")
def dthdtc_when_dthfl(ctx) -> Iterator[Hits]:
    yield from _dm_pair(ctx, "DTHDTC", "DTHFL")


@rule("SC-CONS-030", category="consistency", p21="SD2022")
def ageu_when_age(ctx) -> Iterator[Hits]:
    yield from _dm_pair(ctx, "AGEU", "AGE")


@rule("SC-CONS-031", category="consistency", p21="SD0011")
def screen_failure_arm(ctx) -> Iterator[Hits]:
    """P21 SD0011 "ARM is not 'Screen Failure', when ARMCD equals 'SCRNFAIL', or vice versa": Description of
    Arm (ARM) must equal 'Screen Failure', when Arm Code (ARMCD) is 'SCRNFAIL', and vice versa.

    ARMCD is compared without regard to case ('Scrnfail' is reported once, by SC-CONS-036)."""
    yield from reserved_arm_label(ctx, "SCRNFAIL", "Screen Failure")


def reserved_arm_label(ctx, code: str, label: str) -> Iterator[Hits]:
    """DM records where ARMCD is the reserved ``code`` (in any case) but ARM is not ``label``, or vice versa."""
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "ARM", "ARMCD"):
            a, c = ds.frame["ARM"], ds.frame["ARMCD"]
            yield Hits(ds.name, "ARM", arm_code_in(c, [code]) != (a == label), values=show(c, " / ", a))


@rule("SC-CONS-032", category="consistency", p21="SD1041", per_dataset=True)
def cat_equals_scat(ctx) -> Iterator[Hits]:
    for ds in ctx.general():
        c, s = ds.parent + "CAT", ds.parent + "SCAT"
        if _has(ds, c, s):
            yield Hits(ds.name, s, present(ds.frame[c]) & (ds.frame[c] == ds.frame[s]))


@rule("SC-CONS-033", category="consistency", p21="SD0048", per_dataset=True)
def orres_when_not_done(ctx) -> Iterator[Hits]:
    for ds in ctx.general():
        r, s = ds.parent + "ORRES", ds.parent + "STAT"
        if _has(ds, r, s):
            yield Hits(ds.name, r, (ds.frame[s] == "NOT DONE") & present(ds.frame[r]))


@rule("SC-CONS-034", category="consistency", p21="SD2236")
def actarmcd_equals_armcd(ctx) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("DM"):
        if _has(ds, "ARMCD", "ACTARMCD"):
            f = ds.frame
            yield Hits(ds.name, "ACTARMCD", f["ARMCD"] != f["ACTARMCD"], values=show(f["ARMCD"], " / ", f["ACTARMCD"]))


@rule("SC-CONS-035", category="consistency", p21="SD1117", per_dataset=True)
def duplicate_findings(ctx) -> Iterator[Hits]:
    for ds in ctx.general():
        p = ds.parent
        if ctx.klass(ds) != "Findings" or not _has(ds, "USUBJID", p + "TESTCD", p + "DTC"):
            continue
        keys = ["USUBJID"] + [
            c
            for c in (
                p + "CAT",
                p + "SCAT",
                p + "TESTCD",
                p + "SPEC",
                p + "METHOD",
                p + "POS",
                p + "LOC",
                p + "TPTNUM",
                p + "TPTREF",
                p + "EVAL",
                "VISITNUM",
                p + "DTC",
            )
            if c in ds.columns
        ]
        f = ds.frame
        yield Hits(ds.name, p + "TESTCD", present(f[p + "DTC"]) & f.duplicated(keys, keep="first"))


@rule(
    "SC-CONS-036",
    category="consistency",
    severity="warning",
    message="Reserved arm code not in upper case",
    description="ARMCD/ACTARMCD values reserved by SDTMIG for subjects outside the planned arms (SCRNFAIL, "
    "NOTASSGN, NOTTRT, UNPLAN) are written in upper case; one finding per subject.",
)
def arm_exception_case(ctx) -> Iterator[Hits]:
    """Not a Pinnacle 21 rule. The Pinnacle 21 rules that exempt these subjects (SD0006, SD0011, SD0066,
    SD0069, SD0070, SD0071, SD2002) compare the reserved codes without regard to case here, so a study that
    codes screen failures 'Scrnfail' gets one finding per subject about the case, not five about the arm."""
    for ds in ctx.package.by_domain("DM"):
        cols = [c for c in ("ARMCD", "ACTARMCD") if c in ds.columns]
        if not cols:
            continue
        f = ds.frame
        bad = pd.Series(False, index=f.index)
        for c in cols:
            bad |= arm_code_in(f[c], ARM_EXCEPTIONS) & ~f[c].isin(ARM_EXCEPTIONS)
        parts: list = []
        for c in cols:
            parts += [f"{', ' if parts else ''}{c} ", f[c]]
        yield Hits(ds.name, cols[0], bad, values=show(*parts))


_END_TIMING = ("ENDTC", "ENRF", "ENRTPT")


@rule("SC-CONS-037", category="consistency", p21="SD0021", per_dataset=True)
def end_timing_missing(ctx) -> Iterator[Hits]:
    """P21 SD0021 "Missing End Time-Point value": One of End Time-Point variables values is expected to be
    populated when an event or an intervention occurred. (E.g., one of End Date/Time of Event or Intervention
    (--ENDTC), End Relative to Reference Period (--ENRF), and End Relative to Reference Period (--ENRTPT)
    variables values should not be missing, or Occurrence (--OCCUR) variable value should be 'N').

    Events and Interventions datasets that carry at least one of --ENDTC, --ENRF, --ENRTPT (DS has none);
    a record with --OCCUR = 'N' or a --STAT value (not done) records no event to end."""
    for ds in ctx.general():
        hits = timing_missing(ctx, ds, _END_TIMING)
        if hits is not None:
            yield hits


def timing_missing(ctx, ds, suffixes: tuple[str, ...]) -> Hits | None:
    """In an Events/Interventions dataset carrying one of ``--<suffixes>``: the records where every one of those
    variables is empty, but for records with --OCCUR = 'N' or a --STAT value (no event); SD0021 and SD0022."""
    p = ds.parent
    cols = [p + v for v in suffixes if p + v in ds.columns]
    if ctx.klass(ds) not in ("Events", "Interventions") or not cols:
        return None
    f = ds.frame
    bad = pd.Series(True, index=f.index)
    for c in cols:
        bad &= ~present(f[c])
    if p + "OCCUR" in f.columns:
        bad &= f[p + "OCCUR"] != "N"
    if p + "STAT" in f.columns:
        bad &= ~present(f[p + "STAT"])
    return Hits(ds.name, cols[0], bad)
