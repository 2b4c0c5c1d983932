"""``suppqual`` and ``split_long_text``: SUPP-- records, returned in ``Derived.datasets``.

Both derivations return the parent frame and their SUPP-- records as ``{"SUPP" + ctx.domain: records}``
(e.g. ``SUPPAE``); the run appends each step's records to those of the steps before and writes each
frame as a dataset. SUPP columns: STUDYID, RDOMAIN, USUBJID, IDVAR, IDVARVAL, QNAM, QLABEL, QVAL, QORIG, QEVAL
(all str) plus the parent record's ``__src_file``/``__src_row``. IDVAR = --SEQ and IDVARVAL = the
sequence number as text without ".0" (``"3"``); for DM both are "" (one record per subject). Rows are
grouped by parent record (parent row order), qualifiers in parameter order. Both need --SEQ (run
after ``seq``), except on DM.

``suppqual``: ``qualifiers: [{qnam, qlabel, column, qorig (default CRF), qeval (default "")}]``; the
named non-standard columns leave the parent; only non-empty (after trimming) values become records.
Issues: ``supp-qnam-invalid`` (error: not 1-8 of A-Z0-9_ starting with a letter), ``supp-qlabel-too-long``
(error: > 40 chars), ``supp-qval-too-long`` (warning: > 200 bytes; split it with ``split_long_text``
first), ``derive-variable-missing``.

``split_long_text`` (SDTMIG 3.4 §4.5.3.2): ``vars: [AETERM]``. A value over 200 bytes (UTF-8) keeps its
first piece in the variable and the rest goes to SUPP-- as QNAM AETERM1, AETERM2... (the name cut to
leave room for the digits: AEHLGTCD → AEHLGTC1; a non-standard column is named by its future QNAM,
``qnams: {__AECOMM: AECOMM}``, default the column name without leading underscores), QLABEL = the SDTMIG label + " 1", " 2"... (cut to
fit 40; ``labels: {AETERM: ...}`` overrides), QORIG = ``qorig`` (CRF). Each piece is at most 200 bytes,
cut at the last run of spaces that fits, which is dropped (XPT drops trailing blanks, and validators
flag leading ones), else at the last whole character: never inside a multi-byte character. Joining the
variable and QVAL of QNAM 1, 2... in order with one space where a piece ends at a word gives back the
text (a cut inside a long word joins with nothing). Exactly 200 bytes: no split.
Only the over-long values go through the (per-value) splitting function; the rest is vectorised.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common.provenance import PROVENANCE
from sdtm_convert.derive._common import missing_columns, record_issues, text
from sdtm_convert.derive.registry import DeriveContext, Derived, register
from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.standards import sdtmig_domain_variables

SUPP_COLUMNS = ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG", "QEVAL"]
MAX_BYTES = 200
_QNAM = re.compile(r"[A-Z][A-Z0-9_]{0,7}")
_CUT = re.compile(r"(?<=\S) ")


def byte_len(s: pd.Series) -> pd.Series:
    return s.str.encode("utf-8").str.len().astype("int64")


def split_text(value: str, limit: int = MAX_BYTES) -> list[str]:
    """Pieces of at most ``limit`` UTF-8 bytes, cut at word boundaries (see module doc): the run of spaces
    at a cut belongs to neither piece, so no piece starts or ends with a blank."""
    pieces: list[str] = []
    rest = value
    while len(rest.encode("utf-8")) > limit:
        i = len(rest.encode("utf-8")[:limit].decode("utf-8", errors="ignore"))  # whole characters that fit
        cuts = [m.start() for m in _CUT.finditer(rest, 0, i + 1)]
        cut = cuts[-1] if cuts else i
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip(" ") if cuts else rest[cut:]
    return [*pieces, rest]


def split_qnam(name: str, i: int) -> str:
    """AETERM, 1 → AETERM1; AEHLGTCD, 1 → AEHLGTC1; AETERM, 10 → AETERM10."""
    k = str(i)
    return name[: 8 - len(k)] + k


def seq_text(seq: pd.Series) -> pd.Series:
    """3.0 → "3" ("" where missing)."""
    return pd.to_numeric(seq, errors="coerce").round().astype("Int64").astype("string").fillna("").astype(str)


def supp_frame(
    parent: pd.DataFrame, ctx: DeriveContext, pos: np.ndarray, qnam: Any, qlabel: Any, qval: Any, qorig: Any, qeval: Any
) -> pd.DataFrame:
    """SUPP records for the parent rows at positions ``pos`` (scalars or arrays for the Q-- values)."""
    p = ctx.domain
    seqvar = f"{p}SEQ"
    idvar = "" if p == "DM" else seqvar
    studyid = text(parent, "STUDYID").where(text(parent, "STUDYID") != "", ctx.study.studyid)
    cols: dict[str, Any] = {
        "STUDYID": studyid.to_numpy()[pos],
        "RDOMAIN": p,
        "USUBJID": text(parent, "USUBJID").to_numpy()[pos],
        "IDVAR": idvar,
        "IDVARVAL": seq_text(parent[seqvar]).to_numpy()[pos] if idvar else "",
        "QNAM": qnam,
        "QLABEL": qlabel,
        "QVAL": qval,
        "QORIG": qorig,
        "QEVAL": qeval,
    }
    out = pd.DataFrame(cols, index=pd.RangeIndex(len(pos)))
    for c in SUPP_COLUMNS:
        out[c] = out[c].astype(str)
    for c in PROVENANCE:
        if c in parent.columns:
            out[c] = parent[c].to_numpy()[pos]
    out["__pos"] = pos
    return out


def supp_part(ctx: DeriveContext, frames: list[pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``{"SUPP<domain>": records}`` ordered by parent row (stable), for ``Derived.datasets`` (the run appends
    it to what earlier steps gave); nothing to add → ``{}`` (no empty SUPP-- frame is created)."""
    if not frames:
        return {}
    new = pd.concat(frames, ignore_index=True).sort_values("__pos", kind="mergesort")
    return {f"SUPP{ctx.domain}": new.drop(columns="__pos", errors="ignore").reset_index(drop=True)}


