"""Every registered mapping algorithm has all its parts: a run case, a describe, a schema branch, its
parameters' columns checked before data is read; and the committed schema is the generated one."""

import json

import jsonschema
import numpy as np
import pandas as pd
import pytest

from sdtm_convert.common.registry import Registry, RegistryError
from sdtm_convert.mapping import jsonschema as gen
from sdtm_convert.mapping.algorithms import ALGORITHMS, Env
from sdtm_convert.mapping.describe import describe
from sdtm_convert.spec.model import check_spec, load_spec
from sdtm_convert.standards import load_ct
from tests.mapping.conftest import STUDY_YAML, write_study

# name → (raw columns, spec row without target/algorithm, expected values)
CASES = {
    "hardcode_no_ct": ({"A": ["x", "y"]}, {"value": "NCT1"}, ["NCT1", "NCT1"]),
    "hardcode_ct": ({"A": ["x", "y"]}, {"value": "F", "codelist": "SEX"}, ["F", "F"]),
    "assign_no_ct": ({"A": [" Headache ", "rash"]}, {"column": "A", "upper": True}, ["HEADACHE", "RASH"]),
    "assign_ct": ({"A": ["Female", "m"]}, {"column": "A", "codelist": "SEX"}, ["F", "M"]),
    "assign_number": ({"A": ["98.6", "100.4"]}, {"column": "A", "convert": {
        "unit": {"value": "F"}, "from": {"F": [{"add": -32}, {"multiply": 5}, {"divide": 9}]}}, "round": 1}, [37.0, 38.0]),
    "format_number": ({"A": ["3.50", "2"]}, {"value": {"column": "A"}, "decimals": 1}, ["3.5", "2.0"]),
    "assign_datetime": ({"A": ["03 MAR 2021", "UN MAR 2021"]}, {"date": "A"}, ["2021-03-03", "2021-03"]),
    "if_then_else": ({"A": ["Yes", "No"]}, {"cases": [{"when": {"column": "A", "op": "eq", "value": "yes"},
                                                      "then": {"value": "Y"}}], "else": {"value": "N"}}, ["Y", "N"]),
    "concat": ({"A": ["1", "2"]}, {"parts": [{"value": "S"}, {"column": "A"}], "sep": "-"}, ["S-1", "S-2"]),
    "compute": ({"A": ["2", "3"], "B": ["1.5", "2"]}, {"op": "multiply", "args": [{"column": "A"}, {"column": "B"}]},
                [3.0, 6.0]),
    "age": ({"A": ["1980", "1990"], "R": ["2021-03-01", "2021-08-01"]},
            {"birth_year": "A", "reference": {"column": "R"}, "impute": "mid-year"}, [40.0, 31.0]),
    "lookup": ({"A": ["wk1", "WK2"]}, {"keys": ["A"], "table": [{"A": "WK1", "value": 1}, {"A": "wk2", "value": 2}]},
               [1.0, 2.0]),
}


def _frame(cols):
    n = len(next(iter(cols.values())))
    df = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in cols.items()})
    df["__src_file"] = "x.csv"
    df["__src_row"] = np.arange(1, n + 1)
    return df


def test_every_registered_algorithm_has_a_case():
    assert sorted(CASES) == sorted(ALGORITHMS.names())


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_algorithm_runs_its_case(name):
    cols, params, expected = CASES[name]
    env = Env(ct=load_ct(), domain="XX")
    out, issues = ALGORITHMS[name](_frame(cols), {"target": "X", "algorithm": name, **params}, env)
    assert out.tolist() == expected and [i.code for i in issues if i.severity != "info"] == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_algorithm_describes_itself_for_define_xml(name):
    algo = ALGORITHMS[name]
    row = {"target": "X", "algorithm": name, "__raw": "raw", **CASES[name][1]}
    origin, _source, method, comment = describe(row)
    assert origin == algo.origin
    text = method if origin == "Derived" else comment
    assert text and not text.startswith("Algorithm ")


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_algorithm_has_a_schema_branch_that_takes_its_case_and_example(name):
    schema = json.loads(gen.SCHEMA_FILE.read_text(encoding="utf-8"))
    branches = {b["if"]["properties"]["algorithm"]["const"]: b for b in schema["$defs"]["variable"]["allOf"]}
    assert set(branches[name]["then"]["properties"]) >= set(ALGORITHMS[name].params)
    validator = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/variable"})
    validator.validate({"target": "X", "algorithm": name, **CASES[name][1]})
    validator.validate(dict(ALGORITHMS[name].example))
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"target": "X", "algorithm": name, **CASES[name][1], "no_such_option": 1})


