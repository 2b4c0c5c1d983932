"""Raw CSV files in UTF-16 and UTF-32: read when recognised (by byte-order mark or NUL pattern), refused with one
line naming the encoding when raw.yaml/--encoding says otherwise; a file with stray NULs is not taken for one."""

import pytest

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.io.encoding import sniff_wide
from sdtm_convert.io.raw import read_table

TEXT = "SUBJECT,SEX,AETERM_V\n01-001,F,Céphalée\n01-002,M,Headache\n"


@pytest.mark.parametrize(("codec", "name", "severity", "read_as"), [
    ("utf-16", "UTF-16 LE with a byte-order mark", "info", "utf-16"),
    ("utf-32", "UTF-32 LE with a byte-order mark", "info", "utf-32"),
    ("utf-16-le", "UTF-16 LE without a byte-order mark", "warning", "utf-16-le"),
    ("utf-16-be", "UTF-16 BE without a byte-order mark", "warning", "utf-16-be"),
    ("utf-32-le", "UTF-32 LE without a byte-order mark", "warning", "utf-32-le"),
    ("utf-32-be", "UTF-32 BE without a byte-order mark", "warning", "utf-32-be"),
])
def test_a_utf16_or_utf32_file_is_read_and_its_encoding_named(tmp_path, codec, name, severity, read_as):
    path = tmp_path / "dm.csv"
    path.write_bytes(TEXT.encode(codec))
    df, issues = read_table(path)
    assert list(df.columns[:3]) == ["SUBJECT", "SEX", "AETERM_V"]
    assert df["AETERM_V"].tolist() == ["Céphalée", "Headache"] and df.attrs["records"] == 2
    (issue,) = issues
    assert (issue.code, issue.severity, issue.file) == ("raw-encoding-detected", severity, "dm.csv")
    assert issue.message.startswith(f"file is {name}; read as {read_as} ")


def test_a_utf16_file_with_a_byte_order_mark_and_big_endian_units_is_read(tmp_path):
    path = tmp_path / "dm.csv"
    path.write_bytes(b"\xfe\xff" + TEXT.encode("utf-16-be"))
    df, (issue,) = read_table(path)
    assert len(df) == 2 and "UTF-16 BE with a byte-order mark" in issue.message


@pytest.mark.parametrize("given", ["utf-8", "cp1252"])
def test_a_utf16_file_with_another_encoding_set_is_one_error_naming_the_fix(tmp_path, given):
    path = tmp_path / "dm.csv"
    path.write_bytes(TEXT.encode("utf-16"))
    with pytest.raises(SdtmConvertError) as err:
        read_table(path, encoding=given)
    issue = err.value.issue
    assert (issue.code, issue.file) == ("raw-encoding", "dm.csv")
    assert issue.message == (f"the file is UTF-16 LE with a byte-order mark but its encoding is set to {given}; "
                             "set encoding: utf-16 in raw.yaml (or --encoding utf-16), or re-export the file as UTF-8")


def test_an_explicit_utf16_encoding_reads_the_file_without_a_message(tmp_path):
    path = tmp_path / "dm.csv"
    path.write_bytes(TEXT.encode("utf-16"))
    df, issues = read_table(path, encoding="utf-16")
    assert (len(df), issues) == (2, [])


@pytest.mark.parametrize("data", [
    b"SUBJECT,SEX\n01-001,F\x00\n01-002,\x00M\n",  # stray NULs in values
    b"\x00" * 2048,  # nothing but NULs
    b"S\x00U\x00B\x00,\x00\n\x00" + b"\x00\xd8" * 4,  # the NUL pattern, but not valid UTF-16 (lone surrogates)
])
def test_a_file_with_nul_bytes_that_is_not_utf16_is_not_taken_for_it(data):
    assert sniff_wide(data) is None


def test_stray_nuls_stay_control_character_errors(tmp_path):
    path = tmp_path / "dm.csv"
    path.write_bytes(b"SUBJECT,SEX\n01-001,F\x00\n01-002,M\n")
    df, issues = read_table(path)
    assert [(i.code, i.row, i.column) for i in issues] == [("raw-control-character", 1, "SEX")]


def test_a_utf16_file_with_a_bad_unit_further_on_is_named_as_utf16_not_read_as_utf8(tmp_path):
    path = tmp_path / "dm.csv"
    path.write_bytes(TEXT.encode("utf-16-le") * 40 + b"\x00\xd8A\x00")  # a lone surrogate after the first KiB
    with pytest.raises(SdtmConvertError) as err:
        read_table(path)
    issue = err.value.issue
    assert (issue.code, issue.file) == ("raw-encoding", "dm.csv")
    assert issue.message.startswith("the file looks UTF-16 LE without a byte-order mark but does not decode as "
                                    "utf-16-le: ")
    assert issue.message.endswith("; re-export it as UTF-8")
