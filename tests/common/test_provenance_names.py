"""The provenance column names are written once, in ``common/provenance.py``; everyone else imports them."""

from __future__ import annotations

import ast
from pathlib import Path

import sdtm_convert
from sdtm_convert.common import provenance

PACKAGE = Path(sdtm_convert.__file__).parent
HOME = PACKAGE / "common" / "provenance.py"


def _literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant in ``path`` that names a ``__src_`` column (docstrings that only
    mention one do not start with it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.startswith("__src_")]


def test_no_src_literal_outside_provenance():
    found = [f"{p.relative_to(PACKAGE)}:{line}: {text!r}" for p in sorted(PACKAGE.rglob("*.py")) if p != HOME
             for line, text in _literals(p)]
    assert found == []


def test_provenance_names_its_columns():
    assert (provenance.SRC_FILE, provenance.SRC_ROW, provenance.SRC_COLUMN) == ("__src_file", "__src_row", "__src_column")
    assert provenance.PROVENANCE == (provenance.SRC_FILE, provenance.SRC_ROW)
    assert {text for _, text in _literals(HOME)} == {"__src_file", "__src_row", "__src_column"}
