"""One case per rule: a small package that breaks it (the rule fires) and the base package (it does not)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

from sdtm_convert.validate import validate_package
from tests.validate.conftest import ADAM_META, adam_base, frame, sdtm_base


def _set(ds: str, col: str, row: int, value) -> Callable[[dict], None]:
    def f(p: dict) -> None:
        p[ds].loc[row, col] = value

    return f


def _drop(ds: str, *cols: str) -> Callable[[dict], None]:
    def f(p: dict) -> None:
        p[ds] = p[ds].drop(columns=list(cols))

    return f


def _add(ds: str, col: str, values) -> Callable[[dict], None]:
    def f(p: dict) -> None:
        p[ds][col] = values

    return f


def _del(ds: str) -> Callable[[dict], None]:
    def f(p: dict) -> None:
        del p[ds]

    return f


def _rename(old: str, new: str) -> Callable[[dict], None]:
    def f(p: dict) -> None:
        p[new] = p.pop(old)

    return f


def _relrec(reltype: str, idvar: str = "", idvarval: str = "", usubjid: str = "") -> Callable[[dict], None]:
    """A RELREC record relating LB (dataset-level unless ``usubjid`` is given)."""

    def f(p: dict) -> None:
        p["RELREC"] = frame("STUDYID RDOMAIN USUBJID IDVAR IDVARVAL RELTYPE RELID",
                            [("STUDY1", "LB", usubjid, idvar, idvarval, reltype, "R1")])

    return f


def _se(etcd: str = "UNPLAN", element: str = "", taetord=float("nan"), seupdes: str = "Extra visit"):
    def f(p: dict) -> None:
        p["SE"] = frame("STUDYID DOMAIN USUBJID SESEQ ETCD ELEMENT TAETORD SEUPDES SESTDTC",
                        [("STUDY1", "SE", "S-1", 1, etcd, element, taetord, seupdes, "2020-01-10")])

    return f


def _ie(*rows: tuple) -> Callable[[dict], None]:
    """IE records (USUBJID, IETESTCD, IETEST, IECAT, IEORRES, IESTRESC) and the TI they come from (INCL01/EXCL01)."""

    def f(p: dict) -> None:
        p["TI"] = frame("STUDYID DOMAIN IETESTCD IETEST IECAT",
                        [("STUDY1", "TI", "INCL01", "Adult", "INCLUSION"), ("STUDY1", "TI", "EXCL01", "Pregnant", "EXCLUSION")])
        p["IE"] = frame("STUDYID DOMAIN USUBJID IESEQ IETESTCD IETEST IECAT IEORRES IESTRESC",
                        [("STUDY1", "IE", u, i + 1, *r) for i, (u, *r) in enumerate(rows)])

    return f


_IE_OK = ("S-1", "INCL01", "Adult", "INCLUSION", "N", "N")


def _split_lb(p: dict) -> None:
    lb = p.pop("LB")
    p["LBCH"], p["LBHE"] = lb.iloc[[0, 2]].reset_index(drop=True), lb.iloc[[1, 3]].reset_index(drop=True)


def _seq_clash_across_splits(p: dict) -> None:
    _split_lb(p)
    p["LBHE"].loc[0, "LBSEQ"] = 1.0  # S-1 already has LBSEQ 1 in LBCH


SDTM_CASES: list[tuple[str, Callable[[dict], None]]] = [
    # technical
    ("SC-TECH-001", _rename("AE", "AE_1")),
    ("SC-TECH-002", _add("AE", "aelower", "x")),
    ("SC-TECH-005", lambda p: p.__setitem__("_meta", {"AE": {"labels": {"AETERM": "Reported Term – dash"}}})),
    ("SC-TECH-006", _set("AE", "AETERM", 0, "X" * 201)),
    ("SC-TECH-006", _set("AE", "AETERM", 0, "X" * 198 + "\u2019")),  # 199 characters, 201 bytes in UTF-8
    ("SC-TECH-010", _set("LB", "LBTEST", 0, "Albúmin")),
    ("SC-TECH-011", _set("AE", "AETERM", 0, "PATIENT\u2019S HEADACHE")),
    ("SC-TECH-016", _set("AE", "AETERM", 0, "HEAD\x00ACHE")),
    ("SC-TECH-003", lambda p: p.__setitem__("_meta", {"AE": {"labels": {"AETERM": "L" * 41}}})),
    # presence
    ("SC-PRES-001", lambda p: p.__setitem__("EX", p["EX"].iloc[0:0])),
    ("SC-PRES-002", _set("AE", "AETERM", 1, "")),
    ("SC-PRES-003", _drop("AE", "AETERM")),
    ("SC-PRES-005", _del("DM")),
    ("SC-PRES-006", _del("TS")),
    ("SC-PRES-007", _add("AE", "AESPID", "")),
    ("SC-PRES-008", _set("LB", "LBBLFL", 2, "")),
    ("SC-PRES-009", lambda p: p.__setitem__("DS", p["DS"].iloc[[0]])),
    ("SC-PRES-010", lambda p: p.__setitem__("EX", p["EX"].iloc[[0]])),
    ("SC-PRES-011", _set("LB", "LBSTRESC", 0, "")),
    ("SC-PRES-020", _del("AE")),
    ("SC-PRES-130", lambda p: p.__setitem__("TS", p["TS"].iloc[1:].reset_index(drop=True))),
    # format
    ("SC-FMT-001", _set("AE", "AESTDTC", 0, "15/01/2020")),
    ("SC-FMT-001", _set("AE", "AEENDTC", 0, "2020-02-30")),
    ("SC-FMT-002", _add("AE", "AEDUR", ["P2D", "2 days"])),
    ("SC-FMT-003", _set("LB", "LBTESTCD", 0, "1ALB")),
    ("SC-FMT-004", _set("LB", "LBTEST", 0, "A" * 41)),
    ("SC-FMT-005", _set("TS", "TSPARMCD", 2, "TITLE_TOO_LONG")),
    ("SC-FMT-006", _set("TS", "TSPARM", 2, "T" * 41)),
    ("SC-FMT-007", _set("AE", "AETERM", 0, " HEADACHE")),
    ("SC-FMT-008", _set("SUPPLB", "QNAM", 0, "1CLSIG")),
    ("SC-FMT-009", _set("SUPPLB", "QLABEL", 0, "Q" * 41)),
    ("SC-FMT-010", _set("DM", "ARMCD", 0, "A" * 21)),
    ("SC-FMT-020", _set("TS", "TSVAL", 0, "Jan 2020")),
    ("SC-FMT-024", _set("TS", "TSVAL", 1, "18 years")),
    # terminology
    ("SC-CT-001", _set("DM", "SEX", 0, "Female")),
    ("SC-CT-002", _set("DS", "DSDECOD", 0, "FINISHED")),
    ("SC-CT-003", _set("LB", "LBTEST", 0, "Glucose")),
    # consistency
    ("SC-CONS-001", _set("AE", "DOMAIN", 0, "XX")),
    ("SC-CONS-002", _set("AE", "AESEQ", 1, 1.0) if False else _set("LB", "LBSEQ", 1, 1.0)),
    ("SC-CONS-002", _seq_clash_across_splits),
    ("SC-CONS-003", _set("LB", "VISIT", 3, "WEEK 02")),
    ("SC-CONS-004", _set("LB", "VISITNUM", 3, 3.0)),
    ("SC-CONS-005", _set("LB", "LBSTRESU", 3, "mg/dL")),
    ("SC-CONS-006", _set("LB", "LBORRESU", 0, "")),
    ("SC-CONS-007", _set("LB", "LBORRES", 0, "")),
    ("SC-CONS-008", _set("LB", "LBSTRESU", 0, "")),
    ("SC-CONS-010", _set("LB", "LBSTRESC", 0, "")),
    ("SC-CONS-011", _set("LB", "LBSTRESN", 0, float("nan"))),
    ("SC-CONS-012", _set("LB", "LBSTRESN", 0, 38.6)),
    ("SC-CONS-013", _set("AE", "AESDTH", 1, "N")),
    ("SC-CONS-014", _set("AE", "AESDTH", 1, "N")),
    ("SC-CONS-015", _set("AE", "AEOUT", 1, "NOT RECOVERED/NOT RESOLVED")),
    (
        "SC-CONS-016",
        lambda p: p.__setitem__(
            "LB", pd.concat([p["LB"], p["LB"].iloc[[3]].assign(LBSEQ=3.0, LBTEST="Alb")], ignore_index=True)
        ),
    ),
    ("SC-CONS-018", _set("AE", "AESTDTC", 0, "2020-01-21")),
    ("SC-CONS-020", _set("DM", "RFSTDTC", 0, "2020-04-01")),
    ("SC-CONS-021", _set("AE", "AESTDY", 0, 12.0)),
    ("SC-CONS-022", _set("LB", "LBSTNRHI", 0, 20.0)),
    ("SC-CONS-023", _set("DM", "USUBJID", 1, "S-1")),
    (
        "SC-CONS-024",
        lambda p: p.__setitem__("SUPPLB", pd.concat([p["SUPPLB"], p["SUPPLB"].iloc[[0]]], ignore_index=True)),
    ),
    ("SC-CONS-025", _set("SUPPLB", "QLABEL", 1, "Clin Signif")),
    ("SC-CONS-026", _set("AE", "AESTDY", 0, 0.0)),
    ("SC-CONS-028", _set("DM", "DTHFL", 1, "")),
    ("SC-CONS-029", _set("DM", "DTHDTC", 1, "")),
    ("SC-CONS-030", _set("DM", "AGEU", 0, "")),
    ("SC-CONS-031", _set("DM", "ARMCD", 0, "SCRNFAIL")),
    ("SC-CONS-034", _set("DM", "ACTARMCD", 0, "B")),
    ("SC-CONS-036", _set("DM", "ARMCD", 0, "Scrnfail")),
    ("SC-CONS-037", _set("AE", "AEENDTC", 0, "")),
    # consistency within a record (P21 "missing X when Y", limits, start timing, duplicate events)
    ("SC-CONS-038", lambda p: (_add("LB", "LBREASND", ["", "", "HAEMOLYSED", ""])(p), _add("LB", "LBSTAT", "")(p))),
    ("SC-CONS-039", lambda p: (_add("LB", "LBSTAT", ["", "NOT DONE", "", ""])(p), _add("LB", "LBREASND", "")(p))),
    ("SC-CONS-040", lambda p: (_add("AE", "AEDTC", ["2020-01-21", ""])(p))),
    ("SC-CONS-041", lambda p: (_add("LB", "LBTPTNUM", [1, 1, 1, 1])(p), _add("LB", "LBTPT", ["PRE", "PRE", "", "PRE"])(p))),
    ("SC-CONS-042", lambda p: (_add("LB", "LBTPT", ["PRE", "", "", ""])(p), _add("LB", "LBTPTNUM", [float("nan")] * 4)(p))),
    ("SC-CONS-043", lambda p: (_add("LB", "LBELTM", ["PT1H", "", "", ""])(p), _add("LB", "LBTPTREF", "")(p))),
    ("SC-CONS-044", lambda p: (_add("AE", "AECAT", ["GI", ""])(p), _add("AE", "AESCAT", ["", "NAUSEA"])(p))),
    ("SC-CONS-045", lambda p: (_add("AE", "AETOX", ["HEADACHE", ""])(p), _add("AE", "AETOXGR", "")(p))),
    ("SC-CONS-046", lambda p: (_add("AE", "AETOX", "")(p), _add("AE", "AETOXGR", ["0", "2"])(p))),
    ("SC-CONS-047", lambda p: (_add("AE", "AESTRTPT", ["BEFORE", ""])(p), _add("AE", "AESTTPT", "")(p))),
    ("SC-CONS-048", lambda p: (_add("AE", "AEENRTPT", ["ONGOING", ""])(p), _add("AE", "AEENTPT", "")(p))),
    ("SC-CONS-049", lambda p: (_add("LB", "LBDRVFL", ["", "", "", "Y"])(p), _set("LB", "LBSTRESC", 3, "")(p))),
    ("SC-CONS-050", lambda p: (_add("LB", "LBRESCAT", ["", "", "", "NORMAL"])(p), _set("LB", "LBSTRESC", 3, "")(p))),
    ("SC-CONS-051", _set("EX", "EXDOSU", 1, "")),
    ("SC-CONS-052", _add("EX", "EXDOSTXT", ["", "10-20"])),
    ("SC-CONS-053", _set("LB", "LBORRES", 1, "")),
    ("SC-CONS-054", _set("AE", "AESTDTC", 0, "")),
    ("SC-CONS-055", _set("EX", "EXDOSE", 1, -10.0)),
    ("SC-CONS-056", _add("AE", "AEDUR", ["P5D", "-P2D"])),
    ("SC-CONS-057", lambda p: p.__setitem__("AE", pd.concat([p["AE"], p["AE"].iloc[[0]].assign(AESEQ=2.0)],
                                                           ignore_index=True))),
    # subjects and trial design
    ("SC-CONS-060", _set("DM", "SUBJID", 1, "1")),
    ("SC-CONS-061", _set("DM", "ARMCD", 0, "NOTASSGN")),
    ("SC-CONS-062", _set("DM", "RFSTDTC", 0, "")),
    ("SC-CONS-063", _set("DM", "RFENDTC", 0, "")),
    ("SC-CONS-064", _set("DM", "AGE", 0, float("nan"))),
    ("SC-CONS-065", _add("DM", "AGETXT", ["", "60-65"])),
    ("SC-CONS-066", lambda p: (_add("DM", "BRTHDTC", ["1970-01-01", ""])(p), _set("DM", "AGE", 0, float("nan"))(p))),
    ("SC-CONS-067", _set("DM", "AGE", 0, -1.0)),
    ("SC-CONS-068", _add("AE", "AESOD", ["Y", ""])),
    ("SC-CONS-069", lambda p: p.__setitem__("SUPPLB", p["SUPPLB"].assign(QNAM=["LBCLSIG", "LBCLSG"]))),
    ("SC-CONS-070", lambda p: p.__setitem__("SV", p["SV"].assign(VISITNUM=[1.0, 1.0, 1.0, 2.0]))),
    ("SC-CONS-071", _set("TE", "ETCD", 2, "TRTA")),
    ("SC-CONS-072", _set("TE", "ELEMENT", 2, "Drug A")),
    ("SC-CONS-073", _set("TA", "ELEMENT", 2, "Screen")),
    ("SC-CONS-074", _set("TA", "ETCD", 2, "SCR2")),
    ("SC-CONS-075", lambda p: p.__setitem__("TS", pd.concat([p["TS"], p["TS"].iloc[[0]].assign(TSSEQ=2.0,
                                                           TSPARM="Start Date")], ignore_index=True))),
    ("SC-CONS-076", lambda p: p.__setitem__("TS", pd.concat([p["TS"], p["TS"].iloc[[2]].assign(TSPARMCD="TTL")],
                                                           ignore_index=True))),
    ("SC-CONS-082", lambda p: p.__setitem__("TS", pd.concat([p["TS"], p["TS"].iloc[[1]].assign(TSSEQ=2.0)],
                                                           ignore_index=True))),
    ("SC-PRES-012", _set("DS", "DSCAT", 1, "")),
    ("SC-PRES-013", _set("TS", "TSVAL", 2, "")),
    ("SC-PRES-014", lambda p: (_set("TS", "TSVAL", 2, "")(p), _add("TS", "TSVALNF", "")(p))),
    ("SC-XREF-017", lambda p: (_set("DM", "RFSTDTC", 1, "")(p), _add("AE", "AESTRF", ["", "AFTER"])(p))),
    ("SC-XREF-018", lambda p: (_set("DM", "RFENDTC", 1, "")(p), _add("AE", "AEENRF", ["", "AFTER"])(p))),
    ("SC-XREF-019", _set("AE", "AESTDTC", 0, "2020-03-02")),
    ("SC-XREF-020", _set("EX", "EXENDTC", 0, "2020-03-02")),
    ("SC-CONS-090", lambda p: (_add("EX", "EXVAMT", ["5", ""])(p), _add("EX", "EXTRTV", "")(p))),
    ("SC-CONS-091", lambda p: (_add("EX", "EXVAMT", ["5", ""])(p), _add("EX", "EXVAMTU", "")(p))),
    ("SC-CONS-092", _set("AE", "AESTDTC", 0, "")),
    ("SC-CONS-093", _add("AE", "AEOCCUR", ["Y", ""])),
    ("SC-CONS-094", lambda p: (_add("AE", "AEPRESP", ["Y", ""])(p), _add("AE", "AEOCCUR", "")(p))),
    ("SC-CONS-095", lambda p: (_add("AE", "AEOCCUR", ["N", ""])(p), _add("AE", "AEENRF", ["AFTER", ""])(p))),
    ("SC-CONS-096", _set("LB", "LBDTC", 0, "")),
    ("SC-CONS-097", lambda p: (_add("LB", "LBTPTNUM", [1, 1, 1, 1])(p), _add("LB", "LBTPT", ["A", "A", "B", "A"])(p))),
    ("SC-CONS-098", lambda p: (_add("LB", "LBTPT", ["A"] * 4)(p), _add("LB", "LBTPTNUM", [1, 1, 2, 1])(p))),
    ("SC-CONS-099", lambda p: (_add("LB", "LBTPT", ["A"] * 4)(p), _add("LB", "LBELTM", ["PT0H"] * 3 + ["PT1H"])(p))),
    ("SC-CONS-100", _set("LB", "LBCAT", 0, "ALB")),
    ("SC-CONS-101", _add("AE", "AESCAT", ["HEADACHE", ""])),
    ("SC-CONS-110", _set("TA", "ARM", 1, "Drug A2")),
    ("SC-CONS-111", _set("TA", "ARMCD", 1, "A2")),
    ("SC-CONS-112", _relrec("ONE", idvar="LBSEQ")),
    ("SC-CONS-113", _relrec("SINGLE", idvar="LBSPID")),
    ("SC-CONS-114", _relrec("ONE", idvar="LBSPID", idvarval="1")),
    ("SC-CONS-115", _relrec("ONE", idvar="LBSPID", usubjid="S-1")),
    ("SC-CONS-116", _se(element="Unplanned")),
    ("SC-CONS-117", _se(taetord=3.0)),
    ("SC-CONS-118", _se(seupdes="")),
    ("SC-CONS-119", lambda p: (_add("SV", "SVUPDES", ["", "", "Unscheduled", ""])(p), _add("SV", "VISITDY", [-7, 14, 14, 14])(p))),
    ("SC-CONS-120", _set("DM", "AGE", 0, float("nan"))),
    ("SC-PRES-040", _add("AE", "AESCAT", "")),
    ("SC-PRES-041", _add("AE", "AEENRTPT", "")),
    ("SC-PRES-042", _add("AE", "AEENTPT", "")),
    ("SC-PRES-043", _add("AE", "AESTRTPT", "")),
    ("SC-PRES-044", _add("AE", "AESTTPT", "")),
    ("SC-PRES-045", _add("AE", "AEDTC", "2020-01-25")),
    ("SC-PRES-050", _set("SUPPLB", "RDOMAIN", 0, "")),
    ("SC-PRES-051", _set("SUPPLB", "IDVAR", 0, "")),
    ("SC-PRES-052", _add("TE", "TEDUR", ["P7D", "", "P14D"])),
    ("SC-PRES-053", _drop("DM", "AGE")),
    ("SC-PRES-054", lambda p: p.__setitem__("MS", frame("STUDYID DOMAIN USUBJID MSSEQ", [("STUDY1", "MS", "S-1", 1)]))),
    ("SC-TECH-040", lambda p: p.__setitem__("LBCH", p["LB"].iloc[[0]].reset_index(drop=True))),
    ("SC-XREF-030", _set("LB", "LBDY", 0, float("nan"))),
    ("SC-XREF-031", _set("LB", "LBDTC", 0, "2020-01")),
    ("SC-XREF-032", _set("AE", "AESTDY", 0, float("nan"))),
    ("SC-XREF-033", _set("AE", "AESTDY", 1, 5.0)),
    ("SC-XREF-034", _set("AE", "AEENDY", 0, float("nan"))),
    ("SC-XREF-035", _set("AE", "AEENDTC", 0, "2020-01")),
    ("SC-XREF-040", _set("DM", "ACTARM", 0, "Drug C")),
    ("SC-XREF-041", _set("DM", "ARMCD", 0, "NOTASSGN")),
    ("SC-XREF-042", _set("AE", "STUDYID", 0, "OTHER")),
    ("SC-XREF-043", _set("TA", "ARMCD", 0, "SCRNFAIL")),
    ("SC-XREF-044", _set("TA", "ELEMENT", 1, "Drug Z")),
    ("SC-XREF-045", _se(etcd="TRTA", element="Drug A", taetord=9.0)),
    ("SC-XREF-046", lambda p: (_ie(_IE_OK)(p), _set("DM", "ARMCD", 1, "SCRNFAIL")(p))),
    ("SC-XREF-047", _ie(_IE_OK, ("S-2", "INCL09", "Adult", "INCLUSION", "N", "N"))),
    ("SC-XREF-048", _ie(_IE_OK, ("S-2", "INCL01", "Adults", "INCLUSION", "N", "N"))),
    ("SC-CONS-121", _ie(_IE_OK, ("S-2", "EXCL01", "Pregnant", "EXCLUSION", "N", "N"))),
    ("SC-CONS-122", _ie(_IE_OK, ("S-2", "INCL01", "Adult", "INCLUSION", "Y", "Y"))),
    ("SC-CONS-123", _ie(_IE_OK, ("S-2", "INCL01", "Adult", "INCLUSION", "N", "Y"))),
    ("SC-CONS-124", lambda p: p.__setitem__("CO", frame("STUDYID DOMAIN RDOMAIN USUBJID IDVAR IDVARVAL COSEQ COVAL CODTC",
                                                       [("STUDY1", "CO", "AE", "S-1", "AESEQ", "1", 1, "Note", "2020-01-16")]))),
    ("SC-PRES-055", lambda p: p.__setitem__("SUPPTS", frame("STUDYID RDOMAIN USUBJID IDVAR IDVARVAL QNAM QLABEL QVAL",
                                                           [("STUDY1", "TS", "", "TSSEQ", "1", "TSNOTE", "Note", "x")]))),
    ("SC-FMT-040", _add("DM", "AGETXT", ["", "about 60"])),
    ("SC-FMT-041", lambda p: p.__setitem__("TS", pd.concat([p["TS"], frame("STUDYID DOMAIN TSSEQ TSPARMCD TSPARM TSVAL",
                                                   [("STUDY1", "TS", 1, "PLANSUB", "Planned Number of Subjects", "about 100")])],
                                                           ignore_index=True))),
    ("SC-PRES-056", lambda p: p.__setitem__("XB", frame("STUDYID DOMAIN USUBJID XBSEQ XBTESTCD XBTEST XBORRES",
                                                       [("STUDY1", "XB", "S-1", 1, "SCORE", "Score", "3")]))),
    ("SC-PRES-057", _add("LB", "POOLID", ["", "P1", "", ""])),
    ("SC-XREF-049", _add("SV", "VISITDY", [-7, 14, -7, 15])),
    ("SC-FMT-045", _set("AE", "AETERM", 0, "X" * 200)),
    ("SC-CONS-125", lambda p: p.__setitem__("SUPPDM", frame("STUDYID RDOMAIN USUBJID IDVAR IDVARVAL QNAM QLABEL QVAL",
                                                           [("STUDY1", "DM", "S-1", "DMSEQ", "1", "RACEOTH", "Race, Other", "X")]))),
    ("SC-CONS-126", _set("TA", "TAETORD", 1, 1.0)),
    # cross-reference
    ("SC-XREF-001", _set("AE", "USUBJID", 0, "S-9")),
    ("SC-XREF-002", _set("DM", "ARMCD", 0, "C")),
    ("SC-XREF-004", _set("DM", "ARM", 0, "Drug B")),
    ("SC-XREF-006", _set("LB", "VISIT", 0, "SCREEN")),
    ("SC-XREF-007", _set("LB", "VISITNUM", 3, 3.0)),
    ("SC-XREF-008", _set("SUPPLB", "IDVARVAL", 0, "7")),
    ("SC-XREF-010", _set("SUPPLB", "RDOMAIN", 0, "XY")),
    ("SC-XREF-011", _set("SUPPLB", "IDVAR", 0, "LBNOPE")),
    ("SC-XREF-012", _set("LB", "LBDY", 1, 14.0)),
    ("SC-XREF-013", _set("AE", "AESTDY", 0, 5.0)),
    ("SC-XREF-015", _set("TA", "ETCD", 1, "NOPE")),
    ("SC-XREF-016", _set("AE", "EPOCH", 0, "FOLLOW-UP")),
    # metadata
    ("SC-META-010", _add("AE", "AEFOO", "x")),
    ("SC-META-011", _add("AE", "AEOCCUR", "Y")),
    ("SC-META-012", _drop("AE", "EPOCH")),
    ("SC-META-008", _add("AE", "AESTDY", ["6", "7"])),
    ("SC-META-009", lambda p: p.__setitem__("_meta", {"AE": {"labels": {"AETERM": "Adverse event term"}}})),
]


def _run(p: dict, **kw):
    meta = p.pop("_meta", None)
    return validate_package(p, metadata=meta, **kw)


@pytest.fixture(scope="module")
def sdtm_clean_rules() -> set[str]:
    return _run(sdtm_base(), standard="sdtmig-3.4").rule_ids()


@pytest.mark.parametrize("rule_id,breaker", SDTM_CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(SDTM_CASES)])
def test_sdtm_rule_fires_on_broken_data_only(rule_id, breaker, sdtm_clean_rules):
    assert rule_id not in sdtm_clean_rules, f"{rule_id} fires on the clean base package"
    p = sdtm_base()
    breaker(p)
    assert rule_id in _run(p, standard="sdtmig-3.4", rules=[rule_id]).rule_ids()


def _adam_set(ds, col, row, value):
    def f(p):
        p[ds].loc[row, col] = value

    return f


ADAM_CASES: list[tuple[str, Callable[[dict], None]]] = [
    ("AD-PRES-001", lambda p: p.__setitem__("ADSL", p["ADSL"]) or p.pop("ADSL")),
    ("AD-PRES-047", lambda p: p.__setitem__("ADVS", p["ADVS"].drop(columns=["PARAM"]))),
    ("AD-PRES-196", _adam_set("ADVS", "PARAMCD", 0, "")),
    ("AD-PRES-019", _adam_set("ADSL", "SAFFL", 0, "")),
    ("AD-CT-005", _adam_set("ADSL", "SAFFL", 0, "X")),
    ("AD-CT-006", _adam_set("ADSL", "SAFFN", 0, 3.0)),
    ("AD-CT-176", _adam_set("ADVS", "ABLFL", 1, "N")),
    ("AD-CONS-010", _adam_set("ADSL", "SAFFN", 0, 0.0)),
    ("AD-CONS-054", _adam_set("ADSL", "USUBJID", 1, "S-1")),
    ("AD-CONS-154", _adam_set("ADVS", "ABLFL", 1, "Y")),
    ("AD-CONS-127", lambda p: p["ADVS"].__setitem__("ABLFL", "")),
    ("AD-CONS-152", _adam_set("ADVS", "BASE", 0, 121.0)),
    ("AD-CONS-223", _adam_set("ADVS", "CHG", 1, 10.0)),
    ("AD-CONS-225", _adam_set("ADVS", "PCHG", 1, 8.7)),
    ("AD-CONS-225A", lambda p: (_adam_set("ADVS", "BASE", 3, 0.0)(p), _adam_set("ADVS", "AVAL", 2, 0.0)(p))),
    ("AD-CONS-149", _adam_set("ADVS", "AVAL", 3, 130.3)),
    ("AD-CONS-150", _adam_set("ADVS", "AVALC", 3, "130.3")),
    ("AD-CONS-151", _adam_set("ADVS", "CRIT1", 3, "SYSBP > 160")),
    ("AD-CONS-137", _adam_set("ADVS", "CRIT1", 3, "")),
    ("AD-CONS-141", _adam_set("ADVS", "PARAM", 3, "Systolic Blood Pressure")),
    ("AD-CONS-109", _adam_set("ADVS", "AVISITN", 3, 3.0)),
    ("AD-CONS-046", _adam_set("ADVS", "ADY", 0, 0.0)),
    ("AD-CONS-161", lambda p: p["ADVS"].__setitem__("AWU", ["DAYS", "", "", ""])),
    ("AD-PRES-160", lambda p: p["ADVS"].__setitem__("AWU", ["DAYS", "", "", ""])),
    ("AD-FMT-058", lambda p: p["ADVS"].__setitem__("ADT", ["2020-01-10"] * 4)),
    ("AD-FMT-041", lambda p: p.__setitem__("_meta", {"ADVS": {"formats": {"ADT": "BEST12."}}})),
    ("AD-FMT-143", _adam_set("ADVS", "PARAMCD", 0, "SYSBP-1")),
    ("AD-XREF-256", _adam_set("ADVS", "USUBJID", 0, "S-9")),
    (
        "AD-META-018",
        lambda p: p.__setitem__(
            "_meta", {**ADAM_META, "ADVS": {"formats": {"ADT": "DATE9."}, "labels": {"AVAL": "Value"}}}
        ),
    ),
    ("AD-TECH-002", lambda p: p["ADSL"].__setitem__("_X", "x")),
    ("AD-CONS-098", lambda p: (p["ADVS"].__setitem__("ASDY", [1.0, 5, 1, 1]), p["ADVS"].__setitem__("AEDY", [2.0, 4, 1, 1]))),
    ("AD-CONS-099", lambda p: (p["ADVS"].__setitem__("ASTDY", [1.0, 5, 1, 1]),
                               p["ADVS"].__setitem__("AENDY", [2.0, 4, 1, 1]))),
    ("AD-CONS-122", lambda p: (p["ADSL"].__setitem__("TRTSDTM", [2.0, 1]), p["ADSL"].__setitem__("TRTEDTM", [1.0, 1]))),
    ("AD-CONS-162", lambda p: (p["ADVS"].__setitem__("ANRLO", [90.0] * 4), p["ADVS"].__setitem__("ANRHI", [140.0, 140, 80, 140]))),
    ("AD-CONS-169", lambda p: p["ADVS"].__setitem__("CNSR", [0.0, 1, 0.5, float("nan")])),
    ("AD-CONS-148", lambda p: p["ADVS"].__setitem__("PARAMN", [1.0, 1, 1.5, 1])),
    ("AD-CONS-112", lambda p: (p["ADVS"].__setitem__("ARELTM", [1.0, 2, float("nan"), 1]),
                               p["ADVS"].__setitem__("ARELTMU", ["HOURS", "HOURS", "", ""]))),
    ("AD-CONS-115", lambda p: (p["ADVS"].__setitem__("ATPT", ["PRE"] * 4), p["ADVS"].__setitem__("ATPTREF", ["DOSE", "DOSE", "", "DOSE"]))),
    ("AD-CONS-263", lambda p: (p["ADVS"].__setitem__("ADTF", ["D", "", "", ""]), _adam_set("ADVS", "ADT", 0, float("nan"))(p))),
    ("AD-CONS-264", lambda p: (p["ADVS"].__setitem__("ATM", [3600.0, float("nan"), 3600, 3600]),
                               p["ADVS"].__setitem__("ATMF", ["", "H", "", ""]))),
    ("AD-CONS-267", lambda p: (p["ADVS"].__setitem__("ADURN", [1.0, float("nan"), 1, 1]),
                               p["ADVS"].__setitem__("ADURU", ["DAYS"] * 4))),
    ("AD-CONS-274", lambda p: (p["ADVS"].__setitem__("DOSEAEON", [10.0, 10, 10, float("nan")]),
                               p["ADVS"].__setitem__("DOSAEONU", ["mg"] * 4))),
    ("AD-CONS-275", lambda p: (p["ADVS"].__setitem__("DOSECUM", [10.0] * 4),
                               p["ADVS"].__setitem__("DOSECUMU", ["mg", "mg", "", "mg"]))),
    ("AD-PRES-007", lambda p: p.__setitem__("ADSL", p["ADSL"].drop(columns=['SAFFL']))),
    ("AD-PRES-111", lambda p: p["ADVS"].__setitem__("ARELTM", 1.0)),
    ("AD-PRES-113", lambda p: p["ADVS"].__setitem__("ARELTMU", "HOURS")),
    ("AD-PRES-156", lambda p: p.__setitem__("ADVS", p["ADVS"].drop(columns=['CRIT1']))),
    ("AD-PRES-157", lambda p: p.__setitem__("ADVS", p["ADVS"].drop(columns=['CRIT1FL']))),
    ("AD-PRES-158", lambda p: p["ADVS"].__setitem__("AWTDIFF", 1.0)),
    ("AD-PRES-163", lambda p: p["ADVS"].__setitem__("BTOXGR", "0")),
    ("AD-PRES-164", lambda p: (p["ADVS"].__setitem__("BTOXGR", "0"), p["ADVS"].__setitem__("ATOXGR", "0"), p.__setitem__("ADVS", p["ADVS"].drop(columns=["ABLFL"])))),
    ("AD-PRES-166", lambda p: p["ADVS"].__setitem__("BNRIND", "NORMAL")),
    ("AD-PRES-167", lambda p: (p["ADVS"].__setitem__("BNRIND", "NORMAL"), p["ADVS"].__setitem__("ANRIND", "NORMAL"), p.__setitem__("ADVS", p["ADVS"].drop(columns=["ABLFL"])))),
    ("AD-PRES-170", lambda p: p["ADVS"].__setitem__("STARTDT", 21924.0)),
    ("AD-PRES-245", lambda p: p["ADVS"].__setitem__("CNSR", 0.0)),
    ("AD-PRES-250", lambda p: p["ADVS"].__setitem__("EVNTDESC", "DEATH")),
    ("AD-PRES-1015", lambda p: p["ADSL"].__setitem__("APHASE", "TREATMENT")),
    ("AD-PRES-127A", lambda p: p.__setitem__("ADVS", p["ADVS"].drop(columns=['ABLFL']))),
    ("AD-PRES-064", lambda p: p["ADSL"].__setitem__("TRT01AN", 1.0)),
    ("AD-PRES-075", lambda p: p.__setitem__("ADSL", p["ADSL"].drop(columns=['TRT01P']))),
    ("AD-PRES-080", lambda p: (p["ADSL"].__setitem__("TRT01A", "Drug A"), p.__setitem__("ADSL", p["ADSL"].drop(columns=["TRT01P", "TRT01PN"])))),
    ("AD-CONS-165", lambda p: (p["ADVS"].__setitem__("BTOXGR", ["0", "0", "1", "1"]), p["ADVS"].__setitem__("ATOXGR", ["1", "0", "1", "1"]))),
    ("AD-CONS-168", lambda p: (p["ADVS"].__setitem__("BNRIND", ["NORMAL"] * 4), p["ADVS"].__setitem__("ANRIND", ["HIGH", "NORMAL", "NORMAL", "NORMAL"]))),
    ("AD-CONS-012", lambda p: p["ADSL"].__setitem__("SAFFL", ["Y", ""])),
    ("AD-CONS-146", lambda p: (p["ADVS"].__setitem__("PARAMN", [1.0] * 4), _adam_set("ADVS", "PARAM", 3, "SBP")(p))),
    ("AD-CONS-147", lambda p: p["ADVS"].__setitem__("PARAMN", [1.0, 1, 1, 2])),
    ("AD-CONS-175", lambda p: p["ADVS"].__setitem__("LVOTFL", ["Y", "Y", "", "Y"])),
    ("AD-PRES-198", lambda p: p.__setitem__("ADVS", p["ADVS"].drop(columns=["AVAL", "AVALC"]))),
    ("AD-CT-033", lambda p: p["ADVS"].__setitem__("ONTRTRFL", ["Y", "N", "", ""])),
    ("AD-CT-034", lambda p: p["ADVS"].__setitem__("ANLPFL", ["Y", "N", "", ""])),
    ("AD-CT-035", lambda p: p["ADVS"].__setitem__("ONTRTRFN", [1.0, 0, float("nan"), 1])),
    ("AD-CT-036", lambda p: p["ADVS"].__setitem__("ANLPFN", [1.0, 0, float("nan"), 1])),
    ("AD-CT-211", lambda p: p["ADVS"].__setitem__("ABLFN", [1.0, 0, 1, float("nan")])),
    ("AD-CT-212", lambda p: p["ADVS"].__setitem__("ANL01FN", [1.0, 2, 1, float("nan")])),
]


def _run_adam(p: dict, rules=None):
    meta = p.pop("_meta", ADAM_META)
    return validate_package(p, metadata=meta, standard="adamig-1.3", rules=rules)


@pytest.fixture(scope="module")
def adam_clean_rules() -> set[str]:
    return _run_adam(adam_base()).rule_ids()


@pytest.mark.parametrize("rule_id,breaker", ADAM_CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(ADAM_CASES)])
def test_adam_rule_fires_on_broken_data_only(rule_id, breaker, adam_clean_rules):
    assert rule_id not in adam_clean_rules, f"{rule_id} fires on the clean ADaM package"
    p = adam_base()
    breaker(p)
    assert rule_id in _run_adam(p, rules=[rule_id]).rule_ids()


def test_required_and_expected_variables_pass_when_present():
    p = {
        "TE": frame(
            "STUDYID DOMAIN ETCD ELEMENT TESTRL TEENRL TEDUR",
            [("S", "TE", "SCRN", "Screening", "Consent", "Dose", "P7D")],
        )
    }
    ids = validate_package(p, standard="sdtmig-3.4").rule_ids()
    assert "SC-PRES-003" not in ids and "SC-PRES-004" not in ids
    p["TE"] = p["TE"].drop(columns=["ELEMENT"])
    assert "SC-PRES-003" in validate_package(p, standard="sdtmig-3.4").rule_ids()
    dm = frame("STUDYID DOMAIN USUBJID SUBJID SITEID SEX COUNTRY", [("S", "DM", "S-1", "1", "01", "F", "USA")])
    assert "SC-PRES-004" in validate_package({"DM": dm}, standard="sdtmig-3.4").rule_ids()  # AGE, ARMCD, ...


def test_ts_parameter_rules_pass_when_the_parameter_is_there():
    ids = validate_package(sdtm_base(), rules=["SC-PRES-1"]).rule_ids()
    assert "SC-PRES-130" not in ids and "SC-PRES-101" in ids  # SSTDTC present, AGEMAX missing


def test_sdtm_32_does_not_expect_variables_added_later():
    p = sdtm_base()
    ids34 = validate_package(p, standard="sdtmig-3.4", rules=["SC-PRES-004"]).findings
    ids32 = validate_package(sdtm_base(), standard="sdtmig-3.2", rules=["SC-PRES-004"]).findings
    assert "LBLOBXFL" in set(ids34["variable"]) and "LBLOBXFL" not in set(ids32["variable"])


def test_length_too_long_flags_padding_but_not_the_one_byte_floor_of_empty_columns(tmp_path):
    """SD1082: a character length above the longest value is flagged; an all-empty column written with
    XPT's minimum length of 1 byte is not (there is no shorter length to give it)."""
    import pyreadstat

    from sdtm_convert.validate import validate_package

    df = pd.DataFrame({"STUDYID": ["S1"], "DOMAIN": ["TA"], "ARMCD": ["A   "], "TABRANCH": [""]})
    pyreadstat.write_xport(df, str(tmp_path / "ta.xpt"), file_format_version=5, table_name="TA", file_label="Trial Arms")
    found = validate_package(tmp_path, rules=["SC-TECH-012"]).findings
    assert found["variable"].tolist() == ["ARMCD"]


def test_collection_after_end_is_checked_for_specimens_not_for_events():
    p = sdtm_base()
    p["AE"]["AEDTC"] = ["2020-01-25", "2020-01-25"]  # the AE form filled in after the AE ended: fine
    p["LB"]["LBENDTC"] = ["2020-01-02", "", "", ""]  # specimen collection ending before it began
    found = _run(p, standard="sdtmig-3.4", rules=["SC-CONS-019"]).findings
    assert found[["dataset", "value"]].values.tolist() == [["LB", "2020-01-03 > 2020-01-02"]]
