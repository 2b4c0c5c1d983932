"""SAS numeric dates/datetimes/times ⇄ ISO 8601 text (Dataset-JSON targetDataType integer): exact both ways."""

from __future__ import annotations

import json

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sdtm_convert.metadata import DatasetMeta, VariableMeta
from sdtm_convert.package._sasdates import from_iso, to_iso
from sdtm_convert.package.datasetjson import read_dataset_json, write_dataset_json

DAYS = st.integers(min_value=-200_000, max_value=2_900_000)  # years 1412..9900
SECONDS = st.integers(min_value=0, max_value=86_399)


def test_known_values():
    assert to_iso(0, "date") == "1960-01-01" and to_iso(22524, "date") == "2021-09-01"
    assert to_iso(-1, "date") == "1959-12-31"
    assert to_iso(86400 * 22524 + 3723, "datetime") == "2021-09-01T01:02:03"
    assert to_iso(45296.25, "time") == "12:34:56.25"
    assert from_iso("2021-09-01T01:02:03Z", "datetime") == 86400 * 22524 + 3723
    assert from_iso("2021-09-01T01:02:03+02:00", "datetime") == 86400 * 22524 + 3723


@settings(deadline=None)
@given(DAYS)
def test_dates_round_trip(days):
    assert from_iso(to_iso(float(days), "date"), "date") == days


@settings(deadline=None)
@given(DAYS, SECONDS)
def test_datetimes_round_trip(days, seconds):
    value = float(days * 86400 + seconds)
    assert from_iso(to_iso(value, "datetime"), "datetime") == value


@settings(deadline=None)
@given(SECONDS, st.sampled_from([0.0, 0.5, 0.25, 0.125]))
def test_times_round_trip(seconds, frac):
    assert from_iso(to_iso(seconds + frac, "time"), "time") == seconds + frac


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=False, width=64), min_size=1, max_size=20))
def test_dataset_json_keeps_every_double_exactly(tmp_path_factory, values):
    meta = DatasetMeta("X", "X", "FINDINGS", "x", [], [VariableMeta("V", "Value", "Num", 8, data_type="float")])
    df = pd.DataFrame({"V": values}, dtype="float64")
    path = write_dataset_json(
        df,
        meta,
        tmp_path_factory.mktemp("dj") / "x.json",
        created="2026-11-25T00:00:00",
        study_oid="S",
        metadata_version_oid="M",
    )
    json.loads(path.read_text())  # strict JSON (no NaN tokens)
    back, _ = read_dataset_json(path)
    pd.testing.assert_frame_equal(back, df, check_exact=True)
