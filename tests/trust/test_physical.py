"""The fault tests' own record counter (not the product's): records, blank lines, quoted breaks, merged records."""

from pathlib import Path

import pytest

from tests.trust.physical import data_records


def _count(tmp_path: Path, data: bytes) -> int:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    return data_records(path)


def test_counts_records_not_lines(tmp_path: Path) -> None:
    assert _count(tmp_path, b"A,B,C\r\n1,2,3\n\n4,\"two\nlines\",6\r  \n7,8,9") == 3


def test_a_lone_cr_ends_a_record(tmp_path: Path) -> None:
    assert _count(tmp_path, b"A,B\n1,2\r3\n") == 2


def test_a_record_swallowed_by_an_open_quote_fails(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="merged record"):
        _count(tmp_path, b'A,B,C\n1,2,"see next\n4,5,x"\n7,8,9\n')
