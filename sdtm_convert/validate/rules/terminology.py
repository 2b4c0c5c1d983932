"""Terminology: values in CDISC CT codelists (per CT version), TEST/TESTCD pairs, define.xml codelists,
ADaM flag value sets."""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

from sdtm_convert.validate.helpers import is_number_or_limit, present, show
from sdtm_convert.validate.registry import Hits, rule

_RESULT = re.compile(r"^[A-Z]{2}(ORRES|STRESC)$")


def _codelists(ctx, ds) -> dict[str, list[str]]:
    """Variable → CT codelist C-codes, from SDTMIG (SDTM) or ADaMIG (ADaM) metadata; an ADaM variable that
    ADaMIG does not list but SDTMIG does (copied from SDTM, e.g. ADAE.AESEV) keeps its SDTMIG codelist."""
    if ctx.kind == "sdtm":
        meta = ctx.sdtm_vars(ds)
        listed = {n: list(c) for n, c in zip(meta["name"], meta["codelist_codes"]) if c}
        return listed | ctx.added_codelists(ds)
    out: dict[str, list[str]] = dict(ctx.copied_sdtm_codelists(ds))
    a = ctx.adam_vars
    for n, cls in zip(a["name"], a["codelists"]):
        if cls and n in ds.columns:
            out[n] = [ctx.ct.resolve(c) for c in cls if ctx.ct.resolve(c)]
    return out


EXTENDED_TERM = "Extended value declared in define.xml"  # message start of a declared sponsor term


def _declared_extended(ctx, ds, var: str) -> frozenset[str]:
    """Terms of ``ds.var``'s define.xml codelist marked ``def:ExtendedValue="Yes"`` (empty without define)."""
    d = ctx.define
    dd = d.datasets.get(ds.name) if d is not None else None
    v = dd.variables.get(var) if dd is not None else None
    cl = d.codelists.get(v.codelist or "") if v is not None else None
    return cl.extended if cl is not None else frozenset()


def _per_term(ds, var: str, bad: np.ndarray, codelist: str, extensible: bool,
              declared: frozenset[str]) -> Iterator[Hits]:
    """One finding per distinct term (on its first record), with the number of records holding it."""
    pos = np.flatnonzero(bad)
    terms = ds.frame[var].to_numpy(dtype=object)[pos]
    codes, uniques = pd.factorize(terms, sort=True)
    counts = np.bincount(codes, minlength=len(uniques))
    _, first = np.unique(codes, return_index=True)
    kind = "extensible" if extensible else "non-extensible"
    for k, term in enumerate(uniques):
        n = int(counts[k])
        where = f"{codelist}, {n} record{'s' if n != 1 else ''}"
        if extensible and term in declared:
            msg = f'{EXTENDED_TERM} (def:ExtendedValue="Yes") for extensible codelist {where}'
        else:
            msg = f"Value not found in {kind} codelist {where}"
        yield Hits(ds.name, var, pos[first[k] : first[k] + 1], values=str(term), message=msg, count=n)


def _ct_misses(ctx, extensible: bool) -> Iterator[Hits]:
    if ctx.ct is None:
        return
    for ds in ctx.datasets():
        for var, codes in _codelists(ctx, ds).items():
            if var not in ds.columns or ds.is_numeric(var):
                continue
            lists = [ctx.ct.codelist(c) for c in codes if c in ctx.ct]
            if not lists or any(cl.extensible for cl in lists) != extensible:
                continue
            allowed = set().union(*(ctx.cl_values(cl.code) for cl in lists))
            numeric_ok = bool(_RESULT.match(var))  # numeric results ('3.4', '<3.42') are not coded

            def test(u, allowed=allowed, numeric_ok=numeric_ok):
                bad = (u.str.strip() != "") & ~u.isin(allowed)
                return bad & ~is_number_or_limit(u) if numeric_ok else bad

            bad = ds.rows_where(var, test)
            if bad.any():
                names = "/".join(cl.short_name for cl in lists) + f" (CT {ctx.ct.version})"
                declared = _declared_extended(ctx, ds, var) if extensible else frozenset()
                yield from _per_term(ds, var, bad, names, extensible, declared)


@rule("SC-CT-001", category="terminology", standards=("sdtm", "adam"), p21="CT2001")
def ct_non_extensible(ctx) -> Iterator[Hits]:
    """One finding per dataset × variable × codelist × term, with the number of records holding the term."""
    yield from _ct_misses(ctx, extensible=False)


@rule("SC-CT-002", category="terminology", standards=("sdtm", "adam"), p21="CT2002")
def ct_extensible(ctx) -> Iterator[Hits]:
    """As SC-CT-001; a term that define.xml declares as an extended value (``def:ExtendedValue="Yes"``)
    is reported as such (message starting :data:`EXTENDED_TERM`), still a warning to review."""
    yield from _ct_misses(ctx, extensible=True)


@rule("SC-CT-003", category="terminology", p21="CT2003")
def test_testcd_pair(ctx) -> Iterator[Hits]:
    if ctx.ct is None:
        return
    for ds in ctx.datasets():
        p = ds.parent
        cd, te = p + "TESTCD", p + "TEST"
        cls = _codelists(ctx, ds)
        if cd not in ds.columns or te not in ds.columns or cd not in cls or te not in cls:
            continue
        code_cd, code_te = ctx.cl_codes(cls[cd][0]), ctx.cl_codes(cls[te][0])
        pairs = ds.frame[[cd, te]].drop_duplicates()
        a, b = pairs[cd].map(code_cd), pairs[te].map(code_te)
        bad_pairs = pairs[a.notna() & b.notna() & (a != b)]
        if len(bad_pairs):
            m = ds.frame[[cd, te]].merge(bad_pairs.assign(_b=True), how="left", on=[cd, te])["_b"].fillna(False)
            yield Hits(ds.name, te, m.to_numpy(dtype=bool), values=show(ds.frame[cd], " / ", ds.frame[te]))


