"""The writer: refuses bad frames, names files by the dataset, reruns byte-identically, writes atomically."""

from __future__ import annotations

import os
from datetime import datetime

import pandas as pd
import pyreadstat
import pytest
from xpt_helpers import CREATED, meta_for

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.xpt import read_v5, sas_datetime_text, write_xpt, write_xpt_info
from sdtm_convert.xpt import writer as writer_module

DF = pd.DataFrame({"USUBJID": ["S-1", "S-22"], "AESEQ": [1.0, 2.0], "AETERM": ["HEADACHE", "NAUSEA"]})


def leftovers(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_rerun_with_the_same_created_is_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    write_xpt(DF, first / "ae.xpt", meta_for(DF, "AE"), created=CREATED)
    write_xpt(DF, second / "ae.xpt", meta_for(DF, "AE"), created=CREATED)
    assert (first / "ae.xpt").read_bytes() == (second / "ae.xpt").read_bytes()


def test_created_goes_into_library_and_member_headers(tmp_path):
    write_xpt(DF, tmp_path / "ae.xpt", meta_for(DF, "AE"), created=datetime(2021, 8, 31, 13, 5, 9))
    data = (tmp_path / "ae.xpt").read_bytes()
    assert data.count(b"31AUG21:13:05:09") == 4
    info = read_v5(tmp_path / "ae.xpt").info
    assert info.created == info.modified == "31AUG21:13:05:09"


def test_sas_datetime_text():
    assert sas_datetime_text(datetime(2026, 1, 2, 3, 4, 5)) == "02JAN26:03:04:05"


def test_written_records_and_lengths_are_returned_and_meta_is_left_as_it_was(tmp_path):
    meta = meta_for(DF, "AE")
    issues, info = write_xpt_info(DF, tmp_path / "ae.xpt", meta, created=CREATED)
    assert issues == [] and info is not None
    assert info.records == 2
    assert [(v.name, v.length) for v in info.variables] == [("USUBJID", 4), ("AESEQ", 8), ("AETERM", 8)]
    assert meta == meta_for(DF, "AE")  # lengths stay 0, records 0: the caller decides what to declare


@pytest.mark.parametrize("name", ["AE.xpt", "ae.XPT", "dm.xpt", "ae"])
def test_file_name_must_be_lower_dataset_name(tmp_path, name):
    issues = write_xpt(DF, tmp_path / name, meta_for(DF, "AE"), created=CREATED)
    assert [i.code for i in issues] == ["xpt-file-name"]
    assert list(tmp_path.iterdir()) == []


def test_failed_checks_write_nothing(tmp_path):
    bad = DF.assign(AETERM=["HEADACHE", "x" * 201])
    issues = write_xpt(bad, tmp_path / "ae.xpt", meta_for(bad, "AE"), created=CREATED)
    assert [i.code for i in issues] == ["xpt-value-too-long"]
    assert list(tmp_path.iterdir()) == []


def test_a_failure_mid_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "ae.xpt"
    write_xpt(DF, target, meta_for(DF, "AE"), created=CREATED)
    before = target.read_bytes()
    real = pyreadstat.write_xport

    def half_write(df, path, **kw):
        real(df, path, **kw)
        with open(path, "r+b") as fh:  # a half-written temp file, then the crash
            fh.truncate(os.path.getsize(path) // 2)
        raise pyreadstat.ReadstatError("disk full (simulated)")

    monkeypatch.setattr(writer_module.pyreadstat, "write_xport", half_write)
    changed = DF.assign(AETERM=["MIGRAINE", "VOMITING"])
    with pytest.raises(SdtmConvertError) as err:
        write_xpt(changed, target, meta_for(changed, "AE"), created=CREATED)
    assert err.value.issue.code == "xpt-write-failed"
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_an_interrupt_also_removes_the_temp_file(tmp_path, monkeypatch):
    def interrupted(df, path, **kw):
        open(path, "wb").write(b"HEADER")
        raise KeyboardInterrupt

    monkeypatch.setattr(writer_module.pyreadstat, "write_xport", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_xpt(DF, tmp_path / "ae.xpt", meta_for(DF, "AE"), created=CREATED)
    assert list(tmp_path.iterdir()) == []


def test_written_file_respects_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        write_xpt(DF, tmp_path / "ae.xpt", meta_for(DF, "AE"), created=CREATED)
    finally:
        os.umask(old)
    assert (tmp_path / "ae.xpt").stat().st_mode & 0o777 == 0o644
