"""Trial design (TA, TE, TS, TV, SE, TI), relationships (SUPP--, RELREC, CO) and inclusion/exclusion rules
(Pinnacle 21 SDTM ids). Each rule's docstring starts with the Pinnacle 21 Community 2.2.0 message and
description it implements."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from sdtm_convert.validate.helpers import arm_code_in, inconsistent, num_key, present, show, to_number
from sdtm_convert.validate.helpers import has_columns as _has
from sdtm_convert.validate.registry import Hits, rule
from sdtm_convert.validate.rules.subjects import _NOT_RANDOMIZED


@rule("SC-CONS-069", category="consistency", p21="SD1130", per_dataset=True)
def qnam_within_qlabel(ctx) -> Iterator[Hits]:
    """P21 SD1130 "Inconsistent value for QNAM within QLABEL": All values of Qualifier Variable Name (QNAM) should
    be the same for a given value of Qualifier Variable Label (QLABEL)."""
    for ds in ctx.supp():
        if _has(ds, "QNAM", "QLABEL"):
            yield Hits(ds.name, "QNAM", inconsistent(ds.frame, ["QLABEL"], "QNAM"))


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


def _holding(ctx, domain: str, *cols: str) -> list:
    """The datasets of ``domain`` that have every one of ``cols``."""
    return [ds for ds in ctx.package.by_domain(domain) if _has(ds, *cols)]


@rule("SC-CONS-075", category="consistency", p21="SD1069")
def tsparm_within_tsparmcd(ctx) -> Iterator[Hits]:
    """P21 SD1069 "Inconsistent value for --PARM within --PARMCD": All values of a Parameter (--PARM) variables
    should be the same for a given value of a Parameter Short Name (--PARMCD) variables."""
    for ds in _holding(ctx, "TS", "TSPARMCD", "TSPARM"):
        yield Hits(ds.name, "TSPARM", inconsistent(ds.frame, ["TSPARMCD"], "TSPARM"))


@rule("SC-CONS-076", category="consistency", p21="SD1070")
def tsparmcd_within_tsparm(ctx) -> Iterator[Hits]:
    """P21 SD1070 "Inconsistent value for --PARMCD within --PARM": All values of a Parameter Short Name (--PARMCD)
    variables should be the same for a given value of a Parameter (--PARM) variables."""
    for ds in _holding(ctx, "TS", "TSPARMCD", "TSPARM"):
        yield Hits(ds.name, "TSPARMCD", inconsistent(ds.frame, ["TSPARM"], "TSPARMCD"))


@rule("SC-PRES-013", category="presence", p21="SD2017")
def tsval_populated(ctx) -> Iterator[Hits]:
    """P21 SD2017 "Missing TSVAL value": Value for Parameter Value (TSVAL) variable must be populated. TSVAL can
    only be null when Parameter Null Flavor (TSVALNF) variable value is populated."""
    for ds in _holding(ctx, "TS", "TSPARMCD", "TSVAL"):
        f = ds.frame
        nf = present(f["TSVALNF"]) if "TSVALNF" in f.columns else False
        yield Hits(ds.name, "TSVAL", ~present(f["TSVAL"]) & ~nf, values=f["TSPARMCD"])


@rule("SC-PRES-014", category="presence", p21="SD2018")
def tsvalnf_when_tsval_missing(ctx) -> Iterator[Hits]:
    """P21 SD2018 "Missing TSVALNF value": Value for Parameter Null Flavor (TSVALNF) variable must be populated,
    when Parameter Value (TSVAL) variable value is missing."""
    for ds in _holding(ctx, "TS", "TSPARMCD", "TSVAL", "TSVALNF"):
        f = ds.frame
        yield Hits(ds.name, "TSVALNF", ~present(f["TSVAL"]) & ~present(f["TSVALNF"]), values=f["TSPARMCD"])


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
        for ds in _holding(ctx, "TS", "TSPARMCD"):
            f = ds.frame
            m = f["TSPARMCD"] == parm
            if int(m.sum()) > 1:
                yield Hits(ds.name, "TSPARMCD", m & m.cumsum().gt(1), values=parm)

    fn.__doc__ = f"P21 {p21} \"Multiple {parm} records\": Trial Summary (TS) domain must contain only one record " \
                 f"for '{parm}' Parameter."
    return fn


for _i, (_parm, _p21) in enumerate(TS_SINGLE):
    rule(f"SC-CONS-{80 + _i:03d}", category="consistency", p21=_p21)(_ts_single(_parm, _p21))


def _relationship(ctx) -> list:
    return ctx.supp() + ctx.package.by_domain("RELREC")


@rule("SC-PRES-050", category="presence", p21="SD1065")
def rdomain_when_idvar(ctx) -> Iterator[Hits]:
    """P21 SD1065 "Missing RDOMAIN value, when IDVAR is populated": Value of Related Domain Abbreviation (RDOMAIN)
    variable must be populated, when value of Identifying Variable (IDVAR) variable is populated."""
    for ds in _relationship(ctx):
        if _has(ds, "RDOMAIN", "IDVAR"):
            yield Hits(ds.name, "RDOMAIN", present(ds.frame["IDVAR"]) & ~present(ds.frame["RDOMAIN"]))


@rule("SC-PRES-051", category="presence", p21="SD1072")
def idvar_when_rdomain(ctx) -> Iterator[Hits]:
    """P21 SD1072 "Missing IDVAR value, when RDOMAIN value is provided": Value of Identifying Variable (IDVAR)
    variable must be populated, when Related Domain Abbreviation (RDOMAIN) variable value is provided, with the
    only exception of 'DM' value for RDOMAIN."""
    for ds in _relationship(ctx):
        if _has(ds, "RDOMAIN", "IDVAR"):
            f = ds.frame
            yield Hits(ds.name, "IDVAR", present(f["RDOMAIN"]) & (f["RDOMAIN"] != "DM") & ~present(f["IDVAR"]))


@rule("SC-CONS-112", category="consistency", p21="SD1026")
def reltype_with_seq(ctx) -> Iterator[Hits]:
    """P21 SD1026 "Invalid value for RELTYPE variable": Relationship Type (RELTYPE) must be NULL, when Identifying
    Variable (IDVAR) is populated with a --SEQ value."""
    for ds in _holding(ctx, "RELREC", "RELTYPE", "IDVAR"):
        f = ds.frame
        yield Hits(ds.name, "RELTYPE", present(f["RELTYPE"]) & f["IDVAR"].str.endswith("SEQ"))


@rule("SC-CONS-113", category="consistency", p21="SD1128")
def reltype_terms(ctx) -> Iterator[Hits]:
    """P21 SD1128 "Invalid value for RELTYPE variable": Relationship Type (RELTYPE) variable values should be
    populated with terms 'ONE', 'MANY', when Related Records (RELREC) dataset is used to identify relationships
    between datasets."""
    for ds in _holding(ctx, "RELREC", "RELTYPE"):
        s = ds.frame["RELTYPE"]
        yield Hits(ds.name, "RELTYPE", present(s) & ~s.isin(["ONE", "MANY"]))


@rule("SC-CONS-114", category="consistency", p21="SD1066")
def idvarval_with_reltype(ctx) -> Iterator[Hits]:
    """P21 SD1066 "IDVARVAL value is populated, when RELTYPE values is populated": Variable Value (IDVARVAL)
    variable value should not be populated, when Relationship Type (RELTYPE) variable value is populated."""
    for ds in _holding(ctx, "RELREC", "RELTYPE", "IDVARVAL"):
        yield Hits(ds.name, "IDVARVAL", present(ds.frame["RELTYPE"]) & present(ds.frame["IDVARVAL"]))


@rule("SC-CONS-115", category="consistency", p21="SD1067")
def usubjid_with_reltype(ctx) -> Iterator[Hits]:
    """P21 SD1067 "USUBJID value is populated, when RELTYPE values is populated": Unique Subject Identifier
    (USUBJID) variable value should not be populated, when Relationship Type (RELTYPE) variable value is
    populated."""
    for ds in _holding(ctx, "RELREC", "RELTYPE", "USUBJID"):
        yield Hits(ds.name, "USUBJID", present(ds.frame["RELTYPE"]) & present(ds.frame["USUBJID"]))


def _unplanned_elements(ctx, var: str, want_present: bool) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("SE"):
        if _has(ds, "ETCD", var):
            f = ds.frame
            p = present(f[var])
            yield Hits(ds.name, var, (f["ETCD"] == "UNPLAN") & (p if want_present else ~p))


@rule("SC-CONS-116", category="consistency", p21="SD1010")
def element_for_unplanned(ctx) -> Iterator[Hits]:
    """P21 SD1010 "ELEMENT value is populated, when ETCD= 'UNPLAN'": Description of Element (ELEMENT) should be
    NULL, when subject's experience for a particular period of time is represented as an unplanned Element, where
    Element Code (ETCD) is equal to 'UNPLAN'."""
    yield from _unplanned_elements(ctx, "ELEMENT", True)


@rule("SC-CONS-117", category="consistency", p21="SD1013")
def taetord_for_unplanned(ctx) -> Iterator[Hits]:
    """P21 SD1013 "TAETORD is populated, ETCD = 'UNPLAN'": Planned Order of Elements within Arm (TAETORD) should be
    NULL, when subject's experience for a particular period of time is represented as an unplanned Element (ETCD =
    'UNPLAN')."""
    yield from _unplanned_elements(ctx, "TAETORD", True)


@rule("SC-CONS-118", category="consistency", p21="SD0092")
def seupdes_for_unplanned(ctx) -> Iterator[Hits]:
    """P21 SD0092 "Missing value for SEUPDES, when ETCD='UNPLAN'": Description of Unplanned Element (SEUPDES)
    should be populated, when subject's experience for a particular period of time is represented as an unplanned
    Element, where Element Code (ETCD) is equal to 'UNPLAN'."""
    yield from _unplanned_elements(ctx, "SEUPDES", False)


@rule("SC-CONS-119", category="consistency", p21="SD1019")
def visitdy_for_unplanned(ctx) -> Iterator[Hits]:
    """P21 SD1019 "VISITDY is populated for unplanned visit": Planned Study Day of Visit (VISITDY) should equal NULL
    for unplanned visits, where Description of Unplanned Visit (SVUPDES) is populated."""
    for ds in ctx.package.by_domain("SV"):
        if _has(ds, "VISITDY", "SVUPDES"):
            yield Hits(ds.name, "VISITDY", present(ds.frame["SVUPDES"]) & present(ds.frame["VISITDY"]))


@rule("SC-PRES-052", category="presence", p21="SD0089")
def teenrl_or_tedur(ctx) -> Iterator[Hits]:
    """P21 SD0089 "Missing values for TEENRL and TEDUR": At least one of Rule for End of Element (TEENRL) or
    Planned Duration of Element (TEDUR) should be populated."""
    for ds in ctx.package.by_domain("TE"):
        cols = [c for c in ("TEENRL", "TEDUR") if c in ds.columns]
        if not cols:  # neither variable: SD0057 (expected variable) says so
            continue
        f = ds.frame
        none = pd.Series(True, index=f.index)
        for c in cols:
            none &= ~present(f[c])
        yield Hits(ds.name, cols[0], none)


@rule("SC-XREF-043", category="cross-reference", p21="SD1053")
def reserved_arm_in_design(ctx) -> Iterator[Hits]:
    """P21 SD1053 "Unexpected value for ARMCD variable": Records for subjects who failed a screening or were not
    assigned to study treatment (ARMCD is 'SCRNFAIL' or 'NOTASSGN') should not be included in the Trial Arms (TA)
    or Trial Visits (TV) datasets. Compared in any case."""
    for ds in [*ctx.package.by_domain("TA"), *ctx.package.by_domain("TV")]:
        if _has(ds, "ARMCD"):
            yield Hits(ds.name, "ARMCD", arm_code_in(ds.frame["ARMCD"], _NOT_RANDOMIZED))


@rule("SC-XREF-044", category="cross-reference", p21="SD1012")
def etcd_element_in_te(ctx) -> Iterator[Hits]:
    """P21 SD1012 "Invalid ETCD/ELEMENT": The combination of Element Code (ETCD) and Description of Element
    (ELEMENT) values should match entries in the Trial Elements (TE) dataset, except for unplanned Element (ETCD =
    'UNPLAN')."""
    te = ctx.frame("TE", ["ETCD", "ELEMENT"])
    if te is None or not {"ETCD", "ELEMENT"} <= set(te.columns):
        return
    pairs = set(zip(te["ETCD"], te["ELEMENT"]))
    for ds in [*ctx.package.by_domain("SE"), *ctx.package.by_domain("TA")]:
        if _has(ds, "ETCD", "ELEMENT"):
            f = ds.frame
            ok = pd.Series([pr in pairs for pr in zip(f["ETCD"], f["ELEMENT"])], index=f.index, dtype=bool)
            yield Hits(ds.name, "ELEMENT", present(f["ETCD"]) & (f["ETCD"] != "UNPLAN") & ~ok,
                       values=show(f["ETCD"], " / ", f["ELEMENT"]))


@rule("SC-XREF-045", category="cross-reference", p21="SD1014")
def taetord_in_ta(ctx) -> Iterator[Hits]:
    """P21 SD1014 "Invalid TAETORD": Order of Element within Arm (TAETORD) values should match entries in the Trial
    Arms (TA) dataset."""
    ta = ctx.frame("TA", ["TAETORD"])
    if ta is None or "TAETORD" not in ta.columns:
        return
    orders = set(to_number(ta["TAETORD"]).dropna())
    for ds in ctx.package.by_domain("SE"):
        if _has(ds, "TAETORD"):
            n = to_number(ds.frame["TAETORD"])
            yield Hits(ds.name, "TAETORD", n.notna() & ~n.isin(orders))


@rule("SC-TECH-040", category="technical", p21="SD1095")
def split_named_as_domain(ctx) -> Iterator[Hits]:
    """P21 SD1095 "Invalid dataset name for split domain": Split datasets must not have name of original domain.
    E.g., lbhm.xpt is a valid name, when lb.xpt is not a valid dataset name for split domain."""
    for ds in ctx.datasets():
        if ds.name == ds.domain and any(d.name != ds.name for d in ctx.package.by_domain(ds.domain)):
            yield Hits(ds.name, None, values=ds.name)


@rule("SC-PRES-054", category="presence", p21="SD1061")
def mb_with_ms(ctx) -> Iterator[Hits]:
    """P21 SD1061 "Missing MB dataset, when MS dataset is present": Microbiology Specimen (MB) dataset should be
    included, when a Microbiology Susceptibility Test (MS) dataset is present."""
    if ctx.package.by_domain("MS") and not ctx.package.by_domain("MB"):
        yield Hits(None, None, values="MB")


@rule("SC-XREF-047", category="cross-reference", p21="SD0068")
def ietestcd_in_ti(ctx) -> Iterator[Hits]:
    """P21 SD0068 "Invalid IETESTCD": A value for Inclusion/Exclusion Criterion Short Name (IETESTCD) must be
    present the Trial Inclusion/Exclusion Criteria (TI) domain."""
    ti = ctx.frame("TI", ["IETESTCD"])
    if ti is None or "IETESTCD" not in ti.columns:
        return
    for ds in ctx.package.by_domain("IE"):
        if _has(ds, "IETESTCD"):
            s = ds.frame["IETESTCD"]
            yield Hits(ds.name, "IETESTCD", present(s) & ~s.isin(set(ti["IETESTCD"])))


@rule("SC-XREF-048", category="cross-reference", p21="SD1016")
def ie_triplet_in_ti(ctx) -> Iterator[Hits]:
    """P21 SD1016 "Invalid IETESTCD/IETEST/IECAT": The combination of Inclusion/Exclusion Criterion Short Name
    (IETESTCD), Criterion (IETEST), and Category (IECAT) values should match entries in the Trial
    Inclusion/Exclusion Criteria (TI) dataset."""
    cols = ["IETESTCD", "IETEST", "IECAT"]
    ti = ctx.frame("TI", cols)
    if ti is None or not set(cols) <= set(ti.columns):
        return
    known = set(zip(*(ti[c] for c in cols)))
    for ds in ctx.package.by_domain("IE"):
        if _has(ds, *cols):
            f = ds.frame
            ok = pd.Series([t in known for t in zip(*(f[c] for c in cols))], index=f.index, dtype=bool)
            yield Hits(ds.name, "IETEST", present(f["IETESTCD"]) & ~ok,
                       values=show(f["IETESTCD"], " / ", f["IETEST"], " / ", f["IECAT"]))


def _ie_result(ctx, cat: str, expected: str) -> Iterator[Hits]:
    for ds in ctx.package.by_domain("IE"):
        if _has(ds, "IECAT", "IEORRES"):
            f = ds.frame
            yield Hits(ds.name, "IEORRES", (f["IECAT"] == cat) & present(f["IEORRES"]) & (f["IEORRES"] != expected))


@rule("SC-CONS-121", category="consistency", p21="SD1045")
def exclusion_met(ctx) -> Iterator[Hits]:
    """P21 SD1045 "Inconsistent values for IEORRES/IECAT": I/E Criterion Original Result (IEORRES) must equal 'Y',
    when Inclusion/Exclusion Category (IECAT) is 'EXCLUSION'."""
    yield from _ie_result(ctx, "EXCLUSION", "Y")


@rule("SC-CONS-122", category="consistency", p21="SD1046")
def inclusion_not_met(ctx) -> Iterator[Hits]:
    """P21 SD1046 "Inconsistent values for IEORRES/IECAT": I/E Criterion Original Result (IEORRES) must equal 'N',
    when Inclusion/Exclusion Category (IECAT) is 'INCLUSION'."""
    yield from _ie_result(ctx, "INCLUSION", "N")


@rule("SC-CONS-123", category="consistency", p21="SD0085")
def ieorres_equals_iestresc(ctx) -> Iterator[Hits]:
    """P21 SD0085 "Mismatch between IEORRES and IESTRESC values": I/E Criterion Original Result (IEORRES) and I/E
    Criterion Result in Std Format (IESTRESC) should have the same value."""
    for ds in ctx.package.by_domain("IE"):
        if _has(ds, "IEORRES", "IESTRESC"):
            f = ds.frame
            yield Hits(ds.name, "IESTRESC", f["IEORRES"] != f["IESTRESC"], values=show(f["IEORRES"], " / ", f["IESTRESC"]))


@rule("SC-CONS-124", category="consistency", p21="SD1008")
def codtc_for_child_comment(ctx) -> Iterator[Hits]:
    """P21 SD1008 "CODTC is populated, when comment is a child record of another domain": The value of Date/Time of
    Comment (CODTC) should be NULL, when comments are related to a specific parent record or group of parent
    records in a domain (RDOMAIN, IDVAR and IDVARVAL are populated)."""
    for ds in ctx.package.by_domain("CO"):
        if _has(ds, "CODTC", "RDOMAIN", "IDVAR", "IDVARVAL"):
            f = ds.frame
            child = present(f["RDOMAIN"]) & present(f["IDVAR"]) & present(f["IDVARVAL"])
            yield Hits(ds.name, "CODTC", child & present(f["CODTC"]))


@rule("SC-PRES-055", category="presence", p21="SD0095")
def supp_of_general_or_dm(ctx) -> Iterator[Hits]:
    """P21 SD0095 "Invalid usage of SUPPQUAL for non-general-observation-class Domain": Supplemental Qualifiers
    special purpose dataset (SUPP--) can only be used to capture non-standard variables and their association to
    parent records in general-observation-class datasets (Events, Findings, Interventions) and Demographics.

    The parent's class from SDTMIG (custom domains are taken as general-class)."""
    for ds in ctx.supp():
        klass = ctx.std_classes.get(ds.parent, "")
        if ds.parent != "DM" and klass and klass not in ("Events", "Findings", "Interventions", "Findings About"):
            yield Hits(ds.name, None, values=f"{ds.parent} ({klass})")


