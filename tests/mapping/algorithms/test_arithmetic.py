"""compute (closed arithmetic, missing propagating, division by zero reported) and age from a birth year."""

import pandas as pd

from tests.mapping.algorithms._helpers import codes, raw, run


def test_dose_per_kg_times_weight_from_a_target_rounded():
    f = raw(DOSE=["0.5", "0.25", ""])
    s, issues = run("compute", f, targets={"__WT": pd.Series([70.0, 81.3, 60.0])}, op="multiply",
                    args=[{"column": "DOSE"}, {"target": "__WT"}], decimals=1)
    assert s.tolist()[:2] == [35.0, 20.3] and pd.isna(s.iloc[2]) and issues == []


def test_division_by_zero_is_an_issue_and_the_result_missing():
    f = raw(A=["10", "10", "7"], B=["4", "0", ""])
    s, issues = run("compute", f, op="divide", args=[{"column": "A"}, {"column": "B"}])
    assert s.tolist()[0] == 2.5 and pd.isna(s.iloc[1]) and pd.isna(s.iloc[2])
    assert codes(issues) == [("compute-division-by-zero", 2, "B", "0.0")]


def test_add_subtract_round_and_a_non_number():
    f = raw(A=["1.25", "x"], B=["2", "3"])
    s, _ = run("compute", f, op="add", args=[{"column": "A"}, {"column": "B"}, {"value": 1}])
    assert s.tolist()[0] == 4.25 and pd.isna(s.iloc[1])
    s, issues = run("compute", f, op="subtract", args=[{"column": "B"}, {"column": "A"}])
    assert s.tolist()[0] == 0.75 and codes(issues) == [("number-invalid", 2, "A", "x")]
    s, _ = run("compute", f, op="round", args=[{"column": "A"}], decimals=1)
    assert s.tolist()[0] == 1.3


def test_whole_years_between_two_dates():
    f = raw(B=["1980-03-02", "1980-03-01", "1980-03", ""], R=["2021-03-01"] * 4)
    s, _ = run("compute", f, op="years_between", args=[{"column": "B"}, {"column": "R"}])
    assert s.tolist()[:2] == [40.0, 41.0] and s.iloc[2:].isna().all()


def test_age_from_birth_year_is_imputed_mid_year_and_reported():
    f = raw(BRTHYR=["1980", "1980", "19x0"])
    ref = pd.Series(["2021-06-30", "2021-07-01", "2021-07-01"])
    s, issues = run("age", f, targets={"RFSTDTC": ref}, birth_year="BRTHYR", reference={"target": "RFSTDTC"},
                    impute="mid-year")
    assert s.tolist()[:2] == [40.0, 41.0] and pd.isna(s.iloc[2])
    assert [(i.code, i.severity, i.value) for i in issues] == [
        ("number-invalid", "error", "19x0"), ("age-birth-date-imputed", "info", "1980-07-01")]
    assert issues[1].extra == {"rows": [1, 2]}


def test_age_from_birth_year_and_month_imputes_the_day():
    f = raw(Y=["1980", "1980"], M=["3", ""])
    s, issues = run("age", f, targets={"R": pd.Series(["2021-03-14", "2021-03-14"])}, birth_year="Y",
                    birth_month="M", reference={"target": "R"}, impute="start-of-year")
    assert s.tolist() == [41.0, 41.0]
    assert sorted(i.value for i in issues) == ["1980-01-01", "1980-03-01"]
