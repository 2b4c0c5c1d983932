"""Engine options added to map a second study (the CDISC pilot) with specs alone: one test each."""

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.common import edc_dates as dates
from sdtm_convert.derive import get as get_derivation
from sdtm_convert.derive.registry import DeriveContext
from sdtm_convert.mapping.algorithms import ALGORITHMS, Env
from sdtm_convert.spec.loader import _validator
from sdtm_convert.standards import load_ct


@pytest.fixture(scope="module")
def env():
    return Env(ct=load_ct(), domain="VS", subject_column="SUBJ")


def raw(**cols):
    n = len(next(iter(cols.values())))
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})
    df["__src_file"] = "vs.csv"
    df["__src_row"] = np.arange(1, n + 1)
    return df


def run(name, frame, env, **var):
    env.targets = var.pop("_targets", {})
    return ALGORITHMS[name](frame, {"target": "X", "algorithm": name, **var}, env)


def test_date_format_mm_dd_yyyy_with_hyphens():
    iso, problem = dates.edc_to_iso(pd.Series(["01-02-2014", "13-02-2014", ""]), "MM-DD-YYYY")
    assert iso.tolist() == ["2014-01-02", "", ""] and problem.fillna("").tolist() == ["", dates.INVALID, ""]


def test_date_format_list_tries_each_format_in_order(env):
    f = raw(SUBJ=["1"] * 5, D=["03/15/2013", "2003", "07/2012", "2013-99", ""])
    s, issues = run("assign_datetime", f, env, date="D", format=["MM/DD/YYYY", "MM/YYYY", "YYYY"])
    assert s.tolist() == ["2013-03-15", "2003", "2012-07", "", ""]
    assert [(i.code, i.row) for i in issues] == [("date-invalid", 4)]


def test_upper_on_if_then_else_and_concat(env):
    f = raw(SUBJ=["1", "2"], TERM=["Randomized", ""], OTHER=["", "Final Lab Visit"])
    s, _ = run(
        "if_then_else",
        f,
        env,
        cases=[{"when": {"column": "OTHER", "op": "not_empty"}, "then": {"column": "OTHER"}}],
        **{"else": {"column": "TERM"}},
        upper=True,
    )
    assert s.tolist() == ["RANDOMIZED", "FINAL LAB VISIT"]
    s, _ = run("concat", f, env, parts=[{"column": "TERM"}, {"column": "OTHER"}], upper=True)
    assert s.tolist() == ["RANDOMIZED", "FINAL LAB VISIT"]


def test_if_then_else_codelist_applies_to_text_columns_of_any_dtype(env):
    f = raw(SUBJ=["1"], SEV=["Mild"]).astype({"SEV": "string"})
    s, issues = run(
        "if_then_else",
        f,
        env,
        cases=[{"when": {"column": "SEV", "op": "not_empty"}, "then": {"column": "SEV"}}],
        codelist="AESEV",
    )
    assert s.tolist() == ["MILD"] and not issues


def test_lookup_default_instead_of_an_error(env):
    f = raw(SUBJ=["1", "2", "3"], V=["Baseline", "Unscheduled 3.1", "Week 2"])
    table = [{"V": "Baseline", "value": 1}, {"V": "Week 2", "value": 14}]
    s, issues = run("lookup", f, env, keys=["V"], table=table, default={"value": None})
    assert s.dtype == "float64" and s.tolist()[0] == 1.0 and np.isnan(s.tolist()[1]) and s.tolist()[2] == 14.0
    assert not issues
    s, _ = run("lookup", f, env, keys=["V"], table=[{"V": "Baseline", "value": "B"}], default={"column": "V"})
    assert s.tolist() == ["B", "Unscheduled 3.1", "Week 2"]


