"""The validator never crashes: corrupted files give one clean error, any frame gives a report."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.validate import validate_package

PILOT = Path(__file__).resolve().parents[1] / "data" / "cdiscpilot01"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_corrupted_package_gives_a_report_or_one_clean_error(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("pkg")
    raw = bytearray((PILOT / "dm.xpt").read_bytes())
    for _ in range(data.draw(st.integers(0, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = raw[: data.draw(st.integers(0, len(raw)))]
    (folder / "dm.xpt").write_bytes(bytes(raw))
    (folder / "ta.xpt").write_bytes((PILOT / "ta.xpt").read_bytes())
    try:
        report = validate_package(folder)
    except SdtmConvertError as exc:
        assert exc.issue.code.startswith("xpt-") or exc.issue.code.startswith("validate-")
        assert exc.issue.file
    else:
        assert report.exit_code in (0, 1)


NAMES = ["STUDYID", "DOMAIN", "USUBJID", "AESEQ", "AETERM", "AEDECOD", "AESTDTC", "AEENDTC", "AESTDY", "AESER",
         "AESEV", "VISITNUM", "VISIT", "EPOCH", "ARMCD", "RFSTDTC", "QSTESTCD", "QSTEST", "QSSTRESN", "QSORRES"]
CELLS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                  st.text(max_size=30), st.sampled_from(["", "Y", "N", "2022-03", "2022-02-30", "2021---15", "DM"]))


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["DM", "AE", "QS", "ADSL", "XX"]), st.lists(st.sampled_from(NAMES), min_size=1, max_size=8,
                                                                   unique=True), st.data())
def test_any_frame_gives_a_report(name, columns, data):
    _report_for_frame(name, columns, data)


@pytest.mark.parametrize("name", ["DM", "SUPPAE"])
@pytest.mark.parametrize("cell", [None, np.nan, "", "  "])
def test_domain_without_a_usable_value_falls_back_to_the_name(name, cell):
    """Found by Hypothesis in CI: a DOMAIN/RDOMAIN holding only a missing value crashed the domain lookup."""
    frame = pd.DataFrame({"STUDYID": ["S1"], "DOMAIN" if name == "DM" else "RDOMAIN": pd.Series([cell], dtype=object)})
    report = validate_package({name: frame}, standard="sdtmig-3.4")
    assert report.exit_code in (0, 1)


def _report_for_frame(name, columns, data):
    n = data.draw(st.integers(0, 6))
    frame = pd.DataFrame({c: pd.Series([data.draw(CELLS) for _ in range(n)], dtype=object) for c in columns})
    numeric = [c for c in columns if data.draw(st.booleans())]
    for c in numeric:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64").replace([np.inf, -np.inf], np.nan)
    report = validate_package({name: frame}, standard="adamig-1.3" if name.startswith("AD") else "sdtmig-3.4")
    assert report.exit_code in (0, 1)