def test_committed_schema_is_the_one_generated_from_the_descriptors():
    assert gen.SCHEMA_FILE.read_text(encoding="utf-8") == gen.generated_text()


def test_a_name_registered_twice_fails_at_once():
    reg: Registry[int] = Registry("thing")
    reg.register("a", 1)
    with pytest.raises(RegistryError, match="'a' is registered twice"):
        reg.register("a", 2)


def _reads_column(name):
    return any(r[0] == "column" for p, kind in ALGORITHMS[name].params.items()
               if p in CASES[name][1] for r in kind.reads(CASES[name][1][p]))


def _rename_columns(value, old, new):
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, list):
        return [_rename_columns(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _rename_columns(v, old, new) for k, v in value.items()}
    return value


@pytest.mark.parametrize("name", sorted(n for n in CASES if _reads_column(n)))
def test_an_undeclared_column_is_a_spec_error_before_data(tmp_path, name):
    params = _rename_columns(CASES[name][1], "A", "NOPE")
    var = {"target": "--TERM", "algorithm": name, **params}
    files = {
        "study.yaml": STUDY_YAML,
        "raw.yaml": "datasets:\n  ae:\n    files: [ae.csv]\n    columns: [SUBJ, A, B, R]\n",
        "ae.yaml": "domain: AE\nsources:\n  - raw: ae\n    variables:\n      - " + json.dumps(var) + "\n",
    }
    _raw, spec_dir = write_study(tmp_path, files)  # no data file: nothing is read
    problems = check_spec(load_spec(spec_dir), load_ct(), [], algorithms=ALGORITHMS)
    assert [(p.code, p.line) for p in problems] == [("spec-column-unknown", 5)]
    assert "'NOPE' is not declared for raw dataset ae" in problems[0].message


def _codes_raised_in(module):
    """Issue codes given as literals to row_issues/value_issues in a family module's source."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(module))
    return {call.args[2].value for call in ast.walk(tree)
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") in ("row_issues", "value_issues")
            and len(call.args) > 2 and isinstance(call.args[2], ast.Constant)}


@pytest.mark.parametrize("module_name", sorted({a.run.__module__ for a in ALGORITHMS.values()}))
def test_every_issue_code_a_family_raises_is_declared_in_emits(module_name):
    import importlib

    module = importlib.import_module(module_name)
    declared = {c for a in ALGORITHMS.values() if a.run.__module__ == module_name for c in a.emits}
    assert _codes_raised_in(module) <= declared


def test_method_texts_name_working_columns_and_targets_in_words():
    """define.xml never shows a transposed source's ``__value`` or a spec's ``__`` working target."""
    cases = {"target": "VSSTAT", "algorithm": "if_then_else",
             "cases": [{"when": {"column": "__value", "op": "is_empty"}, "then": {"value": "NOT DONE"}},
                       {"when": {"column": "COMPONENT", "op": "eq", "value": "A"}, "then": {"target": "__AREA"}}]}
    _origin, _source, method, _comment = describe(cases)
    assert method == ("if the collected value is empty then 'NOT DONE'; if COMPONENT = 'A' then the working value "
                      "AREA; otherwise null")
    collected = {"target": "VSORRES", "algorithm": "assign_no_ct", "column": "__value", "__raw": "vitals"}
    assert describe(collected)[3] == "From the value of each transposed column of vitals"