@rule("SC-CT-004", category="terminology", standards=("sdtm", "adam"), p21="SD0037")
def define_codelist(ctx) -> Iterator[Hits]:
    d = ctx.define
    if d is None:
        return
    for ds in ctx.datasets():
        dd = d.datasets.get(ds.name)
        if dd is None:
            continue
        for v in dd.variables.values():
            cl = d.codelists.get(v.codelist or "")
            if cl is None or not cl.values or v.name not in ds.columns:
                continue
            s = ds.frame[v.name]
            if ds.is_numeric(v.name):
                allowed = pd.to_numeric(pd.Series(cl.values), errors="coerce").dropna().round(9)
                bad = s.notna() & ~s.round(9).isin(set(allowed))
            else:
                bad = present(s) & ~s.isin(set(cl.values))
            if bad.any():
                yield Hits(ds.name, v.name, bad, message=f"Value not found in define.xml codelist {cl.name}")


def _flag_values(ctx, pick, allowed: set, numeric: bool = False) -> Iterator[Hits]:
    for ds in ctx.datasets():
        for c in ds.columns:
            if not pick(c) or ds.is_numeric(c) != numeric:
                continue
            s = ds.frame[c]
            bad = s.notna() & ~s.isin(allowed) if numeric else present(s) & ~s.isin(allowed)
            yield Hits(ds.name, c, bad)


_Y_ONLY = re.compile(r"^(ABLFL|ANL\d\dFL|.*RFL|.*PFL)$")


@rule("AD-CT-005", category="terminology", standards=("adam",), p21="AD0005")
def fl_values(ctx) -> Iterator[Hits]:
    yield from _flag_values(ctx, lambda c: c.endswith("FL") and not _Y_ONLY.match(c), {"Y", "N"})


@rule("AD-CT-006", category="terminology", standards=("adam",), p21="AD0006")
def fn_values(ctx) -> Iterator[Hits]:
    yield from _flag_values(
        ctx, lambda c: c.endswith("FN") and not re.match(r"^(ABLFN|ANL\d\dFN)$", c), {0.0, 1.0}, numeric=True
    )


@rule("AD-CT-176", category="terminology", standards=("adam",), p21="AD0176")
def ablfl_values(ctx) -> Iterator[Hits]:
    yield from _flag_values(ctx, lambda c: c == "ABLFL", {"Y"})


@rule("AD-CT-178", category="terminology", standards=("adam",), p21="AD0178")
def anlfl_values(ctx) -> Iterator[Hits]:
    yield from _flag_values(ctx, lambda c: bool(re.fullmatch(r"ANL\d\dFL", c)), {"Y"})


@rule("AD-CT-033", category="terminology", standards=("adam",), p21="AD0033")
def rfl_values(ctx) -> Iterator[Hits]:
    """P21 AD0033 "*RFL value is not Y or null": A variable with a suffix of RFL must have a value that is Y or null
    (R = record level flag variable)."""
    yield from _flag_values(ctx, lambda c: c.endswith("RFL"), {"Y"})


@rule("AD-CT-034", category="terminology", standards=("adam",), p21="AD0034")
def pfl_values(ctx) -> Iterator[Hits]:
    """P21 AD0034 "*PFL value is not Y or null": A variable with a suffix of PFL must have a value that is Y or null
    (P = parameter level flag variable)."""
    yield from _flag_values(ctx, lambda c: c.endswith("PFL"), {"Y"})


@rule("AD-CT-035", category="terminology", standards=("adam",), p21="AD0035")
def rfn_values(ctx) -> Iterator[Hits]:
    """P21 AD0035 "*RFN value is not 1 or null": A variable with a suffix of RFN must have a value that is 1 or null
    (R = record level flag variable)."""
    yield from _flag_values(ctx, lambda c: c.endswith("RFN"), {1.0}, numeric=True)


@rule("AD-CT-036", category="terminology", standards=("adam",), p21="AD0036")
def pfn_values(ctx) -> Iterator[Hits]:
    """P21 AD0036 "*PFN value is not 1 or null": A variable with a suffix of PFN must have a value that is 1 or null
    (P = parameter level flag variable)."""
    yield from _flag_values(ctx, lambda c: c.endswith("PFN"), {1.0}, numeric=True)


@rule("AD-CT-211", category="terminology", standards=("adam",), p21="AD0211")
def ablfn_values(ctx) -> Iterator[Hits]:
    """P21 AD0211 "ABLFN value is not 1 or null": ABLFN (Analysis Baseline Flag Numeric) must be 1 or null."""
    yield from _flag_values(ctx, lambda c: c == "ABLFN", {1.0}, numeric=True)


@rule("AD-CT-212", category="terminology", standards=("adam",), p21="AD0212")
def anlfn_values(ctx) -> Iterator[Hits]:
    """P21 AD0212 "ANLzzFN value is not 1 or null": ANLzzFN (Analyzed Record Flag zz Numeric) must be 1 or null."""
    yield from _flag_values(ctx, lambda c: bool(re.fullmatch(r"ANL\d\dFN", c)), {1.0}, numeric=True)
