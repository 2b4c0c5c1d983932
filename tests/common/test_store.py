"""FrameStore: frames between stages as memory-mapped Arrow files, given back exactly and without copies."""

from __future__ import annotations

import gc
import os
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sdtm_convert.common.background import can_fork
from sdtm_convert.common.store import TMPDIR_ENV, FrameStore

TEXT = st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["", " ", "Y", "ÉRYTHÈME", "红斑", "a\x00b"]))
NUMBER = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -0.0, 5e-324, 1.7e308]))


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(0, 30))
    cols: dict[str, pd.Series] = {}
    for i, kind in enumerate(draw(st.lists(st.sampled_from(["str", "float", "int", "bool"]), max_size=5))):
        if kind == "str":
            cols[f"C{i}"] = pd.Series(draw(st.lists(TEXT, min_size=n, max_size=n)), dtype="str")
        elif kind == "float":
            cols[f"C{i}"] = pd.Series(draw(st.lists(NUMBER, min_size=n, max_size=n)), dtype="float64")
        elif kind == "int":
            cols[f"C{i}"] = pd.Series(draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n)),
                                      dtype="int64")
        else:
            cols[f"C{i}"] = pd.Series(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)
    df = pd.DataFrame(cols, index=pd.RangeIndex(n))
    how = draw(st.sampled_from(["range", "slice", "filter"]))
    if how == "slice":  # a RangeIndex that does not start at 0
        df = df.iloc[1::2]
    elif how == "filter":  # an int64 index with gaps
        df = df[np.arange(len(df)) % 3 != 1]
    return df


def _same_bits(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for c in a.columns:
        if a[c].dtype == np.float64:  # NaN payloads, -0.0
            assert a[c].to_numpy().tobytes() == b[c].to_numpy().tobytes()


@given(frames())
def test_what_goes_in_comes_out_exactly(df: pd.DataFrame) -> None:
    store = FrameStore()
    store["X"] = df
    assert store.in_memory() == []
    _same_bits(df, store["X"])


def test_frames_read_back_without_copies() -> None:
    n = 200_000
    df = pd.DataFrame({"USUBJID": pd.Series([f"S-{i % 1000:04d}" for i in range(n)], dtype="str"),
                       "QSSTRESN": np.where(np.arange(n) % 7 == 0, np.nan, np.arange(n, dtype=float))})
    store = FrameStore()
    store["QS"] = df
    before = pa.total_allocated_bytes()
    back = store["QS"]
    assert pa.total_allocated_bytes() == before  # nothing allocated: the columns are the mapped file's bytes
    values = back["QSSTRESN"].to_numpy()
    assert not values.flags.owndata and not values.flags.writeable
    _same_bits(df, back)


def test_other_frames_are_kept_in_memory_as_given() -> None:
    store = FrameStore()
    odd = {
        "object": pd.DataFrame({"A": pd.Series(["x", 1], dtype=object)}),
        "nullable": pd.DataFrame({"A": pd.array([1, None], dtype="Int64")}),
        "duplicate names": pd.DataFrame([[1, 2]], columns=["A", "A"]),
        "number names": pd.DataFrame({0: [1.0]}),
        "named index": pd.DataFrame({"A": [1.0]}, index=pd.Index([5], name="row")),
    }
    for name, df in odd.items():
        store[name] = df
        assert store[name] is df
    assert store.in_memory() == list(odd)


def test_mapping_behaves_like_a_dict() -> None:
    store = FrameStore()
    a, b = pd.DataFrame({"A": [1.0]}), pd.DataFrame({"B": pd.Series(["x"], dtype="str")})
    store["DM"], store["AE"] = a, b
    held = store["DM"]
    store["DM"] = b  # replaced: keeps its place; the frame handed out before still reads the old file
    assert list(store) == ["DM", "AE"] and len(store) == 2 and "AE" in store and "QS" not in store
    _same_bits(held, a)
    _same_bits(store["DM"], b)
    assert store.pop("AE") is not None and list(store) == ["DM"]
    with pytest.raises(KeyError):
        store["AE"]
    with pytest.raises(KeyError):
        del store["AE"]
    assert len(list(store.folder.iterdir())) == 1  # replaced and deleted frames' files are gone
    plain = pickle.loads(pickle.dumps(store))  # noqa: S301 - our own bytes
    assert type(plain) is dict and list(plain) == ["DM"]
    _same_bits(plain["DM"], b)


def test_folder_follows_the_store_and_the_setting(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(TMPDIR_ENV, str(tmp_path))
    store = FrameStore("work")
    store["DM"] = pd.DataFrame({"A": [1.0]})
    folder = store.folder
    assert folder.parent == tmp_path and folder.name.startswith("sdtm-convert-work-")
    kept = store["DM"]
    del store
    gc.collect()
    assert not folder.exists()  # removed with the store ...
    _same_bits(kept, pd.DataFrame({"A": [1.0]}))  # ... and a frame handed out is still readable


@pytest.mark.skipif(not can_fork(), reason="fork is Linux-only here")
def test_a_forked_worker_does_not_remove_the_callers_files(tmp_path) -> None:
    store = FrameStore(folder=tmp_path)
    store["DM"] = pd.DataFrame({"A": [1.0]})
    pid = os.fork()
    if pid == 0:  # the child reads, drops its copy of the store, and exits as a worker does
        code = 0 if store["DM"]["A"].tolist() == [1.0] else 1
        del store
        gc.collect()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert store.folder.is_dir()
    _same_bits(store["DM"], pd.DataFrame({"A": [1.0]}))