TS_NUMERIC = [("PLANSUB", "SD1221"), ("NARMS", "SD2246"), ("ACTSUB", "SD2249")]


def _ts_numeric(parm: str, p21: str):
    def fn(ctx) -> Iterator[Hits]:
        for ds in _holding(ctx, "TS", "TSPARMCD", "TSVAL"):
            f = ds.frame
            bad = (f["TSPARMCD"] == parm) & present(f["TSVAL"]) & ~f["TSVAL"].str.fullmatch(r"\s*\d+(\.\d+)?\s*")
            yield Hits(ds.name, "TSVAL", bad.fillna(False).astype(bool))

    fn.__doc__ = f"P21 {p21} \"Invalid TSVAL value for {parm}\": TSVAL for {parm} record must be numeric."
    return fn


for _i, (_parm, _p21) in enumerate(TS_NUMERIC):
    rule(f"SC-FMT-{41 + _i:03d}", category="format", p21=_p21)(_ts_numeric(_parm, _p21))


@rule("SC-XREF-049", category="cross-reference", p21="SD1018")
def sv_visit_as_tv(ctx) -> Iterator[Hits]:
    """P21 SD1018 "VISITNUM/VISIT/VISITDY values do not match TV domain data": The combination of Visit Number
    (VISITNUM), Visit Name (VISIT), and Planned Study Day of Visit (VISITDY) values should match entries in the
    Trial Visits (TV) dataset, when they are planned visits (SVUPDES = NULL)."""
    cols = ["VISITNUM", "VISIT", "VISITDY"]
    tv = ctx.frame("TV", cols)
    if tv is None or not set(cols) <= set(tv.columns):
        return
    known = set(zip(num_key(to_number(tv["VISITNUM"])), tv["VISIT"], num_key(to_number(tv["VISITDY"])).fillna(-1e12)))
    for ds in ctx.package.by_domain("SV"):
        if _has(ds, *cols):
            f = ds.frame
            keys = zip(num_key(to_number(f["VISITNUM"])), f["VISIT"], num_key(to_number(f["VISITDY"])).fillna(-1e12))
            ok = pd.Series([k in known for k in keys], index=f.index, dtype=bool)
            planned = ~present(f["SVUPDES"]) if "SVUPDES" in f.columns else pd.Series(True, index=f.index)
            yield Hits(ds.name, "VISIT", planned & ~ok, values=show(f["VISITNUM"], " / ", f["VISIT"], " / ", f["VISITDY"]))


