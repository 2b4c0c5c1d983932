"""The vectorised validator reports exactly what jsonschema reports, row by row."""

from __future__ import annotations

import decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema_reference import assert_same_findings

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.rowschema import load_schema, validate_frame
from sdtm_convert.rowschema.compiled import compile_schema
from sdtm_convert.rowschema.patterns import PATTERNS

PILOT = Path(__file__).resolve().parents[1] / "data" / "cdiscpilot01"

SMALL = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["ID", "CODE", "N"],
    "x-dataset": "SMALL",
    "properties": {
        "ID": {"type": "string", "minLength": 1, "maxLength": 5, "x-label": "Identifier"},
        "CODE": {"type": "string", "minLength": 1, "enum": ["", "A", "B"]},
        "DTC": {"type": "string", "maxLength": 200, "pattern": PATTERNS["datetime"]},
        "N": {"type": "number", "minimum": 0, "maximum": 10},
        "M": {"type": ["number", "null"], "enum": [None, 1, 0]},
        "FLAG": {"type": ["boolean", "null"]},
        "DOMAIN": {"type": "string", "minLength": 1, "const": "AE"},
        "MIX": {"enum": ["x", 1, True, None]},
        "LOOSE": {"type": "string", "pattern": "a+"},
    },
}


def codes(df, schema, **kw):
    return {(i.extra["record"], i.variable, i.code) for i in validate_frame(df, schema, dataset="T", **kw)}


# (a) hand-made frames, one per keyword -------------------------------------------------------


def test_required_column_absent_is_reported_per_record_and_optional_absent_is_not():
    df = pd.DataFrame({"ID": ["a", "b"], "CODE": ["A", "B"]})  # N required and absent; others optional
    assert_same_findings(df, SMALL)
    assert codes(df, SMALL) == {(1, "N", "schema-required-missing"), (2, "N", "schema-required-missing")}


def test_empty_required_char_is_one_required_missing_issue():
    df = pd.DataFrame({"ID": ["", "a"], "CODE": ["", "A"], "N": [1.0, 2.0]})
    assert_same_findings(df, SMALL)
    assert codes(df, SMALL) == {(1, "ID", "schema-required-missing"), (1, "CODE", "schema-required-missing")}


def test_null_in_char_column_is_a_type_error_and_null_in_required_num_is_missing():
    df = pd.DataFrame(
        {
            "ID": ["a", None, np.nan],
            "CODE": pd.Series(["A", pd.NA, "B"], dtype="string"),
            "N": [1.0, np.nan, 3.0],
            "DTC": ["2021", np.nan, ""],
        }
    )
    assert_same_findings(df, SMALL)
    got = codes(df, SMALL)
    assert (2, "N", "schema-required-missing") in got and (3, "ID", "schema-required-missing") in got
    assert (2, "DTC", "schema-type") in got


def test_type_errors_across_dtypes():
    df = pd.DataFrame(
        {
            "ID": pd.Series([1, "a", 2.5, True, pd.Timestamp("2021-01-01")], dtype=object),
            "CODE": ["A"] * 5,
            "N": pd.Series(["1", "2", "", "x", "3"], dtype="str"),
            "M": pd.array([1, None, 0, 5, 1], dtype="Int64"),
            "FLAG": [True, False, True, False, True],
            "MIX": pd.Series(["x", 1.0, True, False, 1], dtype=object),
        }
    )
    found = assert_same_findings(df, SMALL)
    assert (1, "ID", "type") in found and (4, "ID", "type") in found and (5, "ID", "type") in found
    assert (4, "M", "enum") in found and (4, "MIX", "enum") in found and (2, "MIX", "enum") not in found


def test_max_length_counts_characters_not_bytes():
    df = pd.DataFrame({"ID": ["ééééé", "éééééé", "abcdef"], "CODE": ["A"] * 3, "N": [0.0] * 3})
    assert_same_findings(df, SMALL)
    assert codes(df, SMALL) == {(2, "ID", "schema-max-length"), (3, "ID", "schema-max-length")}


def test_enum_const_and_bounds():
    df = pd.DataFrame(
        {
            "ID": ["a"] * 4,
            "CODE": ["A", "C", "a", "B"],
            "N": [-1.0, 0.0, 10.0, np.inf],
            "M": [1.0, 0.0, 2.0, np.nan],
            "DOMAIN": ["AE", "DM", "", "AE"],
        }
    )
    assert_same_findings(df, SMALL)
    got = codes(df, SMALL)
    assert {(2, "CODE", "schema-enum"), (3, "CODE", "schema-enum"), (3, "M", "schema-enum")} <= got
    assert {(1, "N", "schema-minimum"), (4, "N", "schema-maximum"), (2, "DOMAIN", "schema-const")} <= got


