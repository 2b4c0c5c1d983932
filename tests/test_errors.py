"""An issue's position says what it counts: a spec's "line N", a raw file's "data row N" (line N+1 of a CSV)."""

from sdtm_convert.errors import ERROR, Issue


def test_data_row_and_spec_line_read_differently():
    data = Issue("date-invalid", ERROR, "bad date", file="ae.csv", row=3, column="AESTDAT", value="31 FEB")
    spec = Issue("spec-key-unknown", ERROR, "unknown key 'algorith'", file="dm.yaml", line=7)
    assert data.one_line() == "error: [date-invalid] ae.csv, data row 3, column AESTDAT: bad date (value '31 FEB')"
    assert spec.one_line() == "error: [spec-key-unknown] dm.yaml, line 7: unknown key 'algorith'"


def test_line_is_left_out_of_the_record_when_empty():
    assert "line" not in Issue("x", ERROR, "m", file="ae.csv", row=1).to_dict()
    assert Issue("x", ERROR, "m", file="dm.yaml", line=4).to_dict()["line"] == 4


def test_a_row_without_a_file_is_a_record_of_the_dataset_named():
    found = Issue("SC-CONS-018", ERROR, "--STDTC is after --ENDTC", dataset="SE", variable="SESTDTC", row=3)
    assert found.one_line() == "error: [SC-CONS-018] record 3, SE.SESTDTC: --STDTC is after --ENDTC"