@rule("SC-CONS-125", category="consistency", p21="SD1051")
def dm_relation_without_idvar(ctx) -> Iterator[Hits]:
    """P21 SD1051 "Unexpected value for IDVAR/IDVARVAL": Both Identifying Variable (IDVAR) and Identifying Variable
    Value (IDVARVAL) should not be populated, when relating information to the Demographics (DM) domain."""
    for ds in _relationship(ctx):
        if _has(ds, "RDOMAIN", "IDVAR", "IDVARVAL"):
            f = ds.frame
            yield Hits(ds.name, "IDVAR", (f["RDOMAIN"] == "DM") & (present(f["IDVAR"]) | present(f["IDVARVAL"])),
                       values=show(f["IDVAR"], "=", f["IDVARVAL"]))


@rule("SC-CONS-126", category="consistency", p21="SD1052")
def taetord_within_armcd(ctx) -> Iterator[Hits]:
    """P21 SD1052 "Non-unique value for TAETORD within ARMCD": Order of Element within Arm (TAETORD) must have a
    unique value for a given value of Planned Arm Code (ARMCD) within the domain."""
    for ds in ctx.package.by_domain("TA"):
        if _has(ds, "ARMCD", "TAETORD"):
            f = ds.frame
            yield Hits(ds.name, "TAETORD", f["TAETORD"].notna() & f.duplicated(["ARMCD", "TAETORD"]))