@pytest.mark.parametrize(
    "value, ok",
    [
        ("2021", True),
        ("2021-03-15T10:30:15", True),
        ("2021---15", True),
        ("--12-15", True),
        ("-----T07:15", True),
        ("2021-03-15T-:30", True),
        ("", True),
        ("2021---", False),
        ("2021-13-01", False),
        ("2021\n", False),
        ("\u0662\u0660\u0662\u0661", False),
        ("2021-03-15 10:30", False),
        ("15MAR2021", False),
    ],
)
def test_iso8601_pattern(value, ok):
    df = pd.DataFrame({"ID": ["a"], "CODE": ["A"], "N": [1.0], "DTC": [value], "LOOSE": ["xax\n"]})
    assert_same_findings(df, SMALL)
    assert ((1, "DTC", "schema-pattern") not in codes(df, SMALL)) == ok


def test_real_schema_on_a_broken_dm():
    dm = pd.DataFrame(
        {
            "STUDYID": ["S1", "S1", ""],
            "DOMAIN": ["DM", "DX", "DM"],
            "USUBJID": ["S1-1", "S1-2", "S1-3"],
            "SUBJID": ["1", "2", "3"],
            "SITEID": ["01"] * 3,
            "SEX": ["M", "MALE", ""],
            "AGE": [30.0, np.nan, -1.0],
            "AGEU": ["YEARS", "", "Years"],
            "RFSTDTC": ["2021-01-01", "2021-1-1", ""],
            "COUNTRY": ["CHN"] * 3,
            "ARM": ["x" * 201, "", ""],
            "__src_file": ["dm.csv"] * 3,
            "__src_row": ["4", "5", "6"],
        }
    )
    assert_same_findings(dm, load_schema("DM"))
    issues = validate_frame(dm, load_schema("DM"), dataset="DM")
    sex = next(i for i in issues if i.variable == "SEX" and i.extra["record"] == 2)
    assert (sex.code, sex.file, sex.row, sex.usubjid, sex.value) == ("schema-enum", "dm.csv", 5, "S1-2", "MALE")
    assert {i.code for i in issues} >= {
        "schema-const",
        "schema-enum",
        "schema-pattern",
        "schema-max-length",
        "schema-required-missing",
    }


def test_without_provenance_row_is_the_record_number():
    df = pd.DataFrame({"ID": ["toolong"], "CODE": ["A"], "N": [1.0]}, index=[41])
    (issue,) = validate_frame(df, SMALL, dataset="T")
    assert (issue.file, issue.row, issue.extra["record"], issue.value) == (None, 1, 1, "toolong")


def test_empty_frame_and_valid_frame_have_no_findings():
    assert validate_frame(pd.DataFrame({"ID": [], "CODE": [], "N": []}), SMALL, dataset="T") == []
    assert validate_frame(pd.DataFrame({"ID": ["a"], "CODE": ["B"], "N": [3]}), SMALL, dataset="T") == []


def test_unsupported_keyword_is_refused_at_compile_time():
    with pytest.raises(SdtmConvertError) as err:
        compile_schema({"type": "object", "properties": {"A": {"type": "string", "format": "date"}}})
    assert err.value.issue.code == "schema-unsupported-keyword"
    with pytest.raises(SdtmConvertError):
        compile_schema({"type": "object", "additionalProperties": False})


def test_compiled_once_per_schema():
    assert compile_schema(load_schema("AE")) is compile_schema(load_schema("AE"))


def test_duplicate_columns_are_refused():
    df = pd.DataFrame([["a", "b"]], columns=["ID", "ID"])
    with pytest.raises(SdtmConvertError) as err:
        validate_frame(df, SMALL, dataset="T")
    assert err.value.issue.code == "schema-duplicate-column"


EXOTIC = {
    "object-with-NA": pd.Series(["a", pd.NA, None, np.nan], dtype=object),
    "object-with-NaT": pd.Series(["a", pd.NaT, 1, "b"], dtype=object),
    "decimal": pd.Series([decimal.Decimal("1"), decimal.Decimal("NaN"), 2, "x"], dtype=object),
    "numpy-scalars": pd.Series([np.str_("a"), np.float64("nan"), np.int64(3), np.bool_(True)], dtype=object),
    "datetime64": pd.Series(pd.to_datetime(["2021-01-01", None, "2021-01-02", "2021-01-03"])),
    "string-python": pd.Series(["a", None, "AE", ""], dtype="string[python]"),
    "big-int": pd.Series([2**70, 1, 0, -1], dtype=object),
    "float32": pd.Series([1.0, np.nan, 0.5, 11], dtype="float32"),
    "uint8": pd.Series([1, 2, 0, 11], dtype="uint8"),
}


