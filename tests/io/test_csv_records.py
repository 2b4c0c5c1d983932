"""Raw CSV records counted from the bytes, and what is wrong with them, from literal CSV bytes."""

import pytest

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.io.raw import REASON, read_table
from sdtm_convert.io.records import scan


def _read(tmp_path, data: bytes):
    path = tmp_path / "ae.csv"
    path.write_bytes(data)
    return read_table(path)


def test_records_are_counted_without_the_parser_blank_lines_skipped():
    rec = scan(b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n  \n3,\"x,\"\"y\"\"\"\n4,5")
    assert rec.count == 3
    assert rec.lines.tolist() == [2, 5, 6]
    assert rec.fields.tolist() == [2, 2, 2]
    assert rec.controls == [] and rec.spanning == []


def test_a_quote_inside_an_unquoted_value_is_text():
    rec = scan(b'a,b\n1,5" tall\n3,4\n')
    assert rec.count == 2 and rec.fields.tolist() == [2, 2] and rec.open_quote_line is None


def test_a_quote_not_closed_before_the_next_record_is_fatal_naming_the_line(tmp_path):
    with pytest.raises(SdtmConvertError) as err:
        _read(tmp_path, b'a,b,c\n1,2,3\n4,"5,6\n7,8,9\n10,11,12"\n')
    issue = err.value.issue
    assert (issue.code, issue.file, issue.line) == ("raw-quote-unbalanced", "ae.csv", 3)
    assert "not closed before the next record" in issue.message


def test_a_quote_open_at_the_end_of_the_file_is_fatal_naming_the_line(tmp_path):
    with pytest.raises(SdtmConvertError) as err:
        _read(tmp_path, b'a,b\n1,2\n3,"4\n')
    assert (err.value.issue.code, err.value.issue.line) == ("raw-quote-unbalanced", 3)
    assert "end of the file" in err.value.issue.message


def test_a_repeated_header_is_fatal_naming_the_header(tmp_path):
    with pytest.raises(SdtmConvertError) as err:
        _read(tmp_path, b"SUBJECT,AETERM_V,AETERM_V\n01,Headache,Nausea\n")
    issue = err.value.issue
    assert (issue.code, issue.column) == ("raw-column-duplicate", "AETERM_V")
    assert "columns 2, 3" in issue.message and ".1" not in issue.message


@pytest.mark.parametrize(("data", "row", "column", "char"), [
    (b"a,b\n1,Head\x00ache\n2,x\n", 1, "b", 0),
    (b"a,b\n1,x\n\x1a2,y\n", 2, "a", 0x1A),
    (b"a,b\n1,x\n2,tab\there\n", 2, "b", 9),
    (b'a,b\n1,"two\nlines"\n2,y\n', 1, "b", 10),
    (b'a,b\n1,"lone\rcr"\n2,y\n', 1, "b", 13),
    (b"a,b\n1,x\x7f\n2,y\n", 1, "b", 0x7F),
])
def test_a_control_character_rejects_the_record_naming_row_and_column(tmp_path, data, row, column, char):
    df, issues = _read(tmp_path, data)
    assert len(df) == 2 and df.attrs["records"] == 2
    bad = [i for i in issues if i.code == "raw-control-character"]
    assert [(i.severity, i.file, i.row, i.column, i.extra["char"]) for i in bad] == \
        [("error", "ae.csv", row, column, char)]
    assert "the record is rejected" in bad[0].message
    assert [x.startswith("control character U+") for x in df[REASON]] == [r == row for r in (1, 2)]


def test_an_unquoted_lone_cr_splits_a_record_into_two_rejected_short_rows(tmp_path):
    df, issues = _read(tmp_path, b"a,b,c\n1,x\ry,z\n2,y,z\n")
    assert df.attrs["records"] == 3 and len(df) == 3
    bad = [(i.code, i.row, i.line) for i in issues]
    assert bad == [("raw-record-fields", 1, 2), ("raw-record-fields", 2, 2), ("raw-control-character", 1, 2)]
    assert [bool(r) for r in df[REASON]] == [True, True, False]


def test_a_lone_cr_in_the_last_value_rejects_the_record_it_cut_short(tmp_path):
    """``1,first<CR>second``: the part before the CR has every field, but its value was cut; it is not kept."""
    df, issues = _read(tmp_path, b"a,b\n1,first\rsecond\n2,z\n")
    assert df.attrs["records"] == 3
    assert [(i.code, i.row, i.column) for i in issues] == [("raw-record-fields", 2, None),
                                                            ("raw-control-character", 1, "b")]
    assert "U+000D (CR)" in issues[1].message
    assert [bool(r) for r in df[REASON]] == [True, True, False]


def test_a_file_whose_lines_all_end_at_a_lone_cr_reads_cleanly(tmp_path):
    df, issues = _read(tmp_path, b"a,b\r1,2\r3,4\r")
    assert issues == [] and df[["a", "b"]].values.tolist() == [["1", "2"], ["3", "4"]]


def test_a_long_row_is_an_error_naming_line_and_data_row(tmp_path):
    df, issues = _read(tmp_path, b"a,b\n1,2\n3,4,5\n")
    assert [(i.code, i.row, i.line) for i in issues] == [("raw-record-fields", 2, 3)]
    assert "3 fields, more than the header's 2" in issues[0].message
    assert df[REASON].tolist() == ["", "3 fields, header has 2"]


def test_a_quote_mid_value_and_a_quoted_comma_on_one_line_split_as_pandas_reads_them(tmp_path):
    data = b'a,b,c\n1,5" tall,"x,y"\n2,3,"z ""q"""\n'
    rec = scan(data)
    assert rec.count == 2 and rec.fields.tolist() == [3, 3] and rec.open_quote_line is None
    df, issues = _read(tmp_path, data)
    assert issues == [] and df[["b", "c"]].values.tolist() == [['5" tall', "x,y"], ["3", 'z "q"']]


def test_every_unbalanced_quote_is_named_by_data_row_and_line_up_to_a_cap(tmp_path):
    rows = "".join(f'{i},x,"see next\n{i}1,2,x"\n' for i in range(25))  # each quote closes on the next line
    with pytest.raises(SdtmConvertError) as err:
        _read(tmp_path, ("a,b,c\n" + rows).encode())
    issue = err.value.issue
    assert (issue.code, issue.row, issue.line, issue.extra["count"]) == ("raw-quote-unbalanced", 1, 2, 25)
    assert "quote opened in data row 1 (line 2), data row 2 (line 4), " in issue.message
    assert issue.message.count("data row ") == 20 and "(line 40) and 5 more)" in issue.message


def test_a_csv_the_parser_refuses_names_every_bad_record_by_data_row_and_line():
    from sdtm_convert.io.checks import malformed

    text = "a,b\n" + "".join(f"{i},x\n" if i % 2 else f"{i},x,y\n" for i in range(1, 50))
    issue = malformed("ae.csv", text, 2, "Expected 2 fields in line 3, saw 3").issue
    assert (issue.code, issue.file, issue.row, issue.line, issue.extra["count"]) == ("raw-csv-malformed", "ae.csv",
                                                                                     2, 3, 24)
    assert issue.message.startswith("malformed CSV: 24 record(s) do not have the header's 2 fields, in data row 2 "
                                    "(line 3), data row 4 (line 5), ")
    assert "data row 40 (line 41) and 4 more (parser: Expected 2 fields in line 3, saw 3)" in issue.message
