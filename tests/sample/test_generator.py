"""The synthetic raw study: determinism, committed sample, edge cases, value formats, keys."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.sample import FAULTS, build_frames, generate_study
from sdtm_convert.sample import labels as L

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_data" / "nct03745417"
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
FULL_DATE = re.compile(r"^(\d{2}) ([A-Z]{3}) (\d{4})$")
PARTIAL_DATE = re.compile(r"^UN (?:[A-Z]{3}|UNK) \d{4}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
REGION_W10 = {"Head/Neck": 1, "Upper Limbs": 2, "Trunk": 3, "Lower Limbs": 4}


def read(directory: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(directory / name, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def default_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("default")
    generate_study(out)
    return out


@pytest.fixture(scope="module")
def study(default_dir) -> dict[str, pd.DataFrame]:
    return {p.name: read(default_dir, p.name) for p in sorted(default_dir.glob("*.csv"))}


@pytest.fixture(scope="module")
def big() -> dict[str, pd.DataFrame]:
    return build_frames(subjects=600, seed=11, sites=3)


def rows(df: pd.DataFrame, **equal: str) -> pd.DataFrame:
    mask = np.ones(len(df), dtype=bool)
    for col, value in equal.items():
        mask &= (df[col] == value).to_numpy()
    return df[mask]


def parse_date(text: str) -> dt.date:
    m = FULL_DATE.match(text)
    assert m, text
    return dt.date(int(m.group(3)), MONTHS.index(m.group(2)) + 1, int(m.group(1)))


def p10(pasi: pd.DataFrame) -> pd.Series:
    """Integer 10 x PASI per SUBJECT x VISIT (NaN when an item of an involved region is missing)."""

    def code(s: pd.Series) -> pd.Series:
        return s.str.split(r"[-:]", n=1, regex=True).str[0].replace("", np.nan).astype(float)

    s = code(pasi.ERYTH) + code(pasi.INDUR) + code(pasi.DESQ)
    a = code(pasi.AREA)
    contrib = pasi.REGION.map(REGION_W10) * s.where(a > 0, 0) * a
    return contrib.groupby([pasi.SUBJECT, pasi.VISIT], sort=False).sum(min_count=4)


# --- determinism and the committed sample -------------------------------------------------------


def test_two_runs_are_byte_identical(tmp_path):
    a = generate_study(tmp_path / "a", subjects=45, seed=7, sites=2)
    b = generate_study(tmp_path / "b", subjects=45, seed=7, sites=2)
    assert a["files"] == b["files"]
    for name in a["files"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_other_seed_gives_other_data(tmp_path):
    a = build_frames(subjects=40, seed=1)
    b = build_frames(subjects=40, seed=2)
    assert not a["pasi.csv"].equals(b["pasi.csv"])


def test_committed_sample_equals_fresh_default_generation(default_dir):
    fresh = sorted(p.name for p in default_dir.glob("*.csv"))
    committed = sorted(p.name for p in SAMPLE.glob("*.csv"))
    assert committed == fresh
    for name in fresh:
        assert (SAMPLE / name).read_bytes() == (default_dir / name).read_bytes(), f"{name} edited by hand?"


def test_summary_lists_files_with_row_counts(tmp_path):
    summary = generate_study(tmp_path, subjects=30)
    assert summary["study"] == "NCT03745417" and summary["subjects"] == 30 and summary["sites"] == 2
    for name, rows in summary["files"].items():
        lines = (tmp_path / name).read_bytes().count(b"\n")
        assert len(read(tmp_path, name)) == rows
        assert lines >= rows + 1


def test_files_are_utf8_lf_with_edc_style_headers(default_dir):
    for path in default_dir.glob("*.csv"):
        raw = path.read_bytes()
        raw.decode("utf-8")
        assert b"\r" not in raw and raw.endswith(b"\n")
        header = raw.split(b"\n", 1)[0].decode().split(",")
        assert len(header) == len(set(header))
        for col in header:
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", col) and len(col) <= 32, (path.name, col)


# --- edge cases in the default study -------------------------------------------------------------


def test_screen_failure(study):
    s = "02-001"
    assert study["ie.csv"].set_index("SUBJECT").loc[s, "IEYN"] == "No"
    assert study["disposition.csv"].set_index("SUBJECT").loc[s, "DSREAS"] == "Screen Failure"
    assert s in set(study["ic.csv"].SUBJECT)
    assert s not in set(study["infusion.csv"].SUBJECT) and s not in set(study["ae.csv"].SUBJECT)
    assert set(rows(study["visits.csv"], SUBJECT=s).VISIT) == {"Screening"}
    assert set(rows(study["vitals_site02.csv"], SUBJECT=s).VISIT) == {"Screening"}
    scores = p10(rows(study["pasi.csv"], SUBJECT=s))
    assert list(scores.index.get_level_values(1)) == ["Screening"] and scores.iloc[0] <= 70


def test_early_discontinuation_after_infusion_3_with_serious_ae(study):
    s = "01-002"
    inf = rows(study["infusion.csv"], SUBJECT=s)
    assert list(inf.INFNO) == ["1", "2", "3"] and set(inf.EXYN) == {"Yes"}
    assert list(rows(study["visits.csv"], SUBJECT=s).VISIT) == ["Screening", "Week 0", "Week 2", "Week 4"]
    ds = study["disposition.csv"].set_index("SUBJECT").loc[s]
    assert (ds.DSSTAT, ds.DSREAS) == ("Discontinued", "Adverse Event")
    sae = rows(study["ae.csv"], SUBJECT=s, AESER="Yes")
    assert len(sae) == 1 and sae.AESHOSP.item() == "Yes" and sae.AEACN.item() == "Drug Withdrawn"
    assert sae.AESTDAT.item() == inf.EXSTDAT.iloc[2]
    assert inf.EXSTTIM.iloc[2] < sae.AESTTIM.item() < inf.EXENTIM.iloc[2]


def test_withdrawal_by_subject_after_infusion_2(study):
    ds = study["disposition.csv"].set_index("SUBJECT").loc["01-006"]
    assert ds.DSREAS == "Withdrawal by Subject"
    assert list(study["infusion.csv"].query("SUBJECT == '01-006'").INFNO) == ["1", "2"]


def test_unscheduled_visit_has_pasi_and_vitals(study):
    s, v = "01-003", L.UNSCHEDULED_LABEL
    assert len(rows(study["visits.csv"], SUBJECT=s, VISIT=v)) == 1
    assert len(rows(study["pasi.csv"], SUBJECT=s, VISIT=v)) == 4
    assert len(rows(study["vitals_site01.csv"], SUBJECT=s, VISIT=v)) == 1


def test_partial_dates(study):
    ae, dm = study["ae.csv"].set_index(["SUBJECT", "AENO"]), study["dm.csv"].set_index("SUBJECT")
    assert re.fullmatch(r"UN [A-Z]{3} \d{4}", ae.loc[("02-002", "1"), "AESTDAT"])
    assert re.fullmatch(r"UN UNK \d{4}", ae.loc[("01-004", "2"), "AEENDAT"])
    assert re.fullmatch(r"UN UNK \d{4}", dm.loc["01-003", "BRTHDAT"])
    assert re.fullmatch(r"UN [A-Z]{3} \d{4}", dm.loc["01-004", "BRTHDAT"])


def test_one_missing_erythema_in_an_involved_region(study):
    pasi = study["pasi.csv"]
    blank = pasi[pasi.ERYTH == ""]
    assert len(blank) == 1
    row = blank.iloc[0]
    assert (row.SUBJECT, row.VISIT, row.REGION) == ("02-003", "Week 4", "Trunk")
    assert row.AREA != "0: 0%"
    assert (pasi[["INDUR", "DESQ", "AREA"]] != "").all().all()


def test_sex_spellings_need_recoding(study):
    assert {"Female", "female", "F", "Male", "M"} <= set(study["dm.csv"].SEX)


def test_free_text_and_non_ascii(study):
    ae = study["ae.csv"]
    assert ae.AECOMM.str.len().max() > 200
    assert any(any(ord(c) > 127 for c in t) for t in ae.AETERM_V)
    assert {"Fièvre légère après la perfusion", "头痛"} <= set(ae.AETERM_V)


def test_ongoing_ae(study):
    ongoing = study["ae.csv"].query("AEONGO == 'Yes'")
    assert "02-002" in set(ongoing.SUBJECT)
    assert (ongoing.AEENDAT == "").all() and set(ongoing.AEOUT) == {"Not Recovered/Not Resolved"}


def test_infusions_not_given(study):
    inf = study["infusion.csv"].set_index(["SUBJECT", "INFNO"])
    assert tuple(inf.loc[("02-006", "4"), ["EXYN", "EXNDREAS", "EXSTDAT"]]) == ("No", "Adverse event", "")
    assert tuple(inf.loc[("01-007", "4"), ["EXYN", "EXNDREAS", "EXSTDAT"]]) == ("No", "Visit not done", "")
    visit = study["visits.csv"].set_index(["SUBJECT", "VISIT"]).loc[("01-007", "Week 6")]
    assert (visit.VISYN, visit.VISDAT) == ("No", "")


def _study_days(visits: pd.DataFrame) -> pd.DataFrame:
    v = visits[(visits.VISYN == "Yes") & (visits.VISIT != L.UNSCHEDULED_LABEL)].copy()
    v["date"] = v.VISDAT.map(parse_date)
    w0 = v[v.VISIT == "Week 0"].set_index("SUBJECT").date
    v = v[v.SUBJECT.isin(w0.index)]
    v["offset"] = [(d - w0[s]).days for s, d in zip(v.SUBJECT, v.date, strict=True)]
    weeks = dict(zip(L.VISIT_LABELS, L.VISIT_WEEKS, strict=True))
    v["deviation"] = v.offset - 7 * v.VISIT.map(weeks)
    return v


def test_visit_dates_inside_windows_with_jitter(study, big):
    for visits in (study["visits.csv"], big["visits.csv"]):
        v = _study_days(visits)
        post = v[~v.VISIT.isin(["Screening", "Week 0"])]
        assert post.deviation.abs().max() <= 3 and (post.deviation != 0).any()
        screening = v[v.VISIT == "Screening"].offset
        assert screening.between(-14, -1).all()
    v = _study_days(study["visits.csv"]).set_index(["SUBJECT", "VISIT"])
    assert v.loc[("02-004", "Week 12"), "deviation"] == 3
    assert v.loc[("02-006", "Week 12"), "deviation"] == -3


def test_exact_improvements_and_responder_spread(study):
    scores = p10(study["pasi.csv"]).unstack()
    base, wk12 = scores["Week 0"], scores["Week 12"]
    for subject, pct in (("01-001", 75), ("02-007", 50), ("01-008", 90), ("01-005", 100)):
        b, p = int(base[subject]), int(wk12[subject])
        assert 100 * (b - p) == pct * b, subject
    assert wk12["02-005"] > base["02-005"]
    both = pd.DataFrame({"b": base, "p": wk12}).dropna()
    impr = 100 * (both.b - both.p) / both.b
    bands = pd.cut(impr, [-np.inf, 49.999, 74.999, 89.999, 99.999, np.inf], labels=False)
    assert set(bands) == {0, 1, 2, 3, 4}


def test_baseline_pasi_above_7_and_screen_failures_at_most_7(big):
    scores = p10(big["pasi.csv"]).unstack()
    enrolled = scores["Week 0"].dropna()
    assert (enrolled > 70).all()
    sf = big["disposition.csv"].query("DSREAS == 'Screen Failure'").SUBJECT
    assert len(sf) > 0 and (scores.loc[sf, "Screening"] <= 70).all()
    assert (scores.loc[enrolled.index, "Screening"] > 70).all()


# --- value formats and ranges -------------------------------------------------------------------


@pytest.mark.parametrize("which", ["study", "big"])
def test_value_formats(which, request):
    frames = request.getfixturevalue(which)
    pasi = frames["pasi.csv"]
    assert set(pasi.ERYTH) <= set(L.ITEM_LABELS) | {""}
    assert set(pasi.INDUR) | set(pasi.DESQ) <= set(L.ITEM_LABELS)
    assert set(pasi.AREA) <= set(L.AREA_LABELS)
    assert set(pasi.REGION) == set(L.REGIONS)
    date_cols = {c for df in frames.values() for c in df.columns if c.endswith("DAT") or c in ("VS_DATE", "PASIDAT")}
    time_cols = {"EXSTTIM", "EXENTIM", "AESTTIM", "VSTIM", "VS_TIME"}
    yes_no = {"ICYN", "IEYN", "VISYN", "EXYN", "AEONGO", "AESER", "AESDTH", "AESLIFE", "AESHOSP", "AESDISAB"}
    for name, df in frames.items():
        for col in df.columns:
            values = df[col][df[col] != ""]
            if col in date_cols:
                for text in values:
                    assert FULL_DATE.match(text) or PARTIAL_DATE.match(text), (name, col, text)
                    if FULL_DATE.match(text):
                        assert dt.date(2021, 1, 1) <= parse_date(text) <= dt.date(2023, 3, 31) or col == "BRTHDAT"
            elif col in time_cols:
                assert values.map(lambda t: bool(TIME.match(t))).all(), (name, col)
            elif col in yes_no:
                assert set(values) <= {"Yes", "No"}, (name, col)
    dm = frames["dm.csv"]
    assert dm.AGE.astype(int).between(18, 65).all()
    assert set(dm.SUBJECT.str.match(r"^\d{2}-\d{3,}$")) == {True}


def test_age_matches_full_birth_dates(study):
    dm = study["dm.csv"].merge(study["ic.csv"], on=["SUBJECT", "SITENO"])
    full = dm[dm.BRTHDAT.str.match(FULL_DATE)]
    for b, c, age in zip(full.BRTHDAT.map(parse_date), full.ICDAT.map(parse_date), full.AGE.astype(int), strict=True):
        assert c.year - b.year - ((c.month, c.day) < (b.month, b.day)) == age


def test_vital_signs_ranges_and_site_builds(big):
    a, b = big["vitals_site01.csv"], big["vitals_site02.csv"]
    assert {"SYSBP", "DIABP", "PULSE", "TEMP", "WEIGHT", "WEIGHTU"} <= set(a.columns)
    assert {"SBP", "DBP", "HR_BPM", "TEMP_C", "WT_KG", "HT_CM"} <= set(b.columns)
    assert set(big["vitals_site03.csv"].columns) == set(a.columns)
    assert a.SYSBP.astype(int).between(90, 180).all() and b.TEMP_C.astype(float).between(35.5, 38).all()
    assert (a.HEIGHT != "").sum() == (a.VISIT == "Screening").sum()


def test_infusion_dose_follows_weight(big):
    inf = big["infusion.csv"].query("EXYN == 'Yes'")
    vs = pd.concat(
        [
            big["vitals_site01.csv"][["SUBJECT", "VISIT", "WEIGHT"]],
            big["vitals_site02.csv"].rename(columns={"WT_KG": "WEIGHT"})[["SUBJECT", "VISIT", "WEIGHT"]],
            big["vitals_site03.csv"][["SUBJECT", "VISIT", "WEIGHT"]],
        ]
    )
    m = inf.merge(vs, on=["SUBJECT", "VISIT"], suffixes=("", "_VS"))
    assert len(m) == len(inf) and (m.WEIGHT == m.WEIGHT_VS).all()
    assert np.allclose(inf.CELLTOT.astype(float), 2 * inf.WEIGHT.astype(float))
    assert set(inf.EXDOSE) == {"2"} and set(inf.ROUTE) == {"Intravenous"}


# --- keys and references -------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["study", "big"])
def test_subjects_exist_in_dm_and_keys_are_unique(which, request):
    frames = request.getfixturevalue(which)
    subjects = set(frames["dm.csv"].SUBJECT)
    assert frames["dm.csv"].SUBJECT.is_unique
    for name, df in frames.items():
        assert set(df.SUBJECT) <= subjects, name
    keys = {
        "pasi.csv": ["SUBJECT", "VISIT", "REGION"],
        "visits.csv": ["SUBJECT", "VISIT"],
        "infusion.csv": ["SUBJECT", "INFNO"],
        "ae.csv": ["SUBJECT", "AENO"],
        "ae_meddra.csv": ["SUBJECT", "AENO"],
    }
    keys.update({n: ["SUBJECT", "VISIT"] for n in frames if n.startswith("vitals_")})
    for name, key in keys.items():
        assert not frames[name].duplicated(key).any(), name
    ae, coded = frames["ae.csv"], frames["ae_meddra.csv"]
    assert list(zip(ae.SUBJECT, ae.AENO, strict=True)) == list(zip(coded.SUBJECT, coded.AENO, strict=True))
    done = frames["visits.csv"].query("VISYN == 'Yes'")
    done_keys = set(zip(done.SUBJECT, done.VISIT, strict=True))
    assert set(zip(frames["pasi.csv"].SUBJECT, frames["pasi.csv"].VISIT, strict=True)) == done_keys
    vitals = pd.concat([df for n, df in frames.items() if n.startswith("vitals_")])
    assert set(zip(vitals.SUBJECT, vitals.VISIT, strict=True)) == done_keys


def test_ae_dates_are_ordered_and_in_study(big):
    ae = big["ae.csv"]
    full = ae[ae.AESTDAT.str.match(FULL_DATE) & ae.AEENDAT.str.match(FULL_DATE)]
    assert (full.AESTDAT.map(parse_date) <= full.AEENDAT.map(parse_date)).all()
    w0 = big["visits.csv"].query("VISIT == 'Week 0'").set_index("SUBJECT").VISDAT.map(parse_date)
    starts = ae[ae.AESTDAT.str.match(FULL_DATE)]
    assert (starts.AESTDAT.map(parse_date).to_numpy() >= starts.SUBJECT.map(w0).to_numpy()).all()
    assert set(ae.AEONGO[ae.AEENDAT == ""]) == {"Yes"}


# --- sizes, faults, README -----------------------------------------------------------------------


@pytest.mark.parametrize(("subjects", "sites"), [(1, 1), (2, 2), (5, 2), (16, 1), (31, 4)])
def test_small_and_odd_sizes(subjects, sites, tmp_path):
    summary = generate_study(tmp_path, subjects=subjects, sites=sites)
    assert summary["files"]["dm.csv"] == subjects
    assert {f"vitals_site{s:02d}.csv" for s in range(1, sites + 1)} <= set(summary["files"])


def test_faults_change_the_output_and_unknown_faults_are_refused(tmp_path):
    clean = build_frames()
    for name in FAULTS:
        summary = generate_study(tmp_path / name, faults=(name,))
        changed = any(
            not read(tmp_path / name, f).equals(df.astype(str)) for f, df in clean.items() if f in summary["files"]
        )
        assert changed, name
    with pytest.raises(SdtmConvertError) as err:
        generate_study(tmp_path / "x", faults=("no-such-fault",))
    assert err.value.issue.code == "sample-fault-unknown"


@pytest.mark.parametrize(("subjects", "sites"), [(0, 2), (10, 0), (10, 100)])
def test_bad_arguments_are_fatal_issues(subjects, sites, tmp_path):
    with pytest.raises(SdtmConvertError) as err:
        generate_study(tmp_path, subjects=subjects, sites=sites)
    assert err.value.issue.code == "sample-argument-invalid"


def test_unwritable_output_is_a_fatal_issue_before_any_file_is_written(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SdtmConvertError) as err:
        generate_study(blocker / "sub", subjects=2)
    assert err.value.issue.code == "output-not-a-folder" and f"{blocker} is a file" in err.value.issue.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_readme_expected_pasi_matches_data(study):
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    section = re.split(r"^## .*Expected PASI.*$", text, flags=re.M)[1]
    rows = re.findall(r"^\| (\d{2}-\d{3}) \| ([^|]+?) \| (\d+) \| (\d+\.\d) \|", section, flags=re.M)
    assert len(rows) >= 4
    scores = p10(study["pasi.csv"])
    for subject, visit, expected_p10, expected_pasi in rows:
        assert int(scores[(subject, visit)]) == int(expected_p10), (subject, visit)
        assert f"{int(expected_p10) // 10}.{int(expected_p10) % 10}" == expected_pasi


def test_eligibility_criteria_match_the_trial_design_config(study):
    import yaml

    config = REPO / "mappings" / "nct03745417" / "study.yaml"
    ti = {c["testcd"]: c["test"] for c in yaml.safe_load(config.read_text(encoding="utf-8"))["inclusion_exclusion"]}
    failed = rows(study["ie.csv"], IEYN="No")
    assert len(failed) > 0
    for code, text in zip(failed.IECRIT, failed.IECRIT_T, strict=True):
        assert ti.get(code) == text


@pytest.mark.parametrize("subjects", [15, 250])
def test_scripted_cases_exist_at_other_sizes(subjects):
    frames = build_frames(subjects=subjects)
    ds = frames["disposition.csv"].set_index("SUBJECT")
    assert ds.loc["02-001", "DSREAS"] == "Screen Failure" and ds.loc["01-002", "DSREAS"] == "Adverse Event"
    scores = p10(frames["pasi.csv"]).unstack()
    assert (scores.loc["01-001", "Week 0"], scores.loc["01-001", "Week 12"]) == (252, 63)
    assert (frames["pasi.csv"].ERYTH == "").sum() == 1
    ae = frames["ae.csv"]
    assert {"头痛", "Fièvre légère après la perfusion"} <= set(ae.AETERM_V)
    assert (ae.AESER == "Yes").any() and (ae.AEONGO == "Yes").any()
    assert {"female", "F", "M"} <= set(frames["dm.csv"].SEX)
