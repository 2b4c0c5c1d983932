"""Which CT version a validation uses, and why (one line for the report).

In this order: ``--ct`` (a shipped version, or a CT file); the SDTM CT version that Define-XML 2.1 states in
``def:Standards`` (ADaM packages use SDTM codelists too; a define stating only ADaM CT gets the SDTM release of
that date); for a define that states none (Define-XML 2.0), the release whose
codelists the define's own codelists match best (terms and C-codes; ties go to the newest on or before the
define's creation date); else the newest release on or before that date; else the newest shipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sdtm_convert.common.text import plural
from sdtm_convert.errors import fatal
from sdtm_convert.package.define.read import Define
from sdtm_convert.standards.ct import (
    ALIASES,
    DEFAULT_CT_VERSION,
    SDTM_RELEASES,
    fidelity,
    matches_by_release,
    not_shipped,
    release_of,
)
from sdtm_convert.standards.ct_file import is_ct_file, load_ct_file

_FIDELITY = {
    "reduced": "rebuilt from a reduced source (term codes and codelist names of up to 2% of terms filled from "
               "neighbouring releases)",
    "decoded": "rebuilt from a flat value list per codelist, split into terms against neighbouring releases "
               "(99.95% of submission values right where tested)",
}


@dataclass(frozen=True)
class CtChoice:
    version: str  # what load_ct takes: a shipped version name, or the CT file as given
    reason: str  # "CT 2014-09-26: best match of the define's 23 codelists (97% of 412 terms)"


def check_ct_argument(ct: str | None) -> None:
    """A ``--ct`` value that is neither a shipped version nor a readable CT file: one error (exit 2), before any
    data is read."""
    if ct is None:
        return
    if is_ct_file(ct):
        load_ct_file(ct)
    elif release_of(ct) is None:
        raise fatal("ct-version-unknown", not_shipped(ct) + "; or pass a CT file (NCI EVS .txt/.csv/.xlsx)")


def _name(version: str) -> str:
    return f"{version} (= CDISC release {ALIASES[version]})" if version in ALIASES else version


def _with_fidelity(choice: CtChoice) -> CtChoice:
    rel = release_of(choice.version)
    fid = fidelity(rel) if rel else ""
    if fid in _FIDELITY:
        return CtChoice(choice.version, f"{choice.reason}; this release is '{fid}': {_FIDELITY[fid]}")
    return choice


def _newest_on_or_before(date: str) -> str | None:
    before = [r for r in SDTM_RELEASES if r <= date]
    return before[-1] if before else None


def _define_items(define: Define) -> tuple[pd.DataFrame, int]:
    """CDISC terms of the define's codelists that carry an NCI code (sponsor extensions left out)."""
    rows, lists = [], 0
    for cl in define.codelists.values():
        if not cl.nci_code:
            continue
        terms = [v for v in cl.values if v not in cl.extended]
        lists += bool(terms)
        rows += [(cl.nci_code, v, cl.term_codes.get(v, "")) for v in terms]
    return pd.DataFrame(rows, columns=["codelist_code", "value", "code"]).drop_duplicates(), lists


def _best_match(define: Define, date: str) -> CtChoice | None:
    items, lists = _define_items(define)
    if items.empty:
        return None
    counts = matches_by_release(items)
    best = max(counts.values())
    if best == 0:
        return None
    ties = [r for r in SDTM_RELEASES if counts[r] == best]
    before = [r for r in ties if date and r <= date]
    pick = before[-1] if before else (ties[0] if date else ties[-1])
    share = f"{best} of {len(items)} terms, {best / len(items):.0%}"
    why = f"CT {pick}: best match of the define's {plural(lists, 'CDISC codelist')} ({share})"
    if len(ties) > 1:
        rule = "the newest on or before the define's date" if before else (
            "the oldest, all being after the define's date" if date else "the newest")
        why += f"; {len(ties)} releases ({ties[0]} to {ties[-1]}) match equally: taken {rule} {date or ''}".rstrip()
    return CtChoice(pick, why)


def _stated(define: Define) -> CtChoice | None:
    """The SDTM CT that Define-XML 2.1 states (ADaM packages use SDTM codelists too); without one, the SDTM
    release of the date of another stated CT (ADaM, Define-XML)."""
    sets = {k: v for k, v in define.ct_sets.items() if v}
    if not sets and any(define.ct_versions):  # a Define built without publishing sets: its CT versions as SDTM's
        sets = {"SDTM": next((v for v in define.ct_versions if release_of(v)), define.ct_versions[0])}
    if "SDTM" in sets:
        wanted = sets["SDTM"]
        if release_of(wanted):
            return CtChoice(wanted, f"CT {_name(wanted)}: stated in define.xml (def:Standards)")
        near = _newest_on_or_before(wanted) or SDTM_RELEASES[0]
        return CtChoice(near, f"CT {near}: define.xml states SDTM CT {wanted}, which is not shipped; the newest "
                              "shipped release on or before it")
    if not sets:
        return None
    pset, wanted = next(iter(sets.items()))
    near = _newest_on_or_before(wanted) or SDTM_RELEASES[0]
    return CtChoice(near, f"CT {near}: define.xml states {pset or 'a'} CT {wanted} and no SDTM CT; the newest SDTM "
                          "release on or before it")


def choose_ct(ct: str | None, define: Define | None) -> CtChoice:
    """The CT version to use and the reason, in the order of the module docstring."""
    if ct is not None:
        check_ct_argument(ct)
        what = f"CT file {ct}" if is_ct_file(ct) else f"CT {_name(ct)}"
        return _with_fidelity(CtChoice(ct, f"{what}: given with --ct"))
    if define is None:
        return CtChoice(DEFAULT_CT_VERSION, f"CT {_name(DEFAULT_CT_VERSION)}: no --ct and no define.xml; the "
                                            "newest shipped")
    choice = _stated(define)
    date = define.created[:10]
    if choice is None:
        choice = _best_match(define, date)
    if choice is None and date:
        near = _newest_on_or_before(date)
        if near:
            choice = CtChoice(near, f"CT {near}: define.xml states no CT version and has no CDISC codelists; the "
                                    f"newest release on or before the define's date {date}")
    if choice is None:
        choice = CtChoice(DEFAULT_CT_VERSION, f"CT {_name(DEFAULT_CT_VERSION)}: define.xml states no CT version, "
                                              "no CDISC codelist and no usable date; the newest shipped")
    return _with_fidelity(choice)
