"""Trial design datasets from a literal study config, and the shipped NCT03745417 study.yaml."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
import yaml

from sdtm_convert.errors import ERROR
from sdtm_convert.sdtm.trialdesign import (
    TS_PARAM_CODELISTS,
    build_trial_design,
    build_ts,
    split_text,
)
from sdtm_convert.spec.study import study_from_dict
from sdtm_convert.standards import load_ct, sdtmig_domain_variables

CT = load_ct("2025-03-25")
STUDY_YAML = Path(__file__).resolve().parents[3] / "mappings" / "nct03745417" / "study.yaml"

CONFIG = {
    "studyid": "S1",
    "ct_version": "2025-03-25",
    "created": "2026-11-25T00:00:00",
    "arms": [
        {"armcd": "A", "arm": "Drug A", "elements": ["SCRN", "TRT"], "transition": {"SCRN": "Eligible"}},
        {"armcd": "P", "arm": "Placebo", "elements": ["SCRN", "PBO"], "branch": {"SCRN": "Randomized to placebo"}},
    ],
    "elements": [
        {"etcd": "SCRN", "element": "Screening", "epoch": "SCREENING", "start_rule": "Consent", "duration": "P14D"},
        {"etcd": "TRT", "element": "Drug A", "epoch": "TREATMENT", "start_rule": "Dose 1", "end_rule": "Week 4"},
        {"etcd": "PBO", "element": "Placebo", "epoch": "TREATMENT", "start_rule": "Dose 1", "duration": "P4W"},
    ],
    "visits": [
        {
            "visitnum": 1,
            "visit": "SCREENING",
            "visitdy": -14,
            "window": [-14, -1],
            "start_rule": "Consent",
            "epoch": "SCREENING",
        },
        {"visitnum": 2, "visit": "WEEK 4", "visitdy": 29, "start_rule": "Day 29", "end_rule": "Day 32", "armcd": "A"},
        {"visitnum": 3, "visit": "UNPLANNED", "visitdy": None, "start_rule": "Any time"},
    ],
    "trial_summary": [
        {"parmcd": "TITLE", "val": "A trial"},
        {"parmcd": "TPHASE", "val": "PHASE I/II TRIAL"},
        {"parmcd": "TTYPE", "val": ["EFFICACY", "SAFETY"]},
        {"parmcd": "SSTDTC", "val": "2021-08-31"},
        {"parmcd": "FCNTRY", "val": "CHN"},
        {"parmcd": "TTYPE", "val": "TOLERABILITY"},
        {"parmcd": "SENDTC", "valnf": "NAV"},
        {"parmcd": "PLANSUB", "val": 5},
    ],
    "inclusion_exclusion": [
        {"testcd": "INCL01", "test": "Adult", "cat": "INCLUSION"},
        {"testcd": "EXCL01", "test": "Pregnant", "cat": "EXCLUSION", "vers": "2"},
    ],
}


def build(config: dict | None = None):
    return build_trial_design(study_from_dict(config or CONFIG), CT)


def codes(issues) -> list[str]:
    return sorted(i.code for i in issues)


def test_ta_te_tv_ti_from_a_literal_config():
    frames, issues = build()
    assert [i.code for i in issues] == ["ts-value-null-flavour"]  # SENDTC given as NAV
    prov = {"__src_file": "study.yaml"}
    ta = pd.DataFrame(
        {
            "STUDYID": "S1",
            "DOMAIN": "TA",
            "ARMCD": ["A", "A", "P", "P"],
            "ARM": ["Drug A", "Drug A", "Placebo", "Placebo"],
            "TAETORD": [1.0, 2.0, 1.0, 2.0],
            "ETCD": ["SCRN", "TRT", "SCRN", "PBO"],
            "ELEMENT": ["Screening", "Drug A", "Screening", "Placebo"],
            "TABRANCH": ["", "", "Randomized to placebo", ""],
            "TATRANS": ["Eligible", "", "", ""],
            "EPOCH": ["SCREENING", "TREATMENT", "SCREENING", "TREATMENT"],
            **prov,
            "__src_row": [1, 1, 2, 2],
        }
    )
    te = pd.DataFrame(
        {
            "STUDYID": "S1",
            "DOMAIN": "TE",
            "ETCD": ["SCRN", "TRT", "PBO"],
            "ELEMENT": ["Screening", "Drug A", "Placebo"],
            "TESTRL": ["Consent", "Dose 1", "Dose 1"],
            "TEENRL": ["", "Week 4", ""],
            "TEDUR": ["P14D", "", "P4W"],
            **prov,
            "__src_row": [1, 2, 3],
        }
    )
    tv = pd.DataFrame(
        {
            "STUDYID": "S1",
            "DOMAIN": "TV",
            "VISITNUM": [1.0, 2.0, 3.0],
            "VISIT": ["SCREENING", "WEEK 4", "UNPLANNED"],
            "VISITDY": [-14.0, 29.0, np.nan],
            "ARMCD": ["", "A", ""],
            "ARM": ["", "Drug A", ""],
            "TVSTRL": ["Consent", "Day 29", "Any time"],
            "TVENRL": ["", "Day 32", ""],
            **prov,
            "__src_row": [1, 2, 3],
        }
    )
    ti = pd.DataFrame(
        {
            "STUDYID": "S1",
            "DOMAIN": "TI",
            "IETESTCD": ["INCL01", "EXCL01"],
            "IETEST": ["Adult", "Pregnant"],
            "IECAT": ["INCLUSION", "EXCLUSION"],
            "IESCAT": "",
            "TIRL": "",
            "TIVERS": ["", "2"],
            **prov,
            "__src_row": [1, 2],
        }
    )
    for name, expected in [("TA", ta), ("TE", te), ("TV", tv), ("TI", ti)]:
        pdt.assert_frame_equal(frames[name], expected, check_dtype=False)
        std = list(sdtmig_domain_variables(name)["name"])
        assert list(frames[name].columns) == [*std, "__src_file", "__src_row"]
    assert frames["TV"]["VISITNUM"].dtype == "float64" and frames["TA"]["TAETORD"].dtype == "float64"


def test_ts_from_a_literal_config():
    frames, _ = build()
    ts = frames["TS"]
    expected = pd.DataFrame(
        {
            "STUDYID": "S1",
            "DOMAIN": "TS",
            "TSSEQ": [1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 3.0, 1.0, 1.0],
            "TSGRPID": "",
            "TSPARMCD": ["TITLE", "TPHASE", "TTYPE", "TTYPE", "SSTDTC", "FCNTRY", "TTYPE", "SENDTC", "PLANSUB"],
            "TSPARM": [
                "Trial Title",
                "Trial Phase Classification",
                "Trial Type",
                "Trial Type",
                "Study Start Date",
                "Planned Country of Investigational Sites",
                "Trial Type",
                "Study End Date",
                "Planned Number of Subjects",
            ],
            "TSVAL": [
                "A trial",
                "PHASE I/II TRIAL",
                "EFFICACY",
                "SAFETY",
                "2021-08-31",
                "CHN",
                "TOLERABILITY",
                "",
                "5",
            ],
            "TSVALNF": ["", "", "", "", "", "", "", "NAV", ""],
            "TSVALCD": ["", "C15693", "C49666", "C49667", "", "CHN", "C98791", "", ""],
            "TSVCDREF": ["", "CDISC CT", "CDISC CT", "CDISC CT", "", "ISO 3166", "CDISC CT", "", ""],
            "TSVCDVER": ["", "2025-03-25", "2025-03-25", "2025-03-25", "", "", "2025-03-25", "", ""],
            "__src_file": "study.yaml",
            "__src_row": [1, 2, 3, 3, 4, 5, 6, 7, 8],
        }
    )
    pdt.assert_frame_equal(ts, expected, check_dtype=False)


def test_tsparmcd_tsparm_pairs_share_a_ct_code():
    frames, _ = build(yaml.safe_load(STUDY_YAML.read_text()))
    cd = CT.codelist("TSPARMCD").terms
    nm = CT.codelist("TSPARM").terms
    for parmcd, parm in zip(frames["TS"]["TSPARMCD"], frames["TS"]["TSPARM"], strict=True):
        assert cd.loc[cd["value"] == parmcd, "code"].iloc[0] == nm.loc[nm["value"] == parm, "code"].iloc[0]


def test_parameter_codelist_table_points_at_ct_codelists():
    expected_names = {
        "TPHASE": "TPHASE",
        "STYPE": "STYPE",
        "INTMODEL": "INTMODEL",
        "INTTYPE": "INTTYPE",
        "TBLIND": "TBLIND",
        "TCNTRL": "TCNTRL",
        "SEXPOP": "SEXPOP",
        "TINDTP": "TINDTP",
        "ADDON": "NY",
        "RANDOM": "NY",
        "HLTSUBJI": "NY",
        "TTYPE": "TTYPE",
    }
    tsparmcd = CT.codelist("TSPARMCD").values
    for parmcd, code in TS_PARAM_CODELISTS.items():
        assert parmcd in tsparmcd
        assert code in CT
    for parmcd, short in expected_names.items():
        assert CT.codelist(TS_PARAM_CODELISTS[parmcd]).short_name == short


def test_long_tsval_is_split_into_tsval1_n():
    text = " ".join(f"word{i:03d}" for i in range(70))  # 70 × 8 − 1 = 559 characters
    config = dict(CONFIG, trial_summary=[{"parmcd": "SSTDTC", "val": "2021-08-31"}, {"parmcd": "OBJPRIM", "val": text}])
    ts, issues = build_ts(study_from_dict(config), CT)
    assert issues == []
    assert list(ts.columns[:9]) == [
        "STUDYID",
        "DOMAIN",
        "TSSEQ",
        "TSGRPID",
        "TSPARMCD",
        "TSPARM",
        "TSVAL",
        "TSVAL1",
        "TSVAL2",
    ]
    row = ts[ts["TSPARMCD"] == "OBJPRIM"].iloc[0]
    pieces = [row["TSVAL"], row["TSVAL1"], row["TSVAL2"]]
    assert " ".join(pieces) == text and all(len(p) <= 200 for p in pieces)
    assert not any(p != p.strip() for p in pieces)  # split between words, the blank dropped (XPT would drop it)
    assert ts.loc[ts["TSPARMCD"] == "SSTDTC", "TSVAL1"].iloc[0] == ""


def test_split_text_without_spaces_and_multibyte():
    assert split_text("x" * 450) == ["x" * 200, "x" * 200, "x" * 50]
    pieces = split_text("é" * 150)  # 2 bytes each: 100 per piece
    assert pieces == ["é" * 100, "é" * 50]
    assert split_text("") == [""]


@pytest.mark.parametrize(
    "summary",
    [
        [{"parmcd": "TITLE", "val": "x"}],  # absent
        [{"parmcd": "SSTDTC", "val": "31/08/2021"}],  # not ISO 8601
        [{"parmcd": "SSTDTC", "val": "2021-02-30"}],  # not a calendar date
        [{"parmcd": "SSTDTC", "valnf": "UNK"}],  # null flavour does not satisfy FDA
    ],
)
def test_sstdtc_must_be_present_and_iso8601(summary):
    _, issues = build_ts(study_from_dict(dict(CONFIG, trial_summary=summary)), CT)
    assert "ts-sstdtc-missing" in codes(issues)
    assert all(i.severity == ERROR for i in issues if i.code == "ts-sstdtc-missing")


def test_unknown_parameter_and_bad_values_are_reported():
    summary = [
        {"parmcd": "SSTDTC", "val": "2021-08-31"},
        {"parmcd": "FOOBAR", "val": "x"},  # row 2
        {"parmcd": "TBLIND", "val": "TRIPLE BLIND"},  # row 3: not a term (extensible codelist → warning)
        {"parmcd": "SEXPOP", "val": "ALL"},  # row 4: not a term (non-extensible → error)
        {"parmcd": "AGEMIN", "val": "18 years"},  # row 5
        {"parmcd": "RANDOM", "val": "no"},  # row 6: matched case-insensitively → N
        {"parmcd": "TITLE"},  # row 7: neither TSVAL nor TSVALNF
        {"parmcd": "TITLE", "valnf": "XYZ"},  # row 8
    ]
    ts, issues = build_ts(study_from_dict(dict(CONFIG, trial_summary=summary)), CT)
    assert sorted((i.code, i.row, i.severity) for i in issues) == [
        ("ct-term-not-found", 2, "error"),
        ("ct-term-not-found", 3, "warning"),
        ("ct-term-not-found", 4, "error"),
        ("iso8601-invalid", 5, "error"),
        ("ts-valnf-invalid", 8, "error"),
        ("ts-value-missing", 7, "error"),
    ]
    assert all(i.file == "study.yaml" and i.dataset == "TS" for i in issues)
    random = ts[ts["TSPARMCD"] == "RANDOM"].iloc[0]
    assert (random["TSVAL"], random["TSVALCD"]) == ("N", "C49487")
    assert ts.loc[ts["TSPARMCD"] == "FOOBAR", "TSPARM"].iloc[0] == ""


def test_design_inconsistencies_are_reported():
    config = dict(CONFIG)
    config["arms"] = [{"armcd": "A", "arm": "Drug A", "elements": ["SCRN", "NOPE"]}]
    config["visits"] = [{"visitnum": 1, "visit": "V1", "start_rule": "x", "armcd": "Z"}]
    config["inclusion_exclusion"] = [{"testcd": "INCL_LONG01", "test": "x" * 201, "cat": "MAYBE"}]
    _, issues = build(config)
    assert codes(issues) == [
        "ct-term-not-found",
        "td-arm-unknown",
        "td-code-invalid",
        "td-element-unknown",
        "td-text-too-long",
        "ts-value-null-flavour",
    ]


def test_shipped_study_yaml_builds_without_errors():
    config = yaml.safe_load(STUDY_YAML.read_text())
    assert "populations" not in config and "adam" not in config
    study = study_from_dict(config, str(STUDY_YAML))
    dm = pd.DataFrame({"USUBJID": ["S-1", "S-2", "S-3"], "ARMCD": ["UCMSC", "UCMSC", ""], "ACTARMCD": ["UCMSC", "", ""]})
    frames, issues = build_trial_design(study, load_ct(study.ct_version), dm)
    assert [i.one_line() for i in issues if i.severity == ERROR] == []
    ts = frames["TS"].set_index("TSPARMCD")
    assert ts.loc["SSTDTC", "TSVAL"] == "2021-08-31"
    assert ts.loc["ACTSUB", "TSVAL"] == "2"  # counted from DM: subjects assigned to an arm
    assert ts.loc["TPHASE", "TSVALCD"] == "C15693"
    assert study.pasi.domain == "QS" and study.pasi.version == "PASI03"
    assert list(frames["TV"]["VISIT"]) == ["SCREENING", "WEEK 0", "WEEK 2", "WEEK 4", "WEEK 6", "WEEK 8", "WEEK 12"]
    assert list(frames["TV"]["VISITDY"]) == [-14, 1, 15, 29, 43, 57, 85]
    assert [v.window for v in study.visits][-1] == (82, 88)
    assert list(frames["TA"]["EPOCH"]) == ["SCREENING", "TREATMENT", "FOLLOW-UP"]
    assert len(frames["TI"]) == 5


def test_codes_given_in_the_config_are_kept():
    summary = [
        {"parmcd": "SSTDTC", "val": "2021-08-31"},
        {"parmcd": "INDIC", "val": "Psoriasis", "valcd": "9014002", "vcdref": "SNOMED", "vcdver": "2024-09"},
        {"parmcd": "TRT", "val": "X", "valcd": "ABC123", "vcdref": "NOT A DICTIONARY"},
    ]
    ts, issues = build_ts(study_from_dict(dict(CONFIG, trial_summary=summary)), CT)
    indic = ts[ts["TSPARMCD"] == "INDIC"].iloc[0]
    assert (indic["TSVALCD"], indic["TSVCDREF"], indic["TSVCDVER"]) == ("9014002", "SNOMED", "2024-09")
    assert [(i.code, i.row, i.severity) for i in issues] == [("ct-term-not-found", 3, "warning")]


def test_counted_trial_summary_value_without_dm_is_an_error():
    study = study_from_dict(yaml.safe_load(STUDY_YAML.read_text()), str(STUDY_YAML))
    frames, issues = build_trial_design(study, load_ct(study.ct_version))
    assert [i.code for i in issues if i.severity == ERROR] == ["ts-count-invalid"]


def test_a_parameter_given_as_a_null_flavour_is_reported_with_its_reason():
    summary = [
        {"parmcd": "SSTDTC", "val": "2021-08-31"},
        {"parmcd": "CURTRT", "valnf": "na", "reason": "not an add-on trial"},  # row 2
        {"parmcd": "PCLAS", "valnf": "NI"},  # row 3: no reason given
        {"parmcd": "TITLE", "val": "A trial", "valnf": "NA"},  # row 4: a value, so not reported as null
    ]
    ts, issues = build_ts(study_from_dict(dict(CONFIG, trial_summary=summary)), CT)
    assert [(i.code, i.severity, i.row, i.variable, i.value, i.message) for i in issues if i.severity == "info"] == [
        ("ts-value-null-flavour", "info", 2, "TSVALNF", "NA",
         "CURTRT has no value, TSVALNF NA (not applicable): not an add-on trial"),
        ("ts-value-null-flavour", "info", 3, "TSVALNF", "NI",
         "PCLAS has no value, TSVALNF NI (no information) (the spec gives no reason)"),
    ]
    assert ts.set_index("TSPARMCD").loc[["CURTRT", "PCLAS"], ["TSVAL", "TSVALNF"]].values.tolist() == [
        ["", "NA"],
        ["", "NI"],
    ]


@pytest.mark.parametrize("study_dir", ["nct03745417", "cdiscpilot01"])
def test_shipped_trial_summaries_carry_every_fda_required_parameter(study_dir):
    from sdtm_convert.validate.rules.presence import TS_REQUIRED

    path = STUDY_YAML.parents[1] / study_dir / "study.yaml"
    study = study_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))
    dm = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "ARMCD": ["A", ""], "ACTARMCD": ["A", ""]})
    frames, issues = build_trial_design(study, load_ct(study.ct_version), dm)
    assert [i.one_line() for i in issues if i.severity == ERROR] == []
    ts = frames["TS"]
    given = set(ts.loc[(ts["TSVAL"] != "") | (ts["TSVALNF"] != ""), "TSPARMCD"])
    assert sorted({p for p, _ in TS_REQUIRED} - given) == []
    assert len(frames["TI"]) > 0
