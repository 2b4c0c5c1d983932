"""The Dataset-JSON writer: a .json file, or NDJSON above NDJSON_ROWS rows, either read back whole."""

from __future__ import annotations

import json

import pandas as pd

from sdtm_convert.metadata import DatasetMeta, VariableMeta
from sdtm_convert.package.writers import WRITERS
from sdtm_convert.package.writers import json as json_writer
from sdtm_convert.spec.study import StudyConfig

STUDY = StudyConfig("S1", "Title", "Sponsor", "2025-09-26", "2026-01-01T00:00:00")
META = DatasetMeta("VS", "Vital Signs", "FINDINGS", "One record per measurement", ["USUBJID", "VSSEQ"], [
    VariableMeta("USUBJID", "Unique Subject Identifier", "Char", 6),
    VariableMeta("VSSEQ", "Sequence Number", "Num", 8, data_type="integer"),
])
FRAME = pd.DataFrame({"USUBJID": ["S1-001", "S1-001", "S1-002"], "VSSEQ": [1.0, 2.0, 1.0]})


def test_up_to_ndjson_rows_a_dataset_is_one_json_document(tmp_path, monkeypatch):
    monkeypatch.setattr(json_writer, "NDJSON_ROWS", 3)
    written = WRITERS["json"].write(FRAME, META, tmp_path, STUDY)
    assert [p.name for p in written.files] == ["vs.json"]
    doc = json.loads(written.files[0].read_text(encoding="utf-8"))
    assert (doc["records"], doc["rows"]) == (3, [["S1-001", 1], ["S1-001", 2], ["S1-002", 1]])


def test_above_ndjson_rows_a_dataset_is_ndjson_and_reads_back_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(json_writer, "NDJSON_ROWS", 2)
    written = WRITERS["json"].write(FRAME, META, tmp_path, STUDY)
    assert [p.name for p in written.files] == ["vs.ndjson"]
    lines = written.files[0].read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ['["S1-001",1]', '["S1-001",2]', '["S1-002",1]']
    assert WRITERS["json"].read is not None
    pd.testing.assert_frame_equal(WRITERS["json"].read(written.files[0]), FRAME)
