"""Write → read with pyreadstat and with the independent v5 parser; both must give back the frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xpt_helpers import CREATED, assert_same_values, meta_for, normalise, read_both

from sdtm_convert.xpt import read_v5, read_xpt, write_xpt, write_xpt_info
from sdtm_convert.xpt.checks import NUM_LIMIT
from sdtm_convert.xpt.ibm import IBM_MIN


def write_and_read(tmp_path, df, name="XX", **kw):
    meta = meta_for(df, name, **kw)
    issues, info = write_xpt_info(df, tmp_path / f"{name.lower()}.xpt", meta, created=CREATED)
    assert not [i for i in issues if i.severity == "error"], issues
    via_pyreadstat, via_v5 = read_both(tmp_path / f"{name.lower()}.xpt")
    return info, issues, via_pyreadstat, via_v5


def test_special_numbers_and_strings_round_trip_through_both_readers(tmp_path):
    df = pd.DataFrame(
        {
            "NUM": [
                np.nan,
                0.0,
                -0.0,
                1e74,
                -1e74,
                np.nextafter(2.0**249, 0),
                -3.25,
                0.1,
                1 / 3,
                np.pi,
                2.0**53 + 2,
                5.4e-79,
            ],
            "INT": np.arange(-6, 6, dtype=np.int64),
            "TXT": ["", "a", "x" * 200, " lead", "", "MiXeD case", "tab\tin", "q'uote\"", "", "-", "z", ""],
        }
    )
    info, _, got, oracle = write_and_read(tmp_path, df)
    expected = normalise(df)
    assert_same_values(got, expected)
    assert_same_values(oracle, expected)
    assert [v.length for v in info.variables] == [8, 8, 200]
    assert info.records == 12


def test_negative_zero_comes_back_as_zero_and_tiny_numbers_underflow_with_a_warning(tmp_path):
    df = pd.DataFrame({"NUM": [-0.0, 1e-300, -1e-300, IBM_MIN]})
    _, issues, got, oracle = write_and_read(tmp_path, df)
    assert [i.code for i in issues] == ["xpt-number-underflow", "xpt-number-underflow"]
    for frame in (got, oracle):
        assert frame["NUM"].tolist() == [0.0, 0.0, 0.0, IBM_MIN]
        assert not np.signbit(frame["NUM"].to_numpy()[0])  # pyreadstat writes -0.0 as +0.0


def test_many_rows(tmp_path):
    n = 20_000
    rng = np.random.default_rng(7)
    df = pd.DataFrame(
        {
            "USUBJID": [f"S-{i:05d}" for i in range(n)],
            "QSSEQ": np.arange(1, n + 1, dtype=np.float64),
            "QSSTRESN": np.where(rng.random(n) < 0.1, np.nan, rng.normal(0, 1e6, n)),
            "QSORRES": rng.choice(np.array(["", "MILD", "SEVERE", "3"], dtype=object), n),
        }
    )
    _, _, got, oracle = write_and_read(tmp_path, df, "QS")
    assert_same_values(got, normalise(df))
    assert_same_values(oracle, normalise(df))


def test_one_row(tmp_path):
    df = pd.DataFrame({"A": ["only"], "N": [42.0]})
    _, _, got, oracle = write_and_read(tmp_path, df)
    assert_same_values(got, normalise(df))
    assert_same_values(oracle, normalise(df))


def test_zero_rows_keep_variables_with_length_one(tmp_path):
    df = pd.DataFrame({"A": pd.Series([], dtype=object), "N": pd.Series([], dtype=np.float64)})
    info, _, got, oracle = write_and_read(tmp_path, df)
    assert list(got.columns) == list(oracle.columns) == ["A", "N"]
    assert len(got) == len(oracle) == 0
    assert [v.length for v in info.variables] == [1, 8]
    assert info.records == 0


def test_character_length_is_longest_value_in_bytes_and_labels_formats_are_written(tmp_path):
    df = pd.DataFrame({"SHORT": ["a", "abc", ""], "EMPTY": ["", "", ""], "ADT": [0.0, 22000.0, np.nan]})
    info, _, _, _ = write_and_read(tmp_path, df, "ADXX", formats={"ADT": "DATE9."})
    assert [v.length for v in info.variables] == [3, 1, 8]
    for info in (read_xpt(tmp_path / "adxx.xpt")[1], read_v5(tmp_path / "adxx.xpt").info):
        assert info.name == "ADXX" and info.label == "Dataset ADXX"
        assert [(v.name, v.label, v.type, v.length, v.format) for v in info.variables] == [
            ("SHORT", "Label of SHORT", "Char", 3, None),
            ("EMPTY", "Label of EMPTY", "Char", 1, None),
            ("ADT", "Label of ADT", "Num", 8, "DATE9."),
        ]


def test_sas_dates_stay_numbers_when_read(tmp_path):
    df = pd.DataFrame({"ADT": [0.0, 22000.0]})
    write_and_read(tmp_path, df, "ADXX", formats={"ADT": "DATE9."})
    got, _ = read_xpt(tmp_path / "adxx.xpt")
    assert got["ADT"].tolist() == [0.0, 22000.0]


def test_provenance_columns_are_not_written_and_missing_text_is_blank(tmp_path):
    df = pd.DataFrame(
        {"A": ["x", None, "y"], "N": [1.0, 2.0, 3.0], "__src_file": ["a.csv"] * 3, "__src_row": [1, 2, 3]}
    )
    _, _, got, oracle = write_and_read(tmp_path, df)
    expected = pd.DataFrame({"A": ["x", "", "y"], "N": [1.0, 2.0, 3.0]})
    assert_same_values(got, normalise(expected))
    assert_same_values(oracle, normalise(expected))


def test_index_labels_and_column_order_of_the_frame_do_not_matter(tmp_path):
    df = pd.DataFrame({"N": [3.0, 1.0, 2.0], "C": ["c", "a", "b"]}, index=[10, 5, 7])
    meta = meta_for(df)
    meta.variables.reverse()  # metadata order wins: C, N
    write_xpt(df, tmp_path / "xx.xpt", meta, created=CREATED)
    got, oracle = read_both(tmp_path / "xx.xpt")
    expected = normalise(df[["C", "N"]].reset_index(drop=True))
    assert_same_values(got, expected)
    assert_same_values(oracle, expected)


ascii_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200)
ibm_numbers = st.one_of(
    st.just(0.0),
    st.just(float("nan")),
    st.floats(min_value=IBM_MIN, max_value=NUM_LIMIT, exclude_max=True),
    st.floats(min_value=-NUM_LIMIT, max_value=-IBM_MIN, exclude_min=True),
    st.integers(min_value=-(2**53), max_value=2**53).map(float),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(ibm_numbers, ascii_text), max_size=30))
def test_round_trip_property(tmp_path, rows):
    df = pd.DataFrame({"N": [r[0] for r in rows], "C": [r[1] for r in rows]}).astype({"N": np.float64, "C": object})
    _, _, got, oracle = write_and_read(tmp_path, df)
    expected = normalise(df.assign(C=df["C"].str.rstrip(" ")))  # XPT keeps no trailing blanks
    assert_same_values(got, expected)
    assert_same_values(oracle, expected)


def test_display_formats_read_back_the_same_through_both_readers(tmp_path):
    df = pd.DataFrame({"C": ["a"], "N": [1.5], "T": [3600.0], "D": [22000.0]})
    formats = {"C": "$CHAR20.", "N": "8.2", "T": "TIME8.", "D": "DATE9."}
    write_and_read(tmp_path, df, formats=formats)
    for info in (read_xpt(tmp_path / "xx.xpt")[1], read_v5(tmp_path / "xx.xpt").info):
        assert {v.name: v.format for v in info.variables} == formats
