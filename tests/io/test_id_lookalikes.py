"""Id values holding a Cyrillic or Greek letter that looks like a Latin one are errors naming file, data row,
column, the position and the Unicode name of the letter; the record is rejected."""

import pandas as pd

from sdtm_convert.io.raw import frame_raw_dataset, read_raw_dataset

SPEC = {"files": ["ae.csv"], "columns": ["SUBJECT", "AENO", "AETERM_V"], "keys": ["SUBJECT", "AENO"],
        "subject": "SUBJECT"}
ROWS = ("SUBJECT,AENO,AETERM_V\n"
        "02-001,1,Headache\n"
        "02-0\u041e1,2,Nausea\n"  # Cyrillic capital O
        "02-001,\u039112,Rash\n"  # Greek capital alpha
        "\u0418\u0432\u0430\u043d,\u0399,Fever\n"  # wholly Cyrillic / Greek: not mixed, passes
        "02-001,3,\u041e in free text is not an id\n")


def test_a_cyrillic_or_greek_letter_in_an_id_is_an_error_naming_position_and_unicode_name(tmp_path):
    (tmp_path / "ae.csv").write_text(ROWS, encoding="utf-8")
    ds, issues = read_raw_dataset(tmp_path, "ae", SPEC)
    assert [(i.code, i.file, i.row, i.column, i.value) for i in issues] == [
        ("raw-id-lookalike", "ae.csv", 2, "SUBJECT", "02-0\u041e1"),
        ("raw-id-lookalike", "ae.csv", 3, "AENO", "\u039112")]
    assert issues[0].one_line() == (
        "error: [raw-id-lookalike] ae.csv, data row 2, column SUBJECT: the id mixes scripts: U+041E CYRILLIC "
        "CAPITAL LETTER O at position 5 (a letter of another script that looks like a Latin one); the record is "
        "rejected (in no output, listed under rejects); retype it in Latin letters (value '02-0\u041e1')")
    assert "U+0391 GREEK CAPITAL LETTER ALPHA at position 1" in issues[1].message
    assert ds.frame["AENO"].tolist() == ["1", "\u0399", "3"]
    assert ds.rejected["__reason"].tolist() == ["look-alike letter in SUBJECT", "look-alike letter in AENO"]


def test_a_frame_is_checked_like_a_file():
    frame = pd.DataFrame({"SUBJECT": ["02-001", "02-00\u0399"], "AENO": ["1", "1"], "AETERM_V": ["a", "b"]})
    ds, issues = frame_raw_dataset("ae", frame, SPEC)
    assert [(i.code, i.file, i.row, i.column) for i in issues] == [
        ("raw-id-lookalike", "ae (DataFrame)", 2, "SUBJECT")]
    assert "U+0399 GREEK CAPITAL LETTER IOTA at position 6" in issues[0].message and len(ds.frame) == 1