def test_assign_number_converts_units_per_row_and_rounds_half_up(env):
    f = raw(SUBJ=["1"] * 5, V=["96.9", "146", "58.0", "120", ""])
    units = pd.Series(["F", "LB", "IN", "mmHg", ""], index=f.index)
    conv = {
        "unit": {"target": "U"},
        "from": {
            "F": [{"add": -32}, {"multiply": 5}, {"divide": 9}],
            "LB": [{"multiply": 0.45359237}],
            "IN": [{"multiply": 2.54}],
        },
    }
    s, issues = run("assign_number", f, env, column="V", convert=conv, round=2, _targets={"U": units})
    assert s.tolist()[:4] == [36.06, 66.22, 147.32, 120.0] and np.isnan(s.iloc[4]) and not issues
    s, _ = run("assign_number", raw(SUBJ=["1", "2"], V=["0.125", "-0.125"]), env, column="V", round=2)
    assert s.tolist() == [0.13, -0.13]


def test_format_number_writes_shortest_text_or_fixed_decimals(env):
    f = raw(SUBJ=["1"] * 4)
    n = pd.Series([64.0, 36.06, np.nan, 1e-05], index=f.index)
    s, _ = run("format_number", f, env, value={"target": "N"}, _targets={"N": n})
    assert s.tolist() == ["64", "36.06", "", "0.00001"]
    s, _ = run("format_number", f, env, value={"target": "N"}, decimals=1, _targets={"N": n})
    assert s.tolist() == ["64.0", "36.1", "", "0.0"]


def test_schema_accepts_the_new_options_and_rejects_a_bad_step():
    ok = {
        "domain": "VS",
        "sources": [
            {
                "raw": "vs",
                "variables": [
                    {
                        "target": "VSSTRESN",
                        "algorithm": "assign_number",
                        "column": "V",
                        "round": 2,
                        "convert": {"unit": {"target": "VSORRESU"}, "from": {"F": [{"add": -32}, {"divide": 1.8}]}},
                    },
                    {"target": "VSSTRESC", "algorithm": "format_number", "value": {"target": "VSSTRESN"}},
                    {"target": "VSDTC", "algorithm": "assign_datetime", "date": "D", "format": ["MM/DD/YYYY", "YYYY"]},
                    {
                        "target": "VISITDY",
                        "algorithm": "lookup",
                        "keys": ["V"],
                        "table": [{"V": "A", "value": 1}],
                        "default": {"value": None},
                    },
                    {"target": "X", "algorithm": "concat", "parts": [{"column": "A"}], "upper": True},
                ],
            }
        ],
    }
    assert not list(_validator("domain").iter_errors(ok))
    bad = {
        "domain": "VS",
        "sources": [
            {
                "raw": "vs",
                "variables": [
                    {
                        "target": "X",
                        "algorithm": "assign_number",
                        "column": "V",
                        "convert": {"unit": {"value": "F"}, "from": {"F": [{"power": 2}]}},
                    }
                ],
            }
        ],
    }
    assert list(_validator("domain").iter_errors(bad))


def test_merge_vars_copies_the_first_value_per_subject():
    dm = pd.DataFrame({"USUBJID": ["A", "B", "C"], "DTHDTC": ["", "", "2020-01-01"]})
    ds = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "B", "C"],
            "__D": ["", "2013-01-14", "", "2021-05-05"],
            "DSDECOD": ["X", "DEATH", "X", "DEATH"],
        }
    )
    ctx = DeriveContext(study=None, ct=None, domain="DM", domains={"DS": ds})  # type: ignore[arg-type]
    out, issues = get_derivation("merge_vars")(dm, ctx, vars={"DTHDTC": "__D"}, **{"from": "DS"})
    assert out["DTHDTC"].tolist() == ["2013-01-14", "", "2020-01-01"] and not issues
    out, _ = get_derivation("merge_vars")(
        dm, ctx, vars={"DTHDTC": "__D"}, where={"DSDECOD": "death"}, overwrite=True, **{"from": "DS"}
    )
    assert out["DTHDTC"].tolist() == ["2013-01-14", "", "2021-05-05"]
    _, issues = get_derivation("merge_vars")(dm, ctx, vars={"DTHDTC": "__D"}, **{"from": "EX"})
    assert [i.code for i in issues] == ["derive-domain-missing"]
