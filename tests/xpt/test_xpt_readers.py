"""Both readers on the CDISC pilot files (external truth), on bad files, and the IBM decoding itself."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xpt_helpers import CREATED, PILOT, assert_same_values, meta_for, read_both

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.xpt import read_v5, read_v5_members, read_xpt, write_xpt
from sdtm_convert.xpt.ibm import IBM_MAX, ibm_to_ieee


@pytest.mark.parametrize(("name", "records", "nvars"), [("ta", 11, 10), ("ts", 48, 10), ("dm", 306, 25)])
def test_pilot_files_read_the_same_through_both_readers(name, records, nvars):
    path = PILOT / f"{name}.xpt"
    via_pyreadstat, via_v5 = read_both(path)
    assert via_pyreadstat.shape == (records, nvars)
    assert_same_values(via_v5, via_pyreadstat)
    _, info = read_xpt(path)
    oracle = read_v5(path).info
    assert (info.name, info.label, info.records, info.created) == (
        oracle.name,
        oracle.label,
        oracle.records,
        oracle.created,
    )
    assert info.variables == oracle.variables


def test_pilot_dm_values_spot_checked():
    df, info = read_xpt(PILOT / "dm.xpt")
    assert info.name == "DM" and info.variable("AGE").type == "Num"
    assert info.variable("USUBJID").length == 11
    first = df.iloc[0]
    assert (first["USUBJID"], first["AGE"], first["SEX"]) == ("01-701-1015", 63.0, "F")


def test_pilot_ts_needs_windows_1252_and_says_so():
    df, info = read_xpt(PILOT / "ts.xpt")
    assert info.encoding == "cp1252"
    assert [i.code for i in info.issues] == ["xpt-encoding-fallback"]
    assert df["TSVAL"].str.contains("Alzheimer\u2019s").any()
    assert read_v5(PILOT / "ts.xpt").info.encoding == "cp1252"
    with pytest.raises(SdtmConvertError) as err:
        read_xpt(PILOT / "ts.xpt", encoding="utf-8")
    assert err.value.issue.code == "xpt-unreadable"


@pytest.mark.parametrize("cut", [0, 100, 700, 3000, 79243])
def test_truncated_file_is_an_issue_naming_the_file(tmp_path, cut):
    data = (PILOT / "dm.xpt").read_bytes()
    bad = tmp_path / "dm.xpt"
    bad.write_bytes(data[:cut])
    for read, code in ((read_xpt, "xpt-unreadable"), (read_v5, "xpt-corrupt")):
        with pytest.raises(SdtmConvertError) as err:
            read(bad)
        assert err.value.issue.code == code
        assert err.value.issue.file == str(bad)


def test_not_an_xpt_file(tmp_path):
    bad = tmp_path / "x.xpt"
    bad.write_bytes(b"hello world!" * 80)
    for read, code in ((read_xpt, "xpt-unreadable"), (read_v5, "xpt-corrupt")):
        with pytest.raises(SdtmConvertError) as err:
            read(bad)
        assert err.value.issue.code == code
    with pytest.raises(SdtmConvertError) as err:
        read_xpt(tmp_path / "missing.xpt")
    assert err.value.issue.code == "xpt-unreadable"


def test_v8_transport_is_refused_by_the_v5_parser(tmp_path):
    path = tmp_path / "t.xpt"
    pyreadstat.write_xport(pd.DataFrame({"A": [1.0]}), str(path), table_name="T", file_format_version=8)
    with pytest.raises(SdtmConvertError, match="V8"):
        read_v5(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_files_give_a_clean_error_or_a_frame(tmp_path, data):
    raw = bytearray((PILOT / "ta.xpt").read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(0, len(raw)))]
    try:
        read_v5_members(bytes_file(tmp_path, raw))
    except SdtmConvertError as e:
        assert e.issue.code in ("xpt-corrupt", "xpt-encoding")


def bytes_file(tmp_path, raw):
    path = tmp_path / "ta.xpt"
    path.write_bytes(bytes(raw))
    return path


def test_ibm_decoding_of_known_values():
    hexes = ["4110000000000000", "C276A00000000000", "0000000000000000", "8000000000000000", "7FFFFFFFFFFFFFFF",
             "0010000000000000", "2E00000000000000", "4100000000000000", "5A00000000000000", "5F00000000000000"]  # fmt: skip
    raw = np.frombuffer(bytes.fromhex("".join(hexes)), dtype=np.uint8).reshape(-1, 8)
    values, codes = ibm_to_ieee(raw)
    assert values[:6].tolist() == [1.0, -118.625, 0.0, -0.0, IBM_MAX, 16.0**-65]
    assert np.isnan(values[6:]).all()
    assert codes.tolist() == ["", "", "", "", "", "", ".", "A", "Z", "_"]


def test_special_missing_values_are_kept_by_the_v5_parser(tmp_path):
    df = pd.DataFrame({"N": [1.0, np.nan, np.nan, 2.0]})
    write_xpt(df, tmp_path / "xx.xpt", meta_for(df), created=CREATED)
    data = bytearray((tmp_path / "xx.xpt").read_bytes())
    obs = data.index(b"HEADER RECORD*******OBS     HEADER RECORD") + 80
    data[obs + 8 : obs + 9] = b"A"  # second observation: . → .A
    (tmp_path / "xx.xpt").write_bytes(bytes(data))
    member = read_v5(tmp_path / "xx.xpt")
    assert member.missing["N"].tolist() == ["", "A", ".", ""]
    assert read_xpt(tmp_path / "xx.xpt")[0]["N"].isna().tolist() == [False, True, True, False]


def test_short_numeric_lengths_are_widened(tmp_path):
    src = PILOT / "ta.xpt"
    assert read_v5(src).info.variable("TAETORD").length == 8
    shutil.copy(src, tmp_path / "ta.xpt")  # still readable from a copy
    assert read_v5(tmp_path / "ta.xpt").columns["TAETORD"].tolist()[:3] == [1.0, 2.0, 3.0]


def test_trailing_blank_records_with_short_records_are_padding_to_both_readers(tmp_path):
    path = tmp_path / "t.xpt"
    pyreadstat.write_xport(
        pd.DataFrame({"C": ["a", "", "b", "", ""]}), str(path), table_name="T", file_format_version=5
    )
    assert read_v5(path).columns["C"].tolist() == ["a", "", "b"]
    assert read_xpt(path)[0]["C"].tolist() == ["a", "", "b"]


def test_trailing_blank_records_with_long_records_are_kept_by_both_readers(tmp_path):
    """Observations of 80+ bytes leave no doubt about the count, and both readers keep every record.

    ``read_xpt`` relies on pyreadstat here: 1.3.7 dropped trailing all-blank records, which is why
    ``pyproject.toml`` admits pyreadstat 1.3.8 and later only. Short (< 80-byte) records stay ambiguous
    (previous test), which is why the writer still refuses an all-blank last record (``xpt-blank-last-record``).
    """
    path = tmp_path / "t.xpt"
    pyreadstat.write_xport(pd.DataFrame({"C": ["a" * 100, "", ""]}), str(path), table_name="T", file_format_version=5)
    assert read_v5(path).info.records == 3
    df, info = read_xpt(path)
    assert info.records == 3
    assert df["C"].tolist() == ["a" * 100, "", ""]
