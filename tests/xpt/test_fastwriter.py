"""The vectorised XPT writer makes files byte-identical to pyreadstat's (same fixed timestamp)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from xpt_helpers import CREATED, meta_for

from sdtm_convert.xpt import fastwriter, read_v5
from sdtm_convert.xpt import writer as writer_module
from sdtm_convert.xpt.frame import prepare_frame
from sdtm_convert.xpt.info import sas_datetime_text

ROOT = Path(__file__).resolve().parents[2]
STAMP = sas_datetime_text(CREATED).encode("ascii")

EDGE_NUMBERS = [
    np.nan,
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.1,
    1 / 3,
    np.pi,
    2.0**53 + 2,
    -1.5,
    123456789.123,
    5e-324,
    1e-300,
    2.0**-1022,
    16.0**-65,
    16.0**-65 / 2,
    2.0**-1040,
    2.0**-1041,
    5.397605346934028e-79,
    1e300,
    -1e300,
    1e75,
    -7.2e75,
    2.0**249,
    2.0**248,
    -(2.0**248) * 1.999,
    np.inf,
    -np.inf,
]
EDGE_TEXT = ["", "a", "x" * 200, " leading blank", "in the middle", "Z" * 17, "", "0", "-", 'line;comma,quote"']


def both(df: pd.DataFrame, tmp_path: Path, **kw) -> tuple[bytes, bytes, str]:
    """The same frame written by pyreadstat and by the fast writer, both stamped with the fixed time."""
    kw = {"table_name": "XX", "file_label": "Edge cases", "column_labels": [f"L {c}" for c in df.columns]} | kw
    slow, fast = tmp_path / "slow.xpt", tmp_path / "fast.xpt"
    pyreadstat.write_xport(df, str(slow), file_format_version=5, **kw)
    engine = fastwriter.write_xport(df, fast, **kw)
    for p in (slow, fast):
        writer_module._stamp(p, STAMP)
    return slow.read_bytes(), fast.read_bytes(), engine


def test_edge_numbers_are_byte_identical(tmp_path):
    values = np.array(EDGE_NUMBERS, dtype=np.float64)
    df = pd.DataFrame({"X": values, "Y": values[::-1].copy()})
    slow, fast, engine = both(df, tmp_path)
    assert engine == "fast"
    assert fast == slow


def test_edge_text_is_byte_identical_object_and_arrow(tmp_path):
    for dtype in (object, "str"):
        df = pd.DataFrame({"C": pd.Series(EDGE_TEXT, dtype=dtype), "N": np.arange(len(EDGE_TEXT), dtype=float)})
        slow, fast, engine = both(df, tmp_path)
        assert engine == "fast"
        assert fast == slow


def test_all_empty_text_and_all_missing_numbers(tmp_path):
    df = pd.DataFrame({"C": [""] * 7, "N": [np.nan] * 7})
    slow, fast, engine = both(df, tmp_path)
    assert (engine, fast) == ("fast", slow)


@pytest.mark.parametrize("rows", [1, 2, 3, 79, 80, 81, 1000])
def test_padding_of_the_last_record(tmp_path, rows):
    df = pd.DataFrame({"C": ["ab"] * rows, "N": np.linspace(-1, 1, rows)})
    slow, fast, _ = both(df, tmp_path)
    assert fast == slow


def test_random_bit_patterns_and_magnitudes(tmp_path):
    rng = np.random.default_rng(20261125)
    bits = rng.integers(0, 2**64 - 1, 20_000, dtype=np.uint64, endpoint=True)
    magnitudes = rng.standard_normal(20_000) * 10.0 ** rng.integers(-90, 90, 20_000)
    df = pd.DataFrame({"B": bits.view(np.float64), "M": magnitudes, "S": [f"{v:.6g}" for v in magnitudes]})
    slow, fast, _ = both(df, tmp_path)
    assert fast == slow


def test_chunks_join_seamlessly(tmp_path, monkeypatch):
    monkeypatch.setattr(fastwriter, "CHUNK_ROWS", 7)
    df = pd.DataFrame({"C": [f"v{i}" for i in range(100)], "N": np.arange(100, dtype=float)})
    slow = tmp_path / "slow.xpt"
    pyreadstat.write_xport(df, str(slow), file_format_version=5, table_name="XX")
    fast = tmp_path / "fast.xpt"
    fastwriter.write_xport(df, fast, table_name="XX", chunk_rows=7)
    for p in (slow, fast):
        writer_module._stamp(p, STAMP)
    assert fast.read_bytes() == slow.read_bytes()


def test_formats_and_labels_come_from_pyreadstat(tmp_path):
    df = pd.DataFrame({"D": [0.0, 22000.0, np.nan], "T": ["a", "b", "c"]})
    slow, fast, _ = both(df, tmp_path, variable_format={"D": "DATE9."}, file_label="x" * 45)
    assert fast == slow


def test_unsupported_frames_fall_back_to_pyreadstat(tmp_path):
    df = pd.DataFrame({"C": ["café", "b"], "N": [1.0, 2.0]})  # non-ASCII text: pyreadstat decides
    slow, fast, engine = both(df, tmp_path)
    assert (engine, fast) == ("pyreadstat", slow)
    empty = pd.DataFrame({"C": pd.Series([], dtype=object), "N": pd.Series([], dtype=float)})
    slow, fast, engine = both(empty, tmp_path)
    assert (engine, fast) == ("pyreadstat", slow)


def test_sample_study_domains_are_byte_identical(tmp_path):
    from sdtm_convert.pipeline import convert

    conv = convert(ROOT / "sample_data" / "nct03745417", ROOT / "mappings" / "nct03745417")
    assert conv.sdtm
    for code, frame in conv.sdtm.items():
        meta = conv.metadata[code]
        data = prepare_frame(frame, meta)
        kw = {
            "table_name": meta.name,
            "file_label": meta.label,
            "column_labels": [v.label for v in meta.variables],
            "variable_format": {v.name: v.display_format for v in meta.variables if v.display_format} or None,
        }
        slow, fast, engine = both(data, tmp_path, **kw)
        assert fast == slow, code
        assert engine == ("fast" if len(data) else "pyreadstat"), code


def test_write_xpt_engines_agree_and_read_back(tmp_path, monkeypatch):
    df = pd.DataFrame({"USUBJID": ["S-1", "S-2", "S-3"], "AESEQ": [1.0, 2.0, np.nan], "AETERM": ["A", "", "C" * 200]})
    files = {}
    for engine in ("pyreadstat", "fast"):
        monkeypatch.setattr(writer_module, "ENGINE", engine)
        folder = tmp_path / engine
        folder.mkdir()
        assert writer_module.write_xpt(df, folder / "ae.xpt", meta_for(df, "AE"), created=CREATED) == []
        files[engine] = (folder / "ae.xpt").read_bytes()
    assert files["fast"] == files["pyreadstat"]
    member = read_v5(tmp_path / "fast" / "ae.xpt")
    assert list(member.columns["AETERM"]) == ["A", "", "C" * 200]
