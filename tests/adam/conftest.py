"""A small, hand-made SDTM study for the ADaM tests (5 subjects).

- 001 completes; PASI 20.0 → week 12 4.0; two week-4 assessments equally far from the target (tie);
  AEs with partial dates (start in the month of first dose; start/end in the same partial month).
- 002 discontinues early (ADVERSE EVENT) after 2 infusions; no week-12 PASI (NRI).
- 003 screen failure (SDTMIG 3.4: ARMCD/ARM null, ARMNRS "SCREEN FAILURE"): no exposure, screening PASI.
- 004 completes; baseline 12.0 → week 12 3.0: exactly 75.0 % improvement (PASI75 responder).
- 005 completes; the day-1 PASI is missing so the screening PASI is the baseline; one serious AE.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.spec.study import study_from_dict

STUDYID = "NCT03745417"
ARM = "UCMSC 2x10^6 cells/kg IV"
FIRST = {"001": "2022-03-10", "002": "2022-04-04", "004": "2022-05-02", "005": "2022-06-01"}

STUDY_DICT = {
    "studyid": STUDYID,
    "title": "UCMSC in psoriasis",
    "sponsor": "Guangdong Provincial Hospital of TCM",
    "ct_version": "2025-03-25",
    "created": "2026-11-25T00:00:00",
    "pasi": {"domain": "QS", "version": "PASI03"},
    "arms": [{"armcd": "UCMSC", "arm": ARM, "elements": ["SCRN", "UCMSC", "FU"]}],
    "visits": [
        {"visitnum": 1, "visit": "SCREENING", "visitdy": -14, "window": [-14, -1], "start_rule": ""},
        {"visitnum": 2, "visit": "WEEK 0", "visitdy": 1, "window": [1, 1], "start_rule": ""},
        {"visitnum": 3, "visit": "WEEK 2", "visitdy": 15, "window": [12, 18], "start_rule": ""},
        {"visitnum": 4, "visit": "WEEK 4", "visitdy": 29, "window": [26, 32], "start_rule": ""},
        {"visitnum": 5, "visit": "WEEK 6", "visitdy": 43, "window": [40, 46], "start_rule": ""},
        {"visitnum": 6, "visit": "WEEK 8", "visitdy": 57, "window": [54, 60], "start_rule": ""},
        {"visitnum": 7, "visit": "WEEK 12", "visitdy": 85, "window": [82, 88], "start_rule": ""},
    ],
}


def day(subj: str, d: int) -> str:
    start = dt.date.fromisoformat(FIRST.get(subj, "2022-02-01"))
    return (start + dt.timedelta(days=d - 1 if d > 0 else d)).isoformat()


def dm() -> pd.DataFrame:
    rows = [
        ("001", 34, "F", "UCMSC", "COMPLETED"),
        ("002", 52, "M", "UCMSC", "ADVERSE EVENT"),
        ("003", 45, "M", "", "SCREEN FAILURE"),
        ("004", 41, "F", "UCMSC", "COMPLETED"),
        ("005", 63, "M", "UCMSC", "COMPLETED"),
    ]
    out = []
    for s, age, sex, armcd, _ in rows:
        treated = armcd == "UCMSC"
        out.append(
            {
                "STUDYID": STUDYID,
                "DOMAIN": "DM",
                "USUBJID": f"{STUDYID}-{s}",
                "SUBJID": s,
                "SITEID": "01",
                "RFSTDTC": FIRST.get(s, ""),
                "RFENDTC": day(s, 85) if treated else "",
                "RFXSTDTC": FIRST.get(s, ""),
                "RFXENDTC": "",
                "RFICDTC": day(s, -20),
                "RFPENDTC": day(s, 85),
                "BRTHDTC": "",
                "AGE": float(age),
                "AGEU": "YEARS",
                "SEX": sex,
                "RACE": "ASIAN",
                "ETHNIC": "NOT HISPANIC OR LATINO",
                "ARMCD": armcd,
                "ARM": ARM if treated else "",
                "ACTARMCD": armcd,
                "ACTARM": ARM if treated else "",
                "ARMNRS": "" if treated else "SCREEN FAILURE",
                "ACTARMUD": "",
                "COUNTRY": "CHN",
                "__src_file": "dm.csv",
                "__src_row": str(len(out) + 1),
            }
        )
    return pd.DataFrame(out)


def ex() -> pd.DataFrame:
    n_inf = {"001": 5, "002": 2, "004": 5, "005": 5}
    rows = []
    for s, n in n_inf.items():
        for i in range(n):
            d = day(s, 1 + 14 * i)
            rows.append(
                {
                    "STUDYID": STUDYID,
                    "DOMAIN": "EX",
                    "USUBJID": f"{STUDYID}-{s}",
                    "EXSEQ": float(i + 1),
                    "EXTRT": "UMBILICAL CORD MESENCHYMAL STEM CELLS",
                    "EXDOSE": 2.0,
                    "EXDOSU": "10^6 cells/kg",
                    "EXSTDTC": d + "T09:30",
                    "EXENDTC": d + "T10:15",
                }
            )
    return pd.DataFrame(rows)


def ds() -> pd.DataFrame:
    rows = []
    for s, term, d in [
        ("001", "COMPLETED", 86),
        ("002", "ADVERSE EVENT", 20),
        ("003", "SCREEN FAILURE", -5),
        ("004", "COMPLETED", 85),
        ("005", "COMPLETED", 85),
    ]:
        u = f"{STUDYID}-{s}"
        rows.append(
            {
                "STUDYID": STUDYID,
                "DOMAIN": "DS",
                "USUBJID": u,
                "DSSEQ": 1.0,
                "DSTERM": "INFORMED CONSENT",
                "DSDECOD": "INFORMED CONSENT OBTAINED",
                "DSCAT": "PROTOCOL MILESTONE",
                "DSSTDTC": day(s, -20),
            }
        )
        rows.append(
            {
                "STUDYID": STUDYID,
                "DOMAIN": "DS",
                "USUBJID": u,
                "DSSEQ": 2.0,
                "DSTERM": term,
                "DSDECOD": term,
                "DSCAT": "DISPOSITION EVENT",
                "DSSTDTC": day(s, d),
            }
        )
    return pd.DataFrame(rows)


def pasi_items(regions: list[tuple[int, int, int, int]] | None) -> list[float]:
    """29 PASI03 item values from (E, I, D, A) per region (head, upper, trunk, lower); None → all missing."""
    if regions is None:
        return [np.nan] * 29
    items: list[float] = []
    for e, i, d, a in regions:
        items += [e, i, d, a]
    tail: list[float] = []
    total10 = 0
    for w, (e, i, d, a) in zip((1, 2, 3, 4), regions):
        s = e + i + d
        tail += [s, s * a, s * a * w / 10]
        total10 += s * a * w
    return [float(x) for x in items + tail] + [total10 / 10]


# PASI per subject: (study day, regions); totals noted
R20 = [(2, 2, 1, 2), (2, 2, 2, 2), (2, 2, 2, 2), (2, 1, 2, 2)]  # 1.0 + 2.4 + 3.6 + 4.0 = 11.0
PASI_PLAN = {
    "001": [
        (-7, [(3, 3, 2, 3), (2, 2, 2, 2), (3, 2, 2, 2), (2, 2, 2, 3)]),  # 2.4+2.4+4.2+7.2 = 16.2
        (1, [(3, 3, 3, 3), (2, 2, 2, 2), (3, 2, 2, 2), (2, 2, 2, 3)]),  # 2.7+2.4+4.2+7.2 = 16.5
        (15, R20),
        (27, R20),
        (31, [(1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)]),  # tie: 3.0
        (43, R20),
        (57, R20),
        (86, [(1, 1, 0, 1), (1, 1, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1)]),
    ],  # 0.2+0.6+0.6+1.2
    "002": [(-5, R20), (1, R20), (15, [(2, 2, 1, 2), (2, 2, 2, 2), (2, 2, 2, 2), (2, 2, 2, 2)])],
    "003": [(-5, R20)],
    # 004: baseline 12.0 (lower limbs S=10, A=3 → 120 tenths) → week 12 3.0: exactly 75.0 % improvement
    "004": [
        (1, [(0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0), (4, 3, 3, 3)]),
        (85, [(0, 0, 0, 0), (0, 0, 0, 0), (2, 2, 1, 2), (0, 0, 0, 0)]),
    ],
    "005": [(-6, R20), (1, None), (29, [(1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)]), (85, R20)],
}


def qs(plan: dict | None = None) -> pd.DataFrame:
    plan = plan or PASI_PLAN
    rows = []
    for s, visits in plan.items():
        seq = 0
        for d, regions in visits:
            items = pasi_items(regions)
            vnum = {-7: 1, -6: 1, -5: 1, 1: 2, 15: 3, 27: 4, 29: 4, 31: 4, 43: 5, 57: 6, 85: 7, 86: 7}[d]
            for n, value in enumerate(items, start=1):
                seq += 1
                rows.append(
                    {
                        "STUDYID": STUDYID,
                        "DOMAIN": "QS",
                        "USUBJID": f"{STUDYID}-{s}",
                        "QSSEQ": float(seq),
                        "QSTESTCD": f"PASI03{n:02d}",
                        "QSCAT": "PASI FREDRIKSSON",
                        "QSSTRESC": "" if np.isnan(value) else f"{value:g}",
                        "QSSTRESN": value,
                        "QSDRVFL": "Y" if n >= 17 else "",
                        "VISITNUM": float(vnum),
                        "VISIT": f"V{vnum}",
                        "QSDTC": day(s, d),
                        "__src_file": "pasi.csv",
                        "__src_row": str(len(rows) + 1),
                    }
                )
    return pd.DataFrame(rows)


def ae() -> pd.DataFrame:
    u = f"{STUDYID}-"
    rows = [
        # 001: start partial in month of first dose (2022-03, first dose 2022-03-10) → imputed to 2022-03-10
        (
            "001",
            1,
            "Fever",
            "Pyrexia",
            "General disorders and administration site conditions",
            "2022-03",
            "2022-03-12",
            "N",
            "MILD",
            "RELATED",
        ),
        # 001: start and end partial in the same month before first dose month → start 04-01, end 04-30
        (
            "001",
            2,
            "Headache",
            "Headache",
            "Nervous system disorders",
            "2022-04",
            "2022-04",
            "N",
            "MILD",
            "NOT RELATED",
        ),
        # 001: start month partial, end complete before the first-dose-based imputation → capped at end
        (
            "001",
            3,
            "Itch",
            "Pruritus",
            "Skin and subcutaneous tissue disorders",
            "2022-03",
            "2022-03-05",
            "N",
            "MILD",
            "NOT RELATED",
        ),
        # 001: second headache (not first occurrence)
        (
            "001",
            4,
            "Headache again",
            "Headache",
            "Nervous system disorders",
            "2022-05-02",
            "",
            "N",
            "MILD",
            "NOT RELATED",
        ),
        # 002: AE leading to discontinuation, year-only end
        (
            "002",
            1,
            "Infusion reaction",
            "Infusion related reaction",
            "Injury, poisoning and procedural complications",
            "2022-04-18",
            "2022",
            "N",
            "MODERATE",
            "RELATED",
        ),
        # 003: screen failure AE (never treated)
        (
            "003",
            1,
            "Cold",
            "Nasopharyngitis",
            "Infections and infestations",
            "2022-01-28",
            "2022-02-03",
            "N",
            "MILD",
            "NOT RELATED",
        ),
        # 005: serious AE after the TEAE window (last dose day 57 + 28 → day 85): day 100 → not TEAE
        (
            "005",
            1,
            "Pneumonia",
            "Pneumonia",
            "Infections and infestations",
            day("005", 100),
            day("005", 110),
            "Y",
            "SEVERE",
            "NOT RELATED",
        ),
        # 005: serious AE within window
        (
            "005",
            2,
            "Chest <pain>",
            "Chest pain",
            "General disorders and administration site conditions",
            day("005", 30),
            day("005", 31),
            "Y",
            "MODERATE",
            "POSSIBLY RELATED",
        ),
    ]
    return pd.DataFrame(
        [
            {
                "STUDYID": STUDYID,
                "DOMAIN": "AE",
                "USUBJID": u + s,
                "AESEQ": float(q),
                "AETERM": t,
                "AEDECOD": dcd,
                "AEBODSYS": soc,
                "AESOC": soc,
                "AESTDTC": st,
                "AEENDTC": en,
                "AESER": ser,
                "AESEV": sev,
                "AEREL": rel,
            }
            for s, q, t, dcd, soc, st, en, ser, sev, rel in rows
        ]
    )


@pytest.fixture
def study():
    return study_from_dict(STUDY_DICT)


@pytest.fixture
def sdtm() -> dict[str, pd.DataFrame]:
    return {"DM": dm(), "EX": ex(), "DS": ds(), "QS": qs(), "AE": ae()}


@pytest.fixture(scope="session")
def built():
    """build_adam on the fixture study, once per session (tests must not modify it)."""
    from sdtm_convert.adam import build_adam

    return build_adam({"DM": dm(), "EX": ex(), "DS": ds(), "QS": qs(), "AE": ae()}, study_from_dict(STUDY_DICT))
