"""Malformed raw CSV files in copies of the bundled study: each fault is named (file, line or data row,
column) and the reconciliation counts the file's records from its bytes (here: its lines, none of which
holds a quoted line break once the fault is undone)."""

import json
import shutil
from pathlib import Path

import pytest

from sdtm_convert.cli import main

ROOT = Path(__file__).resolve().parents[2]
STUDY = ROOT / "sample_data" / "nct03745417"
SPEC = ROOT / "mappings" / "nct03745417"


def _run(tmp_path, capsys, edit):
    study = tmp_path / "study"
    shutil.copytree(STUDY, study)
    path = study / "ae.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(edit(lines)))
    out = tmp_path / "out"
    code = main(["run", str(study), "--spec", str(SPEC), "--out", str(out)])
    text = capsys.readouterr()
    return code, text.out + text.err, out


def _ae_row(out):
    report = json.loads((out / "reports" / "conversion-report.json").read_text())
    return next(r for r in report["reconciliation"] if r["file"] == "ae.csv")


def _field(lines, line, i, new):
    cells = lines[line - 1].split(b",")
    cells[i] = new(cells[i])
    return [*lines[: line - 1], b",".join(cells), *lines[line:]]


def test_a_stray_quote_before_a_value_stops_the_run_naming_its_line(tmp_path, capsys):
    code, text, _ = _run(tmp_path, capsys, lambda ls: _field(ls, 4, 3, lambda v: b'"' + v))
    assert code == 2
    assert ("[raw-quote-unbalanced] ae.csv, line 4, data row 3: quote opened here is not closed before the next "
            "record") in text and text.rstrip().endswith("(quote opened in data row 3 (line 4))")
    assert "Traceback" not in text


def test_a_quote_spanning_two_last_fields_stops_the_run_naming_its_line(tmp_path, capsys):
    def edit(ls):
        ls = _field(ls, 4, 19, lambda v: v + b'"See next')
        return _field(ls, 5, 19, lambda v: v + b'x"')

    code, text, _ = _run(tmp_path, capsys, edit)
    assert code == 2
    assert "[raw-quote-unbalanced] ae.csv, line 4, data row 3:" in text


def test_a_nul_byte_rejects_the_record_and_the_count_holds(tmp_path, capsys):
    code, text, out = _run(tmp_path, capsys, lambda ls: _field(ls, 2, 3, lambda v: b"Head\x00ache"))
    assert code == 1
    assert ("[raw-control-character] ae.csv, line 2, data row 1, column AETERM_V: control character U+0000 (NUL) "
            "in the value; the record is rejected") in text
    row = _ae_row(out)
    physical = len([ln for ln in STUDY.joinpath("ae.csv").read_bytes().split(b"\n")[1:] if ln.strip()])
    assert (row["rows_in_file"], row["rows_read"], row["rows_mapped"], row["rows_rejected"]) == \
        (physical, physical, physical - 1, 1)


def test_an_unquoted_lone_cr_gives_two_rejected_rows_named(tmp_path, capsys):
    code, text, out = _run(tmp_path, capsys, lambda ls: _field(ls, 4, 3, lambda v: b"Common\rcold"))
    assert code == 1
    assert "[raw-record-fields] ae.csv, line 4, data row 3: the record has 4 fields, fewer than the header's 20" in text
    assert "[raw-record-fields] ae.csv, line 4, data row 4: the record has 17 fields" in text
    row = _ae_row(out)
    assert (row["rows_in_file"], row["rows_read"], row["rows_rejected"]) == (27, 27, 2)
    assert row["rows_read"] == row["rows_mapped"] + row["rows_rejected"]


@pytest.mark.parametrize("extra", [b",Other", b""])
def test_a_short_or_long_row_is_an_error_naming_it(tmp_path, capsys, extra):
    def edit(ls):
        return [*ls[:2], ls[2] + extra if extra else ls[2].rsplit(b",", 1)[0], *ls[3:]]

    code, text, out = _run(tmp_path, capsys, edit)
    assert code == 1
    n = 21 if extra else 19
    assert f"[raw-record-fields] ae.csv, line 3, data row 2: the record has {n} fields" in text
    row = _ae_row(out)
    assert (row["rows_in_file"], row["rows_read"], row["rows_mapped"], row["rows_rejected"]) == (26, 26, 25, 1)


def test_a_repeated_header_stops_the_run_naming_the_header(tmp_path, capsys):
    def edit(ls):
        return [ls[0] + b",AETERM_V", *[ln + b",Other" if ln else ln for ln in ls[1:]]]

    code, text, _ = _run(tmp_path, capsys, edit)
    assert code == 2
    assert "[raw-column-duplicate] ae.csv, line 1, column AETERM_V: header AETERM_V appears more than once" in text
    assert "AETERM_V.1" not in text
