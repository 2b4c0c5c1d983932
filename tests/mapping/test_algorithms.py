"""Each mapping algorithm alone, on small literal frames."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdtm_convert.mapping.algorithms import ALGORITHMS, Env
from sdtm_convert.spec import conditions
from sdtm_convert.standards import load_ct


@pytest.fixture(scope="module")
def env():
    return Env(ct=load_ct(), domain="DM", subject_column="SUBJ")


def raw(**cols):
    n = len(next(iter(cols.values())))
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})
    df["__src_file"] = "dm.csv"
    df["__src_row"] = np.arange(1, n + 1)
    return df


def run(name, frame, env, **var):
    env.targets = var.pop("_targets", {})
    return ALGORITHMS[name](frame, {"target": "X", "algorithm": name, **var}, env)


def test_hardcode(env):
    f = raw(SUBJ=["1", "2"])
    s, issues = run("hardcode_no_ct", f, env, value="NCT03745417")
    assert s.tolist() == ["NCT03745417"] * 2 and not issues
    s, _ = run("hardcode_no_ct", f, env, value=2)
    assert s.dtype == "float64" and s.tolist() == [2.0, 2.0]


def test_assign_ct_recodes_synonyms_and_reports_misses(env):
    f = raw(SUBJ=["1", "2", "3", "4", "5"], GENDER=["Female", "female", "F", "Male", "Woman"])
    s, issues = run("assign_ct", f, env, column="GENDER", codelist="SEX")
    assert s.tolist() == ["F", "F", "F", "M", "Woman"]
    assert [(i.code, i.severity, i.row, i.column, i.value, i.usubjid) for i in issues] == [
        ("ct-term-not-found", "error", 5, "GENDER", "Woman", "5")]


def test_assign_ct_extensible_miss_is_warning(env):
    f = raw(SUBJ=["1"], ROUTE=["Via nasal tube xyz"])
    s, issues = run("assign_ct", f, env, column="ROUTE", codelist="ROUTE", )
    assert issues[0].severity == "warning" and s.tolist() == ["Via nasal tube xyz"]


def test_assign_ct_with_sponsor_map_and_pattern(env):
    f = raw(SUBJ=["1", "2"], SEV=["1-Mild", "3-Severe"])
    s, issues = run("assign_ct", f, env, column="SEV", codelist="AESEV", pattern=r"^\d-(.*)$")
    assert s.tolist() == ["MILD", "SEVERE"] and not issues


def test_assign_no_ct_folds_accents_and_refuses_untranslatable_text(env):
    f = raw(SUBJ=["1", "2", "3"], TERM=["Érythème", "Headache", "头痛"])
    s, issues = run("assign_no_ct", f, env, column="TERM")
    assert s.tolist() == ["Erytheme", "Headache", "头痛"]
    assert [(i.code, i.severity, i.row, i.value) for i in issues] == [
        ("non-ascii-transliterated", "warning", 1, "Érythème"), ("non-ascii-untranslated", "error", 3, "头痛")]


def test_translation_map_makes_text_ascii(env):
    f = raw(SUBJ=["3"], TERM=["头痛"])
    s, issues = run("assign_no_ct", f, env, column="TERM", map={"头痛": "Headache"})
    assert s.tolist() == ["Headache"] and not issues


def test_ct_misses_are_reported_once_per_value_with_all_rows(env):
    f = raw(SUBJ=["1", "2", "3"], U=["x10^6 cells/kg", "mg", "x10^6 cells/kg"])
    _, issues = run("assign_ct", f, env, column="U", codelist="UNIT")
    assert [(i.code, i.severity, i.row, i.value, i.extra.get("rows")) for i in issues] == [
        ("ct-term-not-found", "warning", 1, "x10^6 cells/kg", [1, 3])]


def test_assign_number_range_and_integer(env):
    f = raw(SUBJ=["1"] * 5, SCORE=["2-Moderate", "5-Bad", "x-", "", "1.5-Half"])
    s, issues = run("assign_number", f, env, column="SCORE", pattern=r"^([\d.]+)", range=[0, 4], integer=True)
    assert s.tolist()[0] == 2.0 and s.isna().tolist() == [False, True, True, True, True]
    assert sorted((i.code, i.row) for i in issues) == [("number-invalid", 3), ("number-not-integer", 5),
                                                       ("value-out-of-range", 2)]


def test_assign_datetime_with_time_and_partials(env):
    f = raw(SUBJ=["1", "2", "3"], D=["12 MAR 2022", "UN MAR 2022", "31 FEB 2022"], T=["14:30", "", "10:00"])
    s, issues = run("assign_datetime", f, env, date="D", time="T")
    assert s.tolist() == ["2022-03-12T14:30", "2022-03", ""]
    assert [(i.code, i.row, i.column, i.value) for i in issues] == [("date-nonexistent", 3, "D", "31 FEB 2022")]


def test_if_then_else_with_structured_conditions(env):
    f = raw(SUBJ=["1", "2", "3"], DEATH=["Yes", "No", "No"], HOSP=["No", "Yes", ""])
    s, _ = run("if_then_else", f, env, cases=[
        {"when": {"any": [{"column": "DEATH", "op": "eq", "value": "yes"}, {"column": "HOSP", "op": "eq", "value": "Yes"}]},
         "then": {"value": "Y"}},
        {"when": {"column": "HOSP", "op": "is_empty"}, "then": {"value": "U"}},
    ], **{"else": {"value": "N"}})
    assert s.tolist() == ["Y", "Y", "U"]


def test_if_then_else_reads_earlier_targets(env):
    f = raw(SUBJ=["1", "2"])
    s, _ = run("if_then_else", f, env, _targets={"AESER": pd.Series(["Y", "N"])},
               cases=[{"when": {"target": "AESER", "op": "eq", "value": "Y"}, "then": {"value": "serious"}}])
    assert s.tolist() == ["serious", ""]


def test_concat_and_lookup(env):
    f = raw(SUBJ=["003", "010"], SITE=["01", "02"], REGION=["Head/Neck", "Trunk"], ITEM=["AREA", "AREA"])
    s, _ = run("concat", f, env, parts=[{"value": "NCT03745417"}, {"column": "SITE"}, {"column": "SUBJ"}], sep="-")
    assert s.tolist() == ["NCT03745417-01-003", "NCT03745417-02-010"]
    table = [{"REGION": "head/neck", "ITEM": "AREA", "value": 4}, {"REGION": "Trunk", "ITEM": "AREA", "value": 12}]
    s, issues = run("lookup", f, env, keys=["REGION", "ITEM"], table=table)
    assert s.tolist() == [4.0, 12.0] and not issues
    s, issues = run("lookup", f, env, keys=["REGION", "ITEM"], table=table[:1])
    assert [(i.code, i.row) for i in issues] == [("lookup-not-found", 2)]


@pytest.mark.parametrize("op,value,expected", [
    ("eq", "a", [True, False, False]), ("ne", "a", [False, True, True]), ("in", ["a", "B"], [True, True, False]),
    ("not_in", ["a"], [False, True, True]), ("is_empty", None, [False, False, True]),
    ("not_empty", None, [True, True, False]), ("matches", "[ab]", [True, True, False]),
    ("starts_with", "A", [True, False, False]),
])
def test_condition_operators(op, value, expected):
    f = pd.DataFrame({"C": ["A", "b", ""]})
    assert conditions.evaluate({"column": "C", "op": op, "value": value}, f).tolist() == expected


def test_numeric_conditions_never_match_text():
    f = pd.DataFrame({"N": ["1", "5", "x"]})
    assert conditions.evaluate({"column": "N", "op": "gt", "value": 2}, f).tolist() == [False, True, False]
    assert conditions.evaluate({"not": {"column": "N", "op": "le", "value": 1}}, f).tolist() == [False, True, True]


@settings(max_examples=200)
@given(st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                          st.integers(-10**16, 10**16).map(float), st.sampled_from([-0.0, 0.0, 36.06, 1e15])),
                max_size=40))
def test_number_text_is_the_shortest_decimal_of_each_value(values):
    """number_text formats once per distinct value; the answer must be the per-value Decimal text."""
    from decimal import Decimal

    from sdtm_convert.mapping.algorithms import number_text

    expected = ["" if v is None or v != v else format(Decimal(repr(float(v))).normalize(), "f") for v in values]
    assert number_text(pd.Series(values, dtype="float64")).tolist() == expected
