"""map_from: codes decoded from a codebook of the export; a code missing from it is reported."""

from sdtm_convert.io.raw import RawDataset
from tests.mapping.algorithms._helpers import codes, raw, run

BOOK = raw(FIELD=["GENDER", "GENDER", "RACE"], CODE=["1", "2", "1"], DECODE=["Male", "Female", "White"])


def _datasets():
    return {"codebook": RawDataset(name="codebook", frame=BOOK, files=["x.csv"])}


def test_codes_are_decoded_then_mapped_to_ct():
    f = raw(SEX=["1", "2", "3", ""])
    s, issues = run("assign_ct", f, raw_datasets=_datasets(), column="SEX", codelist="SEX",
                    map_from={"raw": "codebook", "field": "GENDER", "code": "CODE", "decode": "DECODE"})
    assert s.tolist() == ["M", "F", "3", ""]
    assert [c for c in codes(issues) if c[0] == "codebook-code-unknown"] == [("codebook-code-unknown", 3, "SEX", "3")]


def test_field_selects_the_rows_of_the_codebook():
    s, issues = run("assign_no_ct", raw(R=["1"]), raw_datasets=_datasets(), column="R",
                    map_from={"raw": "codebook", "field": "RACE", "code": "CODE", "decode": "DECODE"})
    assert s.tolist() == ["White"] and issues == []
