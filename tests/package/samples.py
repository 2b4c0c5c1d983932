"""Small hand-made metadata + frames: DM, AE, QS (value level, composite where-clause), ADSL, ADPASI (BDS)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdtm_convert.metadata import (
    ASSIGNED,
    COLLECTED,
    DERIVED,
    PREDECESSOR,
    PROTOCOL,
    DatasetMeta,
    Method,
    ValueLevel,
    VariableMeta,
    WhereClause,
)
from sdtm_convert.package.arm import AnalysisDataset, AnalysisResult, ResultDisplay

CREATED = "2026-11-25T00:00:00"
STUDY = dict(
    study_oid="NCT03745417",
    study_name="NCT03745417",
    description="UC-MSC in psoriasis",
    protocol="UCMSC-PSO-01",
    ct_version="2025-03-25",
    created=CREATED,
)
XSS = "<script>alert(1)</script>"


def V(name, label, type_="Char", length=8, **kw) -> VariableMeta:  # noqa: N802
    return VariableMeta(name, label, type_, length if type_ == "Char" else 8, **kw)


def dm() -> tuple[DatasetMeta, pd.DataFrame]:
    df = pd.DataFrame(
        {
            "STUDYID": ["NCT03745417"] * 3,
            "DOMAIN": ["DM"] * 3,
            "USUBJID": ["P-001", "P-002", "P-003"],
            "AGE": [34.0, 51.0, np.nan],
            "AGEU": ["YEARS", "YEARS", ""],
            "SEX": ["M", "F", "F"],
            "RACE": ["ASIAN", "ASIAN", XSS],
            "ARMCD": ["UCMSC", "UCMSC", "PBO"],
        }
    )
    meta = DatasetMeta(
        "DM",
        "Demographics",
        "SPECIAL PURPOSE",
        "One record per subject",
        ["STUDYID", "USUBJID"],
        [
            V("STUDYID", "Study Identifier", length=11, core="Req", role="Identifier", origin_type=PROTOCOL),
            V("DOMAIN", "Domain Abbreviation", length=2, core="Req", role="Identifier", origin_type=ASSIGNED),
            V("USUBJID", "Unique Subject Identifier", length=5, core="Req", role="Identifier", origin_type=ASSIGNED),
            V(
                "AGE",
                "Age",
                "Num",
                data_type="integer",
                core="Exp",
                role="Record Qualifier",
                origin_type=DERIVED,
                method_id="MT.DM.AGE",
            ),
            V("AGEU", "Age Units", length=5, core="Exp", codelist="AGEU", origin_type=ASSIGNED),
            V(
                "SEX",
                "Sex",
                length=1,
                core="Req",
                codelist="C66731",
                origin_type=COLLECTED,
                origin_source="Investigator",
                source="dm.csv GENDER",
            ),
            V(
                "RACE",
                "Race",
                length=25,
                core="Exp",
                codelist="RACE",
                origin_type=COLLECTED,
                origin_source="Investigator",
                comment=f"Collected on the CRF; {XSS}",
            ),
            V("ARMCD", "Planned Arm Code", length=5, core="Req", codelist="ARMCD", origin_type=ASSIGNED),
        ],
        methods=[Method("MT.DM.AGE", "Age at informed consent", "Computation", "floor((RFICDTC - BRTHDTC) / 365.25)")],
        records=3,
    )
    return meta, df


def ae() -> tuple[DatasetMeta, pd.DataFrame]:
    df = pd.DataFrame(
        {
            "STUDYID": ["NCT03745417"] * 2,
            "DOMAIN": ["AE"] * 2,
            "USUBJID": ["P-001", "P-002"],
            "AESEQ": [1.0, 1.0],
            "AETERM": ["Headache", "Pruritus"],
            "AESEV": ["MILD", "MODERATE"],
            "AESER": ["N", "N"],
            "AESTDTC": ["2021-09-01", "2021-10"],
            "AESTDY": [3.0, np.nan],
        }
    )
    meta = DatasetMeta(
        "AE",
        "Adverse Events",
        "EVENTS",
        "One record per adverse event per subject",
        ["STUDYID", "USUBJID", "AETERM", "AESTDTC"],
        [
            V("STUDYID", "Study Identifier", length=11, core="Req", role="Identifier", origin_type=PROTOCOL),
            V("DOMAIN", "Domain Abbreviation", length=2, core="Req", role="Identifier", origin_type=ASSIGNED),
            V("USUBJID", "Unique Subject Identifier", length=5, core="Req", role="Identifier", origin_type=ASSIGNED),
            V(
                "AESEQ",
                "Sequence Number",
                "Num",
                data_type="integer",
                core="Req",
                role="Identifier",
                origin_type=DERIVED,
                method_id="MT.SEQ",
            ),
            V(
                "AETERM",
                "Reported Term for the Adverse Event",
                length=8,
                core="Req",
                role="Topic",
                origin_source="Investigator",
            ),
            V("AESEV", "Severity/Intensity", length=8, core="Perm", codelist="AESEV", origin_source="Investigator"),
            V("AESER", "Serious Event", length=1, core="Exp", codelist="NY", origin_source="Investigator"),
            V(
                "AESTDTC",
                "Start Date/Time of Adverse Event",
                length=10,
                data_type="date",
                core="Exp",
                role="Timing",
                origin_source="Investigator",
            ),
            V(
                "AESTDY",
                "Study Day of Start of Adverse Event",
                "Num",
                data_type="integer",
                core="Perm",
                role="Timing",
                origin_type=DERIVED,
                method_id="MT.STUDYDAY",
            ),
        ],
        methods=[
            Method("MT.SEQ", "Sequence number", "Computation", "Number records 1..n per USUBJID."),
            Method("MT.STUDYDAY", "Study day", "Computation", "--DTC - RFSTDTC (+1 on/after RFSTDTC)."),
        ],
        comment="Coded with MedDRA 26.0.",
        records=2,
    )
    return meta, df


QS_WHERE_TOTAL = WhereClause("QS.QSORRES.PASITOT", [("QSCAT", "EQ", ["PASI"]), ("QSTESTCD", "EQ", ["PASI0105"])])
QS_WHERE_ITEM = WhereClause(
    "QS.QSORRES.PASIITEM", [("QSCAT", "EQ", ["PASI"]), ("QSTESTCD", "IN", ["PASI0101", "PASI0102"])]
)


def qs() -> tuple[DatasetMeta, pd.DataFrame]:
    df = pd.DataFrame(
        {
            "STUDYID": ["NCT03745417"] * 3,
            "DOMAIN": ["QS"] * 3,
            "USUBJID": ["P-001"] * 3,
            "QSSEQ": [1.0, 2.0, 3.0],
            "QSTESTCD": ["PASI0101", "PASI0102", "PASI0105"],
            "QSTEST": ["PASI01-Head Erythema", "PASI01-Head Thickness", "PASI01-Total Score"],
            "QSCAT": ["PASI"] * 3,
            "QSORRES": ["2", "3", "12.4"],
            "QSSTRESN": [2.0, 3.0, 12.4],
        }
    )
    meta = DatasetMeta(
        "QS",
        "Questionnaires",
        "FINDINGS",
        "One record per questionnaire per question per time point per visit per subject",
        ["STUDYID", "USUBJID", "QSCAT", "QSTESTCD"],
        [
            V("STUDYID", "Study Identifier", length=11, core="Req", origin_type=PROTOCOL),
            V("DOMAIN", "Domain Abbreviation", length=2, core="Req", origin_type=ASSIGNED),
            V("USUBJID", "Unique Subject Identifier", length=5, core="Req", origin_type=ASSIGNED),
            V(
                "QSSEQ",
                "Sequence Number",
                "Num",
                data_type="integer",
                core="Req",
                origin_type=DERIVED,
                method_id="MT.SEQ",
            ),
            V("QSTESTCD", "Question Short Name", length=8, core="Req", codelist="QSTESTCD_PASI", origin_type=ASSIGNED),
            V("QSTEST", "Question Name", length=21, core="Req", origin_type=ASSIGNED),
            V("QSCAT", "Category of Question", length=4, core="Exp", codelist="QSCAT", origin_type=ASSIGNED),
            V("QSORRES", "Finding in Original Units", length=4, core="Exp", origin_source="Investigator"),
            V(
                "QSSTRESN",
                "Numeric Finding in Standard Units",
                "Num",
                data_type="float",
                significant_digits=1,
                core="Exp",
                origin_type=DERIVED,
                method_id="MT.STRESN",
            ),
        ],
        value_level=[
            ValueLevel(
                "QSORRES",
                QS_WHERE_ITEM,
                "PASI item score",
                "integer",
                1,
                codelist="PASISCORE",
                origin_source="Investigator",
                mandatory=True,
            ),
            ValueLevel(
                "QSORRES",
                QS_WHERE_TOTAL,
                "PASI total score",
                "float",
                4,
                origin_type=DERIVED,
                method_id="MT.PASI.TOTAL",
                significant_digits=1,
                comment="Exact integer arithmetic, then /10.",
            ),
        ],
        methods=[
            Method("MT.SEQ", "Sequence number", "Computation", "Number records 1..n per USUBJID."),
            Method("MT.STRESN", "Numeric result", "Computation", "QSSTRESN = numeric QSORRES."),
            Method("MT.PASI.TOTAL", "PASI total", "Computation", "Sum over regions of area x severity x weight."),
        ],
        records=3,
    )
    return meta, df


def adsl() -> tuple[DatasetMeta, pd.DataFrame]:
    df = pd.DataFrame(
        {
            "STUDYID": ["NCT03745417"] * 2,
            "USUBJID": ["P-001", "P-002"],
            "TRT01P": ["UCMSC", "UCMSC"],
            "TRTSDT": [22524.0, 22530.0],
            "FASFL": ["Y", "Y"],
        }
    )
    meta = DatasetMeta(
        "ADSL",
        "Subject-Level Analysis Dataset",
        "SUBJECT LEVEL ANALYSIS DATASET",
        "One record per subject",
        ["STUDYID", "USUBJID"],
        [
            V("STUDYID", "Study Identifier", length=11, core="Req", origin_type=PREDECESSOR, source="DM.STUDYID"),
            V(
                "USUBJID",
                "Unique Subject Identifier",
                length=5,
                core="Req",
                origin_type=PREDECESSOR,
                source="DM.USUBJID",
            ),
            V(
                "TRT01P",
                "Planned Treatment for Period 01",
                length=5,
                core="Req",
                origin_type=DERIVED,
                method_id="MT.ADSL.TRT01P",
            ),
            V(
                "TRTSDT",
                "Date of First Exposure to Treatment",
                "Num",
                data_type="date",
                display_format="DATE9.",
                core="Cond",
                origin_type=DERIVED,
                method_id="MT.ADSL.TRTSDT",
            ),
            V(
                "FASFL",
                "Full Analysis Set Population Flag",
                length=1,
                core="Cond",
                codelist="NY",
                origin_type=DERIVED,
                method_id="MT.ADSL.FASFL",
            ),
        ],
        standard="ADaMIG 1.3",
        methods=[
            Method("MT.ADSL.TRT01P", "TRT01P", "Computation", "DM.ARM"),
            Method("MT.ADSL.TRTSDT", "TRTSDT", "Computation", "Date of first EX record."),
            Method("MT.ADSL.FASFL", "FASFL", "Computation", "Y if randomized and treated."),
        ],
        records=2,
    )
    return meta, df


ADPASI_PASI = WhereClause("ADPASI.AVAL.PASI", [("PARAMCD", "EQ", ["PASI"])])
ADPASI_IMP = WhereClause("ADPASI.AVAL.PASIIMP", [("PARAMCD", "EQ", ["PASIIMP"])])
ARM_WHERE = WhereClause(
    "ADPASI.PRIMARY", [("PARAMCD", "EQ", ["PASIIMP"]), ("AVISIT", "EQ", ["Week 12"]), ("ANL01FL", "EQ", ["Y"])]
)


def adpasi() -> tuple[DatasetMeta, pd.DataFrame]:
    df = pd.DataFrame(
        {
            "STUDYID": ["NCT03745417"] * 4,
            "USUBJID": ["P-001", "P-001", "P-002", "P-002"],
            "PARAMCD": ["PASI", "PASIIMP", "PASI", "PASIIMP"],
            "PARAM": ["PASI Score", "PASI Improvement Rate (%)", "PASI Score", "PASI Improvement Rate (%)"],
            "AVISIT": ["Week 12"] * 4,
            "AVAL": [3.2, 74.2, 5.0, 60.0],
            "ANL01FL": ["Y"] * 4,
            "DTYPE": ["", "", "LOCF", "LOCF"],
        }
    )
    meta = DatasetMeta(
        "ADPASI",
        "PASI Analysis Dataset",
        "BASIC DATA STRUCTURE",
        "One record per subject per parameter per analysis visit",
        ["STUDYID", "USUBJID", "PARAMCD", "AVISIT"],
        [
            V("STUDYID", "Study Identifier", length=11, core="Req", origin_type=PREDECESSOR, source="ADSL.STUDYID"),
            V(
                "USUBJID",
                "Unique Subject Identifier",
                length=5,
                core="Req",
                origin_type=PREDECESSOR,
                source="ADSL.USUBJID",
            ),
            V("PARAMCD", "Parameter Code", length=7, core="Req", codelist="PARAMCD", origin_type=ASSIGNED),
            V("PARAM", "Parameter", length=25, core="Req", codelist="PARAM", origin_type=ASSIGNED),
            V("AVISIT", "Analysis Visit", length=7, core="Cond", origin_type=DERIVED, method_id="MT.AVISIT"),
            V(
                "AVAL",
                "Analysis Value",
                "Num",
                data_type="float",
                significant_digits=1,
                core="Cond",
                origin_type=DERIVED,
                method_id="MT.AVAL",
            ),
            V(
                "ANL01FL",
                "Analysis Flag 01",
                length=1,
                core="Cond",
                codelist="NY",
                origin_type=DERIVED,
                method_id="MT.ANL01FL",
            ),
            V(
                "DTYPE",
                "Derivation Type",
                length=4,
                core="Cond",
                codelist="DTYPE",
                origin_type=DERIVED,
                method_id="MT.DTYPE",
            ),
        ],
        standard="ADaMIG 1.3",
        value_level=[
            ValueLevel(
                "AVAL",
                ADPASI_PASI,
                "PASI Score",
                "float",
                8,
                origin_type=PREDECESSOR,
                significant_digits=1,
                mandatory=True,
            ),
            ValueLevel(
                "AVAL",
                ADPASI_IMP,
                "PASI Improvement Rate (%)",
                "float",
                8,
                origin_type=DERIVED,
                method_id="MT.PASIIMP",
                significant_digits=1,
            ),
        ],
        methods=[
            Method("MT.AVISIT", "AVISIT", "Computation", "Visit window +/- 3 days."),
            Method("MT.AVAL", "AVAL", "Computation", "See value level."),
            Method("MT.ANL01FL", "ANL01FL", "Computation", "Closest record within window."),
            Method("MT.DTYPE", "DTYPE", "Imputation", "LOCF when the visit is missing."),
            Method("MT.PASIIMP", "PASI improvement", "Computation", "100 * (BASE - AVAL) / BASE of PASI."),
        ],
        records=4,
    )
    return meta, df


def primary_arm() -> list[ResultDisplay]:
    return [
        ResultDisplay(
            "T14.2.1",
            "Table 14.2.1",
            "PASI improvement rate at Week 12 (primary endpoint)",
            [
                AnalysisResult(
                    "T14.2.1.R1",
                    "Mean PASI improvement rate at Week 12, FAS",
                    [AnalysisDataset("ADPASI", ["AVAL"], ARM_WHERE), AnalysisDataset("ADSL", ["FASFL"])],
                    parameter="ADPASI.PARAMCD",
                    documentation="Descriptive statistics by treatment.",
                    code="adpasi.query('PARAMCD == \"PASIIMP\"').groupby('TRTP').AVAL.describe()",
                    code_context="Python 3.11, pandas",
                )
            ],
        )
    ]


def sdtm() -> tuple[list[DatasetMeta], dict[str, pd.DataFrame]]:
    pairs = [dm(), ae(), qs()]
    return [m for m, _ in pairs], {m.name: df for m, df in pairs}


def adam() -> tuple[list[DatasetMeta], dict[str, pd.DataFrame]]:
    pairs = [adsl(), adpasi()]
    return [m for m, _ in pairs], {m.name: df for m, df in pairs}


PARAM_DECODES = {("ADPASI", "PARAMCD"): {"PASI": "PASI Score", "PASIIMP": "PASI Improvement Rate (%)"}}