@pytest.mark.parametrize("kind", list(EXOTIC))
@pytest.mark.parametrize("prop", list(SMALL["properties"]))
def test_exotic_columns_match_jsonschema(kind, prop):
    base = {} if prop in SMALL["required"] else {"ID": ["a"] * 4, "CODE": ["A"] * 4, "N": [1.0] * 4}
    assert_same_findings(pd.DataFrame({**base, prop: EXOTIC[kind]}), SMALL)


# (b) Hypothesis: random frames from a small schema ---------------------------------------------

_STRINGS = st.one_of(
    st.sampled_from(
        [
            "",
            "A",
            "B",
            "a",
            "AE",
            "x",
            "2021",
            "2021-03-15",
            "2021---15",
            "2021---",
            "2021-13",
            "2021-03-15T10:30",
            "aaaaaa",
            "ééééé",
            "2021\n",
            "\u0662\u0660\u0662\u0661",
        ]
    ),
    st.text(alphabet="aAB-0123T:é\n\u0662", max_size=7),
)
_SCALARS = st.one_of(
    _STRINGS,
    st.none(),
    st.just(np.nan),
    st.booleans(),
    st.integers(-3, 12),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
)
_NUMBERS = st.one_of(st.floats(-2, 12), st.sampled_from([0.0, 1.0, 10.0, np.nan, np.inf, -np.inf]))


@st.composite
def frames(draw):
    n = draw(st.integers(0, 6))
    data = {}
    for name in SMALL["properties"]:
        if draw(st.integers(0, 5)) == 0:
            continue  # column absent
        kind = draw(st.sampled_from(["str", "object", "float", "int", "bool", "category", "Int64"]))
        if kind == "str":
            data[name] = pd.Series(draw(st.lists(st.one_of(_STRINGS, st.none()), min_size=n, max_size=n)), dtype="str")
        elif kind == "object":
            data[name] = pd.Series(draw(st.lists(_SCALARS, min_size=n, max_size=n)), dtype=object)
        elif kind == "float":
            data[name] = pd.Series(draw(st.lists(_NUMBERS, min_size=n, max_size=n)), dtype="float64")
        elif kind == "category":
            data[name] = pd.Series(
                draw(st.lists(st.one_of(_STRINGS, st.none()), min_size=n, max_size=n)), dtype="category"
            )
        elif kind == "Int64":
            data[name] = pd.Series(
                draw(st.lists(st.one_of(st.integers(-2, 12), st.none()), min_size=n, max_size=n)), dtype="Int64"
            )
        elif kind == "int":
            data[name] = pd.Series(draw(st.lists(st.integers(-2, 12), min_size=n, max_size=n)), dtype="int64")
        else:
            data[name] = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    return pd.DataFrame(data, index=range(n))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_random_frames_match_jsonschema(df):
    assert_same_findings(df, SMALL)


# (c) the CDISC pilot ---------------------------------------------------------------------------


def read_pilot(name: str) -> pd.DataFrame:
    df, _ = pyreadstat.read_xport(str(PILOT / f"{name}.xpt"), encoding="cp1252" if name == "ts" else None)
    return df


def scrambled(df: pd.DataFrame) -> pd.DataFrame:
    """Deterministic damage: every 5th cell of a column takes the value of the next column (Char↔Num,
    codelist and ISO 8601 violations, long text), every 7th Char cell is emptied, one Req column dropped."""
    out = df.astype(object)
    cols = list(df.columns)
    for j, col in enumerate(cols):
        rows = np.arange((j % 5), len(df), 5)
        out.loc[out.index[rows], col] = df[cols[(j + 1) % len(cols)]].to_numpy(dtype=object)[rows]
        if df[col].dtype != "float64":
            out.loc[out.index[np.arange(j % 7, len(df), 7)], col] = ""
    return out.drop(columns=[cols[2]])


@pytest.mark.parametrize("name", ["dm", "ae", "ex", "ds", "ta", "ts"])
def test_cdisc_pilot_conforms_and_findings_match_jsonschema(name):
    found = assert_same_findings(read_pilot(name), load_schema(name.upper()))
    assert not found  # the pilot's values fit our SDTMIG 3.4 / CT 2025-03-25 schemas (dates included)


@pytest.mark.parametrize("name", ["dm", "ae", "ex", "ds", "ta", "ts"])
def test_scrambled_cdisc_pilot_findings_match_jsonschema(name):
    found = assert_same_findings(scrambled(read_pilot(name)), load_schema(name.upper()))
    assert {"required", "type", "minLength"} <= {kw for _, _, kw in found}
