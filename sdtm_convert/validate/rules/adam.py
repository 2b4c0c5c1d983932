"""ADaM rules: ADSL one record per subject, baseline flags, CHG/PCHG formulas (with a tolerance fit for
the stored precision), AVAL/AVALC one-to-one, CRITy per parameter, analysis windows, numeric dates."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from sdtm_convert.validate.helpers import has_columns as _has
from sdtm_convert.validate.helpers import inconsistent, num_key, present, show, tolerance
from sdtm_convert.validate.registry import Hits, rule

AD = ("adam",)
_DATE_FMT = re.compile(
    r"^(DATE|YYMMDD[BCDNPS]?|E8601DA|B8601DA|IS8601DA|DDMMYY[BCDNPS]?|MMDDYY[BCDNPS]?|MONYY|"
    r"WORDDATE|WEEKDATE|NLDATE|DAY|JULIAN|YYQ|MMYY|YYMM|MMDDYY)\d*\.?\d*$",
    re.I,
)
_DTM_FMT = re.compile(r"^(DATETIME|E8601DT|B8601DT|IS8601DT|DTDATE|NLDATM|MDYAMPM|DATEAMPM)\d*\.?\d*$", re.I)
_TM_FMT = re.compile(r"^(TIME|TOD|E8601TM|B8601TM|IS8601TM|HHMM|HOUR|NLTIME|TIMEAMPM)\d*\.?\d*$", re.I)
POP_FLAGS = ("COMPLFL", "FASFL", "ITTFL", "PPROTFL", "SAFFL", "RANDFL", "ENRLFL")


def _bds(ctx):
    return [d for d in ctx.datasets() if _has(d, "PARAMCD")]


@rule("AD-PRES-001", category="presence", standards=AD, p21="AD0001")
def adsl_present(ctx) -> Iterator[Hits]:
    if "ADSL" not in ctx.package.datasets:
        yield Hits(None, None, values="ADSL")


def _required(ctx, ds) -> list[str]:
    a = ctx.adam_vars
    structure = ctx.adam_structure(ds)
    return [n for n, s, c in zip(a["name"], a["structure"], a["core"]) if s == structure and c == "Req"]


def _matches(name: str, cols) -> bool:
    if name.isupper() or not re.search("[a-z]", name):
        return name in cols
    pat = re.compile(name.replace("xx", r"\d\d").replace("zz", r"\d\d").replace("y", r"\d").replace("w", r"\d") + "$")
    return any(pat.match(c) for c in cols)


_EITHER = {"AVAL": "AVALC", "AVALC": "AVAL"}  # ADaMIG 1.0 marks both Req: "at least one of AVAL or AVALC"


@rule("AD-PRES-047", category="presence", standards=AD, p21="AD0047", per_dataset=True)
def required_present(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for v in _required(ctx, ds):
            if not _matches(v, ds.columns) and _EITHER.get(v) not in ds.columns:
                yield Hits(ds.name, v)


@rule("AD-PRES-196", category="presence", standards=AD, p21="AD0196", per_dataset=True)
def required_populated(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for v in ("STUDYID", "USUBJID", "PARAM", "PARAMCD"):
            if v in ds.columns:
                yield Hits(ds.name, v, ~present(ds.frame[v]))


@rule("AD-PRES-019", category="presence", standards=AD, p21="AD0019")
def population_flags_populated(ctx) -> Iterator[Hits]:
    ds = ctx.package.datasets.get("ADSL")
    if ds is not None:
        for v in POP_FLAGS:
            if v in ds.columns:
                yield Hits(ds.name, v, ~present(ds.frame[v]))


@rule("AD-PRES-160", category="presence", standards=AD, p21="AD0160", per_dataset=True)
def awu_window_present(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if _has(ds, "AWU") and not (_has(ds, "AWLO") or _has(ds, "AWHI")):
            yield Hits(ds.name, "AWU")


@rule("AD-CONS-054", category="consistency", standards=AD, p21="AD0054")
def adsl_one_per_subject(ctx) -> Iterator[Hits]:
    ds = ctx.package.datasets.get("ADSL")
    if ds is not None and _has(ds, "USUBJID"):
        yield Hits(ds.name, "USUBJID", ds.frame["USUBJID"].duplicated())


def _base_keys(ds) -> list[str]:
    return ["USUBJID", "PARAMCD"] + (["BASETYPE"] if _has(ds, "BASETYPE") else [])


@rule("AD-CONS-154", category="consistency", standards=AD, p21="AD0154")
def ablfl_unique(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "USUBJID", "ABLFL"):
            f = ds.frame
            yield Hits(ds.name, "ABLFL", (f["ABLFL"] == "Y") & f.duplicated(_base_keys(ds) + ["ABLFL"], keep="first"))


@rule("AD-CONS-127", category="consistency", standards=AD, p21="AD0127")
def base_without_baseline(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "USUBJID", "BASE", "ABLFL"):
            f = ds.frame
            keys = _base_keys(ds)
            has_bl = f.assign(_b=f["ABLFL"] == "Y").groupby(keys, sort=False)["_b"].transform("any")
            yield Hits(ds.name, "BASE", f["BASE"].notna() & ~has_bl)


@rule("AD-CONS-152", category="consistency", standards=AD, p21="AD0152")
def base_equals_aval_on_baseline(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "ABLFL", "BASE", "AVAL"):
            f = ds.frame
            bad = (f["ABLFL"] == "Y") & ((f["BASE"] - f["AVAL"]).abs() > tolerance(f["BASE"], f["AVAL"], finest=True))
            bad |= (f["ABLFL"] == "Y") & (f["BASE"].isna() != f["AVAL"].isna())
            yield Hits(ds.name, "BASE", bad, values=show(f["BASE"], " vs AVAL ", f["AVAL"]))


@rule("AD-CONS-129", category="consistency", standards=AD, p21="AD0129")
def base_constant(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "USUBJID", "BASE"):
            f = ds.frame[_base_keys(ds)].assign(_base=num_key(ds.frame["BASE"]))
            f = f[f["_base"].notna()]
            yield Hits(
                ds.name, "BASE", inconsistent(f, _base_keys(ds), "_base").reindex(ds.frame.index, fill_value=False)
            )


@rule("AD-CONS-223", category="consistency", standards=AD, p21="AD0223")
def chg_formula(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "CHG", "AVAL", "BASE"):
            f = ds.frame
            expect = f["AVAL"] - f["BASE"]
            ok = expect.notna() & f["CHG"].notna()
            tol = tolerance(f["CHG"].where(ok, 0), f["AVAL"].where(ok, 0), f["BASE"].where(ok, 0), finest=True)
            yield Hits(
                ds.name, "CHG", ok & ((f["CHG"] - expect).abs() > tol), values=show(f["CHG"], " vs ", expect.round(8))
            )


@rule("AD-CONS-225", category="consistency", standards=AD, p21="AD0225")
def pchg_formula(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "PCHG", "AVAL", "BASE"):
            f = ds.frame
            base = f["BASE"].where(f["BASE"] != 0)
            expect = (f["AVAL"] - base) / base * 100
            ok = expect.notna() & f["PCHG"].notna()
            tol = tolerance(f["PCHG"].where(ok, 0))  # half a unit of the precision PCHG was stored with
            yield Hits(
                ds.name,
                "PCHG",
                ok & ((f["PCHG"] - expect).abs() > tol),
                values=show(f["PCHG"], " vs ", expect.round(6)),
            )


@rule("AD-CONS-225A", category="consistency", standards=AD, p21="AD0225A")
def pchg_base_zero(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "PCHG", "BASE"):
            yield Hits(ds.name, "PCHG", (ds.frame["BASE"] == 0) & ds.frame["PCHG"].notna())


def _aval_pairs(ctx, key: str, val: str) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "AVAL", "AVALC"):
            f = ds.frame
            both = f["AVAL"].notna() & present(f["AVALC"])
            g = pd.DataFrame({"p": f["PARAMCD"], "AVAL": num_key(f["AVAL"]), "AVALC": f["AVALC"]})[both]
            yield Hits(
                ds.name,
                val,
                inconsistent(g, ["p", key], val).reindex(f.index, fill_value=False),
                values=show(f["PARAMCD"], ": ", f["AVAL"], " / ", f["AVALC"]),
            )


@rule("AD-CONS-149", category="consistency", standards=AD, p21="AD0149")
def avalc_per_aval(ctx) -> Iterator[Hits]:
    yield from _aval_pairs(ctx, "AVAL", "AVALC")


@rule("AD-CONS-150", category="consistency", standards=AD, p21="AD0150")
def aval_per_avalc(ctx) -> Iterator[Hits]:
    yield from _aval_pairs(ctx, "AVALC", "AVAL")


def _crit(ds) -> list[str]:
    return [c for c in ds.columns if re.fullmatch(r"CRIT\d+", c)]


@rule("AD-CONS-151", category="consistency", standards=AD, p21="AD0151")
def crit_per_paramcd(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        for c in _crit(ds):
            f = ds.frame[present(ds.frame[c])]
            yield Hits(ds.name, c, inconsistent(f, ["PARAMCD"], c).reindex(ds.frame.index, fill_value=False))


@rule("AD-CONS-137", category="consistency", standards=AD, p21="AD0137", per_dataset=True)
def critfl_without_crit(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for fl in [c for c in ds.columns if re.fullmatch(r"CRIT\d+FL", c)]:
            crit = fl[:-2]
            if crit in ds.columns:
                yield Hits(ds.name, crit, present(ds.frame[fl]) & ~present(ds.frame[crit]))


@rule("AD-CONS-161", category="consistency", standards=AD, p21="AD0161", per_dataset=True)
def awu_window_populated(ctx) -> Iterator[Hits]:
    """P21 AD0161 "AWU is populated but both AWLO and AWHI are not populated": If AWU (Analysis Window Unit)
    is populated both AWLO and AWHI must be populated (the Analysis Window Beginning and Ending Timepoints).

    As Pinnacle 21 reports it: a record is flagged when neither bound is populated; an open window with one
    bound (AWLO only, as ADCIBC's last window) is not."""
    for ds in ctx.datasets():
        if _has(ds, "AWU"):
            lo = present(ds.frame["AWLO"]) if _has(ds, "AWLO") else False
            hi = present(ds.frame["AWHI"]) if _has(ds, "AWHI") else False
            yield Hits(ds.name, "AWU", present(ds.frame["AWU"]) & ~(lo | hi))


@rule("AD-CONS-141", category="consistency", standards=AD, p21="AD0141")
def param_per_paramcd(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "PARAM"):
            yield Hits(ds.name, "PARAM", inconsistent(ds.frame, ["PARAMCD"], "PARAM"))


@rule("AD-CONS-142", category="consistency", standards=AD, p21="AD0142")
def paramcd_per_param(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        if _has(ds, "PARAM"):
            yield Hits(ds.name, "PARAMCD", inconsistent(ds.frame, ["PARAM"], "PARAMCD"))


def _visit_pair(ctx, key: str, val: str) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if _has(ds, "AVISIT", "AVISITN"):
            f = pd.DataFrame({"AVISIT": ds.frame["AVISIT"], "AVISITN": num_key(ds.frame["AVISITN"])})
            f = f[present(ds.frame["AVISIT"]) & ds.frame["AVISITN"].notna()]
            yield Hits(ds.name, val, inconsistent(f, [key], val).reindex(ds.frame.index, fill_value=False))


@rule("AD-CONS-109", category="consistency", standards=AD, p21="AD0109", per_dataset=True)
def avisitn_per_avisit(ctx) -> Iterator[Hits]:
    yield from _visit_pair(ctx, "AVISIT", "AVISITN")


@rule("AD-CONS-110", category="consistency", standards=AD, p21="AD0110", per_dataset=True)
def avisit_per_avisitn(ctx) -> Iterator[Hits]:
    yield from _visit_pair(ctx, "AVISITN", "AVISIT")


@rule("AD-CONS-046", category="consistency", standards=AD, p21="AD0046", per_dataset=True)
def dy_zero(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in ds.columns:
            if c.endswith("DY") and ds.is_numeric(c):
                yield Hits(ds.name, c, ds.frame[c] == 0)


@rule("AD-CONS-121", category="consistency", standards=AD, p21="AD0121", per_dataset=True)
def sdt_after_edt(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for s in [c for c in ds.columns if c.endswith("SDT")]:
            e = s[:-3] + "EDT"
            if e in ds.columns and ds.is_numeric(s) and ds.is_numeric(e):
                yield Hits(ds.name, s, ds.frame[s] > ds.frame[e], values=show(ds.frame[s], " > ", ds.frame[e]))


def _fl_fn(ctx, fl_value: str, fn_value: float) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for fl in [c for c in ds.columns if c.endswith("FL")]:
            fn = fl[:-1] + "N"
            if fn in ds.columns and ds.is_numeric(fn) and not ds.is_numeric(fl):
                yield Hits(ds.name, fn, (ds.frame[fl] == fl_value) & (ds.frame[fn] != fn_value))


@rule("AD-CONS-010", category="consistency", standards=AD, p21="AD0010", per_dataset=True)
def fl_y_fn_1(ctx) -> Iterator[Hits]:
    yield from _fl_fn(ctx, "Y", 1.0)


@rule("AD-CONS-011", category="consistency", standards=AD, p21="AD0011", per_dataset=True)
def fl_n_fn_0(ctx) -> Iterator[Hits]:
    yield from _fl_fn(ctx, "N", 0.0)


def _date_vars(ds, suffix: str) -> list[str]:
    return [c for c in ds.columns if c.endswith(suffix) and not c.endswith("DTF") and len(c) > len(suffix)]


@rule("AD-FMT-058", category="format", standards=AD, p21="AD0058", per_dataset=True)
def dt_numeric(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in _date_vars(ds, "DT"):
            if not ds.is_numeric(c):
                yield Hits(ds.name, c, values="Char")


def _fmt(ctx, suffix: str, pat: re.Pattern) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in _date_vars(ds, suffix):
            if ds.is_numeric(c) and not pat.match(ds.formats.get(c, "") or ""):
                yield Hits(ds.name, c, values=ds.formats.get(c) or "(no format)")


@rule("AD-FMT-041", category="format", standards=AD, p21="AD0041")
def dt_format(ctx) -> Iterator[Hits]:
    yield from _fmt(ctx, "DT", _DATE_FMT)


@rule("AD-FMT-043", category="format", standards=AD, p21="AD0043")
def dtm_format(ctx) -> Iterator[Hits]:
    yield from _fmt(ctx, "DTM", _DTM_FMT)


@rule("AD-FMT-042", category="format", standards=AD, p21="AD0042", per_dataset=True)
def tm_format(ctx) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in _date_vars(ds, "TM"):
            if c.endswith("DTM") or c.endswith("ELTM") or c.endswith("RELTM"):
                continue
            if ds.is_numeric(c) and not _TM_FMT.match(ds.formats.get(c, "") or ""):
                yield Hits(ds.name, c, values=ds.formats.get(c) or "(no format)")


@rule("AD-FMT-143", category="format", standards=AD, p21="AD0143")
def paramcd_format(ctx) -> Iterator[Hits]:
    for ds in _bds(ctx):
        s = ds.frame["PARAMCD"]
        yield Hits(ds.name, "PARAMCD", present(s) & ~s.str.fullmatch(r"[A-Z_][A-Z0-9_]{0,7}").fillna(False))



# -- more Pinnacle 21 ADaM ids: each docstring starts with the P21 message and description --------------------


def _start_end(ctx, start: str, end: str) -> Iterator[Hits]:
    """Numeric ``*<start>`` greater than its ``*<end>`` partner (same prefix)."""
    for ds in ctx.datasets():
        for s in [c for c in ds.columns if c.endswith(start)]:
            e = s[: -len(start)] + end
            if e in ds.columns and ds.is_numeric(s) and ds.is_numeric(e):
                yield Hits(ds.name, s, ds.frame[s] > ds.frame[e], values=show(ds.frame[s], " > ", ds.frame[e]))


@rule("AD-CONS-098", category="consistency", standards=AD, p21="AD0098", per_dataset=True)
def sdy_after_edy(ctx) -> Iterator[Hits]:
    """P21 AD0098 "*SDY is greater than *EDY": Any variable ending in SDY (Start day) must have a value less than
    or equal to its corresponding EDY (end day) value."""
    yield from _start_end(ctx, "SDY", "EDY")


@rule("AD-CONS-099", category="consistency", standards=AD, p21="AD0099", per_dataset=True)
def stdy_after_endy(ctx) -> Iterator[Hits]:
    """P21 AD0099 "*STDY is greater than *ENDY": Any variable ending in STDY (Start day) must have a value less
    than or equal to its corresponding ENDY (end day) value."""
    yield from _start_end(ctx, "STDY", "ENDY")


@rule("AD-CONS-122", category="consistency", standards=AD, p21="AD0122", per_dataset=True)
def sdtm_after_edtm(ctx) -> Iterator[Hits]:
    """P21 AD0122 "*SDTM is greater than *EDTM": Any variable ending in SDTM (Start date time) must have a value
    less than or equal to its corresponding EDTM (end date time) value (e.g. ADSL - TRTSDTM, TR01SDTM, AP01SDTM;
    BDS - APERSDTM."""
    yield from _start_end(ctx, "SDTM", "EDTM")


@rule("AD-CONS-162", category="consistency", standards=AD, p21="AD0162", per_dataset=True)
def lo_above_hi(ctx) -> Iterator[Hits]:
    """P21 AD0162 "*LO is greater than *HI": Any variable ending in LO must have a value less than or equal to its
    corresponding HI value (e.g. AWLO, ANRLO, A1LO). Exceptions are R2AyLO.

    Ratios to the limits (R2AyLO, BR2AyLO) are not limits: a ratio to the low limit is the larger."""
    for ds in ctx.datasets():
        for lo in [c for c in ds.columns if c.endswith("LO") and not re.fullmatch(r"B?R2A\dLO", c)]:
            hi = lo[:-2] + "HI"
            if hi in ds.columns and ds.is_numeric(lo) and ds.is_numeric(hi):
                f = ds.frame
                yield Hits(ds.name, lo, f[lo] > f[hi], values=show(f[lo], " > ", f[hi]))


@rule("AD-CONS-169", category="consistency", standards=AD, p21="AD0169", per_dataset=True)
def cnsr_integer(ctx) -> Iterator[Hits]:
    """P21 AD0169 "CNSR is not an integer >= 0": Censor value (CNSR) must be an integer. Defines whether the event
    was censored (period of observation truncated prior to event being observed)."""
    for ds in ctx.datasets():
        if _has(ds, "CNSR") and ds.is_numeric("CNSR"):
            c = ds.frame["CNSR"]
            yield Hits(ds.name, "CNSR", c.notna() & ((c < 0) | (c != c.round())))


@rule("AD-CONS-148", category="consistency", standards=AD, p21="AD0148", per_dataset=True)
def paramn_integer(ctx) -> Iterator[Hits]:
    """P21 AD0148 "PARAMN is not an integer": Numeric Value of Parameter name (PARAMN) must be an integer."""
    for ds in ctx.datasets():
        if _has(ds, "PARAMN") and ds.is_numeric("PARAMN"):
            n = ds.frame["PARAMN"]
            yield Hits(ds.name, "PARAMN", n.notna() & (n != n.round()))


def _both_or_neither(ctx, a: str, b: str) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if _has(ds, a, b):
            pa, pb = present(ds.frame[a]), present(ds.frame[b])
            yield Hits(ds.name, a if pb.any() else b, pa != pb, values=show(ds.frame[a], " / ", ds.frame[b]))


@rule("AD-CONS-112", category="consistency", standards=AD, p21="AD0112", per_dataset=True)
def areltm_pair(ctx) -> Iterator[Hits]:
    """P21 AD0112 "Only one of these variables is populated: ARELTM,ARELTMU": If ARELTMU (Analysis Relative Time
    unit) or ARELTM (Analysis Relative Time) is populated, then both must be populated together."""
    yield from _both_or_neither(ctx, "ARELTM", "ARELTMU")


@rule("AD-CONS-115", category="consistency", standards=AD, p21="AD0115", per_dataset=True)
def atpt_pair(ctx) -> Iterator[Hits]:
    """P21 AD0115 "Only one of these variables is populated: ATPTREF,ATPT": If ATPT (Analysis Timepoint) or ATPTREF
    (Analysis Timepoint Reference) is populated, then both must be populated together."""
    yield from _both_or_neither(ctx, "ATPTREF", "ATPT")


@rule("AD-CONS-267", category="consistency", standards=AD, p21="AD0267", per_dataset=True)
def adur_pair(ctx) -> Iterator[Hits]:
    """P21 AD0267 "Only one of these variables is populated: ADURU, ADURN": If ADURU (AE Duration unit) or ADURN
    (AE Duration (N)) is populated, then both must be populated together."""
    yield from _both_or_neither(ctx, "ADURU", "ADURN")


@rule("AD-CONS-274", category="consistency", standards=AD, p21="AD0274", per_dataset=True)
def doseaeon_pair(ctx) -> Iterator[Hits]:
    """P21 AD0274 "Only one of these variables is populated: DOSEAEON,DOSAEONU": If DOSAEONU (Study Drug Dose at AE
    Onset unit) or DOSEAEON (Study Drug Dose at AE Onset) is populated, then both must be populated together."""
    yield from _both_or_neither(ctx, "DOSEAEON", "DOSAEONU")


@rule("AD-CONS-275", category="consistency", standards=AD, p21="AD0275", per_dataset=True)
def dosecum_pair(ctx) -> Iterator[Hits]:
    """P21 AD0275 "Only one of these variables is populated: DOSECUMU,DOSECUM": If DOSECUMU (Cumulative Study Drug
    Dose unit) or populated DOSECUM (Cumulative Study Drug Dose) is populated, then both must be populated
    together."""
    yield from _both_or_neither(ctx, "DOSECUM", "DOSECUMU")


def _imputed_without_value(ctx, flag: str, value: str) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for f_col in [c for c in ds.columns if c.endswith(flag)]:
            v = f_col[: -len(flag)] + value
            if v in ds.columns:
                yield Hits(ds.name, f_col, present(ds.frame[f_col]) & ~present(ds.frame[v]))


@rule("AD-CONS-263", category="consistency", standards=AD, p21="AD0263", per_dataset=True)
def dtf_without_dt(ctx) -> Iterator[Hits]:
    """P21 AD0263 "*DTF is populated but *DT is not populated": If a date variable (DT) is indicated to be
    imputated by population of an Imputation flag (DTF), that date variable (DT) must have a value."""
    yield from _imputed_without_value(ctx, "DTF", "DT")


@rule("AD-CONS-264", category="consistency", standards=AD, p21="AD0264", per_dataset=True)
def tmf_without_tm(ctx) -> Iterator[Hits]:
    """P21 AD0264 "*TMF is populated but *TM is not populated": If a time variable (TM) is indicated to be
    imputated by population of an Imputation flag (TMF), that time variable (TM) must have a value."""
    yield from _imputed_without_value(ctx, "TMF", "TM")


@rule("AD-CONS-012", category="consistency", standards=AD, p21="AD0012", per_dataset=True)
def fn_without_fl(ctx) -> Iterator[Hits]:
    """P21 AD0012 "Secondary variable *FN is populated but its primary variable *FL is not populated": When a
    numeric Flag variable (*FN) is populated, its corresponding character Flag variable (*FL) must be populated."""
    for ds in ctx.datasets():
        for fn in [c for c in ds.columns if c.endswith("FN")]:
            fl = fn[:-1] + "L"
            if fl in ds.columns:
                yield Hits(ds.name, fl, present(ds.frame[fn]) & ~present(ds.frame[fl]))


@rule("AD-CONS-146", category="consistency", standards=AD, p21="AD0146")
def param_per_paramn(ctx) -> Iterator[Hits]:
    """P21 AD0146 "Inconsistent value for PARAM": Within a study, All PARAM values must be the same for each unique
    value of PARAMN when primary variable PARAM is populated."""
    for ds in _bds(ctx):
        if _has(ds, "PARAM", "PARAMN"):
            f = pd.DataFrame({"n": num_key(ds.frame["PARAMN"]), "p": ds.frame["PARAM"]})
            f = f[f["n"].notna() & present(ds.frame["PARAM"])]
            yield Hits(ds.name, "PARAM", inconsistent(f, ["n"], "p").reindex(ds.frame.index, fill_value=False))


@rule("AD-CONS-147", category="consistency", standards=AD, p21="AD0147")
def paramn_per_param(ctx) -> Iterator[Hits]:
    """P21 AD0147 "Inconsistent value for PARAMN": Within a study, All PARAMN values must be the same for each unique
    value of PARAM when primary variable PARAM is populated."""
    for ds in _bds(ctx):
        if _has(ds, "PARAM", "PARAMN"):
            f = pd.DataFrame({"n": num_key(ds.frame["PARAMN"]), "p": ds.frame["PARAM"]})
            f = f[present(ds.frame["PARAM"])]
            yield Hits(ds.name, "PARAMN", inconsistent(f, ["p"], "n").reindex(ds.frame.index, fill_value=False))


@rule("AD-CONS-175", category="consistency", standards=AD, p21="AD0175")
def lvotfl_once(ctx) -> Iterator[Hits]:
    """P21 AD0175 "There is more than 1 record with LVOTFL = Y for a unique USUBJID and PARAMCD": For a set of
    [Study (STUDYID, Subject (USUBJID), Parameter (PARAM)], Last Value on Treatment (LVOTFL) should be set on only
    one record."""
    for ds in _bds(ctx):
        if _has(ds, "USUBJID", "LVOTFL"):
            f = ds.frame
            keys = [c for c in ("USUBJID", "PARAMCD", "BASETYPE") if c in f.columns]
            y = f["LVOTFL"] == "Y"
            yield Hits(ds.name, "LVOTFL", y & f[keys].duplicated(keep="first") & y.groupby(
                [f[k] for k in keys], sort=False).transform("sum").gt(1))


@rule("AD-PRES-198", category="presence", standards=AD, p21="AD0198")
def aval_or_avalc_present(ctx) -> Iterator[Hits]:
    """P21 AD0198 "Neither AVAL nor AVALC are present in dataset": At least one analysis value (numeric or
    character) must be present in BDS."""
    for ds in _bds(ctx):
        if "AVAL" not in ds.columns and "AVALC" not in ds.columns:
            yield Hits(ds.name, "AVAL")


# Variable presence pairs of the P21 ADaM catalogue: (P21 id, a present variable (regex), the variable it needs)
NEEDS_VARIABLE = [
    ("AD0007", r"(.+)FN", r"\1FL"),
    ("AD0111", r"ARELTM", "ARELTMU"),
    ("AD0113", r"ARELTMU", "ARELTM"),
    ("AD0156", r"CRIT(\d+)FL", r"CRIT\1"),
    ("AD0157", r"CRIT(\d+)", r"CRIT\1FL"),
    ("AD0158", r"AWTDIFF", "AWTARGET"),
    ("AD0163", r"BTOXGR", "ATOXGR"),
    ("AD0164", r"BTOXGR", "ABLFL"),
    ("AD0166", r"BNRIND", "ANRIND"),
    ("AD0167", r"BNRIND", "ABLFL"),
    ("AD0170", r"STARTDT", "CNSR"),
    ("AD0245", r"CNSR", "STARTDT"),
    ("AD0250", r"EVNTDESC|CNSDTDSC", "CNSR"),
    ("AD1015", r"APHASE", "APERIOD"),
    ("AD0127A", r"BASEC?", "ABLFL"),
    ("AD0064", r"TRT(\d\d)AN", r"TRT\1A"),
    ("AD0075", r"TRT(\d\d)PN", r"TRT\1P"),
    ("AD0080", r"TRT(\d\d)A", r"TRT\1P"),
]


def _needs_variable(p21: str, present_pat: str, needed: str):
    pat = re.compile(present_pat)

    def fn(ctx) -> Iterator[Hits]:
        for ds in ctx.datasets():
            for c in ds.columns:
                m = pat.fullmatch(c)
                if m and m.expand(needed) not in ds.columns:
                    yield Hits(ds.name, m.expand(needed), values=f"{c} present")

    from sdtm_convert.validate.registry import p21_catalog

    row = p21_catalog().get(p21, {})
    fn.__doc__ = f"P21 {p21} \"{row.get('Message', '')}\": {row.get('Description', '')}"
    return fn


for _p21, _pat, _needed in NEEDS_VARIABLE:
    rule(f"AD-PRES-{_p21[2:].lstrip('0').zfill(3)}", category="presence", standards=AD, p21=_p21, per_dataset=True)(
        _needs_variable(_p21, _pat, _needed)
    )


def _baseline_equal(ctx, base: str, analysis: str) -> Iterator[Hits]:
    for ds in ctx.datasets():
        if _has(ds, "ABLFL", base, analysis):
            f = ds.frame
            yield Hits(ds.name, base, (f["ABLFL"] == "Y") & (f[base] != f[analysis]),
                       values=show(f[base], " / ", f[analysis]))


@rule("AD-CONS-165", category="consistency", standards=AD, p21="AD0165", per_dataset=True)
def btoxgr_on_baseline(ctx) -> Iterator[Hits]:
    """P21 AD0165 "ABLFL = Y, but BTOXGR != ATOXGR": If the record is flagged as the baseline (ABLFL = Y), then the
    baseline toxicity grade (BTOXGR) value must equal the analysis toxicity grade (ATOXGR) value."""
    yield from _baseline_equal(ctx, "BTOXGR", "ATOXGR")


@rule("AD-CONS-168", category="consistency", standards=AD, p21="AD0168", per_dataset=True)
def bnrind_on_baseline(ctx) -> Iterator[Hits]:
    """P21 AD0168 "ABLFL = Y, but BNRIND != ANRIND": If the record is flagged as the baseline (ABLFL = Y), then the
    baseline normal range indicator (BNRIND) value must equal the analysis normal range indicator (ANRIND)
    value."""
    yield from _baseline_equal(ctx, "BNRIND", "ANRIND")
