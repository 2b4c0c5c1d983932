"""The XPT writer descriptor: the lengths it wrote come back (meta untouched); a check error writes no file."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.metadata import DatasetMeta, VariableMeta
from sdtm_convert.package.writers import WRITERS
from sdtm_convert.spec.study import StudyConfig

STUDY = StudyConfig("S1", "Title", "Sponsor", "2025-09-26", "2026-01-01T00:00:00")


def meta() -> DatasetMeta:
    return DatasetMeta("CO", "Comments", "SPECIAL PURPOSE", "One record per comment", ["USUBJID", "COSEQ"], [
        VariableMeta("USUBJID", "Unique Subject Identifier", "Char", 200),
        VariableMeta("COSEQ", "Sequence Number", "Num", 8, data_type="integer"),
        VariableMeta("COVAL", "Comment", "Char", 200),
    ])


def test_the_lengths_written_come_back_and_meta_keeps_its_own(tmp_path):
    frame = pd.DataFrame({"USUBJID": ["S1-001", "S1-0002"], "COSEQ": [1.0, 2.0], "COVAL": ["ok", "not done"]})
    given = meta()
    written = WRITERS["xpt"].write(frame, given, tmp_path, STUDY)
    assert [p.name for p in written.files] == ["co.xpt"] and written.issues == ()
    assert dict(written.lengths) == {"USUBJID": 7, "COSEQ": 8, "COVAL": 8}
    assert [v.length for v in given.variables] == [200, 8, 200]


def test_a_value_over_200_bytes_writes_no_file_and_declares_no_length(tmp_path):
    frame = pd.DataFrame({"USUBJID": ["S1-001"], "COSEQ": [1.0], "COVAL": ["x" * 201]})
    written = WRITERS["xpt"].write(frame, meta(), tmp_path, STUDY)
    assert (written.files, dict(written.lengths)) == ((), {})
    assert "xpt-value-too-long" in [i.code for i in written.issues]
    assert list(tmp_path.iterdir()) == []
