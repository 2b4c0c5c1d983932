"""Small literal SDTM and ADaM packages (frames) that pass the rules under test; cases break one thing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).parent.parent / "data" / "validate"
N = np.nan


def frame(cols: str, rows: list[tuple]) -> pd.DataFrame:
    """``frame("A B", [(1, "x")])``: numbers become float64, text stays text."""
    names = cols.split()
    df = pd.DataFrame(rows, columns=names)
    for c in names:
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in df[c]):
            df[c] = df[c].astype("float64")
        else:
            df[c] = df[c].astype(object).where(df[c].notna(), "")
    return df


def sdtm_base() -> dict[str, pd.DataFrame]:
    s = "STUDY1"
    return {
        "DM": frame(
            "STUDYID DOMAIN USUBJID SUBJID RFSTDTC RFENDTC SITEID AGE AGEU SEX RACE ARMCD ARM ACTARMCD ACTARM "
            "COUNTRY DTHFL DTHDTC",
            [
                (
                    s,
                    "DM",
                    "S-1",
                    "1",
                    "2020-01-10",
                    "2020-03-01",
                    "01",
                    50,
                    "YEARS",
                    "F",
                    "WHITE",
                    "A",
                    "Drug A",
                    "A",
                    "Drug A",
                    "USA",
                    "",
                    "",
                ),
                (
                    s,
                    "DM",
                    "S-2",
                    "2",
                    "2020-01-12",
                    "2020-03-05",
                    "01",
                    61,
                    "YEARS",
                    "M",
                    "ASIAN",
                    "B",
                    "Drug B",
                    "B",
                    "Drug B",
                    "USA",
                    "Y",
                    "2020-03-05",
                ),
            ],
        ),
        "TA": frame(
            "STUDYID DOMAIN ARMCD ARM TAETORD ETCD ELEMENT EPOCH",
            [
                (s, "TA", "A", "Drug A", 1, "SCRN", "Screening", "SCREENING"),
                (s, "TA", "A", "Drug A", 2, "TRTA", "Drug A", "TREATMENT"),
                (s, "TA", "B", "Drug B", 1, "SCRN", "Screening", "SCREENING"),
                (s, "TA", "B", "Drug B", 2, "TRTB", "Drug B", "TREATMENT"),
            ],
        ),
        "TE": frame(
            "STUDYID DOMAIN ETCD ELEMENT TESTRL",
            [
                (s, "TE", "SCRN", "Screening", "Consent"),
                (s, "TE", "TRTA", "Drug A", "First dose"),
                (s, "TE", "TRTB", "Drug B", "First dose"),
            ],
        ),
        "TV": frame(
            "STUDYID DOMAIN VISITNUM VISIT VISITDY TVSTRL",
            [(s, "TV", 1, "SCREENING", -7, "Day -7"), (s, "TV", 2, "WEEK 2", 14, "Day 14")],
        ),
        "TS": frame(
            "STUDYID DOMAIN TSSEQ TSPARMCD TSPARM TSVAL",
            [
                (s, "TS", 1, "SSTDTC", "Study Start Date", "2020-01-01"),
                (s, "TS", 1, "AGEMIN", "Planned Minimum Age of Subjects", "P18Y"),
                (s, "TS", 1, "TITLE", "Trial Title", "A study"),
            ],
        ),
        "SV": frame(
            "STUDYID DOMAIN USUBJID VISITNUM VISIT SVSTDTC",
            [
                (s, "SV", u, n, v, d)
                for u in ("S-1", "S-2")
                for n, v, d in ((1, "SCREENING", "2020-01-03"), (2, "WEEK 2", "2020-01-24"))
            ],
        ),
        "AE": frame(
            "STUDYID DOMAIN USUBJID AESEQ AETERM AEDECOD AESTDTC AEENDTC AESTDY AEENDY AESER AESDTH AEOUT AESEV EPOCH",
            [
                (
                    s,
                    "AE",
                    "S-1",
                    1,
                    "HEADACHE",
                    "Headache",
                    "2020-01-15",
                    "2020-01-20",
                    6,
                    11,
                    "N",
                    "N",
                    "RECOVERED/RESOLVED",
                    "MILD",
                    "TREATMENT",
                ),
                (
                    s,
                    "AE",
                    "S-2",
                    1,
                    "NAUSEA",
                    "Nausea",
                    "2020-02",
                    "2020-02-20",
                    N,
                    40,
                    "Y",
                    "Y",
                    "FATAL",
                    "SEVERE",
                    "TREATMENT",
                ),
            ],
        ),
        "LB": frame(
            "STUDYID DOMAIN USUBJID LBSEQ LBTESTCD LBTEST LBCAT LBORRES LBORRESU LBSTRESC LBSTRESN LBSTRESU "
            "LBSTNRLO LBSTNRHI LBBLFL VISITNUM VISIT EPOCH LBDTC LBDY",
            [
                (s, "LB", u, q, "ALB", "Albumin", "CHEMISTRY", o, "g/dL", c, n, "g/L", 33, 49, bl, vn, vis, ep, d, dy)
                for u, q, o, c, n, bl, vn, vis, ep, d, dy in (
                    ("S-1", 1, "3.8", "38", 38, "Y", 1, "SCREENING", "SCREENING", "2020-01-03", -7),
                    ("S-1", 2, "3.9", "8.55", 8.549999999999999, "", 2, "WEEK 2", "TREATMENT", "2020-01-24", 15),
                    ("S-2", 1, "4.0", "40", 40, "Y", 1, "SCREENING", "SCREENING", "2020-01-05", -7),
                    ("S-2", 2, "4.1", "41", 41, "", 2.0000000001, "WEEK 2", "TREATMENT", "2020-01-26T10:30", 15),
                )
            ],
        ),
        "SUPPLB": frame(
            "STUDYID RDOMAIN USUBJID IDVAR IDVARVAL QNAM QLABEL QVAL QORIG",
            [
                (s, "LB", "S-1", "LBSEQ", "2", "LBCLSIG", "Clinically Significant", "N", "CRF"),
                (s, "LB", "S-2", "LBSEQ", "1", "LBCLSIG", "Clinically Significant", "N", "CRF"),
            ],
        ),
        "DS": frame(
            "STUDYID DOMAIN USUBJID DSSEQ DSTERM DSDECOD DSCAT DSSTDTC EPOCH",
            [
                (s, "DS", u, 1, "COMPLETED", "COMPLETED", "DISPOSITION EVENT", "2020-03-01", "TREATMENT")
                for u in ("S-1", "S-2")
            ],
        ),
        "EX": frame(
            "STUDYID DOMAIN USUBJID EXSEQ EXTRT EXDOSE EXDOSU EXSTDTC EXENDTC EPOCH",
            [(s, "EX", u, 1, "DRUG", 10, "mg", "2020-01-10", "2020-03-01", "TREATMENT") for u in ("S-1", "S-2")],
        ),
    }


def adam_base() -> dict[str, pd.DataFrame]:
    s = "STUDY1"
    return {
        "ADSL": frame(
            "STUDYID USUBJID SUBJID SITEID AGE AGEU SEX RACE ARM TRT01P TRT01PN SAFFL SAFFN ITTFL TRTSDT",
            [
                (s, "S-1", "1", "01", 50, "YEARS", "F", "WHITE", "Drug A", "Drug A", 1, "Y", 1, "Y", 21924),
                (s, "S-2", "2", "01", 61, "YEARS", "M", "ASIAN", "Drug B", "Drug B", 2, "N", 0, "Y", 21926),
            ],
        ),
        "ADVS": frame(
            "STUDYID USUBJID PARAMCD PARAM AVISIT AVISITN AVAL AVALC BASE CHG PCHG ABLFL ADT ADY CRIT1 CRIT1FL",
            [
                (
                    s,
                    "S-1",
                    "SYSBP",
                    "Systolic BP (mmHg)",
                    "Baseline",
                    0,
                    120,
                    "120",
                    120,
                    N,
                    N,
                    "Y",
                    21924,
                    1,
                    "SYSBP > 140",
                    "N",
                ),
                (
                    s,
                    "S-1",
                    "SYSBP",
                    "Systolic BP (mmHg)",
                    "Week 2",
                    2,
                    130.3,
                    "130.3",
                    120,
                    10.3,
                    8.58,
                    "",
                    21938,
                    15,
                    "SYSBP > 140",
                    "N",
                ),
                (
                    s,
                    "S-2",
                    "SYSBP",
                    "Systolic BP (mmHg)",
                    "Baseline",
                    0,
                    145,
                    "145",
                    145,
                    N,
                    N,
                    "Y",
                    21926,
                    1,
                    "SYSBP > 140",
                    "Y",
                ),
                (
                    s,
                    "S-2",
                    "SYSBP",
                    "Systolic BP (mmHg)",
                    "Week 2",
                    2,
                    150,
                    "150",
                    145,
                    5,
                    3.448,
                    "",
                    21940,
                    15,
                    "SYSBP > 140",
                    "Y",
                ),
            ],
        ),
    }


ADAM_META = {"ADSL": {"formats": {"TRTSDT": "DATE9."}}, "ADVS": {"formats": {"ADT": "DATE9."}}}


@pytest.fixture
def sdtm():
    return sdtm_base()


@pytest.fixture
def adam():
    return adam_base()