def _needs_seq(df: pd.DataFrame, ctx: DeriveContext, by: str) -> list[Issue]:
    return [] if ctx.domain == "DM" else missing_columns(df, [f"{ctx.domain}SEQ"], ctx.domain, by)


@register("suppqual", sets={}, builds=("SUPP--",))
def derive_suppqual(
    df: pd.DataFrame, ctx: DeriveContext, qualifiers: list[dict[str, Any]]
) -> Derived:
    p = ctx.domain
    issues = _needs_seq(df, ctx, "suppqual") + missing_columns(
        df, ["USUBJID", *(q["column"] for q in qualifiers)], p, "suppqual"
    )
    for q in qualifiers:
        if not _QNAM.fullmatch(str(q["qnam"])):
            issues.append(
                Issue(
                    "supp-qnam-invalid",
                    ERROR,
                    "QNAM must be 1-8 of A-Z0-9_",
                    dataset=f"SUPP{p}",
                    variable="QNAM",
                    value=str(q["qnam"]),
                )
            )
        if len(str(q["qlabel"])) > 40:
            issues.append(
                Issue(
                    "supp-qlabel-too-long",
                    ERROR,
                    "QLABEL over 40 characters",
                    dataset=f"SUPP{p}",
                    variable="QLABEL",
                    value=str(q["qlabel"]),
                )
            )
    if issues:
        return Derived(df.copy(deep=False), issues)
    frames = []
    for q in qualifiers:
        val = text(df, q["column"]).str.strip()
        pos = np.flatnonzero((val != "").to_numpy())
        frames.append(
            supp_frame(
                df, ctx, pos, q["qnam"], q["qlabel"], val.to_numpy()[pos], q.get("qorig", "CRF"), q.get("qeval", "")
            )
        )
        long = df.iloc[pos][(byte_len(val.iloc[pos]) > MAX_BYTES).to_numpy()]
        issues += record_issues(
            long,
            "supp-qval-too-long",
            WARNING,
            "QVAL over 200 bytes",
            dataset=f"SUPP{p}",
            variable=q["qnam"],
            value_col=q["column"],
        )
    return Derived(df.drop(columns=[q["column"] for q in qualifiers]), issues, supp_part(ctx, frames))


def _label(domain: str, var: str, labels: dict[str, str] | None) -> str:
    if labels and var in labels:
        return labels[var]
    meta = sdtmig_domain_variables(domain)
    hit = meta.loc[meta["name"] == var, "label"]
    return str(hit.iloc[0]) if len(hit) else var


@register("split_long_text", sets={}, builds=("SUPP--",))
def derive_split_long_text(
    df: pd.DataFrame,
    ctx: DeriveContext,
    vars: list[str],
    labels: dict[str, str] | None = None,
    qnams: dict[str, str] | None = None,
    qorig: str = "CRF",
) -> Derived:
    issues = _needs_seq(df, ctx, "split_long_text")
    issues += missing_columns(df, ["USUBJID", *vars], ctx.domain, "split_long_text")
    bases = {v: (qnams or {}).get(v, v.lstrip("_")) for v in vars}
    issues += [
        Issue(
            "supp-qnam-invalid",
            ERROR,
            "QNAM base must be 1-8 of A-Z0-9_",
            dataset=f"SUPP{ctx.domain}",
            variable="QNAM",
            value=b,
        )
        for b in bases.values()
        if not _QNAM.fullmatch(b)
    ]
    if issues:
        return Derived(df.copy(deep=False), issues)
    out = df.copy(deep=False)
    frames = []
    for var in vars:
        val = text(df, var)
        pos = np.flatnonzero((byte_len(val) > MAX_BYTES).to_numpy())
        if not len(pos):
            continue
        pieces = val.iloc[pos].map(split_text).set_axis(pos)
        out.iloc[pos, out.columns.get_loc(var)] = pieces.str[0].to_numpy()
        rest = pieces.str[1:].explode()
        k = rest.groupby(level=0).cumcount().to_numpy() + 1
        label = _label(ctx.domain, var, labels)
        names = {i: split_qnam(bases[var], i) for i in set(k.tolist())}
        qnam = pd.Series(k).map(names).to_numpy()
        qlabel = pd.Series(k).map({i: f"{label[: 40 - len(str(i)) - 1]} {i}" for i in names}).to_numpy()
        frames.append(supp_frame(df, ctx, rest.index.to_numpy(dtype=int), qnam, qlabel, rest.to_numpy(), qorig, ""))
    return Derived(out, issues, supp_part(ctx, frames))
