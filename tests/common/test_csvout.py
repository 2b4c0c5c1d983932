"""The Arrow-assembled CSV writer gives exactly what pandas' to_csv writes (the lineage reports use it)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdtm_convert.common.csvout import write_csv

# without a bare carriage return: pandas leaves it unquoted (with lineterminator "\n"), we quote it (see below)
TEXT = st.one_of(st.none(), st.text(st.characters(blacklist_characters="\r"), max_size=12),
                 st.sampled_from(["", ",", '"', 'a "b"', "x\ny", " lead", "ü€"]))


def _pandas(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


@settings(max_examples=60)
@given(st.lists(st.tuples(TEXT, TEXT, st.integers(-10**9, 10**9)), max_size=30), st.integers(1, 7))
def test_same_text_as_pandas(tmp_path_factory, rows, chunk):
    df = pd.DataFrame({"a,b": pd.Series([r[0] for r in rows], dtype=object),
                       "USUBJID": pd.Series([r[1] for r in rows], dtype="str"),
                       "record": np.array([r[2] for r in rows], dtype="int64")})
    path = tmp_path_factory.mktemp("csv") / "out.csv"
    write_csv(path, df, chunk_rows=chunk)
    assert path.read_bytes() == _pandas(df).encode("utf-8")


def test_lineage_shaped_frame(tmp_path):
    n = 1234
    df = pd.DataFrame({"dataset": "QS", "record": np.arange(1, n + 1), "USUBJID": [f"S-{i % 17}" for i in range(n)],
                       "raw_file": "pasi.csv", "derived_from_rows": ["1;2;3" if i % 3 else "" for i in range(n)]})
    write_csv(tmp_path / "l.csv", df, chunk_rows=500)
    assert (tmp_path / "l.csv").read_text(encoding="utf-8") == _pandas(df)


def test_other_column_types(tmp_path):
    df = pd.DataFrame({"flag": [True, False], "n": pd.array([1, None], dtype="Int64"), "o": [3, "a,b"]})
    write_csv(tmp_path / "o.csv", df)
    assert (tmp_path / "o.csv").read_text(encoding="utf-8") == _pandas(df)


def test_chunked_arrow_columns(tmp_path):
    text = pd.concat([pd.Series(["a", "b,c"], dtype="str"), pd.Series(["d", None], dtype="str")], ignore_index=True)
    df = pd.DataFrame({"t": text, "n": [1, 2, 3, 4]})
    write_csv(tmp_path / "c.csv", df)
    assert (tmp_path / "c.csv").read_text(encoding="utf-8") == _pandas(df)


def test_float_columns_are_refused(tmp_path):
    with pytest.raises(TypeError, match="float"):
        write_csv(tmp_path / "f.csv", pd.DataFrame({"a": [1.0], "b": ["x"]}))


def test_carriage_return_is_quoted_and_reads_back(tmp_path):
    df = pd.DataFrame({"a": ["x\ry", "z"], "b": ["1", "2"]})
    write_csv(tmp_path / "r.csv", df)
    assert (tmp_path / "r.csv").read_bytes() == b'a,b\n"x\ry",1\nz,2\n'
    back = pd.read_csv(tmp_path / "r.csv", dtype=str, keep_default_na=False)
    assert back["a"].tolist() == ["x\ry", "z"]
